//! `sftp`: N downloads of one file, one after another, each on its own connection as
//! `scp HOST:FILE .` makes it with OpenSSH 9 (which copies over SFTP): connect, `none`
//! auth, a session channel, the `sftp` subsystem, the real path of `.`, a stat of the
//! file, then open, read to the end (russh-sftp's reads, several in flight), close and
//! disconnect. Works against any SSH server offering the subsystem (ours, or OpenSSH's
//! sshd with sftp-server: `benches/sftp-peer.sh`).
//!
//! The figure is the server's CPU per download. For a server that forks per connection
//! (sshd), the children's CPU reaches the listener's `/proc/PID/stat` only once they
//! are reaped, so before the last reading the run waits until the listener has no more
//! children than before the first download (bounded by `--timeout`).

use std::time::{Duration, Instant};

use anyhow::Context;
use russh::client::Msg;
use russh::{Channel, ChannelMsg};
use russh_sftp::client::SftpSession;
use tokio::io::AsyncReadExt;

use crate::process::{self, Probe};
use crate::report::{Failures, Latencies, Report};
use crate::visitor::{Target, VisitError, disconnect, session_channel};

/// Most bytes one download keeps count of before it is called a failure: a résumé's
/// PDF is tens of KiB.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub async fn run(target: &Target, downloads: u32, path: &str) -> anyhow::Result<Report> {
    // Children the server has before the first download (none for an idle sshd).
    let baseline = match target.server_pid {
        Some(pid) => {
            process::children(pid).with_context(|| format!("cannot read process {pid}'s children"))?
        }
        None => 0,
    };
    let probe = Probe::start(target.server_pid);
    let mut latency = Latencies::new();
    let mut failures = Failures::default();
    let (mut ok, mut sizes) = (0u64, (u64::MAX, 0u64));
    for _ in 0..downloads {
        let started = Instant::now();
        match download(target, path).await {
            Ok(bytes) => {
                latency.record(started.elapsed());
                ok += 1;
                sizes = (sizes.0.min(bytes), sizes.1.max(bytes));
            }
            Err(err) => failures.add(&err),
        }
    }
    if let Some(pid) = target.server_pid {
        settle(pid, baseline, target.timeout).await.context("the server's connections did not end")?;
    }
    let usage = probe.finish();
    let mut report = Report::new("sftp", target);
    report.latency("download", "connect → file read → closed", &latency);
    report.value("path", "file", path, "");
    report.value("downloads", "downloads made", downloads, "");
    report.value("downloads_ok", "downloads ok (every byte)", ok, "");
    if ok > 0 {
        report.value("file_bytes_min", "bytes per download (least)", sizes.0, "bytes");
        report.value("file_bytes_max", "bytes per download (most)", sizes.1, "bytes");
    }
    report.failures(&failures);
    report.usage(&usage, 0);
    if let Some(cpu) = usage.server_cpu.filter(|_| ok > 0) {
        let per = 1000.0 * cpu.as_secs_f64() / ok as f64;
        report.time("server_cpu_per_download", "server CPU per download", per);
        let own = 1000.0 * usage.own_cpu.as_secs_f64() / ok as f64;
        report.time("client_cpu_per_download", "load tool CPU per download", own);
    }
    Ok(report)
}

/// One download; the bytes read.
async fn download(target: &Target, path: &str) -> Result<u64, VisitError> {
    let deadline = tokio::time::Instant::now() + target.timeout;
    let (session, mut channel) = session_channel(target, deadline).await?;
    within(deadline, "the sftp subsystem", subsystem(&mut channel)).await?;
    let bytes = within(deadline, "the file", read_file(channel.into_stream(), path)).await?;
    disconnect(session, deadline).await?;
    Ok(bytes)
}

/// Asks for the `sftp` subsystem and waits for the answer (russh sends the request and
/// returns; a refusal would otherwise look like a server that never speaks SFTP).
async fn subsystem(channel: &mut Channel<Msg>) -> Result<(), VisitError> {
    channel.request_subsystem(true, "sftp").await?;
    loop {
        match channel.wait().await {
            Some(ChannelMsg::Success) => return Ok(()),
            Some(ChannelMsg::Failure) => {
                return Err(VisitError::Sftp("the server refused the subsystem".into()));
            }
            Some(ChannelMsg::Close) | None => return Err(VisitError::Closed("the sftp subsystem")),
            Some(_) => {} // window adjusts and the like
        }
    }
}

/// What scp asks before reading, then the whole file; the bytes read.
async fn read_file<S>(stream: S, path: &str) -> Result<u64, VisitError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let sftp = SftpSession::new(stream).await.map_err(sftp_error)?;
    sftp.canonicalize(".").await.map_err(sftp_error)?;
    let size = sftp.metadata(path).await.map_err(sftp_error)?.size;
    let mut file = sftp.open(path).await.map_err(sftp_error)?;
    let mut sink = Vec::new();
    let read = (&mut file).take(MAX_FILE_BYTES).read_to_end(&mut sink).await;
    let read = u64::try_from(read.map_err(|err| VisitError::Sftp(err.to_string()))?).unwrap_or(u64::MAX);
    file.close().await.map_err(|err| VisitError::Sftp(err.to_string()))?;
    sftp.close().await.map_err(sftp_error)?;
    match size {
        Some(size) if size != read => Err(VisitError::Sftp(format!("stat said {size} bytes, read {read}"))),
        _ => Ok(read),
    }
}

fn sftp_error(err: russh_sftp::client::error::Error) -> VisitError {
    VisitError::Sftp(err.to_string())
}

async fn within<T>(
    deadline: tokio::time::Instant,
    what: &'static str,
    future: impl Future<Output = Result<T, VisitError>>,
) -> Result<T, VisitError> {
    tokio::time::timeout_at(deadline, future).await.unwrap_or(Err(VisitError::Timeout(what)))
}

/// Waits until process `pid` has no more children than `baseline` (a forking server's
/// connections have ended and been reaped, so their CPU time is counted), at most
/// `timeout`.
async fn settle(pid: u32, baseline: usize, timeout: Duration) -> anyhow::Result<()> {
    let until = Instant::now() + timeout;
    loop {
        let children =
            process::children(pid).with_context(|| format!("cannot read process {pid}'s children"))?;
        if children <= baseline {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < until,
            "process {pid} still has {children} children, {baseline} before"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
