//! One visitor's connection from TCP accept to close: its shared state, its timers and
//! how it ends.
//!
//! [`Connection`] is shared (behind an `Arc`) by the russh handler, the visitor's
//! session task and the supervising task here. The supervisor owns every timer: the
//! login grace (handshake plus shell/exec request), idle (time since the visitor's last
//! *input*, not our output), the maximum session length, and server shutdown. To end a
//! session it first asks the session task to say goodbye (`end`), waits up to the drain
//! deadline for that, disconnects, and finally cuts the socket, which works even when
//! the client stopped reading and russh's queues are full.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, field, info, info_span};

use super::Shared;
use super::handler::VisitorHandler;
use super::limits::Admission;
use super::stream::{CuttableStream, WriteMeter};

/// Why a visitor's session ended, for the disconnect log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// Not decided yet.
    Unknown,
    Quit,
    /// An exec request that printed its output.
    Done,
    Idle,
    MaxSession,
    LoginTimeout,
    DeadPeer,
    Shutdown,
    ClientClosed,
    Error,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Unknown | EndReason::ClientClosed => "client-closed",
            EndReason::Quit => "quit",
            EndReason::Done => "done",
            EndReason::Idle => "idle",
            EndReason::MaxSession => "max-session",
            EndReason::LoginTimeout => "login-timeout",
            EndReason::DeadPeer => "dead-peer",
            EndReason::Shutdown => "shutdown",
            EndReason::Error => "error",
        }
    }

    /// The line a visitor reads when the server ends their session.
    pub fn farewell(self) -> &'static str {
        match self {
            EndReason::Shutdown => "The server is restarting — reconnect in a moment.",
            EndReason::Idle => "Closed after a while without input — reconnect any time.",
            EndReason::MaxSession => "This session reached its time limit — reconnect any time.",
            _ => "Thanks for reading. Goodbye!",
        }
    }
}

/// State one connection shares between its handler, session task and supervisor.
#[derive(Debug)]
pub struct Connection {
    pub id: u64,
    pub peer: SocketAddr,
    accepted: Instant,
    bytes_sent: AtomicU64,
    bytes_received: AtomicU64,
    /// Milliseconds after `accepted` of the visitor's last input.
    last_input_ms: AtomicU64,
    reason: Mutex<EndReason>,
    /// Cancelled when a shell or exec request started the visitor's session task.
    started: CancellationToken,
    /// Cancelled once the session task has said goodbye and closed the channel.
    finished: CancellationToken,
    /// Cancelled to ask the session task to say goodbye (the reason is already set).
    end: CancellationToken,
    /// Cancelled to cut the socket.
    cut: CancellationToken,
    /// What has actually reached the socket.
    meter: Arc<WriteMeter>,
    /// The most output ever waiting in russh's buffers at once.
    peak_unflushed: AtomicU64,
    /// How many distinct sections the visitor opened.
    pub sections_viewed: AtomicU32,
    /// When the first frame was sent, if it was.
    first_frame: AtomicBool,
}

impl Connection {
    /// `accepted`: when the socket was accepted, which the login timeout counts from.
    pub fn new(id: u64, peer: SocketAddr, accepted: Instant, cut: CancellationToken) -> Self {
        Self {
            id,
            peer,
            accepted,
            bytes_sent: AtomicU64::new(0),
            bytes_received: AtomicU64::new(0),
            last_input_ms: AtomicU64::new(0),
            reason: Mutex::new(EndReason::Unknown),
            started: CancellationToken::new(),
            finished: CancellationToken::new(),
            end: CancellationToken::new(),
            cut,
            meter: Arc::default(),
            peak_unflushed: AtomicU64::new(0),
            sections_viewed: AtomicU32::new(0),
            first_frame: AtomicBool::new(false),
        }
    }

    /// Time since TCP accept.
    pub fn age(&self) -> Duration {
        self.accepted.elapsed()
    }

    /// True the first time it is called: the first frame is being sent.
    pub fn first_frame(&self) -> bool {
        !self.first_frame.swap(true, Ordering::Relaxed)
    }

    pub fn bytes_sent(&self) -> u64 {
        self.bytes_sent.load(Ordering::Relaxed)
    }

    pub fn add_sent(&self, bytes: usize) {
        self.bytes_sent.fetch_add(bytes as u64, Ordering::Relaxed);
        self.peak_unflushed.fetch_max(self.unflushed(), Ordering::Relaxed);
    }

    /// Output handed to russh that has not reached the socket yet (an estimate from
    /// below: the socket also carries protocol framing).
    pub fn unflushed(&self) -> u64 {
        self.bytes_sent().saturating_sub(self.meter.written())
    }

    /// Resolves once at most `budget` bytes of output wait in russh's buffers.
    pub async fn wait_for_room(&self, budget: u64) {
        self.meter.wait_until(|| self.unflushed() <= budget).await
    }

    pub fn bytes_received(&self) -> u64 {
        self.bytes_received.load(Ordering::Relaxed)
    }

    /// The visitor typed something: counts as activity for the idle timer.
    pub fn note_input(&self, bytes: usize) {
        self.bytes_received.fetch_add(bytes as u64, Ordering::Relaxed);
        let now = self.accepted.elapsed().as_millis() as u64;
        self.last_input_ms.store(now, Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_input_ms.load(Ordering::Relaxed));
        self.accepted.elapsed().saturating_sub(last)
    }

    pub fn reason(&self) -> EndReason {
        self.reason.lock().map_or(EndReason::Error, |r| *r)
    }

    /// Records why the session ends; the first reason given wins.
    pub fn set_reason(&self, reason: EndReason) {
        if let Ok(mut slot) = self.reason.lock()
            && *slot == EndReason::Unknown
        {
            *slot = reason;
        }
    }

    pub fn mark_started(&self) {
        self.started.cancel();
    }

    pub fn started(&self) -> bool {
        self.started.is_cancelled()
    }

    pub fn mark_finished(&self) {
        self.finished.cancel();
    }

    /// Resolves when the server asks the session to end; see [`Connection::reason`].
    pub async fn end_requested(&self) {
        self.end.cancelled().await
    }

    /// Cuts the socket: all I/O on it fails from now on.
    pub fn cut(&self) {
        self.cut.cancel();
    }
}

/// Who connected and the address they reached: the socket's own, or what a load
/// balancer's PROXY header says.
#[derive(Debug, Clone, Copy)]
pub struct Endpoints {
    pub peer: SocketAddr,
    /// The address the visitor connected to (shown in help when no public host is set).
    pub local: Option<SocketAddr>,
}

/// Kernel send buffer per connection.
pub const SOCKET_SEND_BUFFER: usize = 64 * 1024;

/// Serves one accepted socket until the visitor leaves or a timer ends the session.
pub async fn serve(socket: TcpStream, endpoints: Endpoints, admission: Admission, shared: Arc<Shared>) {
    let Endpoints { peer, local } = endpoints;
    let id = admission.id;
    let span = info_span!(
        "session",
        session = id,
        peer = field::Empty,
        user = field::Empty,
        client = field::Empty,
        term = field::Empty,
        cols = field::Empty,
        rows = field::Empty,
    );
    if let Some(peer) = shared.redactor.peer(peer.ip()) {
        span.record("peer", peer);
    }
    async move {
        let conn = Arc::new(Connection::new(id, peer, admission.accepted, shared.cut_all.child_token()));
        shared.metrics.sessions_started.inc();
        shared.metrics.sessions_active.inc();
        let _ = socket.set_nodelay(true);
        // A fixed send buffer bounds what the kernel holds for a client that stopped
        // reading; a frame or the whole printed résumé fits many times over.
        let _ = socket2::SockRef::from(&socket).set_send_buffer_size(SOCKET_SEND_BUFFER);
        info!("connected");
        let stream = CuttableStream::new(socket, conn.cut.clone(), conn.meter.clone());
        let handler = VisitorHandler::new(shared.clone(), conn.clone(), local);
        // What is left of the login timeout (a PROXY header may have used some of it).
        let login = shared.settings.login_timeout.saturating_sub(conn.age());
        let handshake = russh::server::run_stream(shared.ssh_config.clone(), stream, handler);
        let outcome = match tokio::time::timeout(login, handshake).await {
            Ok(Ok(session)) => supervise(session, &conn, &shared, admission).await,
            Ok(Err(err)) => Err(classify(&conn, err)),
            Err(_) => {
                conn.set_reason(EndReason::LoginTimeout);
                Err("no SSH version line within the login timeout".to_owned())
            }
        };
        conn.cut();
        if let Err(err) = &outcome {
            debug!(error = %err, "connection ended with an error");
            if conn.reason() == EndReason::Unknown && !conn.started() {
                conn.set_reason(EndReason::Error);
            }
        }
        let duration = conn.accepted.elapsed();
        let reason = conn.reason().as_str();
        shared.metrics.session_ended(reason, duration);
        info!(
            duration_ms = duration.as_millis() as u64,
            bytes_sent = conn.bytes_sent(),
            bytes_received = conn.bytes_received(),
            sections_viewed = conn.sections_viewed.load(Ordering::Relaxed),
            peak_buffered = conn.peak_unflushed.load(Ordering::Relaxed),
            reason,
            "disconnected"
        );
    }
    .instrument(span)
    .await
}

type Session = russh::server::RunningSession<VisitorHandler>;

/// Notes what a protocol error says about why the connection ended.
fn classify(conn: &Connection, err: russh::Error) -> String {
    match err {
        russh::Error::KeepaliveTimeout => conn.set_reason(EndReason::DeadPeer),
        russh::Error::InactivityTimeout => conn.set_reason(EndReason::Idle),
        _ => {}
    }
    err.to_string()
}

/// Runs the established connection, firing its timers, until it ends.
async fn supervise(
    mut session: Session,
    conn: &Connection,
    shared: &Shared,
    mut admission: Admission,
) -> Result<(), String> {
    let settings = &shared.settings;
    let login_deadline = conn.accepted + settings.login_timeout;
    let max_deadline = conn.accepted + settings.max_session;
    let mut logging_in = true;
    let mut closed_at = None;
    let reason = loop {
        let idle_deadline = Instant::now() + settings.idle_timeout.saturating_sub(conn.idle_for());
        let linger_deadline = closed_at.map_or(max_deadline, |closed| closed + CLOSE_LINGER);
        tokio::select! {
            ended = &mut session => return ended.map_err(|err| classify(conn, err)),
            _ = conn.finished.cancelled(), if closed_at.is_none() => closed_at = Some(Instant::now()),
            _ = tokio::time::sleep_until(linger_deadline.into()), if closed_at.is_some() => {
                conn.cut(); // the channel is closed and the client did not hang up
                return Ok(());
            }
            _ = shared.shutdown.cancelled() => break EndReason::Shutdown,
            _ = conn.started.cancelled(), if logging_in => {
                logging_in = false;
                admission.handshake_done();
            }
            _ = tokio::time::sleep_until(login_deadline.into()), if logging_in => break EndReason::LoginTimeout,
            _ = tokio::time::sleep_until(max_deadline.into()) => break EndReason::MaxSession,
            _ = tokio::time::sleep_until(idle_deadline.into()) => {
                if conn.idle_for() >= settings.idle_timeout { break EndReason::Idle }
            }
        }
    };
    goodbye(session, conn, shared, reason).await
}

/// How long a client may keep the connection open after its only channel closed; it
/// normally hangs up at once (as OpenSSH does), and the server closes it after this.
const CLOSE_LINGER: Duration = Duration::from_secs(2);

/// Ends the session for `reason`: farewell first, then disconnect, then cut.
async fn goodbye(
    mut session: Session,
    conn: &Connection,
    shared: &Shared,
    reason: EndReason,
) -> Result<(), String> {
    conn.set_reason(reason);
    conn.end.cancel();
    // One deadline for the whole goodbye: farewell, disconnect, and russh writing both.
    let deadline = tokio::time::Instant::now() + shared.settings.drain_timeout;
    if conn.started() {
        let _ = tokio::time::timeout_at(deadline, conn.finished.cancelled()).await;
    }
    let handle = session.handle();
    let bye = handle.disconnect(russh::Disconnect::ByApplication, reason.as_str().into(), String::new());
    let _ = tokio::time::timeout_at(deadline, bye).await;
    if let Ok(ended) = tokio::time::timeout_at(deadline, &mut session).await {
        return ended.map(|_| ()).or(Ok(()));
    }
    // The client is not reading: cut the socket, which ends russh's loop at once.
    conn.cut();
    match tokio::time::timeout(CUT_GRACE, &mut session).await {
        Ok(_) => Err("cut at the drain deadline".to_owned()),
        Err(_) => Err("did not close even after the cut".to_owned()),
    }
}

/// How long russh's loop gets to notice a cut socket.
const CUT_GRACE: Duration = Duration::from_secs(1);

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        Connection::new(1, "127.0.0.1:1".parse().unwrap(), Instant::now(), CancellationToken::new())
    }

    #[test]
    fn the_first_reason_wins() {
        let conn = conn();
        assert_eq!(conn.reason().as_str(), "client-closed");
        conn.set_reason(EndReason::Shutdown);
        conn.set_reason(EndReason::ClientClosed);
        assert_eq!(conn.reason(), EndReason::Shutdown);
    }

    #[test]
    fn input_resets_idleness() {
        let conn = conn();
        std::thread::sleep(Duration::from_millis(20));
        assert!(conn.idle_for() >= Duration::from_millis(20));
        conn.note_input(3);
        assert!(conn.idle_for() < Duration::from_millis(20));
        assert_eq!(conn.bytes_received(), 3);
    }
}
