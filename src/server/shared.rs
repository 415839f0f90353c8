//! The SSH server's settings and the state every connection reads: the [`Service`]
//! the doors share (résumé, metrics, redactor, shutdown), the russh configuration, the
//! limiter, and the drain's cut signal and task tracker. Read-only once built, apart
//! from the atomics and locks inside the limiter and the metrics.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use russh::keys::PrivateKey;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::algorithms;
use super::owner::{Owner, OwnerKeys};
use super::proxy::ProxyProtocol;
use crate::admission::limits::{Limiter, RefusalLog};
use crate::service::Service;

/// The SSH door's settings that do not change while it runs; what both doors read
/// (limits, public host, drain timeout, how peers are logged) is the service's.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Time from TCP accept to a shell or exec request.
    pub login_timeout: Duration,
    /// Time since the visitor's last input.
    pub idle_timeout: Duration,
    /// Longest a session may last.
    pub max_session: Duration,
    /// `Some` behind a load balancer: every connection comes from a trusted proxy and
    /// starts with a PROXY header naming the visitor.
    pub proxy_protocol: Option<ProxyProtocol>,
    /// Keepalive probes to detect dead peers: one every interval, this many missed.
    pub keepalive_interval: Duration,
    pub keepalive_max: usize,
    /// The user name that means the owner: only a key in `owner_keys` logs it in.
    pub owner_user: String,
    /// The owner's keys (none: the owner's name cannot log in).
    pub owner_keys: OwnerKeys,
    /// How long a refused login waits before its answer (only the owner's name is
    /// ever refused): slows down guessing.
    pub owner_auth_delay: Duration,
    /// How often the owner console refreshes its live figures.
    pub console_refresh: Duration,
    /// Test hook: an exec command that makes the visit panic. Only in builds with the
    /// `test-hooks` feature, which the tests turn on and a release build never has.
    #[cfg(feature = "test-hooks")]
    #[doc(hidden)]
    pub panic_command: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            login_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(600),
            max_session: Duration::from_secs(3600),
            proxy_protocol: None,
            keepalive_interval: Duration::from_secs(15),
            keepalive_max: 3,
            owner_user: "owner".to_owned(),
            owner_keys: OwnerKeys::default(),
            owner_auth_delay: Duration::from_secs(1),
            console_refresh: Duration::from_secs(3),
            #[cfg(feature = "test-hooks")]
            panic_command: None,
        }
    }
}

/// What every connection shares, read-only.
pub struct Shared {
    pub settings: Settings,
    /// What the SSH server shares with the web view and the admin listener.
    pub service: Arc<Service>,
    pub ssh_config: Arc<russh::server::Config>,
    pub limiter: Arc<Limiter>,
    /// Who the owner is; its keys are replaced on SIGHUP.
    pub owner: Arc<Owner>,
    pub(super) refusals: RefusalLog,
    /// Set once every listener accepts connections.
    listening: AtomicBool,
    /// Cancelled when the drain deadline has passed: cuts every connection still open.
    pub cut_all: CancellationToken,
    pub tracker: TaskTracker,
}

impl Shared {
    /// The SSH door over `service`, built once by the caller and shared with the web door.
    pub fn new(settings: Settings, service: Arc<Service>, host_key: PrivateKey) -> Arc<Self> {
        Arc::new(Self {
            ssh_config: Arc::new(algorithms::ssh_config(host_key, &settings, service.settings.drain_timeout)),
            limiter: Limiter::new(service.settings.limits.clone()),
            service,
            owner: Arc::new(Owner::new(settings.owner_user.clone(), settings.owner_keys.clone())),
            refusals: RefusalLog::new(Duration::from_secs(1)),
            listening: AtomicBool::new(false),
            cut_all: CancellationToken::new(),
            tracker: TaskTracker::new(),
            settings,
        })
    }

    /// `Ok` when the server takes visitors: résumé loaded, listening, not draining.
    pub fn readiness(&self) -> Result<(), &'static str> {
        if self.service.shutdown.is_cancelled() {
            Err("draining\n")
        } else if !self.listening.load(Ordering::Relaxed) {
            Err("starting\n")
        } else {
            Ok(())
        }
    }

    pub(super) fn mark_listening(&self) {
        self.listening.store(true, Ordering::Relaxed);
    }
}
