//! The russh `Handler` for one connection: a thin adapter that answers every request
//! and turns what the visitor sends into events for the connection's visits.
//!
//! Every visitor is welcome, whatever user name and credentials their client sends —
//! except under the owner's name, which only a listed public key logs in (see
//! [`owner`](super::owner)); such a visit is marked as the owner's. Each session
//! channel is a visit of its own (OpenSSH's connection multiplexing opens several on one
//! connection), at most [`MAX_SESSIONS`] at once. For each, the handler answers every
//! channel request (an unanswered one hangs the client), remembers the PTY and the
//! terminal-describing environment, and on its first shell, exec or subsystem request
//! hands a [`Start`] to the visit. Callbacks never block: input goes to the visit
//! through a queue bounded in bytes that never waits and never drops a packet silently
//! ([`super::input`]), sizes through a watch channel, and the input's end (EOF or close)
//! is marked on the queue.
//!
//! A channel's `Channel` object is kept until its first request: a `sftp` subsystem and
//! an exec of `scp -f` read and write it as a byte stream; every other visit reads its
//! input from the callbacks, so the object is dropped at once (left unread, its queue
//! would fill and stall the connection). The subsystem is taken only on a channel that
//! asked for nothing else; X11, agent and port forwarding are refused. Deciding what to
//! show and building the view happen in the visit, not here.

use std::collections::HashMap;
use std::sync::Arc;

use ratatui_core::layout::Size;
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelStream};
use tokio::sync::{mpsc, oneshot, watch};
use tracing::debug;

use super::input::{Input, InputEnd, KeysSender, keys};
use super::owner::{self, Owner};
use super::traffic::Traffic;
use crate::admission::privacy::Redactor;
use crate::service::Service;
use crate::tui::ClientTerminal;
use crate::tui::geometry::{DEFAULT_SIZE, sanitize_size};

/// Most session channels open at once on one connection: OpenSSH's own `MaxSessions`
/// default (sshd_config(5)) is 10; a multiplexing client rarely needs more than a few.
pub const MAX_SESSIONS: usize = 10;

/// Longest terminal name (pty-req `TERM`) kept, in characters.
const MAX_TERM: usize = 64;

/// Environment requests a channel may send while its `Channel` object is still kept
/// (OpenSSH's `scp` and `sftp` send `LANG` and `LC_*` before their subsystem); past
/// this the object is dropped, so its unread queue never grows near russh's bound of
/// 100 messages.
const MAX_ENV_BEFORE_SETTLING: usize = 16;

/// The one subsystem served: the read-only download directory.
pub const SFTP: &str = "sftp";

/// Per-connection protocol state.
pub struct VisitorHandler {
    service: Arc<Service>,
    traffic: Arc<Traffic>,
    /// The user name as the privacy settings allow it to be logged.
    user: Option<String>,
    /// Taken when authentication succeeds.
    identity: Option<oneshot::Sender<Identity>>,
    /// The session channels open now, at most [`MAX_SESSIONS`].
    opened: HashMap<ChannelId, Opened>,
    /// Each new session channel, to the connection's supervisor.
    visits: mpsc::Sender<Visit>,
    /// The client's family, known once it has logged in.
    client_family: &'static str,
    owner: Arc<Owner>,
    /// Logged in as the owner, with one of the owner's keys.
    is_owner: bool,
}

/// One session channel as the handler knows it.
struct Opened {
    pty: bool,
    client: ClientTerminal,
    /// Taken by the first shell, exec or subsystem request.
    start: Option<oneshot::Sender<Start>>,
    keys: KeysSender,
    size: watch::Sender<Size>,
    /// Until the first request: kept for a byte-stream visit, else dropped.
    channel: Option<Channel<Msg>>,
    /// The visit reads the channel as a stream: the callbacks' copy of its data is not
    /// queued.
    streamed: bool,
    /// Environment requests so far.
    env_requests: usize,
}

/// Who the visitor says they are, for the disconnect line: the user name as the
/// privacy settings allow (`None` when they forbid it) and the client's SSH version
/// (RFC 4253 §4.2 software version, at most 64 printable ASCII characters).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user: Option<String>,
    pub client: String,
}

/// A session channel, for the supervisor to play.
pub struct Visit {
    pub channel: ChannelId,
    /// The channel's shell, exec or subsystem request; an error means it closed first.
    pub start: oneshot::Receiver<Start>,
    pub input: Input,
}

/// A shell, exec or subsystem request on a visitor's channel, with what the client told
/// us about its terminal before it.
pub struct Start {
    pub channel: ChannelId,
    /// The exec command, as sent (at most one SSH packet); `None` for a shell or a
    /// subsystem.
    pub command: Option<Vec<u8>>,
    /// The channel as a byte stream, for the `sftp` subsystem and `scp -f`.
    pub stream: Option<ChannelStream<Msg>>,
    /// Whether a PTY was requested.
    pub pty: bool,
    pub client: ClientTerminal,
    /// The client's family, from its version string ([`crate::insights::labels::client_family`]).
    pub client_family: &'static str,
    /// Logged in as the owner with one of the owner's keys.
    pub owner: bool,
}

impl std::fmt::Debug for Start {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Start")
            .field("channel", &self.channel)
            .field("command", &self.command.as_deref().map(String::from_utf8_lossy))
            .field("stream", &self.stream.is_some())
            .field("pty", &self.pty)
            .finish_non_exhaustive()
    }
}

/// The receiving ends of a handler's events, for the supervisor.
pub struct Events {
    /// Sent once authentication succeeds; an error means it never did.
    pub identity: oneshot::Receiver<Identity>,
    /// Every session channel the client opens.
    pub visits: mpsc::Receiver<Visit>,
}

impl VisitorHandler {
    /// A handler for one connection, and the events it will send its supervisor.
    pub fn new(service: Arc<Service>, traffic: Arc<Traffic>, owner: Arc<Owner>) -> (Self, Events) {
        let (identity_tx, identity) = oneshot::channel();
        let (visits_tx, visits) = mpsc::channel(MAX_SESSIONS);
        let handler = Self {
            service,
            traffic,
            user: None,
            identity: Some(identity_tx),
            opened: HashMap::new(),
            visits: visits_tx,
            client_family: "other",
            owner,
            is_owner: false,
        };
        (handler, Events { identity, visits })
    }

    fn redactor(&self) -> &Redactor {
        &self.service.redactor
    }

    /// The user name is logged only as the privacy settings allow.
    fn accept(&mut self, user: &str) -> Auth {
        self.user = self.redactor().user(user);
        Auth::Accept
    }

    /// `none`, a password or keyboard-interactive: anyone but the owner is welcome.
    fn anonymous(&mut self, user: &str) -> Auth {
        if self.owner.is_owner(user) { owner::key_only() } else { self.accept(user) }
    }

    /// The channel, while it has not started yet.
    fn before_start(&mut self, channel: ChannelId) -> Option<&mut Opened> {
        self.opened.get_mut(&channel).filter(|opened| opened.start.is_some())
    }

    /// Replies to a channel request: success when `ok`, failure otherwise.
    fn reply(channel: ChannelId, ok: bool, session: &mut Session) -> Result<(), russh::Error> {
        if ok { session.channel_success(channel) } else { session.channel_failure(channel) }
    }

    /// Hands the request on `channel` to its visit: an exec `command`, a subsystem
    /// (`stream` set: the channel read as bytes), or a shell; false if the channel is
    /// not ours or started already.
    fn start(&mut self, channel: ChannelId, command: Option<&[u8]>, stream: bool) -> bool {
        let (client_family, owner) = (self.client_family, self.is_owner);
        let Some(opened) = self.opened.get_mut(&channel) else { return false };
        let Some(start) = opened.start.take() else { return false };
        let object = opened.channel.take();
        opened.streamed = stream;
        let request = Start {
            channel,
            command: command.map(<[u8]>::to_vec),
            stream: object.filter(|_| stream).map(Channel::into_stream),
            pty: opened.pty,
            client: std::mem::take(&mut opened.client),
            client_family,
            owner,
        };
        // The visit is gone only when the connection is ending anyway.
        start.send(request).is_ok()
    }

    /// A request that settles the channel as one read through the callbacks.
    fn settle(&mut self, channel: ChannelId) {
        if let Some(opened) = self.before_start(channel) {
            opened.channel = None;
        }
    }
}

/// The client's version string, printable ASCII only and capped, for the logs.
fn client_name(version: &[u8]) -> String {
    let text = String::from_utf8_lossy(version);
    let text = text.strip_prefix("SSH-2.0-").unwrap_or(&text);
    text.chars().filter(|c| c.is_ascii_graphic() || *c == ' ').take(MAX_CLIENT_NAME).collect()
}

/// Longest client version string logged.
const MAX_CLIENT_NAME: usize = 64;

impl russh::server::Handler for VisitorHandler {
    type Error = russh::Error;

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        Ok(self.anonymous(user))
    }

    async fn auth_password(&mut self, user: &str, _password: &str) -> Result<Auth, Self::Error> {
        Ok(self.anonymous(user))
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        if self.owner.is_owner(user) {
            return Ok(owner::answer(&self.owner, offer.public_key));
        }
        Ok(Auth::Accept)
    }

    async fn auth_publickey(&mut self, user: &str, key: VerifiedPublicKey<'_>) -> Result<Auth, Self::Error> {
        if !self.owner.is_owner(user) {
            return Ok(self.accept(user));
        }
        let answer = owner::answer(&self.owner, key.public_key);
        self.is_owner = matches!(answer, Auth::Accept);
        Ok(if self.is_owner { self.accept(user) } else { answer })
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        Ok(self.anonymous(user))
    }

    async fn auth_succeeded(&mut self, session: &mut Session) -> Result<(), Self::Error> {
        self.client_family = crate::insights::labels::client_family(session.remote_sshid());
        if let Some(identity) = self.identity.take() {
            let client = client_name(session.remote_sshid());
            let _ = identity.send(Identity { user: self.user.take(), client });
        }
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.opened.len() >= MAX_SESSIONS {
            debug!(max = MAX_SESSIONS, "refused a session channel past the connection's maximum");
            return Ok(()); // dropping `reply` refuses the channel
        }
        let id = channel.id();
        let (keys_tx, keys_rx) = keys();
        let (size_tx, size) = watch::channel(DEFAULT_SIZE);
        let (start_tx, start) = oneshot::channel();
        let visit = Visit { channel: id, start, input: Input { keys: keys_rx, size } };
        if self.visits.try_send(visit).is_err() {
            return Ok(()); // the supervisor has not taken the last ones yet, or is gone
        }
        let opened = Opened {
            pty: false,
            client: ClientTerminal::default(),
            start: Some(start_tx),
            keys: keys_tx,
            size: size_tx,
            channel: Some(channel),
            streamed: false,
            env_requests: 0,
        };
        self.opened.insert(id, opened);
        reply.accept().await;
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.settle(channel);
        let opened = self.before_start(channel);
        let ok = opened.is_some();
        if let Some(opened) = opened {
            opened.pty = true;
            opened.size.send_replace(sanitize_size(cols, rows));
            opened.client.term = term.chars().filter(|c| c.is_ascii_graphic()).take(MAX_TERM).collect();
        }
        Self::reply(channel, ok, session)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let opened = self.before_start(channel);
        let ok = opened.is_some();
        if let Some(opened) = opened {
            opened.client.set_env(name, value);
            opened.env_requests += 1;
            if opened.env_requests > MAX_ENV_BEFORE_SETTLING {
                opened.channel = None;
            }
        }
        Self::reply(channel, ok, session)
    }

    async fn shell_request(&mut self, channel: ChannelId, session: &mut Session) -> Result<(), Self::Error> {
        self.settle(channel);
        let ok = self.start(channel, None, false);
        Self::reply(channel, ok, session)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let streamed = crate::downloads::scp::Command::parse(&String::from_utf8_lossy(data)).is_some();
        if !streamed {
            self.settle(channel);
        }
        let ok = self.start(channel, Some(data), streamed);
        Self::reply(channel, ok, session)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Only on a channel that asked for nothing else: its object is still kept.
        let untouched =
            self.before_start(channel).is_some_and(|opened| opened.channel.is_some() && !opened.pty);
        let ok = name == SFTP && untouched && self.start(channel, None, true);
        if !ok {
            debug!(sftp = name == SFTP, "refused a subsystem request");
        }
        Self::reply(channel, ok, session)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _x11_auth_protocol: &str,
        _x11_auth_cookie: &str,
        _x11_screen_number: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.settle(channel);
        session.channel_failure(channel)
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let opened = self.opened.get(&channel);
        if let Some(opened) = opened.filter(|opened| opened.pty) {
            opened.size.send_replace(sanitize_size(cols, rows));
        }
        Self::reply(channel, opened.is_some(), session)
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(opened) = self.opened.get(&channel) else { return Ok(()) };
        self.traffic.note_input(data.len());
        // Before its start a channel's input waits in its queue; a stream reads its own.
        if !opened.streamed {
            opened.keys.push(data);
        }
        Ok(())
    }

    async fn channel_eof(&mut self, channel: ChannelId, _session: &mut Session) -> Result<(), Self::Error> {
        if let Some(opened) = self.opened.get(&channel) {
            opened.keys.end(InputEnd::Eof);
        }
        Ok(())
    }

    async fn channel_close(&mut self, channel: ChannelId, _session: &mut Session) -> Result<(), Self::Error> {
        if let Some(opened) = self.opened.remove(&channel) {
            opened.keys.end(InputEnd::Closed); // the visit sees its input end and stops
        }
        Ok(())
    }
}
