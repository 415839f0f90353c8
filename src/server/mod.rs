//! The SSH side: the accept loop, the shared state every connection reads, and the
//! per-connection task that runs russh's protocol over one socket.
//!
//! `run` takes listeners that are already bound (tests bind `127.0.0.1:0`) and a
//! shutdown token, spawns one task per connection on a `TaskTracker`, and returns once
//! shutdown was requested and every connection has ended. Errors of one connection are
//! logged where its task ends and never reach the accept loop; an `accept()` error is
//! logged and retried after a short pause.

pub mod algorithms;
pub mod command;
pub mod handler;
pub mod keys;
pub mod output;
pub mod session;
pub mod terminal;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use russh::keys::PrivateKey;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{Instrument, debug, info, info_span, warn};

use crate::resume::Loaded;
use handler::VisitorHandler;
use output::Stats;

/// Pause after a failed `accept()` (e.g. out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Server settings that do not change while it runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `host[:port]` shown in the help text as what visitors type; by default the
    /// address each visitor connected to.
    pub public_host: Option<String>,
    /// russh's own inactivity timer: the last-resort end for a silent connection.
    pub inactivity_timeout: Duration,
    /// On shutdown, how long visitors' sessions get to say goodbye before the
    /// connections are cut.
    pub drain_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_host: None,
            inactivity_timeout: Duration::from_secs(600),
            drain_timeout: Duration::from_secs(5),
        }
    }
}

/// What every connection shares, read-only: the résumé (replaced whole on reload),
/// the protocol configuration and the shutdown signal.
pub struct Shared {
    pub settings: Settings,
    pub resume: watch::Receiver<Arc<Loaded>>,
    pub ssh_config: Arc<russh::server::Config>,
    pub shutdown: CancellationToken,
    pub tracker: TaskTracker,
    next_session: AtomicU64,
}

impl Shared {
    pub fn new(
        settings: Settings,
        resume: watch::Receiver<Arc<Loaded>>,
        host_key: PrivateKey,
        shutdown: CancellationToken,
    ) -> Arc<Self> {
        let ssh_config = Arc::new(algorithms::ssh_config(host_key, &settings));
        Arc::new(Self {
            settings,
            resume,
            ssh_config,
            shutdown,
            tracker: TaskTracker::new(),
            next_session: AtomicU64::new(1),
        })
    }

    /// The résumé new sessions get.
    pub fn current_resume(&self) -> Arc<Loaded> {
        self.resume.borrow().clone()
    }
}

/// Serves visitors on `listeners` until `shared.shutdown` is cancelled, then waits for
/// every connection to end.
pub async fn run(listeners: Vec<TcpListener>, shared: Arc<Shared>) {
    for listener in listeners {
        let shared_for_loop = shared.clone();
        shared.tracker.spawn(accept_loop(listener, shared_for_loop));
    }
    shared.shutdown.cancelled().await;
    shared.tracker.close();
    shared.tracker.wait().await;
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let accepted = tokio::select! {
            _ = shared.shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((socket, peer)) => {
                let id = shared.next_session.fetch_add(1, Ordering::Relaxed);
                shared.tracker.spawn(serve_connection(socket, peer, id, shared.clone()));
            }
            Err(err) => {
                warn!(error = %err, "accept failed; retrying shortly");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
}

/// Drives one established connection; on shutdown lets the visitor's session say
/// goodbye (up to the drain deadline), then disconnects.
async fn run_until_done(
    mut session: russh::server::RunningSession<VisitorHandler>,
    stats: &Stats,
    shared: &Shared,
) -> Result<(), String> {
    tokio::select! {
        ended = &mut session => return ended.map_err(|err| err.to_string()),
        _ = shared.shutdown.cancelled() => {}
    }
    stats.set_reason(output::EndReason::Shutdown);
    let drain = shared.settings.drain_timeout;
    if stats.started() {
        let _ = tokio::time::timeout(drain, stats.finished()).await;
    }
    let handle = session.handle();
    let bye = handle.disconnect(russh::Disconnect::ByApplication, "server restarting".into(), String::new());
    let _ = tokio::time::timeout(drain, bye).await;
    match tokio::time::timeout(drain, &mut session).await {
        Ok(ended) => ended.map_err(|err| err.to_string()),
        Err(_) => Err("did not close within the drain deadline".to_owned()),
    }
}

/// One visitor's connection, from TCP accept to close.
async fn serve_connection(socket: TcpStream, peer: SocketAddr, id: u64, shared: Arc<Shared>) {
    let span = info_span!("session", session = id, peer = %peer);
    async move {
        let started = Instant::now();
        let _ = socket.set_nodelay(true);
        let local = socket.local_addr().ok();
        info!("connected");
        let handler = VisitorHandler::new(shared.clone(), id, local);
        let stats = handler.stats();
        let outcome = match russh::server::run_stream(shared.ssh_config.clone(), socket, handler).await {
            Ok(session) => run_until_done(session, &stats, &shared).await,
            Err(err) => Err(err.to_string()),
        };
        if let Err(err) = &outcome {
            debug!(error = %err, "connection ended with an error");
        }
        info!(
            duration_ms = started.elapsed().as_millis() as u64,
            bytes_sent = stats.bytes_sent(),
            reason = stats.reason(),
            "disconnected"
        );
    }
    .instrument(span)
    .await
}
