//! The command line: flags (each also read from an `SSH_RESUME_*` variable), the
//! subcommands, and what each one does. `main` calls [`main`], which turns errors into
//! `error: …` on stderr and an exit status: 2 for bad configuration (an invalid résumé,
//! an unsafe host key), 1 for anything else.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tracing::info;

use crate::resume::export::Format;
use crate::resume::{LoadError, Loaded};
use crate::server::{self, Settings, keys};

/// Serve a résumé over SSH.
#[derive(Debug, Parser)]
#[command(name = "ssh-resume", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the résumé over SSH (the default).
    Serve(ServeArgs),
    /// Validate a résumé file: exit 0, or 2 with what is wrong and where.
    Check {
        /// The résumé to check.
        #[arg(default_value = "resume.toml", env = "SSH_RESUME_RESUME")]
        path: PathBuf,
    },
    /// Print the résumé locally, as visitors without a terminal get it.
    Render {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Column to wrap text at.
        #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(20..=500))]
        width: u16,
        #[arg(long, default_value = "resume.toml", env = "SSH_RESUME_RESUME")]
        resume: PathBuf,
    },
    /// Print the host key's SHA256 fingerprint, or its SSHFP DNS records.
    Fingerprint {
        #[arg(long, default_value = "keys", env = "SSH_RESUME_KEYS_DIR")]
        keys_dir: PathBuf,
        /// Print the SSHFP records for HOSTNAME instead, as `ssh-keygen -r HOSTNAME` does.
        #[arg(long, value_name = "HOSTNAME", value_parser = parse_hostname)]
        sshfp: Option<String>,
    },
    /// Exit 0 if an SSH server answers on ADDR with an SSH-2.0 version line, else 1.
    Healthcheck {
        #[arg(long, default_value = "127.0.0.1:2222")]
        addr: SocketAddr,
        /// Time allowed for connecting and the version line (e.g. 500ms, 2s).
        #[arg(long, default_value = "2s", value_parser = crate::healthcheck::parse_duration)]
        timeout: Duration,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; repeat for several (IPv4 and IPv6 may share a port).
    #[arg(long = "listen", default_value = "0.0.0.0:2222", env = "SSH_RESUME_LISTEN", value_delimiter = ',')]
    pub listen: Vec<SocketAddr>,
    /// The résumé to serve.
    #[arg(long, default_value = "resume.toml", env = "SSH_RESUME_RESUME")]
    pub resume: PathBuf,
    /// Directory holding the host key (created on first start).
    #[arg(long, default_value = "keys", env = "SSH_RESUME_KEYS_DIR")]
    pub keys_dir: PathBuf,
    /// `host[:port]` that visitors type, shown in help; default: the address they reached.
    #[arg(long, env = "SSH_RESUME_PUBLIC_HOST")]
    pub public_host: Option<String>,
}

/// Errors that mean the configuration is wrong: exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ConfigError(String);

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            let config = err.chain().any(|cause| cause.is::<ConfigError>());
            ExitCode::from(if config { 2 } else { 1 })
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Check { path }) => {
            let loaded = load_resume(&path)?;
            let sections = loaded.outline.sections.len();
            println!("{}: ok ({sections} sections, {} roles)", path.display(), loaded.resume.work.len());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Render { format, width, resume }) => {
            print!("{}", load_resume(&resume)?.render(format, usize::from(width)));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Fingerprint { keys_dir, sshfp }) => fingerprint(&keys_dir, sshfp.as_deref()),
        Some(Command::Healthcheck { addr, timeout }) => {
            let version = crate::healthcheck::check(addr, timeout)?;
            println!("{addr}: {version}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load_resume(path: &Path) -> Result<Loaded> {
    Loaded::from_path(path).map_err(|err: LoadError| ConfigError(err.to_string()).into())
}

fn serve(args: ServeArgs) -> Result<ExitCode> {
    let loaded = load_resume(&args.resume)?;
    let host_key = keys::load_or_create(&args.keys_dir).map_err(|e| ConfigError(e.to_string()))?;
    let fingerprint = host_key.fingerprint();
    if host_key.created {
        info!(path = %host_key.path.display(), %fingerprint, "created a new host key");
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listeners = bind_all(&args.listen).await?;
        info!(
            version = env!("CARGO_PKG_VERSION"),
            %fingerprint,
            resume = %args.resume.display(),
            sections = loaded.outline.sections.len(),
            "ssh-resume started"
        );
        let shutdown = CancellationToken::new();
        let (_resume_tx, resume_rx) = watch::channel(Arc::new(loaded));
        let settings = Settings { public_host: args.public_host.clone(), ..Settings::default() };
        let shared = server::Shared::new(settings, resume_rx, host_key.key, shutdown.clone());
        tokio::spawn(stop_on_signal(shutdown));
        server::run(listeners, shared).await;
        info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// Binds every address; IPv6 sockets are IPv6-only so `0.0.0.0` and `[::]` can share a port.
pub async fn bind_all(addrs: &[SocketAddr]) -> Result<Vec<TcpListener>> {
    let mut listeners = Vec::with_capacity(addrs.len());
    for addr in addrs {
        let listener = bind(*addr).with_context(|| format!("cannot listen on {addr}"))?;
        info!(addr = %listener.local_addr()?, "listening on {}", listener.local_addr()?);
        listeners.push(listener);
    }
    Ok(listeners)
}

fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    TcpListener::from_std(socket.into())
}

async fn stop_on_signal(shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    else {
        tracing::error!("cannot listen for SIGTERM/SIGINT; stop the server with SIGKILL");
        return;
    };
    tokio::select! {
        _ = term.recv() => info!("SIGTERM: shutting down"),
        _ = int.recv() => info!("SIGINT: shutting down"),
    }
    shutdown.cancel();
}

/// `ssh-resume fingerprint [--sshfp HOSTNAME]`: never creates a key.
fn fingerprint(keys_dir: &Path, sshfp: Option<&str>) -> Result<ExitCode> {
    let path = keys_dir.join(keys::HOST_KEY_FILE);
    let key = keys::load(&path).map_err(|e| ConfigError(e.to_string()))?;
    match sshfp {
        None => println!("{}", keys::fingerprint(&key)),
        Some(host) => {
            print!("{}", keys::sshfp_records(key.public_key(), host).map_err(|e| ConfigError(e.to_string()))?)
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A name that fits in one zone-file field: letters, digits, `-`, `_`, `.` (a trailing
/// dot makes it absolute), `*`, or `@` for the zone's origin. IDNs go in as `xn--…`.
fn parse_hostname(text: &str) -> std::result::Result<String, String> {
    let valid = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_.*@".contains(c));
    if valid {
        Ok(text.to_owned())
    } else {
        Err(format!("`{text}` is not a DNS name like resume.example.com"))
    }
}
