//! Signals to the real binary: SIGTERM drains open sessions (including one whose
//! client stopped reading) and exits 0 within the drain deadline; SIGHUP reloads the
//! résumé, keeping the old one when the new file is invalid.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{LIVENESS, StallingProxy, Visit, Visitor, manifest_path, temp_dir};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStderr, Command};
use tokio::sync::mpsc;

/// The server binary, started with short timeouts, and its log lines.
struct Running {
    child: Child,
    addr: std::net::SocketAddr,
    logs: mpsc::UnboundedReceiver<String>,
}

impl Running {
    async fn start(dir: &Path, resume: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ssh-resume"))
            .args(["--log-format", "pretty", "--listen", "127.0.0.1:0", "--keys-dir"])
            .arg(dir.join("keys"))
            .arg("--resume")
            .arg(resume)
            .args(extra)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let (tx, mut logs) = mpsc::unbounded_channel();
        let stderr = child.stderr.take().unwrap();
        tokio::spawn(forward_lines(stderr, tx));
        let addr = tokio::time::timeout(LIVENESS, async {
            loop {
                let line = logs.recv().await.expect("the server exited before listening");
                if let Some(addr) = line.split("listening on ").nth(1) {
                    break addr.split_whitespace().next().unwrap().parse().unwrap();
                }
            }
        })
        .await
        .unwrap();
        Self { child, addr, logs }
    }

    fn signal(&self, signal: libc::c_int) {
        let pid = self.child.id().unwrap() as libc::pid_t;
        // SAFETY: kill(2) with a pid of our own child and a valid signal number.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }

    /// Waits for a log line containing `text`.
    async fn wait_for_log(&mut self, text: &str) -> String {
        let waiting = async {
            loop {
                let line = self.logs.recv().await.expect("the server exited");
                if line.contains(text) {
                    break line;
                }
            }
        };
        tokio::time::timeout(LIVENESS, waiting).await.unwrap_or_else(|_| panic!("no log line with {text:?}"))
    }
}

async fn forward_lines(stderr: ChildStderr, tx: mpsc::UnboundedSender<String>) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let _ = tx.send(line);
    }
}

#[tokio::test]
async fn sigterm_says_goodbye_to_every_visitor_and_exits_zero_within_the_deadline() {
    // --drain-timeout 2s; three reading visitors and one whose client stopped reading
    let dir = temp_dir("sigterm");
    let mut server = Running::start(&dir, &manifest_path("resume.toml"), &["--drain-timeout", "2s"]).await;
    let mut visitors = Vec::new();
    for _ in 0..3 {
        let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
        visitor.wait_for_text("Staff Software Engineer").await;
        visitors.push(visitor);
    }
    let proxy = StallingProxy::start(server.addr, std::net::IpAddr::from([127, 0, 0, 23])).await;
    let stream = tokio::net::TcpStream::connect(proxy.addr).await.unwrap();
    let mut stalled = Visitor::over(stream, Visit::terminal(80, 24)).await.unwrap();
    stalled.wait_for_text("Staff Software Engineer").await;
    proxy.stall();
    for round in 0..200 {
        let _ = stalled.channel.data_bytes(if round % 2 == 0 { &b"3"[..] } else { &b"7"[..] }).await;
    }
    let asked = Instant::now();
    server.signal(libc::SIGTERM);
    for visitor in &mut visitors {
        visitor.read_to_end().await;
        assert!(visitor.contents().contains("restarting"), "{}", visitor.contents());
        assert!(!visitor.screen.screen().alternate_screen());
        assert_eq!(visitor.exit_status, Some(0));
    }
    let status = tokio::time::timeout(LIVENESS, server.child.wait()).await.unwrap().unwrap();
    let took = asked.elapsed();
    assert_eq!(status.code(), Some(0));
    // Within the 2 s drain deadline plus the cut and exit; never the russh backstop.
    assert!(took < Duration::from_secs(6), "SIGTERM took {took:?}");
}

fn copy_resume(dir: &Path) -> PathBuf {
    let path = dir.join("resume.toml");
    std::fs::copy(manifest_path("resume.toml"), &path).unwrap();
    path
}

async fn label(addr: std::net::SocketAddr) -> String {
    let mut visitor = Visitor::connect(addr, Visit::no_pty(Some("json"))).await;
    visitor.read_to_end().await;
    let value: serde_json::Value = serde_json::from_slice(&visitor.stdout).unwrap();
    value["basics"]["label"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sighup_reloads_a_valid_file_and_keeps_serving_on_an_invalid_one() {
    let dir = temp_dir("sighup");
    let resume = copy_resume(&dir);
    let mut server = Running::start(&dir, &resume, &[]).await;
    assert_eq!(label(server.addr).await, "Staff Software Engineer");
    let mut reader = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    reader.wait_for_text("Staff Software Engineer").await;

    let text = std::fs::read_to_string(&resume).unwrap();
    std::fs::write(&resume, text.replace("label = \"Staff Software Engineer\"", "label = \"Reloaded\""))
        .unwrap();
    server.signal(libc::SIGHUP);
    server.wait_for_log("reloaded the résumé").await;
    assert_eq!(label(server.addr).await, "Reloaded");
    // The visitor reading all along sees it on their next frame.
    reader.wait_for_text(" Reloaded").await;

    std::fs::write(&resume, "[basics]\nlabel = \"Broken\"\nnickname = \"x\"\n").unwrap();
    server.signal(libc::SIGHUP);
    let error = server.wait_for_log("keeping the résumé in service").await;
    assert!(error.contains("resume.toml:3:1"), "{error}");
    assert_eq!(label(server.addr).await, "Reloaded");

    // The visitor who was reading all along was never dropped.
    reader.send(b"3").await;
    reader.wait_for_text("Together.ai").await;
    server.signal(libc::SIGTERM);
    let status = tokio::time::timeout(LIVENESS, server.child.wait()).await.unwrap().unwrap();
    assert_eq!(status.code(), Some(0));
}
