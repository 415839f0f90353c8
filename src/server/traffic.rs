//! What one connection has carried, counted where it happens: the russh handler counts
//! the visitor's input and when it last came (the idle timer's clock), the visit's
//! output counts what it hands to russh, the socket wrapper what reached the socket.
//! The connection's supervisor reads it for the idle timer and the disconnect line, and
//! the visit uses it to hold back a frame while earlier output still waits in russh's
//! buffers. Counters only: no decision is made here.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::stream::WriteMeter;

/// One connection's byte counts and input clock.
#[derive(Debug)]
pub struct Traffic {
    accepted: Instant,
    /// Bytes that reached the socket (protocol framing included).
    socket: Arc<WriteMeter>,
    /// Channel data handed to russh, in bytes.
    sent: AtomicU64,
    /// Channel data the visitor sent, in bytes.
    received: AtomicU64,
    /// Milliseconds after `accepted` of the visitor's last input.
    last_input_ms: AtomicU64,
    /// The most output ever waiting in russh's buffers at once, in bytes.
    peak_unflushed: AtomicU64,
}

impl Traffic {
    /// Counts from `accepted`, when the socket was accepted.
    pub fn new(accepted: Instant) -> Self {
        Self {
            accepted,
            socket: Arc::default(),
            sent: AtomicU64::new(0),
            received: AtomicU64::new(0),
            last_input_ms: AtomicU64::new(0),
            peak_unflushed: AtomicU64::new(0),
        }
    }

    /// The meter the socket wrapper records its writes on.
    pub fn socket_meter(&self) -> Arc<WriteMeter> {
        self.socket.clone()
    }

    /// Time since the socket was accepted.
    pub fn age(&self) -> Duration {
        self.accepted.elapsed()
    }

    pub fn accepted(&self) -> Instant {
        self.accepted
    }

    /// The visitor sent `bytes` of input: it counts as activity for the idle timer.
    pub fn note_input(&self, bytes: usize) {
        self.received.fetch_add(bytes as u64, Ordering::Relaxed);
        let now = u64::try_from(self.accepted.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_input_ms.store(now, Ordering::Relaxed);
    }

    /// When the idle timer fires unless input comes first.
    pub fn idle_deadline(&self, idle_timeout: Duration) -> Instant {
        let last = Duration::from_millis(self.last_input_ms.load(Ordering::Relaxed));
        self.accepted + last + idle_timeout
    }

    /// `bytes` of output were handed to russh.
    pub fn note_sent(&self, bytes: usize) {
        self.sent.fetch_add(bytes as u64, Ordering::Relaxed);
        self.peak_unflushed.fetch_max(self.unflushed(), Ordering::Relaxed);
    }

    /// Bytes that reached the socket (SSH framing included): what left the server,
    /// whatever was queued for a client that closed before taking it.
    pub fn bytes_written(&self) -> u64 {
        self.socket.written()
    }

    pub fn bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    pub fn bytes_received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    pub fn peak_unflushed(&self) -> u64 {
        self.peak_unflushed.load(Ordering::Relaxed)
    }

    /// Output handed to russh that has not reached the socket yet (an estimate from
    /// below: the socket also carries protocol framing).
    pub fn unflushed(&self) -> u64 {
        self.bytes_sent().saturating_sub(self.socket.written())
    }

    /// Resolves once at most `budget` bytes of output wait in russh's buffers.
    pub async fn wait_for_room(&self, budget: u64) {
        self.socket.wait_until(|| self.unflushed() <= budget).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn input_moves_the_idle_deadline() {
        let traffic = Traffic::new(Instant::now());
        let first = traffic.idle_deadline(Duration::from_secs(60));
        tokio::time::advance(Duration::from_millis(20)).await;
        assert_eq!(traffic.idle_deadline(Duration::from_secs(60)), first, "output or time alone does not");
        traffic.note_input(3);
        assert_eq!(traffic.idle_deadline(Duration::from_secs(60)), first + Duration::from_millis(20));
        assert_eq!(traffic.bytes_received(), 3);
    }

    #[test]
    fn unflushed_output_is_what_the_socket_has_not_taken() {
        let traffic = Traffic::new(Instant::now());
        traffic.note_sent(100);
        assert_eq!((traffic.unflushed(), traffic.peak_unflushed()), (100, 100));
    }
}
