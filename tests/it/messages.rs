//! Visitors writing to the owner, end to end against the real server on loopback: the
//! view's form through the russh client and a vt100 screen, `ssh HOST message` with
//! every exit status, every limit, hostile text that must never reach the owner's
//! terminal, and a hundred senders at once. The owner's side is the real
//! `ssh-resume inbox` binary.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::common::messages::{
    exec, exec_from, inbox, inbox_json, mailbox, per_hour, server_with, sqlite, unlimited,
};
use crate::common::{Visit, Visitor, capture_logs, logged, temp_dir};
use ssh_resume::messages::limits::MessageRates;
use ssh_resume::messages::mailbox::MailboxSettings;
use ssh_resume::messages::{Channel, Draft, MAX_BODY, SendError};
use ssh_resume::store::{
    CountRow, InsertLimits, InsightsStore, NewMessage, Store, StoreFuture, Stored, Which,
};

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn status_of(visitor: &Visitor) -> (Option<u32>, String, String) {
    (visitor.exit_status, visitor.stdout_text(), String::from_utf8_lossy(&visitor.stderr).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_sends_and_the_owner_finds_it_with_inbox() {
    capture_logs();
    let dir = temp_dir("form");
    let data = dir.join("data");
    let server = server_with(&dir.join("keys"), sqlite(&data), unlimited()).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("q quit").await;
    visitor.send(b"m").await;
    visitor.wait_for_text("Write to me").await;
    visitor.send("Zoë Example\tzoe@example.org\tHello from the form\rsecond line".as_bytes()).await;
    visitor.wait_for_text("second line").await;
    visitor.send(b"\x13").await; // Ctrl-S
    visitor.wait_for_text("Sent — thank you").await;
    let messages = inbox_json(&["--data-dir", data.to_str().unwrap()]);
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert_eq!(message["name"], "Zoë Example");
    assert_eq!(message["reply_to"], "zoe@example.org");
    assert_eq!(message["body"], "Hello from the form\nsecond line");
    assert_eq!((message["channel"].as_str(), message["read"].as_bool()), (Some("view"), Some(false)));
    visitor.send(b"\x1b").await;
    visitor.wait_for("the form to close", |s| !s.contents().contains("Write to me")).await;
    let lines = logged();
    assert!(lines.iter().any(|line| line["fields"]["message"] == "message stored"), "{lines:#?}");
    let all = serde_json::to_string(&lines).unwrap();
    assert!(!all.contains("Hello from the form") && !all.contains("zoe@example.org"), "visitor text logged");
    assert!(
        server
            .shared
            .service
            .metrics
            .encode()
            .contains("ssh_resume_messages_stored_total{channel=\"view\"} 1")
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_answers_with_every_exit_status() {
    let dir = temp_dir("exec-status");
    let mailbox = MailboxSettings {
        rates: MessageRates { per_address: per_hour(3), global: per_hour(60) },
        ..Default::default()
    };
    let server = server_with(&dir.join("keys"), sqlite(&dir.join("data")), mailbox).await;
    let command = "message --reply-to jane@example.org --name Jane Doe";

    let (status, out, err) = status_of(&exec(server.addr, command, b"Hello\nthere\n").await);
    assert_eq!((status, err.as_str()), (Some(0), ""));
    assert!(out.starts_with("sent — thank you (message #") && out.lines().count() == 1, "{out}");

    for (command, stdin) in [
        ("message", &b"hi"[..]),
        ("message --name Jane", b"hi"),
        ("message --reply-to x --bcc y", b"hi"),
        (command, b""),
        (command, b" \n\t\n"),
    ] {
        let (status, out, err) = status_of(&exec(server.addr, command, stdin).await);
        assert_eq!((status, out.as_str()), (Some(2), ""), "{command} {stdin:?}: {err}");
        assert!(err.contains("usage:"), "{err}");
    }
    let oversized = "é".repeat(MAX_BODY + 1);
    let (status, _, err) = status_of(&exec(server.addr, command, oversized.as_bytes()).await);
    assert_eq!(status, Some(2), "{err}");
    assert!(err.contains("too long"), "{err}");
    let endless = vec![b'x'; 4 * 1024 * 1024];
    let (status, _, err) = status_of(&exec(server.addr, command, &endless).await);
    assert_eq!(status, Some(2), "an endless stdin is cut and refused: {err}");

    for text in ["two", "three"] {
        assert_eq!(exec(server.addr, command, text.as_bytes()).await.exit_status, Some(0));
    }
    let (status, out, err) = status_of(&exec(server.addr, command, b"four").await);
    assert_eq!((status, out.as_str()), (Some(75), ""));
    assert!(err.contains("too many messages from your address"), "{err}");
    assert_eq!(server.shared.service.mailbox.as_ref().unwrap().store().count().await.unwrap(), 3);
    server.stop().await;

    let broken = temp_dir("exec-unavailable");
    std::fs::write(broken.join("data"), b"a file where the data directory should be").unwrap();
    let server = server_with(&broken.join("keys"), sqlite(&broken.join("data")), unlimited()).await;
    let (status, _, err) = status_of(&exec(server.addr, command, b"hi").await);
    assert_eq!(status, Some(75));
    assert_eq!(err, "couldn't send right now — nothing was stored; please try again later\n");
    let mut reader = Visitor::connect(server.addr, Visit::no_pty(Some("text"))).await;
    reader.read_to_end().await;
    assert!(reader.stdout_text().contains("EXPERIENCE"), "the résumé is still served");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_global_hour_the_full_inbox_and_duplicates() {
    let dir = temp_dir("global-limit");
    let rates = MessageRates { per_address: per_hour(0), global: per_hour(2) };
    let server =
        server_with(&dir.join("keys"), sqlite(&dir.join("data")), MailboxSettings { rates, ..unlimited() })
            .await;
    let command = "message --reply-to a@example.org";
    for (index, source) in ["127.0.0.2", "127.0.0.3"].into_iter().enumerate() {
        let sent = exec_from(server.addr, ip(source), command, format!("text {index}").as_bytes()).await;
        assert_eq!(sent.exit_status, Some(0));
    }
    let (status, _, err) = status_of(&exec_from(server.addr, ip("127.0.0.4"), command, b"third").await);
    assert_eq!(status, Some(75));
    assert!(err.contains("too many messages right now"), "{err}");
    server.stop().await;

    let dir = temp_dir("full-inbox");
    let data = dir.join("data");
    let settings = MailboxSettings { max_stored: 2, ..unlimited() };
    let server = server_with(&dir.join("keys"), sqlite(&data), settings).await;
    let first = exec(server.addr, command, b"same text").await.stdout_text();
    let again = exec(server.addr, command, b"same text").await.stdout_text();
    assert_eq!(first, again, "the same text the same day is stored once, under the same id");
    assert_eq!(exec(server.addr, command, b"other text").await.exit_status, Some(0));
    let (status, _, err) = status_of(&exec(server.addr, command, b"one too many").await);
    assert_eq!(status, Some(75));
    assert!(err.contains("the inbox is full"), "{err}");
    let bodies: Vec<String> = inbox_json(&["--data-dir", data.to_str().unwrap()])
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(bodies, ["other text", "same text"], "nothing dropped to make room");
    let metrics = server.shared.service.metrics.encode();
    assert!(metrics.contains("ssh_resume_messages_refused_total{reason=\"inbox-full\"} 1"), "{metrics}");
    let stored = "ssh_resume_messages_stored_total{channel=\"exec\"} 2";
    assert!(metrics.contains(stored), "a duplicate is not counted as stored again: {metrics}");
    server.stop().await;
}

/// A store that never answers.
struct Hanging;

impl Store for Hanging {
    fn insert(&self, _: NewMessage, _: InsertLimits) -> StoreFuture<'_, i64> {
        Box::pin(std::future::pending())
    }
    fn list(&self, _: usize) -> StoreFuture<'_, Vec<Stored>> {
        Box::pin(std::future::pending())
    }
    fn get(&self, _: i64) -> StoreFuture<'_, Stored> {
        Box::pin(std::future::pending())
    }
    fn mark_read(&self, _: Which) -> StoreFuture<'_, u64> {
        Box::pin(std::future::pending())
    }
    fn delete(&self, _: i64) -> StoreFuture<'_, ()> {
        Box::pin(std::future::pending())
    }
    fn count(&self) -> StoreFuture<'_, u64> {
        Box::pin(std::future::pending())
    }
    fn unread(&self) -> StoreFuture<'_, u64> {
        Box::pin(std::future::pending())
    }
    fn describe(&self) -> String {
        "hanging".into()
    }
}

impl InsightsStore for Hanging {
    fn add_counts(&self, _: Vec<CountRow>) -> StoreFuture<'_, ()> {
        Box::pin(std::future::pending())
    }
    fn counts(&self, _: i64, _: i64) -> StoreFuture<'_, Vec<CountRow>> {
        Box::pin(std::future::pending())
    }
}

/// On paused time: the store never answers, and the visitor is told so exactly at the
/// bound, not a moment later.
#[tokio::test(start_paused = true)]
async fn a_visitor_waits_exactly_the_bound_for_a_store_that_never_answers() {
    let draft = Draft { name: String::new(), reply_to: "x@example.org".into(), body: "hi".into() };
    let timeout = Duration::from_millis(300);
    let (hanging, metrics) = mailbox(Arc::new(Hanging), MailboxSettings { timeout, ..unlimited() });
    let started = tokio::time::Instant::now();
    let sent = hanging.send(&draft, ip("192.0.2.1"), Channel::View).await;
    assert_eq!(sent, Err(SendError::Unavailable));
    assert_eq!(started.elapsed(), timeout, "the visitor waited the bound, no more");
    assert!(metrics.encode().contains("ssh_resume_messages_refused_total{reason=\"unavailable\"} 1"));
}

#[tokio::test]
async fn ipv6_senders_are_limited_per_64() {
    let draft =
        |body: &str| Draft { name: String::new(), reply_to: "x@example.org".into(), body: body.into() };
    let dir = temp_dir("per-64");
    let rates = MessageRates { per_address: per_hour(1), global: per_hour(0) };
    let (limited, _) = mailbox(sqlite(&dir.join("data")), MailboxSettings { rates, ..unlimited() });
    let send = |from: &'static str, body: &'static str| {
        let limited = &limited;
        async move { limited.send(&draft(body), ip(from), Channel::Exec).await }
    };
    assert!(send("2001:db8::1", "one").await.is_ok());
    assert_eq!(send("2001:db8::ffff", "two").await, Err(SendError::RateLimited { per_address: true }));
    assert!(send("2001:db8:0:1::1", "three").await.is_ok(), "another /64");
    assert!(send("::ffff:192.0.2.9", "four").await.is_ok());
    assert_eq!(
        send("192.0.2.9", "five").await,
        Err(SendError::RateLimited { per_address: true }),
        "mapped = v4"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controls_escapes_and_bidi_overrides_never_reach_the_inbox_output() {
    let dir = temp_dir("hostile");
    let data = dir.join("data");
    let server = server_with(&dir.join("keys"), sqlite(&data), unlimited()).await;
    let command =
        "message --reply-to 'ev\x1b[31mil@example.org\u{202E}' --name 'Mal\x07lo\u{2066}ry\x1b]0;t\x07'";
    let body = "\x1b]0;pwned\x07\x1b[2J\u{9b}31m red \u{202D}bidi\u{2069}\r\nline\x00two\x7f";
    let sent = exec(server.addr, command, body.as_bytes()).await;
    assert_eq!(sent.exit_status, Some(0), "{}", String::from_utf8_lossy(&sent.stderr));
    let dir_arg = data.to_str().unwrap();
    let (_, table, _) = inbox(&["--data-dir", dir_arg]);
    let (_, shown, _) = inbox(&["--data-dir", dir_arg, "show", "1"]);
    let (_, json, _) = inbox(&["--data-dir", dir_arg, "--json"]);
    for out in [&table, &shown, &json] {
        for bad in ['\x1b', '\u{9b}', '\x07', '\x00', '\x7f', '\u{202E}', '\u{202D}', '\u{2066}', '\u{2069}']
        {
            assert!(!out.contains(bad), "{bad:?} in {out:?}");
        }
    }
    assert!(shown.contains("evil@example.org") || shown.contains("ev[31mil@example.org"), "{shown}");
    assert!(shown.contains("line"), "{shown}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_senders_store_exactly_a_hundred() {
    let dir = temp_dir("hundred");
    let data = dir.join("data");
    let server = server_with(&dir.join("keys"), sqlite(&data), unlimited()).await;
    let addr = server.addr;
    let senders: Vec<_> = (0..100)
        .map(|index| {
            tokio::spawn(async move {
                let text = format!("message number {index}");
                exec(addr, "message --reply-to crowd@example.org", text.as_bytes()).await.exit_status
            })
        })
        .collect();
    for sender in senders {
        assert_eq!(sender.await.unwrap(), Some(0));
    }
    let messages = inbox_json(&["--data-dir", data.to_str().unwrap()]);
    assert_eq!(messages.len(), 100);
    let mut ids: Vec<i64> = messages.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 100);
    server.stop().await;
}

#[test]
fn the_owner_marks_read_and_deletes() {
    let dir = temp_dir("inbox-actions");
    let data = dir.join("data");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (mailbox, _) = mailbox(sqlite(&data), unlimited());
        for body in ["first", "second"] {
            let draft = Draft { name: "Ann".into(), reply_to: "ann@example.org".into(), body: body.into() };
            mailbox.send(&draft, ip("192.0.2.1"), Channel::Web).await.unwrap();
        }
    });
    let dir_arg = data.to_str().unwrap();
    let (code, table, _) = inbox(&["--data-dir", dir_arg]);
    assert_eq!(code, 0);
    assert!(table.find("second").unwrap() < table.find("first").unwrap(), "newest first:\n{table}");
    assert_eq!(table.matches("unread").count(), 2, "{table}");
    assert_eq!(inbox(&["--data-dir", dir_arg, "mark-read", "1"]).1, "marked 1 message read\n");
    assert_eq!(inbox(&["--data-dir", dir_arg, "mark-read", "--all"]).1, "marked 1 message read\n");
    assert_eq!(inbox(&["--data-dir", dir_arg, "delete", "2"]).1, "deleted message 2\n");
    let (code, _, err) = inbox(&["--data-dir", dir_arg, "show", "2"]);
    assert_eq!(code, 1);
    assert!(err.contains("no message with id 2"), "{err}");
    let left = inbox_json(&["--data-dir", dir_arg]);
    assert_eq!((left.len(), left[0]["read"].as_bool()), (1, Some(true)));
}
