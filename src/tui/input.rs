//! Turns the visitor's raw input bytes into key and mouse events.
//!
//! SSH delivers whatever the client's terminal sends, in arbitrary packets: an escape
//! sequence may be split across two reads, one read may hold several keys, and UTF-8
//! arrives as bytes. The parsing of each sequence is `terminput`'s (crossterm's parser);
//! this module only feeds it byte by byte, the way crossterm does, and decides what a
//! lone ESC means: it is the Esc key when nothing follows it in the same read and no
//! more bytes arrive within [`LONE_ESC_DELAY`]; otherwise it starts a sequence. The
//! caller owns that timer and calls [`Decoder::flush_lone_esc`] when it fires. Pure: no
//! clock, no I/O.

use std::time::Duration;

pub use terminput::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEventKind, ScrollDirection};

/// How long a lone ESC waits for the rest of a sequence before it counts as the Esc key.
pub const LONE_ESC_DELAY: Duration = Duration::from_millis(50);

/// Longest sequence kept while incomplete; anything longer is garbage and is dropped,
/// so a visitor sending an endless CSI cannot grow the buffer.
pub const MAX_SEQUENCE: usize = 64;

const ESC: u8 = 0x1b;

/// A streaming decoder; one per visitor.
#[derive(Debug, Default)]
pub struct Decoder {
    pending: Vec<u8>,
}

impl Decoder {
    pub fn new() -> Self {
        Self { pending: Vec::with_capacity(8) }
    }

    /// Decodes `bytes`, appending complete events to `events`.
    pub fn feed(&mut self, bytes: &[u8], events: &mut Vec<Event>) {
        for (index, &byte) in bytes.iter().enumerate() {
            self.pending.push(byte);
            let more_in_this_read = index + 1 < bytes.len();
            if self.pending == [ESC] && more_in_this_read {
                continue;
            }
            if self.pending == [ESC] {
                return; // a lone ESC at the end of a read: wait for the timer or more bytes
            }
            self.parse_pending(events);
        }
    }

    /// Bytes held back as an incomplete sequence; never more than [`MAX_SEQUENCE`].
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// True when a lone ESC waits for [`LONE_ESC_DELAY`] to pass.
    pub fn has_lone_esc(&self) -> bool {
        self.pending == [ESC]
    }

    /// The delay passed with nothing after the ESC: it was the Esc key.
    pub fn flush_lone_esc(&mut self, events: &mut Vec<Event>) {
        if self.has_lone_esc() {
            self.pending.clear();
            events.push(Event::Key(KeyEvent::new(KeyCode::Esc)));
        }
    }

    fn parse_pending(&mut self, events: &mut Vec<Event>) {
        match Event::parse_from(&self.pending) {
            Ok(Some(event)) => {
                self.pending.clear();
                events.push(event);
            }
            Ok(None) if self.pending.len() < MAX_SEQUENCE => {}
            Ok(None) | Err(_) => self.pending.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(reads: &[&[u8]]) -> Vec<Event> {
        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        for read in reads {
            decoder.feed(read, &mut events);
        }
        events
    }

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code))
    }

    fn codes(events: &[Event]) -> Vec<KeyCode> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some(k.code),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn several_keys_in_one_read() {
        let events = decode(&[b"jjq"]);
        assert_eq!(codes(&events), [KeyCode::Char('j'), KeyCode::Char('j'), KeyCode::Char('q')]);
    }

    #[test]
    fn escape_sequence_split_across_reads() {
        assert_eq!(decode(&[b"\x1b", b"[", b"B"]), [key(KeyCode::Down)]);
        assert_eq!(decode(&[b"\x1b[5", b"~"]), [key(KeyCode::PageUp)]);
        assert_eq!(decode(&[b"\x1bO", b"A"]), [key(KeyCode::Up)]);
    }

    #[test]
    fn sequences_and_keys_mixed_in_one_read() {
        let events = decode(&[b"\x1b[C\x1b[Dq"]);
        assert_eq!(codes(&events), [KeyCode::Right, KeyCode::Left, KeyCode::Char('q')]);
    }

    #[test]
    fn utf8_split_across_reads() {
        let bytes = "é".as_bytes();
        assert_eq!(codes(&decode(&[&bytes[..1], &bytes[1..]])), [KeyCode::Char('é')]);
    }

    #[test]
    fn lone_esc_waits_for_the_timer() {
        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        decoder.feed(b"\x1b", &mut events);
        assert!(events.is_empty() && decoder.has_lone_esc());
        decoder.flush_lone_esc(&mut events);
        assert_eq!(events, [key(KeyCode::Esc)]);
        assert!(!decoder.has_lone_esc());
    }

    #[test]
    fn esc_followed_by_bytes_before_the_timer_starts_a_sequence() {
        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        decoder.feed(b"\x1b", &mut events);
        decoder.feed(b"[A", &mut events);
        assert_eq!(events, [key(KeyCode::Up)]);
    }

    #[test]
    fn ctrl_keys_keep_their_modifier() {
        let events = decode(&[b"\x03\x04"]);
        for (event, c) in events.iter().zip(['c', 'd']) {
            let Event::Key(k) = event else { panic!("{event:?}") };
            assert_eq!((k.code, k.modifiers), (KeyCode::Char(c), KeyModifiers::CTRL));
        }
    }

    #[test]
    fn endless_sequence_is_bounded_and_recovers() {
        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        let mut garbage = b"\x1b[".to_vec();
        garbage.extend(std::iter::repeat_n(b'1', 10_000));
        decoder.feed(&garbage, &mut events);
        assert!(decoder.pending.len() <= MAX_SEQUENCE);
        decoder.feed(b"q", &mut events);
        assert_eq!(codes(&events).last(), Some(&KeyCode::Char('q')));
    }
}
