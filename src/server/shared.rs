//! The state every connection reads: the SSH door's settings, the [`Service`] the doors
//! share (résumé, metrics, redactor, shutdown), the russh configuration, the limiter,
//! and the drain's cut signal and task tracker. Read-only once built, apart
//! from the atomics and locks inside the limiter and the metrics.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use russh::keys::PrivateKey;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::algorithms;
use super::owner::Owner;
use super::settings::Settings;
use crate::admission::limits::{Limiter, RefusalLog};
use crate::service::Service;

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
