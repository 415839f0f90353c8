//! The owner's webhook: a receiver on loopback that fails the first posts sees the
//! notification retried with back-off until it answers; one that never accepts is
//! given up on and counted; neither delays the visitor nor touches the stored message.

use crate::common;

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::messages::{mailbox_notifying, sqlite, unlimited};
use crate::common::temp_dir;
use ssh_resume::messages::mailbox::Mailbox;
use ssh_resume::messages::notify::{Notifier, NotifyCounters, NotifyFormat, NotifySettings};
use ssh_resume::messages::{Channel, Draft};
use ssh_resume::metrics::Metrics;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// A receiver answering 500 to the first `failures` posts and 200 after; the bodies.
async fn receiver(failures: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = read_request(&mut socket).await;
            let count = {
                let mut seen = seen.lock().unwrap();
                seen.push(body);
                seen.len()
            };
            let status = if count <= failures { "500 Internal Server Error" } else { "200 OK" };
            let answer = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    (url, bodies)
}

/// One request's body.
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&raw).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return body.to_owned();
            }
        }
    }
    String::new()
}

fn settings(url: String, attempts: u32) -> NotifySettings {
    NotifySettings {
        attempts,
        first_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        ..NotifySettings::new(url, NotifyFormat::Json)
    }
}

async fn send(mailbox: &Mailbox, body: &str) -> Duration {
    let draft = Draft { name: "Nia".into(), reply_to: "nia@example.org".into(), body: body.into() };
    let started = Instant::now();
    mailbox.send(&draft, IpAddr::from([192, 0, 2, 1]), Channel::Web).await.unwrap();
    started.elapsed()
}

/// A mailbox that tells the webhook at `url`, giving up after `attempts`.
fn notifying(dir: &std::path::Path, url: String, attempts: u32) -> (Mailbox, Arc<Metrics>) {
    mailbox_notifying(sqlite(&dir.join("data")), unlimited(), |metrics| {
        Some(Notifier::start(settings(url, attempts), NotifyCounters::of(metrics), CancellationToken::new()))
    })
}

async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + common::LIVENESS;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_is_retried_until_the_receiver_answers() {
    let dir = temp_dir("notify-retry");
    let (url, bodies) = receiver(2).await;
    let (mailbox, metrics) = notifying(&dir, url, 8);
    let long = "word ".repeat(100);
    send(&mailbox, &long).await;
    until("three posts", || bodies.lock().unwrap().len() == 3).await;
    until("the sent count", || metrics.encode().contains("ssh_resume_notifications_sent_total 1")).await;
    let last: serde_json::Value = serde_json::from_str(&bodies.lock().unwrap()[2]).unwrap();
    assert_eq!((last["id"].as_i64(), last["reply_to"].as_str()), (Some(1), Some("nia@example.org")));
    assert_eq!(last["preview"].as_str().unwrap().chars().count(), 200);
    assert!(last["received"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_webhook_is_given_up_on_without_delaying_anyone() {
    let dir = temp_dir("notify-fail");
    let (url, bodies) = receiver(usize::MAX).await;
    let (mailbox, metrics) = notifying(&dir, url, 3);
    let waited = send(&mailbox, "hello").await;
    assert!(waited < Duration::from_millis(500), "the visitor waited {waited:?}");
    until("the failed count", || metrics.encode().contains("ssh_resume_notifications_failed_total 1")).await;
    assert_eq!(bodies.lock().unwrap().len(), 3);
    assert_eq!(mailbox.store().count().await.unwrap(), 1, "the message is safe whatever the webhook does");
}
