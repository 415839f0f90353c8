//! The one place an event is recorded: a door says what happened ([`Event`]) once, and
//! [`Recorder::record`] counts it everywhere it is counted — the Prometheus metrics
//! always, the visit insights where they keep that figure too. So a visit's end, a
//! stored message or an exec command is never written twice at a call site, and the
//! two can never disagree. Counter increments only: no I/O, no await.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::admission::privacy::Redactor;
use crate::downloads::files::{Door, FileName};
use crate::insights::{Insights, Visit};
use crate::metrics::Metrics;

/// Something a door reports.
#[derive(Debug)]
pub enum Event<'a> {
    /// A visit began what it asked for; `visit` holds its fixed command name.
    Started { visit: &'a Visit },
    /// A connection ended for `reason` after `duration`.
    ConnectionEnded { reason: &'static str, duration: Duration },
    /// A visit on it ended (one per session channel that got as far as a shell, exec or
    /// subsystem request), counted in the insights under `source`.
    VisitEnded { visit: &'a Visit, source: IpAddr },
    /// A web page was answered, counted as a visit from `source` (the client a trusted
    /// proxy names).
    WebVisit { visit: &'a Visit, source: IpAddr },
    /// A message was stored durably through `channel`, `took` after the visitor's send.
    MessageStored { channel: &'static str, took: Duration },
    /// A message was not stored, for a reason from the fixed set.
    MessageRefused { reason: &'static str },
    /// `count` whole copies of `file` were taken through `door`.
    Downloaded { file: FileName, door: Door, count: u64 },
}

/// Counts events in the metrics and the insights.
#[derive(Debug)]
pub struct Recorder {
    pub metrics: Arc<Metrics>,
    pub insights: Arc<Insights>,
    /// Tells visitors apart for the insights (a keyed daily hash, never the address).
    pub redactor: Arc<Redactor>,
}

impl Recorder {
    pub fn record(&self, event: Event<'_>) {
        match event {
            Event::Started { visit } => {
                if let Some(command) = visit.command {
                    self.metrics.exec_command(command);
                }
            }
            Event::ConnectionEnded { reason, duration } => self.metrics.session_ended(reason, duration),
            Event::VisitEnded { visit, source } | Event::WebVisit { visit, source } => {
                self.insights.record(visit, source, &self.redactor);
            }
            Event::MessageStored { channel, took } => {
                self.metrics.message_stored(channel, took);
                self.insights.message(channel);
            }
            Event::MessageRefused { reason } => self.metrics.message_refused(reason),
            Event::Downloaded { file, door, count } => {
                self.metrics.downloaded(file.label(), door.as_str(), count);
                self.insights.downloaded(file.label(), door.as_str(), count);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::privacy::PeerLogging;

    fn recorder() -> Recorder {
        Recorder {
            metrics: Arc::new(Metrics::new()),
            insights: Arc::new(Insights::off()),
            redactor: Arc::new(Redactor::new(PeerLogging::Hashed)),
        }
    }

    #[test]
    fn a_stored_message_is_counted_once_with_its_latency() {
        let recorder = recorder();
        recorder.record(Event::MessageStored { channel: "view", took: Duration::from_millis(3) });
        let text = recorder.metrics.encode();
        assert!(text.contains("ssh_resume_messages_stored_total{channel=\"view\"} 1"), "{text}");
        assert!(text.contains("ssh_resume_message_store_seconds_count 1"), "{text}");
    }

    #[test]
    fn a_visit_counts_its_command_when_it_starts_and_its_end_when_it_ends() {
        let recorder = recorder();
        let visit = Visit { command: Some("json"), ..Visit::default() };
        recorder.record(Event::Started { visit: &visit });
        let source = IpAddr::from([127, 0, 0, 1]);
        recorder.record(Event::VisitEnded { visit: &visit, source });
        recorder.record(Event::ConnectionEnded { reason: "done", duration: Duration::ZERO });
        let text = recorder.metrics.encode();
        assert!(text.contains("ssh_resume_exec_commands_total{command=\"json\"} 1"), "{text}");
        assert!(text.contains("ssh_resume_sessions_ended_total{reason=\"done\"} 1"), "{text}");
    }
}
