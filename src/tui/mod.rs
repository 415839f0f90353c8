//! The interactive résumé, pure: [`App`] holds one visitor's state, [`App::handle`]
//! applies an input event and says what to do next, and `impl Widget for &App` (in
//! [`view`]) draws it. Bytes become events in [`input`]; [`theme`] picks styles per
//! visitor. Nothing here knows about SSH, sockets or async: the server drives it, tests
//! drive it with ratatui's `TestBackend`.
//!
//! The state never imports the view: what both need lives in leaves below them,
//! [`geometry`] (where things go for a size) and `rows` (how a résumé row reads).
//! The `help` and `share` boxes draw from plain values the view hands them.

pub mod app;
pub mod geometry;
pub mod help;
pub mod hyperlink;
pub mod input;
pub mod pager;
pub mod qr;
mod rows;
pub mod search;
pub mod share;
pub mod theme;
pub mod view;

pub use app::{App, Effect, Overlay};
pub use input::{Decoder, Event};
pub use theme::{ClientTerminal, Profile, Theme};
