//! Reading the résumé: moving between sections, scrolling within one, and keeping the
//! reader's place when the text is laid out again (a resize re-wraps it; a reload
//! replaces it).
//!
//! Scrolling stops where the end of the text touches the bottom of the text area, whose
//! size comes from `geometry`. Across resizes the block at the top of the screen stays
//! at the top, at the same text. Keys reach these methods through the app's dispatch;
//! this module neither reads keys nor draws.

use std::sync::Arc;

use ratatui_core::layout::Size;

use super::{App, Effect, Overlay};
use crate::resume::Loaded;
use crate::resume::layout::Row;
use crate::tui::geometry::content_size;

impl App {
    /// Shows a reloaded résumé from the next frame on. The reader stays on the section
    /// with the same slug, where it still exists, at the nearest line; a search or a
    /// share card is closed (their results belong to the old text). The linear pager
    /// keeps the text it already laid out.
    pub(crate) fn replace_doc(&mut self, doc: Arc<Loaded>) {
        let slug = self.outline().sections.get(self.section).map(|s| s.slug);
        let scroll = self.scroll();
        self.doc = doc;
        let sections = self.outline().sections.len();
        let section = slug.and_then(|slug| self.outline().sections.iter().position(|s| s.slug == slug));
        self.section = section.unwrap_or(0);
        self.scroll = vec![0; sections];
        if let Some(slot) = self.scroll.get_mut(self.section) {
            *slot = if section.is_some() { scroll } else { 0 };
        }
        self.search = None;
        self.qr = None;
        self.place = None;
        if self.overlay == Overlay::Share {
            self.overlay = Overlay::None;
        }
        self.first_digit = None;
        self.refit_help();
        self.relayout();
    }

    /// Opens the view on section `index` (deep links).
    pub(crate) fn select_section(&mut self, index: usize) {
        if index < self.outline().sections.len() {
            self.section = index;
            self.relayout();
        }
    }

    pub(super) fn step_section(&mut self, step: isize) -> Effect {
        let count = self.outline().sections.len();
        if count == 0 {
            return Effect::None;
        }
        let next = (self.section as isize + step).rem_euclid(count as isize);
        self.change_section(next as usize)
    }

    /// A digit: section 1–9 at once; with ten or more sections, a digit typed right
    /// after another makes the two-digit number when that section exists (`1` `2` is
    /// section 12 of 13; `1` `2` of 7 is section 2).
    pub(super) fn on_digit(&mut self, digit: char) -> Effect {
        let value = digit.to_digit(10).map_or(0, |d| d as usize);
        let count = self.outline().sections.len();
        if let Some(first) = self.first_digit.take() {
            let number = first * 10 + value;
            if (10..=count).contains(&number) {
                return self.change_section(number - 1);
            }
        }
        if value == 0 || value > count {
            return Effect::None;
        }
        if value * 10 <= count {
            self.first_digit = Some(value);
        }
        self.change_section(value - 1)
    }

    fn change_section(&mut self, index: usize) -> Effect {
        if index == self.section {
            return Effect::None;
        }
        self.section = index;
        self.relayout();
        Effect::Redraw
    }

    /// Lines one page moves: the visible height less one line of context.
    pub(super) fn page(&self) -> isize {
        let height = content_size(self.size).height as isize;
        (height - 1).max(1)
    }

    pub(super) fn scroll_by(&mut self, delta: isize) -> Effect {
        let target = (self.scroll() as isize).saturating_add(delta).max(0);
        self.scroll_to(target as usize)
    }

    pub(super) fn scroll_to(&mut self, row: usize) -> Effect {
        let clamped = row.min(self.max_scroll());
        match self.scroll.get_mut(self.section) {
            Some(current) if *current != clamped => {
                *current = clamped;
                Effect::Redraw
            }
            _ => Effect::None,
        }
    }

    /// The last first-visible row: the end of the content touches the bottom.
    pub(crate) fn max_scroll(&self) -> usize {
        let height = usize::from(content_size(self.size).height);
        self.rows.len().saturating_sub(height)
    }

    pub(super) fn resize(&mut self, size: Size) -> Effect {
        if size == self.size {
            return Effect::None;
        }
        self.place = self.place.or_else(|| self.top_place());
        self.size = size;
        self.relayout();
        if let Some((block, offset)) = self.place {
            let starts = block_row_starts(&self.rows, block);
            let row = starts.iter().rev().find(|(_, start)| *start <= offset).or(starts.first());
            self.scroll_to(row.map_or(0, |(row, _)| *row));
        }
        if let Some(pager) = self.pager.as_mut() {
            Arc::make_mut(pager).resize(self.doc.outline_for(!self.theme.ascii()), size);
        }
        self.refit_help();
        self.refresh_hits();
        Effect::Redraw
    }

    /// Where the reader is: the block at the top of the screen and the offset of the
    /// top row's text in it, so a re-wrapped block puts the same text on top.
    fn top_place(&self) -> Option<(usize, usize)> {
        let block = self.rows.get(self.scroll())?.block;
        let starts = block_row_starts(&self.rows, block);
        starts.iter().find(|(row, _)| *row == self.scroll()).map(|(_, start)| (block, *start))
    }

    pub(super) fn relayout(&mut self) {
        let width = usize::from(content_size(self.size).width);
        let utf8 = !self.theme.ascii();
        self.rows = self.doc.rows(self.section, width, utf8).unwrap_or_else(|| Arc::from([]));
        let max = self.max_scroll();
        if let Some(scroll) = self.scroll.get_mut(self.section) {
            *scroll = (*scroll).min(max);
        }
    }
}

/// The rows of `block` with the offset at which each starts in the block's text (rows
/// are the block's words in order, one space apart).
fn block_row_starts(rows: &[Row], block: usize) -> Vec<(usize, usize)> {
    let mut offset = 0;
    let mut starts = Vec::new();
    for (index, row) in rows.iter().enumerate().filter(|(_, r)| r.block == block) {
        starts.push((index, offset));
        offset += row.text.len() + 1;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::super::tests::{app, press};
    use super::*;
    use crate::resume::load::parse_str;
    use crate::tui::input::{Event, KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn a_reloaded_resume_keeps_the_readers_section() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('3'));
        press(&mut app, KeyCode::Down);
        let text = include_str!("../../../resume.toml").replace("Together.ai", "Together AI");
        let reloaded = Loaded::from_resume(parse_str(&text, "resume.toml").unwrap());
        app.replace_doc(Arc::new(reloaded));
        assert_eq!((app.section(), app.scroll()), (2, 1));
        assert!(app.rows().iter().any(|r| r.text.starts_with("Together AI")));
    }

    fn reloaded() -> Arc<Loaded> {
        let text = include_str!("../../../resume.toml").replace("Together.ai", "Together AI");
        Arc::new(Loaded::from_resume(parse_str(&text, "resume.toml").unwrap()))
    }

    #[test]
    fn a_reload_while_find_is_open_closes_it_and_keys_work_on() {
        let mut app = app(80, 24);
        for c in "/elixir".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        press(&mut app, KeyCode::Enter);
        let section = app.section();
        assert!(app.search().is_some());
        app.replace_doc(reloaded());
        assert!(app.search().is_none(), "its matches belonged to the old text");
        assert_eq!(app.section(), section);
        assert_eq!(press(&mut app, KeyCode::Char('n')), Effect::None, "n finds nothing now");
        press(&mut app, KeyCode::Char('/'));
        assert!(app.search().is_some_and(|s| s.editing()), "find opens again");
    }

    #[test]
    fn a_reload_while_the_share_card_is_open_closes_it() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('s'));
        assert_eq!(app.overlay(), super::super::Overlay::Share);
        app.replace_doc(reloaded());
        assert_eq!(app.overlay(), super::super::Overlay::None);
        assert_eq!(press(&mut app, KeyCode::Char('s')), Effect::Redraw, "and opens again");
    }

    #[test]
    fn a_reload_in_the_pager_keeps_the_text_it_laid_out() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('3'));
        press(&mut app, KeyCode::Char('p'));
        let first = app.take_linear_output().unwrap();
        assert!(first.contains("Together.ai"), "{first}");
        app.replace_doc(reloaded());
        assert!(app.is_linear());
        assert_eq!(press(&mut app, KeyCode::Char(' ')), Effect::Redraw);
        let next = app.take_linear_output().unwrap();
        assert!(!next.contains("Together AI"), "the pager goes on with the text it had");
        assert_eq!(press(&mut app, KeyCode::Char('b')), Effect::Redraw);
        let again = app.take_linear_output().unwrap();
        assert!(again.contains("Together.ai") && !again.contains("Together AI"), "back a page: {again}");
        press(&mut app, KeyCode::Char('p'));
        assert!(app.rows().iter().any(|r| r.text.starts_with("Together AI")), "the view shows the new one");
    }

    #[test]
    fn arrows_tab_and_digits_change_section() {
        let mut app = app(80, 24);
        assert_eq!(press(&mut app, KeyCode::Right), Effect::Redraw);
        assert_eq!(app.section(), 1);
        press(&mut app, KeyCode::Tab);
        assert_eq!(app.section(), 2);
        press(&mut app, KeyCode::Char('h'));
        assert_eq!(app.section(), 1);
        press(&mut app, KeyCode::Char('7'));
        assert_eq!(app.section(), 6);
        assert_eq!(press(&mut app, KeyCode::Char('9')), Effect::None);
        press(&mut app, KeyCode::Right);
        assert_eq!(app.section(), 0, "sections wrap around");
        app.handle(&Event::Key(KeyEvent::new(KeyCode::Tab).modifiers(KeyModifiers::SHIFT)));
        assert_eq!(app.section(), 6);
    }

    /// The fictional résumé with every JSON Resume section: more than twelve.
    fn many_sections() -> App {
        let text = include_str!("../../../tests/fixtures/json/all-sections.resume.json");
        let parsed = crate::resume::load::read_str(text, "all-sections.resume.json").unwrap();
        let theme = crate::tui::theme::Theme::new(crate::tui::theme::Profile::new(
            crate::tui::theme::ColorDepth::Ansi256,
            crate::tui::theme::Charset::Utf8,
        ));
        App::new(Arc::new(Loaded::from_resume(parsed.resume)), theme, Size::new(80, 24))
    }

    #[test]
    fn two_digits_reach_sections_beyond_nine() {
        let mut app = many_sections();
        let count = app.outline().sections.len();
        assert!(count >= 12, "{count} sections");
        press(&mut app, KeyCode::Char('1'));
        assert_eq!(app.section(), 0);
        press(&mut app, KeyCode::Char('2'));
        assert_eq!(app.section(), 11, "1 then 2 is section 12");
        press(&mut app, KeyCode::Char('2'));
        assert_eq!(app.section(), 1, "a digit after a two-digit number starts anew");
        press(&mut app, KeyCode::Char('1'));
        press(&mut app, KeyCode::Char('j'));
        press(&mut app, KeyCode::Char('0'));
        assert_eq!(app.section(), 0, "another key in between forgets the first digit");
        press(&mut app, KeyCode::Char('1'));
        press(&mut app, KeyCode::Char('0'));
        assert_eq!(app.section(), 9);
    }

    #[test]
    fn with_fewer_than_ten_sections_digits_stay_single() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('1'));
        press(&mut app, KeyCode::Char('2'));
        assert_eq!(app.section(), 1);
        assert_eq!(press(&mut app, KeyCode::Char('0')), Effect::None);
    }

    #[test]
    fn scrolling_stops_at_both_ends() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('3'));
        assert_eq!(press(&mut app, KeyCode::Up), Effect::None);
        press(&mut app, KeyCode::Down);
        assert_eq!(app.scroll(), 1);
        press(&mut app, KeyCode::PageDown);
        assert!(app.scroll() > 10);
        press(&mut app, KeyCode::End);
        assert_eq!(app.scroll(), app.max_scroll());
        assert_eq!(press(&mut app, KeyCode::Char('j')), Effect::None);
        press(&mut app, KeyCode::Char('g'));
        assert_eq!(app.scroll(), 0);
    }

    #[test]
    fn each_section_keeps_its_place() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('3'));
        press(&mut app, KeyCode::PageDown);
        let place = app.scroll();
        press(&mut app, KeyCode::Char('1'));
        press(&mut app, KeyCode::Char('3'));
        assert_eq!(app.scroll(), place);
    }

    #[test]
    fn resize_keeps_the_block_at_the_top() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('3'));
        let target = app.rows().iter().position(|r| r.text.starts_with("Shopify")).unwrap();
        for _ in 0..target {
            press(&mut app, KeyCode::Down);
        }
        app.handle(&Event::Resize { cols: 40, rows: 20 });
        assert!(app.rows()[app.scroll()].text.starts_with("Shopify"));
        app.handle(&Event::Resize { cols: 80, rows: 24 });
        assert_eq!(app.section(), 2);
        assert!(app.rows()[app.scroll()].text.starts_with("Shopify"));
    }

    #[test]
    fn resize_to_narrow_and_back_keeps_section_and_place() {
        let mut app = app(200, 60);
        press(&mut app, KeyCode::Char('3'));
        for _ in 0..30 {
            press(&mut app, KeyCode::Down);
        }
        let top = app.rows()[app.scroll()].text.clone();
        app.handle(&Event::Resize { cols: 40, rows: 20 });
        let narrow_top = app.rows()[app.scroll()].text.clone();
        let first_word = top.split(' ').next().unwrap();
        assert!(narrow_top.contains(first_word), "{top} / {narrow_top}");
        app.handle(&Event::Resize { cols: 200, rows: 60 });
        assert_eq!(app.section(), 2);
        assert_eq!(app.rows()[app.scroll()].text, top);
    }
}
