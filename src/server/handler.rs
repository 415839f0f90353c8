//! The russh `Handler` for one connection: a thin adapter that answers every request
//! and turns what the visitor sends into events for the connection's visit.
//!
//! Every visitor is welcome, whatever user name and credentials their client sends —
//! except under the owner's name, which only a listed public key logs in (see
//! [`owner`](super::owner)); such a visit is marked as the owner's. It opens one
//! session channel, answers every channel request (an unanswered one
//! hangs the client), remembers the PTY and the terminal-describing environment, and on
//! the first shell or exec request hands a [`Start`] to the visit. Callbacks never
//! block: input goes to the visit through a bounded queue with `try_send` (dropped when
//! full), sizes through a watch channel. The one exception is `message`, whose visit
//! reads stdin to EOF and must lose none of it: its input waits for room in the queue
//! (russh then stops reading the connection, which is the backpressure), its EOF ends
//! the visit's input, and the visit closes the queue once it has read enough. Subsystems, X11, agent and port forwarding are
//! refused. Deciding what to show and building the view happen in the visit, not here.

use std::sync::Arc;

use bytes::Bytes;
use ratatui_core::layout::Size;
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId};
use tokio::sync::{mpsc, oneshot, watch};
use tracing::debug;

use super::exec_message::MAX_STDIN;
use super::owner::{self, Owner};
use super::play::Start;
use super::screen::{INPUT_QUEUE, Input};
use super::traffic::Traffic;
use crate::admission::privacy::Redactor;
use crate::service::Service;
use crate::tui::ClientTerminal;
use crate::tui::geometry::{DEFAULT_SIZE, sanitize_size};

/// Most bytes of one input packet passed on: keys are a few bytes each, and a huge
/// paste means nothing to a résumé viewer, so the rest is dropped.
pub const MAX_INPUT_CHUNK: usize = 1024;

/// Longest terminal name (pty-req `TERM`) kept, in characters.
const MAX_TERM: usize = 64;

/// Per-connection protocol state.
pub struct VisitorHandler {
    service: Arc<Service>,
    traffic: Arc<Traffic>,
    /// The user name as the privacy settings allow it to be logged.
    user: Option<String>,
    /// Taken when authentication succeeds.
    identity: Option<oneshot::Sender<Identity>>,
    channel: Option<ChannelId>,
    pty: bool,
    client: ClientTerminal,
    /// Taken by the first shell or exec request.
    start: Option<oneshot::Sender<Start>>,
    /// Dropped when the channel closes: the visit sees its input end.
    input: Option<mpsc::Sender<Bytes>>,
    /// The exec command is `message`: stdin is read whole, to EOF.
    reads_stdin: bool,
    size: watch::Sender<Size>,
    /// The client's family, known once it has logged in.
    client_family: &'static str,
    owner: Arc<Owner>,
    /// Logged in as the owner, with one of the owner's keys.
    is_owner: bool,
}

/// Who the visitor says they are, for the disconnect line: the user name as the
/// privacy settings allow (`None` when they forbid it) and the client's SSH version
/// (RFC 4253 §4.2 software version, at most 64 printable ASCII characters).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user: Option<String>,
    pub client: String,
}

/// The receiving ends of a handler's events, for the visit.
pub struct Events {
    /// Sent once authentication succeeds; an error means it never did.
    pub identity: oneshot::Receiver<Identity>,
    /// The shell or exec request; an error means the connection ended before one came.
    pub start: oneshot::Receiver<Start>,
    pub input: Input,
}

impl VisitorHandler {
    /// A handler for one connection, and the events it will send the visit.
    pub fn new(service: Arc<Service>, traffic: Arc<Traffic>, owner: Arc<Owner>) -> (Self, Events) {
        let (identity_tx, identity) = oneshot::channel();
        let (start_tx, start) = oneshot::channel();
        let (input_tx, input) = mpsc::channel(INPUT_QUEUE);
        let (size_tx, size) = watch::channel(DEFAULT_SIZE);
        let handler = Self {
            service,
            traffic,
            user: None,
            identity: Some(identity_tx),
            channel: None,
            pty: false,
            client: ClientTerminal::default(),
            start: Some(start_tx),
            input: Some(input_tx),
            reads_stdin: false,
            size: size_tx,
            client_family: "other",
            owner,
            is_owner: false,
        };
        (handler, Events { identity, start, input: Input { keys: input, size } })
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

    fn is_ours(&self, channel: ChannelId) -> bool {
        self.channel == Some(channel)
    }

    fn started(&self) -> bool {
        self.start.is_none()
    }

    /// Replies to a channel request: success when `ok`, failure otherwise.
    fn reply(channel: ChannelId, ok: bool, session: &mut Session) -> Result<(), russh::Error> {
        if ok { session.channel_success(channel) } else { session.channel_failure(channel) }
    }

    /// Hands the shell or exec request on `channel` to the visit; false if one came
    /// already or the channel is not ours.
    fn start(&mut self, channel: ChannelId, command: Option<&[u8]>) -> bool {
        if !self.is_ours(channel) {
            return false;
        }
        let Some(start) = self.start.take() else { return false };
        let request = Start {
            channel,
            command: command.map(<[u8]>::to_vec),
            pty: self.pty,
            client: std::mem::take(&mut self.client),
            client_family: self.client_family,
            owner: self.is_owner,
        };
        // The visit is gone only when the connection is ending anyway.
        start.send(request).is_ok()
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
        if self.channel.is_some() {
            debug!("refused a second session channel");
            return Ok(()); // dropping `reply` refuses the channel
        }
        // Events reach us through the callbacks; the channel object is not read, so it
        // is dropped rather than left to fill up and stall the connection.
        self.channel = Some(channel.id());
        drop(channel);
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
        let ok = self.is_ours(channel) && !self.started();
        if ok {
            let size = sanitize_size(cols, rows);
            self.pty = true;
            self.size.send_replace(size);
            self.client.term = term.chars().filter(|c| c.is_ascii_graphic()).take(MAX_TERM).collect();
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
        let ok = self.is_ours(channel) && !self.started();
        if ok {
            self.client.set_env(name, value);
        }
        Self::reply(channel, ok, session)
    }

    async fn shell_request(&mut self, channel: ChannelId, session: &mut Session) -> Result<(), Self::Error> {
        let ok = self.start(channel, None);
        Self::reply(channel, ok, session)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let ok = self.start(channel, Some(data));
        self.reads_stdin = ok && super::command::reads_stdin(data);
        Self::reply(channel, ok, session)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
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
        if self.is_ours(channel) && self.pty {
            self.size.send_replace(sanitize_size(cols, rows));
        }
        Self::reply(channel, self.is_ours(channel), session)
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.is_ours(channel) {
            return Ok(());
        }
        self.traffic.note_input(data.len());
        let Some(input) = self.input.as_ref().filter(|_| self.started()) else { return Ok(()) };
        if self.reads_stdin {
            // Waits for room (a closed queue answers at once): nothing of it is lost. A
            // chunk longer than a whole message is too long anyway, so the queue holds at
            // most INPUT_QUEUE × MAX_STDIN bytes.
            let input = input.clone();
            let chunk = &data[..data.len().min(MAX_STDIN + 1)];
            let _ = input.send(Bytes::copy_from_slice(chunk)).await;
        } else {
            // A full queue means the visitor types faster than we draw: drop the excess.
            let chunk = &data[..data.len().min(MAX_INPUT_CHUNK)];
            let _ = input.try_send(Bytes::copy_from_slice(chunk));
        }
        Ok(())
    }

    async fn channel_eof(&mut self, channel: ChannelId, _session: &mut Session) -> Result<(), Self::Error> {
        if self.is_ours(channel) && self.reads_stdin {
            self.input = None; // `message` has read the whole of stdin
        }
        Ok(())
    }

    async fn channel_close(&mut self, channel: ChannelId, _session: &mut Session) -> Result<(), Self::Error> {
        if self.is_ours(channel) {
            self.input = None; // the visit sees its input end and stops
        }
        Ok(())
    }
}
