//! What every benchmark starts from: the shipped résumé and an `App` for an
//! `xterm-256color` visitor, built the way the server builds them.
#![allow(dead_code)] // each benchmark file uses a different part

use std::sync::Arc;

use ratatui_core::layout::Size;
use ssh_resume::resume::{Loaded, load};
use ssh_resume::tui::{App, ClientTerminal, Theme};

pub const RESUME: &str = include_str!("../../resume.toml");

pub fn shipped() -> Arc<Loaded> {
    // The shipped résumé is valid: the test suite checks it.
    Arc::new(Loaded::from_resume(load::parse_str(RESUME, "resume.toml").expect("the shipped résumé loads")))
}

/// The app a visitor with `TERM=xterm-256color` and a UTF-8 locale gets.
pub fn app(width: u16, height: u16) -> App {
    let client = ClientTerminal { term: "xterm-256color".into(), ..ClientTerminal::default() };
    App::new(shipped(), Theme::new(client.profile()), Size::new(width, height))
}
