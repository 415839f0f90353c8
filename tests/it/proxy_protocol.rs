//! `--proxy-protocol` against the real server on loopback, with headers written by hand:
//! v1 and v2 in the same segment as the client's version line, refusals (untrusted
//! source, no header, a silent proxy), per-address limits on the visitor the header
//! names, and a v2 `LOCAL` health check answered as a probe. `tests/it/haproxy.rs` runs the
//! same through a real HAProxy.

use crate::common;

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::common::{
    Launch, ServiceSettings, TestServer, Visit, Visitor, connect_tcp_from, find_log, temp_dir,
};
use ppp::v2;
use ssh_resume::admission::limits::Limits;
use ssh_resume::admission::privacy::PeerLogging;
use ssh_resume::server::Settings;
use ssh_resume::server::proxy::ProxyProtocol;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};

fn loopback(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

/// The value of the sample line `series`, or 0 when absent.
fn sample(metrics: &str, series: &str) -> u64 {
    let line = metrics.lines().find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '));
    line.and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn refused(server: &TestServer, reason: &str) -> u64 {
    let series = format!("ssh_resume_connections_refused_total{{reason=\"{reason}\"}}");
    sample(&server.shared.service.metrics.encode(), &series)
}

/// Only 127.0.0.1 may send headers; peers logged in full; login timeout `login`.
async fn start(name: &str, limits: Limits, login: Duration) -> TestServer {
    let proxy = ProxyProtocol { trusted: vec!["127.0.0.1".parse().unwrap()] };
    let ssh = Settings { proxy_protocol: Some(proxy), login_timeout: login, ..Settings::default() };
    let service = ServiceSettings { log_peers: PeerLogging::Full, limits, ..Default::default() };
    TestServer::launch(&temp_dir(name), Launch { ssh, service, ..Launch::default() }).await
}

fn v2_header(source: &str, destination: SocketAddr) -> Vec<u8> {
    let addresses = (source.parse::<SocketAddr>().unwrap(), destination);
    v2::Builder::with_addresses(0x21, v2::Protocol::Stream, addresses).build().unwrap()
}

/// A stream whose first write carries `header` and the client's first bytes (its
/// version line) in one `write` call: one segment on loopback, as a balancer that
/// coalesces them sends it.
struct HeaderFirst<S> {
    inner: S,
    /// Header plus the caller's first buffer, still to be written, and that buffer's length.
    pending: Option<(Vec<u8>, usize)>,
    header: Option<Vec<u8>>,
}

impl<S: AsyncWrite + Unpin> AsyncWrite for HeaderFirst<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if let Some(mut header) = self.header.take() {
            header.extend_from_slice(buf);
            self.pending = Some((header, buf.len()));
        }
        while let Some((bytes, owed)) = self.pending.take() {
            match Pin::new(&mut self.inner).poll_write(cx, &bytes)? {
                Poll::Ready(n) if n == bytes.len() => return Poll::Ready(Ok(owed)),
                Poll::Ready(n) => self.pending = Some((bytes[n..].to_vec(), owed)),
                Poll::Pending => {
                    self.pending = Some((bytes, owed));
                    return Poll::Pending;
                }
            }
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for HeaderFirst<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

/// A visitor behind the proxy at 127.0.0.1 whose header says `header`.
async fn visit_with_header(server: &TestServer, header: Vec<u8>, visit: Visit<'_>) -> Visitor {
    let socket = connect_tcp_from(server.addr, loopback(1)).await.unwrap();
    socket.set_nodelay(true).unwrap();
    let stream = HeaderFirst { inner: socket, pending: None, header: Some(header) };
    tokio::time::timeout(common::LIVENESS, Visitor::over(stream, visit)).await.unwrap().unwrap()
}

/// Sends `bytes` from `source` and returns everything the server sent before closing.
async fn send_raw(server: &TestServer, source: IpAddr, bytes: &[u8]) -> Vec<u8> {
    let mut socket = connect_tcp_from(server.addr, source).await.unwrap();
    socket.write_all(bytes).await.unwrap();
    common::read_until_closed(&mut socket).await
}

#[tokio::test]
async fn header_and_version_line_in_one_segment_serve_the_named_visitor() {
    common::capture_logs();
    let server = start("proxy-same-segment", Limits::default(), Duration::from_secs(10)).await;
    let v2 = v2_header("127.0.0.8:41000", server.addr);
    let mut visitor = visit_with_header(&server, v2, Visit::no_pty(Some("help"))).await;
    visitor.read_to_end().await;
    assert_eq!(visitor.exit_status, Some(0));
    let v1 = format!("PROXY TCP4 127.0.0.9 {} 41001 {}\r\n", server.addr.ip(), server.addr.port());
    let mut visitor = visit_with_header(&server, v1.into_bytes(), Visit::no_pty(Some("json"))).await;
    visitor.read_to_end().await;
    assert_eq!(visitor.exit_status, Some(0));
    for visitor in ["127.0.0.8", "127.0.0.9"] {
        find_log(|l| l["fields"]["message"] == "disconnected" && l["span"]["peer"] == visitor).await;
    }
    server.stop().await;
}

#[tokio::test]
async fn per_address_limits_see_the_visitor_not_the_proxy() {
    // --max-per-ip 1: every connection comes from the proxy at 127.0.0.1
    let limits = Limits { max_per_ip: 1, ..Limits::default() };
    let server = start("proxy-per-ip", limits, Duration::from_secs(10)).await;
    let mut first =
        visit_with_header(&server, v2_header("127.0.0.5:1", server.addr), Visit::terminal(80, 24)).await;
    first.wait_for_text("Staff Software Engineer").await;
    let mut again = v2_header("127.0.0.5:2", server.addr);
    again.extend_from_slice(b"SSH-2.0-again\r\n");
    assert!(send_raw(&server, loopback(1), &again).await.is_empty(), "a second 127.0.0.5 is refused");
    assert_eq!(refused(&server, "max-per-ip"), 1);
    let mut other =
        visit_with_header(&server, v2_header("127.0.0.6:1", server.addr), Visit::terminal(80, 24)).await;
    other.wait_for_text("Staff Software Engineer").await;
    server.stop().await;
}

#[tokio::test]
async fn untrusted_sources_and_missing_headers_are_refused() {
    // --login-timeout 1s for the proxy that sends nothing
    let server = start("proxy-refusals", Limits::default(), Duration::from_secs(1)).await;
    let mut spoofed = v2_header("127.0.0.5:1", server.addr);
    spoofed.extend_from_slice(b"SSH-2.0-spoof\r\n");
    assert!(send_raw(&server, loopback(7), &spoofed).await.is_empty());
    assert_eq!(refused(&server, "untrusted-proxy"), 1);
    let plain = send_raw(&server, loopback(1), b"SSH-2.0-no-header\r\n").await;
    assert!(plain.is_empty(), "a trusted proxy's connection without a header is refused");
    let broken = send_raw(&server, loopback(1), b"PROXY TCP4 127.0.0.5 nowhere 1 2\r\nSSH-2.0-x\r\n").await;
    assert!(broken.is_empty());
    let silent = send_raw(&server, loopback(1), b"").await;
    assert!(silent.is_empty(), "closed at the login timeout");
    assert_eq!(refused(&server, "proxy-header"), 3);
    assert_eq!(server.shared.limiter.open(), 0, "refused connections hold no slot");
    server.stop().await;
}

#[tokio::test]
async fn a_local_header_is_a_health_check_not_a_refusal() {
    let server = start("proxy-local", Limits::default(), Duration::from_secs(10)).await;
    let local = v2::Builder::with_addresses(0x20, v2::Protocol::Unspecified, v2::Addresses::Unspecified)
        .build()
        .unwrap();
    let answer = send_raw(&server, loopback(1), &local).await;
    assert_eq!(answer, b"SSH-2.0-ssh-resume\r\n");
    let metrics = server.shared.service.metrics.encode();
    assert_eq!(sample(&metrics, "ssh_resume_proxy_probes_total"), 1, "{metrics}");
    assert!(!metrics.contains("ssh_resume_connections_refused_total{"), "{metrics}");
    assert_eq!(sample(&metrics, "ssh_resume_sessions_started_total"), 0, "a probe is not a session");
    server.stop().await;
}

#[tokio::test]
async fn the_healthcheck_subcommand_speaks_proxy_protocol_when_asked() {
    // --login-timeout 1s: a probe without a header is closed after a second
    let server = start("proxy-healthcheck", Limits::default(), Duration::from_secs(1)).await;
    let addr = server.addr;
    let check = move |proxy| {
        tokio::task::spawn_blocking(move || {
            ssh_resume::healthcheck::check(addr, Duration::from_secs(5), proxy)
        })
    };
    assert_eq!(check(true).await.unwrap().unwrap(), "SSH-2.0-ssh-resume");
    let err = check(false).await.unwrap().unwrap_err().to_string();
    assert!(err.contains("without sending an SSH version line"), "{err}");
    assert_eq!(refused(&server, "proxy-header"), 1);
    server.stop().await;
}
