//! A message typed on a terminal for `ssh -t host message --reply-to …`: the server
//! reads the visitor's keys itself (their terminal is in raw mode: nothing is echoed
//! or edited unless we do it), so the [`Composer`] is a small line editor in the way
//! of a terminal's canonical mode (POSIX.1-2017, XBD §11.1.6 "Canonical Mode Input
//! Processing"): each key typed is echoed as it will be stored, Enter ends a line,
//! Backspace (DEL or ^H) erases a character, Ctrl-W or Alt-Backspace a word, Ctrl-U the
//! line; Ctrl-D sends the message and Ctrl-C cancels it. As in canonical mode, editing
//! is at the end of the line being typed; cursor keys, Tab and other keys do nothing.
//!
//! What can be typed is what the message keeps: no character that could drive or hide
//! in a terminal ([`crate::safe_text::is_unsafe`]), and at most
//! [`MAX_BODY`](crate::messages::MAX_BODY) characters, newlines included; a key past
//! that rings the bell. Echo is in the visitor's character set ([`Profile::printable`]);
//! an erased line is drawn again from its first row, however it wrapped at the
//! terminal's width. Pure: bytes in, bytes to echo out; the caller owns the timer the
//! key decoder asks for ([`Composer::wait`]).

use std::time::Duration;

use unicode_width::UnicodeWidthChar;

use super::input::{Decoder, Event, KeyCode, KeyEvent, KeyModifiers, LONE_ESC_DELAY, OPEN_STRING_DEADLINE};
use super::line::{Edit, LineInput, WordKey};
use super::profile::Profile;
use crate::escape;
use crate::messages::MAX_BODY;

/// How the message ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// Ctrl-D (or the end of the input): the text typed, lines ended by `\n`.
    Send(String),
    /// Ctrl-C: nothing is sent.
    Cancel,
}

/// What one read of the visitor's keys did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Typed {
    /// Bytes for the visitor's terminal: the echo, erasing, the bell.
    pub echo: Vec<u8>,
    /// Set once the message is sent or cancelled; later keys are ignored.
    pub end: Option<End>,
}

/// The message being typed.
#[derive(Debug)]
pub struct Composer {
    decoder: Decoder,
    /// The lines ended with Enter, each with its `\n`.
    done: String,
    /// Characters in `done`.
    done_chars: usize,
    /// The line being typed; its cursor stays at its end.
    line: LineInput,
    profile: Profile,
    ended: bool,
}

/// A key's effect on the line being typed.
enum Key {
    /// Echo these bytes (nothing, for a key that does nothing).
    Echo(Vec<u8>),
    /// The line was erased in part: draw it again.
    Erased,
    /// Enter: the line ends.
    NewLine,
    End(End),
}

impl Composer {
    /// An empty message, echoed for a terminal of `profile`.
    pub fn new(profile: Profile) -> Self {
        Self {
            decoder: Decoder::new(),
            done: String::new(),
            done_chars: 0,
            line: LineInput::new(MAX_BODY),
            profile,
            ended: false,
        }
    }

    /// What the visitor reads before typing: who the message is from and how to send it
    /// (`\n` line ends). `name` and `reply_to` are shown as they will be stored.
    pub fn prompt(&self, name: Option<&str>, reply_to: &str) -> String {
        let from = name.map(|name| format!(" from {name}")).unwrap_or_default();
        let text = format!(
            "A message{from} to the owner, who will reply to {reply_to}.\n\
             Type it here: Enter starts a new line, Ctrl-D sends it, Ctrl-C cancels.\n"
        );
        self.profile.printable(&text).into_owned()
    }

    /// Decodes `bytes` and applies the keys, for a terminal `cols` wide.
    pub fn feed(&mut self, bytes: &[u8], cols: u16) -> Typed {
        let mut events = Vec::new();
        self.decoder.feed(bytes, &mut events);
        self.apply(&events, cols)
    }

    /// How long the decoder waits for the rest of what it holds (a lone ESC: the Esc
    /// key or the start of a sequence; a paste left open), if it holds anything.
    pub fn wait(&self) -> Option<Duration> {
        if self.decoder.has_lone_esc() {
            Some(LONE_ESC_DELAY)
        } else if self.decoder.has_open_string() {
            Some(OPEN_STRING_DEADLINE)
        } else {
            None
        }
    }

    /// [`Composer::wait`] passed: what the decoder held is taken as it is.
    pub fn expire(&mut self, cols: u16) -> Typed {
        let mut events = Vec::new();
        self.decoder.flush_lone_esc(&mut events);
        self.decoder.expire_open_string(&mut events);
        self.apply(&events, cols)
    }

    /// The input ended without Ctrl-D: what was typed is sent.
    pub fn finish(self) -> String {
        self.done + self.line.text()
    }

    fn apply(&mut self, events: &[Event], cols: u16) -> Typed {
        let mut typed = Typed::default();
        // The line as echoed before the first erase of this read: it is drawn again
        // from there once, at the next line break or the end of the read, however
        // many keys erased or typed meanwhile.
        let mut erased: Option<String> = None;
        let keys = events.iter().flat_map(|event| match event {
            Event::Key(key) => vec![*key],
            Event::Paste(text) => text.chars().map(pasted_key).collect(),
            _ => Vec::new(),
        });
        for key in keys {
            if self.ended {
                break;
            }
            let before = (erased.is_none() && is_erase(&key)).then(|| self.echo_of_line());
            match self.on_key(&key) {
                Key::Echo(bytes) if erased.is_none() => typed.echo.extend_from_slice(&bytes),
                Key::Echo(_) => {} // drawn with the whole line
                Key::Erased => erased = erased.or(before),
                Key::NewLine => {
                    self.redraw(&mut typed.echo, erased.take(), cols);
                    self.new_line();
                    typed.echo.extend_from_slice(b"\r\n");
                }
                Key::End(end) => {
                    self.ended = true;
                    typed.end = Some(end);
                }
            }
        }
        self.redraw(&mut typed.echo, erased, cols);
        if typed.end.is_some() {
            typed.echo.extend_from_slice(b"\r\n");
        }
        typed
    }

    fn on_key(&mut self, key: &KeyEvent) -> Key {
        let ctrl = key.modifiers.contains(KeyModifiers::CTRL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('d') if ctrl => Key::End(End::Send(self.done.clone() + self.line.text())),
            KeyCode::Char('c') if ctrl => Key::End(End::Cancel),
            KeyCode::Enter if self.room() == 0 => Key::Echo(escape::BELL.into()),
            KeyCode::Enter => Key::NewLine,
            KeyCode::Char(c) if !ctrl && !alt => self.insert(c),
            _ if is_erase(key) => match self.line.on_key(key) {
                Edit::Changed => Key::Erased,
                Edit::Unchanged | Edit::NotMine => Key::Echo(Vec::new()),
            },
            _ => Key::Echo(Vec::new()),
        }
    }

    /// Enter: the line typed joins the message, and a new one starts.
    fn new_line(&mut self) {
        self.done_chars += self.line.text().chars().count() + 1;
        self.done.push_str(self.line.text());
        self.done.push('\n');
        self.line = LineInput::new(MAX_BODY);
    }

    fn insert(&mut self, c: char) -> Key {
        if self.room() == 0 || !self.line.push(c) {
            return Key::Echo(escape::BELL.into());
        }
        Key::Echo(self.echo(c.encode_utf8(&mut [0; 4])).into_bytes())
    }

    /// `text` as echoed: in the visitor's character set, a character at a time (as it
    /// was typed), so a line drawn again is as wide as it was when typed.
    fn echo(&self, text: &str) -> String {
        let mut buf = [0; 4];
        text.chars().map(|c| self.profile.printable(c.encode_utf8(&mut buf)).into_owned()).collect()
    }

    /// Characters that can still be typed.
    fn room(&self) -> usize {
        MAX_BODY.saturating_sub(self.done_chars + self.line.text().chars().count())
    }

    /// The line being typed as echoed.
    fn echo_of_line(&self) -> String {
        self.echo(self.line.text())
    }

    /// When the line was `erased` (given as it was echoed before): back to its first
    /// row, erased from there, and the line as it is now.
    fn redraw(&self, out: &mut Vec<u8>, erased: Option<String>, cols: u16) {
        let Some(before) = erased else { return };
        let rows = rows_below_start(&before, usize::from(cols.max(1)));
        if rows > 0 {
            escape::cursor_up(out, u32::try_from(rows).unwrap_or(u32::MAX));
        }
        out.push(b'\r');
        out.extend_from_slice(escape::ERASE_BELOW.as_bytes());
        out.extend_from_slice(self.echo_of_line().as_bytes());
    }
}

/// Whether `key` erases: Backspace, Alt-Backspace, Ctrl-W or Ctrl-U.
fn is_erase(key: &KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CTRL);
    match key.code {
        KeyCode::Backspace => true,
        KeyCode::Char('w') => WordKey::of(key) == Some(WordKey::CutToSpace),
        KeyCode::Char('u') => ctrl && !key.modifiers.contains(KeyModifiers::ALT),
        _ => false,
    }
}

/// A pasted character as the key that types it: a line break is Enter.
fn pasted_key(c: char) -> KeyEvent {
    KeyEvent::new(if c == '\n' || c == '\r' { KeyCode::Enter } else { KeyCode::Char(c) })
}

/// On which row, counted from the first, the cursor is after `text` was written from
/// the first column of a terminal `cols` wide. A character that does not fit on the
/// row wraps to the next (a wide one leaving the last column empty); after exactly
/// `cols` columns the cursor waits on the last column until the next character, as
/// xterm and the VT100 do (the "pending wrap" of DEC's autowrap mode).
fn rows_below_start(text: &str, cols: usize) -> usize {
    let (mut row, mut col) = (0, 0);
    for width in text.chars().filter_map(|c| c.width()).filter(|&width| width > 0) {
        if col + width > cols {
            row += 1;
            col = 0;
        }
        col += width;
    }
    row
}

#[cfg(test)]
mod tests;
