//! One visitor, as a real SSH client (russh's): TCP connect from a loopback source
//! address, key exchange, `none` auth, a session channel with pty-req and shell, then
//! reading until the marker text is on its screen — the first frame. [`exec`] is the
//! visitor without a terminal: a command, stdin, and what it prints.
//!
//! What arrives goes through a `vt100` terminal emulator, because ratatui's diff leaves
//! out cells that are already right (blank ones on a fresh screen): the words of the
//! marker arrive separated by cursor moves, not spaces, so only the screen shows them
//! side by side. [`session_channel`] is the start every visitor without a terminal
//! shares (an exec, an SFTP download). Every wait is bounded by the target's timeout
//! and says what it waited for when it runs out.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use russh::client::{self, Handle, Msg};
use russh::keys::PublicKeyOrCertificate;
use russh::{Channel, ChannelMsg, Disconnect, Preferred, kex};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::timeout_at;
use tokio_util::sync::CancellationToken;

use crate::args::{Kex, TargetArgs};

/// Where visitors go, how they connect, and what they wait for.
pub struct Target {
    pub addr: SocketAddr,
    pub term: String,
    pub cols: u16,
    pub rows: u16,
    pub marker: String,
    pub timeout: Duration,
    pub server_pid: Option<u32>,
    /// The user name visitors log in as.
    pub user: String,
    /// The handshake-crypto floor, measured on the server's core as the run starts.
    pub floor: crate::floor::Floor,
    sources: Vec<IpAddr>,
    next_source: AtomicUsize,
    config: Arc<client::Config>,
}

impl Target {
    pub async fn resolve(args: &TargetArgs) -> anyhow::Result<Self> {
        let addr = tokio::net::lookup_host(&args.addr)
            .await
            .with_context(|| format!("cannot resolve {}", args.addr))?
            .next()
            .with_context(|| format!("{} has no address", args.addr))?;
        Ok(Self {
            addr,
            term: args.term.clone(),
            cols: args.cols,
            rows: args.rows,
            marker: args.marker.clone(),
            timeout: args.timeout,
            server_pid: args.server_pid,
            user: args.user.clone(),
            floor: crate::floor::measure(args.server_pid, args.floor_rounds),
            sources: loopback_sources(addr, args.sources),
            next_source: AtomicUsize::new(0),
            config: Arc::new(client_config(args.kex)),
        })
    }

    /// Source addresses visitors are spread over (empty: the system picks).
    pub fn sources(&self) -> &[IpAddr] {
        &self.sources
    }

    pub(crate) async fn tcp_connect(&self) -> std::io::Result<TcpStream> {
        self.tcp_connect_to(self.addr).await
    }

    /// A connection to `addr` (this server's, or its web view's) from the next source.
    pub(crate) async fn tcp_connect_to(&self, addr: SocketAddr) -> std::io::Result<TcpStream> {
        let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
        if !self.sources.is_empty() {
            let index = self.next_source.fetch_add(1, Ordering::Relaxed) % self.sources.len();
            socket.bind(SocketAddr::new(self.sources[index], 0))?;
        }
        socket.set_nodelay(true)?;
        socket.connect(addr).await
    }
}

/// 127.0.0.1 … 127.0.0.N for a 127.x.x.x target; nothing for any other (binding a
/// loopback source would make it unreachable).
fn loopback_sources(target: SocketAddr, count: u8) -> Vec<IpAddr> {
    match target.ip() {
        IpAddr::V4(ip) if ip.is_loopback() && count > 1 => {
            (1..=count).map(|last| IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))).collect()
        }
        _ => Vec::new(),
    }
}

fn client_config(choice: Kex) -> client::Config {
    const CURVE25519: &[kex::Name] =
        &[kex::CURVE25519, kex::EXTENSION_SUPPORT_AS_CLIENT, kex::EXTENSION_OPENSSH_STRICT_KEX_AS_CLIENT];
    const MLKEM: &[kex::Name] = &[
        kex::MLKEM768X25519_SHA256,
        kex::EXTENSION_SUPPORT_AS_CLIENT,
        kex::EXTENSION_OPENSSH_STRICT_KEX_AS_CLIENT,
    ];
    let kex = match choice {
        Kex::Curve25519 => CURVE25519,
        Kex::Mlkem768x25519 => MLKEM,
    };
    client::Config {
        preferred: Preferred { kex: kex.into(), ..Preferred::DEFAULT },
        nodelay: true,
        inactivity_timeout: None,
        ..client::Config::default()
    }
}

/// The client's callbacks. A measuring tool, not a secure client: any host key is trusted.
pub struct Client;

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _key: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// Why a visit failed.
#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    #[error("tcp connect failed: {0}")]
    Connect(std::io::Error),
    #[error("ssh: {0}")]
    Ssh(#[from] russh::Error),
    #[error("anonymous login refused")]
    AuthRefused,
    #[error("channel closed while waiting for {0}")]
    Closed(&'static str),
    #[error("timed out waiting for {0}")]
    Timeout(&'static str),
    #[error("sftp: {0}")]
    Sftp(String),
}

impl VisitError {
    /// A short name to count failures by.
    pub fn kind(&self) -> &'static str {
        match self {
            VisitError::Connect(_) => "connect",
            VisitError::Ssh(_) => "ssh",
            VisitError::AuthRefused => "auth",
            VisitError::Closed(_) => "closed",
            VisitError::Timeout(_) => "timeout",
            VisitError::Sftp(_) => "sftp",
        }
    }
}

/// When each step of an arrival was done, from the start of the TCP connect.
#[derive(Debug, Clone, Copy, Default)]
pub struct Phases {
    pub tcp: Duration,
    pub kex: Duration,
    pub auth: Duration,
    pub shell: Duration,
    pub first_frame: Duration,
}

/// Awaits `future` until `deadline`, naming `what` it waited for if time runs out.
async fn within<T, E: Into<VisitError>>(
    deadline: tokio::time::Instant,
    what: &'static str,
    future: impl Future<Output = Result<T, E>>,
) -> Result<T, VisitError> {
    match timeout_at(deadline, future).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(VisitError::Timeout(what)),
    }
}

impl From<std::io::Error> for VisitError {
    fn from(err: std::io::Error) -> Self {
        VisitError::Connect(err)
    }
}

/// A connected visitor with a shell and the screen they see.
pub struct Visitor {
    session: Handle<Client>,
    channel: Channel<Msg>,
    screen: vt100::Parser,
    timeout: Duration,
}

impl Visitor {
    /// Connects, logs in, opens a shell and waits until the marker is on screen.
    pub async fn arrive(target: &Target) -> Result<(Self, Phases), VisitError> {
        Self::arrive_at(target, None).await
    }

    /// Like [`Visitor::arrive`], with `command` (e.g. a section's name) run with the
    /// PTY instead of a shell.
    pub async fn arrive_at(target: &Target, command: Option<&str>) -> Result<(Self, Phases), VisitError> {
        let start = Instant::now();
        let deadline = tokio::time::Instant::now() + target.timeout;
        let mut phases = Phases::default();
        let socket = within(deadline, "tcp connect", target.tcp_connect()).await?;
        phases.tcp = start.elapsed();
        let mut session =
            within(deadline, "key exchange", client::connect_stream(target.config.clone(), socket, Client))
                .await?;
        phases.kex = start.elapsed();
        let auth = within(deadline, "auth", session.authenticate_none(target.user.as_str())).await?;
        if !auth.success() {
            return Err(VisitError::AuthRefused);
        }
        phases.auth = start.elapsed();
        let channel = within(deadline, "the session channel", session.channel_open_session()).await?;
        let (cols, rows) = (u32::from(target.cols), u32::from(target.rows));
        within(deadline, "pty-req", channel.request_pty(true, &target.term, cols, rows, 0, 0, &[])).await?;
        match command {
            Some(command) => within(deadline, "exec", channel.exec(true, command)).await?,
            None => within(deadline, "shell", channel.request_shell(true)).await?,
        }
        phases.shell = start.elapsed();
        let screen = vt100::Parser::new(nonzero(target.rows), nonzero(target.cols), 0);
        let mut visitor = Self { session, channel, screen, timeout: target.timeout };
        visitor.read_until_marker(&target.marker, deadline).await?;
        phases.first_frame = start.elapsed();
        Ok((visitor, phases))
    }

    async fn read_until_marker(
        &mut self,
        marker: &str,
        deadline: tokio::time::Instant,
    ) -> Result<(), VisitError> {
        loop {
            let data = self.next_data(deadline, "the first frame").await?;
            self.screen.process(&data);
            if self.screen.screen().contents().contains(marker) {
                return Ok(());
            }
        }
    }

    /// The next output the server wrote (one SSH data message), until `deadline`.
    pub async fn next_data(
        &mut self,
        deadline: tokio::time::Instant,
        what: &'static str,
    ) -> Result<Bytes, VisitError> {
        loop {
            match timeout_at(deadline, self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => return Ok(data),
                Ok(Some(ChannelMsg::Close) | None) => return Err(VisitError::Closed(what)),
                Ok(Some(_)) => {} // replies, window adjusts, exit status, EOF: keep reading
                Err(_) => return Err(VisitError::Timeout(what)),
            }
        }
    }

    /// Sends `key` and waits until the screen shows something else (the frame it
    /// caused; replies to the server's terminal queries change nothing on screen).
    pub async fn press_until_changed(&mut self, key: &[u8]) -> Result<(), VisitError> {
        let before = self.screen.screen().contents();
        self.send(key).await?;
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let data = self.next_data(deadline, "the frame after a key").await?;
            self.screen.process(&data);
            if self.screen.screen().contents() != before {
                return Ok(());
            }
        }
    }

    /// Sends what the visitor types.
    pub async fn send(&self, bytes: &[u8]) -> Result<(), VisitError> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        within(deadline, "sending keys", self.channel.data_bytes(Bytes::copy_from_slice(bytes))).await
    }

    /// Tells the server the terminal is now `cols` x `rows`.
    pub async fn resize(&self, cols: u16, rows: u16) -> Result<(), VisitError> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        within(deadline, "a window change", self.channel.window_change(cols.into(), rows.into(), 0, 0)).await
    }

    /// The output already waiting, without waiting for more: (data messages, bytes).
    pub async fn drain(&mut self) -> Result<(u64, u64), VisitError> {
        let (mut messages, mut bytes) = (0, 0);
        loop {
            match timeout_at(tokio::time::Instant::now(), self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => {
                    messages += 1;
                    bytes += data.len() as u64;
                }
                Ok(Some(ChannelMsg::Close) | None) => return Err(VisitError::Closed("the flood")),
                Ok(Some(_)) => {}
                Err(_) => return Ok((messages, bytes)),
            }
        }
    }

    /// Keeps reading (and discarding) until `leave` is cancelled; fails if the server
    /// closes the channel first.
    pub async fn stay(&mut self, leave: &CancellationToken) -> Result<(), VisitError> {
        loop {
            tokio::select! {
                _ = leave.cancelled() => return Ok(()),
                message = self.channel.wait() => {
                    if matches!(message, Some(ChannelMsg::Close) | None) {
                        return Err(VisitError::Closed("the visitor to leave"));
                    }
                }
            }
        }
    }

    /// Presses `q`, waits for the server to close the channel, then disconnects.
    pub async fn quit(mut self) -> Result<(), VisitError> {
        self.send(b"q").await?;
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            match timeout_at(deadline, self.channel.wait()).await {
                Ok(Some(ChannelMsg::Close) | None) => break,
                Ok(Some(_)) => {}
                Err(_) => return Err(VisitError::Timeout("the channel to close after q")),
            }
        }
        let bye = self.session.disconnect(Disconnect::ByApplication, "", "");
        within(deadline, "the disconnect", bye).await
    }
}

/// What an exec visit got back.
pub struct Printed {
    pub exit_status: Option<u32>,
    pub stdout: Vec<u8>,
}

/// Most output an exec visit keeps, in bytes (the whole résumé as JSON fits).
const MAX_PRINTED: usize = 1024 * 1024;

/// A logged-in SSH session (TCP connect, key exchange, `none` auth) with a session
/// channel open, all before `deadline`: what a visitor without a terminal starts with.
pub async fn session_channel(
    target: &Target,
    deadline: tokio::time::Instant,
) -> Result<(Handle<Client>, Channel<Msg>), VisitError> {
    let socket = within(deadline, "tcp connect", target.tcp_connect()).await?;
    let mut session =
        within(deadline, "key exchange", client::connect_stream(target.config.clone(), socket, Client))
            .await?;
    let auth = within(deadline, "auth", session.authenticate_none(target.user.as_str())).await?;
    if !auth.success() {
        return Err(VisitError::AuthRefused);
    }
    let channel = within(deadline, "the session channel", session.channel_open_session()).await?;
    Ok((session, channel))
}

/// Says goodbye on `session` before `deadline`.
pub async fn disconnect(session: Handle<Client>, deadline: tokio::time::Instant) -> Result<(), VisitError> {
    within(deadline, "the disconnect", session.disconnect(Disconnect::ByApplication, "", "")).await
}

/// `ssh host COMMAND` without a PTY, `stdin` sent and closed; reads until the server
/// closes the channel.
pub async fn exec(target: &Target, command: &str, stdin: &[u8]) -> Result<Printed, VisitError> {
    let deadline = tokio::time::Instant::now() + target.timeout;
    let (session, channel) = session_channel(target, deadline).await?;
    within(deadline, "exec", channel.exec(true, command)).await?;
    if !stdin.is_empty() {
        within(deadline, "stdin", channel.data(stdin)).await?;
    }
    within(deadline, "stdin's end", channel.eof()).await?;
    let mut channel = channel;
    let mut printed = Printed { exit_status: None, stdout: Vec::new() };
    loop {
        match timeout_at(deadline, channel.wait()).await {
            Ok(Some(ChannelMsg::Data { data })) if printed.stdout.len() < MAX_PRINTED => {
                printed.stdout.extend_from_slice(&data);
            }
            Ok(Some(ChannelMsg::ExitStatus { exit_status })) => printed.exit_status = Some(exit_status),
            Ok(Some(ChannelMsg::Close) | None) => break,
            Ok(Some(_)) => {}
            Err(_) => return Err(VisitError::Timeout("the command's output")),
        }
    }
    disconnect(session, deadline).await?;
    Ok(printed)
}

fn nonzero(value: u16) -> NonZeroU16 {
    NonZeroU16::new(value).unwrap_or(NonZeroU16::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_spread_only_over_loopback() {
        let local: SocketAddr = "127.0.0.1:2222".parse().unwrap();
        let sources = loopback_sources(local, 3);
        assert_eq!(sources.len(), 3);
        assert_eq!(sources[2], IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3)));
        assert!(loopback_sources(local, 1).is_empty());
        assert!(loopback_sources("[::1]:2222".parse().unwrap(), 8).is_empty());
        assert!(loopback_sources("192.0.2.1:22".parse().unwrap(), 8).is_empty());
    }

    #[test]
    fn the_marker_is_found_on_screen_not_in_the_byte_stream() {
        // What ratatui's diff sends on a blank screen: words joined by cursor moves.
        let bytes = b"\x1b[2;3HStaff\x1b[2;9HSoftware\x1b[2;18HEngineer";
        assert!(!String::from_utf8_lossy(bytes).contains("Staff Software Engineer"));
        let mut screen = vt100::Parser::new(nonzero(24), nonzero(80), 0);
        screen.process(bytes);
        assert!(screen.screen().contents().contains("Staff Software Engineer"));
    }
}
