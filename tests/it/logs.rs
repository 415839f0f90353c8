//! The JSON logs: one span per connection (session number and address), one line per
//! visit at `info` — the disconnect line, with what the owner needs — and visitors' addresses only as `--log-peers` allows. One test
//! function, so the phases do not interleave in the captured log, which holds this
//! test's lines alone (its server runs on the test's thread).

use std::net::IpAddr;

use crate::common::{Launch, ServiceSettings, TestServer, ThreadLogs, Visit, Visitor, temp_dir};
use serde_json::Value;
use ssh_resume::admission::privacy::PeerLogging;

const VISITOR: [u8; 4] = [127, 0, 0, 9];

/// Runs one visit from 127.0.0.9 that types a secret and quits; returns the lines it logged.
async fn visit_with(logs: &ThreadLogs, log_peers: PeerLogging, name: &str) -> Vec<Value> {
    let before = logs.lines().len();
    let service = ServiceSettings { log_peers, ..Default::default() };
    let server = TestServer::launch(&temp_dir(name), Launch { service, ..Launch::default() }).await;
    let mut visitor =
        Visitor::connect_from(server.addr, IpAddr::from(VISITOR), Visit::terminal(100, 30)).await;
    visitor.wait_for_text("Staff Software Engineer").await;
    visitor.send(b"3").await;
    visitor.wait_for_text("Together.ai").await;
    visitor.send(b"/SECRETWORD\r").await;
    visitor.send(b"q").await;
    visitor.read_to_end().await;
    let mut unknown =
        Visitor::connect_from(server.addr, IpAddr::from(VISITOR), Visit::no_pty(Some("SECRETCMD"))).await;
    unknown.read_to_end().await;
    // The test client does not hang up by itself: the server closes idle connections
    // whose channel has closed.
    server.wait_until_no_connections().await;
    server.stop().await;
    logs.lines().split_off(before)
}

fn disconnect_lines(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|l| l["fields"]["message"] == "disconnected").collect()
}

#[tokio::test]
async fn json_logs_carry_the_fields_and_respect_peer_privacy() {
    let logs = ThreadLogs::capture();

    let hashed = visit_with(&logs, PeerLogging::Hashed, "logs-hashed").await;
    let text = serde_json::to_string(&hashed).unwrap();
    assert!(!text.contains("127.0.0.9"), "the address leaked with --log-peers hashed");
    assert!(!text.contains("SECRET"), "something the visitor typed was logged");
    let quit =
        disconnect_lines(&hashed).into_iter().find(|l| l["fields"]["reason"] == "quit").expect("a quit");
    for field in ["duration_ms", "bytes_sent", "bytes_received", "sections_viewed"] {
        assert!(quit["fields"][field].is_u64(), "{field} missing in {quit}");
    }
    assert!(quit["fields"]["sections_viewed"].as_u64().unwrap() >= 2, "{quit}");
    let (span, fields) = (&quit["span"], &quit["fields"]);
    assert!(span["session"].is_u64(), "{quit}");
    assert!(span["peer"].as_str().unwrap().starts_with("h-"), "{quit}");
    assert!(fields["user"].as_str().unwrap().starts_with("h-"), "{quit}");
    assert!(fields["client"].as_str().unwrap().starts_with("russh"), "{quit}");
    assert_eq!(fields["term"], "xterm-256color");
    assert_eq!((fields["cols"].as_u64(), fields["rows"].as_u64()), (Some(100), Some(30)));
    assert_eq!(fields["exit_status"], 0, "{quit}");
    let visits: Vec<_> = hashed.iter().filter(|l| l["span"]["name"] == "session").collect();
    assert_eq!(visits.len(), 2, "one line per visit, the disconnect: {visits:#?}");
    let exec = disconnect_lines(&hashed).into_iter().find(|l| l["fields"]["reason"] == "done").unwrap();
    assert!(exec["fields"]["term"].is_null() && exec["fields"]["cols"].is_null(), "no PTY: {exec}");
    assert_eq!(exec["fields"]["exit_status"], 2, "an unknown command: {exec}");
    assert!(disconnect_lines(&hashed).iter().any(|l| l["fields"]["reason"] == "done"), "the exec ended done");

    let none = visit_with(&logs, PeerLogging::None, "logs-none").await;
    assert!(!disconnect_lines(&none).is_empty());
    for line in &none {
        let shown = line.to_string();
        assert!(!shown.contains("\"peer\"") && !shown.contains("\"user\""), "{shown}");
        assert!(!shown.contains("127.0.0.9"));
    }

    let full = visit_with(&logs, PeerLogging::Full, "logs-full").await;
    let line = disconnect_lines(&full)[0];
    assert_eq!(line["span"]["peer"], "127.0.0.9", "{line}");
}
