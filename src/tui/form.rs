//! The "Write to me" form's state and keys (`m` opens it): *Your name* (optional), *How
//! to reach you* (required) and *Message* (required, several lines), each a
//! `ratatui-textarea` editor, and a `[ Send ]` button.
//!
//! Tab and Shift-Tab move between the fields and the button; Enter moves on from a
//! one-line field, adds a line in the message and sends on the button; Ctrl-S sends from
//! anywhere. Editing is the text area's (wide and combining characters, lines) with the
//! keys of every line of the view ([`super::line`], Readline's): Ctrl-A/E/B/F and Home/
//! End, Alt-B/F, Backspace (DEL or ^H), Delete/Ctrl-D, Ctrl-K, Ctrl-U to the start of the
//! line as in a shell, Ctrl-W, Alt-D and Alt-Backspace by the line's word rule, and Ctrl-Y
//! putting back what one of them cut, in any field. A paste lands in the focused field.
//! Each field holds at most its limit in characters ([`crate::messages`]), and no control
//! character is ever put in one. Esc closes an empty form at once and asks before
//! throwing a draft away.
//!
//! Sending is not done here: [`Form::on_key`] says [`Step::Send`], the server stores the
//! [`Form::draft`] and hands the result to [`Form::outcome`]; only a stored message
//! shows "Sent", and on any failure the draft stays. Drawn by `view/form`.

use ratatui_core::style::Style;
use ratatui_textarea::{CursorMove, Input, Key, TextArea, WrapMode};

use super::input::{KeyCode, KeyEvent, KeyModifiers};
use super::line::WordKey;
use super::theme::Theme;
use crate::messages::{self, Draft, MAX_BODY, MAX_NAME, MAX_REPLY_TO, Receipt, SendError, is_unsafe};

/// What has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    ReplyTo,
    Body,
    Send,
}

impl Field {
    /// The field as the visitor's messages name it.
    fn label(self) -> &'static str {
        match self {
            Field::Name => "your name",
            Field::ReplyTo => "how to reach you",
            Field::Body | Field::Send => "the message",
        }
    }

    fn next(self) -> Self {
        match self {
            Field::Name => Field::ReplyTo,
            Field::ReplyTo => Field::Body,
            Field::Body => Field::Send,
            Field::Send => Field::Name,
        }
    }

    fn previous(self) -> Self {
        match self {
            Field::Name => Field::Send,
            Field::ReplyTo => Field::Name,
            Field::Body => Field::ReplyTo,
            Field::Send => Field::Body,
        }
    }
}

/// Where the form is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Editing,
    /// Esc with a draft: "discard it? y / n".
    ConfirmDiscard,
    /// Handed to the server; waiting for the store.
    Sending,
    /// Stored under this id.
    Sent {
        id: i64,
    },
    /// Editing again after a problem the visitor should read.
    Problem(String),
}

/// What the app should do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The form stays; `true` when what it shows changed.
    Stay(bool),
    Close,
    /// Store [`Form::draft`] and report with [`Form::outcome`].
    Send,
}

/// One field's text and cursor: plain data, so the app stays `Send + Sync` and cheap
/// to compare. The `ratatui-textarea` editor is made from it for each edit and each
/// frame ([`Text::editor`]): the widget edits and draws, this keeps the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    lines: Vec<String>,
    /// (line, character) of the cursor.
    cursor: (usize, usize),
    wrap: bool,
}

impl Text {
    fn new(wrap: bool) -> Self {
        Self { lines: vec![String::new()], cursor: (0, 0), wrap }
    }

    /// An editor holding this text, its cursor drawn in `cursor` (the field's own style
    /// when the field is not focused).
    pub fn editor(&self, style: Style, cursor: Style) -> TextArea<'static> {
        let mut area = TextArea::new(self.lines.clone());
        area.set_style(style);
        area.set_cursor_line_style(style);
        area.set_cursor_style(cursor);
        area.set_wrap_mode(if self.wrap { WrapMode::WordOrGlyph } else { WrapMode::None });
        let clamp = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        area.move_cursor(CursorMove::Jump(clamp(self.cursor.0), clamp(self.cursor.1)));
        area
    }

    /// Applies `change`, with `killed` as what Ctrl-Y puts back (and what the change
    /// cut, after it); kept only if the text stays within `max` characters.
    fn apply(
        &mut self,
        max: usize,
        killed: &mut String,
        change: impl FnOnce(&mut TextArea<'static>),
    ) -> bool {
        let mut area = self.editor(Style::new(), Style::new());
        // One line takes a line break put back as a space, as it takes a paste.
        area.set_yank_text(if self.wrap { killed.clone() } else { killed.replace('\n', " ") });
        change(&mut area);
        if chars(&area) > max {
            return false;
        }
        *killed = area.yank_text();
        let cursor = area.cursor();
        self.lines = area.into_lines();
        self.cursor = (cursor.0, cursor.1);
        true
    }

    fn joined(&self) -> String {
        self.lines.join("\n")
    }

    fn chars(&self) -> usize {
        self.lines.iter().map(|line| line.chars().count()).sum::<usize>() + self.lines.len().saturating_sub(1)
    }
}

/// The form's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    name: Text,
    reply_to: Text,
    body: Text,
    focus: Field,
    status: Status,
    /// What the last kill key cut (Ctrl-K, Ctrl-U, Ctrl-W, Alt-D…), in any field, for
    /// Ctrl-Y; at most a field's text.
    killed: String,
    /// Styles of a field, and of the cursor in the focused one.
    pub field_style: Style,
    pub cursor_style: Style,
}

/// Characters in a text area, newlines included.
fn chars(area: &TextArea<'_>) -> usize {
    let lines = area.lines();
    lines.iter().map(|line| line.chars().count()).sum::<usize>() + lines.len().saturating_sub(1)
}

impl Form {
    pub fn new(theme: &Theme) -> Self {
        Self {
            name: Text::new(false),
            reply_to: Text::new(false),
            body: Text::new(true),
            focus: Field::Name,
            status: Status::Editing,
            killed: String::new(),
            field_style: theme.form_field,
            cursor_style: theme.form_cursor,
        }
    }

    pub fn focus(&self) -> Field {
        self.focus
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The field's text; `None` for the button.
    pub fn text(&self, field: Field) -> Option<&Text> {
        match field {
            Field::Name => Some(&self.name),
            Field::ReplyTo => Some(&self.reply_to),
            Field::Body => Some(&self.body),
            Field::Send => None,
        }
    }

    /// An editor for drawing `field`, its cursor shown when it has the focus.
    pub fn editor(&self, field: Field) -> Option<TextArea<'static>> {
        let cursor = if field == self.focus { self.cursor_style } else { self.field_style };
        self.text(field).map(|text| text.editor(self.field_style, cursor))
    }

    fn text_mut(&mut self, field: Field) -> Option<&mut Text> {
        match field {
            Field::Name => Some(&mut self.name),
            Field::ReplyTo => Some(&mut self.reply_to),
            Field::Body => Some(&mut self.body),
            Field::Send => None,
        }
    }

    /// Characters in the message, for its counter.
    pub fn body_chars(&self) -> usize {
        self.body.chars()
    }

    /// What the visitor wrote, as typed.
    pub fn draft(&self) -> Draft {
        Draft { name: self.name.joined(), reply_to: self.reply_to.joined(), body: self.body.joined() }
    }

    /// The store's answer to [`Step::Send`]: "Sent" only for a stored message; on any
    /// failure the draft stays, with the line saying what happened.
    pub fn outcome(&mut self, result: Result<Receipt, SendError>) {
        self.status = match result {
            Ok(receipt) => Status::Sent { id: receipt.id },
            Err(err) => Status::Problem(err.visitor_line()),
        };
    }

    pub fn on_key(&mut self, key: &KeyEvent) -> Step {
        if key.modifiers.contains(KeyModifiers::ALT) {
            return self.on_alt_key(key);
        }
        match self.status {
            Status::Sending => Step::Stay(false),
            Status::Sent { .. } => match key.code {
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q' | 'm') => Step::Close,
                _ => Step::Stay(false),
            },
            Status::ConfirmDiscard => match key.code {
                KeyCode::Char('y' | 'Y') => Step::Close,
                KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                    self.status = Status::Editing;
                    Step::Stay(true)
                }
                _ => Step::Stay(false),
            },
            Status::Editing | Status::Problem(_) => self.on_editing_key(key),
        }
    }

    fn on_editing_key(&mut self, key: &KeyEvent) -> Step {
        let ctrl = key.modifiers.contains(KeyModifiers::CTRL);
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let one_line = matches!(self.focus, Field::Name | Field::ReplyTo);
        match key.code {
            KeyCode::Esc if self.draft().is_blank() => Step::Close,
            KeyCode::Esc => {
                self.status = Status::ConfirmDiscard;
                Step::Stay(true)
            }
            KeyCode::Char('s' | 'S') if ctrl => self.send(),
            KeyCode::Tab if shift => self.move_focus(self.focus.previous()),
            KeyCode::Tab => self.move_focus(self.focus.next()),
            KeyCode::Enter if self.focus == Field::Send => self.send(),
            KeyCode::Enter | KeyCode::Down if one_line => self.move_focus(self.focus.next()),
            KeyCode::Up if one_line || self.focus == Field::Send => self.move_focus(self.focus.previous()),
            KeyCode::Char('m' | 'j') if ctrl && one_line => Step::Stay(false),
            KeyCode::Char('u') if ctrl => self.edit(|area| {
                area.delete_line_by_head();
            }),
            _ if WordKey::of(key).is_some() => self.on_word_key(key),
            _ => match to_input(key) {
                Some(input) => self.edit(|area| {
                    area.input(input);
                }),
                None => Step::Stay(false),
            },
        }
    }

    /// Alt-modified keys are the text box's word keys (Alt-Backspace, Alt-D, Alt-B/F…)
    /// while editing, and nobody's command otherwise: a terminal sends them as ESC and
    /// the key, and a stray ESC before `y` must not discard a draft.
    fn on_alt_key(&mut self, key: &KeyEvent) -> Step {
        let editing = matches!(self.status, Status::Editing | Status::Problem(_));
        match to_input(key) {
            _ if !editing => Step::Stay(false),
            _ if WordKey::of(key).is_some() => self.on_word_key(key),
            Some(input) => self.edit(|area| {
                area.input(input);
            }),
            None => Step::Stay(false),
        }
    }

    /// A word key, by the rule every line of the view follows ([`WordKey`]), within
    /// the cursor's line.
    fn on_word_key(&mut self, key: &KeyEvent) -> Step {
        let Some(word) = WordKey::of(key) else { return Step::Stay(false) };
        self.edit(|area| {
            let cursor = area.cursor();
            let (row, col) = (cursor.0, cursor.1);
            let Some(line) = area.lines().get(row) else { return };
            let at = line.char_indices().nth(col).map_or(line.len(), |(at, _)| at);
            let to = line[..word.target(line, at)].chars().count();
            let jump = |area: &mut TextArea<'_>, col: usize| {
                let clamp = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
                area.move_cursor(CursorMove::Jump(clamp(row), clamp(col)));
            };
            match word {
                WordKey::Back | WordKey::Forward => jump(area, to),
                WordKey::CutForward => {
                    area.delete_str(to.saturating_sub(col));
                }
                WordKey::CutBack | WordKey::CutToSpace => {
                    jump(area, to);
                    area.delete_str(col.saturating_sub(to));
                }
            }
        })
    }

    fn move_focus(&mut self, field: Field) -> Step {
        self.focus = field;
        Step::Stay(true)
    }

    /// Checks the draft; a valid one goes to the server.
    fn send(&mut self) -> Step {
        match self.draft().validate() {
            Ok(_) => {
                self.status = Status::Sending;
                Step::Send
            }
            Err(err) => {
                self.status = Status::Problem(err.to_string());
                Step::Stay(true)
            }
        }
    }

    /// Applies `change` to the focused field, unless it would take the field past its
    /// limit.
    fn edit(&mut self, change: impl FnOnce(&mut TextArea<'static>)) -> Step {
        let max = self.limit();
        let mut killed = std::mem::take(&mut self.killed);
        let Some(text) = self.text_mut(self.focus) else { return Step::Stay(false) };
        let applied = text.apply(max, &mut killed, change);
        self.killed = killed;
        if !applied {
            // A key that would take the field past its bound is refused, and says so.
            self.status =
                Status::Problem(format!("{} is full: at most {max} characters", self.focus.label()));
            return Step::Stay(true);
        }
        if matches!(self.status, Status::Problem(_)) {
            self.status = Status::Editing;
        }
        Step::Stay(true)
    }

    fn limit(&self) -> usize {
        match self.focus {
            Field::Name => MAX_NAME,
            Field::ReplyTo => MAX_REPLY_TO,
            Field::Body | Field::Send => MAX_BODY,
        }
    }

    /// A paste lands in the focused field, made safe and cut to the room left; one-line
    /// fields take it as one line. Ignored on the button and while not editing.
    pub fn paste(&mut self, text: &str) -> Step {
        if !matches!(self.status, Status::Editing | Status::Problem(_)) || self.focus == Field::Send {
            return Step::Stay(false);
        }
        let text = match self.focus {
            Field::Body => text.replace("\r\n", "\n").replace('\r', "\n"),
            _ => messages::one_line(text),
        };
        let safe: String = text.chars().filter(|&c| c == '\n' || !is_unsafe(c)).collect();
        let room = self.limit().saturating_sub(self.text(self.focus).map_or(0, Text::chars));
        let wanted = safe.chars().count();
        let fitting: String = safe.chars().take(room).collect();
        let step = self.edit(|area| {
            area.insert_str(fitting);
        });
        if wanted <= room {
            return step;
        }
        // What did not fit is said before anything is sent.
        let (field, max) = (self.focus.label(), self.limit());
        self.status =
            Status::Problem(format!("pasted text cut at {room} characters: {field} takes at most {max}"));
        Step::Stay(true)
    }
}

/// Our key event as the text area's input; `None` for keys it should not see.
fn to_input(key: &KeyEvent) -> Option<Input> {
    let code = match key.code {
        KeyCode::Char(c) if is_unsafe(c) => return None,
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Enter => Key::Enter,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Delete => Key::Delete,
        _ => return None,
    };
    let has = |modifier| key.modifiers.contains(modifier);
    Some(Input {
        key: code,
        ctrl: has(KeyModifiers::CTRL),
        alt: has(KeyModifiers::ALT),
        shift: has(KeyModifiers::SHIFT),
    })
}

#[cfg(test)]
mod tests;
