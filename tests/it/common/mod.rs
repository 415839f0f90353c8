//! Test harness: the real server on `127.0.0.1:0` in this process, and a visitor that
//! connects with the russh client and reads what it is sent through a `vt100` terminal
//! emulator, so assertions are about what a person would see.
#![allow(dead_code)] // each test file uses a different part of the harness

pub mod http;
pub mod messages;
pub mod postgres;
pub mod screen;

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use russh::client::{self, Msg};
use russh::keys::{PublicKey, PublicKeyOrCertificate};
use russh::{Channel, ChannelMsg};
use ssh_resume::downloads::edition::PdfMaker;
use ssh_resume::downloads::files::Directory;
use ssh_resume::resume::Loaded;
use ssh_resume::server::{self, Settings, keys};
pub use ssh_resume::service::{Parts, ServiceSettings};
use ssh_resume::service::{Publisher, Service};
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
    pub shared: Arc<server::Shared>,
    pub fingerprint: String,
    pub shutdown: CancellationToken,
    /// Puts a new résumé version (and its downloads) in service, as SIGHUP does.
    pub publisher: Publisher,
    task: JoinHandle<()>,
}

/// What a test server is started with: the résumé, the SSH door's settings, what both
/// doors read, and the service's stores.
pub struct Launch {
    pub resume: PathBuf,
    pub ssh: Settings,
    pub service: ServiceSettings,
    pub parts: Parts,
    /// Typeset the résumé's PDF for the downloads (once per résumé file in this test
    /// binary: a debug build takes most of a second).
    pub pdf: bool,
}

impl Default for Launch {
    /// The shipped résumé, every setting at its default, no store.
    fn default() -> Self {
        Self {
            resume: manifest_path("resume.toml"),
            ssh: Settings::default(),
            service: ServiceSettings::default(),
            parts: Parts::default(),
            pdf: false,
        }
    }
}

/// The PDF of the résumé at `path`, typeset once per file for the whole test binary.
pub fn typeset(path: &Path, loaded: &Loaded) -> Option<bytes::Bytes> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static MADE: Mutex<Option<HashMap<PathBuf, Option<bytes::Bytes>>>> = Mutex::new(None);
    let mut made = MADE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let made = made.get_or_insert_with(HashMap::new);
    made.entry(path.to_owned())
        .or_insert_with(|| PdfMaker::shipped().make(loaded, std::time::SystemTime::UNIX_EPOCH))
        .clone()
}

impl Launch {
    /// The SSH door over its service, listening nowhere, with a fresh host key: for
    /// connections served over an in-memory stream ([`in_memory`]).
    pub fn build(self, host_key: russh::keys::PrivateKey) -> (Arc<server::Shared>, Publisher) {
        let loaded = Loaded::from_path(&self.resume).unwrap();
        let pdf = self.pdf.then(|| typeset(&self.resume, &loaded)).flatten();
        let downloads = Directory::new(&loaded, pdf, std::time::SystemTime::UNIX_EPOCH);
        let (publisher, published) = Publisher::new(Arc::new(loaded), downloads);
        let service = Service::start(self.service, published, CancellationToken::new(), self.parts);
        (server::Shared::new(self.ssh, service, host_key), publisher)
    }

    /// [`Launch::build`] with a host key made for the test.
    pub fn in_memory(self) -> Arc<server::Shared> {
        let key = russh::keys::PrivateKey::random(&mut rand::rng(), russh::keys::Algorithm::Ed25519).unwrap();
        self.build(key).0
    }
}

/// A visitor's connection from `source` to `shared`'s SSH door over an in-memory
/// stream, served by the connection's own task: what a test on paused time talks over.
pub fn in_memory(shared: &Arc<server::Shared>, source: IpAddr) -> tokio::io::DuplexStream {
    let (client, served) = tokio::io::duplex(64 * 1024);
    let admission = shared.limiter.admit(source).expect("admitted");
    let endpoints = server::connection::Endpoints { peer: SocketAddr::new(source, 40_000), local: None };
    tokio::spawn(server::connection::serve_stream(served, endpoints, admission, shared.clone()));
    client
}

impl TestServer {
    /// Serves the shipped résumé with a host key in `keys_dir`.
    pub async fn start(keys_dir: &Path) -> Self {
        Self::launch(keys_dir, Launch::default()).await
    }

    /// Serves `resume` under the SSH door's `settings`, the rest at its defaults.
    pub async fn start_with(keys_dir: &Path, resume: &Path, settings: Settings) -> Self {
        Self::launch(keys_dir, Launch { resume: resume.to_owned(), ssh: settings, ..Launch::default() }).await
    }

    pub async fn launch(keys_dir: &Path, launch: Launch) -> Self {
        let host_key = keys::load_or_create(keys_dir).unwrap();
        let fingerprint = host_key.fingerprint();
        let listeners = ssh_resume::cli::bind_all(&["127.0.0.1:0".parse().unwrap()]).await.unwrap();
        let addr = listeners[0].local_addr().unwrap();
        let (shared, publisher) = launch.build(host_key.key);
        let shutdown = shared.service.shutdown.clone();
        let task = tokio::spawn(server::run(listeners, shared.clone()));
        Self { addr, shared, fingerprint, shutdown, publisher, task }
    }

    /// Waits until no connection is open (each ended and gave its slot back).
    pub async fn wait_until_no_connections(&self) {
        let waiting = async {
            while self.shared.limiter.open() > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        let open = self.shared.limiter.open();
        tokio::time::timeout(LIVENESS, waiting)
            .await
            .unwrap_or_else(|_| panic!("{open} connections stayed open"));
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
        Self::try_connect_from(addr, IpAddr::from([127, 0, 0, 1]), visit).await
    }

    /// Connects from the loopback address `source` (127.0.0.x), so per-address limits
    /// see a different visitor.
    pub async fn connect_from(addr: SocketAddr, source: IpAddr, visit: Visit<'_>) -> Self {
        let connecting = Self::try_connect_from(addr, source, visit);
        tokio::time::timeout(LIVENESS, connecting).await.unwrap().unwrap()
    }

    pub async fn try_connect_from(
        addr: SocketAddr,
        source: IpAddr,
        visit: Visit<'_>,
    ) -> Result<Self, russh::Error> {
        let stream = connect_tcp_from(addr, source).await?;
        Self::over(stream, visit).await
    }

    /// Runs the visit over an already connected stream (e.g. through a test proxy).
    pub async fn over<S>(stream: S, visit: Visit<'_>) -> Result<Self, russh::Error>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (session, host_key) = login_over(stream).await?;
        Self::open(session, host_key, visit).await
    }

    /// Opens the visit's channel on a connection already logged in.
    pub async fn open(
        session: client::Handle<Client>,
        host_key: Option<PublicKey>,
        visit: Visit<'_>,
    ) -> Result<Self, russh::Error> {
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

    /// Waits for the next message from the server, whatever it is.
    pub async fn wait_for_any_output(&mut self) {
        match tokio::time::timeout(LIVENESS, self.pump()).await {
            Ok(true) => {}
            Ok(false) => panic!("channel closed:\n{}", self.contents()),
            Err(_) => panic!("timed out waiting for output:\n{}", self.contents()),
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

/// An SSH connection over `stream`, logged in anonymously (no channel yet), and the
/// host key the server showed.
pub async fn login_over<S>(stream: S) -> Result<(client::Handle<Client>, Option<PublicKey>), russh::Error>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let host_key = Arc::new(std::sync::Mutex::new(None));
    let client = Client { host_key: host_key.clone() };
    let config = Arc::new(client::Config::default());
    let mut session = client::connect_stream(config, stream, client).await?;
    let auth = session.authenticate_none("visitor").await?;
    assert!(auth.success(), "anonymous login refused");
    let host_key = host_key.lock().ok().and_then(|k| k.clone());
    Ok((session, host_key))
}

/// A TCP connection to `addr` from the loopback address `source`.
pub async fn connect_tcp_from(addr: SocketAddr, source: IpAddr) -> std::io::Result<tokio::net::TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    socket.connect(addr).await
}

/// Reads from a raw socket until the server closes it; returns what it sent. Panics if
/// it stays open past [`LIVENESS`].
pub async fn read_until_closed(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    let reading = async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(LIVENESS, reading).await.expect("the server kept the socket open");
    seen
}

/// A TCP relay between a client and the server whose server-to-client direction can be
/// paused: the client then looks, to the server, like one that stopped reading.
pub struct StallingProxy {
    pub addr: SocketAddr,
    /// The proxy's own address towards the server: the peer the server logs.
    pub upstream: Arc<std::sync::OnceLock<SocketAddr>>,
    pause: Arc<std::sync::atomic::AtomicBool>,
}

impl StallingProxy {
    /// Relays to `server`, connecting from the loopback address `source`.
    pub async fn start(server: SocketAddr, source: IpAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let pause = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let paused = pause.clone();
        let upstream_addr = Arc::new(std::sync::OnceLock::new());
        let seen = upstream_addr.clone();
        tokio::spawn(async move {
            let Ok((client, _)) = listener.accept().await else { return };
            let Ok(upstream) = connect_with_small_window(server, source).await else { return };
            if let Ok(local) = upstream.local_addr() {
                let _ = seen.set(local);
            }
            relay(client, upstream, paused).await;
        });
        Self { addr, upstream: upstream_addr, pause }
    }

    /// Stops reading from the server, for good.
    pub fn stall(&self) {
        self.pause.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A small receive buffer keeps the kernel from absorbing megabytes on the server's
/// behalf once the proxy stops reading, so the stall reaches the server quickly.
async fn connect_with_small_window(
    server: SocketAddr,
    source: IpAddr,
) -> std::io::Result<tokio::net::TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    socket.bind(SocketAddr::new(source, 0))?;
    socket.connect(server).await
}

async fn relay(
    client: tokio::net::TcpStream,
    upstream: tokio::net::TcpStream,
    pause: Arc<std::sync::atomic::AtomicBool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = upstream.into_split();
    tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
    });
    let mut chunk = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + 6 * LIVENESS;
    while tokio::time::Instant::now() < deadline {
        if pause.load(std::sync::atomic::Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        let read = tokio::time::timeout(Duration::from_millis(50), server_read.read(&mut chunk)).await;
        match read {
            Err(_) => continue,
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) if client_write.write_all(&chunk[..n]).await.is_err() => break,
            Ok(Ok(_)) => {}
        }
    }
}

/// Every log line of this test binary, as JSON, once [`capture_logs`] was called.
static LOGS: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct LogSink;

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut logs) = LOGS.lock() {
            logs.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends this test binary's logs (info and up, JSON, with span fields) to a buffer.
pub fn capture_logs() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_env_filter("info")
            .with_writer(|| LogSink)
            .try_init();
    });
}

/// The log lines of one test alone, for a test on a current-thread runtime (every task
/// of its server runs on the test's thread): other tests of this binary log elsewhere.
/// Capture lasts while the value lives.
pub struct ThreadLogs {
    lines: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    _scope: tracing::subscriber::DefaultGuard,
}

#[derive(Clone)]
struct SharedSink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut lines) = self.0.lock() {
            lines.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl ThreadLogs {
    /// Info and up, JSON, with span fields, as the server logs them.
    pub fn capture() -> Self {
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = SharedSink(lines.clone());
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_env_filter("info")
            .with_writer(move || sink.clone())
            .finish();
        // tracing-core decides a callsite's interest from the one registered dispatcher
        // alone when there is just one, on whichever thread first reaches it: another
        // test's thread, with no subscriber, would then switch the callsite off for
        // this one too. A second dispatcher, kept for the binary's life, makes it ask
        // every registered dispatcher instead.
        static SECOND: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
        SECOND.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
        Self { lines, _scope: tracing::subscriber::set_default(subscriber) }
    }

    /// The lines captured so far, parsed.
    pub fn lines(&self) -> Vec<serde_json::Value> {
        let bytes = self.lines.lock().map(|l| l.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).lines().filter_map(|line| serde_json::from_str(line).ok()).collect()
    }
}

/// The captured log lines, parsed.
pub fn logged() -> Vec<serde_json::Value> {
    let logs = LOGS.lock().map(|l| l.clone()).unwrap_or_default();
    String::from_utf8_lossy(&logs).lines().filter_map(|line| serde_json::from_str(line).ok()).collect()
}

/// The first captured log line that satisfies `matches`, waiting up to [`LIVENESS`].
pub async fn find_log(matches: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + LIVENESS;
    loop {
        if let Some(line) = logged().into_iter().find(&matches) {
            return line;
        }
        assert!(tokio::time::Instant::now() < deadline, "no such log line:\n{:#?}", logged());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl TestServer {
    /// Starts the metrics and health listener on `127.0.0.1:0` for this server.
    pub async fn start_admin(&self) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(server::admin::serve(listener, self.shared.clone(), CancellationToken::new()));
        addr
    }
}

/// A plain HTTP/1.1 GET on loopback: the status code and the body.
pub async fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let request = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        String::from_utf8_lossy(&response).into_owned()
    };
    let response = tokio::time::timeout(LIVENESS, request).await.expect("no HTTP response");
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

/// Drains a spawned server's stderr on a thread of its own (so its logging never blocks)
/// and hands the lines over.
pub fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::{BufRead, BufReader};
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    lines
}

/// The address a spawned server logged as `listening on ADDR`; panics after [`LIVENESS`].
pub fn listening_addr(lines: &std::sync::mpsc::Receiver<String>) -> std::net::SocketAddr {
    let line = wait_for_line(lines, "listening on ");
    let addr = line.split("listening on ").nth(1).and_then(|rest| rest.split_whitespace().next());
    addr.and_then(|addr| addr.parse().ok()).unwrap_or_else(|| panic!("no address in {line:?}"))
}

/// The first line containing `needle`; panics with what was seen after [`LIVENESS`].
pub fn wait_for_line(lines: &std::sync::mpsc::Receiver<String>, needle: &str) -> String {
    let mut seen = String::new();
    loop {
        let line =
            lines.recv_timeout(LIVENESS).unwrap_or_else(|_| panic!("no line with {needle:?}:\n{seen}"));
        if line.contains(needle) {
            return line;
        }
        seen.push_str(&line);
        seen.push('\n');
    }
}

/// Whether the outside program `program` runs here (`--version` or the like is not
/// needed: it is looked up on `PATH`). Skips with a message naming the Debian
/// `package` for a newcomer; under `CI=true` a missing program is a failure, since
/// `.ci/run` installs it.
pub fn tool(program: &str, package: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but `{program}` is not installed");
        eprintln!("skipping: `{program}` is not installed (apt-get install {package})");
    }
    found
}
