//! What one visit receives from the russh handler: the visitor's input bytes and their
//! terminal's size. The input queue is bounded in bytes ([`INPUT_BUDGET`]), not in
//! packets, and never makes the handler wait: a callback that waited for the visit
//! would stall the whole connection (every channel on it, and the visit's own output).
//! A packet is kept whole or not at all; what did not fit is counted, never dropped
//! silently: the visit reads the count ([`Keys::take_lost`]) and tells the visitor. How
//! the input ended — the client's EOF or the channel's close — is kept beside it, so a
//! view can leave as `q` does after an EOF, and say nothing to a closed channel.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use ratatui_core::layout::Size;
use tokio::sync::{Notify, watch};

/// Most input bytes a visit lets wait unread, in bytes: a 2,000-character message
/// pasted in four-byte UTF-8 with its bracketed-paste markers fits eight times over,
/// and a `message` command's whole stdin ([`super::exec_message::MAX_STDIN`]) fits.
pub const INPUT_BUDGET: usize = 64 * 1024;

/// How a visitor's input ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputEnd {
    /// The client sent EOF (`ssh … </dev/null`, Ctrl-D on a pipe): no more input, but
    /// the channel is open and the visitor reads what follows.
    Eof,
    /// The channel was closed: nothing more can be said to the visitor either.
    Closed,
}

/// What reaches a visit from the russh handler once it started.
pub struct Input {
    /// The visitor's input, each chunk one SSH packet's data.
    pub keys: Keys,
    /// The visitor's terminal size (pty-req, then window-change).
    pub size: watch::Receiver<Size>,
}

#[derive(Debug, Default)]
struct Queue {
    chunks: VecDeque<Bytes>,
    /// Bytes in `chunks`.
    queued: usize,
    /// Bytes that did not fit since the visit last asked.
    lost: u64,
    end: Option<InputEnd>,
    /// The visit stopped reading: what comes is neither kept nor counted.
    closed: bool,
}

#[derive(Debug, Default)]
struct Shared {
    queue: Mutex<Queue>,
    ready: Notify,
}

impl Shared {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The handler's end of a visit's input.
#[derive(Debug, Clone)]
pub struct KeysSender(Arc<Shared>);

/// The visit's end of its input.
#[derive(Debug)]
pub struct Keys(Arc<Shared>);

/// A visit's input queue: the handler's end and the visit's.
pub fn keys() -> (KeysSender, Keys) {
    let shared = Arc::new(Shared::default());
    (KeysSender(shared.clone()), Keys(shared))
}

impl KeysSender {
    /// Queues one packet's `data` whole, or counts it as lost when it would take the
    /// queue past [`INPUT_BUDGET`]. Never waits.
    pub fn push(&self, data: &[u8]) {
        let mut queue = self.0.queue();
        if queue.closed || queue.end.is_some() || data.is_empty() {
            return;
        }
        if queue.queued + data.len() > INPUT_BUDGET {
            queue.lost += data.len() as u64;
        } else {
            queue.queued += data.len();
            queue.chunks.push_back(Bytes::copy_from_slice(data));
        }
        drop(queue);
        self.0.ready.notify_one();
    }

    /// The input ended; the first end is kept (a close after an EOF is still an EOF
    /// for what the visitor is told).
    pub fn end(&self, end: InputEnd) {
        let mut queue = self.0.queue();
        queue.end.get_or_insert(end);
        drop(queue);
        self.0.ready.notify_one();
    }
}

impl Keys {
    /// The next chunk; `None` once the input ended and everything queued was read.
    /// Cancel-safe: a chunk is taken only when this returns it.
    pub async fn recv(&mut self) -> Option<Bytes> {
        loop {
            let ready = self.0.ready.notified();
            tokio::pin!(ready);
            ready.as_mut().enable();
            if let Some(next) = self.take() {
                return next;
            }
            ready.await;
        }
    }

    /// A chunk queued now, if any.
    pub fn try_recv(&mut self) -> Option<Bytes> {
        self.take().flatten()
    }

    /// `Some(chunk)`, `Some(None)` at the end, `None` while waiting.
    fn take(&self) -> Option<Option<Bytes>> {
        let mut queue = self.0.queue();
        match queue.chunks.pop_front() {
            Some(chunk) => {
                queue.queued -= chunk.len();
                Some(Some(chunk))
            }
            None if queue.end.is_some() || queue.closed => Some(None),
            None => None,
        }
    }

    /// How the input ended, once it did.
    pub fn end(&self) -> Option<InputEnd> {
        self.0.queue().end
    }

    /// Bytes that did not fit since the last call.
    pub fn take_lost(&mut self) -> u64 {
        std::mem::take(&mut self.0.queue().lost)
    }

    /// Stops reading: what is queued and what comes later are dropped (a `message`
    /// that is too long anyway).
    pub fn close(&mut self) {
        let mut queue = self.0.queue();
        queue.closed = true;
        queue.chunks.clear();
        queue.queued = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_packet_is_kept_whole_and_what_does_not_fit_is_counted() {
        let (sender, mut keys) = keys();
        let paste = vec![b'x'; 1_500];
        sender.push(&paste);
        assert_eq!(keys.recv().await.unwrap().len(), 1_500, "a long paste is not cut at any packet size");
        sender.push(&vec![b'a'; INPUT_BUDGET]);
        sender.push(b"b");
        assert_eq!((keys.take_lost(), keys.take_lost()), (1, 0), "the byte past the budget is counted once");
        assert_eq!(keys.recv().await.unwrap().len(), INPUT_BUDGET);
        sender.push(b"c");
        assert_eq!(keys.recv().await.unwrap(), "c", "room again once read");
    }

    #[tokio::test]
    async fn the_end_comes_after_what_was_queued_and_says_how() {
        let (sender, mut keys) = keys();
        sender.push(b"jjq");
        sender.end(InputEnd::Eof);
        sender.end(InputEnd::Closed);
        sender.push(b"late");
        assert_eq!(keys.recv().await.unwrap(), "jjq");
        assert_eq!(keys.recv().await, None);
        assert_eq!(keys.end(), Some(InputEnd::Eof));
    }

    #[tokio::test]
    async fn a_closed_reader_keeps_nothing() {
        let (sender, mut keys) = keys();
        sender.push(b"abc");
        keys.close();
        sender.push(b"def");
        assert_eq!((keys.try_recv(), keys.take_lost()), (None, 0));
        assert_eq!(keys.recv().await, None);
    }
}
