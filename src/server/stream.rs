//! A socket the server can cut from its side at any moment.
//!
//! russh's `Handle` messages queue behind unsent data, so a visitor who stops reading
//! could keep a session alive past every timer. Each connection's socket is wrapped in
//! a [`CuttableStream`]: cancelling its token makes every pending and future read or
//! write fail at once, which ends russh's session loop and frees the connection.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// Wraps `S`; once `cut` is cancelled, all I/O fails with `ConnectionAborted`.
pub struct CuttableStream<S> {
    inner: S,
    cut: Pin<Box<WaitForCancellationFutureOwned>>,
}

impl<S> CuttableStream<S> {
    pub fn new(inner: S, cut: CancellationToken) -> Self {
        Self { inner, cut: Box::pin(cut.cancelled_owned()) }
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
        Pin::new(&mut self.inner).poll_write(cx, buf)
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
        let mut stream = CuttableStream::new(ours, cut.clone());
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
        let mut stream = CuttableStream::new(ours, cut.clone());
        let writer = tokio::spawn(async move { stream.write_all(&[0u8; 1024]).await });
        tokio::task::yield_now().await;
        cut.cancel();
        assert!(writer.await.unwrap().is_err());
    }

    #[tokio::test]
    async fn uncut_stream_passes_data_through() {
        let (ours, mut theirs) = tokio::io::duplex(64);
        let mut stream = CuttableStream::new(ours, CancellationToken::new());
        stream.write_all(b"hi").await.unwrap();
        let mut buf = [0u8; 2];
        theirs.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hi");
    }
}
