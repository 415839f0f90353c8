//! A session's input decoder with the two timers it leaves to its caller: a lone ESC
//! becomes the Esc key after [`LONE_ESC_DELAY`], and a control string or bracketed paste
//! left open is given up after [`OPEN_STRING_DEADLINE`]. Shared by the visitor's view
//! and the owner's console, so both read a terminal the same way.

use tokio::time::Instant;

use crate::tui::input::{LONE_ESC_DELAY, OPEN_STRING_DEADLINE, Reply};
use crate::tui::{Decoder, Event};

/// The decoder and when each of its timers started.
#[derive(Debug, Default)]
pub struct Keyboard {
    decoder: Decoder,
    lone_esc_since: Option<Instant>,
    open_string_since: Option<Instant>,
}

impl Keyboard {
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes `bytes` into `events`, and starts or stops the timers.
    pub fn feed(&mut self, bytes: &[u8], events: &mut Vec<Event>) {
        self.decoder.feed(bytes, events);
        let now = Instant::now();
        self.lone_esc_since = self.decoder.has_lone_esc().then(|| self.lone_esc_since.unwrap_or(now));
        self.open_string_since =
            self.decoder.has_open_string().then(|| self.open_string_since.unwrap_or(now));
    }

    /// The earliest time a timer runs out, if one runs.
    pub fn deadline(&self) -> Option<Instant> {
        let lone_esc = self.lone_esc_since.map(|since| since + LONE_ESC_DELAY);
        let open_string = self.open_string_since.map(|since| since + OPEN_STRING_DEADLINE);
        lone_esc.into_iter().chain(open_string).min()
    }

    /// Acts on the timers that ran out by `now`: the lone ESC as Esc, the open string
    /// given up (a paste gives what arrived).
    pub fn expire(&mut self, now: Instant, events: &mut Vec<Event>) {
        if self.lone_esc_since.is_some_and(|since| since + LONE_ESC_DELAY <= now) {
            self.decoder.flush_lone_esc(events);
            self.lone_esc_since = None;
        }
        if self.open_string_since.is_some_and(|since| since + OPEN_STRING_DEADLINE <= now) {
            self.decoder.expire_open_string(events);
            self.open_string_since = None;
        }
    }

    /// The terminal's answers decoded since the last call.
    pub fn take_replies(&mut self) -> Vec<Reply> {
        self.decoder.take_replies()
    }
}

/// Sleeps until `deadline`, or forever when there is none.
pub async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::input::{KeyCode, KeyEvent};

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code))
    }

    #[test]
    fn a_string_left_open_is_given_up_at_its_deadline_and_keys_come_through_again() {
        let (mut keyboard, mut events) = (Keyboard::new(), Vec::new());
        let started = Instant::now();
        keyboard.feed(b"\x1b]11;rgb:1414/19", &mut events);
        keyboard.feed(b"q", &mut events);
        assert!(events.is_empty(), "{events:?}");
        let deadline = keyboard.deadline().expect("the open string's timer runs");
        assert!(deadline >= started + OPEN_STRING_DEADLINE);
        keyboard.expire(deadline, &mut events);
        assert_eq!(keyboard.deadline(), None);
        keyboard.feed(b"q", &mut events);
        assert_eq!(events, [key(KeyCode::Char('q'))]);
    }

    #[test]
    fn a_lone_esc_becomes_esc_at_its_deadline_and_not_before() {
        let (mut keyboard, mut events) = (Keyboard::new(), Vec::new());
        keyboard.feed(b"\x1b", &mut events);
        let deadline = keyboard.deadline().expect("the lone ESC's timer runs");
        keyboard.expire(deadline - LONE_ESC_DELAY, &mut events);
        assert!(events.is_empty(), "{events:?}");
        keyboard.expire(deadline, &mut events);
        assert_eq!(events, [key(KeyCode::Esc)]);
        assert_eq!(keyboard.deadline(), None);
    }
}
