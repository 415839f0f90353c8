//! What a visitor can take away: the typeset PDF (`pdf`, behind the default-on `pdf`
//! feature), the contact card, and the read-only virtual directory every download door
//! serves, with the `sftp` subsystem and legacy `scp -f` over it. Nothing here touches
//! the server's disk on a visitor's behalf: every file is bytes made from one résumé
//! version. Imports `resume` only; the SSH and web doors import this.

pub mod edition;
pub mod files;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod scp;
pub mod sftp;
pub mod vcard;
