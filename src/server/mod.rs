//! The SSH side: the accept loop, the shared state every connection reads, and the
//! per-connection task that runs russh's protocol over one socket.
//!
//! `run` takes listeners that are already bound (tests bind `127.0.0.1:0`) and a
//! shutdown token, spawns one task per connection on a `TaskTracker`, and returns once
//! shutdown was requested and every connection has ended. Errors of one connection are
//! logged where its task ends and never reach the accept loop; an `accept()` error is
//! logged and retried after a short pause.
//!
//! Admission: the global cap, then the per-address limits, all before any SSH work.
//! Behind a load balancer (`--proxy-protocol`) the visitor's address is known only once
//! the PROXY header is read, so the accept loop refuses untrusted sources and takes the
//! global slot, and the connection's task reads the header (within the login timeout)
//! before the per-address limits see the real visitor.

pub mod admin;
pub mod algorithms;
pub mod command;
pub mod connection;
pub mod handler;
pub mod keys;
pub mod limits;
pub mod memory;
pub mod metrics;
pub mod output;
pub mod privacy;
pub mod proxy;
pub mod session;
pub mod stream;
pub mod terminal;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use russh::keys::PrivateKey;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, info, warn};

use crate::resume::Loaded;
use connection::Endpoints;
use limits::{Limiter, Limits, Refusal, RefusalLog, Slot};
use metrics::Metrics;
use privacy::{PeerLogging, Redactor};
use proxy::{Header, ProxyProtocol};

/// Pause after a failed `accept()` (e.g. out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Server settings that do not change while it runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `host[:port]` shown in the help text as what visitors type; by default the
    /// address each visitor connected to.
    pub public_host: Option<String>,
    pub limits: Limits,
    /// Time from TCP accept to a shell or exec request.
    pub login_timeout: Duration,
    /// Time since the visitor's last input.
    pub idle_timeout: Duration,
    /// Longest a session may last.
    pub max_session: Duration,
    /// On shutdown (and when a timer ends a session), how long the visitor's session
    /// gets to say goodbye before the connection is cut.
    pub drain_timeout: Duration,
    /// How visitors' addresses and user names appear in logs.
    pub log_peers: PeerLogging,
    /// `Some` behind a load balancer: every connection comes from a trusted proxy and
    /// starts with a PROXY header naming the visitor.
    pub proxy_protocol: Option<ProxyProtocol>,
    /// Keepalive probes to detect dead peers: one every interval, this many missed.
    pub keepalive_interval: Duration,
    pub keepalive_max: usize,
    /// Test hook: an exec command that makes the session task panic. Never set by the CLI.
    #[doc(hidden)]
    pub panic_command: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_host: None,
            limits: Limits::default(),
            login_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(600),
            max_session: Duration::from_secs(3600),
            drain_timeout: Duration::from_secs(5),
            log_peers: PeerLogging::Hashed,
            proxy_protocol: None,
            keepalive_interval: Duration::from_secs(15),
            keepalive_max: 3,
            panic_command: None,
        }
    }
}

/// What every connection shares, read-only: the résumé (replaced whole on reload),
/// the protocol configuration, the limits and the shutdown signal.
pub struct Shared {
    pub settings: Settings,
    pub resume: watch::Receiver<Arc<Loaded>>,
    pub ssh_config: Arc<russh::server::Config>,
    pub limiter: Arc<Limiter>,
    refusals: RefusalLog,
    pub metrics: Metrics,
    pub redactor: Redactor,
    /// Set once every listener accepts connections.
    listening: AtomicBool,
    /// Cancelled to start the graceful shutdown.
    pub shutdown: CancellationToken,
    /// Cancelled when the drain deadline has passed: cuts every connection still open.
    pub cut_all: CancellationToken,
    pub tracker: TaskTracker,
}

impl Shared {
    pub fn new(
        settings: Settings,
        resume: watch::Receiver<Arc<Loaded>>,
        host_key: PrivateKey,
        shutdown: CancellationToken,
    ) -> Arc<Self> {
        let ssh_config = Arc::new(algorithms::ssh_config(host_key, &settings));
        let limiter = Limiter::new(settings.limits.clone());
        Arc::new(Self {
            resume,
            ssh_config,
            limiter,
            refusals: RefusalLog::new(Duration::from_secs(1)),
            metrics: Metrics::new(),
            redactor: Redactor::new(settings.log_peers),
            listening: AtomicBool::new(false),
            shutdown,
            cut_all: CancellationToken::new(),
            tracker: TaskTracker::new(),
            settings,
        })
    }

    /// `Ok` when the server takes visitors: résumé loaded, listening, not draining.
    pub fn readiness(&self) -> Result<(), &'static str> {
        if self.shutdown.is_cancelled() {
            Err("draining\n")
        } else if !self.listening.load(Ordering::Relaxed) {
            Err("starting\n")
        } else {
            Ok(())
        }
    }

    /// The résumé new sessions get.
    pub fn current_resume(&self) -> Arc<Loaded> {
        self.resume.borrow().clone()
    }
}

/// Serves visitors on `listeners` until `shared.shutdown` is cancelled, then gives open
/// sessions the drain deadline to say goodbye, cuts what is left, and returns.
pub async fn run(listeners: Vec<TcpListener>, shared: Arc<Shared>) {
    for listener in listeners {
        shared.tracker.spawn(accept_loop(listener, shared.clone()));
    }
    shared.listening.store(true, Ordering::Relaxed);
    tokio::spawn(memory::return_after_crowds(shared.clone()));
    shared.shutdown.cancelled().await;
    shared.tracker.close();
    let open = shared.limiter.open();
    info!(open, drain_timeout = ?shared.settings.drain_timeout, "draining");
    let grace = shared.settings.drain_timeout;
    if tokio::time::timeout(grace, shared.tracker.wait()).await.is_err() {
        warn!(open = shared.limiter.open(), "drain deadline passed; cutting the remaining connections");
        shared.cut_all.cancel();
        let _ = tokio::time::timeout(grace, shared.tracker.wait()).await;
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let accepted = tokio::select! {
            _ = shared.shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((socket, peer)) => match &shared.settings.proxy_protocol {
                None => admit(socket, peer, &shared),
                Some(proxy) => admit_proxy(socket, peer, proxy, &shared),
            },
            Err(err) => {
                warn!(error = %err, "accept failed; retrying shortly");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
}

/// Applies the limits; an admitted socket gets its own task, a refused one is closed
/// before any SSH work.
fn admit(socket: TcpStream, peer: SocketAddr, shared: &Arc<Shared>) {
    match shared.limiter.admit(peer.ip()) {
        Ok(admission) => {
            let endpoints = Endpoints { peer, local: socket.local_addr().ok() };
            shared.tracker.spawn(connection::serve(socket, endpoints, admission, shared.clone()));
        }
        Err(refusal) => refuse(shared, refusal, peer, None),
    }
}

/// Behind a load balancer: only a trusted proxy may connect, and its connection holds a
/// global slot while its own task reads the header.
fn admit_proxy(socket: TcpStream, proxy: SocketAddr, trusted: &ProxyProtocol, shared: &Arc<Shared>) {
    if !trusted.trusts(proxy.ip()) {
        return refuse(shared, Refusal::UntrustedProxy, proxy, None);
    }
    match shared.limiter.slot() {
        Ok(slot) => {
            shared.tracker.spawn(serve_proxied(socket, proxy, slot, shared.clone()));
        }
        Err(refusal) => refuse(shared, refusal, proxy, None),
    }
}

/// Reads the PROXY header within the login timeout, then admits the visitor it names
/// under the per-address limits, or answers the balancer's health check.
async fn serve_proxied(mut socket: TcpStream, proxy: SocketAddr, slot: Slot, shared: Arc<Shared>) {
    let left = shared.settings.login_timeout.saturating_sub(slot.accepted.elapsed());
    let header = tokio::select! {
        read = tokio::time::timeout(left, proxy::read_header(&mut socket)) => read,
        _ = shared.cut_all.cancelled() => return,
    };
    let (peer, local) = match header {
        Ok(Ok(Header::Proxied { source, destination })) => (source, Some(destination)),
        Ok(Ok(Header::Unknown)) => (proxy, socket.local_addr().ok()),
        Ok(Ok(Header::Local)) => return answer_probe(socket, slot, &shared).await,
        Ok(Err(err)) => return refuse(&shared, Refusal::ProxyHeader, proxy, Some(&err.to_string())),
        Err(_) => return refuse(&shared, Refusal::ProxyHeader, proxy, Some("no PROXY header in time")),
    };
    match shared.limiter.admit_in(slot, peer.ip()) {
        Ok(admission) => {
            let endpoints = Endpoints { peer, local };
            connection::serve(socket, endpoints, admission, shared).await
        }
        Err(refusal) => refuse(&shared, refusal, peer, None),
    }
}

/// Longest the answer to a health check may take to write.
const PROBE_WRITE: Duration = Duration::from_secs(1);

/// A v2 `LOCAL` header is the balancer checking on us: it gets our version line, so a
/// check that expects `SSH-2.0-` passes, and the connection is closed. Not a visitor:
/// no session, no per-address limit, not a refusal.
async fn answer_probe(mut socket: TcpStream, slot: Slot, shared: &Shared) {
    shared.metrics.proxy_probes.inc();
    let answer = format!("{}\r\n", algorithms::SERVER_ID);
    let answered = tokio::time::timeout(PROBE_WRITE, async {
        socket.write_all(answer.as_bytes()).await?;
        socket.shutdown().await
    })
    .await;
    debug!(answered = matches!(answered, Ok(Ok(()))), "answered a load balancer health check");
    drop(slot);
}

/// Closes a refused socket, counts it, and logs it (throttled per reason).
fn refuse(shared: &Shared, refusal: Refusal, peer: SocketAddr, detail: Option<&str>) {
    shared.metrics.refused(refusal.as_str());
    if let Some(held_back) = shared.refusals.should_log(refusal) {
        let peer = shared.redactor.peer(peer.ip());
        warn!(peer, reason = refusal.as_str(), detail, held_back, "refused a connection");
    }
}
