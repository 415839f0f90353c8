//! The command line: flags (each also read from an `SSH_RESUME_*` variable, and for
//! `serve` from the `--config` file, see [`crate::config`]), the subcommands, and what
//! each one does. `main` calls [`main`], which turns errors into
//! `error: …` on stderr and an exit status: 2 for bad configuration (an invalid résumé,
//! an unsafe host key), 1 for anything else.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tracing::info;

use crate::config::{self, FileValues};
use crate::guard::cidr::Cidr;
use crate::guard::limits::{Limits, Rate};
use crate::guard::message_limits::MessageRates;
use crate::guard::privacy::PeerLogging;
use crate::inbox;
use crate::mailbox::{Mailbox, MailboxSettings};
use crate::notify::{Notifier, NotifyCounters, NotifyFormat, NotifySettings};
use crate::resume::export::Format;
use crate::resume::{LoadError, Loaded};
use crate::server::proxy::ProxyProtocol;
use crate::server::{self, Settings, keys};
use crate::store::{self, Location, Which};
use crate::web::{self, WebSettings, forwarded};

/// Serve a résumé over SSH.
#[derive(Debug, Parser)]
#[command(name = "ssh-resume", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Log format: `pretty` for people, `json` for log collectors (default: pretty on a
    /// terminal, json otherwise, e.g. under systemd). Filter with `RUST_LOG`.
    #[arg(long, global = true, value_enum, env = "SSH_RESUME_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// `--log-peers`: how visitors appear in logs ([`PeerLogging`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogPeers {
    Full,
    Hashed,
    None,
}

impl From<LogPeers> for PeerLogging {
    fn from(value: LogPeers) -> Self {
        match value {
            LogPeers::Full => PeerLogging::Full,
            LogPeers::Hashed => PeerLogging::Hashed,
            LogPeers::None => PeerLogging::None,
        }
    }
}

/// `render --format`: the résumé's printed forms ([`Format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RenderFormat {
    Text,
    Markdown,
    Json,
}

impl From<RenderFormat> for Format {
    fn from(value: RenderFormat) -> Self {
        match value {
            RenderFormat::Text => Format::Text,
            RenderFormat::Markdown => Format::Markdown,
            RenderFormat::Json => Format::Json,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the résumé over SSH (the default).
    Serve(Box<ServeArgs>),
    /// Print the configuration `serve` would run with, as a TOML file for --config: each
    /// value from the flags given here, SSH_RESUME_* variables, the --config file or the
    /// defaults, in that order. Exits 2 if it is not a valid configuration.
    Config(Box<ServeArgs>),
    /// Validate a résumé file (`.toml`, or `.json` in the JSON Resume schema): exit 0,
    /// with warnings on stderr for what is not shown, or 2 with what is wrong and where.
    Check {
        /// The résumé to check.
        #[arg(default_value = "resume.toml", env = "SSH_RESUME_RESUME")]
        path: PathBuf,
    },
    /// Convert a JSON Resume file to resume.toml, listing on stderr what could not be
    /// carried over.
    Import {
        /// The JSON Resume file.
        path: PathBuf,
        /// Write here instead of to stdout.
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Write a starter resume.toml with placeholder text to edit.
    Init {
        #[arg(default_value = "resume.toml")]
        path: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Print the résumé locally, as visitors without a terminal get it.
    Render {
        #[arg(long, value_enum, default_value = "text")]
        format: RenderFormat,
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
    /// Read the messages visitors wrote, newest first; `show ID`, `mark-read ID|--all`
    /// and `delete ID` act on one. Reads the same store the server writes.
    Inbox(Box<InboxArgs>),
    /// Exit 0 if an SSH server answers on ADDR with an SSH-2.0 version line, else 1.
    Healthcheck {
        #[arg(long, default_value = "127.0.0.1:2222")]
        addr: SocketAddr,
        /// Time allowed for connecting and the version line (e.g. 500ms, 2s).
        #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
        timeout: Duration,
        /// Start with a PROXY v2 LOCAL header, as a load balancer's health check does (for
        /// a server run with --proxy-protocol that trusts this address).
        #[arg(
            long,
            env = "SSH_RESUME_PROXY_PROTOCOL",
            action = clap::ArgAction::Set,
            num_args = 0..=1,
            require_equals = true,
            default_value = "false",
            default_missing_value = "true",
            value_name = "BOOL",
        )]
        proxy_protocol: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Server configuration file (TOML, keys named as these flags); flags and SSH_RESUME_*
    /// variables override it. `ssh-resume config` prints one.
    #[arg(long, value_name = "PATH", env = "SSH_RESUME_CONFIG")]
    pub config: Option<PathBuf>,
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
    /// How visitors' addresses and user names appear in logs: in full, as a keyed hash
    /// (key made at start, replaced daily), or not at all.
    #[arg(long, value_enum, default_value = "hashed", env = "SSH_RESUME_LOG_PEERS")]
    pub log_peers: LogPeers,
    /// Serve `/metrics`, `/healthz` and `/readyz` over HTTP on this address (off by default).
    #[arg(long, env = "SSH_RESUME_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Serve the résumé as a web page (and to `curl`) on this address (off by default);
    /// put a TLS proxy such as Caddy in front of it.
    #[arg(long, env = "SSH_RESUME_HTTP_LISTEN")]
    pub http_listen: Option<SocketAddr>,
    /// Besides loopback, proxies whose `X-Forwarded-For` names the web visitor (for the
    /// per-address limits); repeat or separate with commas.
    #[arg(
        long = "http-trusted-proxy",
        value_name = "CIDR",
        env = "SSH_RESUME_HTTP_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub http_trusted_proxies: Vec<Cidr>,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub proxy: ProxyArgs,
    #[command(flatten)]
    pub messages: MessageArgs,
}

/// Where messages are stored: the data directory, or PostgreSQL.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Directory of the embedded database (`ssh-resume.db`, SQLite), created with mode
    /// 0700 on first use.
    #[arg(long, default_value = "data", env = "SSH_RESUME_DATA_DIR")]
    pub data_dir: PathBuf,
    /// Keep messages in PostgreSQL instead (`postgres://user:password@host/db`), for
    /// several instances sharing one inbox.
    #[arg(long, value_name = "URL", env = "SSH_RESUME_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl StoreArgs {
    fn location(&self) -> Location {
        match &self.database_url {
            Some(url) => Location::Postgres(url.clone()),
            None => Location::DataDir(self.data_dir.clone()),
        }
    }
}

/// Messages visitors write to the owner.
#[derive(Debug, Clone, Args)]
pub struct MessageArgs {
    /// Let visitors write to the owner: `m` in the view and `ssh HOST message`.
    #[arg(
        long,
        env = "SSH_RESUME_MESSAGES",
        action = clap::ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_value = "true",
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub messages: bool,
    /// Also on the web page: a form posting to /message (needs --http-listen).
    #[arg(
        long,
        env = "SSH_RESUME_WEB_MESSAGES",
        action = clap::ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_value = "false",
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub web_messages: bool,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Messages allowed per sending address (IPv6: per /64), as N/DURATION; 0 = no limit.
    #[arg(long, default_value = "3/1h", env = "SSH_RESUME_MESSAGE_RATE_PER_ADDRESS")]
    pub message_rate_per_address: Rate,
    /// Messages allowed for the whole server, as N/DURATION; 0 = no limit.
    #[arg(long, default_value = "60/1h", env = "SSH_RESUME_MESSAGE_RATE")]
    pub message_rate: Rate,
    /// Most messages kept; beyond it new ones are refused ("the inbox is full").
    #[arg(long, default_value_t = 10_000, env = "SSH_RESUME_MAX_MESSAGES")]
    pub max_messages: u64,
    /// Longest a visitor waits for the store before being told to try again.
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration, env = "SSH_RESUME_MESSAGE_TIMEOUT")]
    pub message_timeout: Duration,
    /// Post each new message to this URL (http or https).
    #[arg(long, value_name = "URL", env = "SSH_RESUME_NOTIFY_WEBHOOK")]
    pub notify_webhook: Option<String>,
    /// The webhook's body: JSON, Slack-compatible `{"text"}`, or an ntfy message.
    #[arg(long, value_enum, default_value = "json", env = "SSH_RESUME_NOTIFY_FORMAT")]
    pub notify_format: NotifyFormat,
}

impl MessageArgs {
    fn mailbox_settings(&self) -> MailboxSettings {
        MailboxSettings {
            rates: MessageRates { per_address: self.message_rate_per_address, global: self.message_rate },
            max_stored: self.max_messages,
            timeout: self.message_timeout,
        }
    }
}

/// `inbox`.
#[derive(Debug, Clone, Args)]
pub struct InboxArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// JSON Lines instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub action: Option<InboxAction>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum InboxAction {
    /// Print one message in full.
    Show { id: i64 },
    /// Mark a message read, or all of them with --all.
    MarkRead {
        #[arg(required_unless_present = "all")]
        id: Option<i64>,
        #[arg(long, conflicts_with = "id")]
        all: bool,
    },
    /// Delete a message.
    Delete { id: i64 },
}

impl InboxAction {
    fn action(&self) -> inbox::Action {
        match self {
            InboxAction::Show { id } => inbox::Action::Show(*id),
            InboxAction::MarkRead { id: Some(id), .. } => inbox::Action::MarkRead(Which::One(*id)),
            InboxAction::MarkRead { id: None, .. } => inbox::Action::MarkRead(Which::All),
            InboxAction::Delete { id } => inbox::Action::Delete(*id),
        }
    }
}

/// Limits and timers; durations are written like `10s`, `10m`, `1h`.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Most connections open at once.
    #[arg(long, default_value_t = 2000, env = "SSH_RESUME_MAX_CONNECTIONS")]
    pub max_connections: usize,
    /// Most open connections from one address (IPv6: one /64); 0 = no limit.
    #[arg(long, default_value_t = 400, env = "SSH_RESUME_MAX_PER_IP")]
    pub max_per_ip: u32,
    /// Most connections from one address still in the handshake; 0 = no limit.
    #[arg(long, default_value_t = 100, env = "SSH_RESUME_MAX_STARTUPS_PER_IP")]
    pub max_startups_per_ip: u32,
    /// New connections allowed per address, as N/DURATION (token bucket); 0 = no limit.
    #[arg(long, default_value = "600/1m", env = "SSH_RESUME_RATE_PER_IP")]
    pub rate_per_ip: Rate,
    /// Time a client has from connecting to opening its shell or command.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration, env = "SSH_RESUME_LOGIN_TIMEOUT")]
    pub login_timeout: Duration,
    /// A session without input from the visitor for this long ends.
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration, env = "SSH_RESUME_IDLE_TIMEOUT")]
    pub idle_timeout: Duration,
    /// Longest a session may last.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration, env = "SSH_RESUME_MAX_SESSION")]
    pub max_session: Duration,
    /// On SIGTERM, how long open sessions get to say goodbye before they are cut.
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration, env = "SSH_RESUME_DRAIN_TIMEOUT")]
    pub drain_timeout: Duration,
    /// Keepalive probe interval (dead peers are dropped after 3 unanswered probes).
    #[arg(long, default_value = "15s", value_parser = humantime::parse_duration, env = "SSH_RESUME_KEEPALIVE")]
    pub keepalive: Duration,
}

/// Behind a TCP load balancer.
#[derive(Debug, Clone, Args)]
pub struct ProxyArgs {
    /// Expect a PROXY protocol header (v1 or v2) from the load balancer on every
    /// connection and serve the visitor it names; needs --trusted-proxy.
    #[arg(
        long,
        env = "SSH_RESUME_PROXY_PROTOCOL",
        action = clap::ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_value = "false",
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub proxy_protocol: bool,
    /// Address or range (CIDR) of a load balancer allowed to connect and send PROXY
    /// headers; repeat for several. Anyone else is refused.
    #[arg(long, value_name = "CIDR", env = "SSH_RESUME_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<Cidr>,
}

impl ProxyArgs {
    fn settings(&self) -> Result<Option<ProxyProtocol>, ConfigError> {
        match (self.proxy_protocol, self.trusted_proxy.is_empty()) {
            (true, false) => Ok(Some(ProxyProtocol { trusted: self.trusted_proxy.clone() })),
            (false, true) => Ok(None),
            (true, true) => Err(ConfigError::Flags(
                "--proxy-protocol needs the load balancer's address: add --trusted-proxy CIDR",
            )),
            (false, false) => Err(ConfigError::Flags(
                "--trusted-proxy is set but --proxy-protocol is not: add --proxy-protocol, or drop \
                 --trusted-proxy to serve visitors directly",
            )),
        }
    }
}

impl ServeArgs {
    /// The validated server settings; `Err` is a configuration mistake (exit status 2).
    fn settings(&self) -> Result<Settings, ConfigError> {
        let l = &self.limits;
        Ok(Settings {
            public_host: self.public_host.clone(),
            limits: Limits {
                max_connections: l.max_connections,
                max_startups_per_ip: l.max_startups_per_ip,
                max_per_ip: l.max_per_ip,
                rate_per_ip: l.rate_per_ip,
            },
            login_timeout: l.login_timeout,
            idle_timeout: l.idle_timeout,
            max_session: l.max_session,
            drain_timeout: l.drain_timeout,
            keepalive_interval: l.keepalive,
            log_peers: self.log_peers.into(),
            proxy_protocol: self.proxy.settings()?,
            ..Settings::default()
        })
    }
}

impl ServeArgs {
    /// The web view's settings: the SSH port for the command it shows, and the proxies
    /// it trusts (loopback always).
    fn web_settings(&self, fingerprint: &str, listeners: &[TcpListener]) -> WebSettings {
        let mut trusted_proxies = forwarded::loopback();
        trusted_proxies.extend(self.http_trusted_proxies.iter().copied());
        WebSettings {
            fingerprint: fingerprint.to_owned(),
            ssh_port: listeners.first().and_then(|l| l.local_addr().ok()).map(|a| a.port()),
            trusted_proxies,
            messages: self.messages.messages && self.messages.web_messages,
            ..WebSettings::default()
        }
    }
}

/// Errors that mean the configuration is wrong: exit status 2. Each keeps the typed
/// error it came from as its source.
#[derive(Debug, thiserror::Error)]
enum ConfigError {
    #[error(transparent)]
    File(#[from] config::ConfigFileError),
    #[error(transparent)]
    Resume(#[from] LoadError),
    #[error(transparent)]
    HostKey(#[from] keys::KeyError),
    /// Flags that do not make sense together.
    #[error("{0}")]
    Flags(&'static str),
    /// A file `init` or `import` would replace.
    #[error("{}: exists already; pass --force to replace it", .0.display())]
    Exists(PathBuf),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

pub fn main() -> ExitCode {
    let parsed = match parse_args(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    // The owner's `inbox` prints what they asked for; only warnings and errors beside it.
    let quiet = matches!(parsed.cli.command, Some(Command::Inbox(_)));
    let _flush_logs_at_exit = init_tracing(parsed.cli.log_format, if quiet { "warn" } else { "info" });
    match run(parsed) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            let config = err.chain().any(|cause| cause.is::<ConfigError>());
            ExitCode::from(if config { 2 } else { 1 })
        }
    }
}

/// The command line with the `--config` file layered under it, and what it came from.
struct Parsed {
    cli: Cli,
    matches: ArgMatches,
    file: Option<FileValues>,
}

/// Parses the command line; when it names a configuration file, reads it and parses
/// again with the file's values as the flags' defaults. Usage errors exit here, as clap does.
fn parse_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Parsed, ConfigError> {
    let args: Vec<_> = args.into_iter().collect();
    let first = Cli::command().get_matches_from(&args);
    let Some(path) = config_path(&first) else {
        let cli = Cli::from_arg_matches(&first).unwrap_or_else(|err| err.exit());
        return Ok(Parsed { cli, matches: first, file: None });
    };
    let file = config::parse(&path, &settings_command()).map_err(ConfigError::from)?;
    let matches = config::layer(Cli::command(), &file).get_matches_from(&args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    Ok(Parsed { cli, matches, file: Some(file) })
}

/// `--config`, where `serve` or `config` runs.
fn config_path(matches: &ArgMatches) -> Option<PathBuf> {
    let matches = match matches.subcommand() {
        Some(("serve" | "config", sub)) => sub,
        Some(_) => return None,
        None => matches,
    };
    matches.get_one::<PathBuf>("config").cloned()
}

/// The `serve` command as clap builds it, global flags included: what a file may set.
fn settings_command() -> clap::Command {
    let mut cli = Cli::command();
    cli.build();
    cli.find_subcommand("serve").cloned().unwrap_or(cli)
}

/// Logs to stderr from a background thread, so writing a line never blocks a visitor's
/// task; the returned guard flushes what is queued when `main` returns.
fn init_tracing(format: Option<LogFormat>, level: &str) -> tracing_appender::non_blocking::WorkerGuard {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let terminal = std::io::stderr().is_terminal();
    let format = format.unwrap_or(if terminal { LogFormat::Pretty } else { LogFormat::Json });
    // Under a flood the queue drops lines (and counts them) rather than stall the server.
    let (writer, guard) = tracing_appender::non_blocking(std::io::stderr());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    match format {
        LogFormat::Pretty => logs.with_ansi(terminal && std::env::var_os("NO_COLOR").is_none()).init(),
        LogFormat::Json => logs.json().with_current_span(true).with_span_list(false).init(),
    }
    guard
}

fn run(parsed: Parsed) -> Result<ExitCode> {
    let Parsed { cli, matches, file } = parsed;
    match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(*args),
        Some(Command::Config(args)) => {
            let matches = matches.subcommand_matches("config").unwrap_or(&matches);
            print!("{}", config::effective(&settings_command(), matches, file.as_ref()));
            args.settings()?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { path }) => {
            let loaded = load_resume(&path)?;
            for warning in &loaded.warnings {
                eprintln!("warning: {}: {warning}", path.display());
            }
            let sections = loaded.outline.sections.len();
            println!("{}: ok ({sections} sections, {} roles)", path.display(), loaded.resume.work.len());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Import { path, output, force }) => import(&path, output.as_deref(), force),
        Some(Command::Init { path, force }) => {
            write_file(&path, crate::resume::STARTER, force)?;
            eprintln!(
                "wrote {}: edit it, then check it with `ssh-resume check {}`",
                path.display(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Render { format, width, resume }) => {
            print!("{}", load_resume(&resume)?.render(format.into(), usize::from(width)));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Fingerprint { keys_dir, sshfp }) => fingerprint(&keys_dir, sshfp.as_deref()),
        Some(Command::Inbox(args)) => run_inbox(&args),
        Some(Command::Healthcheck { addr, timeout, proxy_protocol }) => {
            let version = crate::healthcheck::check(addr, timeout, proxy_protocol)?;
            println!("{addr}: {version}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load_resume(path: &Path) -> Result<Loaded> {
    Loaded::from_path(path).map_err(|err| ConfigError::from(err).into())
}

/// `ssh-resume import`: the résumé as TOML, and on stderr what TOML could not hold.
fn import(path: &Path, output: Option<&Path>, force: bool) -> Result<ExitCode> {
    let loaded = load_resume(path)?;
    let written = crate::resume::toml_out::to_toml(&loaded.resume, &path.display().to_string());
    for note in loaded.warnings.iter().chain(&written.unmapped) {
        eprintln!("not imported: {}: {note}", path.display());
    }
    match output {
        Some(output) => {
            write_file(output, &written.toml, force)?;
            eprintln!("wrote {}", output.display());
        }
        None => print!("{}", written.toml),
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a new file; an existing one is replaced only when `force` says so.
fn write_file(path: &Path, text: &str, force: bool) -> Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::AlreadyExists => anyhow::Error::new(ConfigError::Exists(path.to_owned())),
        _ => anyhow::Error::new(err).context(format!("cannot write {}", path.display())),
    })?;
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

fn serve(args: ServeArgs) -> Result<ExitCode> {
    let settings = args.settings()?;
    let loaded = load_resume(&args.resume)?;
    let host_key = keys::load_or_create(&args.keys_dir).map_err(ConfigError::from)?;
    let fingerprint = host_key.fingerprint();
    if host_key.created {
        info!(path = %host_key.path.display(), %fingerprint, "created a new host key");
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listeners = bind_all(&args.listen).await?;
        let admin = match args.metrics_listen {
            Some(addr) => Some(bind(addr).with_context(|| format!("cannot listen on {addr} for metrics"))?),
            None => None,
        };
        let http = match args.http_listen {
            Some(addr) => {
                Some(bind(addr).with_context(|| format!("cannot listen on {addr} for the web view"))?)
            }
            None => None,
        };
        let web_settings = args.web_settings(&fingerprint, &listeners);
        let mut settings = settings;
        settings.mailbox = open_mailbox(&args.messages).await?;
        log_start(&args, &listeners, admin.as_ref(), &fingerprint, &loaded, &settings);
        log_warnings(&args.resume, &loaded);
        let shutdown = CancellationToken::new();
        let (resume_tx, resume_rx) = watch::channel(Arc::new(loaded));
        let shared = server::Shared::new(settings, resume_rx, host_key.key, shutdown.clone());
        start_notifier(&args.messages, &shared, &shutdown);
        tokio::spawn(stop_on_signal(shutdown.clone()));
        tokio::spawn(reload_on_hangup(args.resume.clone(), resume_tx, shutdown));
        let stop_admin = CancellationToken::new();
        if let Some(listener) = admin {
            tokio::spawn(server::admin::serve(listener, shared.clone(), stop_admin.clone()));
        }
        let web =
            http.map(|listener| tokio::spawn(web::serve(listener, shared.service.clone(), web_settings)));
        server::run(listeners, shared).await;
        if let Some(web) = web {
            let _ = web.await;
        }
        stop_admin.cancel();
        info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// The mailbox, when messages are on; its store is checked once, and a store that is
/// not usable yet is logged and retried by each message (the résumé is served anyway).
async fn open_mailbox(args: &MessageArgs) -> Result<Option<Arc<Mailbox>>> {
    if !args.messages {
        return Ok(None);
    }
    let store = store::open(&args.store.location(), args.message_timeout).map_err(ConfigError::from)?;
    match tokio::time::timeout(args.message_timeout * 5, store.count()).await {
        Ok(Ok(count)) => info!(store = store.describe(), messages = count, "message store ready"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "the message store is not usable yet; messages fail until it is")
        }
        Err(_) => tracing::warn!(
            store = store.describe(),
            "the message store did not answer; messages fail until it does"
        ),
    }
    Ok(Some(Arc::new(Mailbox::new(store, args.mailbox_settings()))))
}

/// The webhook task, when asked for.
fn start_notifier(args: &MessageArgs, shared: &server::Shared, shutdown: &CancellationToken) {
    let (Some(url), Some(mailbox)) = (&args.notify_webhook, &shared.service.mailbox) else { return };
    let counters = NotifyCounters::of(&shared.service.metrics);
    let settings = NotifySettings::new(url.clone(), args.notify_format);
    mailbox.notify_with(Notifier::start(settings, counters, shutdown.child_token()));
}

/// `ssh-resume inbox …`: one action against the store, printed.
fn run_inbox(args: &InboxArgs) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let action = args.action.as_ref().map_or(inbox::Action::List, InboxAction::action);
    let out = runtime.block_on(async {
        let store = store::open(&args.store.location(), Duration::from_secs(10))?;
        inbox::run(store.as_ref(), action, args.json).await
    })?;
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// The one line that says what started: version, addresses, key, résumé, limits.
fn log_start(
    args: &ServeArgs,
    listeners: &[TcpListener],
    admin: Option<&TcpListener>,
    fingerprint: &str,
    loaded: &Loaded,
    settings: &Settings,
) {
    let addrs: Vec<String> =
        listeners.iter().filter_map(|l| l.local_addr().ok()).map(|a| a.to_string()).collect();
    let limits = &settings.limits;
    info!(
        version = env!("CARGO_PKG_VERSION"),
        listen = %addrs.join(","),
        metrics = admin.and_then(|l| l.local_addr().ok()).map(|a| a.to_string()),
        fingerprint,
        resume = %args.resume.display(),
        config = args.config.as_ref().map(|path| path.display().to_string()),
        sections = loaded.outline.sections.len(),
        roles = loaded.resume.work.len(),
        max_connections = limits.max_connections,
        max_per_ip = limits.max_per_ip,
        max_startups_per_ip = limits.max_startups_per_ip,
        rate_per_ip = %limits.rate_per_ip,
        login_timeout = %humantime::format_duration(settings.login_timeout),
        idle_timeout = %humantime::format_duration(settings.idle_timeout),
        max_session = %humantime::format_duration(settings.max_session),
        drain_timeout = %humantime::format_duration(settings.drain_timeout),
        log_peers = ?settings.log_peers,
        messages = settings.mailbox.as_ref().map_or("off".to_owned(), |m| m.store().describe()),
        web_messages = args.messages.web_messages,
        notify_webhook = args.messages.notify_webhook.is_some(),
        trusted_proxies = settings.proxy_protocol.as_ref().map(|p| join(&p.trusted)),
        "ssh-resume started"
    );
}

/// What the résumé holds but the views do not show, one line each.
fn log_warnings(path: &Path, loaded: &Loaded) {
    for warning in &loaded.warnings {
        tracing::warn!(resume = %path.display(), "{warning}");
    }
}

fn join(items: &[impl std::fmt::Display]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
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

pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
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

/// SIGHUP re-reads the résumé: a valid file serves every new session from then on; an
/// invalid one is logged with its line and column and the old résumé stays in service.
async fn reload_on_hangup(path: PathBuf, resume: watch::Sender<Arc<Loaded>>, shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hangup) = signal(SignalKind::hangup()) else {
        tracing::error!("cannot listen for SIGHUP; reloading is unavailable");
        return;
    };
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = hangup.recv() => {}
        }
        let reading = path.clone();
        match tokio::task::spawn_blocking(move || Loaded::from_path(&reading)).await {
            Ok(Ok(loaded)) => {
                log_warnings(&path, &loaded);
                let sections = loaded.outline.sections.len();
                resume.send_replace(Arc::new(loaded));
                info!(resume = %path.display(), sections, "SIGHUP: reloaded the résumé");
            }
            Ok(Err(err)) => {
                tracing::error!("SIGHUP: keeping the résumé in service; the new one is invalid: {err}")
            }
            Err(err) => tracing::error!("SIGHUP: reload failed: {err}"),
        }
    }
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
    let key = keys::load(&path).map_err(ConfigError::from)?;
    match sshfp {
        None => println!("{}", keys::fingerprint(&key)),
        Some(host) => {
            print!("{}", keys::sshfp_records(key.public_key(), host).map_err(ConfigError::from)?)
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
