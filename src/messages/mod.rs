//! Visitors' messages to the owner, in one place: the [`draft`] every door takes and
//! makes safe (the view's form, `ssh host message`, the web page's form), the hourly
//! [`limits`] and de-duplication, the [`mailbox`] every door delivers through (intake,
//! limits, the durable insert within the visitor's time bound, then the owner's
//! webhook, the metrics and the insights), the webhook itself ([`notify`]), and the
//! owner's `ssh-resume inbox` commands ([`inbox`]).
//!
//! Imports: `draft` and `limits` are leaves (the store keeps a [`Message`], the view's
//! form edits a [`Draft`]); `mailbox → {store, insights, admission, metrics, notify}`;
//! `inbox → store`. A change to how messages work touches this folder and the few
//! places that wire it in: the doors' forms and `cli`.

pub mod draft;
pub mod inbox;
pub mod limits;
pub mod mailbox;
pub mod notify;

pub use draft::{
    Channel, Draft, IntakeError, MAX_BODY, MAX_NAME, MAX_REPLY_TO, Message, REFUSAL_REASONS, Receipt,
    SendError, UNAVAILABLE_LINE, is_unsafe, multi_line, one_line, shown_name, terminal_safe,
};
