//! The russh `Handler` for one connection: a thin adapter from protocol callbacks to
//! the visitor's session task.
//!
//! It accepts any user with any (or no) credentials, opens one session channel, answers
//! every channel request (an unanswered one hangs the client), remembers the PTY size and
//! the terminal-describing environment, and on shell or exec starts the session task.
//! Callbacks never block: input goes to the task through a bounded queue with
//! `try_send` (dropped when full), sizes through a watch channel. Subsystems, X11, agent
//! and port forwarding are refused.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use ratatui::layout::Size;
use russh::server::{Auth, ChannelOpenHandle, Msg, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId};
use tokio::sync::{mpsc, watch};
use tracing::{Instrument, Span, debug};

use super::Shared;
use super::command::{self, Request};
use super::connection::Connection;
use super::output::Output;
use super::session::{self, INPUT_QUEUE, Inbox};
use crate::resume::export::{self, Format};
use crate::tui::geometry::sanitize_size;
use crate::tui::{App, ClientTerminal, Theme};

/// Most bytes of one input packet passed on: keys are a few bytes each, and a huge
/// paste means nothing to a résumé viewer, so the rest is dropped.
pub const MAX_INPUT_CHUNK: usize = 1024;

/// Per-connection protocol state; the session task owns everything else.
pub struct VisitorHandler {
    shared: Arc<Shared>,
    local: Option<SocketAddr>,
    conn: Arc<Connection>,
    /// The connection's log span; russh runs callbacks in a task of its own.
    span: Span,
    channel: Option<ChannelId>,
    pty: Option<Size>,
    client: ClientTerminal,
    started: bool,
    input: Option<mpsc::Sender<Bytes>>,
    size: Option<watch::Sender<Size>>,
}

impl VisitorHandler {
    pub fn new(shared: Arc<Shared>, conn: Arc<Connection>, local: Option<SocketAddr>) -> Self {
        Self {
            shared,
            local,
            conn,
            span: Span::current(),
            channel: None,
            pty: None,
            client: ClientTerminal::default(),
            started: false,
            input: None,
            size: None,
        }
    }

    /// Runs the visitor's session task in this connection's log span; a panic in it
    /// ends this session only.
    fn spawn_session(&self, out: Output, task: impl Future<Output = ()> + Send + 'static) {
        let guarded = session::guarded(out, task.instrument(self.span.clone()));
        self.shared.tracker.spawn(guarded.instrument(self.span.clone()));
    }

    /// Every visitor is welcome, whatever user name and credentials their client sends;
    /// the name is logged only as privacy settings allow.
    fn accept(&self, user: &str) -> Auth {
        if let Some(user) = self.shared.redactor.user(user) {
            self.span.record("user", user);
        }
        Auth::Accept
    }

    fn is_ours(&self, channel: ChannelId) -> bool {
        self.channel == Some(channel)
    }

    /// Replies to a channel request: success when `ok`, failure otherwise.
    fn reply(channel: ChannelId, ok: bool, session: &mut Session) -> Result<(), russh::Error> {
        if ok { session.channel_success(channel) } else { session.channel_failure(channel) }
    }

    /// `host` or `-p PORT host`: what a visitor types to get here.
    fn ssh_target(&self) -> String {
        if let Some(public) = &self.shared.settings.public_host {
            return public_ssh_target(public);
        }
        match self.local {
            Some(addr) if addr.port() == 22 => addr.ip().to_string(),
            Some(addr) => format!("-p {} {}", addr.port(), addr.ip()),
            None => "HOST".to_owned(),
        }
    }

    /// Starts what the visitor asked for on `channel`; false if already started.
    fn start(&mut self, channel: ChannelId, command: Option<&[u8]>, session: &mut Session) -> bool {
        if self.started || !self.is_ours(channel) {
            return false;
        }
        self.started = true;
        self.conn.mark_started();
        let doc = self.shared.current_resume();
        let interactive = self.pty.is_some() && !self.client.is_dumb();
        let request = command::resolve(command, interactive, &doc.outline);
        self.shared.metrics.handshake.observe(self.conn.age().as_secs_f64());
        self.shared.metrics.exec_command(command::metric_name(command, &request));
        let panic_requested = self.shared.settings.panic_command.as_deref().map(str::as_bytes);
        if panic_requested.is_some() && panic_requested == command {
            let out = Output::new(session.handle(), channel, self.conn.clone(), self.shared.clone());
            self.spawn_session(out, async { panic!("test-only panic trigger") });
            return true;
        }
        let out = Output::new(session.handle(), channel, self.conn.clone(), self.shared.clone());
        let pty = self.pty.is_some();
        debug!(?request, term = %self.client.term, "starting");
        match request {
            Request::Interactive { section, linear } => self.start_interactive(doc, section, linear, out),
            Request::Print { format, section } => {
                let text = match (format, section) {
                    (Format::Text, Some(index)) => {
                        export::section_text(&doc.outline.sections[index], crate::resume::PRINT_WIDTH)
                    }
                    _ => doc.printed(format).to_owned(),
                };
                self.spawn_session(out.clone(), session::print(out, text, pty, false, 0));
            }
            Request::Help => {
                let text = command::usage(&self.ssh_target(), &doc.outline);
                self.spawn_session(out.clone(), session::print(out, text, pty, false, 0));
            }
            Request::Unknown { message } => {
                let text = message.replace("ssh HOST", &format!("ssh {}", self.ssh_target()));
                self.spawn_session(out.clone(), session::print(out, text, pty, true, 2));
            }
        }
        true
    }

    fn start_interactive(
        &mut self,
        doc: Arc<crate::resume::Loaded>,
        section: Option<usize>,
        linear: bool,
        out: Output,
    ) {
        let size = self.pty.unwrap_or(crate::tui::geometry::DEFAULT_SIZE);
        let theme = Theme::new(self.client.profile());
        let mut app = App::new(doc, theme, size).with_ssh_command(format!("ssh {}", self.ssh_target()));
        if let Some(index) = section {
            app.select_section(index);
        }
        if linear {
            app.open_linear();
        }
        let (input_tx, input_rx) = mpsc::channel(INPUT_QUEUE);
        let (size_tx, size_rx) = watch::channel(size);
        self.input = Some(input_tx);
        self.size = Some(size_tx);
        let mut resume = self.shared.resume.clone();
        resume.mark_unchanged();
        let inbox = Inbox { input: input_rx, size: size_rx, resume };
        self.spawn_session(out.clone(), session::run_interactive(app, inbox, out));
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
        Ok(self.accept(user))
    }

    async fn auth_password(&mut self, user: &str, _password: &str) -> Result<Auth, Self::Error> {
        Ok(self.accept(user))
    }

    async fn auth_publickey(&mut self, user: &str, _key: VerifiedPublicKey<'_>) -> Result<Auth, Self::Error> {
        Ok(self.accept(user))
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        Ok(self.accept(user))
    }

    async fn auth_succeeded(&mut self, session: &mut Session) -> Result<(), Self::Error> {
        self.span.record("client", client_name(session.remote_sshid()));
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
        let ok = self.is_ours(channel) && !self.started;
        if ok {
            let size = sanitize_size(cols, rows);
            self.pty = Some(size);
            self.client.term = term.chars().filter(|c| c.is_ascii_graphic()).take(64).collect();
            self.span.record("term", self.client.term.as_str());
            self.span.record("cols", size.width);
            self.span.record("rows", size.height);
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
        let ok = self.is_ours(channel) && !self.started;
        if ok {
            self.client.set_env(name, value);
        }
        Self::reply(channel, ok, session)
    }

    async fn shell_request(&mut self, channel: ChannelId, session: &mut Session) -> Result<(), Self::Error> {
        let ok = self.start(channel, None, session);
        Self::reply(channel, ok, session)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let ok = self.start(channel, Some(data), session);
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
        let size = sanitize_size(cols, rows);
        match &self.size {
            Some(sender) => {
                sender.send_replace(size);
            }
            None if self.pty.is_some() => self.pty = Some(size),
            None => {}
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
        self.conn.note_input(data.len());
        if let Some(input) = &self.input {
            // A full queue means the visitor types faster than we draw: drop the excess.
            let chunk = &data[..data.len().min(MAX_INPUT_CHUNK)];
            let _ = input.try_send(Bytes::copy_from_slice(chunk));
        }
        Ok(())
    }

    async fn channel_close(&mut self, channel: ChannelId, _session: &mut Session) -> Result<(), Self::Error> {
        if self.is_ours(channel) {
            self.input = None; // the session task sees its input end and stops
        }
        Ok(())
    }
}

/// What to type after `ssh` to reach the public `host[:port]`: `host`, or `-p PORT host`.
pub fn public_ssh_target(public: &str) -> String {
    match public.rsplit_once(':') {
        Some((host, port)) if port != "22" && !host.contains(':') => format!("-p {port} {host}"),
        Some((host, "22")) => host.to_owned(),
        _ => public.to_owned(),
    }
}
