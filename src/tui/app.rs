//! One visitor's view state and how events change it: `App::handle(event) -> Effect`.
//!
//! Plain state (section, scroll per section, overlay, size, theme) over the shared,
//! read-only résumé. It knows the geometry of the view (from `view::content_size`) so
//! scrolling stops at the last line, and keeps the reader's place across resizes: the
//! block at the top of the screen stays at the top. No I/O, no async, no clock.

use std::sync::Arc;

use ratatui::layout::Size;

use super::input::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEventKind, ScrollDirection};
use super::theme::Theme;
use super::view;
use crate::resume::Loaded;
use crate::resume::layout::{Row, layout};

/// Largest terminal a visitor can make us draw for; anything bigger is clamped.
pub const MAX_SIZE: Size = Size { width: 500, height: 200 };
/// What a size of zero means (`ssh -tt` from a pipe sends 0x0).
pub const DEFAULT_SIZE: Size = Size { width: 80, height: 24 };

/// Lines moved by one mouse-wheel notch.
const WHEEL_LINES: usize = 3;

/// What the session should do after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing visible changed.
    None,
    Redraw,
    Quit,
}

/// A layer drawn over the résumé; Esc closes it before it would quit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
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
    /// The current section laid out at the current content width.
    rows: Vec<Row>,
}

/// Turns a client-reported size into one we draw: 0 means the default, and both sides
/// are capped so no visitor can make the server allocate without bound.
pub fn sanitize_size(cols: u32, rows: u32) -> Size {
    let side = |value: u32, default: u16, max: u16| match u16::try_from(value) {
        Ok(0) => default,
        Ok(value) => value.min(max),
        Err(_) => max,
    };
    Size {
        width: side(cols, DEFAULT_SIZE.width, MAX_SIZE.width),
        height: side(rows, DEFAULT_SIZE.height, MAX_SIZE.height),
    }
}

impl App {
    pub fn new(doc: Arc<Loaded>, theme: Theme, size: Size) -> Self {
        let sections = doc.outline.sections.len(); // the ASCII outline has the same sections
        let mut app = Self {
            doc,
            theme,
            size,
            section: 0,
            scroll: vec![0; sections],
            overlay: Overlay::None,
            rows: Vec::new(),
        };
        app.relayout();
        app
    }

    pub fn doc(&self) -> &Loaded {
        &self.doc
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

    pub fn handle(&mut self, event: &Event) -> Effect {
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Resize { cols, rows } => self.resize(sanitize_size(*cols, *rows)),
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
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        match key.code {
            KeyCode::Char('c' | 'd') if ctrl => Effect::Quit,
            KeyCode::Char('q') => Effect::Quit,
            KeyCode::Esc if self.overlay != Overlay::None => self.set_overlay(Overlay::None),
            KeyCode::Esc => Effect::Quit,
            KeyCode::Char('?') => self.toggle_help(),
            _ if ctrl => Effect::None,
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
            _ => Effect::None,
        }
    }

    fn toggle_help(&mut self) -> Effect {
        let next = if self.overlay == Overlay::Help { Overlay::None } else { Overlay::Help };
        self.set_overlay(next)
    }

    fn set_overlay(&mut self, overlay: Overlay) -> Effect {
        self.overlay = overlay;
        Effect::Redraw
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
        let height = view::content_size(self.size).height as isize;
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
        let height = usize::from(view::content_size(self.size).height);
        self.rows.len().saturating_sub(height)
    }

    fn resize(&mut self, size: Size) -> Effect {
        if size == self.size {
            return Effect::None;
        }
        let anchor = self.rows.get(self.scroll()).map(|row| row.block);
        self.size = size;
        self.relayout();
        if let Some(block) = anchor {
            let row = self.rows.iter().position(|r| r.block == block).unwrap_or(0);
            self.scroll_to(row);
        }
        Effect::Redraw
    }

    fn relayout(&mut self) {
        let width = usize::from(view::content_size(self.size).width);
        self.rows = match self.outline().sections.get(self.section) {
            Some(section) => layout(section, width),
            None => Vec::new(),
        };
        let max = self.max_scroll();
        if let Some(scroll) = self.scroll.get_mut(self.section) {
            *scroll = (*scroll).min(max);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::load::parse_str;
    use crate::tui::theme::{Charset, ColorDepth, Profile};

    fn app(width: u16, height: u16) -> App {
        let resume = parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap();
        let profile = Profile { color: ColorDepth::Ansi256, charset: Charset::Utf8 };
        App::new(Arc::new(Loaded::from_resume(resume)), Theme::new(profile), Size::new(width, height))
    }

    fn press(app: &mut App, code: KeyCode) -> Effect {
        app.handle(&Event::Key(KeyEvent::new(code)))
    }

    #[test]
    fn sizes_are_sanitised() {
        assert_eq!(sanitize_size(0, 0), DEFAULT_SIZE);
        assert_eq!(sanitize_size(100_000, 7), Size::new(500, 7));
        assert_eq!(sanitize_size(u32::MAX, u32::MAX), MAX_SIZE);
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
}
