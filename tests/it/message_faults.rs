//! Faults around the message store: the server killed with SIGKILL right after a
//! visitor saw "Sent" (the message is there after a restart), a data directory that is
//! gone or unusable, and a PostgreSQL that stops: the visitor reads the failure line
//! and keeps the draft, the résumé is still served, and sending works again once the
//! store is back, by itself.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::common::messages::{inbox_json, server_with, sqlite, unlimited};
use crate::common::postgres::Postgres;
use crate::common::{LIVENESS, Visit, Visitor, manifest_path, temp_dir};
use ssh_resume::messages::UNAVAILABLE_LINE;
use ssh_resume::store::{self, Location};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Opens the form and sends a message; waits for what the form answers.
async fn write(visitor: &mut Visitor, body: &str, expect: &str) {
    visitor.send(b"m").await;
    visitor.wait_for_text("Write to me").await;
    visitor.send(format!("Tess\ttess@example.org\t{body}").as_bytes()).await;
    visitor.wait_for_text(body).await;
    visitor.send(b"\x13").await;
    visitor.wait_for_text(expect).await;
}

/// The résumé is still served to a new visitor.
async fn still_served(addr: std::net::SocketAddr) {
    let mut reader = Visitor::connect(addr, Visit::no_pty(Some("text"))).await;
    reader.read_to_end().await;
    assert!(reader.stdout_text().contains("EXPERIENCE"), "the résumé is still served");
}

/// The real binary on loopback with its data directory in `dir`; its address.
async fn spawn_server(dir: &Path) -> (Child, std::net::SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssh-resume"))
        .args(["--log-format", "pretty", "--listen", "127.0.0.1:0", "--message-rate-per-address", "0"])
        .arg("--keys-dir")
        .arg(dir.join("keys"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--resume")
        .arg(manifest_path("resume.toml"))
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = tokio::time::timeout(LIVENESS, async {
        loop {
            let line = lines.next_line().await.unwrap().expect("the server exited before listening");
            if let Some(addr) = line.split("listening on ").nth(1) {
                break addr.split_whitespace().next().unwrap().parse().unwrap();
            }
        }
    })
    .await
    .unwrap();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_right_after_sent_keeps_the_message() {
    let dir = temp_dir("kill-9");
    let (mut child, addr) = spawn_server(&dir).await;
    let mut visitor = Visitor::connect(addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("q quit").await;
    write(&mut visitor, "Survive the crash", "Sent — thank you").await;
    child.start_kill().unwrap(); // SIGKILL
    child.wait().await.unwrap();
    let messages = inbox_json(&["--data-dir", dir.join("data").to_str().unwrap()]);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["body"], "Survive the crash");
    let (mut again, addr) = spawn_server(&dir).await;
    let mut reader = Visitor::connect(addr, Visit::no_pty(Some("message --reply-to x@example.org"))).await;
    reader.channel.data(&b"after the restart"[..]).await.unwrap();
    reader.channel.eof().await.unwrap();
    reader.read_to_end().await;
    assert_eq!(reader.exit_status, Some(0), "the restarted server stores on the same file");
    again.start_kill().unwrap();
    again.wait().await.unwrap();
    assert_eq!(inbox_json(&["--data-dir", dir.join("data").to_str().unwrap()]).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_data_directory_fails_the_form_and_recovers() {
    let dir = temp_dir("data-dir-fault");
    let data = dir.join("data");
    let server = server_with(&dir.join("keys"), sqlite(&data), unlimited()).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("q quit").await;
    write(&mut visitor, "Before the fault", "Sent — thank you").await;
    visitor.send(b"\x1b").await;
    visitor.wait_for("the form to close", |s| !s.contents().contains("Write to me")).await;

    std::fs::rename(&data, dir.join("elsewhere")).unwrap();
    std::fs::write(&data, b"a file where the data directory should be").unwrap();
    write(&mut visitor, "During the fault", UNAVAILABLE_LINE).await;
    assert!(visitor.contents().contains("During the fault"), "the draft stays");
    still_served(server.addr).await;

    std::fs::remove_file(&data).unwrap();
    std::fs::rename(dir.join("elsewhere"), &data).unwrap();
    visitor.send(b"\x13").await;
    visitor.wait_for_text("Sent — thank you").await;
    let bodies: Vec<String> = inbox_json(&["--data-dir", data.to_str().unwrap()])
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(bodies, ["During the fault", "Before the fault"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_postgresql_fails_the_form_and_recovers() {
    let Some(mut postgres) = Postgres::start("fault") else { return };
    let dir = temp_dir("postgres-fault");
    let store = store::open(&Location::Postgres(postgres.url()), Duration::from_secs(2)).unwrap();
    let server = server_with(&dir.join("keys"), store, unlimited()).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("q quit").await;
    write(&mut visitor, "Before the stop", "Sent — thank you").await;
    visitor.send(b"\x1b").await;
    visitor.wait_for("the form to close", |s| !s.contents().contains("Write to me")).await;

    postgres.stop();
    write(&mut visitor, "While stopped", UNAVAILABLE_LINE).await;
    still_served(server.addr).await;

    postgres.start_again();
    visitor.send(b"\x13").await;
    visitor.wait_for_text("Sent — thank you").await;
    let bodies: Vec<String> = inbox_json(&["--database-url", &postgres.url()])
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(bodies, ["While stopped", "Before the stop"]);
    server.stop().await;
}
