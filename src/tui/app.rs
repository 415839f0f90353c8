//! One visitor's view state and how events change it: `App::handle(event) -> Effect`.
//!
//! Plain state (section, scroll per section, the layers over the résumé, size, theme)
//! over the shared, read-only résumé. It knows the geometry of the view (from
//! `geometry::content_size`) so scrolling stops at the last line, and keeps the reader's
//! place across resizes: the block at the top of the screen stays at the top. Layers
//! stack: a help or share box over an open search over the résumé; Esc closes the top
//! one and quits only when none is open. In linear mode (for screen readers) a
//! [`Pager`] takes over and the app produces text instead of frames. No I/O, no async,
//! no clock, no drawing: the view imports the app, never the other way round.

use std::sync::Arc;

use ratatui::layout::Size;

use super::geometry::{content_size, sanitize_size};
use super::help::HelpFit;
use super::input::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEventKind, ScrollDirection};
use super::pager::{Pager, Step};
use super::qr::Qr;
use super::rows::row_text;
use super::search::{Hit, Search, find_all};
use super::theme::Theme;
use crate::resume::Loaded;
use crate::resume::layout::{Row, layout};

/// Lines moved by one mouse-wheel notch.
const WHEEL_LINES: usize = 3;
/// Lines kept above a search match that is scrolled to.
const MATCH_CONTEXT: usize = 2;

/// What the session should do after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing visible changed.
    None,
    Redraw,
    Quit,
}

/// A box drawn over the résumé (and over an open search); Esc closes it first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Share,
}

/// One visitor's state.
#[derive(Debug, Clone)]
pub struct App {
    doc: Arc<Loaded>,
    theme: Theme,
    size: Size,
    section: usize,
    /// First visible row, per section, so returning to a section keeps its place.
    scroll: Vec<usize>,
    overlay: Overlay,
    help_scroll: usize,
    /// How the help box fits the current size, charset and command; made when one
    /// changes, so keys pressed with help open do not lay the help out again.
    help_fit: HelpFit,
    /// The current section laid out at the current content width.
    rows: Arc<[Row]>,
    /// What a visitor types to get here, e.g. `ssh -p 2222 resume.example.org`.
    ssh_command: String,
    search: Option<Search>,
    /// The share URL's QR code, encoded when the card first opens.
    qr: Option<Result<Qr, String>>,
    /// Linear mode, when on.
    pager: Option<Pager>,
    /// Where the reader was before a run of resizes: (block, byte offset into it). Kept
    /// across resizes so 200 → 40 → 200 columns comes back to the very same line;
    /// forgotten when the reader moves.
    place: Option<(usize, usize)>,
}

impl App {
    pub fn new(doc: Arc<Loaded>, theme: Theme, size: Size) -> Self {
        let sections = doc.outline.sections.len(); // the ASCII outline has the same sections
        let ssh_command = "ssh HOST".to_owned();
        let help_fit = HelpFit::new(size, theme.profile.charset, &ssh_command);
        let mut app = Self {
            doc,
            theme,
            size,
            section: 0,
            scroll: vec![0; sections],
            overlay: Overlay::None,
            help_scroll: 0,
            help_fit,
            rows: Arc::from([]),
            ssh_command,
            search: None,
            qr: None,
            pager: None,
            place: None,
        };
        app.relayout();
        app
    }

    /// Sets the command shown in help and on the share card (`ssh -p 2222 host`).
    pub fn with_ssh_command(mut self, command: String) -> Self {
        self.ssh_command = command;
        self.help_fit = HelpFit::new(self.size, self.theme.profile.charset, &self.ssh_command);
        self
    }

    pub fn doc(&self) -> &Loaded {
        &self.doc
    }

    /// Shows a reloaded résumé from the next frame on. The reader stays on the section
    /// with the same slug, where it still exists, at the nearest line; a search or a
    /// share card is closed (their results belong to the old text). The linear pager
    /// keeps the text it already laid out.
    pub fn replace_doc(&mut self, doc: Arc<Loaded>) {
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
        self.relayout();
    }

    /// The outline in the visitor's character set.
    pub fn outline(&self) -> &crate::resume::Outline {
        self.doc.outline_for(!self.theme.ascii())
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    pub fn size(&self) -> Size {
        self.size
    }

    pub fn section(&self) -> usize {
        self.section
    }

    pub fn scroll(&self) -> usize {
        self.scroll.get(self.section).copied().unwrap_or(0)
    }

    pub fn overlay(&self) -> Overlay {
        self.overlay
    }

    pub fn help_scroll(&self) -> usize {
        self.help_scroll
    }

    /// How the help box fits the current size.
    #[cfg(test)]
    pub(crate) fn help_fit(&self) -> HelpFit {
        self.help_fit
    }

    pub fn ssh_command(&self) -> &str {
        &self.ssh_command
    }

    pub fn search(&self) -> Option<&Search> {
        self.search.as_ref()
    }

    /// The résumé's share URL, in the visitor's character set.
    pub fn share_url(&self) -> Option<String> {
        let url = self.doc.resume.basics.share_url.as_ref()?.as_str();
        Some(if self.theme.ascii() { deunicode::deunicode(url) } else { url.to_owned() })
    }

    /// The share URL's QR code, once the card has been opened.
    pub fn qr(&self) -> Option<&Result<Qr, String>> {
        self.qr.as_ref()
    }

    /// The current section's rows at the current width.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Opens the view on section `index` (deep links).
    pub fn select_section(&mut self, index: usize) {
        if index < self.outline().sections.len() {
            self.section = index;
            self.relayout();
        }
    }

    /// Switches to linear mode (`ssh -t host plain`, or `p`).
    pub fn open_linear(&mut self) {
        self.pager = Some(Pager::new(self.doc.outline_for(!self.theme.ascii()), self.size, self.section));
    }

    pub fn is_linear(&self) -> bool {
        self.pager.is_some()
    }

    /// In linear mode, the text produced since the last call (`\n` line ends).
    pub fn take_linear_output(&mut self) -> Option<String> {
        self.pager.as_mut().map(Pager::take_output)
    }

    pub fn handle(&mut self, event: &Event) -> Effect {
        let before = (self.section, self.scroll());
        let effect = self.apply(event);
        if let (Effect::Quit, Some(pager)) = (effect, self.pager.as_mut()) {
            pager.finish();
        }
        if !matches!(event, Event::Resize { .. }) && before != (self.section, self.scroll()) {
            self.place = None;
        }
        effect
    }

    fn apply(&mut self, event: &Event) -> Effect {
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Resize { cols, rows } => self.resize(sanitize_size(*cols, *rows)),
            Event::Mouse(_) if self.pager.is_some() => Effect::None,
            Event::Mouse(mouse) => match mouse.kind {
                MouseEventKind::Scroll(ScrollDirection::Up) => self.scroll_by(-(WHEEL_LINES as isize)),
                MouseEventKind::Scroll(ScrollDirection::Down) => self.scroll_by(WHEEL_LINES as isize),
                _ => Effect::None,
            },
            _ => Effect::None,
        }
    }

    fn on_key(&mut self, key: &KeyEvent) -> Effect {
        let ctrl = key.modifiers.contains(KeyModifiers::CTRL);
        if ctrl && matches!(key.code, KeyCode::Char('c' | 'd')) {
            return Effect::Quit;
        }
        if self.pager.is_some() {
            return self.on_pager_key(key);
        }
        if self.search.as_ref().is_some_and(Search::editing)
            && let Some(effect) = self.on_query_key(key, ctrl)
        {
            return effect;
        }
        match key.code {
            KeyCode::Esc => self.close_top_layer(),
            KeyCode::Char('q') => Effect::Quit,
            KeyCode::Char('?') => self.toggle(Overlay::Help),
            KeyCode::Char('s') => self.toggle(Overlay::Share),
            KeyCode::Char('/') => self.start_search(),
            KeyCode::Char('p') => {
                self.open_linear();
                Effect::Redraw
            }
            _ if ctrl => Effect::None,
            _ if self.overlay == Overlay::Help && self.help_fit.scrolls() => self.on_help_key(key),
            _ => {
                let closed = std::mem::replace(&mut self.overlay, Overlay::None) != Overlay::None;
                match self.navigate(key) {
                    Effect::None if closed => Effect::Redraw,
                    effect => effect,
                }
            }
        }
    }

    /// Keys that move through the résumé.
    fn navigate(&mut self, key: &KeyEvent) -> Effect {
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        match key.code {
            KeyCode::Tab if shift => self.step_section(-1),
            KeyCode::Left | KeyCode::Char('h') => self.step_section(-1),
            KeyCode::Right | KeyCode::Tab | KeyCode::Char('l') => self.step_section(1),
            KeyCode::Char(digit @ '1'..='9') => self.jump_to_section(digit),
            KeyCode::Up | KeyCode::Char('k') => self.scroll_by(-1),
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Enter => self.scroll_by(1),
            KeyCode::PageUp | KeyCode::Char('b') => self.scroll_by(-self.page()),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll_by(self.page()),
            KeyCode::Home | KeyCode::Char('g') => self.scroll_to(0),
            KeyCode::End | KeyCode::Char('G') => self.scroll_to(usize::MAX),
            KeyCode::Char('n') => self.next_match(true),
            KeyCode::Char('N') => self.next_match(false),
            _ => Effect::None,
        }
    }

    /// Esc: the help or share box, else the search, else quit.
    fn close_top_layer(&mut self) -> Effect {
        if self.overlay != Overlay::None {
            self.overlay = Overlay::None;
        } else if self.search.take().is_none() {
            return Effect::Quit;
        }
        Effect::Redraw
    }

    fn toggle(&mut self, overlay: Overlay) -> Effect {
        self.overlay = if self.overlay == overlay { Overlay::None } else { overlay };
        self.help_scroll = 0;
        if self.overlay == Overlay::Share && self.qr.is_none() && !self.theme.ascii() {
            self.qr = self.share_url().map(|url| Qr::encode(&url));
        }
        Effect::Redraw
    }

    /// Scroll keys move the help box's text when it does not fit; others close it.
    fn on_help_key(&mut self, key: &KeyEvent) -> Effect {
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

    fn on_pager_key(&mut self, key: &KeyEvent) -> Effect {
        let Some(pager) = self.pager.as_mut() else { return Effect::None };
        match pager.on_key(key) {
            Step::Printed => Effect::Redraw,
            Step::Nothing => Effect::None,
            Step::Quit => Effect::Quit,
            Step::FullScreen => {
                self.pager = None;
                Effect::Redraw
            }
        }
    }

    fn start_search(&mut self) -> Effect {
        self.overlay = Overlay::None;
        self.search = Some(Search::new());
        Effect::Redraw
    }

    /// Typing a query: printable keys go into it; `None` lets other keys through.
    fn on_query_key(&mut self, key: &KeyEvent, ctrl: bool) -> Option<Effect> {
        let (section, row) = (self.section, self.scroll());
        let search = self.search.as_mut()?;
        match key.code {
            KeyCode::Enter if search.query().is_empty() => self.search = None,
            KeyCode::Enter => {
                let hit = search.confirm(section, row).cloned();
                if let Some(hit) = hit {
                    self.show_hit(&hit);
                }
            }
            KeyCode::Backspace if search.query().is_empty() => self.search = None,
            KeyCode::Backspace => {
                search.pop();
                self.refresh_hits();
            }
            KeyCode::Char(c) if !ctrl => {
                if !search.push(c) {
                    return Some(Effect::None);
                }
                self.refresh_hits();
            }
            _ => return None,
        }
        Some(Effect::Redraw)
    }

    fn next_match(&mut self, forward: bool) -> Effect {
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
    fn refresh_hits(&mut self) {
        let Some(query) = self.search.as_ref().map(|s| s.query().to_owned()) else { return };
        let query = if self.theme.ascii() { deunicode::deunicode(&query) } else { query };
        let width = usize::from(content_size(self.size).width);
        let mut hits = Vec::new();
        for (section, content) in self.outline().sections.iter().enumerate() {
            for (row, laid) in layout(content, width).iter().enumerate() {
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

    fn step_section(&mut self, step: isize) -> Effect {
        let count = self.outline().sections.len();
        if count == 0 {
            return Effect::None;
        }
        let next = (self.section as isize + step).rem_euclid(count as isize);
        self.change_section(next as usize)
    }

    fn jump_to_section(&mut self, digit: char) -> Effect {
        let index = digit.to_digit(10).map_or(0, |d| d as usize).saturating_sub(1);
        if index >= self.outline().sections.len() {
            return Effect::None;
        }
        self.change_section(index)
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
    fn page(&self) -> isize {
        let height = content_size(self.size).height as isize;
        (height - 1).max(1)
    }

    fn scroll_by(&mut self, delta: isize) -> Effect {
        let target = (self.scroll() as isize).saturating_add(delta).max(0);
        self.scroll_to(target as usize)
    }

    fn scroll_to(&mut self, row: usize) -> Effect {
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
    pub fn max_scroll(&self) -> usize {
        let height = usize::from(content_size(self.size).height);
        self.rows.len().saturating_sub(height)
    }

    fn resize(&mut self, size: Size) -> Effect {
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
            pager.resize(self.doc.outline_for(!self.theme.ascii()), size);
        }
        self.help_fit = HelpFit::new(size, self.theme.profile.charset, &self.ssh_command);
        self.help_scroll = self.help_scroll.min(self.help_fit.max_scroll);
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

    fn relayout(&mut self) {
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
    use super::*;
    use crate::resume::load::parse_str;
    use crate::tui::theme::{Charset, ColorDepth, Profile};

    fn app(width: u16, height: u16) -> App {
        let resume = parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap();
        let profile = Profile::new(ColorDepth::Ansi256, Charset::Utf8);
        App::new(Arc::new(Loaded::from_resume(resume)), Theme::new(profile), Size::new(width, height))
    }

    fn press(app: &mut App, code: KeyCode) -> Effect {
        app.handle(&Event::Key(KeyEvent::new(code)))
    }

    #[test]
    fn a_reloaded_resume_keeps_the_readers_section() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('3'));
        press(&mut app, KeyCode::Down);
        let text = include_str!("../../resume.toml").replace("Together.ai", "Together AI");
        let reloaded = Loaded::from_resume(parse_str(&text, "resume.toml").unwrap());
        app.replace_doc(Arc::new(reloaded));
        assert_eq!((app.section(), app.scroll()), (2, 1));
        assert!(app.rows().iter().any(|r| r.text.starts_with("Together AI")));
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
    fn quit_keys_and_esc_closing_overlays_first() {
        let mut app = app(80, 24);
        assert_eq!(press(&mut app, KeyCode::Char('?')), Effect::Redraw);
        assert_eq!(app.overlay(), Overlay::Help);
        assert_eq!(press(&mut app, KeyCode::Esc), Effect::Redraw);
        assert_eq!(app.overlay(), Overlay::None);
        assert_eq!(press(&mut app, KeyCode::Esc), Effect::Quit);
        assert_eq!(press(&mut app, KeyCode::Char('q')), Effect::Quit);
        let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c')).modifiers(KeyModifiers::CTRL));
        assert_eq!(app.handle(&ctrl_c), Effect::Quit);
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

    fn type_keys(app: &mut App, text: &str) {
        for c in text.chars() {
            press(app, if c == '\r' { KeyCode::Enter } else { KeyCode::Char(c) });
        }
    }

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
    fn esc_while_typing_cancels_the_search() {
        let mut app = app(80, 24);
        type_keys(&mut app, "/eli");
        assert_eq!(press(&mut app, KeyCode::Esc), Effect::Redraw);
        assert!(app.search().is_none());
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
        let fit = |size, command: &str| HelpFit::new(size, Charset::Utf8, command);
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

    #[test]
    fn an_ascii_visitor_finds_accented_text_by_its_transliteration() {
        let resume = parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap();
        let theme = Theme::new(Profile::new(ColorDepth::None, Charset::Ascii));
        let mut app = App::new(Arc::new(Loaded::from_resume(resume)), theme, Size::new(80, 24));
        type_keys(&mut app, "/150 → 1100");
        assert_eq!(app.search().unwrap().hits().len(), 1, "`→` is looked for as `->`");
        type_keys(&mut app, "\r");
        assert_eq!(app.section(), 2);
    }
}
