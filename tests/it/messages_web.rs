//! The web door's "Write to me" form (`--web-messages`): the page carries a plain form
//! and allows posting it to itself only then; `POST /message` stores through the same
//! mailbox and limits (by the address a trusted proxy names), answers with a plain
//! page, and fills of the honeypot store nothing.

use crate::common::http::{get, send};
use crate::common::messages::{inbox_json, per_hour, server_with, sqlite, unlimited};
use crate::common::{LIVENESS, temp_dir};
use ssh_resume::messages::limits::MessageRates;
use ssh_resume::messages::mailbox::MailboxSettings;
use ssh_resume::web::WebSettings;
use ssh_resume::web::routes::{CSP, CSP_WITH_FORM, MAX_FORM_BYTES};

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

async fn post(addr: std::net::SocketAddr, body: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let response = send(addr, "POST", "/message", headers, body.as_bytes(), LIVENESS).await;
    (response.status, String::from_utf8_lossy(&response.decoded()).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_form_posts_a_message_with_the_same_limits() {
    let dir = temp_dir("web-form");
    let data = dir.join("data");
    let rates = MessageRates { per_address: per_hour(2), global: per_hour(0) };
    let server =
        server_with(&dir.join("keys"), sqlite(&data), MailboxSettings { rates, ..unlimited() }).await;
    let web = server.start_web(WebSettings { messages: true, ..WebSettings::default() }).await;

    let page = get(web, "/", &[("Accept", "text/html")]).await;
    assert_eq!(page.header("content-security-policy"), Some(CSP_WITH_FORM));
    let html = String::from_utf8_lossy(&page.decoded()).into_owned();
    assert!(html.contains("<form method=\"post\" action=\"/message\">") && html.contains("name=\"website\""));
    assert!(!html.contains("<script"), "no script");

    let (status, body) =
        post(web, "name=Web+Visitor&reply_to=web%40example.org&body=Hello+%1B%5B2Jweb&website=", &[FORM])
            .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Sent — thank you"), "{body}");
    let (status, body) =
        post(web, "reply_to=bot%40example.org&body=spam&website=http%3A%2F%2Fspam", &[FORM]).await;
    assert_eq!((status, body.contains("Sent")), (200, true), "a bot sees success");
    let (status, body) = post(web, "name=x&body=no+contact", &[FORM]).await;
    assert_eq!(status, 400);
    assert!(body.contains("say how to reach you"), "{body}");
    let (status, _) = post(web, "reply_to=a&body=b", &[("Content-Type", "text/plain")]).await;
    assert_eq!(status, 415);
    let huge = format!("reply_to=a&body={}", "x".repeat(MAX_FORM_BYTES));
    assert_eq!(post(web, &huge, &[FORM]).await.0, 413);

    let forwarded = [FORM, ("X-Forwarded-For", "198.51.100.7")];
    assert_eq!(post(web, "reply_to=p%40x.org&body=via+proxy+1", &forwarded).await.0, 200);
    assert_eq!(post(web, "reply_to=p%40x.org&body=via+proxy+2", &forwarded).await.0, 200);
    let (status, body) = post(web, "reply_to=p%40x.org&body=via+proxy+3", &forwarded).await;
    assert_eq!(status, 429, "the proxied visitor's own limit: {body}");
    assert!(body.contains("too many messages from your address"), "{body}");

    let stored = inbox_json(&["--data-dir", data.to_str().unwrap()]);
    let bodies: Vec<&str> = stored.iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["via proxy 2", "via proxy 1", "Hello [2Jweb"], "the honeypot stored nothing");
    assert!(stored.iter().all(|m| m["channel"] == "web"));
    let metrics = server.shared.service.metrics.encode();
    assert!(metrics.contains("ssh_resume_messages_refused_total{reason=\"honeypot\"} 1"), "{metrics}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_web_messages_there_is_no_form_and_no_post() {
    let dir = temp_dir("web-no-form");
    let server = server_with(&dir.join("keys"), sqlite(&dir.join("data")), unlimited()).await;
    let web = server.start_web(WebSettings::default()).await;
    let page = get(web, "/", &[("Accept", "text/html")]).await;
    assert_eq!(page.header("content-security-policy"), Some(CSP));
    assert!(!String::from_utf8_lossy(&page.decoded()).contains("<form"));
    let (status, _) = post(web, "reply_to=a&body=b", &[FORM]).await;
    assert!(status == 404 || status == 405, "{status}");
    server.stop().await;
}
