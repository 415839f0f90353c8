//! Writing to one visitor's channel from their session task, and what the connection's
//! closing log line reports (bytes sent, why it ended).
//!
//! Every write goes through russh's `Handle`, whose queue is bounded and stops draining
//! while the peer's window is full, so a visitor who stops reading makes our `send`
//! wait instead of growing a buffer. Callers await each write before producing the next,
//! which keeps at most one frame in flight.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use russh::ChannelId;
use russh::server::Handle;
use tokio_util::sync::CancellationToken;

/// Why a visitor's session ended, for the disconnect log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// Still running, or ended before a shell or exec request.
    Unknown,
    Quit,
    /// An exec request that printed its output.
    Done,
    Shutdown,
    ClientClosed,
    Error,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Unknown => "client-closed",
            EndReason::Quit => "quit",
            EndReason::Done => "done",
            EndReason::Shutdown => "shutdown",
            EndReason::ClientClosed => "client-closed",
            EndReason::Error => "error",
        }
    }
}

/// Counters one connection shares between its handler, its session task and the
/// connection task that logs them.
#[derive(Debug)]
pub struct Stats {
    bytes_sent: AtomicU64,
    reason: Mutex<EndReason>,
    /// Set when a shell or exec request started the visitor's session task.
    started: AtomicBool,
    /// Cancelled once that task has said goodbye and closed the channel.
    finished: CancellationToken,
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            bytes_sent: AtomicU64::new(0),
            reason: Mutex::new(EndReason::Unknown),
            started: AtomicBool::new(false),
            finished: CancellationToken::new(),
        }
    }
}

impl Stats {
    pub fn mark_started(&self) {
        self.started.store(true, Ordering::Relaxed);
    }

    pub fn started(&self) -> bool {
        self.started.load(Ordering::Relaxed)
    }

    /// Resolves once the visitor's session task has closed the channel.
    pub async fn finished(&self) {
        self.finished.cancelled().await
    }

    pub fn bytes_sent(&self) -> u64 {
        self.bytes_sent.load(Ordering::Relaxed)
    }

    pub fn reason(&self) -> &'static str {
        self.reason.lock().map_or("error", |r| r.as_str())
    }

    pub fn set_reason(&self, reason: EndReason) {
        if let Ok(mut slot) = self.reason.lock() {
            *slot = reason;
        }
    }
}

/// The visitor's channel, as seen from their session task.
#[derive(Clone)]
pub struct Output {
    handle: Handle,
    channel: ChannelId,
    stats: std::sync::Arc<Stats>,
}

/// The visitor is gone: nothing more can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the visitor's connection is closed")]
pub struct Closed;

impl Output {
    pub fn new(handle: Handle, channel: ChannelId, stats: std::sync::Arc<Stats>) -> Self {
        Self { handle, channel, stats }
    }

    /// Sends `bytes` as one write; returns once russh has queued it.
    pub async fn send(&self, bytes: Vec<u8>) -> Result<(), Closed> {
        if bytes.is_empty() {
            return Ok(());
        }
        let len = bytes.len() as u64;
        self.handle.data(self.channel, bytes).await.map_err(|_| Closed)?;
        self.stats.bytes_sent.fetch_add(len, Ordering::Relaxed);
        Ok(())
    }

    /// Sends `bytes` on stderr.
    pub async fn send_stderr(&self, bytes: Vec<u8>) -> Result<(), Closed> {
        let len = bytes.len() as u64;
        self.handle.extended_data(self.channel, 1, bytes).await.map_err(|_| Closed)?;
        self.stats.bytes_sent.fetch_add(len, Ordering::Relaxed);
        Ok(())
    }

    /// Ends the channel the way a finished command does: exit status, EOF, close.
    pub async fn finish(&self, exit_status: u32, reason: EndReason) {
        self.stats.set_reason(reason);
        let _ = self.handle.exit_status_request(self.channel, exit_status).await;
        let _ = self.handle.eof(self.channel).await;
        let _ = self.handle.close(self.channel).await;
        self.stats.finished.cancel();
    }
}

/// Converts `\n` to `\r\n` for a PTY, where the server has no line discipline to do it.
pub fn crlf(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 32);
    for line in text.split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(body) => {
                out.extend_from_slice(body.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            None => out.extend_from_slice(line.as_bytes()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_converts_every_line_end() {
        assert_eq!(crlf("a\nb\n"), b"a\r\nb\r\n");
        assert_eq!(crlf("a\nb"), b"a\r\nb");
        assert_eq!(crlf(""), b"");
    }

    #[test]
    fn reasons_have_log_names() {
        let stats = Stats::default();
        assert_eq!(stats.reason(), "client-closed");
        stats.set_reason(EndReason::Quit);
        assert_eq!(stats.reason(), "quit");
    }
}
