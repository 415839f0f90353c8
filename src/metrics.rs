//! What the server counts, in the Prometheus text format (via `prometheus-client`): the
//! SSH side and, under `http_`, the web view.
//!
//! Every label value comes from a fixed set the server defines (end reasons, refusal
//! reasons, the résumé's section slugs, known exec command names plus `other`, the web
//! view's routes and status codes plus `other`), so no visitor can create a new time
//! series.

use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

type Labels = [(&'static str, &'static str); 1];
type RouteStatus = [(&'static str, &'static str); 2];
type FileDoor = [(&'static str, &'static str); 2];
type Histograms = Family<Labels, Histogram, fn() -> Histogram>;

/// Exec commands counted by name; anything else counts as `other`.
pub const KNOWN_COMMANDS: [&str; 10] =
    ["shell", "text", "markdown", "json", "help", "section", "message", "pdf", "scp", "sftp"];

/// The web view's status codes, counted by number; any other counts as `other`.
fn status_label(status: u16) -> &'static str {
    match status {
        200 => "200",
        304 => "304",
        400 => "400",
        404 => "404",
        405 => "405",
        408 => "408",
        429 => "429",
        431 => "431",
        500 => "500",
        503 => "503",
        _ => "other",
    }
}

/// The server's metrics; one instance shared by every connection.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    pub sessions_active: Gauge,
    pub sessions_started: Counter,
    sessions_ended: Family<Labels, Counter>,
    refused: Family<Labels, Counter>,
    /// Load balancer health checks (PROXY v2 `LOCAL`) answered.
    pub proxy_probes: Counter,
    pub handshake: Histogram,
    pub first_frame: Histogram,
    pub frame_render: Histogram,
    pub session_duration: Histogram,
    pub bytes_sent: Counter,
    section_views: Family<Labels, Counter>,
    exec_commands: Family<Labels, Counter>,
    http_requests: Family<RouteStatus, Counter>,
    http_duration: Histograms,
    http_refused: Family<Labels, Counter>,
    pub http_connections_active: Gauge,
    messages_stored: Family<Labels, Counter>,
    messages_refused: Family<Labels, Counter>,
    downloads: Family<FileDoor, Counter>,
    /// Webhook notifications delivered, given up on, and dropped with a full queue.
    pub notifications_sent: Counter,
    pub notifications_failed: Counter,
    pub notifications_dropped: Counter,
    /// Time to store a message durably, from the visitor's send to the commit.
    message_store: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn latency_histogram() -> Histogram {
    // 50 µs to ~1.6 s
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

/// Registers `metric` under `name` (prefixed `ssh_resume_`) with its help text, and
/// gives it back for the struct that keeps it: each metric is named once.
fn add<M>(registry: &mut Registry, name: &str, help: &str, metric: M) -> M
where
    M: prometheus_client::registry::Metric + Clone,
{
    registry.register(name, help, metric.clone());
    metric
}

impl Metrics {
    pub fn new() -> Self {
        let r = &mut Registry::with_prefix("ssh_resume");
        let session_buckets = [1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0];
        let metrics = Self {
            sessions_active: add(r, "sessions_active", "Connections open now", Gauge::default()),
            sessions_started: add(r, "sessions_started", "Connections admitted", Counter::default()),
            sessions_ended: add(r, "sessions_ended", "Connections closed, by reason", Family::default()),
            refused: add(
                r,
                "connections_refused",
                "Connections refused before the handshake",
                Family::default(),
            ),
            proxy_probes: add(
                r,
                "proxy_probes",
                "Load balancer health checks (PROXY v2 LOCAL) answered",
                Counter::default(),
            ),
            handshake: add(
                r,
                "handshake_seconds",
                "TCP accept to the shell or exec request",
                latency_histogram(),
            ),
            first_frame: add(
                r,
                "first_frame_seconds",
                "TCP accept to the first frame sent",
                latency_histogram(),
            ),
            frame_render: add(
                r,
                "frame_render_seconds",
                "Drawing and encoding one frame",
                latency_histogram(),
            ),
            session_duration: add(
                r,
                "session_duration_seconds",
                "TCP accept to close",
                Histogram::new(session_buckets),
            ),
            bytes_sent: add(r, "sent_bytes", "Bytes written to visitors' channels", Counter::default()),
            section_views: add(r, "section_views", "Times a section was opened", Family::default()),
            exec_commands: add(r, "exec_commands", "Shell and exec requests, by command", Family::default()),
            http_requests: add(r, "http_requests", "Web requests, by route and status", Family::default()),
            http_duration: add(
                r,
                "http_request_duration_seconds",
                "Web request to response head, by route",
                Family::new_with_constructor(latency_histogram as fn() -> Histogram),
            ),
            http_refused: add(
                r,
                "http_refused",
                "Web connections and proxied requests refused by the limits",
                Family::default(),
            ),
            http_connections_active: add(
                r,
                "http_connections_active",
                "Web connections open now",
                Gauge::default(),
            ),
            messages_stored: add(
                r,
                "messages_stored",
                "Messages to the owner stored, by channel",
                Family::default(),
            ),
            messages_refused: add(r, "messages_refused", "Messages not stored, by reason", Family::default()),
            downloads: add(r, "downloads", "Files taken away whole, by file and door", Family::default()),
            notifications_sent: add(
                r,
                "notifications_sent",
                "Webhook notifications delivered",
                Counter::default(),
            ),
            notifications_failed: add(
                r,
                "notifications_failed",
                "Webhook notifications given up on after every retry",
                Counter::default(),
            ),
            notifications_dropped: add(
                r,
                "notifications_dropped",
                "Webhook notifications dropped because the queue was full",
                Counter::default(),
            ),
            message_store: add(
                r,
                "message_store_seconds",
                "Visitor's send to durable commit",
                latency_histogram(),
            ),
            registry: Registry::default(),
        };
        Self { registry: std::mem::take(r), ..metrics }
    }

    /// `channel` is one of the message channels (`view`, `exec`, `web`); `took` is the
    /// time from the visitor's send to the commit.
    pub fn message_stored(&self, channel: &'static str, took: Duration) {
        self.messages_stored.get_or_create(&[("channel", channel)]).inc();
        self.message_store.observe(took.as_secs_f64());
    }

    /// `count` downloads of `file` (`pdf`, `json`…) through `door` (`ssh`, `scp`,
    /// `sftp`, `web`): both from fixed sets.
    pub fn downloaded(&self, file: &'static str, door: &'static str, count: u64) {
        self.downloads.get_or_create(&[("file", file), ("door", door)]).inc_by(count);
    }

    /// `reason` comes from the fixed set of refusal reasons.
    pub fn message_refused(&self, reason: &'static str) {
        self.messages_refused.get_or_create(&[("reason", reason)]).inc();
    }

    pub fn session_ended(&self, reason: &'static str, duration: Duration) {
        self.sessions_ended.get_or_create(&[("reason", reason)]).inc();
        self.session_duration.observe(duration.as_secs_f64());
        self.sessions_active.dec();
    }

    pub fn refused(&self, reason: &'static str) {
        self.refused.get_or_create(&[("reason", reason)]).inc();
    }

    /// `slug` comes from the résumé's fixed set of sections.
    pub fn section_viewed(&self, slug: &'static str) {
        self.section_views.get_or_create(&[("section", slug)]).inc();
    }

    /// Counts a shell or exec request; unknown names count as `other`.
    pub fn exec_command(&self, name: &str) {
        let label = KNOWN_COMMANDS.iter().find(|known| **known == name).copied().unwrap_or("other");
        self.exec_commands.get_or_create(&[("command", label)]).inc();
    }

    /// Counts a web request; `route` comes from the web view's fixed set.
    pub fn http_request(&self, route: &'static str, status: u16, duration: Duration) {
        let labels = [("route", route), ("status", status_label(status))];
        self.http_requests.get_or_create(&labels).inc();
        self.http_duration.get_or_create(&[("route", route)]).observe(duration.as_secs_f64());
    }

    pub fn http_refused(&self, reason: &'static str) {
        self.http_refused.get_or_create(&[("reason", reason)]).inc();
    }

    /// The text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(4096);
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_names_every_metric_and_label() {
        let metrics = Metrics::new();
        metrics.sessions_started.inc();
        metrics.sessions_active.inc();
        metrics.session_ended("quit", Duration::from_secs(3));
        metrics.refused("max-per-ip");
        metrics.proxy_probes.inc();
        metrics.section_viewed("experience");
        metrics.exec_command("json");
        metrics.exec_command("$(rm -rf /)");
        metrics.first_frame.observe(0.001);
        metrics.http_request("/", 200, Duration::from_millis(2));
        metrics.http_request("other", 418, Duration::from_millis(1));
        metrics.http_refused("rate-per-ip");
        metrics.message_stored("view", Duration::from_millis(4));
        metrics.message_refused("inbox-full");
        metrics.notifications_failed.inc();
        metrics.downloaded("pdf", "sftp", 2);
        let text = metrics.encode();
        for expected in [
            "ssh_resume_sessions_active 0",
            "ssh_resume_sessions_started_total 1",
            "ssh_resume_sessions_ended_total{reason=\"quit\"} 1",
            "ssh_resume_connections_refused_total{reason=\"max-per-ip\"} 1",
            "ssh_resume_proxy_probes_total 1",
            "ssh_resume_section_views_total{section=\"experience\"} 1",
            "ssh_resume_exec_commands_total{command=\"json\"} 1",
            "ssh_resume_exec_commands_total{command=\"other\"} 1",
            "ssh_resume_first_frame_seconds_count 1",
            "ssh_resume_http_requests_total{route=\"/\",status=\"200\"} 1",
            "ssh_resume_http_requests_total{route=\"other\",status=\"other\"} 1",
            "ssh_resume_http_request_duration_seconds_count{route=\"/\"} 1",
            "ssh_resume_http_refused_total{reason=\"rate-per-ip\"} 1",
            "ssh_resume_messages_stored_total{channel=\"view\"} 1",
            "ssh_resume_messages_refused_total{reason=\"inbox-full\"} 1",
            "ssh_resume_notifications_failed_total 1",
            "ssh_resume_downloads_total{file=\"pdf\",door=\"sftp\"} 2",
        ] {
            assert!(text.contains(expected), "missing {expected} in\n{text}");
        }
        assert!(!text.contains("rm -rf"));
    }
}
