//! The interactive résumé, pure: [`App`] holds one visitor's state, [`App::handle`]
//! applies an input event and says what to do next, and `impl Widget for &App` (in
//! [`view`]) draws it. Bytes become events in [`input`]; [`theme`] picks styles per
//! visitor. Nothing here knows about SSH, sockets or async: the server drives it, tests
//! drive it with ratatui's `TestBackend`.
//!
//! Imports go one way, with no circles; the state never imports the view:
//! ```text
//! view ──→ app, help, share, rows, geometry, hyperlink, search, form   (view/nav, view/footer, view/form: app, geometry, search, theme, form)
//! app  ──→ help (HelpFit only), pager, search, rows, geometry, input, qr, theme, form   (app/reading, app/find, app/layers, app/writing)
//! form ──→ input, line, theme (and `crate::messages`)
//! help ──→ geometry, theme        share ──→ geometry, hyperlink, qr, theme
//! rows ──→ theme                  pager ──→ input
//! search ──→ line ──→ input        compose ──→ line, input, profile (and `crate::escape`)
//! geometry, hyperlink, input, qr, theme: leaves (nothing of ours in `tui`)
//! ```
//! [`geometry`] says where things go for a size and `rows` how a résumé row reads;
//! both the app and the view use them. The `help` and `share` boxes draw from plain
//! values the view hands them, never from the app. [`console`] is the owner's console
//! (its own state, `handle` and view, on the same theme and input decoder). Of the rest
//! of the crate, only `crate::resume`, `crate::messages` (the leaf that checks a
//! visitor's message) and, for the console, the insights' report and its layout are
//! imported.

pub mod app;
pub mod compose;
pub mod console;
pub mod form;
pub mod geometry;
mod help;
pub mod hyperlink;
pub mod input;
pub mod line;
pub mod pager;
pub mod palette;
pub mod profile;
pub mod qr;
mod rows;
pub mod search;
mod share;
pub mod theme;
pub mod view;

pub use app::{App, Effect, Overlay};
pub use input::{Decoder, Event};
pub use theme::{ClientTerminal, Profile, Theme};
