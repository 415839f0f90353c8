//! Visit insights: what the owner learns about visits without anyone being followed.
//! Aggregates only — per UTC hour, counts of visits by kind, sections shown, time
//! spent (a fixed-bucket histogram), how sessions ended, client families, terminal
//! size classes and colour depths, exec commands and deep links by their fixed names,
//! searches (a count, never the words), messages, and distinct visitors per UTC day
//! (told apart by the redactor's daily keyed hash, kept in memory only). No address,
//! user name or anything a visitor typed is ever stored.
//!
//! [`labels`] names what is counted; [`tally`] holds the pending counts (pure);
//! [`recorder`] is the doors' cheap handle and the flusher that writes to the store
//! every ten seconds and at shutdown; [`range`] reads `--since`/`--until`; [`report`]
//! turns stored rows into the figures `ssh-resume stats` and the owner console show,
//! and [`render`] lays them out as text.
//!
//! Imports: `insights → {store, guard}`; the doors and the console import this.

pub mod labels;
pub mod range;
pub mod recorder;
pub mod render;
pub mod report;
pub mod tally;

pub use labels::Kind;
pub use recorder::{FLUSH_INTERVAL, Insights, Online};
pub use tally::Visit;
