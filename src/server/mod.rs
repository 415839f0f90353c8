//! The SSH side: the accept loop, the shared state every connection reads, and the
//! per-connection task that runs russh's protocol over one socket.
//!
//! Modules import downward: `mod → connection → {handler, play} → {interactive,
//! console, exec_message, command, output} → {screen, terminal, input, keyboard} →
//! {end_reason, traffic, shared → settings, owner}`. [`connection`] is the one owner of
//! a connection (its timers, its visits, its end); [`handler`] only turns russh's
//! callbacks into events for it, one visit per session channel; [`play`] resolves and
//! plays what a visit asked for; [`screen`] is the one full-screen loop, driving the
//! visitor's view ([`interactive`]) and the owner console ([`console`]); [`terminal`]
//! encodes frames; [`owner`] says who may log in as the owner.
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
pub mod console;
pub mod end_reason;
pub mod exec_message;
pub mod handler;
pub mod input;
pub mod interactive;
pub mod keyboard;
pub mod keys;
pub mod memory;
pub mod output;
pub mod owner;
pub mod play;
pub mod proxy;
pub mod screen;
pub mod settings;
pub mod shared;
pub mod stream;
pub mod terminal;
pub mod terminal_queries;
pub mod traffic;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use std::pin::Pin;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tracing::{debug, info, warn};

use crate::accept::{self, accept_until};
use crate::admission::limits::{Refusal, Slot};
use connection::Endpoints;
use proxy::{Header, ProxyProtocol};
pub use settings::Settings;
pub use shared::Shared;

/// Serves visitors on `listeners` until `shared.shutdown` is cancelled, then gives open
/// sessions the drain deadline to say goodbye, cuts what is left, and returns.
pub async fn run(listeners: Vec<TcpListener>, shared: Arc<Shared>) {
    for listener in listeners {
        let shared_for_loop = shared.clone();
        let admit = move |socket, peer| admit(socket, peer, &shared_for_loop);
        let shutdown = shared.service.shutdown.clone();
        tokio::spawn(accept_until(listener, shutdown, shared.tracker.clone(), "ssh", admit));
    }
    shared.mark_listening();
    tokio::spawn(memory::return_after_crowds(shared.clone()));
    shared.service.shutdown.cancelled().await;
    let open = shared.limiter.open();
    let grace = shared.service.settings.drain_timeout;
    info!(open, drain_timeout = ?grace, "draining");
    if !accept::drain(&shared.tracker, grace).await {
        warn!(open = shared.limiter.open(), "drain deadline passed; cutting the remaining connections");
        shared.cut_all.cancel();
        let _ = tokio::time::timeout(grace, shared.tracker.wait()).await;
    }
}

/// A visitor's connection task, whichever way they came in.
type Connection = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Applies the limits before any SSH work: an admitted socket's task, or `None` for a
/// refused one (closed as it is dropped).
fn admit(socket: TcpStream, peer: SocketAddr, shared: &Arc<Shared>) -> Option<Connection> {
    if let Some(proxy) = &shared.settings.proxy_protocol {
        return admit_proxy(socket, peer, proxy, shared);
    }
    match shared.limiter.admit(peer.ip()) {
        Ok(admission) => {
            let endpoints = Endpoints { peer, local: socket.local_addr().ok() };
            Some(Box::pin(connection::serve(socket, endpoints, admission, shared.clone())))
        }
        Err(refusal) => {
            refuse(shared, refusal, peer, None);
            None
        }
    }
}

/// Behind a load balancer: only a trusted proxy may connect, and its connection holds a
/// global slot while its own task reads the header.
fn admit_proxy(
    socket: TcpStream,
    proxy: SocketAddr,
    trusted: &ProxyProtocol,
    shared: &Arc<Shared>,
) -> Option<Connection> {
    let slot = match trusted.trusts(proxy.ip()).then(|| shared.limiter.slot()) {
        Some(Ok(slot)) => slot,
        Some(Err(refusal)) => {
            refuse(shared, refusal, proxy, None);
            return None;
        }
        None => {
            refuse(shared, Refusal::UntrustedProxy, proxy, None);
            return None;
        }
    };
    Some(Box::pin(serve_proxied(socket, proxy, slot, shared.clone())))
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
    shared.service.metrics.proxy_probes.inc();
    let answer = format!("{}\r\n", algorithms::SERVER_ID);
    let answered = tokio::time::timeout(PROBE_WRITE, async {
        socket.write_all(answer.as_bytes()).await?;
        socket.shutdown().await
    })
    .await;
    debug!(answered = matches!(answered, Ok(Ok(()))), "answered a load balancer health check");
    drop(slot);
}

/// Counts and logs a refused socket (throttled per reason); dropping it closes it.
fn refuse(shared: &Shared, refusal: Refusal, peer: SocketAddr, detail: Option<&str>) {
    shared.service.metrics.refused(refusal.as_str());
    if let Some(held_back) = shared.refusals.should_log(refusal) {
        let peer = shared.service.redactor.peer(peer.ip());
        warn!(peer, reason = refusal.as_str(), detail, held_back, "refused a connection");
    }
}
