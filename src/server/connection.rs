//! One visitor's connection from TCP accept to close, owned by one task: the
//! supervisor in [`serve`].
//!
//! The supervisor runs russh's handshake within the login timeout, then waits for the
//! visitor's shell or exec request, plays what they asked for ([`Play`]) and, in the
//! same `select!`, fires every timer: login grace (accept to shell or exec), idle (time
//! since the visitor's last *input*, not our output), the maximum session length and
//! server shutdown. Keepalive probes are russh's (its `Handle` cannot send them); a
//! peer that stops answering ends russh's session, which the supervisor reads as
//! `dead-peer`. Whatever ended the visit comes back *by value* as an [`EndReason`]:
//! the supervisor then says goodbye within the drain deadline — farewell, exit status,
//! and for the server's own reasons a disconnect — and cuts the socket, which works
//! even when the client stopped reading and russh's queues are full. Should the visit
//! panic, a drop guard cuts the socket and logs the end all the same.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ratatui_core::layout::Size;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, error, info, info_span};

use super::end_reason::EndReason;
use super::handler::{Events, Identity, VisitorHandler};
use super::output::Output;
use super::play::{Play, Start, Summary};
use super::screen::Input;
use super::shared::Shared;
use super::stream::CuttableStream;
use super::traffic::Traffic;
use crate::admission::limits::Admission;
use crate::record::Event;

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

/// How long a client may keep the connection open after its only channel closed; it
/// normally hangs up at once (as OpenSSH does), and the server closes it after this.
const CLOSE_LINGER: Duration = Duration::from_secs(2);

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

    /// Counts and logs the end of the visit: the insights, and the disconnect line, the
    /// one line a visit logs at `info`, with everything learnt about it.
    fn ended(&mut self, outcome: Outcome) {
        self.logged = true;
        let duration = self.traffic.age();
        let reason = outcome.reason.as_str();
        let sections_viewed = outcome.summary.sections_viewed;
        let visit = outcome.summary.visit.map(|mut visit| {
            visit.end = Some(reason);
            visit.spent = (visit.kind == Some(crate::insights::Kind::Interactive)).then_some(duration);
            visit
        });
        let source = self.peer;
        self.shared.service.record(Event::Ended { reason, duration, visit: visit.as_ref(), source });
        let user = outcome.identity.as_ref().and_then(|identity| identity.user.as_deref());
        let client = outcome.identity.as_ref().map(|identity| identity.client.as_str());
        let (term, size) = match &outcome.terminal {
            Some((term, size)) => (Some(term.as_str()), Some(size)),
            None => (None, None),
        };
        info!(
            duration_ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
            bytes_sent = self.traffic.bytes_sent(),
            bytes_received = self.traffic.bytes_received(),
            sections_viewed,
            peak_buffered = self.traffic.peak_unflushed(),
            reason,
            exit_status = outcome.exit_status,
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

/// How a visit went, for the disconnect line, the metrics and the insights.
struct Outcome {
    reason: EndReason,
    /// What the visit showed; the default when it never started.
    summary: Summary,
    /// `None` when authentication never succeeded.
    identity: Option<Identity>,
    /// The pty-req's terminal name and size; `None` without a PTY or a start.
    terminal: Option<(String, Size)>,
    /// The channel's exit status; `None` when the visit never started.
    exit_status: Option<u32>,
}

impl Outcome {
    fn new(reason: EndReason) -> Self {
        Self { reason, summary: Summary::default(), identity: None, terminal: None, exit_status: None }
    }
}

/// The one owner of a connection's visit, its timers and its goodbye.
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

impl Supervisor<'_> {
    /// Runs the connection; returns how the visit went.
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
        let Events { mut identity, start, input } = events;
        let mut outcome = match tokio::time::timeout(login, handshake).await {
            Ok(Ok(session)) => self.supervise(session, start, input, admission).await,
            Ok(Err(err)) => Outcome::new(session_ended(Err(err), false)),
            Err(_) => {
                debug!("no SSH version line within the login timeout");
                Outcome::new(EndReason::LoginTimeout)
            }
        };
        outcome.identity = identity.try_recv().ok();
        outcome
    }

    /// Waits for the shell or exec request, plays it while the timers run, says goodbye.
    async fn supervise(
        &self,
        mut session: Session,
        start: oneshot::Receiver<Start>,
        mut input: Input,
        mut admission: Admission,
    ) -> Outcome {
        let login_deadline = self.deadline(self.shared.settings.login_timeout);
        let shutdown = &self.shared.service.shutdown;
        let start = tokio::select! {
            ended = &mut session => return Outcome::new(session_ended(ended, false)),
            start = start => match start {
                Ok(start) => start,
                Err(_) => return Outcome::new(session_ended((&mut session).await, false)),
            },
            _ = tokio::time::sleep_until(login_deadline) => {
                return Outcome::new(self.disconnect(&mut session, EndReason::LoginTimeout).await);
            }
            _ = shutdown.cancelled() => return Outcome::new(self.disconnect(&mut session, EndReason::Shutdown).await),
        };
        admission.handshake_done();
        self.shared.service.metrics.handshake.observe(self.traffic.age().as_secs_f64());
        let size = *input.size.borrow_and_update();
        let mut play = Play::new(&start, size, self.shared, &self.ssh_command, self.peer);
        let out = Output::new(session.handle(), start.channel, self.traffic, &self.shared.service.metrics);
        let terminal = start.pty.then(|| (start.client.term.clone(), size));
        // The goodbye is owed unless russh's session has already ended.
        let (reason, goodbye) = tokio::select! {
            reason = play.run(&out, &mut input) => (reason, true),
            reason = self.timers() => (reason, true),
            ended = &mut session => (session_ended(ended, true), false),
        };
        let reason = if goodbye { self.goodbye(&mut session, &mut play, &out, reason).await } else { reason };
        Outcome {
            reason,
            summary: play.summary(),
            identity: None,
            terminal,
            exit_status: Some(play.exit_status()),
        }
    }

    /// When `timeout` after the socket was accepted is.
    fn deadline(&self, timeout: Duration) -> Instant {
        self.traffic.accepted() + timeout
    }

    /// Resolves when a timer or the server's shutdown ends the visit.
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

    /// Ends the visit for `reason`: the farewell and exit status (unless the visitor
    /// closed the channel), then a disconnect when the server ended it, or a short wait
    /// for the client to hang up when the visitor did; the socket is cut in the end.
    async fn goodbye(
        &self,
        session: &mut Session,
        play: &mut Play,
        out: &Output<'_>,
        reason: EndReason,
    ) -> EndReason {
        let deadline = Instant::now() + self.shared.service.settings.drain_timeout;
        if reason != EndReason::ClientClosed {
            let farewell = play.farewell(reason);
            let said = async {
                let _ = out.send(farewell).await;
                out.finish(play.exit_status()).await;
            };
            if tokio::time::timeout_at(deadline, said).await.is_err() {
                debug!("the client did not take the farewell before the drain deadline");
            }
        }
        if reason.by_server() {
            return self.disconnect(session, reason).await;
        }
        // The channel is closed; the client normally hangs up at once.
        let _ = tokio::time::timeout(CLOSE_LINGER, &mut *session).await;
        reason
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
