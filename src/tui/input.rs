//! Turns the visitor's raw input bytes into key events, pastes and terminal replies.
//!
//! SSH delivers whatever the client's terminal sends, in arbitrary packets: a sequence
//! may be split across reads, one read may hold several keys, UTF-8 arrives as bytes,
//! and terminals send things nobody typed — replies to queries (OSC 11 colours, DA1,
//! XTVERSION), focus and mouse reports, strings forwarded late by multiplexers. The
//! [`Decoder`] frames the byte stream the way ECMA-48 and xterm's ctlseqs define it:
//! control strings (OSC, DCS, APC, PM, SOS) run to BEL or ST whatever their length and
//! are consumed whole, their content kept only up to [`MAX_STRING`]; control sequences
//! (CSI, SS3) run to their final byte, kept up to [`MAX_SEQUENCE`]; a bracketed paste
//! (`CSI 200 ~` … `CSI 201 ~`) is one [`Event::Paste`] of at most [`MAX_PASTE`] bytes.
//! Only what is left can be a key: the parsing of each key's bytes is `terminput`'s
//! (crossterm's parser). Replies become [`Reply`] values; unasked-for reports are
//! dropped. Enter arrives as CR, LF or CR LF and is one Enter; Backspace as DEL or
//! BS. A lone ESC is the Esc key
//! when nothing follows it within [`LONE_ESC_DELAY`]; a string or paste left open for
//! [`OPEN_STRING_DEADLINE`] is given up. The caller owns both timers. Pure: no clock,
//! no I/O.

mod reply;

use std::time::Duration;

pub use reply::{Reply, Rgb};

use crate::escape;
pub use terminput::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEventKind, ScrollDirection};

/// How long a lone ESC waits for the rest of a sequence before it counts as the Esc key.
pub const LONE_ESC_DELAY: Duration = Duration::from_millis(50);

/// How long a control string or bracketed paste may stay open before the decoder gives
/// it up and reads keys again: a terminal sends a reply or a paste at once, so only a
/// broken or hostile client leaves one open this long.
pub const OPEN_STRING_DEADLINE: Duration = Duration::from_secs(5);

/// Longest control sequence kept while incomplete, in bytes; a longer one is consumed
/// to its final byte and dropped.
pub const MAX_SEQUENCE: usize = 64;

/// Most bytes of a control string's content kept (an OSC 11 reply is about 30, an
/// XTVERSION reply about 40); the rest is consumed and dropped.
pub const MAX_STRING: usize = 512;

/// Most bytes of a bracketed paste kept (the longest text field, the message form's
/// 2,000 characters, at four bytes each); the rest is consumed and dropped.
pub const MAX_PASTE: usize = 8 * 1024;

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
/// `CSI 201 ~`: the end of a bracketed paste.
const PASTE_END: &[u8] = escape::PASTE_END.as_bytes();

/// Where the decoder is in the byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ground,
    /// After ESC: the Esc key, Alt+key, or the start of a sequence or string.
    Escape,
    /// Inside `CSI` (or `SS3` when `pending` is `ESC O`), collecting into `pending`.
    Sequence,
    /// Inside a control sequence too long to keep: consumed up to its final byte.
    LongSequence,
    /// An X10 mouse report: `CSI M` and three raw bytes, this many still to come.
    X10Mouse(u8),
    /// A UTF-8 character with this many continuation bytes still to come.
    Utf8(u8),
    /// A control string; `escape` when its last byte was ESC (the start of ST).
    String {
        kind: StringKind,
        escape: bool,
    },
    /// A bracketed paste; `matched` bytes of [`PASTE_END`] seen so far.
    Paste {
        matched: usize,
    },
}

/// The control strings, by their introducer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StringKind {
    /// `ESC ]`
    Osc,
    /// `ESC P`
    Dcs,
    /// `ESC _`, `ESC ^`, `ESC X`: APC, PM and SOS, never meaningful to us.
    Other,
}

/// A streaming decoder; one per visitor.
#[derive(Debug)]
pub struct Decoder {
    state: State,
    /// The sequence or character being framed (ESC included); at most [`MAX_SEQUENCE`].
    pending: Vec<u8>,
    /// The open control string's content or paste; at most [`MAX_PASTE`].
    text: Vec<u8>,
    /// The last byte was CR, so an LF right after it is the same Enter.
    after_cr: bool,
    replies: Vec<Reply>,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    pub fn new() -> Self {
        Self {
            state: State::Ground,
            pending: Vec::with_capacity(8),
            text: Vec::new(),
            after_cr: false,
            replies: Vec::new(),
        }
    }

    /// Decodes `bytes`, appending complete events to `events`; replies are kept for
    /// [`Decoder::take_replies`].
    /// An ESC at the end of `bytes` waits for more bytes or for the caller's timer
    /// ([`Decoder::flush_lone_esc`]).
    pub fn feed(&mut self, bytes: &[u8], events: &mut Vec<Event>) {
        for &byte in bytes {
            self.step(byte, events);
        }
    }

    /// Bytes held while incomplete; never more than [`MAX_SEQUENCE`] + [`MAX_PASTE`].
    pub fn buffered(&self) -> usize {
        self.pending.len() + self.text.len()
    }

    /// True when an ESC waits for [`LONE_ESC_DELAY`] to pass.
    pub fn has_lone_esc(&self) -> bool {
        self.state == State::Escape
    }

    /// The delay passed with nothing after the ESC: it was the Esc key.
    pub fn flush_lone_esc(&mut self, events: &mut Vec<Event>) {
        if self.has_lone_esc() {
            self.reset();
            events.push(Event::Key(KeyEvent::new(KeyCode::Esc)));
        }
    }

    /// True while a control string or a bracketed paste is open.
    pub fn has_open_string(&self) -> bool {
        matches!(self.state, State::String { .. } | State::Paste { .. })
    }

    /// [`OPEN_STRING_DEADLINE`] passed: a paste gives what arrived, a control string is
    /// dropped, and bytes are read as keys again.
    pub fn expire_open_string(&mut self, events: &mut Vec<Event>) {
        if let State::Paste { matched } = self.state {
            self.text.extend_from_slice(&PASTE_END[..matched]);
            events.push(Event::Paste(self.take_text()));
        }
        if self.has_open_string() {
            self.reset();
        }
    }

    /// The replies to queries decoded so far.
    pub fn take_replies(&mut self) -> Vec<Reply> {
        std::mem::take(&mut self.replies)
    }

    fn reset(&mut self) {
        self.state = State::Ground;
        self.pending.clear();
        self.text.clear();
    }

    fn step(&mut self, byte: u8, events: &mut Vec<Event>) {
        match self.state {
            State::Ground => self.ground(byte, events),
            State::Escape => self.escape(byte, events),
            State::Sequence => self.sequence(byte, events),
            State::LongSequence if is_final(byte) => self.reset(),
            State::LongSequence if !(0x20..0x80).contains(&byte) => self.restart(byte, events),
            State::LongSequence => {}
            State::X10Mouse(1) => self.reset(),
            State::X10Mouse(left) => self.state = State::X10Mouse(left - 1),
            State::Utf8(left) => self.utf8(byte, left, events),
            State::String { kind, escape } => self.string(byte, kind, escape, events),
            State::Paste { matched } => self.paste(byte, matched, events),
        }
    }

    /// Drops the sequence being framed and reads `byte` afresh.
    fn restart(&mut self, byte: u8, events: &mut Vec<Event>) {
        self.reset();
        self.ground(byte, events);
    }

    fn ground(&mut self, byte: u8, events: &mut Vec<Event>) {
        let after_cr = std::mem::replace(&mut self.after_cr, byte == b'\r');
        match byte {
            ESC => {
                self.pending.push(ESC);
                self.state = State::Escape;
            }
            b'\n' if after_cr => {}
            b'\r' | b'\n' => events.push(Event::Key(KeyEvent::new(KeyCode::Enter))),
            0x80.. => self.start_utf8(byte),
            _ => key(&[byte], events),
        }
    }

    fn escape(&mut self, byte: u8, events: &mut Vec<Event>) {
        let string = |kind| State::String { kind, escape: false };
        self.state = match byte {
            b'[' | b'O' => State::Sequence,
            b']' => string(StringKind::Osc),
            b'P' => string(StringKind::Dcs),
            b'_' | b'^' | b'X' => string(StringKind::Other),
            ESC => {
                // Esc pressed twice: the first is the Esc key, the second may start more.
                events.push(Event::Key(KeyEvent::new(KeyCode::Esc)));
                return;
            }
            0x80.. => {
                self.start_utf8(byte);
                return;
            }
            _ => {
                // Alt and a key: ESC prefixes the key's own byte.
                self.pending.push(byte);
                let token = std::mem::take(&mut self.pending);
                self.reset();
                return key(&token, events);
            }
        };
        match self.state {
            State::Sequence => self.pending.push(byte),
            _ => self.pending.clear(),
        }
    }

    fn sequence(&mut self, byte: u8, events: &mut Vec<Event>) {
        let ss3 = self.pending.get(1) == Some(&b'O');
        if !(0x20..0x7f).contains(&byte) {
            return self.restart(byte, events);
        }
        if self.pending == escape::CSI.as_bytes() && byte == b'M' {
            self.pending.clear();
            self.state = State::X10Mouse(3);
            return;
        }
        self.pending.push(byte);
        if ss3 || is_final(byte) {
            let token = std::mem::take(&mut self.pending);
            self.reset();
            self.complete_sequence(&token, events);
        } else if self.pending.len() >= MAX_SEQUENCE {
            self.pending.clear();
            self.state = State::LongSequence;
        }
    }

    /// A whole `CSI …` or `SS3 x`: a key, the start of a paste, a reply, or a report
    /// nobody asked for.
    fn complete_sequence(&mut self, token: &[u8], events: &mut Vec<Event>) {
        match reply::classify_sequence(token) {
            reply::Sequence::PasteStart => self.state = State::Paste { matched: 0 },
            reply::Sequence::Reply(reply) => self.replies.push(reply),
            reply::Sequence::Report => {}
            reply::Sequence::Key => key(token, events),
        }
    }

    /// A UTF-8 lead byte, after ESC (Alt and a character) or not.
    fn start_utf8(&mut self, byte: u8) {
        let continuation = match byte {
            0xc2..=0xdf => 1,
            0xe0..=0xef => 2,
            0xf0..=0xf4 => 3,
            _ => return self.reset(), // not a lead byte: dropped
        };
        if self.pending != [ESC] {
            self.pending.clear();
        }
        self.pending.push(byte);
        self.state = State::Utf8(continuation);
    }

    fn utf8(&mut self, byte: u8, left: u8, events: &mut Vec<Event>) {
        if byte & 0xc0 != 0x80 {
            return self.restart(byte, events);
        }
        self.pending.push(byte);
        if left > 1 {
            self.state = State::Utf8(left - 1);
            return;
        }
        let token = std::mem::take(&mut self.pending);
        self.reset();
        key(&token, events);
    }

    fn string(&mut self, byte: u8, kind: StringKind, escape: bool, events: &mut Vec<Event>) {
        match (escape, byte) {
            (true, b'\\') | (false, BEL) => self.finish_string(kind),
            (true, _) => {
                // ESC not followed by `\` ends the string and starts something new.
                self.finish_string(kind);
                self.pending.push(ESC);
                self.state = State::Escape;
                self.escape(byte, events);
            }
            (false, ESC) => self.state = State::String { kind, escape: true },
            (false, _) => {
                if self.text.len() < MAX_STRING {
                    self.text.push(byte);
                }
            }
        }
    }

    fn finish_string(&mut self, kind: StringKind) {
        let content = std::mem::take(&mut self.text);
        let reply = match kind {
            StringKind::Osc => reply::osc(&content),
            StringKind::Dcs => reply::dcs(&content),
            StringKind::Other => None,
        };
        self.replies.extend(reply);
        self.reset();
    }

    fn paste(&mut self, byte: u8, matched: usize, events: &mut Vec<Event>) {
        if byte == PASTE_END[matched] {
            if matched + 1 == PASTE_END.len() {
                events.push(Event::Paste(self.take_text()));
                return self.reset();
            }
            self.state = State::Paste { matched: matched + 1 };
            return;
        }
        // What looked like the end was content after all.
        self.push_paste(&PASTE_END[..matched]);
        let matched = usize::from(byte == PASTE_END[0]);
        if matched == 0 {
            self.push_paste(&[byte]);
        }
        self.state = State::Paste { matched };
    }

    fn push_paste(&mut self, bytes: &[u8]) {
        let room = MAX_PASTE.saturating_sub(self.text.len());
        self.text.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// The collected text, cut at the last whole UTF-8 character.
    fn take_text(&mut self) -> String {
        let bytes = std::mem::take(&mut self.text);
        match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let mut bytes = err.into_bytes();
                bytes.truncate(valid);
                String::from_utf8(bytes).unwrap_or_default()
            }
        }
    }
}

/// A complete key token, parsed by terminput; anything it does not know is dropped.
/// BS (0x08, which terminput reads as Ctrl-H) is the Backspace key: what PuTTY's
/// "Backspace sends ^H", the Windows console's OpenSSH and VT220-style keyboards send
/// for it (xterm's `backarrowKey` resource); ESC BS is Alt-Backspace.
fn key(token: &[u8], events: &mut Vec<Event>) {
    if let Ok(Some(Event::Key(key))) = Event::parse_from(token) {
        events.push(Event::Key(backspace_from_bs(key)));
    }
}

/// Ctrl-H, as BS is parsed, made the Backspace key it stands for.
fn backspace_from_bs(key: KeyEvent) -> KeyEvent {
    match key.code {
        KeyCode::Char('h') if key.modifiers.contains(KeyModifiers::CTRL) => {
            KeyEvent::new(KeyCode::Backspace).modifiers(key.modifiers - KeyModifiers::CTRL)
        }
        _ => key,
    }
}

/// A control sequence's final byte (ECMA-48 5.4).
fn is_final(byte: u8) -> bool {
    (0x40..=0x7e).contains(&byte)
}

#[cfg(test)]
mod tests;
