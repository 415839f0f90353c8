//! The connection's timers on paused time (`start_paused`): login grace, idle and the
//! maximum session, each over an in-memory stream to a real connection task, with the
//! russh client. Time moves only when every task waits, straight to the next timer, so
//! each bound is asserted exactly, whatever the machine is doing, in no wall-clock time.

use std::net::IpAddr;
use std::time::Duration;

use ssh_resume::server::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

use crate::common::{Launch, ServiceSettings, Visit, Visitor, in_memory, login_over};
use ssh_resume::admission::limits::Limits;

const VISITOR: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));

/// Timers shorter than the harness's liveness bound (they are virtual anyway).
fn settings() -> Settings {
    Settings {
        login_timeout: Duration::from_secs(3),
        idle_timeout: Duration::from_secs(5),
        max_session: Duration::from_secs(8),
        ..Settings::default()
    }
}

/// Reads until the server closes the stream; what it sent.
async fn read_until_closed(stream: &mut tokio::io::DuplexStream) -> Vec<u8> {
    let mut seen = Vec::new();
    let _ = stream.read_to_end(&mut seen).await;
    seen
}

/// `elapsed` is `timeout`, give or take the time one of the server's goodbyes takes
/// (the drain deadline bounds it; nothing else moves the paused clock).
fn assert_fired_at(elapsed: Duration, timeout: Duration) {
    let drain = ssh_resume::service::ServiceSettings::default().drain_timeout;
    assert!(elapsed >= timeout && elapsed <= timeout + drain, "ended after {elapsed:?}, timer {timeout:?}");
}

#[tokio::test(start_paused = true)]
async fn a_silent_socket_gets_our_version_line_and_is_closed_at_the_login_timeout() {
    let shared = Launch { ssh: settings(), ..Launch::default() }.in_memory();
    let started = Instant::now();
    let mut stream = in_memory(&shared, VISITOR);
    let seen = read_until_closed(&mut stream).await;
    assert_eq!(seen, b"SSH-2.0-ssh-resume\r\n", "only our version line, then closed");
    assert_fired_at(started.elapsed(), settings().login_timeout);
}

#[tokio::test(start_paused = true)]
async fn two_hundred_silent_sockets_are_closed_at_the_login_timeout_while_a_visitor_gets_in() {
    // No per-address limits: all of them come from one address.
    let limits = Limits {
        max_per_ip: 0,
        max_startups_per_ip: 0,
        rate_per_ip: "0".parse().unwrap(),
        ..Limits::default()
    };
    let service = ServiceSettings { limits, ..ServiceSettings::default() };
    let shared = Launch { ssh: settings(), service, ..Launch::default() }.in_memory();
    let started = Instant::now();
    let mut silent: Vec<_> = (0..200).map(|_| in_memory(&shared, VISITOR)).collect();
    let mut visitor = Visitor::over(in_memory(&shared, VISITOR), Visit::terminal(80, 24)).await.unwrap();
    visitor.wait_for_text("Staff Software Engineer").await;
    assert!(started.elapsed() < settings().login_timeout, "the visitor did not wait for the silent ones");
    for stream in &mut silent {
        assert_eq!(read_until_closed(stream).await, b"SSH-2.0-ssh-resume\r\n");
    }
    assert_fired_at(started.elapsed(), settings().login_timeout);
}

#[tokio::test(start_paused = true)]
async fn half_a_version_line_is_closed_at_the_login_timeout() {
    let shared = Launch { ssh: settings(), ..Launch::default() }.in_memory();
    let started = Instant::now();
    let mut stream = in_memory(&shared, VISITOR);
    stream.write_all(b"SSH-2.0-hal").await.unwrap();
    read_until_closed(&mut stream).await;
    assert_fired_at(started.elapsed(), settings().login_timeout);
}

#[tokio::test(start_paused = true)]
async fn a_login_that_never_asks_for_a_shell_is_ended_at_the_login_timeout() {
    let shared = Launch { ssh: settings(), ..Launch::default() }.in_memory();
    let started = Instant::now();
    let (session, _) = login_over(in_memory(&shared, VISITOR)).await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(60), session).await;
    assert!(ended.is_ok(), "the server ended the logged-in connection");
    assert_fired_at(started.elapsed(), settings().login_timeout);
}

#[tokio::test(start_paused = true)]
async fn an_idle_visitor_gets_a_farewell_and_their_terminal_back_at_the_idle_timeout() {
    let shared = Launch { ssh: settings(), ..Launch::default() }.in_memory();
    let mut visitor = Visitor::over(in_memory(&shared, VISITOR), Visit::terminal(80, 24)).await.unwrap();
    visitor.wait_for_text("Staff Software Engineer").await;
    let quiet_since = Instant::now();
    visitor.read_to_end().await;
    let screen = visitor.screen.screen();
    assert!(!screen.alternate_screen() && !screen.hide_cursor());
    assert!(screen.contents().contains("without input"), "{}", screen.contents());
    assert_eq!(visitor.exit_status, Some(0));
    assert_fired_at(quiet_since.elapsed(), settings().idle_timeout);
}

#[tokio::test(start_paused = true)]
async fn typing_keeps_a_visit_past_the_idle_timeout_until_the_maximum_session() {
    let shared = Launch { ssh: settings(), ..Launch::default() }.in_memory();
    let started = Instant::now();
    let mut visitor = Visitor::over(in_memory(&shared, VISITOR), Visit::terminal(80, 24)).await.unwrap();
    visitor.wait_for_text("Staff Software Engineer").await;
    // A key every second of virtual time: never idle for the 5 s the idle timer needs.
    let typing = async {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if visitor.channel.data_bytes(&b"j"[..]).await.is_err() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(settings().max_session + Duration::from_secs(1), typing).await;
    visitor.read_to_end().await;
    assert!(visitor.contents().contains("time limit"), "{}", visitor.contents());
    assert_fired_at(started.elapsed(), settings().max_session);
}
