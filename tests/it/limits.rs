//! Every limit and timer hit end to end against the real server on loopback. Each test
//! names the settings it runs with; timeouts are short and set by settings, liveness
//! bounds generous.

use crate::common;

use std::net::IpAddr;
use std::time::Duration;

use crate::common::{
    LIVENESS, Launch, ServiceSettings, StallingProxy, TestServer, Visit, Visitor, connect_tcp_from, temp_dir,
};
use ssh_resume::admission::limits::Limits;
use ssh_resume::admission::privacy::PeerLogging;
use ssh_resume::server::Settings;
use ssh_resume::server::screen::IN_FLIGHT_BUDGET;
use tokio::io::AsyncWriteExt;

fn loopback(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

fn no_per_ip_limits() -> Limits {
    Limits { max_per_ip: 0, max_startups_per_ip: 0, rate_per_ip: "0".parse().unwrap(), ..Limits::default() }
}

async fn start(name: &str, ssh: Settings, service: ServiceSettings) -> TestServer {
    TestServer::launch(&temp_dir(name), Launch { ssh, service, ..Launch::default() }).await
}

/// A server whose only non-default setting is `limits`.
async fn start_limited(name: &str, limits: Limits) -> TestServer {
    start(name, Settings::default(), ServiceSettings { limits, ..ServiceSettings::default() }).await
}

/// True when the server closed `source`'s fresh connection without a version line.
async fn refused_before_handshake(server: &TestServer, source: IpAddr) -> bool {
    let mut socket = connect_tcp_from(server.addr, source).await.unwrap();
    let seen = common::read_until_closed(&mut socket).await;
    seen.is_empty()
}

#[tokio::test]
async fn max_per_ip_refuses_the_next_connection_but_not_other_sources() {
    // --max-per-ip 2, no rate or handshake limit
    let limits = Limits { max_per_ip: 2, ..no_per_ip_limits() };
    let server = start_limited("max-per-ip", limits).await;
    let mut first = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    let mut second = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    first.wait_for_text("Staff Software Engineer").await;
    second.wait_for_text("Staff Software Engineer").await;
    assert!(refused_before_handshake(&server, loopback(1)).await, "a third from 127.0.0.1 must be refused");
    let mut other = Visitor::connect_from(server.addr, loopback(2), Visit::terminal(80, 24)).await;
    other.wait_for_text("Staff Software Engineer").await;
    server.stop().await;
}

#[tokio::test]
async fn rate_per_ip_refuses_past_the_bucket() {
    // --rate-per-ip 3/1h
    let limits = Limits { rate_per_ip: "3/1h".parse().unwrap(), ..no_per_ip_limits() };
    let server = start_limited("rate", limits).await;
    for _ in 0..3 {
        let mut visitor = Visitor::connect_from(server.addr, loopback(3), Visit::no_pty(Some("help"))).await;
        visitor.read_to_end().await;
        assert_eq!(visitor.exit_status, Some(0));
    }
    assert!(refused_before_handshake(&server, loopback(3)).await, "the fourth must be refused");
    let mut other = Visitor::connect_from(server.addr, loopback(4), Visit::no_pty(Some("help"))).await;
    other.read_to_end().await;
    server.stop().await;
}

#[tokio::test]
async fn max_connections_refuses_everyone_past_the_cap() {
    // --max-connections 1
    let limits = Limits { max_connections: 1, ..no_per_ip_limits() };
    let server = start_limited("max-connections", limits).await;
    let mut only = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    only.wait_for_text("Staff Software Engineer").await;
    assert!(refused_before_handshake(&server, loopback(5)).await);
    server.stop().await;
}

#[tokio::test]
async fn a_conference_room_behind_one_address_gets_in_with_the_defaults() {
    // default limits: 300 visitors from 127.0.0.9, 30 at a time, all stay connected
    let server = start("room", Settings::default(), ServiceSettings::default()).await;
    let mut everyone = Vec::new();
    for wave in 0..10 {
        let arriving =
            (0..30).map(|_| Visitor::connect_from(server.addr, loopback(9), Visit::terminal(80, 24)));
        let mut wave_visitors = futures_join_all(arriving).await;
        for visitor in &mut wave_visitors {
            visitor.wait_for_text("Staff Software Engineer").await;
        }
        everyone.extend(wave_visitors);
        assert_eq!(everyone.len(), (wave + 1) * 30);
    }
    assert_eq!(server.shared.limiter.open(), 300);
    drop(everyone);
    server.stop().await;
}

async fn futures_join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(|f| Box::pin(f)).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await);
    }
    out
}

/// The largest write the stalled visitor below can be sent: a whole frame of section 3
/// or 7 at any size it asks for (120 to 199 columns, 40 rows), or the farewell.
fn largest_write_to_a_stalled_visitor() -> u64 {
    use ssh_resume::resume::Loaded;
    use ssh_resume::server::terminal::frame;
    use ssh_resume::tui::input::{KeyCode, KeyEvent};
    use ssh_resume::tui::{App, ClientTerminal, Event, Theme};
    let doc = std::sync::Arc::new(Loaded::from_path(&common::manifest_path("resume.toml")).unwrap());
    let client = ClientTerminal { term: "xterm-256color".into(), ..ClientTerminal::default() };
    let mut largest = 1024; // the farewell, the terminal queries
    for width in 80..200u16 {
        for section in ['3', '7'] {
            let size = ratatui_core::layout::Size::new(width, if width == 80 { 24 } else { 40 });
            let mut app = App::new(doc.clone(), Theme::new(client.profile()), size);
            app.handle(&Event::Key(KeyEvent::new(KeyCode::Char(section))));
            largest = largest.max(
                frame(None, &app, &mut ssh_resume::server::terminal::Modes::default()).len() as u64 + 64,
            );
        }
    }
    largest
}

/// A client that stopped reading while keys and resizes keep arriving: the session's
/// own frames stay bounded (coalesced), and the timers still end it.
async fn stalled_visitor(name: &str, settings: Settings, keep_typing: bool, source: u8) -> serde_json::Value {
    common::capture_logs();
    // Full peers in the log, to find this connection's disconnect line by its address.
    let service = ServiceSettings {
        log_peers: PeerLogging::Full,
        drain_timeout: Duration::from_secs(1),
        ..ServiceSettings::default()
    };
    let server = start(name, settings, service).await;
    let proxy = StallingProxy::start(server.addr, loopback(source)).await;
    let upstream = proxy.upstream.clone();
    let stream = tokio::net::TcpStream::connect(proxy.addr).await.unwrap();
    let mut visitor = Visitor::over(stream, Visit::terminal(80, 24)).await.unwrap();
    visitor.wait_for_text("Staff Software Engineer").await;
    proxy.stall();
    if keep_typing {
        for round in 0..400u32 {
            // Section changes and resizes: each would be a large frame if frames queued.
            let _ = visitor.channel.data_bytes(if round % 2 == 0 { &b"3jjj"[..] } else { &b"7"[..] }).await;
            if round % 20 == 0 {
                let _ = visitor.channel.window_change(120 + round % 80, 40, 0, 0).await;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    server.wait_until_no_connections().await;
    let peer = upstream.get().expect("the proxy connected").ip().to_string();
    let line = common::find_log(|line| {
        line["fields"]["message"] == "disconnected" && line["span"]["peer"] == peer.as_str()
    })
    .await;
    server.stop().await;
    line
}

#[tokio::test]
async fn a_stalled_visitor_is_ended_by_the_maximum_session() {
    // --max-session 2s, --drain-timeout 1s; keys and resizes keep arriving
    let settings = Settings { max_session: Duration::from_secs(2), ..Settings::default() };
    let line = stalled_visitor("stalled-max", settings, true, 21).await;
    assert_eq!(line["fields"]["reason"], "max-session", "{line}");
    // 400 section changes and 20 resizes, but a frame is drawn only while at most the
    // in-flight budget waits: the budget plus the largest single write ever waits.
    let buffered = line["fields"]["peak_buffered"].as_u64().unwrap();
    let bound = IN_FLIGHT_BUDGET + largest_write_to_a_stalled_visitor();
    assert!(buffered <= bound, "{buffered} bytes of output waited in the server at once (bound {bound})");
    let sent = line["fields"]["bytes_sent"].as_u64().unwrap();
    assert!(sent < 512 * 1024, "the stalled session produced {sent} bytes");
    eprintln!("stalled: {sent} bytes sent, {buffered} at most buffered");
}

#[tokio::test]
async fn a_stalled_silent_visitor_is_ended_by_the_idle_timer() {
    // --idle-timeout 1s, --drain-timeout 1s
    let settings = Settings { idle_timeout: Duration::from_secs(1), ..Settings::default() };
    let line = stalled_visitor("stalled-idle", settings, false, 22).await;
    assert_eq!(line["fields"]["reason"], "idle", "{line}");
}

#[tokio::test]
async fn garbage_and_truncated_packets_leave_the_server_serving() {
    let server = start_limited("garbage", no_per_ip_limits()).await;
    // Random bytes instead of a version line (a fixed pseudo-random sequence).
    let mut state = 0x2545_f491_u32;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    let mut socket = connect_tcp_from(server.addr, loopback(1)).await.unwrap();
    let _ = socket.write_all(&garbage).await;
    common::read_until_closed(&mut socket).await;
    // A valid version line, then a packet that claims 1 GiB and stops.
    let mut socket = connect_tcp_from(server.addr, loopback(1)).await.unwrap();
    socket.write_all(b"SSH-2.0-fuzz\r\n\x40\x00\x00\x00\x06\x14").await.unwrap();
    common::read_until_closed(&mut socket).await;
    // A truncated key exchange packet, then the client hangs up.
    let mut socket = connect_tcp_from(server.addr, loopback(1)).await.unwrap();
    socket.write_all(b"SSH-2.0-fuzz\r\n\x00\x00\x01\x2c\x0a\x14\x01\x02").await.unwrap();
    drop(socket);
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer").await;
    server.stop().await;
}

#[tokio::test]
async fn a_panicking_session_leaves_the_others_running() {
    let settings = Settings { panic_command: Some("panic-now".to_owned()), ..Settings::default() };
    let server = start("panic", settings, ServiceSettings::default()).await;
    let mut reader = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    reader.wait_for_text("Staff Software Engineer").await;
    let mut crasher = Visitor::connect(server.addr, Visit::no_pty(Some("panic-now"))).await;
    tokio::time::timeout(LIVENESS, crasher.read_to_end()).await.unwrap();
    assert_eq!(crasher.exit_status, None, "a panicked session sends no exit status");
    reader.send(b"3").await;
    reader.wait_for_text("Together.ai").await;
    let mut next = Visitor::connect(server.addr, Visit::no_pty(Some("json"))).await;
    next.read_to_end().await;
    assert_eq!(next.exit_status, Some(0));
    server.stop().await;
}
