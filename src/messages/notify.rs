//! Tells the owner about each new message (`--notify-webhook URL`): a background task
//! posts it (id, time, channel, name, reply-to and a 200-character preview) as JSON, as
//! a Slack-compatible `{"text": …}`, or as an ntfy message, retrying with exponential
//! back-off. Messages reach it through a bounded queue with `try_send` after they are
//! stored, so the webhook never delays a visitor and never decides whether a message is
//! kept; a full queue drops the notification (the message stays in the store) and
//! counts it. HTTP is `reqwest` with rustls (the AWS-LC provider that russh already
//! brings) and the platform's certificate store.

use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use crate::metrics::Metrics;
use crate::store::NewMessage;

/// Notifications waiting to be posted; beyond it they are dropped and counted.
pub const QUEUE: usize = 256;

/// Characters of the message in a notification.
pub const PREVIEW_CHARS: usize = 200;

/// `--notify-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NotifyFormat {
    /// `{"id", "received", "channel", "name", "reply_to", "preview"}`.
    Json,
    /// `{"text": "…"}` for Slack, Mattermost, Discord's Slack endpoint and the like.
    Slack,
    /// Plain text with a `Title` header, for an ntfy topic URL.
    Ntfy,
}

/// Where and how to post.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifySettings {
    pub url: String,
    pub format: NotifyFormat,
    /// Posts tried per notification before it is given up on.
    pub attempts: u32,
    /// The wait after the first failure; it doubles up to `max_backoff`.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// Longest one post may take.
    pub request_timeout: Duration,
}

impl NotifySettings {
    pub fn new(url: String, format: NotifyFormat) -> Self {
        Self {
            url,
            format,
            attempts: 8,
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(300),
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// What the notifier counts (shared with the metrics registry).
#[derive(Debug, Clone, Default)]
pub struct NotifyCounters {
    pub sent: Counter,
    pub failed: Counter,
    pub dropped: Counter,
}

impl NotifyCounters {
    /// The counters the metrics registry exposes.
    pub fn of(metrics: &Metrics) -> Self {
        Self {
            sent: metrics.notifications_sent.clone(),
            failed: metrics.notifications_failed.clone(),
            dropped: metrics.notifications_dropped.clone(),
        }
    }
}

/// One notification: what the owner is told.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Notice {
    id: i64,
    received_ms: i64,
    channel: &'static str,
    name: Option<String>,
    reply_to: String,
    preview: String,
}

/// The queue to the background task.
#[derive(Debug, Clone)]
pub struct Notifier {
    queue: mpsc::Sender<Notice>,
    dropped: Counter,
}

impl Notifier {
    /// Starts the task that posts notifications until `shutdown`.
    pub fn start(settings: NotifySettings, counters: NotifyCounters, shutdown: CancellationToken) -> Self {
        let (queue, notices) = mpsc::channel(QUEUE);
        let dropped = counters.dropped.clone();
        tokio::spawn(post_all(settings, counters, notices, shutdown));
        Self { queue, dropped }
    }

    /// Queues a notification about stored message `id`; never waits.
    pub fn notify(&self, id: i64, new: &NewMessage) {
        let notice = Notice {
            id,
            received_ms: new.received_ms,
            channel: new.channel.as_str(),
            name: new.message.name.clone(),
            reply_to: new.message.reply_to.clone(),
            preview: new.message.body.chars().take(PREVIEW_CHARS).collect(),
        };
        if self.queue.try_send(notice).is_err() {
            self.dropped.inc();
            warn!(id, "the notification queue is full; this message's notification was dropped");
        }
    }
}

async fn post_all(
    settings: NotifySettings,
    counters: NotifyCounters,
    mut notices: mpsc::Receiver<Notice>,
    shutdown: CancellationToken,
) {
    let client = match reqwest::Client::builder().timeout(settings.request_timeout).build() {
        Ok(client) => client,
        Err(err) => return warn!(error = %err, "cannot build the webhook client; notifications are off"),
    };
    loop {
        let notice = tokio::select! {
            _ = shutdown.cancelled() => return,
            notice = notices.recv() => match notice { Some(notice) => notice, None => return },
        };
        tokio::select! {
            _ = shutdown.cancelled() => return,
            delivered = deliver(&client, &settings, &notice) => {
                if delivered {
                    counters.sent.inc();
                } else {
                    counters.failed.inc();
                }
            }
        }
    }
}

/// Posts `notice` until it is accepted or the attempts are used up.
async fn deliver(client: &reqwest::Client, settings: &NotifySettings, notice: &Notice) -> bool {
    let mut backoff = settings.first_backoff;
    for attempt in 1..=settings.attempts.max(1) {
        match post(client, settings, notice).await {
            Ok(()) => {
                info!(id = notice.id, attempt, "notification sent");
                return true;
            }
            Err(why) => debug!(id = notice.id, attempt, why = %why, "notification not accepted"),
        }
        if attempt < settings.attempts {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(settings.max_backoff);
        }
    }
    warn!(
        id = notice.id,
        attempts = settings.attempts,
        "gave up on a notification; the message is in the store"
    );
    false
}

/// Why one post of a notification failed.
#[derive(Debug, thiserror::Error)]
enum PostError {
    #[error(transparent)]
    Request(#[from] reqwest::Error),
    #[error("status {0}")]
    Status(reqwest::StatusCode),
}

async fn post(client: &reqwest::Client, settings: &NotifySettings, notice: &Notice) -> Result<(), PostError> {
    let request = client.post(&settings.url);
    let request = match settings.format {
        NotifyFormat::Json => {
            request.header("Content-Type", "application/json").body(json_body(notice).to_string())
        }
        NotifyFormat::Slack => request
            .header("Content-Type", "application/json")
            .body(json!({ "text": text(notice) }).to_string()),
        NotifyFormat::Ntfy => {
            request.header("Title", format!("New message #{}", notice.id)).body(text(notice))
        }
    };
    let status = request.send().await?.status();
    if status.is_success() { Ok(()) } else { Err(PostError::Status(status)) }
}

fn json_body(notice: &Notice) -> serde_json::Value {
    json!({
        "id": notice.id,
        "received": utc(notice.received_ms),
        "channel": notice.channel,
        "name": notice.name,
        "reply_to": notice.reply_to,
        "preview": notice.preview,
    })
}

/// The notice as a few lines of text.
fn text(notice: &Notice) -> String {
    let from = notice.name.as_deref().unwrap_or("someone");
    format!("New message #{} from {from} (reply to {}):\n{}", notice.id, notice.reply_to, notice.preview)
}

/// RFC 3339 in UTC.
fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> Notice {
        Notice {
            id: 7,
            received_ms: 1_767_225_600_000,
            channel: "view",
            name: Some("Jane".into()),
            reply_to: "jane@example.org".into(),
            preview: "Hello".into(),
        }
    }

    #[test]
    fn bodies_carry_the_id_time_contact_and_preview() {
        let body = json_body(&notice());
        assert_eq!(body["id"], 7);
        assert_eq!(body["received"], "2026-01-01T00:00:00Z");
        assert_eq!(body["reply_to"], "jane@example.org");
        assert_eq!(text(&notice()), "New message #7 from Jane (reply to jane@example.org):\nHello");
    }
}
