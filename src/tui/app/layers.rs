//! What lies over the résumé and how it goes away: the help and share boxes (`?`,
//! `s`), Esc closing the top layer before it quits, scrolling a help box too tall for
//! the screen, and linear mode (`p`), where a [`Pager`] takes over the keys and the
//! app produces text instead of frames. Layers stack: a help or share box over an open
//! search over the résumé; Esc closes the top one and quits only when none is open.
//!
//! The boxes are drawn by `help` and `share` from values the view takes from the app;
//! this module keeps only their state (which box, its scroll, the share URL's code).

use std::sync::Arc;

use super::{App, Effect, Overlay};
use crate::tui::help::HelpFit;
use crate::tui::input::{KeyCode, KeyEvent};
use crate::tui::pager::{Pager, Step};
use crate::tui::qr::Qr;

impl App {
    /// Esc: the help or share box, else the search, else quit.
    pub(super) fn close_top_layer(&mut self) -> Effect {
        if self.overlay != Overlay::None {
            self.overlay = Overlay::None;
        } else if self.search.take().is_none() {
            return Effect::Quit;
        }
        Effect::Redraw
    }

    pub(super) fn toggle(&mut self, overlay: Overlay) -> Effect {
        self.overlay = if self.overlay == overlay { Overlay::None } else { overlay };
        self.help_scroll = 0;
        if self.overlay == Overlay::Share && self.qr.is_none() && !self.theme.ascii() {
            self.qr = self.share_url().map(|url| Arc::new(Qr::encode(&url)));
        }
        Effect::Redraw
    }

    /// Fits the help box to the current size, charset and command again, once per
    /// change rather than on every key.
    pub(super) fn refit_help(&mut self) {
        let sections = self.outline().sections.len();
        let lists = self.lists();
        self.help_fit =
            HelpFit::new(self.size, self.theme.profile.charset, &self.ssh_command, sections, lists);
        self.help_scroll = self.help_scroll.min(self.help_fit.max_scroll);
    }

    /// Scroll keys move the help box's text when it does not fit; others close it.
    pub(super) fn on_help_key(&mut self, key: &KeyEvent) -> Effect {
        let page = isize::try_from(self.help_fit.visible.max(2)).unwrap_or(2) - 1;
        let delta = match key.code {
            KeyCode::Up | KeyCode::Char('k') => -1,
            KeyCode::Down | KeyCode::Char('j') => 1,
            KeyCode::PageUp | KeyCode::Char('b') => -page,
            KeyCode::PageDown | KeyCode::Char(' ') => page,
            _ => {
                self.overlay = Overlay::None;
                self.navigate(key);
                return Effect::Redraw;
            }
        };
        let max = self.help_fit.max_scroll;
        self.help_scroll = self.help_scroll.saturating_add_signed(delta).min(max);
        Effect::Redraw
    }

    /// Switches to linear mode (`ssh -t host plain`, or `p`).
    pub(crate) fn open_linear(&mut self) {
        let pager = Pager::new(self.doc.outline_for(!self.theme.ascii()), self.size, self.section);
        self.pager = Some(Arc::new(pager));
    }

    pub(crate) fn is_linear(&self) -> bool {
        self.pager.is_some()
    }

    /// In linear mode, the text produced since the last call (`\n` line ends).
    pub(crate) fn take_linear_output(&mut self) -> Option<String> {
        self.pager.as_mut().map(|pager| Arc::make_mut(pager).take_output())
    }

    pub(super) fn on_pager_key(&mut self, key: &KeyEvent) -> Effect {
        let Some(pager) = self.pager.as_mut() else { return Effect::None };
        match Arc::make_mut(pager).on_key(key) {
            Step::Printed => Effect::Redraw,
            Step::Nothing => Effect::None,
            Step::Quit => Effect::Quit,
            Step::FullScreen => {
                self.pager = None;
                Effect::Redraw
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{app, press, type_keys};
    use super::*;
    use ratatui_core::layout::Size;

    use crate::tui::help::Lists;
    use crate::tui::input::Event;
    use crate::tui::theme::Charset;

    #[test]
    fn esc_closes_the_top_layer_then_quits() {
        let mut app = app(80, 24);
        type_keys(&mut app, "/elixir\r?");
        assert_eq!(app.overlay(), Overlay::Help);
        assert_eq!(press(&mut app, KeyCode::Esc), Effect::Redraw);
        assert!(app.search().is_some(), "Esc closed only the help");
        press(&mut app, KeyCode::Char('s'));
        assert_eq!(app.overlay(), Overlay::Share);
        press(&mut app, KeyCode::Esc);
        assert_eq!((app.overlay(), app.search().is_some()), (Overlay::None, true));
        assert_eq!(press(&mut app, KeyCode::Esc), Effect::Redraw);
        assert!(app.search().is_none());
        assert_eq!(press(&mut app, KeyCode::Esc), Effect::Quit);
    }

    #[test]
    fn share_card_without_share_url_has_no_code() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('s'));
        assert_eq!(app.overlay(), Overlay::Share);
        assert!(app.share_url().is_none() && app.qr().is_none());
        press(&mut app, KeyCode::Char('s'));
        assert_eq!(app.overlay(), Overlay::None);
    }

    #[test]
    fn p_switches_to_linear_text_and_back() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('3'));
        assert_eq!(press(&mut app, KeyCode::Char('p')), Effect::Redraw);
        let text = app.take_linear_output().unwrap();
        assert!(text.starts_with("EXPERIENCE\n"), "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('─'));
        assert_eq!(press(&mut app, KeyCode::Char(' ')), Effect::Redraw);
        assert!(!app.take_linear_output().unwrap().is_empty());
        press(&mut app, KeyCode::Char('p'));
        assert!(!app.is_linear() && app.take_linear_output().is_none());
        assert_eq!(app.section(), 2);
    }

    #[test]
    fn help_scrolls_when_it_does_not_fit() {
        let mut app = app(30, 10);
        press(&mut app, KeyCode::Char('?'));
        press(&mut app, KeyCode::Down);
        assert_eq!((app.help_scroll(), app.scroll()), (1, 0), "Down moved the help, not the résumé");
        press(&mut app, KeyCode::End);
        assert_eq!(app.overlay(), Overlay::None, "other keys close the help and act");
    }

    #[test]
    fn the_help_fit_is_kept_for_the_size_and_command() {
        let fit = |size, command: &str| HelpFit::new(size, Charset::Utf8, command, 7, Lists::default());
        let mut app = app(30, 10);
        assert_eq!(app.help_fit(), fit(Size::new(30, 10), "ssh HOST"));
        app = app.with_ssh_command("ssh -p 2222 a-rather-long-host-name.example.org".to_owned());
        assert_eq!(app.help_fit(), fit(Size::new(30, 10), app.ssh_command()));
        press(&mut app, KeyCode::Char('?'));
        press(&mut app, KeyCode::Down);
        assert_eq!(app.help_fit(), fit(Size::new(30, 10), app.ssh_command()), "keys leave it as it is");
        app.handle(&Event::Resize { cols: 200, rows: 60 });
        assert_eq!(app.help_fit(), fit(Size::new(200, 60), app.ssh_command()));
        assert!(!app.help_fit().scrolls());
    }

    #[test]
    fn help_scroll_stays_within_the_box_after_a_resize() {
        let mut app = app(30, 10);
        press(&mut app, KeyCode::Char('?'));
        for _ in 0..100 {
            press(&mut app, KeyCode::Down);
        }
        assert_eq!(app.help_scroll(), app.help_fit().max_scroll);
        app.handle(&Event::Resize { cols: 40, rows: 20 });
        assert!(app.help_scroll() <= app.help_fit().max_scroll);
    }
}
