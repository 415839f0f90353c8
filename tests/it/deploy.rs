//! The files in `deploy/` and the subcommands they rely on, run as an operator would:
//! the systemd unit through `systemd-analyze`, `ssh-resume healthcheck` against the real
//! binary on `127.0.0.1:0`, and `fingerprint --sshfp` against `ssh-keygen -r`.
//! Where a tool is missing the test is skipped with a message, except under `CI=true`,
//! where `.ci/run` installs it and a missing tool is a failure.

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use crate::common::{listening_addr, manifest_path, stderr_lines, temp_dir};
use ssh_resume::server::keys;

const BIN: &str = env!("CARGO_BIN_EXE_ssh-resume");
const UNIT: &str = "deploy/ssh-resume.service";
/// Where the unit expects the binary; the tests point it at the one cargo built.
const INSTALLED_BIN: &str = "/usr/local/bin/ssh-resume";
/// `systemd-analyze security` exposure ×10 that the unit must not exceed (it scores 1.4).
const MAX_EXPOSURE: &str = "14";

/// Whether `tool` runs at all (`ssh-keygen` has no `--version` and exits 1: still found).
fn tool_available(tool: &str, package: &str) -> bool {
    let found =
        Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !found {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but `{tool}` is not installed");
        eprintln!("skipping: `{tool}` is not installed (apt-get install {package})");
    }
    found
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

/// A copy of the unit in a fresh directory, its commands pointing at the built binary.
fn unit_with_built_binary(name: &str) -> std::path::PathBuf {
    let unit = std::fs::read_to_string(manifest_path(UNIT)).unwrap();
    assert!(unit.contains(&format!("ExecStart={INSTALLED_BIN} serve")), "ExecStart moved");
    let path = temp_dir(name).join("ssh-resume.service");
    std::fs::write(&path, unit.replace(INSTALLED_BIN, BIN)).unwrap();
    path
}

#[test]
fn systemd_unit_passes_verify() {
    if !tool_available("systemd-analyze", "systemd") {
        return;
    }
    let unit = unit_with_built_binary("unit-verify");
    let output = Command::new("systemd-analyze").arg("verify").arg(&unit).output().unwrap();
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "systemd-analyze verify failed:\n{stderr}");
    assert!(!stderr.contains("ssh-resume.service"), "systemd-analyze verify warned:\n{stderr}");
}

#[test]
fn systemd_unit_keeps_its_hardening() {
    if !tool_available("systemd-analyze", "systemd") {
        return;
    }
    let unit = unit_with_built_binary("unit-security");
    let output = Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager", &format!("--threshold={MAX_EXPOSURE}")])
        .arg(&unit)
        .output()
        .unwrap();
    let report = text(&output.stdout);
    assert!(output.status.success(), "exposure above {MAX_EXPOSURE}/100:\n{report}{}", text(&output.stderr));
    assert!(report.contains("Overall exposure level for ssh-resume.service"), "{report}");
}

/// The built binary serving the shipped résumé on `127.0.0.1:0`; killed on drop.
struct ServerProcess {
    child: Child,
    addr: SocketAddr,
}

impl ServerProcess {
    fn start(keys_dir: &Path) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--log-format", "pretty", "--listen", "127.0.0.1:0", "--resume"])
            .arg(manifest_path("resume.toml"))
            .arg("--keys-dir")
            .arg(keys_dir)
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Keeps draining stderr after the address is found, so logging never blocks.
        let lines = stderr_lines(&mut child);
        let addr = listening_addr(&lines);
        Self { child, addr }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn healthcheck(addr: SocketAddr, timeout: &str) -> Output {
    Command::new(BIN)
        .args(["healthcheck", "--addr", &addr.to_string(), "--timeout", timeout])
        .output()
        .unwrap()
}

#[test]
fn healthcheck_passes_against_the_running_server() {
    let server = ServerProcess::start(&temp_dir("health-up").join("keys"));
    let output = healthcheck(server.addr, "5s");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).starts_with(&format!("{}: SSH-2.0-", server.addr)),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn healthcheck_fails_on_a_closed_port() {
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let output = healthcheck(addr, "2s");
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("cannot connect"), "{}", text(&output.stderr));
}

#[test]
fn healthcheck_fails_on_a_server_that_is_not_ssh() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let web = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
    });
    let output = healthcheck(addr, "5s");
    web.join().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("without sending an SSH version line"), "{}", text(&output.stderr));
}

#[test]
fn healthcheck_fails_on_a_server_that_says_nothing() {
    // The kernel completes the handshake for a listener that never accepts.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let output = healthcheck(listener.local_addr().unwrap(), "200ms");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("sent no SSH version line within 200ms"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn sshfp_records_match_ssh_keygen() {
    if !tool_available("ssh-keygen", "openssh-client") {
        return;
    }
    let dir = temp_dir("sshfp");
    let host_key = keys::load_or_create(&dir.join("keys")).unwrap();
    let public = dir.join("ssh_host_ed25519_key.pub");
    std::fs::write(&public, host_key.key.public_key().to_openssh().unwrap()).unwrap();
    let keygen =
        Command::new("ssh-keygen").args(["-r", "resume.example.com", "-f"]).arg(&public).output().unwrap();
    assert!(keygen.status.success(), "{}", text(&keygen.stderr));
    let ours = Command::new(BIN)
        .args(["fingerprint", "--sshfp", "resume.example.com", "--keys-dir"])
        .arg(dir.join("keys"))
        .output()
        .unwrap();
    assert!(ours.status.success(), "{}", text(&ours.stderr));
    let (keygen, ours) = (text(&keygen.stdout), text(&ours.stdout));
    assert!(ours.lines().any(|line| line.starts_with("resume.example.com IN SSHFP 4 2 ")), "{ours}");
    // Today both print `4 1` then `4 2`; every line ssh-keygen prints must be ours too.
    for line in keygen.lines() {
        assert!(ours.lines().any(|ours| ours == line), "ssh-keygen printed {line:?}; we printed:\n{ours}");
    }
}
