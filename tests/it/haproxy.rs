//! Behind a real HAProxy on loopback, running the shipped `deploy/haproxy.cfg` (its
//! `defaults`, `frontend` and `backend` sections, with loopback addresses, a faster
//! check interval and a stats socket): two server instances sharing one host key, each
//! with `--proxy-protocol --trusted-proxy 127.0.0.1 --max-per-ip 1 --log-peers full`.
//! HAProxy's health checks (PROXY v2 `LOCAL`) must pass without counting as refusals, and
//! visitors connecting from 127.0.0.5 and 127.0.0.6 must be seen as themselves.
//!
//! Where `haproxy` is missing the test is skipped with a message, except under
//! `CI=true`, where `.ci/run` installs it and a missing tool is a failure.

use crate::common;

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{
    LIVENESS, Launch, ServiceSettings, TestServer, Visit, Visitor, connect_tcp_from, find_log, manifest_path,
    temp_dir,
};
use ppp::v2;
use ssh_resume::admission::limits::Limits;
use ssh_resume::admission::privacy::PeerLogging;
use ssh_resume::server::Settings;
use ssh_resume::server::proxy::ProxyProtocol;
use tokio::io::AsyncWriteExt;

const SHIPPED: &str = "deploy/haproxy.cfg";

fn loopback(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

/// `haproxy -v`'s first line, or `None` (and a message) where it is not installed.
fn haproxy_version() -> Option<String> {
    match Command::new("haproxy").arg("-v").output() {
        Ok(output) => Some(String::from_utf8_lossy(&output.stdout).lines().next()?.to_owned()),
        Err(_) => {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but `haproxy` is not installed");
            eprintln!("skipping: `haproxy` is not installed (apt-get install haproxy)");
            None
        }
    }
}

/// `text` with `from` replaced by `to`; `from` must be there (the shipped file changed).
fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{SHIPPED} no longer contains {from:?}");
    text.replace(from, to)
}

/// HAProxy in the foreground with the shipped configuration; stopped by PID on drop.
struct HaProxy {
    child: Child,
    addr: SocketAddr,
    stats: PathBuf,
}

impl HaProxy {
    fn start(dir: &Path, servers: [SocketAddr; 2]) -> Self {
        let shipped = std::fs::read_to_string(manifest_path(SHIPPED)).unwrap();
        let sections = &shipped[shipped.find("\ndefaults").expect("no defaults section")..];
        // A free port, released for HAProxy to bind.
        let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let sections = replace(sections, "    bind :22\n", &format!("    bind {addr}\n"));
        let sections = replace(&sections, "10.0.0.11:22", &servers[0].to_string());
        let sections = replace(&sections, "10.0.0.12:22", &servers[1].to_string());
        let sections = replace(&sections, "inter 2s", "inter 200ms");
        let sections = replace(&sections, "    log global\n", "");
        let stats = dir.join("stats.sock");
        let config =
            format!("global\n    maxconn 200\n    stats socket {} level admin\n{sections}", stats.display());
        let path = dir.join("haproxy.cfg");
        std::fs::write(&path, config).unwrap();
        let log = std::fs::File::create(dir.join("haproxy.log")).unwrap();
        let child = Command::new("haproxy")
            .arg("-db") // foreground, so the PID is HAProxy's own
            .arg("-f")
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        Self { child, addr, stats }
    }

    /// `show stat` on the stats socket: CSV, one row per proxy and server.
    fn show_stat(&self) -> Option<String> {
        let mut socket = UnixStream::connect(&self.stats).ok()?;
        socket.set_read_timeout(Some(LIVENESS)).ok()?;
        socket.write_all(b"show stat\n").ok()?;
        let mut csv = String::new();
        socket.read_to_string(&mut csv).ok()?;
        Some(csv)
    }

    /// `(server, status, check_status)` for each server of the backend.
    fn servers(&self) -> Vec<(String, String, String)> {
        let Some(csv) = self.show_stat() else { return Vec::new() };
        let mut lines = csv.lines();
        let header: Vec<&str> =
            lines.next().unwrap_or_default().trim_start_matches("# ").split(',').collect();
        let column = |name: &str| header.iter().position(|c| *c == name);
        let (Some(status), Some(check)) = (column("status"), column("check_status")) else {
            return Vec::new();
        };
        lines
            .map(|line| line.split(',').collect::<Vec<_>>())
            .filter(|row| row.len() > check && row[0] == "ssh-resume" && row[1].starts_with("resume-"))
            .map(|row| (row[1].to_owned(), row[status].to_owned(), row[check].to_owned()))
            .collect()
    }

    /// Waits until HAProxy's health checks pass on both servers: `L7OK` means the check
    /// connection got the expected `SSH-2.0-` line.
    async fn wait_until_healthy(&self) -> Vec<(String, String, String)> {
        let deadline = tokio::time::Instant::now() + LIVENESS;
        loop {
            let servers = self.servers();
            if servers.len() == 2
                && servers.iter().all(|(_, status, check)| status == "UP" && check == "L7OK")
            {
                return servers;
            }
            assert!(tokio::time::Instant::now() < deadline, "HAProxy's checks did not pass: {servers:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for HaProxy {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // SAFETY: kill(2) on the PID of our own child, which has not been reaped yet.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
        let _ = self.child.wait();
    }
}

/// The value of the sample line `series` summed over `servers`.
fn total(servers: &[&TestServer], series: &str) -> u64 {
    let value = |metrics: String| {
        let line = metrics.lines().find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '));
        line.and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
    };
    servers.iter().map(|server| value(server.shared.service.metrics.encode())).sum()
}

fn refusals(servers: &[&TestServer]) -> u64 {
    let reasons = ssh_resume::admission::limits::Refusal::ALL;
    let series = |r: &ssh_resume::admission::limits::Refusal| {
        format!("ssh_resume_connections_refused_total{{reason=\"{}\"}}", r.as_str())
    };
    reasons.iter().map(|reason| total(servers, &series(reason))).sum()
}

/// An instance behind the balancer at 127.0.0.1, with the shared key in `keys`.
async fn instance(keys: &Path) -> TestServer {
    let ssh = Settings {
        proxy_protocol: Some(ProxyProtocol { trusted: vec!["127.0.0.1".parse().unwrap()] }),
        ..Settings::default()
    };
    let limits = Limits { max_per_ip: 1, ..Limits::default() };
    let service = ServiceSettings { limits, log_peers: PeerLogging::Full, ..Default::default() };
    TestServer::launch(keys, Launch { ssh, service, ..Launch::default() }).await
}

#[test]
fn shipped_config_passes_haproxy_check() {
    if haproxy_version().is_none() {
        return;
    }
    let output = Command::new("haproxy").arg("-c").arg("-f").arg(manifest_path(SHIPPED)).output().unwrap();
    let said =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "haproxy -c failed:\n{said}");
    assert!(!said.contains("WARNING") && !said.contains("ALERT"), "haproxy -c warned:\n{said}");
}

#[tokio::test]
async fn through_haproxy_the_server_sees_the_visitor() {
    let Some(version) = haproxy_version() else { return };
    eprintln!("{version}");
    common::capture_logs();
    let dir = temp_dir("haproxy");
    let (one, two) = (instance(&dir.join("keys")).await, instance(&dir.join("keys")).await);
    let instances = [&one, &two];
    assert_eq!(one.fingerprint, two.fingerprint, "the instances share one host key");
    let haproxy = HaProxy::start(&dir, [one.addr, two.addr]);
    eprintln!(
        "haproxy {} (pid {}) -> instances {} and {}",
        haproxy.addr,
        haproxy.child.id(),
        one.addr,
        two.addr
    );

    // Health checks: PROXY v2 LOCAL, answered with the version line, not refused.
    for (server, status, check) in haproxy.wait_until_healthy().await {
        eprintln!("health check: {server} {status} {check}");
    }
    let probes = total(&instances, "ssh_resume_proxy_probes_total");
    assert!(probes >= 2, "{probes} health checks answered");
    assert_eq!(refusals(&instances), 0, "health checks counted as refusals");
    eprintln!("health checks answered as probes: {probes}; refusals: 0");

    // A visitor from 127.0.0.5 is seen as 127.0.0.5: in the per-address limit ...
    let through = |source| connect_tcp_from(haproxy.addr, loopback(source));
    let mut first = Visitor::over(through(5).await.unwrap(), Visit::terminal(80, 24)).await.unwrap();
    first.wait_for_text("Staff Software Engineer").await;

    // ... (a second 127.0.0.5 is refused, 127.0.0.6 is not) and in the log.
    let mut second = through(5).await.unwrap();
    second.write_all(b"SSH-2.0-second\r\n").await.unwrap();
    let seen = common::read_until_closed(&mut second).await;
    assert!(seen.is_empty(), "a second visitor from 127.0.0.5 got {:?}", String::from_utf8_lossy(&seen));
    assert_eq!(total(&instances, "ssh_resume_connections_refused_total{reason=\"max-per-ip\"}"), 1);
    eprintln!("second connection from 127.0.0.5: refused (max-per-ip)");
    let mut other = Visitor::over(through(6).await.unwrap(), Visit::terminal(80, 24)).await.unwrap();
    other.wait_for_text("Staff Software Engineer").await;
    assert_eq!(first.host_key, other.host_key, "the same host key whichever instance answers");
    eprintln!("visitor from 127.0.0.6: admitted");
    for (visitor, address) in [(&mut first, "127.0.0.5"), (&mut other, "127.0.0.6")] {
        visitor.send(b"q").await;
        visitor.read_to_end().await;
        let line =
            find_log(|l| l["fields"]["message"] == "disconnected" && l["span"]["peer"] == address).await;
        eprintln!("log: {line}");
    }

    // A PROXY header from anyone but the balancer is refused.
    let mut spoofed = connect_tcp_from(one.addr, loopback(7)).await.unwrap();
    let addresses = (SocketAddr::from((loopback(5), 1)), one.addr);
    let header = v2::Builder::with_addresses(0x21, v2::Protocol::Stream, addresses).build().unwrap();
    spoofed.write_all(&[header.as_slice(), b"SSH-2.0-spoof\r\n"].concat()).await.unwrap();
    assert!(common::read_until_closed(&mut spoofed).await.is_empty());
    assert_eq!(total(&[&one], "ssh_resume_connections_refused_total{reason=\"untrusted-proxy\"}"), 1);
    eprintln!("PROXY header from 127.0.0.7 straight to an instance: refused (untrusted-proxy)");

    assert_eq!(refusals(&instances), 2, "only the two refusals above");
    let probes = total(&instances, "ssh_resume_proxy_probes_total");
    eprintln!("health checks answered by the end: {probes}; refusals: max-per-ip 1, untrusted-proxy 1");
    drop(haproxy);
    one.stop().await;
    two.stop().await;
}
