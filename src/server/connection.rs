//! One visitor's connection from TCP accept to close, owned by one task: the
//! supervisor in [`serve`].
//!
//! The supervisor runs russh's handshake within the login timeout, then plays every
//! session channel the client opens as a visit of its own ([`visit`]: OpenSSH's
//! connection multiplexing opens several), and in the same `select!` fires the
//! connection's timers: login grace (accept to the first shell, exec or subsystem
//! request), idle (time since the visitor's last *input* on any channel, not our
//! output), the maximum session length and server shutdown. Keepalive probes are
//! russh's (its `Handle` cannot send them); a peer that stops answering ends russh's
//! session, which the supervisor reads as `dead-peer`. Each visit says its own goodbye
//! when it ends by itself — farewell, exit status, EOF, close — and when the server
//! ends the connection every visit still playing is told why and says goodbye within
//! the drain deadline, then the client is disconnected. Once no channel is open the
//! client normally hangs up at once; the socket is cut after [`CLOSE_LINGER`] if it
//! does not, which works even when the client stopped reading and russh's queues are
//! full. Should a visit panic, a drop guard cuts the socket and logs the end all the
//! same.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, error, info, info_span};

use super::end_reason::EndReason;
use super::handler::{Events, Identity, Visit, VisitorHandler};
use super::shared::Shared;
use super::stream::CuttableStream;
use super::traffic::Traffic;
use crate::admission::limits::Admission;
use crate::record::Event;

mod visit;

use visit::{Played, Started};

/// Who connected and the address they reached: the socket's own, or what a load
/// balancer's PROXY header says.
#[derive(Debug, Clone, Copy)]
pub struct Endpoints {
    pub peer: SocketAddr,
    /// The address the visitor connected to (shown in help when no public host is set).
    pub local: Option<SocketAddr>,
}

/// Kernel send buffer per connection, in bytes.
pub const SOCKET_SEND_BUFFER: usize = 64 * 1024;

/// How long a client may keep the connection open once no channel is open; it
/// normally hangs up at once (as OpenSSH does, unless a multiplexing master opens the
/// next session meanwhile), and the server closes it after this.
pub const CLOSE_LINGER: Duration = Duration::from_secs(2);

/// How long russh's loop gets to notice a cut socket.
const CUT_GRACE: Duration = Duration::from_secs(1);

type Session = russh::server::RunningSession<VisitorHandler>;

/// Serves one accepted socket until the visitor leaves or the server ends the visit.
pub async fn serve(socket: TcpStream, endpoints: Endpoints, admission: Admission, shared: Arc<Shared>) {
    let _ = socket.set_nodelay(true);
    // A fixed send buffer bounds what the kernel holds for a client that stopped
    // reading; a frame or the whole printed résumé fits many times over.
    let _ = socket2::SockRef::from(&socket).set_send_buffer_size(SOCKET_SEND_BUFFER);
    serve_stream(socket, endpoints, admission, shared).await
}

/// Serves one visitor's connection over any byte stream (a socket; in tests an
/// in-memory pipe on paused time) until they leave or the server ends the visit.
pub async fn serve_stream<S>(stream: S, endpoints: Endpoints, admission: Admission, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // Both fields are known now, so the span is formatted once; what is learnt later
    // goes into the one disconnect line.
    let peer = shared.service.redactor.peer(endpoints.peer.ip());
    let span = info_span!("session", session = admission.id, peer);
    async move {
        let traffic = Arc::new(Traffic::new(admission.accepted));
        let mut guard = EndGuard::new(&shared, &traffic, endpoints.peer.ip());
        debug!("connected");
        let stream = CuttableStream::new(stream, guard.cut.clone(), traffic.socket_meter());
        let ssh_command = match (&shared.service.settings.public_host, endpoints.local) {
            (Some(public), _) => crate::ssh_command::for_public_host(public),
            (None, Some(local)) => crate::ssh_command::for_address(local),
            (None, None) => crate::ssh_command::for_host("HOST", None),
        };
        let (handler, events) =
            VisitorHandler::new(shared.service.clone(), traffic.clone(), shared.owner.clone());
        let supervisor = Supervisor {
            shared: &shared,
            traffic: &traffic,
            cut: guard.cut.clone(),
            ssh_command,
            peer: endpoints.peer.ip(),
        };
        let outcome = supervisor.run(stream, handler, events, admission).await;
        guard.ended(outcome);
    }
    .instrument(span)
    .await
}

/// Cuts the socket and settles the connection's accounting however the supervisor
/// ends — a panic included, which it logs as the end of the visit.
struct EndGuard<'a> {
    shared: &'a Shared,
    traffic: &'a Traffic,
    cut: CancellationToken,
    logged: bool,
    /// The visitor's address, hashed by the insights to count distinct visitors.
    peer: std::net::IpAddr,
}

impl<'a> EndGuard<'a> {
    /// Counts the connection as started and active; [`EndGuard::ended`] (or the drop)
    /// counts it as ended.
    fn new(shared: &'a Shared, traffic: &'a Traffic, peer: std::net::IpAddr) -> Self {
        shared.service.metrics.sessions_started.inc();
        shared.service.metrics.sessions_active.inc();
        Self { shared, traffic, cut: shared.cut_all.child_token(), logged: false, peer }
    }

    /// Counts and logs the end of the connection: each visit in the insights, and the
    /// disconnect line, the one line a connection logs at `info`, with everything learnt
    /// about it (its first visit's terminal and exit status, every visit's sections).
    fn ended(&mut self, outcome: Outcome) {
        self.logged = true;
        let duration = self.traffic.age();
        let reason = outcome.reason.as_str();
        self.shared.service.record(Event::ConnectionEnded { reason, duration });
        for played in &outcome.played {
            if let Some(mut visit) = played.summary.visit.clone() {
                visit.end = Some(played.reason.as_str());
                let interactive = visit.kind == Some(crate::insights::Kind::Interactive);
                visit.spent = interactive.then_some(played.duration);
                self.shared.service.record(Event::VisitEnded { visit: &visit, source: self.peer });
            }
        }
        let sections_viewed: u32 = outcome.played.iter().map(|played| played.summary.sections_viewed).sum();
        let first = outcome.played.first();
        let user = outcome.identity.as_ref().and_then(|identity| identity.user.as_deref());
        let client = outcome.identity.as_ref().map(|identity| identity.client.as_str());
        let terminal = outcome.played.iter().find_map(|played| played.terminal.as_ref());
        let (term, size) = match terminal {
            Some((term, size)) => (Some(term.as_str()), Some(size)),
            None => (None, None),
        };
        info!(
            duration_ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
            bytes_sent = self.traffic.bytes_written(),
            bytes_queued = self.traffic.bytes_sent(),
            bytes_received = self.traffic.bytes_received(),
            sessions = outcome.played.len(),
            sections_viewed,
            peak_buffered = self.traffic.peak_unflushed(),
            reason,
            exit_status = first.and_then(|played| played.exit_status),
            user,
            client,
            term,
            cols = size.map(|size| size.width),
            rows = size.map(|size| size.height),
            "disconnected"
        );
    }
}

impl Drop for EndGuard<'_> {
    fn drop(&mut self) {
        self.cut.cancel();
        if !self.logged {
            if std::thread::panicking() {
                error!("the visit panicked; its connection was cut");
            }
            self.ended(Outcome::new(EndReason::Error));
        }
    }
}

/// How a connection went, for the disconnect line, the metrics and the insights.
struct Outcome {
    reason: EndReason,
    /// Each visit that started, in the order they ended.
    played: Vec<Played>,
    /// `None` when authentication never succeeded.
    identity: Option<Identity>,
}

impl Outcome {
    fn new(reason: EndReason) -> Self {
        Self { reason, played: Vec::new(), identity: None }
    }
}

/// The one owner of a connection's visits, its timers and its goodbye.
struct Supervisor<'a> {
    shared: &'a Shared,
    traffic: &'a Traffic,
    /// Cancelled to cut the socket.
    cut: CancellationToken,
    /// What the visitor types to get here.
    ssh_command: String,
    /// The visitor's address, for the message limits.
    peer: std::net::IpAddr,
}

/// How the supervisor's loop ended.
enum End {
    /// The server ends the connection: timers, shutdown.
    Server(EndReason),
    /// russh's session ended by itself: the client left or stopped answering.
    Gone(EndReason),
    /// Every visit ended and the client did not hang up within [`CLOSE_LINGER`].
    Lingered,
}

impl Supervisor<'_> {
    /// Runs the connection; returns how it went.
    async fn run<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
        &self,
        stream: CuttableStream<S>,
        handler: VisitorHandler,
        events: Events,
        admission: Admission,
    ) -> Outcome {
        // What is left of the login timeout (a PROXY header may have used some of it).
        let login = self.shared.settings.login_timeout.saturating_sub(self.traffic.age());
        let handshake = russh::server::run_stream(self.shared.ssh_config.clone(), stream, handler);
        let Events { mut identity, visits } = events;
        let mut outcome = match tokio::time::timeout(login, handshake).await {
            Ok(Ok(session)) => self.supervise(session, visits, admission).await,
            Ok(Err(err)) => Outcome::new(session_ended(Err(err), false)),
            Err(_) => {
                debug!("no SSH version line within the login timeout");
                Outcome::new(EndReason::LoginTimeout)
            }
        };
        outcome.identity = identity.try_recv().ok();
        outcome
    }

    /// Plays every session channel as its own visit while the connection's timers run;
    /// at the end tells the visits still playing why, lets them say goodbye, and
    /// disconnects when the server ended it.
    async fn supervise(
        &self,
        mut session: Session,
        mut visits: mpsc::Receiver<Visit>,
        mut admission: Admission,
    ) -> Outcome {
        let (ending_tx, ending) = watch::channel(None);
        let started = Started::default();
        let handle = session.handle();
        let mut playing = FuturesUnordered::new();
        let mut played = Vec::new();
        let mut waiting_for_first = true;
        let mut linger: Option<Instant> = None;
        let login_deadline = self.deadline(self.shared.settings.login_timeout);
        let end = loop {
            tokio::select! {
                ended = &mut session => break End::Gone(session_ended(ended, !waiting_for_first)),
                Some(visit) = visits.recv() => {
                    linger = None;
                    playing.push(self.visit(visit, handle.clone(), ending.clone(), &started));
                }
                Some(done) = playing.next() => {
                    played.extend(done);
                    if playing.is_empty() {
                        linger = Some(Instant::now() + CLOSE_LINGER);
                    }
                }
                () = started.wait(), if waiting_for_first => {
                    waiting_for_first = false;
                    admission.handshake_done();
                    self.shared.service.metrics.handshake.observe(self.traffic.age().as_secs_f64());
                }
                _ = tokio::time::sleep_until(login_deadline), if waiting_for_first => {
                    break End::Server(EndReason::LoginTimeout);
                }
                reason = self.timers() => break End::Server(reason),
                _ = super::keyboard::sleep_until(linger) => break End::Lingered,
            }
        };
        let told = match end {
            End::Server(reason) => reason,
            End::Gone(_) | End::Lingered => EndReason::ClientClosed,
        };
        ending_tx.send_replace(Some(told));
        let deadline = Instant::now() + self.shared.service.settings.drain_timeout;
        while let Ok(Some(done)) = tokio::time::timeout_at(deadline, playing.next()).await {
            played.extend(done);
        }
        drop(playing);
        let last = played.last().map(|played: &Played| played.reason);
        let reason = match end {
            End::Server(reason) => self.disconnect(&mut session, reason).await,
            // The client hung up once its visits ended: they say why it came to an end.
            End::Gone(EndReason::ClientClosed) => last.unwrap_or(EndReason::ClientClosed),
            End::Gone(reason) => reason,
            End::Lingered => last.unwrap_or(EndReason::ClientClosed),
        };
        Outcome { reason, played, identity: None }
    }

    /// When `timeout` after the socket was accepted is.
    fn deadline(&self, timeout: Duration) -> Instant {
        self.traffic.accepted() + timeout
    }

    /// Resolves when a connection timer or the server's shutdown ends the connection.
    async fn timers(&self) -> EndReason {
        let settings = &self.shared.settings;
        let idle = async {
            loop {
                let deadline = self.traffic.idle_deadline(settings.idle_timeout);
                tokio::time::sleep_until(deadline).await;
                if Instant::now() >= self.traffic.idle_deadline(settings.idle_timeout) {
                    return;
                }
            }
        };
        tokio::select! {
            _ = self.shared.service.shutdown.cancelled() => EndReason::Shutdown,
            _ = tokio::time::sleep_until(self.deadline(settings.max_session)) => EndReason::MaxSession,
            _ = idle => EndReason::Idle,
        }
    }

    /// Disconnects for `reason` within the drain deadline, and cuts the socket when the
    /// client does not take it (it stopped reading and russh's queues are full).
    async fn disconnect(&self, session: &mut Session, reason: EndReason) -> EndReason {
        let deadline = Instant::now() + self.shared.service.settings.drain_timeout;
        let handle = session.handle();
        let bye = handle.disconnect(russh::Disconnect::ByApplication, reason.as_str().into(), String::new());
        let _ = tokio::time::timeout_at(deadline, bye).await;
        if tokio::time::timeout_at(deadline, &mut *session).await.is_err() {
            debug!("cut at the drain deadline");
            self.cut.cancel();
            if tokio::time::timeout(CUT_GRACE, &mut *session).await.is_err() {
                debug!("russh's session did not end even after the cut");
            }
        }
        reason
    }
}

/// Why russh's session ended by itself: the client left, stopped answering keepalives,
/// or broke the protocol (an error before the visit started; the client leaving after).
fn session_ended(ended: Result<(), russh::Error>, started: bool) -> EndReason {
    match ended {
        Ok(()) => EndReason::ClientClosed,
        Err(russh::Error::KeepaliveTimeout) => EndReason::DeadPeer,
        Err(russh::Error::InactivityTimeout) => EndReason::Idle,
        Err(err) => {
            debug!(error = %err, "connection ended with an error");
            if started { EndReason::ClientClosed } else { EndReason::Error }
        }
    }
}
