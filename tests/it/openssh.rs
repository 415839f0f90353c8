//! The OpenSSH client against the real server: it gets in with no prompt (`BatchMode`
//! forbids one), sees the résumé, quits with `q` and exits 0. Skipped with a message
//! where `ssh` is not installed, except under `CI=true`, where that is a failure.

use std::num::NonZeroU16;
use std::process::Stdio;

use crate::common::{LIVENESS, TestServer, temp_dir};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

fn openssh_available() -> bool {
    let found = std::process::Command::new("ssh").arg("-V").output().is_ok();
    if !found {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but `ssh` is not installed");
        eprintln!("skipping: the OpenSSH client `ssh` is not installed (apt-get install openssh-client)");
    }
    found
}

fn ssh(port: u16) -> Command {
    ssh_logging(port, "ERROR")
}

fn ssh_logging(port: u16, level: &str) -> Command {
    let mut command = Command::new("ssh");
    command
        .args(["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"])
        .args(["-o", &format!("LogLevel={level}"), "-o", "ConnectTimeout=5", "-p", &port.to_string()])
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn openssh_gets_in_without_a_prompt_and_quits_with_q() {
    if !openssh_available() {
        return;
    }
    let server = TestServer::start(&temp_dir("openssh")).await;
    let mut child = ssh(server.addr.port())
        .args(["-tt", "visitor@127.0.0.1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    // `-tt` from a pipe sends a 0x0 size, which the server takes as 80x24.
    let mut screen = vt100::Parser::new(NonZeroU16::new(24).unwrap(), NonZeroU16::new(80).unwrap(), 0);
    let first_frame = async {
        let mut chunk = [0u8; 4096];
        while !screen.screen().contents().contains("Staff Software Engineer focused") {
            let n = stdout.read(&mut chunk).await.unwrap();
            assert!(n > 0, "ssh ended before the first frame: {}", String::from_utf8_lossy(&seen));
            screen.process(&chunk[..n]);
            seen.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(LIVENESS, first_frame).await.expect("no first frame through OpenSSH");
    child.stdin.as_mut().unwrap().write_all(b"q").await.unwrap();
    let status = tokio::time::timeout(LIVENESS, child.wait()).await.unwrap().unwrap();
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).await.unwrap();
    screen.process(&rest);
    assert!(!screen.screen().alternate_screen(), "the alternate screen was not left");
    assert!(!screen.screen().hide_cursor(), "the cursor is still hidden");
    assert!(screen.screen().contents().contains("Thanks for reading"), "no farewell");
    assert_eq!(status.code(), Some(0));
    server.stop().await;
}

#[tokio::test]
async fn openssh_exec_json_exits_zero() {
    if !openssh_available() {
        return;
    }
    let server = TestServer::start(&temp_dir("openssh-json")).await;
    let output = ssh(server.addr.port()).args(["127.0.0.1", "json"]).stdin(Stdio::null()).output();
    let output = tokio::time::timeout(LIVENESS, output).await.unwrap().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["basics"]["label"], "Staff Software Engineer");
    server.stop().await;
}

#[tokio::test]
async fn a_modern_client_negotiates_strict_kex_and_the_modern_algorithms() {
    if !openssh_available() {
        return;
    }
    let server = TestServer::start(&temp_dir("openssh-algorithms")).await;
    let output =
        ssh_logging(server.addr.port(), "DEBUG3").args(["127.0.0.1", "help"]).stdin(Stdio::null()).output();
    let output = tokio::time::timeout(LIVENESS, output).await.unwrap().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert!(log.contains("will use strict KEX ordering"), "strict kex not negotiated:\n{log}");
    let kex = log.lines().find(|l| l.contains("kex: algorithm:")).unwrap_or_default();
    assert!(kex.ends_with("mlkem768x25519-sha256") || kex.ends_with("curve25519-sha256"), "{kex}");
    assert!(log.contains("kex: host key algorithm: ssh-ed25519"), "{log}");
    assert!(log.contains("server->client cipher: chacha20-poly1305@openssh.com"), "{log}");
    assert!(log.contains("compression: none"), "{log}");
    server.stop().await;
}

#[tokio::test]
async fn clients_offering_only_excluded_algorithms_are_refused_at_key_exchange() {
    if !openssh_available() {
        return;
    }
    let server = TestServer::start(&temp_dir("openssh-excluded")).await;
    let offers: [&[&str]; 6] = [
        &["-o", "KexAlgorithms=diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha256"],
        &["-o", "KexAlgorithms=ecdh-sha2-nistp256"],
        &["-o", "Ciphers=aes128-cbc,aes256-cbc,3des-cbc"],
        &["-o", "Ciphers=aes128-ctr", "-o", "MACs=hmac-sha1,hmac-sha2-256,hmac-sha2-512"],
        &["-o", "HostKeyAlgorithms=ecdsa-sha2-nistp256,rsa-sha2-512"],
        &["-o", "Ciphers=aes192-ctr"],
    ];
    for offer in offers {
        let mut command = ssh_logging(server.addr.port(), "INFO");
        let output = command.args(offer).args(["127.0.0.1", "help"]).stdin(Stdio::null()).output();
        let output = tokio::time::timeout(LIVENESS, output).await.unwrap().unwrap();
        let log = String::from_utf8_lossy(&output.stderr);
        assert_ne!(output.status.code(), Some(0), "{offer:?} was accepted");
        assert!(output.stdout.is_empty(), "{offer:?} got output");
        assert!(log.contains("no matching"), "{offer:?}: {log}");
    }
    server.stop().await;
}

#[tokio::test]
async fn openssh_joins_the_words_of_a_section_named_as_the_view_shows_it() {
    if !openssh_available() {
        return;
    }
    let server = TestServer::start(&temp_dir("openssh-words")).await;
    let printed = |words: &'static [&'static str]| {
        let output = ssh(server.addr.port()).arg("127.0.0.1").args(words).stdin(Stdio::null()).output();
        async move { tokio::time::timeout(LIVENESS, output).await.unwrap().unwrap() }
    };
    let slug = printed(&["open-source"]).await;
    assert!(String::from_utf8_lossy(&slug.stdout).contains("OPEN SOURCE"));
    for words in [&["open", "source"][..], &["Open", "Source"], &["open_source"]] {
        let output = printed(words).await;
        assert_eq!(output.status.code(), Some(0), "{words:?}: {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.stdout, slug.stdout, "{words:?}");
    }
    server.stop().await;
}

/// A terminal multiplexer on a socket of its own: a real terminal for OpenSSH's `-t`.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// `command` in a new 80x24 window, kept on screen after it exits.
    fn start(name: &str, command: &str) -> Self {
        let tmux = Self { socket: format!("ssh-resume-test-{name}-{}", std::process::id()) };
        tmux.run(&["-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "80", "-y", "24", command]);
        tmux.run(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let output = std::process::Command::new("tmux").args(["-u", "-L", &self.socket]).args(args).output();
        let output = output.expect("tmux runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Keys as tmux names them (`BSpace`, `C-h`, `C-d`) or literal text.
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// What the window shows, once it shows `text`; panics after [`LIVENESS`].
    async fn wait_for(&self, text: &str) -> String {
        let deadline = tokio::time::Instant::now() + LIVENESS;
        loop {
            let pane = self.run(&["capture-pane", "-p", "-t", "t"]);
            if pane.contains(text) {
                return pane;
            }
            assert!(tokio::time::Instant::now() < deadline, "no {text:?} in:\n{pane}");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

#[tokio::test]
async fn openssh_in_a_real_terminal_types_a_message_with_backspace_and_ctrl_h() {
    use crate::common::messages::{inbox_json, server_with, sqlite, unlimited};
    if !openssh_available() || std::process::Command::new("tmux").arg("-V").output().is_err() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but tmux is not installed");
        return;
    }
    let dir = temp_dir("openssh-tmux");
    let data = dir.join("data");
    let server = server_with(&dir.join("keys"), sqlite(&data), unlimited()).await;
    let command = format!(
        "ssh -t -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
         -o LogLevel=ERROR -p {} 127.0.0.1 message --reply-to tmux@example.org",
        server.addr.port()
    );
    let tmux = Tmux::start("message", &command);
    tmux.wait_for("Ctrl-D sends").await;
    // Backspace as the terminal sends it (DEL), then ^H as PuTTY's setting does.
    tmux.keys(&["-l", "Hellp"]);
    tmux.keys(&["BSpace"]);
    tmux.keys(&["-l", "o wor"]);
    tmux.keys(&["C-h"]);
    tmux.keys(&["-l", "rld"]);
    let pane = tmux.wait_for("Hello world").await;
    assert!(!pane.contains("Hellp"), "{pane}");
    tmux.keys(&["C-d"]);
    tmux.wait_for("sent — thank you (message #1)").await;
    let stored = inbox_json(&["--data-dir", data.to_str().unwrap()]);
    assert_eq!(stored[0]["body"], "Hello world");
    server.stop().await;
}
