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
