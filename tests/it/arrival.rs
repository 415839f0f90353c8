//! What a visitor sends arrives whole, and how their input ends is respected: a long
//! paste is not cut at a packet size, the client's EOF ends the view after the keys
//! before it (as `q` does), and every session channel of a multiplexed connection is
//! a visit of its own — with the russh client, and with OpenSSH (a real
//! `ControlMaster`, `ssh -tt … </dev/null`) where a real client matters.

use std::process::Stdio;

use russh::ChannelMsg;
use ssh_resume::server::handler::MAX_SESSIONS;
use tokio::process::Command;

use crate::common::messages::{inbox_json, server_with, sqlite, unlimited};
use crate::common::{LIVENESS, TestServer, Visit, Visitor, login_over, temp_dir, tool};

const OPENSSH: [&str; 10] = [
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "ConnectTimeout=5",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paste_of_1500_characters_in_one_packet_is_stored_whole() {
    let dir = temp_dir("paste-1500");
    let data = dir.join("data");
    let server = server_with(&dir.join("keys"), sqlite(&data), unlimited()).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("q quit").await;
    visitor.send(b"m").await;
    visitor.wait_for_text("Write to me").await;
    visitor.send(b"Paster\tpaste@example.org\t").await;
    // One SSH packet: a bracketed paste of 1,500 characters, end marker included.
    let body: String = (0..1500).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    let paste = format!("\x1b[200~{body}\x1b[201~");
    visitor.send(paste.as_bytes()).await;
    visitor.wait_for_text("1500/2000").await;
    visitor.send(b"\x13").await; // Ctrl-S
    visitor.wait_for_text("Sent").await;
    let messages = inbox_json(&["--data-dir", data.to_str().unwrap()]);
    assert_eq!(messages[0]["body"].as_str().map(str::len), Some(1500), "{messages:?}");
    assert_eq!(messages[0]["body"], body.as_str());
    server.stop().await;
}

#[tokio::test]
async fn the_clients_eof_applies_the_keys_before_it_then_leaves_as_q_does() {
    let server = TestServer::start(&temp_dir("eof-keys")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer").await;
    visitor.channel.data(&b"3"[..]).await.unwrap();
    visitor.channel.eof().await.unwrap();
    visitor.read_to_end().await;
    let screen = visitor.screen.screen();
    assert!(!screen.alternate_screen() && !screen.hide_cursor(), "the terminal is restored");
    assert!(screen.contents().contains("Thanks for reading"), "{}", screen.contents());
    assert!(String::from_utf8_lossy(&visitor.stdout).contains("Together.ai"), "the 3 was applied first");
    assert_eq!(visitor.exit_status, Some(0));
    server.stop().await;
}

#[tokio::test]
async fn openssh_with_a_forced_terminal_and_no_input_exits_at_once() {
    if !tool("ssh", "openssh-client") {
        return;
    }
    let server = TestServer::start(&temp_dir("eof-openssh")).await;
    let port = server.addr.port().to_string();
    for command in [&["-tt", "127.0.0.1"][..], &["-o", "RequestTTY=force", "127.0.0.1", "experience"]] {
        let run = Command::new("ssh")
            .args(OPENSSH)
            .args(["-p", &port])
            .args(command)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        // Ended by the input's end, not by the 10-minute idle timeout.
        let output = tokio::time::timeout(LIVENESS, run).await.expect("ssh did not end").unwrap();
        let seen = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(seen.contains("Thanks for reading"), "{command:?}: {seen}");
    }
    server.stop().await;
}

#[tokio::test]
async fn two_session_channels_on_one_connection_are_two_visits() {
    let server = TestServer::start(&temp_dir("two-channels")).await;
    let mut reader = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    reader.wait_for_text("Staff Software Engineer").await;
    // A second channel on the same connection, while the first is open.
    let mut second = reader.session.channel_open_session().await.expect("a second session is served");
    second.exec(true, "json").await.unwrap();
    let mut json = Vec::new();
    let mut status = None;
    while let Some(message) = tokio::time::timeout(LIVENESS, second.wait()).await.unwrap() {
        match message {
            ChannelMsg::Data { data } => json.extend_from_slice(&data),
            ChannelMsg::ExitStatus { exit_status } => status = Some(exit_status),
            ChannelMsg::Close => break,
            _ => {}
        }
    }
    assert_eq!(status, Some(0));
    assert!(serde_json::from_slice::<serde_json::Value>(&json).is_ok(), "the json command's whole output");
    reader.send(b"3").await;
    reader.wait_for_text("Together.ai").await;
    reader.send(b"q").await;
    reader.read_to_end().await;
    assert_eq!(reader.exit_status, Some(0), "each channel has its own end");
    let metrics = server.shared.service.metrics.encode();
    assert!(metrics.contains("ssh_resume_sessions_started_total 1"), "one connection:\n{metrics}");
    server.stop().await;
}

#[tokio::test]
async fn a_connection_takes_at_most_its_maximum_of_session_channels() {
    let server = TestServer::start(&temp_dir("max-sessions")).await;
    let stream =
        crate::common::connect_tcp_from(server.addr, std::net::IpAddr::from([127, 0, 0, 1])).await.unwrap();
    let (session, _) = login_over(stream).await.unwrap();
    let mut open = Vec::new();
    for _ in 0..MAX_SESSIONS {
        open.push(session.channel_open_session().await.expect("within the maximum"));
    }
    assert!(session.channel_open_session().await.is_err(), "one past the maximum is refused");
    drop(open);
    server.stop().await;
}

#[tokio::test]
async fn openssh_connection_multiplexing_runs_a_second_session_over_the_master() {
    if !tool("ssh", "openssh-client") {
        return;
    }
    let server = TestServer::start(&temp_dir("controlmaster")).await;
    let dir = temp_dir("controlmaster-socket");
    let control = dir.join("cm");
    let port = server.addr.port().to_string();
    let ssh = |extra: &[&str]| {
        let mut command = Command::new("ssh");
        command
            .args(OPENSSH)
            .args(["-o", "ControlMaster=auto", "-o", &format!("ControlPath={}", control.display())])
            .args(["-o", "ControlPersist=5", "-p", &port])
            .args(extra)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        command
    };
    // The master, held open by a session that reads slowly (the view of a terminal).
    let mut master = ssh(&["-tt", "127.0.0.1"]).stdout(Stdio::piped()).stdin(Stdio::piped()).spawn().unwrap();
    let ready = async {
        while !control.exists() {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(LIVENESS, ready).await.expect("the master's control socket");
    let second = tokio::time::timeout(LIVENESS, ssh(&["127.0.0.1", "text"]).output()).await.unwrap().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("refused"), "no fallback to a new connection: {stderr}");
    assert!(String::from_utf8_lossy(&second.stdout).contains("Staff Software Engineer"));
    let metrics = server.shared.service.metrics.encode();
    assert!(metrics.contains("ssh_resume_sessions_started_total 1"), "over the master's one connection");
    let _ = master.start_kill();
    let _ = master.wait().await;
    server.stop().await;
}

/// Runs `tmux ARGS` on the test's own server socket.
fn tmux(socket: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("tmux").arg("-S").arg(socket).args(args).output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_paste_through_openssh_in_tmux_is_stored_whole() {
    if !tool("ssh", "openssh-client") || !tool("tmux", "tmux") {
        return;
    }
    let dir = temp_dir("paste-tmux");
    let data = dir.join("data");
    let server = server_with(&dir.join("keys"), sqlite(&data), unlimited()).await;
    let socket = dir.join("tmux.sock");
    let ssh = format!("ssh {} -tt -p {} 127.0.0.1", OPENSSH.join(" "), server.addr.port());
    assert!(tmux(&socket, &["new-session", "-d", "-x", "100", "-y", "30", &ssh]).status.success());
    let screen = || String::from_utf8_lossy(&tmux(&socket, &["capture-pane", "-p"]).stdout).into_owned();
    let wait_for = |text: &str| {
        let deadline = std::time::Instant::now() + LIVENESS;
        while !screen().contains(text) {
            assert!(std::time::Instant::now() < deadline, "no {text:?} on screen:\n{}", screen());
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    wait_for("q quit");
    tmux(&socket, &["send-keys", "m"]);
    wait_for("Write to me");
    tmux(&socket, &["send-keys", "-l", "Tmux Paster\tpaste@example.org\t"]);
    let body: String = (0..1500).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    tmux(&socket, &["set-buffer", &body]);
    // -p: as a bracketed paste, as a terminal sends it when the view asked for that.
    tmux(&socket, &["paste-buffer", "-p"]);
    wait_for("1500/2000");
    tmux(&socket, &["send-keys", "C-s"]);
    wait_for("Sent");
    tmux(&socket, &["kill-server"]);
    let messages = inbox_json(&["--data-dir", data.to_str().unwrap()]);
    assert_eq!(messages[0]["body"], body.as_str(), "the whole paste, nothing cut");
    server.stop().await;
}
