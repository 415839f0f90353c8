//! Test harness: the real server on `127.0.0.1:0` in this process, and a visitor that
//! connects with the russh client and reads what it is sent through a `vt100` terminal
//! emulator, so assertions are about what a person would see.
#![allow(dead_code)] // each test file uses a different part of the harness

pub mod screen;

use std::net::SocketAddr;
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use russh::client::{self, Msg};
use russh::keys::{PublicKey, PublicKeyOrCertificate};
use russh::{Channel, ChannelMsg};
use ssh_resume::resume::Loaded;
use ssh_resume::server::{self, Settings, keys};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Generous bound for anything to happen; tests never sleep for fixed times.
pub const LIVENESS: Duration = Duration::from_secs(10);

pub fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// A fresh, empty directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ssh-resume-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The server running in this process.
pub struct TestServer {
    pub addr: SocketAddr,
    pub fingerprint: String,
    pub shutdown: CancellationToken,
    pub resume_tx: watch::Sender<Arc<Loaded>>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Serves the shipped résumé with a host key in `keys_dir`.
    pub async fn start(keys_dir: &Path) -> Self {
        Self::start_with(keys_dir, &manifest_path("resume.toml"), Settings::default()).await
    }

    pub async fn start_with(keys_dir: &Path, resume: &Path, settings: Settings) -> Self {
        let loaded = Loaded::from_path(resume).unwrap();
        let host_key = keys::load_or_create(keys_dir).unwrap();
        let fingerprint = host_key.fingerprint();
        let listeners = ssh_resume::cli::bind_all(&["127.0.0.1:0".parse().unwrap()]).await.unwrap();
        let addr = listeners[0].local_addr().unwrap();
        let shutdown = CancellationToken::new();
        let (resume_tx, resume_rx) = watch::channel(Arc::new(loaded));
        let shared = server::Shared::new(settings, resume_rx, host_key.key, shutdown.clone());
        let task = tokio::spawn(server::run(listeners, shared));
        Self { addr, fingerprint, shutdown, resume_tx, task }
    }

    /// Cancels and waits for every connection to end.
    pub async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(LIVENESS, self.task).await.unwrap().unwrap();
    }
}

/// The russh client's callbacks: trusts any host key, remembers the one it saw.
pub struct Client {
    pub host_key: Arc<std::sync::Mutex<Option<PublicKey>>>,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(&mut self, key: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        if let (Ok(mut slot), PublicKeyOrCertificate::PublicKey { key, .. }) = (self.host_key.lock(), key) {
            *slot = Some(key.clone());
        }
        Ok(true)
    }
}

/// How a visitor connects.
#[derive(Clone)]
pub struct Visit<'a> {
    /// `Some((term, cols, rows))` requests a PTY.
    pub pty: Option<(&'a str, u32, u32)>,
    pub env: Vec<(&'a str, &'a str)>,
    /// `None` requests a shell.
    pub command: Option<&'a str>,
}

impl Visit<'_> {
    pub fn terminal(cols: u32, rows: u32) -> Self {
        Self { pty: Some(("xterm-256color", cols, rows)), env: Vec::new(), command: None }
    }

    pub fn no_pty(command: Option<&str>) -> Visit<'_> {
        Visit { pty: None, env: Vec::new(), command }
    }
}

/// One connected visitor and their screen.
pub struct Visitor {
    pub session: client::Handle<Client>,
    pub channel: Channel<Msg>,
    pub screen: vt100::Parser,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit_status: Option<u32>,
    pub closed: bool,
    pub host_key: Option<PublicKey>,
}

fn nz(value: u32) -> NonZeroU16 {
    NonZeroU16::new(u16::try_from(value).unwrap_or(u16::MAX).max(1)).unwrap()
}

impl Visitor {
    pub async fn connect(addr: SocketAddr, visit: Visit<'_>) -> Self {
        tokio::time::timeout(LIVENESS, Self::try_connect(addr, visit)).await.unwrap().unwrap()
    }

    pub async fn try_connect(addr: SocketAddr, visit: Visit<'_>) -> Result<Self, russh::Error> {
        let host_key = Arc::new(std::sync::Mutex::new(None));
        let client = Client { host_key: host_key.clone() };
        let config = Arc::new(client::Config::default());
        let mut session = client::connect(config, addr, client).await?;
        let auth = session.authenticate_none("visitor").await?;
        assert!(auth.success(), "anonymous login refused");
        let channel = session.channel_open_session().await?;
        let (cols, rows) = visit.pty.map_or((80, 24), |(_, c, r)| (c, r));
        if let Some((term, cols, rows)) = visit.pty {
            channel.request_pty(false, term, cols, rows, 0, 0, &[]).await?;
        }
        for (name, value) in &visit.env {
            channel.set_env(false, *name, *value).await?;
        }
        match visit.command {
            Some(command) => channel.exec(true, command).await?,
            None => channel.request_shell(true).await?,
        }
        let host_key = host_key.lock().ok().and_then(|k| k.clone());
        let screen = vt100::Parser::new(nz(rows), nz(cols), 0);
        let (stdout, stderr) = (Vec::new(), Vec::new());
        Ok(Self { session, channel, screen, stdout, stderr, exit_status: None, closed: false, host_key })
    }

    /// Handles one message from the server; false once the channel is closed.
    async fn pump(&mut self) -> bool {
        match self.channel.wait().await {
            Some(ChannelMsg::Data { data }) => {
                self.screen.process(&data);
                self.stdout.extend_from_slice(&data);
            }
            Some(ChannelMsg::ExtendedData { data, .. }) => self.stderr.extend_from_slice(&data),
            Some(ChannelMsg::ExitStatus { exit_status }) => self.exit_status = Some(exit_status),
            Some(ChannelMsg::Close) | None => {
                self.closed = true;
                return false;
            }
            Some(_) => {}
        }
        true
    }

    /// Reads until `done(screen)` holds; panics with the screen after [`LIVENESS`].
    pub async fn wait_for(&mut self, what: &str, done: impl Fn(&vt100::Screen) -> bool) {
        let deadline = tokio::time::Instant::now() + LIVENESS;
        while !done(self.screen.screen()) {
            match tokio::time::timeout_at(deadline, self.pump()).await {
                Ok(true) => {}
                Ok(false) => panic!("channel closed while waiting for {what}:\n{}", self.contents()),
                Err(_) => panic!("timed out waiting for {what}:\n{}", self.contents()),
            }
        }
    }

    /// Waits for `text` to be on screen.
    pub async fn wait_for_text(&mut self, text: &str) {
        let wanted = text.to_owned();
        self.wait_for(text, move |s| s.contents().contains(&wanted)).await;
    }

    /// Reads everything until the server closes the channel.
    pub async fn read_to_end(&mut self) {
        let deadline = tokio::time::Instant::now() + LIVENESS;
        while !self.closed {
            if tokio::time::timeout_at(deadline, self.pump()).await.is_err() {
                panic!("timed out waiting for the channel to close:\n{}", self.contents());
            }
        }
    }

    pub async fn send(&self, bytes: &[u8]) {
        self.channel.data_bytes(bytes.to_vec()).await.unwrap();
    }

    pub async fn resize(&mut self, cols: u32, rows: u32) {
        self.screen.screen_mut().set_size(nz(rows), nz(cols));
        self.channel.window_change(cols, rows, 0, 0).await.unwrap();
    }

    pub fn contents(&self) -> String {
        self.screen.screen().contents()
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}
