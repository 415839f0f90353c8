//! End to end: the real server on loopback, a real SSH client (russh's), and the
//! visitor's screen as a terminal emulator shows it.

use crate::common;

use crate::common::{TestServer, Visit, Visitor, temp_dir};
use russh::ChannelMsg;

#[tokio::test]
async fn first_frame_shows_the_resume_full_screen() {
    let server = TestServer::start(&temp_dir("first-frame")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer focused on building").await;
    let screen = visitor.screen.screen();
    assert!(screen.alternate_screen(), "the view should use the alternate screen");
    assert!(screen.hide_cursor());
    for tab in ["About", "Highlights", "Experience", "Open Source", "Community", "Education", "Skills"] {
        assert!(screen.contents().contains(tab), "tab {tab} missing");
    }
    server.stop().await;
}

#[tokio::test]
async fn keys_change_section_and_scroll() {
    let server = TestServer::start(&temp_dir("keys")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer focused").await;
    // An arrow key split across two packets, then a digit: Experience.
    visitor.send(b"\x1b[").await;
    visitor.send(b"C3").await;
    visitor.wait_for_text("Together.ai").await;
    // Several keys in one packet scroll past the first role.
    visitor.send(b"jjjjjjjjjjjjjjjjjjjj").await;
    visitor.wait_for("scrolled past Together.ai", |s| !s.contents().contains("Together.ai")).await;
    visitor.send(b"G").await;
    visitor.wait_for_text("End").await;
    visitor.send(b"\x1b[Z").await; // Shift-Tab: back to Highlights
    visitor.wait_for_text("Created benchee").await;
    server.stop().await;
}

#[tokio::test]
async fn window_change_relays_out() {
    let server = TestServer::start(&temp_dir("resize")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Open Source  Community").await;
    visitor.resize(40, 20).await;
    visitor.wait_for_text("‹ 1/7 About ›").await;
    visitor.resize(130, 30).await;
    visitor.wait_for_text("▶ 1 About").await;
    server.stop().await;
}

#[tokio::test]
async fn quit_restores_the_terminal_and_exits_zero() {
    let server = TestServer::start(&temp_dir("quit")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer").await;
    visitor.send(b"q").await;
    visitor.read_to_end().await;
    let screen = visitor.screen.screen();
    assert!(!screen.alternate_screen(), "main screen should be back");
    assert!(!screen.hide_cursor(), "cursor should be visible");
    assert!(screen.contents().contains("Thanks for reading"), "{}", screen.contents());
    assert_eq!(visitor.exit_status, Some(0));
}

#[tokio::test]
async fn lone_esc_quits_but_an_escape_sequence_does_not() {
    let server = TestServer::start(&temp_dir("esc")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer").await;
    visitor.send(b"\x1b[B").await; // Down arrow: must not quit
    visitor.send(b"?").await;
    visitor.wait_for_text("this help").await;
    visitor.send(b"\x1b").await; // closes help
    visitor.wait_for("help closed", |s| !s.contents().contains("this help")).await;
    visitor.send(b"\x1b").await; // quits
    visitor.read_to_end().await;
    assert_eq!(visitor.exit_status, Some(0));
}

#[tokio::test]
async fn without_a_pty_the_text_is_printed() {
    let server = TestServer::start(&temp_dir("no-pty")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::no_pty(None)).await;
    visitor.read_to_end().await;
    let text = visitor.stdout_text();
    assert!(text.starts_with("Staff Software Engineer\n"), "{text}");
    assert!(text.contains("Co-created the Berlin Code of Conduct"));
    assert!(!text.contains('\x1b'), "plain text has no escape sequences");
    assert!(text.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80));
    assert_eq!(visitor.exit_status, Some(0));
}

#[tokio::test]
async fn exec_json_is_json_resume() {
    let server = TestServer::start(&temp_dir("json")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::no_pty(Some("json"))).await;
    visitor.read_to_end().await;
    let value: serde_json::Value = serde_json::from_slice(&visitor.stdout).unwrap();
    assert_eq!(value["basics"]["label"], "Staff Software Engineer");
    assert_eq!(value["work"][2]["name"], "Remote");
    assert_eq!(visitor.exit_status, Some(0));
}

#[tokio::test]
async fn exec_with_a_pty_uses_crlf() {
    let server = TestServer::start(&temp_dir("md-pty")).await;
    let visit = Visit { command: Some("markdown"), ..Visit::terminal(80, 24) };
    let mut visitor = Visitor::connect(server.addr, visit).await;
    visitor.read_to_end().await;
    let text = visitor.stdout_text();
    assert!(text.starts_with("# Staff Software Engineer\r\n"), "{text:?}");
    assert!(!text.replace("\r\n", "").contains('\n'), "every line end is CRLF");
    assert_eq!(visitor.exit_status, Some(0));
}

#[tokio::test]
async fn unknown_command_prints_usage_to_stderr_and_exits_2() {
    let server = TestServer::start(&temp_dir("unknown")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::no_pty(Some("sudo rm -rf /"))).await;
    visitor.read_to_end().await;
    let stderr = String::from_utf8_lossy(&visitor.stderr);
    assert!(stderr.contains("unknown command") && stderr.contains("usage: ssh -p"), "{stderr}");
    assert!(visitor.stdout.is_empty());
    assert_eq!(visitor.exit_status, Some(2));
}

#[tokio::test]
async fn port_forwarding_and_other_subsystems_are_refused() {
    let server = TestServer::start(&temp_dir("refuse")).await;
    let visitor = Visitor::connect(server.addr, Visit::no_pty(Some("help"))).await;
    let forward = visitor.session.channel_open_direct_tcpip("127.0.0.1", 22, "127.0.0.1", 5000).await;
    assert!(forward.is_err(), "direct-tcpip must be refused");
    let remote = visitor.session.tcpip_forward("127.0.0.1", 0).await;
    assert!(remote.is_err(), "remote forwarding must be refused");
    // Only the download directory's `sftp` is a subsystem here.
    let mut channel = visitor.session.channel_open_session().await.unwrap();
    channel.request_subsystem(true, "netconf").await.unwrap();
    let reply = tokio::time::timeout(common::LIVENESS, channel.wait()).await.unwrap();
    assert!(matches!(reply, Some(ChannelMsg::Failure)), "netconf must be refused: {reply:?}");
    // Nor sftp on a channel that asked for a terminal first.
    let mut channel = visitor.session.channel_open_session().await.unwrap();
    channel.request_pty(true, "xterm", 80, 24, 0, 0, &[]).await.unwrap();
    channel.request_subsystem(true, "sftp").await.unwrap();
    let replies = [channel.wait().await, channel.wait().await];
    assert!(matches!(replies[1], Some(ChannelMsg::Failure)), "sftp after a pty-req: {replies:?}");
    server.stop().await;
}

#[tokio::test]
async fn the_fingerprint_is_stable_across_restarts() {
    let keys = temp_dir("stable-key");
    let first = TestServer::start(&keys).await;
    let seen_first = Visitor::connect(first.addr, Visit::no_pty(Some("help"))).await.host_key;
    let fingerprint = first.fingerprint.clone();
    first.stop().await;
    let second = TestServer::start(&keys).await;
    let seen_second = Visitor::connect(second.addr, Visit::no_pty(Some("help"))).await.host_key;
    assert_eq!(second.fingerprint, fingerprint);
    assert_eq!(seen_first, seen_second);
    assert!(seen_first.is_some());
    second.stop().await;
}
