//! What the running service shares between its doors — the SSH server, the web view
//! and the admin listener: the résumé in service and its downloads (replaced whole, the
//! two together, on SIGHUP: [`Publisher`]), the
//! shutdown signal, the metrics and the insights with the one [`Recorder`] that feeds
//! both, the privacy redactor, the mailbox visitors write to the owner through, and the
//! few settings every door reads. Built once, by [`Service::start`] in `cli::serve`
//! (and by the tests' harness), and handed to each door; read-only afterwards. The doors
//! import this; it imports the résumé, the admission rules, the messages and the
//! insights.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::admission::limits::Limits;
use crate::admission::privacy::{PeerLogging, Redactor};
use crate::downloads::files::Directory;
use crate::insights::Insights;
use crate::messages::mailbox::{Mailbox, MailboxSettings};
use crate::messages::notify::{Notifier, NotifyCounters, NotifySettings};
use crate::messages::{Channel, Draft, Receipt, SendError};
use crate::metrics::Metrics;
use crate::record::{Event, Recorder};
use crate::resume::Loaded;
use crate::store::Store;

/// The settings both doors read.
#[derive(Debug, Clone)]
pub struct ServiceSettings {
    /// `host[:port]` visitors type; `None`: the address each visitor reached.
    pub public_host: Option<String>,
    /// Per-address and global connection limits; each door applies them with its own
    /// limiter.
    pub limits: Limits,
    /// On shutdown (and when a timer ends a visit), how long open connections get to
    /// finish before they are cut.
    pub drain_timeout: Duration,
    /// How visitors' addresses and user names appear in logs.
    pub log_peers: PeerLogging,
}

impl Default for ServiceSettings {
    fn default() -> Self {
        Self {
            public_host: None,
            limits: Limits::default(),
            drain_timeout: Duration::from_secs(5),
            log_peers: PeerLogging::Hashed,
        }
    }
}

/// What the service keeps beside the résumé, each optional.
#[derive(Default)]
pub struct Parts {
    /// Visit insights written to this store; `None`: off.
    pub insights: Option<Arc<dyn Store>>,
    /// Visitors' messages kept in this store; `None`: this server takes none.
    pub mailbox: Option<(Arc<dyn Store>, MailboxSettings)>,
    /// The owner's webhook, told about each stored message.
    pub notify: Option<NotifySettings>,
}

/// The résumé in service and its downloads: each replaced whole when a new version is
/// published.
pub struct Published {
    pub resume: watch::Receiver<Arc<Loaded>>,
    pub downloads: watch::Receiver<Arc<Directory>>,
}

/// Publishes résumé versions: the sending end of [`Published`].
pub struct Publisher {
    resume: watch::Sender<Arc<Loaded>>,
    downloads: watch::Sender<Arc<Directory>>,
}

impl Publisher {
    /// The first version, `loaded` with its `downloads`.
    pub fn new(loaded: Arc<Loaded>, downloads: Directory) -> (Self, Published) {
        let (resume, resume_rx) = watch::channel(loaded);
        let (downloads, downloads_rx) = watch::channel(Arc::new(downloads));
        (Self { resume, downloads }, Published { resume: resume_rx, downloads: downloads_rx })
    }

    /// Puts a new version in service: its downloads first, so a visit that sees the
    /// new résumé finds its files too.
    pub fn publish(&self, loaded: Arc<Loaded>, downloads: Directory) {
        self.downloads.send_replace(Arc::new(downloads));
        self.resume.send_replace(loaded);
    }

    /// The version in service now.
    pub fn current(&self) -> Arc<Loaded> {
        self.resume.borrow().clone()
    }
}

/// The state every door reads.
pub struct Service {
    /// The résumé in service; a reload sends a new one.
    pub resume: watch::Receiver<Arc<Loaded>>,
    /// What the résumé in service offers to take away: `resume.pdf` and the rest.
    pub downloads: watch::Receiver<Arc<Directory>>,
    pub metrics: Arc<Metrics>,
    pub redactor: Arc<Redactor>,
    /// Cancelled to start the graceful shutdown.
    pub shutdown: CancellationToken,
    pub settings: ServiceSettings,
    /// Where visitors' messages go; `None` when this server takes none.
    pub mailbox: Option<Arc<Mailbox>>,
    /// Visit insights (off unless a store was given for them).
    pub insights: Arc<Insights>,
    recorder: Arc<Recorder>,
}

impl Service {
    /// The service with its `parts`; the webhook's task (when asked for) is started on
    /// the current runtime and stops with `shutdown`.
    pub fn start(
        settings: ServiceSettings,
        published: Published,
        shutdown: CancellationToken,
        parts: Parts,
    ) -> Arc<Self> {
        let Published { resume, downloads } = published;
        let metrics = Arc::new(Metrics::new());
        let redactor = Arc::new(Redactor::new(settings.log_peers));
        let insights = Arc::new(parts.insights.map_or_else(Insights::off, |store| Insights::new(store)));
        let recorder = Arc::new(Recorder {
            metrics: metrics.clone(),
            insights: insights.clone(),
            redactor: redactor.clone(),
        });
        let notifier = parts
            .notify
            .map(|notify| Notifier::start(notify, NotifyCounters::of(&metrics), shutdown.child_token()));
        let mailbox = parts
            .mailbox
            .map(|(store, mailbox)| Arc::new(Mailbox::new(store, mailbox, recorder.clone(), notifier)));
        Arc::new(Self {
            resume,
            downloads,
            metrics,
            redactor,
            shutdown,
            settings,
            mailbox,
            insights,
            recorder,
        })
    }

    /// Counts `event` in the metrics and the insights.
    pub fn record(&self, event: Event<'_>) {
        self.recorder.record(event);
    }

    /// Delivers a visitor's message from `source` through `channel` (see [`Mailbox::send`]).
    pub async fn send_message(
        &self,
        draft: &Draft,
        source: IpAddr,
        channel: Channel,
    ) -> Result<Receipt, SendError> {
        let Some(mailbox) = &self.mailbox else { return Err(SendError::Disabled) };
        mailbox.send(draft, source, channel).await
    }

    /// The résumé new visits get.
    pub fn current_resume(&self) -> Arc<Loaded> {
        self.resume.borrow().clone()
    }

    /// The files new downloads get.
    pub fn current_downloads(&self) -> Arc<Directory> {
        self.downloads.borrow().clone()
    }
}
