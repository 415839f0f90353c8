//! Find, as the app drives it: typing the query (printable keys go into it while it
//! is being typed), finding it in every section as laid out now, and jumping to a hit
//! with Enter, `n` and `N`, opening its section and scrolling it into view.
//!
//! The query and the hits themselves, and how text is matched, are `search`'s; the text
//! a row shows is `rows`'. This module decides what the reader sees of them.

use super::{App, Effect, Overlay};
use crate::safe_text::is_unsafe;
use crate::tui::geometry::content_size;
use crate::tui::input::{KeyCode, KeyEvent, KeyModifiers};
use crate::tui::line::Edit;
use crate::tui::rows::row_text;
use crate::tui::search::{Hit, MAX_QUERY, Search, find_all};

/// Lines kept above a search match that is scrolled to.
const MATCH_CONTEXT: usize = 2;

/// A key that types a character (not a command).
fn is_typed(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_)) && !key.modifiers.intersects(KeyModifiers::CTRL | KeyModifiers::ALT)
}

impl App {
    pub(super) fn start_search(&mut self) -> Effect {
        self.overlay = Overlay::None;
        self.search = Some(Search::new());
        Effect::Redraw
    }

    /// Typing a query: printable keys and the line's editing keys ([`LineInput`]) go
    /// into it; Backspace or Ctrl-D on an empty query closes it, as Esc does; `None`
    /// lets other keys through.
    ///
    /// [`LineInput`]: crate::tui::line::LineInput
    pub(super) fn on_query_key(&mut self, key: &KeyEvent) -> Option<Effect> {
        let (section, row) = (self.section, self.scroll());
        let search = self.search.as_mut()?;
        let ctrl = key.modifiers.contains(KeyModifiers::CTRL);
        match key.code {
            KeyCode::Enter if search.query().is_empty() => self.search = None,
            KeyCode::Enter => {
                self.searches = self.searches.saturating_add(1);
                let search = self.search.as_mut()?;
                let hit = search.confirm(section, row).cloned();
                if let Some(hit) = hit {
                    self.show_hit(&hit);
                }
            }
            KeyCode::Backspace if search.query().is_empty() => self.search = None,
            KeyCode::Char('d') if ctrl && search.query().is_empty() => self.search = None,
            _ => {
                let before = search.query().to_owned();
                match search.edit(key) {
                    // A moved cursor finds nothing new.
                    Edit::Changed if search.query() == before => {}
                    Edit::Changed => self.refresh_hits(),
                    Edit::Unchanged if is_typed(key) && search.query().chars().count() >= MAX_QUERY => {
                        return Some(self.notify(format!("a search takes at most {MAX_QUERY} characters")));
                    }
                    Edit::Unchanged => return Some(Effect::None),
                    Edit::NotMine => return None,
                }
            }
        }
        Some(Effect::Redraw)
    }

    /// A paste while the query is being typed goes into it at the cursor (line breaks
    /// as spaces, what may not reach a terminal dropped, up to the query's bound);
    /// elsewhere it is ignored.
    pub(super) fn paste_into_query(&mut self, text: &str) -> Effect {
        let Some(search) = self.search.as_mut().filter(|s| s.editing()) else { return Effect::None };
        let typed = text.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c });
        // What may not be typed is left out first, so the first refusal means the query
        // is full.
        let wanted = text.chars().filter(|&c| !is_unsafe(c)).count();
        let pushed = typed.filter(|&c| !is_unsafe(c)).take_while(|&c| search.push(c)).count();
        let cut = pushed < wanted;
        if pushed > 0 {
            self.refresh_hits();
        }
        if cut {
            return self.notify(format!(
                "pasted text cut at {pushed} characters: a search takes at most {MAX_QUERY}"
            ));
        }
        if pushed == 0 { Effect::None } else { Effect::Redraw }
    }

    pub(super) fn next_match(&mut self, forward: bool) -> Effect {
        let hit = self.search.as_mut().filter(|s| !s.editing()).and_then(|s| s.step(forward)).cloned();
        match hit {
            Some(hit) => {
                self.show_hit(&hit);
                Effect::Redraw
            }
            None => Effect::None,
        }
    }

    /// Opens the hit's section and scrolls it into view (with context above).
    fn show_hit(&mut self, hit: &Hit) {
        if hit.section != self.section {
            self.section = hit.section;
            self.relayout();
        }
        let height = usize::from(content_size(self.size).height);
        if hit.row < self.scroll() || hit.row >= self.scroll() + height {
            self.scroll_to(hit.row.saturating_sub(MATCH_CONTEXT));
        }
    }

    /// Finds the query in every section as laid out now.
    pub(super) fn refresh_hits(&mut self) {
        let Some(query) = self.search.as_ref().map(|s| s.query().to_owned()) else { return };
        let query = if self.theme.ascii() { deunicode::deunicode(&query) } else { query };
        let width = usize::from(content_size(self.size).width);
        let utf8 = !self.theme.ascii();
        let mut hits = Vec::new();
        for section in 0..self.outline().sections.len() {
            // The shared layout cache: typing a query lays nothing out again.
            let Some(rows) = self.doc.rows(section, width, utf8) else { continue };
            for (row, laid) in rows.iter().enumerate() {
                let text = row_text(laid, &self.theme, width);
                hits.extend(find_all(&text, &query).into_iter().map(|range| Hit { section, row, range }));
            }
        }
        if let Some(search) = self.search.as_mut() {
            search.set_hits(hits);
            if !search.editing() {
                search.select_from(self.section, self.scroll.get(self.section).copied().unwrap_or(0));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{app, press, type_keys};
    use super::*;
    use std::sync::Arc;

    use ratatui_core::layout::Size;

    use crate::resume::Loaded;
    use crate::resume::load::parse_str;
    use crate::tui::Overlay;
    use crate::tui::input::Event;
    use crate::tui::theme::{Charset, ColorDepth, Profile, Theme};

    #[test]
    fn while_typing_a_query_printable_keys_go_into_it() {
        let mut app = app(80, 24);
        type_keys(&mut app, "/qj3?sp/");
        let search = app.search().unwrap();
        assert_eq!(search.query(), "qj3?sp/");
        assert!(search.editing());
        assert_eq!((app.section(), app.overlay(), app.is_linear()), (0, Overlay::None, false));
        press(&mut app, KeyCode::Backspace);
        assert_eq!(app.search().unwrap().query(), "qj3?sp");
    }

    fn with(code: KeyCode, modifiers: crate::tui::input::KeyModifiers) -> crate::tui::Event {
        crate::tui::Event::Key(KeyEvent::new(code).modifiers(modifiers))
    }

    #[test]
    fn the_query_takes_the_line_editing_keys_and_ctrl_d_quits_only_outside_it() {
        use crate::tui::input::{Decoder, KeyModifiers};
        let mut app = app(80, 24);
        let mut events = Vec::new();
        // PuTTY's "Backspace sends ^H": BS deletes as DEL does.
        Decoder::new().feed(b"/Hellp\x08o rust!\x1b\x7fworld\x1bb\x02", &mut events);
        for event in &events {
            app.handle(event);
        }
        assert_eq!(app.search().unwrap().query(), "Hello world", "^H, Alt-Backspace");
        assert_eq!(app.search().unwrap().line().split(), ("Hello", " world"), "Alt-B, Ctrl-B");
        let ctrl = KeyModifiers::CTRL;
        assert_eq!(app.handle(&with(KeyCode::Char('d'), ctrl)), Effect::Redraw, "Ctrl-D deletes forward");
        assert_eq!(app.search().unwrap().query(), "Helloworld");
        app.handle(&with(KeyCode::Char('e'), ctrl));
        assert_eq!(
            app.handle(&with(KeyCode::Char('d'), ctrl)),
            Effect::None,
            "at the end: nothing to delete"
        );
        app.handle(&with(KeyCode::Char('u'), ctrl));
        assert_eq!(app.handle(&with(KeyCode::Char('d'), ctrl)), Effect::Redraw);
        assert!(app.search().is_none(), "Ctrl-D on an empty query closes it, as Backspace does");
        assert_eq!(app.handle(&with(KeyCode::Char('d'), ctrl)), Effect::Quit, "outside a line it quits");
    }

    #[test]
    fn confirmed_searches_are_counted_not_kept() {
        let mut app = app(80, 24);
        type_keys(&mut app, "/rust\r");
        type_keys(&mut app, "/\r"); // an empty query is no search
        type_keys(&mut app, "/go\r");
        assert_eq!(app.searches(), 2);
    }

    #[test]
    fn the_query_is_bounded() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('/'));
        for _ in 0..1000 {
            press(&mut app, KeyCode::Char('x'));
        }
        assert_eq!(app.search().unwrap().query().len(), crate::tui::search::MAX_QUERY);
    }

    #[test]
    fn enter_jumps_to_a_match_and_n_walks_across_sections() {
        let mut app = app(80, 24);
        type_keys(&mut app, "/elixir\r");
        let search = app.search().unwrap();
        assert!(!search.editing());
        assert!(search.hits().len() >= 2, "Elixir appears more than once");
        let (_, first) = search.current().unwrap();
        let first = first.clone();
        assert_eq!(app.section(), first.section);
        let top = app.scroll();
        assert!(first.row >= top && first.row < top + 20, "the match is on screen");
        let mut sections = std::collections::BTreeSet::new();
        for _ in 0..app.search().unwrap().hits().len() {
            press(&mut app, KeyCode::Char('n'));
            sections.insert(app.section());
        }
        assert!(sections.len() >= 2, "n visits several sections: {sections:?}");
        assert_eq!(app.search().unwrap().current().unwrap().1, &first, "n wraps around");
        press(&mut app, KeyCode::Char('N'));
        assert_ne!(app.search().unwrap().current().unwrap().1, &first);
    }

    #[test]
    fn esc_while_typing_cancels_the_search() {
        let mut app = app(80, 24);
        type_keys(&mut app, "/eli");
        assert_eq!(press(&mut app, KeyCode::Esc), Effect::Redraw);
        assert!(app.search().is_none());
    }

    #[test]
    fn an_ascii_visitor_finds_accented_text_by_its_transliteration() {
        let resume = parse_str(include_str!("../../../resume.toml"), "resume.toml").unwrap();
        let theme = Theme::new(Profile::new(ColorDepth::None, Charset::Ascii));
        let mut app = App::new(Arc::new(Loaded::from_resume(resume)), theme, Size::new(80, 24));
        type_keys(&mut app, "/150 → 1100");
        assert_eq!(app.search().unwrap().hits().len(), 1, "`→` is looked for as `->`");
        type_keys(&mut app, "\r");
        assert_eq!(app.section(), 2);
    }

    #[test]
    fn a_paste_or_a_key_past_the_querys_bound_is_said_in_the_footer() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('/'));
        let long = "y".repeat(MAX_QUERY + 10);
        assert_eq!(app.handle(&Event::Paste(long)), Effect::Redraw);
        assert_eq!(app.search().unwrap().query().chars().count(), MAX_QUERY);
        let said = format!("pasted text cut at {MAX_QUERY} characters: a search takes at most {MAX_QUERY}");
        assert_eq!(app.notice(), Some(said.as_str()));
        assert_eq!(press(&mut app, KeyCode::Char('z')), Effect::Redraw);
        let full = format!("a search takes at most {MAX_QUERY} characters");
        assert_eq!(app.notice(), Some(full.as_str()));
        press(&mut app, KeyCode::Backspace);
        assert_eq!(app.notice(), None, "the next key clears it");
    }

    #[test]
    fn input_that_came_too_fast_is_said_until_the_next_key() {
        let mut app = app(80, 24);
        assert_eq!(app.input_lost(4096), Effect::Redraw);
        assert!(app.notice().unwrap().starts_with("4096 bytes of input came too fast"));
        assert_eq!(press(&mut app, KeyCode::Down), Effect::Redraw);
        assert_eq!(app.notice(), None);
        assert_eq!(press(&mut app, KeyCode::Char('x')), Effect::None, "no notice, nothing to clear");
    }
}
