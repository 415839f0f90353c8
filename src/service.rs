//! What the running service shares between its doors — the SSH server, the web view
//! and the admin listener: the résumé in service (replaced whole on SIGHUP), the
//! shutdown signal, the metrics, the privacy redactor, the mailbox visitors write to the
//! owner through, the visit insights, and the few settings every door reads. Built once
//! at start; read-only afterwards. The doors import this; it imports the résumé, the
//! guards, the mailbox and the insights.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::admission::limits::Limits;
use crate::admission::privacy::{PeerLogging, Redactor};
use crate::insights::{Insights, Visit};
use crate::messages::mailbox::Mailbox;
use crate::messages::{Channel, Draft, Receipt, SendError};
use crate::metrics::Metrics;
use crate::resume::Loaded;

/// The state every door reads.
pub struct Service {
    /// The résumé in service; a reload sends a new one.
    pub resume: watch::Receiver<Arc<Loaded>>,
    pub metrics: Metrics,
    pub redactor: Redactor,
    /// Cancelled to start the graceful shutdown.
    pub shutdown: CancellationToken,
    /// Per-address and global connection limits; each door applies them with its own
    /// limiter.
    pub limits: Limits,
    /// `host[:port]` visitors type; `None`: the address each visitor reached.
    pub public_host: Option<String>,
    /// On shutdown, how long open connections get to finish.
    pub drain_timeout: Duration,
    /// Where visitors' messages go; `None` when this server takes none.
    pub mailbox: Option<Arc<Mailbox>>,
    /// Visit insights (off unless a store was given for them).
    pub insights: Arc<Insights>,
}

impl Service {
    pub fn new(
        resume: watch::Receiver<Arc<Loaded>>,
        shutdown: CancellationToken,
        log_peers: PeerLogging,
        limits: Limits,
        public_host: Option<String>,
        drain_timeout: Duration,
    ) -> Self {
        let redactor = Redactor::new(log_peers);
        let metrics = Metrics::new();
        let insights = Arc::new(Insights::off());
        Self {
            resume,
            metrics,
            redactor,
            shutdown,
            limits,
            public_host,
            drain_timeout,
            mailbox: None,
            insights,
        }
    }

    /// Counts a visit from `source` in the insights (a few counter increments).
    pub fn record_visit(&self, visit: &Visit, source: IpAddr) {
        self.insights.record(visit, source, &self.redactor);
    }

    /// Delivers a visitor's message from `source` through `channel` (see [`Mailbox::send`]).
    pub async fn send_message(
        &self,
        draft: &Draft,
        source: IpAddr,
        channel: Channel,
    ) -> Result<Receipt, SendError> {
        let Some(mailbox) = &self.mailbox else { return Err(SendError::Disabled) };
        mailbox.send(draft, source, channel, &self.metrics, &self.insights, &self.redactor).await
    }

    /// The résumé new visits get.
    pub fn current_resume(&self) -> Arc<Loaded> {
        self.resume.borrow().clone()
    }
}
