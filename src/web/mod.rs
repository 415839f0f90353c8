//! The web view (`--http-listen`): the same résumé, with its reloads, for phones and
//! browsers, and for `curl` with colour, on the same tokio runtime as the SSH side.
//!
//! [`serve`] runs its own accept loop, so the SSH side's per-address limits apply to
//! each connection before any HTTP work (a separate [`Limiter`] built from the same
//! [`Limits`](crate::admission::limits::Limits)), and each connection gets hyper's HTTP/1
//! server with bounds: a request head must arrive whole within the header timeout
//! (which also ends idle keep-alive connections), is at most [`MAX_HEAD_BYTES`], and a
//! connection lives at most `max_connection_age` (a client that stops reading a
//! response cannot hold its slot). Request bodies are never read, except the "Write to
//! me" form's `POST /message` with `--web-messages`, capped at
//! [`routes::MAX_FORM_BYTES`]. A peer that is a
//! trusted proxy is not limited per connection; each request it forwards is limited
//! under the client address it names instead (see [`forwarded`]).
//!
//! Each `GET /` counts as a web visit in the insights (from the address a trusted proxy
//! names); nothing of the owner console is reachable here.
//!
//! TLS is left to a reverse proxy (`deploy/Caddyfile`). The routes and their headers
//! live in [`routes`], the page in [`page`], what is rendered once per résumé in
//! [`cache`]. Imports: `web → {service, guard, reach, resume}`, never the SSH side;
//! nothing imports `web` but `cli`.

pub mod ansi;
pub mod cache;
pub mod forwarded;
mod message_form;
pub mod negotiate;
pub mod page;
pub mod routes;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::task::TaskTracker;
use tower::ServiceExt;
use tracing::{debug, info, warn};

use crate::accept::{self, accept_until};
use crate::admission::limits::{Admission, Limiter, Refusal, RefusalLog};
use crate::service::Service;
use cache::Cache;
use forwarded::Cidr;

/// Largest request head (request line and headers); larger gets 431.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// The web view's settings; the limits, public host and drain time come from the
/// [`Service`] both doors share.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// The host key's `SHA256:…` fingerprint, shown beside the `ssh` command.
    pub fingerprint: String,
    /// The SSH port, for the command shown when no public host is configured.
    pub ssh_port: Option<u16>,
    /// Peers whose `X-Forwarded-For` is believed (by default loopback: a proxy on this host).
    pub trusted_proxies: Vec<Cidr>,
    /// Time a client has to send a whole request head; also how long an idle
    /// keep-alive connection stays open.
    pub header_read_timeout: Duration,
    /// Longest a connection stays open; then it is closed after its current response.
    pub max_connection_age: Duration,
    /// `--web-messages`: the page's "Write to me" form and `POST /message`.
    pub messages: bool,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            fingerprint: String::new(),
            ssh_port: None,
            trusted_proxies: forwarded::loopback(),
            header_read_timeout: Duration::from_secs(10),
            max_connection_age: Duration::from_secs(60),
            messages: false,
        }
    }
}

/// Who a request came from, put into every request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    pub addr: SocketAddr,
    /// Our own address the client reached.
    pub local: SocketAddr,
    /// The peer is a trusted proxy: its requests are limited by the address it forwards.
    pub via_proxy: bool,
}

/// What every web connection shares.
pub struct Web {
    pub service: Arc<Service>,
    pub settings: WebSettings,
    limiter: Arc<Limiter>,
    refusals: RefusalLog,
    cache: Cache,
}

impl Web {
    pub fn new(service: Arc<Service>, settings: WebSettings) -> Arc<Self> {
        let limiter = Limiter::new(service.settings.limits.clone());
        let cache = Cache::new(service.current_resume());
        let refusals = RefusalLog::new(Duration::from_secs(1));
        Arc::new(Self { service, settings, limiter, refusals, cache })
    }

    /// The answers for the résumé in service now (a reload shows on the next request).
    pub fn rendered(&self) -> Arc<cache::Rendered> {
        self.cache.get(self.service.current_resume())
    }

    /// A `GET /` is a web visit for the insights, from the client a trusted proxy names.
    pub(crate) fn count_page_visit(&self, request: &Request) {
        let Some(peer) = request.extensions().get::<Peer>() else { return };
        if request.method() != axum::http::Method::GET || !self.service.insights.is_on() {
            return;
        }
        let client = forwarded::client_ip(peer.addr.ip(), request.headers(), &self.settings.trusted_proxies);
        let visit = crate::insights::Visit { kind: Some(crate::insights::Kind::Web), ..Default::default() };
        self.service.record(crate::record::Event::WebVisit { visit: &visit, source: client });
    }

    /// Admits a request or connection from `ip`, or counts and logs the refusal.
    fn admit(&self, ip: std::net::IpAddr) -> Result<Admission, Refusal> {
        self.limiter.admit(ip).inspect_err(|refusal| {
            self.service.metrics.http_refused(refusal.as_str());
            if let Some(held_back) = self.refusals.should_log(*refusal) {
                let peer = self.service.redactor.peer(ip);
                warn!(peer, reason = refusal.as_str(), held_back, "refused a web visitor");
            }
        })
    }
}

/// Serves the web view on `listener` until `service.shutdown` is cancelled, then lets
/// open connections finish their responses for up to the drain timeout and returns.
pub async fn serve(listener: TcpListener, service: Arc<Service>, settings: WebSettings) {
    let web = Web::new(service, settings);
    let router = routes::router(web.clone());
    if let Ok(addr) = listener.local_addr() {
        info!(addr = %addr, "web view on http://{addr}/");
    }
    let tracker = TaskTracker::new();
    let shutdown = web.service.shutdown.clone();
    let admit = |socket, addr| accept(&web, socket, addr, router.clone());
    accept_until(listener, shutdown, tracker.clone(), "web", admit).await;
    // Each connection ends its response within the drain deadline; a second more for
    // the answers under way to be written.
    if !accept::drain(&tracker, web.service.settings.drain_timeout + Duration::from_secs(1)).await {
        warn!("web connections still open after the drain deadline");
    }
}

/// Applies the per-connection limits; an admitted socket gets a task.
fn accept(
    web: &Arc<Web>,
    socket: TcpStream,
    addr: SocketAddr,
    router: Router,
) -> Option<impl Future<Output = ()> + Send + 'static> {
    let local = socket.local_addr().ok()?;
    let via_proxy = forwarded::trusted(&web.settings.trusted_proxies, addr.ip());
    let admission = if via_proxy { None } else { Some(web.admit(addr.ip()).ok()?) };
    let peer = Peer { addr, local, via_proxy };
    Some(connection(web.clone(), socket, peer, admission, router))
}

/// One HTTP/1 connection until the client closes it, a timer ends it or the server stops.
async fn connection(
    web: Arc<Web>,
    socket: TcpStream,
    peer: Peer,
    admission: Option<Admission>,
    router: Router,
) {
    let _ = socket.set_nodelay(true);
    let metrics = &web.service.metrics;
    metrics.http_connections_active.inc();
    // The connection leaves the handshake (its startup slot) with its first request head.
    let admission = admission.map(|a| Arc::new(Mutex::new(a)));
    let service = router.map_request(move |mut request: Request<Incoming>| {
        if let Some(admission) = &admission {
            admission.lock().unwrap_or_else(PoisonError::into_inner).handshake_done();
        }
        request.extensions_mut().insert(peer);
        request
    });
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(web.settings.header_read_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(4 * MAX_HEAD_BYTES);
    let conn = http.serve_connection(TokioIo::new(socket), TowerToHyperService::new(service));
    tokio::pin!(conn);
    let ended = tokio::select! {
        ended = conn.as_mut() => Some(ended),
        _ = tokio::time::sleep(web.settings.max_connection_age) => None,
        _ = web.service.shutdown.cancelled() => None,
    };
    let ended = match ended {
        Some(ended) => Some(ended),
        None => {
            conn.as_mut().graceful_shutdown();
            tokio::time::timeout(web.service.settings.drain_timeout, conn.as_mut()).await.ok()
        }
    };
    match ended {
        Some(Ok(())) => {}
        Some(Err(err)) => debug!(error = %err, "web connection ended with an error"),
        None => debug!("web connection cut: its response did not finish in time"),
    }
    metrics.http_connections_active.dec();
}
