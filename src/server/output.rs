//! Writing to one visitor's channel, counting the bytes on the connection's
//! [`Traffic`] and in the metrics.
//!
//! Every write goes through russh's `Handle`, whose queue is bounded and stops draining
//! while the peer's window is full, so a visitor who stops reading makes our `send`
//! wait instead of growing a buffer. Callers await each write before producing the next,
//! which keeps at most one frame in flight. Every `send` is cancel-safe: dropped before
//! it completes, nothing of it was queued.

use bytes::Bytes;
use russh::ChannelId;
use russh::server::Handle;

use super::end_reason::EndReason;
use super::traffic::Traffic;
use crate::metrics::Metrics;

/// The visitor's channel, as the visit writes to it.
pub struct Output<'a> {
    handle: Handle,
    channel: ChannelId,
    traffic: &'a Traffic,
    metrics: &'a Metrics,
}

/// The visitor is gone: nothing more can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the visitor's connection is closed")]
pub struct Closed;

impl<'a> Output<'a> {
    pub fn new(handle: Handle, channel: ChannelId, traffic: &'a Traffic, metrics: &'a Metrics) -> Self {
        Self { handle, channel, traffic, metrics }
    }

    pub fn traffic(&self) -> &Traffic {
        self.traffic
    }

    pub fn metrics(&self) -> &Metrics {
        self.metrics
    }

    /// Sends `bytes` on stdout as one write; returns once russh has queued it.
    pub async fn send(&self, bytes: impl Into<Bytes>) -> Result<(), Closed> {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Ok(());
        }
        let len = bytes.len();
        self.handle.data(self.channel, bytes).await.map_err(|_| Closed)?;
        self.count(len);
        Ok(())
    }

    /// Sends `bytes` on stderr.
    pub async fn send_stderr(&self, bytes: impl Into<Bytes>) -> Result<(), Closed> {
        let bytes = bytes.into();
        let len = bytes.len();
        self.handle.extended_data(self.channel, 1, bytes).await.map_err(|_| Closed)?;
        self.count(len);
        Ok(())
    }

    /// Prints a command's whole output on stdout or stderr: the visit is then done, or
    /// the client closed the channel first.
    pub async fn print(&self, bytes: impl Into<Bytes>, to_stderr: bool) -> EndReason {
        let sent = if to_stderr { self.send_stderr(bytes).await } else { self.send(bytes).await };
        if sent.is_ok() { EndReason::Done } else { EndReason::ClientClosed }
    }

    fn count(&self, len: usize) {
        self.traffic.note_sent(len);
        self.metrics.bytes_sent.inc_by(len as u64);
    }

    /// Ends the channel the way a finished command does: exit status, EOF, close.
    pub async fn finish(&self, exit_status: u32) {
        let _ = self.handle.exit_status_request(self.channel, exit_status).await;
        let _ = self.handle.eof(self.channel).await;
        let _ = self.handle.close(self.channel).await;
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
}
