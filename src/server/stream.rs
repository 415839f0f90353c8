//! A socket the server can cut from its side at any moment.
//!
//! russh's `Handle` messages queue behind unsent data, so a visitor who stops reading
//! could keep a session alive past every timer. Each connection's socket is wrapped in
//! a [`CuttableStream`]: cancelling its token makes every pending and future read or
//! write fail at once, which ends russh's session loop and frees the connection.
//!
//! The wrapper also counts what reaches the socket, so a session can hold back its next
//! frame while earlier output still sits in russh's buffers: russh itself would buffer up
//! to the client's channel window (2 MiB for OpenSSH) for a client that stopped reading.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// Counts the bytes actually written to the socket, and wakes whoever waits for the
/// connection's output to drain.
#[derive(Debug, Default)]
pub struct WriteMeter {
    written: AtomicU64,
    progress: Notify,
}

impl WriteMeter {
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Resolves once `done()` holds, re-checking after every write to the socket.
    pub async fn wait_until(&self, done: impl Fn() -> bool) {
        loop {
            let progress = self.progress.notified();
            tokio::pin!(progress);
            progress.as_mut().enable();
            if done() {
                return;
            }
            progress.await;
        }
    }

    fn record(&self, bytes: usize) {
        self.written.fetch_add(bytes as u64, Ordering::Relaxed);
        self.progress.notify_waiters();
    }
}

/// Wraps `S`; once `cut` is cancelled, all I/O fails with `ConnectionAborted`. Every
/// successful write is recorded on the [`WriteMeter`].
pub struct CuttableStream<S> {
    inner: S,
    cut: Pin<Box<WaitForCancellationFutureOwned>>,
    meter: Arc<WriteMeter>,
}

impl<S> CuttableStream<S> {
    pub fn new(inner: S, cut: CancellationToken, meter: Arc<WriteMeter>) -> Self {
        Self { inner, cut: Box::pin(cut.cancelled_owned()), meter }
    }

    /// Registers the task for wake-up on cut; `Err` once cut.
    fn check(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        match self.cut.as_mut().poll(cx) {
            Poll::Ready(()) => {
                Err(io::Error::new(io::ErrorKind::ConnectionAborted, "connection cut by the server"))
            }
            Poll::Pending => Ok(()),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for CuttableStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Err(err) = self.check(cx) {
            return Poll::Ready(Err(err));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for CuttableStream<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if let Err(err) = self.check(cx) {
            return Poll::Ready(Err(err));
        }
        let written = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(bytes)) = written {
            self.meter.record(bytes);
        }
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Err(err) = self.check(cx) {
            return Poll::Ready(Err(err));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_pending_read_fails_when_cut() {
        let (ours, _theirs) = tokio::io::duplex(64);
        let cut = CancellationToken::new();
        let mut stream = CuttableStream::new(ours, cut.clone(), Arc::default());
        let reader = tokio::spawn(async move {
            let mut buf = [0u8; 8];
            stream.read(&mut buf).await
        });
        tokio::task::yield_now().await;
        cut.cancel();
        let err = reader.await.unwrap().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionAborted);
    }

    #[tokio::test]
    async fn a_blocked_write_fails_when_cut() {
        let (ours, _theirs) = tokio::io::duplex(8); // the peer never reads
        let cut = CancellationToken::new();
        let mut stream = CuttableStream::new(ours, cut.clone(), Arc::default());
        let writer = tokio::spawn(async move { stream.write_all(&[0u8; 1024]).await });
        tokio::task::yield_now().await;
        cut.cancel();
        assert!(writer.await.unwrap().is_err());
    }

    #[tokio::test]
    async fn uncut_stream_passes_data_through_and_counts_it() {
        let (ours, mut theirs) = tokio::io::duplex(64);
        let meter = Arc::new(WriteMeter::default());
        let mut stream = CuttableStream::new(ours, CancellationToken::new(), meter.clone());
        stream.write_all(b"hi").await.unwrap();
        meter.wait_until(|| meter.written() == 2).await;
        let mut buf = [0u8; 2];
        theirs.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hi");
    }
}
