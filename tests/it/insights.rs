//! Visit insights end to end: the counts stored after a flush equal the visits a test
//! made — interactive ones with section changes and a search, exec commands and deep
//! links, a message, web page requests — exactly; and nothing in the store holds the
//! visitors' addresses or the user name they logged in with.

use crate::common;

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::common::http;
use crate::common::messages::{exec_from, server_with_insights, sqlite};
use crate::common::{TestServer, Visit, Visitor, temp_dir};
use ssh_resume::store::SQLITE_FILE;
use ssh_resume::web::WebSettings;

fn from(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

/// Opens the view, shows Experience (3), finds "rust", quits.
async fn reader(server: &TestServer) {
    let mut visitor = Visitor::connect_from(server.addr, from(2), Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer focused").await;
    visitor.send(b"3").await;
    visitor.wait_for_text("Together.ai").await;
    visitor.send(b"/rust\r").await;
    visitor.wait_for_text("/rust ").await;
    visitor.send(b"q").await;
    visitor.read_to_end().await;
}

/// On a phone-sized terminal, straight into Experience by its name, then quits.
async fn deep_link_reader(server: &TestServer) {
    let visit = Visit { command: Some("experience"), ..Visit::terminal(40, 20) };
    let mut visitor = Visitor::connect_from(server.addr, from(3), visit).await;
    visitor.wait_for_text("Together.ai").await;
    visitor.send(b"q").await;
    visitor.read_to_end().await;
}

/// (dimension, label) → count, summed over hours.
async fn stored(server: &TestServer) -> BTreeMap<(String, String), i64> {
    let insights = &server.shared.service.insights;
    insights.flush().await.unwrap();
    let rows = insights.counts(0, i64::MAX).await.unwrap();
    let mut sums = BTreeMap::new();
    for row in rows {
        *sums.entry((row.dimension, row.label)).or_default() += row.count;
    }
    sums
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_counts_equal_the_visits_made_and_hold_no_address() {
    let dir = temp_dir("insights-e2e");
    let data = dir.join("data");
    let server = server_with_insights(&dir.join("keys"), sqlite(&data)).await;
    let web = server.start_web(WebSettings::default()).await;
    reader(&server).await;
    deep_link_reader(&server).await;
    assert_eq!(exec_from(server.addr, from(2), "json", b"").await.exit_status, Some(0));
    assert_eq!(exec_from(server.addr, from(4), "experience", b"").await.exit_status, Some(0));
    let sent = exec_from(server.addr, from(4), "message --reply-to reader@example.org", b"Hello").await;
    assert_eq!(sent.exit_status, Some(0));
    for path in ["/", "/", "/resume.json"] {
        assert_eq!(http::get(web, path, &[("Accept", "text/html")]).await.status, 200);
    }
    server.wait_until_no_connections().await;

    let counts = stored(&server).await;
    let time: i64 = counts.iter().filter(|((d, _), _)| d == "time").map(|(_, n)| n).sum();
    let expected: BTreeMap<(String, String), i64> = [
        ("visit", "interactive", 2),
        ("visit", "exec", 3),
        ("visit", "web", 2),
        ("visitors", "new", 4), // 127.0.0.2, .3 and .4 over SSH, .1 on the web
        ("section", "about", 1),
        ("section", "experience", 3),
        ("command", "shell", 1),
        ("command", "section", 2),
        ("command", "json", 1),
        ("command", "message", 1),
        ("deep-link", "experience", 2),
        ("end", "quit", 2),
        ("end", "done", 3),
        ("client", "other", 5), // russh's client
        ("size", "standard", 1),
        ("size", "phone", 1),
        ("colour", "256", 2),
        ("search", "made", 1),
        ("message", "exec", 1),
    ]
    .into_iter()
    .map(|(d, l, n)| ((d.to_owned(), l.to_owned()), n))
    .collect();
    let without_time: BTreeMap<_, _> = counts.into_iter().filter(|((d, _), _)| d != "time").collect();
    assert_eq!(without_time, expected);
    assert_eq!(time, 2, "time spent is recorded for interactive visits");

    let mut bytes = Vec::new();
    for file in [SQLITE_FILE.to_owned(), format!("{SQLITE_FILE}-wal")] {
        bytes.extend(std::fs::read(data.join(file)).unwrap_or_default());
    }
    // The harness logs in as `visitor`; the dimension `visitors` is ours.
    let text = String::from_utf8_lossy(&bytes).replace("visitors", "");
    for secret in ["127.0.0", "visitor"] {
        assert!(!text.contains(secret), "the store holds {secret:?}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_insights_nothing_is_counted() {
    let dir = temp_dir("insights-off");
    let store = sqlite(&dir.join("data"));
    let server = common::messages::server_with(&dir.join("keys"), store.clone(), Default::default()).await;
    assert_eq!(exec_from(server.addr, from(2), "json", b"").await.exit_status, Some(0));
    server.wait_until_no_connections().await;
    assert_eq!(server.shared.service.insights.flush().await.unwrap(), 0);
    assert!(store.counts(0, i64::MAX).await.unwrap().is_empty());
    server.stop().await;
}
