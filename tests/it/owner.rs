//! The owner console over SSH: the owner's name logs in only with a listed key (the
//! russh client and OpenSSH); a wrong key, no key, a password or keyboard-interactive
//! under that name is refused, as is the name itself without `--owner-key`, while
//! visitors are unaffected; the console shows the live figures and its inbox acts on
//! the store; nothing of it is on the web door.

use crate::common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::common::messages::{exec_from, unlimited};
use crate::common::{
    Client, LIVENESS, Launch, Parts, TestServer, Visit, Visitor, connect_tcp_from, http, manifest_path,
    temp_dir,
};
use russh::client::{self, AuthResult, KeyboardInteractiveAuthResponse};
use russh::keys::{Algorithm, PrivateKey, PrivateKeyWithHashAlg};
use ssh_resume::server::Settings;
use ssh_resume::server::owner::{self, OwnerKeys};
use ssh_resume::store::Store;
use ssh_resume::web::WebSettings;

fn new_key() -> PrivateKey {
    PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).unwrap()
}

fn keys_of(keys: &[&PrivateKey]) -> OwnerKeys {
    let text: String = keys.iter().map(|k| format!("{}\n", k.public_key().to_openssh().unwrap())).collect();
    owner::parse_str(&text, Path::new("test.keys")).unwrap()
}

/// A server with a store for messages and insights, the owner's `keys`, short waits.
async fn server(dir: &Path, keys: OwnerKeys) -> (TestServer, Arc<dyn Store>) {
    let store = common::messages::sqlite(&dir.join("data"));
    let ssh = Settings {
        owner_keys: keys,
        owner_auth_delay: Duration::from_millis(20),
        console_refresh: Duration::from_millis(200),
        ..Settings::default()
    };
    let parts =
        Parts { insights: Some(store.clone()), mailbox: Some((store.clone(), unlimited())), notify: None };
    (TestServer::launch(&dir.join("keys"), Launch { ssh, parts, ..Launch::default() }).await, store)
}

/// A connection that has not logged in yet.
async fn connect(server: &TestServer) -> client::Handle<Client> {
    Address(server.addr).connect().await
}

async fn with_key(session: &mut client::Handle<Client>, user: &str, key: &PrivateKey) -> AuthResult {
    let key = PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None);
    tokio::time::timeout(LIVENESS, session.authenticate_publickey(user, key)).await.unwrap().unwrap()
}

/// The owner, logged in with `key`, with the console open at 80x24.
async fn owner_console(server: &TestServer, key: &PrivateKey) -> Visitor {
    let mut session = connect(server).await;
    assert!(with_key(&mut session, "owner", key).await.success(), "the owner's key was refused");
    let mut console = Visitor::open(session, None, Visit::terminal(80, 24)).await.unwrap();
    console.wait_for_text("owner console").await;
    console
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_listed_key_logs_in_as_the_owner() {
    let dir = temp_dir("owner-auth");
    let (owner_key, stranger) = (new_key(), new_key());
    let (server, _) = server(&dir, keys_of(&[&owner_key])).await;

    let mut session = connect(&server).await;
    let none = session.authenticate_none("owner").await.unwrap();
    assert!(
        matches!(&none, AuthResult::Failure { remaining_methods, partial_success: false }
            if remaining_methods.iter().all(|m| *m == russh::MethodKind::PublicKey)),
        "{none:?}"
    );
    assert!(!session.authenticate_password("owner", "hunter2").await.unwrap().success());
    let interactive = session.authenticate_keyboard_interactive_start("owner", None).await.unwrap();
    assert!(matches!(interactive, KeyboardInteractiveAuthResponse::Failure { .. }), "{interactive:?}");
    assert!(!with_key(&mut session, "owner", &stranger).await.success(), "a key not listed");
    assert!(with_key(&mut session, "owner", &owner_key).await.success());

    // A visitor with any name, method or key is as welcome as before.
    let mut session = connect(&server).await;
    assert!(with_key(&mut session, "alice", &stranger).await.success());
    let mut visitor = Visitor::open(session, None, Visit::terminal(80, 24)).await.unwrap();
    visitor.wait_for_text("Staff Software Engineer focused").await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer focused").await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_owner_keys_the_owner_name_cannot_log_in() {
    let dir = temp_dir("owner-none");
    let (server, _) = server(&dir, OwnerKeys::default()).await;
    let mut session = connect(&server).await;
    assert!(!session.authenticate_none("owner").await.unwrap().success());
    assert!(!with_key(&mut session, "owner", &new_key()).await.success());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_shows_live_figures_and_its_inbox_acts_on_the_store() {
    let dir = temp_dir("owner-console");
    let key = new_key();
    let (server, store) = server(&dir, keys_of(&[&key])).await;
    for body in ["First message", "Second message"] {
        let sent = exec_from(
            server.addr,
            [127, 0, 0, 2].into(),
            "message --reply-to a@example.org",
            body.as_bytes(),
        );
        assert_eq!(sent.await.exit_status, Some(0));
    }
    let mut console = owner_console(&server, &key).await;
    console.wait_for_text("2 unread").await;
    console.wait_for_text("2 messages").await;
    console.wait_for_text("0 online now").await;
    // A visitor arrives: the next refresh shows them.
    let mut reader = Visitor::connect_from(server.addr, [127, 0, 0, 3].into(), Visit::terminal(80, 24)).await;
    reader.wait_for_text("Staff Software Engineer focused").await;
    console.wait_for_text("1 online now").await;
    assert!(!console.contents().contains("127.0.0"), "no address is shown");

    console.send(b"\t").await;
    console.wait_for_text("Second message").await;
    console.send(b"j\r").await; // the older one, opened
    console.wait_for_text("State:    unread").await;
    console.send(b"r").await;
    console.wait_for_text("#1 marked read").await;
    console.wait_for_text("State:    read").await;
    assert!(store.get(1).await.unwrap().read);
    console.send(b"d").await;
    console.wait_for_text("Delete message #1?").await;
    console.send(b"y").await;
    console.wait_for_text("#1 deleted").await;
    assert_eq!(store.count().await.unwrap(), 1);
    assert_eq!(store.unread().await.unwrap(), 1);
    console.send(b"q").await;
    console.read_to_end().await;
    assert!(console.contents().contains("Console closed."));

    // The owner's visits are not counted as visits.
    reader.send(b"q").await;
    reader.read_to_end().await;
    server.wait_until_no_connections().await;
    let insights = &server.shared.service.insights;
    insights.flush().await.unwrap();
    let visits: i64 = insights
        .counts(0, i64::MAX)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.dimension == "visit")
        .map(|r| r.count)
        .sum();
    assert_eq!(visits, 3, "two messages and one reader");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_of_the_console_is_on_the_web() {
    let dir = temp_dir("owner-web");
    let (server, _) = server(&dir, keys_of(&[&new_key()])).await;
    let web = server.start_web(WebSettings::default()).await;
    for path in ["/owner", "/console", "/stats", "/inbox", "/admin"] {
        assert_eq!(http::get(web, path, &[]).await.status, 404, "{path}");
    }
    server.stop().await;
}

fn openssh_available() -> bool {
    let found = std::process::Command::new("ssh").arg("-V").output().is_ok();
    if !found {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but `ssh` is not installed");
        eprintln!("skipping: the OpenSSH client `ssh` is not installed (apt-get install openssh-client)");
    }
    found
}

/// OpenSSH in batch mode as the owner, with only `key` (or no key at all).
fn openssh(port: u16, key: Option<&Path>) -> tokio::process::Command {
    let mut command = tokio::process::Command::new("ssh");
    command
        .args(["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"])
        .args(["-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "LogLevel=ERROR"])
        .args(["-o", "ConnectTimeout=5", "-p", &port.to_string()])
        .kill_on_drop(true);
    match key {
        Some(key) => command.arg("-i").arg(key),
        None => command.args(["-o", "PubkeyAuthentication=no"]),
    };
    command
}

/// `ssh -i KEY owner@127.0.0.1 -p PORT COMMAND`: (exit code, stdout, stderr).
async fn openssh_as_owner(port: u16, key: Option<&Path>, command: &str) -> (Option<i32>, String, String) {
    let output =
        openssh(port, key).args(["owner@127.0.0.1", command]).stdin(std::process::Stdio::null()).output();
    let output = tokio::time::timeout(LIVENESS, output).await.unwrap().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (output.status.code(), text(output.stdout), text(output.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssh_logs_in_as_the_owner_with_the_key_and_is_denied_without_it() {
    if !openssh_available() {
        return;
    }
    let dir = temp_dir("owner-openssh");
    let (key, stranger) = (new_key(), new_key());
    let key_file = dir.join("id_owner");
    let stranger_file = dir.join("id_stranger");
    for (private, file) in [(&key, &key_file), (&stranger, &stranger_file)] {
        let pem = private.to_openssh(russh::keys::ssh_key::LineEnding::LF).unwrap();
        std::fs::write(file, pem.as_bytes()).unwrap();
        std::fs::set_permissions(file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    }
    let (server, _) = server(&dir, keys_of(&[&key])).await;
    let port = server.addr.port();
    let (code, out, err) = openssh_as_owner(port, Some(&key_file), "stats").await;
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("visits") && out.contains("UTC"), "{out}");
    for key in [Some(stranger_file.as_path()), None] {
        let (code, out, err) = openssh_as_owner(port, key, "stats").await;
        assert_eq!(code, Some(255), "{key:?}");
        assert!(err.contains("Permission denied (publickey)") && out.is_empty(), "{key:?}: {err}");
    }
    console_through_openssh(port, &key_file).await;
    server.stop().await;
}

/// `ssh -tt` with the owner's key opens the console; `q` closes it and ssh exits 0.
async fn console_through_openssh(port: u16, key: &Path) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut child = openssh(port, Some(key))
        .args(["-tt", "owner@127.0.0.1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut screen = vt100::Parser::new(24.try_into().unwrap(), 80.try_into().unwrap(), 0);
    let console = async {
        let mut chunk = [0u8; 4096];
        while !screen.screen().contents().contains("owner console") {
            let n = stdout.read(&mut chunk).await.unwrap();
            assert!(n > 0, "ssh ended before the console was drawn");
            screen.process(&chunk[..n]);
        }
    };
    tokio::time::timeout(LIVENESS, console).await.expect("no console through OpenSSH");
    child.stdin.as_mut().unwrap().write_all(b"q").await.unwrap();
    let status = tokio::time::timeout(LIVENESS, child.wait()).await.unwrap().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// The real binary with `--owner-key FILE`: its child, the address it listens on, and
/// its log lines.
fn start_binary(
    dir: &Path,
    key_file: &Path,
) -> (std::process::Child, std::net::SocketAddr, std::sync::mpsc::Receiver<String>) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ssh-resume"))
        .args(["--log-format", "pretty", "--listen", "127.0.0.1:0", "--insights=false", "--messages=false"])
        .arg("--keys-dir")
        .arg(dir.join("keys"))
        .arg("--resume")
        .arg(manifest_path("resume.toml"))
        .arg("--owner-key")
        .arg(key_file)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = common::stderr_lines(&mut child);
    let addr = common::listening_addr(&lines);
    (child, addr, lines)
}

fn public_line(key: &PrivateKey) -> String {
    format!("{}\n", key.public_key().to_openssh().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_owner_keys_and_a_bad_file_is_refused_with_its_line() {
    let dir = temp_dir("owner-sighup");
    let key_file = dir.join("owner.keys");
    std::fs::write(&key_file, "# mine\nssh-ed25519 AAAA-not-a-key\n").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ssh-resume"))
        .args(["--listen", "127.0.0.1:0", "--owner-key"])
        .arg(&key_file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("owner.keys:2: not a public key"), "{err}");

    let (first, second) = (new_key(), new_key());
    std::fs::write(&key_file, public_line(&first)).unwrap();
    let (mut child, addr, lines) = start_binary(&dir, &key_file);
    let server = Address(addr);
    let mut session = server.connect().await;
    assert!(with_key(&mut session, "owner", &first).await.success());
    std::fs::write(&key_file, public_line(&second)).unwrap();
    // SAFETY: kill(2) with a pid of our own child and a valid signal number.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGHUP) }, 0);
    common::wait_for_line(&lines, "reloaded the owner's keys");
    let mut session = server.connect().await;
    assert!(!with_key(&mut session, "owner", &first).await.success(), "the old key is gone");
    assert!(with_key(&mut session, "owner", &second).await.success());
    std::fs::write(&key_file, "garbage\n").unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGHUP) }, 0);
    common::wait_for_line(&lines, "keeping the owner's keys");
    let mut session = server.connect().await;
    assert!(with_key(&mut session, "owner", &second).await.success(), "kept after a bad reload");
    let _ = child.kill();
    let _ = child.wait();
}

/// A server started elsewhere, by its address.
struct Address(std::net::SocketAddr);

impl Address {
    async fn connect(&self) -> client::Handle<Client> {
        let stream = connect_tcp_from(self.0, [127, 0, 0, 1].into()).await.unwrap();
        let client = Client { host_key: Arc::default() };
        let config = Arc::new(client::Config::default());
        tokio::time::timeout(LIVENESS, client::connect_stream(config, stream, client)).await.unwrap().unwrap()
    }
}
