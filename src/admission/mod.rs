//! What both doors — the SSH server and the web view — use to let visitors in: the
//! connection [`limits`], [`cidr`] ranges of trusted proxies, and the [`privacy`]
//! redactor that decides how visitors appear in logs (messages' own limits are
//! `messages::limits`). Neither door imports the other; both import this. It imports nothing of
//! ours, and never a network or SSH type beyond `std::net` addresses.

pub mod cidr;
pub mod limits;
pub mod privacy;
