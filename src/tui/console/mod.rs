//! The owner console, pure: [`Console`] holds what the owner sees — the live report
//! (the insights of the last 24 hours and visitors online now) and the inbox — and
//! [`Console::handle`] applies a key and says what to do next: redraw, quit, or act on
//! the store ([`Action`]); the server's loop does the acting and hands the results back
//! ([`Console::show_report`], [`Console::show_inbox`], [`Console::show_status`]). The
//! view is [`view`]'s `impl Widget for &Console`.
//!
//! Keys: Tab (or `1`, `2`) switches between Stats and Inbox; arrows, `j`/`k`, PgUp/PgDn
//! move; Enter opens a message, Esc goes back; `r` marks read; `d` deletes after `y`
//! confirms; `?` lists the keys; `q` quits. No address of a visitor exists to show.
//! No I/O, no clock, no async.

use std::sync::Arc;

use ratatui_core::layout::Size;

use super::geometry::sanitize_size;
use super::input::{Event, KeyCode, KeyEvent, KeyModifiers};
use super::theme::Theme;
use crate::insights::report::Report;

mod pages;
pub mod view;

/// Most messages the console lists (the newest); the rest stay in the store, for
/// `ssh-resume inbox`.
pub const MAX_LISTED: usize = 500;

/// A message as the console shows it; text fields are cleaned when drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub id: i64,
    /// When it arrived, `YYYY-MM-DD HH:MM` UTC.
    pub received: String,
    /// The door it came through.
    pub channel: &'static str,
    pub name: Option<String>,
    pub reply_to: String,
    pub body: String,
    pub read: bool,
}

/// Which page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Stats,
    Inbox,
}

/// What the owner asked the store to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    MarkRead(i64),
    Delete(i64),
}

/// What the loop should do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    Redraw,
    Quit,
    Act(Action),
}

/// The owner console's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Console {
    theme: Theme,
    size: Size,
    tab: Tab,
    report: Option<Report>,
    /// A line about the last thing that went wrong (or was done), for the footer.
    status: Option<String>,
    /// Shared, so the copy of the console kept as the screen's state costs no copy of
    /// the messages (and comparing the two starts with the pointer).
    letters: Arc<[Letter]>,
    unread: u64,
    selected: usize,
    /// The message open for reading.
    open: bool,
    /// First line shown: of the report, or of the open message.
    scroll: usize,
    /// Delete asked for, waiting for `y`.
    confirming: Option<i64>,
    help: bool,
}

impl Console {
    pub fn new(theme: Theme, size: Size) -> Self {
        Self {
            theme,
            size,
            tab: Tab::Stats,
            report: None,
            status: None,
            letters: Arc::from([]),
            unread: 0,
            selected: 0,
            open: false,
            scroll: 0,
            confirming: None,
            help: false,
        }
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    pub fn size(&self) -> Size {
        self.size
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    pub fn letters(&self) -> &[Letter] {
        &self.letters
    }

    pub fn unread(&self) -> u64 {
        self.unread
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The message open for reading.
    pub fn open_letter(&self) -> Option<&Letter> {
        self.letters.get(self.selected).filter(|_| self.open)
    }

    pub fn scroll(&self) -> usize {
        self.scroll
    }

    pub fn confirming(&self) -> Option<i64> {
        self.confirming
    }

    pub fn help(&self) -> bool {
        self.help
    }

    /// A new report; true when it changes what is shown.
    pub fn show_report(&mut self, report: Report) -> bool {
        let changed = self.report.as_ref() != Some(&report);
        self.report = Some(report);
        changed
    }

    /// The inbox as the store has it now (newest first, at most [`MAX_LISTED`]) and the
    /// unread count; true when it changes what is shown. The selection stays on the same
    /// message where it still exists.
    pub fn show_inbox(&mut self, mut letters: Vec<Letter>, unread: u64) -> bool {
        letters.truncate(MAX_LISTED);
        if *letters == *self.letters && unread == self.unread {
            return false;
        }
        let selected_id = self.letters.get(self.selected).map(|letter| letter.id);
        let still = selected_id.and_then(|id| letters.iter().position(|letter| letter.id == id));
        if still.is_none() {
            self.open = false;
        }
        self.selected = still.unwrap_or(self.selected).min(letters.len().saturating_sub(1));
        self.letters = letters.into();
        self.unread = unread;
        true
    }

    /// A line for the footer (an error, or what was done); true when it changed.
    pub fn show_status(&mut self, status: Option<String>) -> bool {
        let changed = self.status != status;
        self.status = status;
        changed
    }

    pub fn handle(&mut self, event: &Event) -> Effect {
        match event {
            Event::Resize { cols, rows } => {
                self.size = sanitize_size(*cols, *rows);
                Effect::Redraw
            }
            Event::Key(key) => self.on_key(key),
            _ => Effect::None,
        }
    }

    fn on_key(&mut self, key: &KeyEvent) -> Effect {
        let ctrl = key.modifiers.contains(KeyModifiers::CTRL);
        if ctrl && matches!(key.code, KeyCode::Char('c' | 'd')) {
            return Effect::Quit;
        }
        if let Some(id) = self.confirming.take() {
            return self.confirm(id, key.code);
        }
        if self.help {
            // Any key closes the key list; `q` still quits.
            if key.code == KeyCode::Char('q') {
                return Effect::Quit;
            }
            return self.redraw(|c| c.help = false);
        }
        match key.code {
            KeyCode::Char('q') => Effect::Quit,
            KeyCode::Char('?') => self.redraw(|c| c.help = true),
            KeyCode::Tab => self.switch(if self.tab == Tab::Stats { Tab::Inbox } else { Tab::Stats }),
            KeyCode::Char('1') => self.switch(Tab::Stats),
            KeyCode::Char('2') => self.switch(Tab::Inbox),
            _ if self.tab == Tab::Inbox => self.on_inbox_key(key.code),
            code => self.scroll_by(scroll_step(code, self.page())),
        }
    }

    fn redraw(&mut self, change: impl FnOnce(&mut Self)) -> Effect {
        change(self);
        Effect::Redraw
    }

    fn switch(&mut self, tab: Tab) -> Effect {
        if self.tab == tab {
            return Effect::None;
        }
        self.redraw(|c| {
            c.tab = tab;
            c.open = false;
            c.scroll = 0;
        })
    }

    /// Lines a page moves: the body's height.
    fn page(&self) -> isize {
        isize::try_from(pages::body_height(self.size)).unwrap_or(1).max(1)
    }

    /// How far the page shown can scroll: its lines beyond the body's height.
    pub(crate) fn max_scroll(&self) -> usize {
        let lines = match (self.tab, self.open_letter(), &self.report) {
            (Tab::Inbox, Some(letter), _) => pages::letter_lines(letter, self.size.width).len(),
            (Tab::Stats, _, Some(report)) => {
                pages::report_lines(report, self.size.width, self.theme.ascii()).len()
            }
            _ => 0,
        };
        lines.saturating_sub(pages::body_height(self.size))
    }

    fn scroll_by(&mut self, step: isize) -> Effect {
        let scroll = self.scroll.saturating_add_signed(step).min(self.max_scroll());
        if step == 0 || scroll == self.scroll {
            return Effect::None;
        }
        self.redraw(|c| c.scroll = scroll)
    }

    fn on_inbox_key(&mut self, code: KeyCode) -> Effect {
        let current = self.letters.get(self.selected).map(|letter| letter.id);
        match (code, current) {
            (KeyCode::Char('r'), Some(id)) => Effect::Act(Action::MarkRead(id)),
            (KeyCode::Char('d') | KeyCode::Delete, Some(id)) => self.redraw(|c| c.confirming = Some(id)),
            (KeyCode::Enter, Some(_)) if !self.open => self.redraw(|c| {
                c.open = true;
                c.scroll = 0;
            }),
            (KeyCode::Esc | KeyCode::Backspace | KeyCode::Left, _) if self.open => {
                self.redraw(|c| c.open = false)
            }
            (code, _) if self.open => self.scroll_by(scroll_step(code, self.page())),
            (code, _) => self.select_by(scroll_step(code, self.page())),
        }
    }

    fn select_by(&mut self, step: isize) -> Effect {
        let last = self.letters.len().saturating_sub(1);
        let selected = self.selected.saturating_add_signed(step).min(last);
        if step == 0 || selected == self.selected {
            return Effect::None;
        }
        self.redraw(|c| c.selected = selected)
    }

    /// The answer to "delete message N?": `y` deletes, anything else keeps it.
    fn confirm(&mut self, id: i64, code: KeyCode) -> Effect {
        match code {
            KeyCode::Char('y' | 'Y') => Effect::Act(Action::Delete(id)),
            _ => Effect::Redraw,
        }
    }
}

/// How far a key moves a list or a page (0 for other keys).
fn scroll_step(code: KeyCode, page: isize) -> isize {
    match code {
        KeyCode::Up | KeyCode::Char('k') => -1,
        KeyCode::Down | KeyCode::Char('j') => 1,
        KeyCode::PageUp | KeyCode::Char('b') => -page,
        KeyCode::PageDown | KeyCode::Char(' ') => page,
        KeyCode::Home | KeyCode::Char('g') => isize::MIN / 2,
        KeyCode::End | KeyCode::Char('G') => isize::MAX / 2,
        _ => 0,
    }
}

#[cfg(test)]
mod tests;
