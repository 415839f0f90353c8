//! One visitor's view state and how events change it: `App::handle(event) -> Effect`.
//!
//! Plain state (section, scroll per section, the layers over the résumé, size, theme)
//! over the shared, read-only résumé. This file owns the state, its constructor and
//! accessors, and the key dispatch: one `match` per layer that calls short methods,
//! which live by concern in the child modules: `reading` (sections, scrolling, resize
//! keeping the reader's place, reloading), `find` (typing a query, `n`/`N`), `layers`
//! (the help and share boxes, Esc, linear mode) and `writing` (the "Write to me" form). Children, so that the
//! state's fields stay private to the app.
//!
//! No I/O, no async, no clock, no drawing: the view imports the app, never the other
//! way round; what both need (sizes, row text) comes from `geometry` and `rows`.

use std::sync::Arc;

use ratatui_core::layout::Size;

use super::form::Form;
use super::geometry::sanitize_size;
use super::help::{HelpFit, Lists};
use super::input::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEventKind, ScrollDirection};
use super::pager::Pager;
use super::qr::{Qr, QrError};
use super::search::Search;
use super::theme::Theme;
use crate::messages::Draft;
use crate::resume::layout::Row;
use crate::resume::{Loaded, Outline};

mod find;
mod layers;
mod reading;
mod writing;

/// Lines moved by one mouse-wheel notch.
const WHEEL_LINES: usize = 3;

/// The Ctrl keys that move through the résumé, as the keys they stand for: Ctrl-N and
/// Ctrl-P a line, Ctrl-F and Ctrl-B a page (emacs, and less's own aliases).
fn screen_alias(code: KeyCode) -> Option<KeyCode> {
    match code {
        KeyCode::Char('n') => Some(KeyCode::Down),
        KeyCode::Char('p') => Some(KeyCode::Up),
        KeyCode::Char('f') => Some(KeyCode::PageDown),
        KeyCode::Char('b') => Some(KeyCode::PageUp),
        _ => None,
    }
}

/// What the session should do after an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Nothing visible changed.
    None,
    Redraw,
    Quit,
    /// Store this draft of the form, then report with [`App::message_outcome`] and
    /// redraw. The form shows "Sending…" meanwhile.
    Send(Draft),
}

/// A box drawn over the résumé (and over an open search); Esc closes it first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    Share,
    /// The "Write to me" form (`m`).
    Form,
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
    ssh_command: Arc<str>,
    search: Option<Search>,
    /// The share URL's QR code, encoded when the card first opens.
    qr: Option<Arc<Result<Qr, QrError>>>,
    /// Linear mode, when on.
    /// Shared until changed, so cloning the app (its state before each frame) does
    /// not copy the pager's text.
    pager: Option<Arc<Pager>>,
    /// Where the reader was before a run of resizes: (block, byte offset into it). Kept
    /// across resizes so 200 → 40 → 200 columns comes back to the very same line;
    /// forgotten when the reader moves.
    place: Option<(usize, usize)>,
    /// The digit just typed, while a second one could make a two-digit section number
    /// (résumés of ten or more sections); any other key forgets it.
    first_digit: Option<usize>,
    /// Whether this server takes messages: `m`, its hints and the form.
    messages: bool,
    /// Whether the PDF is there to take away (the help and share card say how).
    downloads: bool,
    /// The form's state while it is open (a draft survives closing it only by sending).
    form: Option<Box<Form>>,
    /// Searches made (a query confirmed with Enter), for the insights: a count only.
    /// A line for the footer about what the last key or paste could not do (a paste
    /// cut at a field's bound, input that came too fast): shown until the next key, so
    /// nothing typed is dropped without a word.
    notice: Option<String>,
    searches: u32,
    /// Ctrl-L presses, wrapping: see [`App::repaints`].
    repaints: u32,
}

impl App {
    pub fn new(doc: Arc<Loaded>, theme: Theme, size: Size) -> Self {
        let sections = doc.outline.sections.len(); // the ASCII outline has the same sections
        let ssh_command: Arc<str> = Arc::from("ssh HOST");
        let help_fit = HelpFit::new(size, theme.profile.charset, &ssh_command, sections, Lists::default());
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
            first_digit: None,
            messages: false,
            downloads: false,
            form: None,
            searches: 0,
            notice: None,
            repaints: 0,
        };
        app.relayout();
        app
    }

    /// Sets the command shown in help and on the share card (`ssh -p 2222 host`).
    pub fn with_ssh_command(mut self, command: String) -> Self {
        self.ssh_command = command.into();
        self.refit_help();
        self
    }

    /// Lets visitors write to the owner: `m` opens the form, and the footer, the help and
    /// the share card say so.
    pub fn with_messages(mut self, on: bool) -> Self {
        self.messages = on;
        self.refit_help();
        self
    }

    pub(crate) fn messages(&self) -> bool {
        self.messages
    }

    /// Lets the help and the share card say how to take the PDF away (the server has
    /// one to give).
    pub fn with_downloads(mut self, on: bool) -> Self {
        self.downloads = on;
        self.refit_help();
        self
    }

    /// What the help lists beyond every visitor's keys.
    pub(crate) fn lists(&self) -> Lists {
        Lists { messages: self.messages, downloads: self.downloads }
    }

    pub(crate) fn doc(&self) -> &Loaded {
        &self.doc
    }

    /// The outline in the visitor's character set.
    pub(crate) fn outline(&self) -> &Outline {
        self.doc.outline_for(!self.theme.ascii())
    }

    pub(crate) fn theme(&self) -> &Theme {
        &self.theme
    }

    pub fn size(&self) -> Size {
        self.size
    }

    pub fn section(&self) -> usize {
        self.section
    }

    pub(crate) fn scroll(&self) -> usize {
        self.scroll.get(self.section).copied().unwrap_or(0)
    }

    pub(crate) fn overlay(&self) -> Overlay {
        self.overlay
    }

    pub(crate) fn help_scroll(&self) -> usize {
        self.help_scroll
    }

    /// How the help box fits the current size.
    #[cfg(test)]
    pub(crate) fn help_fit(&self) -> HelpFit {
        self.help_fit
    }

    pub(crate) fn ssh_command(&self) -> &str {
        &self.ssh_command
    }

    /// Searches the visitor made (queries confirmed with Enter).
    pub fn searches(&self) -> u32 {
        self.searches
    }

    pub(crate) fn search(&self) -> Option<&Search> {
        self.search.as_ref()
    }

    /// The résumé's share URL, in the visitor's character set.
    pub(crate) fn share_url(&self) -> Option<String> {
        let url = self.doc.resume.basics.share_url.as_ref()?.as_str();
        Some(if self.theme.ascii() { deunicode::deunicode(url) } else { url.to_owned() })
    }

    /// The share URL's QR code, once the card has been opened.
    pub(crate) fn qr(&self) -> Option<&Result<Qr, QrError>> {
        self.qr.as_deref()
    }

    /// The current section's rows at the current width.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Draws from now on with `theme` (the terminal reported its background, or that
    /// it shows 24-bit colour); rows are laid out again if the character set changed.
    pub fn set_theme(&mut self, theme: Theme) {
        let relayout = theme.ascii() != self.theme.ascii();
        self.theme = theme;
        if relayout {
            self.relayout();
        }
    }

    /// The footer's notice, if one is up.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Says `text` in the footer until the next key.
    pub(crate) fn notify(&mut self, text: String) -> Effect {
        self.notice = Some(text);
        Effect::Redraw
    }

    /// `bytes` of the visitor's input came faster than the view takes them and were
    /// dropped (the server's input queue is bounded): said, never silently.
    pub fn input_lost(&mut self, bytes: u64) -> Effect {
        self.notify(format!("{bytes} bytes of input came too fast and were dropped — type or paste again"))
    }

    pub fn handle(&mut self, event: &Event) -> Effect {
        let before = (self.section, self.scroll());
        // A notice lasts until the next key or paste, which may make one of its own.
        let noticed = matches!(event, Event::Key(_) | Event::Paste(_)).then(|| self.notice.take()).flatten();
        let effect = self.apply(event);
        let effect = if noticed.is_some() && effect == Effect::None { Effect::Redraw } else { effect };
        if let (Effect::Quit, Some(pager)) = (&effect, self.pager.as_mut()) {
            Arc::make_mut(pager).finish();
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
            Event::Paste(_) if self.pager.is_some() => Effect::None,
            Event::Paste(text) if self.overlay == Overlay::Form => self.paste_into_form(text),
            Event::Paste(text) => self.paste_into_query(text),
            Event::Mouse(_) if self.pager.is_some() || self.form.is_some() => Effect::None,
            Event::Mouse(mouse) => match mouse.kind {
                MouseEventKind::Scroll(ScrollDirection::Up) => self.scroll_by(-(WHEEL_LINES as isize)),
                MouseEventKind::Scroll(ScrollDirection::Down) => self.scroll_by(WHEEL_LINES as isize),
                _ => Effect::None,
            },
            _ => Effect::None,
        }
    }

    fn on_key(&mut self, key: &KeyEvent) -> Effect {
        let writing = self.form.is_some() && self.overlay == Overlay::Form;
        let finding = self.pager.is_none() && self.search.as_ref().is_some_and(Search::editing);
        let typing = writing || finding;
        let (ctrl, alt) =
            (key.modifiers.contains(KeyModifiers::CTRL), key.modifiers.contains(KeyModifiers::ALT));
        // Alt-modified characters are nobody's command here (a terminal sends them as
        // ESC and the key, and a stray ESC before a key must not make it one); in a
        // line being typed they are its word keys.
        if alt && !typing {
            return Effect::None;
        }
        if !matches!(key.code, KeyCode::Char('0'..='9')) {
            self.first_digit = None;
        }
        // In a line being typed Ctrl-D deletes the next character, as in Readline.
        match key.code {
            KeyCode::Char('c') if ctrl => return Effect::Quit,
            KeyCode::Char('d') if ctrl && !typing => return Effect::Quit,
            _ => {}
        }
        if self.pager.is_some() {
            return self.on_pager_key(key);
        }
        if ctrl && key.code == KeyCode::Char('l') {
            return self.repaint();
        }
        if writing {
            return self.on_form_key(key);
        }
        if finding && let Some(effect) = self.on_query_key(key) {
            return effect;
        }
        if alt {
            return Effect::None;
        }
        self.on_command_key(key, ctrl)
    }

    /// A key over the résumé (and its boxes), nothing being typed.
    fn on_command_key(&mut self, key: &KeyEvent, ctrl: bool) -> Effect {
        match key.code {
            KeyCode::Esc => self.close_top_layer(),
            _ if ctrl => match screen_alias(key.code) {
                Some(code) => self.move_key(&KeyEvent::new(code)),
                None => Effect::None,
            },
            KeyCode::Char('q') => Effect::Quit,
            KeyCode::Char('?') => self.toggle(Overlay::Help),
            KeyCode::Char('s') => self.toggle(Overlay::Share),
            KeyCode::Char('m') if self.messages => self.open_form(),
            KeyCode::Char('/') => self.start_search(),
            KeyCode::Char('p') => {
                self.open_linear();
                Effect::Redraw
            }
            _ => self.move_key(key),
        }
    }

    /// A key that moves: the help box's text when it does not fit, else the résumé
    /// (closing a box over it).
    fn move_key(&mut self, key: &KeyEvent) -> Effect {
        if self.overlay == Overlay::Help && self.help_fit.scrolls() {
            return self.on_help_key(key);
        }
        let closed = std::mem::replace(&mut self.overlay, Overlay::None) != Overlay::None;
        match self.navigate(key) {
            Effect::None if closed => Effect::Redraw,
            effect => effect,
        }
    }

    /// Ctrl-L: the whole screen drawn again from blank, for a terminal whose screen
    /// was garbled (a line-noise burst, a `write` from another user), as in less, vi
    /// and every curses program.
    fn repaint(&mut self) -> Effect {
        self.repaints = self.repaints.wrapping_add(1);
        Effect::Redraw
    }

    /// How many times the visitor asked for the whole screen again ([`App::repaint`]):
    /// a frame drawn for a different count starts from a blank screen.
    pub fn repaints(&self) -> u32 {
        self.repaints
    }

    /// Keys that move through the résumé.
    fn navigate(&mut self, key: &KeyEvent) -> Effect {
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        match key.code {
            KeyCode::Tab if shift => self.step_section(-1),
            KeyCode::Left | KeyCode::Char('h') => self.step_section(-1),
            KeyCode::Right | KeyCode::Tab | KeyCode::Char('l') => self.step_section(1),
            KeyCode::Char(digit @ '0'..='9') => self.on_digit(digit),
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::load::parse_str;
    use crate::tui::theme::{Charset, ColorDepth, Profile};

    pub(super) fn app(width: u16, height: u16) -> App {
        let resume = parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap();
        let profile = Profile::new(ColorDepth::Ansi256, Charset::Utf8);
        App::new(Arc::new(Loaded::from_resume(resume)), Theme::new(profile), Size::new(width, height))
    }

    pub(super) fn press(app: &mut App, code: KeyCode) -> Effect {
        app.handle(&Event::Key(KeyEvent::new(code)))
    }

    /// Types `text` key by key (`\r` is Enter).
    pub(super) fn type_keys(app: &mut App, text: &str) {
        for c in text.chars() {
            press(app, if c == '\r' { KeyCode::Enter } else { KeyCode::Char(c) });
        }
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

    fn ctrl(app: &mut App, c: char) -> Effect {
        app.handle(&Event::Key(KeyEvent::new(KeyCode::Char(c)).modifiers(KeyModifiers::CTRL)))
    }

    #[test]
    fn ctrl_n_p_f_b_move_as_down_up_page_down_page_up() {
        let mut app = app(80, 24);
        press(&mut app, KeyCode::Char('3'));
        assert_eq!(ctrl(&mut app, 'n'), Effect::Redraw);
        assert_eq!(app.scroll(), 1);
        ctrl(&mut app, 'p');
        assert_eq!(app.scroll(), 0);
        ctrl(&mut app, 'f');
        assert_eq!(app.scroll(), usize::try_from(app.page()).unwrap());
        ctrl(&mut app, 'b');
        assert_eq!(app.scroll(), 0);
        assert!(!app.is_linear(), "Ctrl-P is not p");
        assert_eq!(ctrl(&mut app, 's'), Effect::None, "nor Ctrl-S s");
        assert_eq!(app.overlay(), Overlay::None);
    }

    #[test]
    fn ctrl_l_asks_for_the_whole_screen_from_anywhere() {
        let mut app = app(80, 24).with_messages(true);
        for open in [None, Some('/'), Some('m'), Some('?')] {
            if let Some(key) = open {
                press(&mut app, KeyCode::Char(key));
            }
            let before = app.repaints();
            assert_eq!(ctrl(&mut app, 'l'), Effect::Redraw);
            assert_eq!(app.repaints(), before.wrapping_add(1), "{open:?}");
            press(&mut app, KeyCode::Esc);
        }
    }
}
