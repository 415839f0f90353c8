//! The server's flags (listening, limits, the load balancer, the message store) and the
//! validated settings they make; a flag combination that makes no sense is a
//! [`ConfigError`](super::ConfigError).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::{Args, Subcommand};
use tokio::net::TcpListener;

use super::ConfigError;
use super::args::LogPeers;
use super::pdf_args::PdfArgs;
use crate::admission::cidr::Cidr;
use crate::admission::limits::{Limits, Rate};
use crate::insights::range::When;
use crate::messages::inbox;
use crate::messages::limits::MessageRates;
use crate::messages::mailbox::MailboxSettings;
use crate::messages::notify::NotifyFormat;
use crate::server::Settings;
use crate::server::owner::{self, OwnerKeys};
use crate::server::proxy::ProxyProtocol;
use crate::service::ServiceSettings;
use crate::store::{Location, Which};
use crate::web::{WebSettings, forwarded};

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
    /// A JSON Resume file only: the language to show where a text is given in several
    /// (e.g. `de`); default: the file's own (`meta.language`), else English.
    #[arg(long, value_name = "LANG", env = "SSH_RESUME_RESUME_LANGUAGE")]
    pub resume_language: Option<String>,
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
    #[command(flatten)]
    pub pdf: PdfArgs,
    /// Count visits for `ssh-resume stats` and the owner console, in the same store as
    /// messages: hourly aggregates only, never an address or user name. Counts are
    /// written every 10 s and at shutdown; a crash loses at most those 10 s.
    #[arg(
        long,
        env = "SSH_RESUME_INSIGHTS",
        action = clap::ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_value = "true",
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub insights: bool,
    #[command(flatten)]
    pub owner: OwnerArgs,
}

/// The owner's console over SSH.
#[derive(Debug, Clone, Args)]
pub struct OwnerArgs {
    /// The owner's public keys (authorized_keys format, one per line; re-read on
    /// SIGHUP): `ssh OWNER_USER@host` with one of them opens the owner console.
    #[arg(long, value_name = "FILE", env = "SSH_RESUME_OWNER_KEY")]
    pub owner_key: Option<PathBuf>,
    /// The user name that means the owner; it logs in only with a key from --owner-key
    /// (every other name stays anonymous).
    #[arg(long, default_value = "owner", value_name = "NAME", env = "SSH_RESUME_OWNER_USER")]
    pub owner_user: String,
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
    pub(super) fn location(&self) -> Location {
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
    pub(super) fn mailbox_settings(&self) -> MailboxSettings {
        MailboxSettings {
            rates: MessageRates { per_address: self.message_rate_per_address, global: self.message_rate },
            max_stored: self.max_messages,
            timeout: self.message_timeout,
        }
    }
}

/// `inbox`. The store's flags are global to its actions, as `--json` is, so they may
/// come after one too (`inbox show 2 --data-dir DIR`).
#[derive(Debug, Clone, Args)]
#[command(mut_arg("data_dir", |arg| arg.global(true)), mut_arg("database_url", |arg| arg.global(true)))]
pub struct InboxArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// JSON Lines instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub action: Option<InboxAction>,
}

/// `stats`.
#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Where the report starts: a duration back from now (10m, 24h, 7d, 30d) or a UTC
    /// time "YYYY-MM-DD HH:MM". Counts are hourly, so the range widens to whole hours.
    #[arg(long, default_value = "24h", value_parser = When::parse, value_name = "WHEN")]
    pub since: When,
    /// Where it ends (default: now), written like --since.
    #[arg(long, value_parser = When::parse, value_name = "WHEN")]
    pub until: Option<When>,
    /// The same figures as JSON, for scripts.
    #[arg(long)]
    pub json: bool,
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
    pub(super) fn action(&self) -> inbox::Action {
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

impl OwnerArgs {
    fn user(&self) -> Result<String, ConfigError> {
        let valid = !self.owner_user.is_empty() && self.owner_user.chars().all(|c| c.is_ascii_graphic());
        if valid {
            Ok(self.owner_user.clone())
        } else {
            Err(ConfigError::Flags("--owner-user must be a plain user name like `owner`"))
        }
    }

    /// The owner's keys from --owner-key (none without it).
    pub(super) fn keys(&self) -> Result<OwnerKeys, ConfigError> {
        match &self.owner_key {
            Some(path) => Ok(owner::load(path)?),
            None => Ok(OwnerKeys::default()),
        }
    }
}

impl ProxyArgs {
    pub(super) fn settings(&self) -> Result<Option<ProxyProtocol>, ConfigError> {
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
    pub(super) fn settings(&self) -> Result<Settings, ConfigError> {
        let l = &self.limits;
        Ok(Settings {
            login_timeout: l.login_timeout,
            idle_timeout: l.idle_timeout,
            max_session: l.max_session,
            keepalive_interval: l.keepalive,
            proxy_protocol: self.proxy.settings()?,
            owner_user: self.owner.user()?,
            owner_keys: self.owner.keys()?,
            ..Settings::default()
        })
    }
}

impl ServeArgs {
    /// What both doors read: the limits, the public host, the drain deadline and how
    /// peers are logged.
    pub(super) fn service_settings(&self) -> ServiceSettings {
        let l = &self.limits;
        ServiceSettings {
            public_host: self.public_host.clone(),
            limits: Limits {
                max_connections: l.max_connections,
                max_startups_per_ip: l.max_startups_per_ip,
                max_per_ip: l.max_per_ip,
                rate_per_ip: l.rate_per_ip,
            },
            drain_timeout: l.drain_timeout,
            log_peers: self.log_peers.into(),
        }
    }

    /// The web view's settings: the SSH port for the command it shows, and the proxies
    /// it trusts (loopback always).
    pub(super) fn web_settings(&self, fingerprint: &str, listeners: &[TcpListener]) -> WebSettings {
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::super::args::{Cli, Command};

    fn inbox(args: &[&str]) -> super::InboxArgs {
        let cli = Cli::try_parse_from(["ssh-resume", "inbox"].iter().chain(args)).unwrap();
        let Some(Command::Inbox(inbox)) = cli.command else { panic!("not inbox: {args:?}") };
        *inbox
    }

    #[test]
    fn the_store_flags_go_before_or_after_an_inbox_action() {
        for args in [
            &["--data-dir", "d", "show", "2"][..],
            &["show", "2", "--data-dir", "d"],
            &["mark-read", "--all", "--data-dir", "d", "--json"],
            &["delete", "--data-dir=d", "7"],
        ] {
            assert_eq!(inbox(args).store.data_dir, std::path::Path::new("d"), "{args:?}");
        }
        let url = inbox(&["show", "2", "--database-url", "postgres://x/y"]).store.database_url;
        assert_eq!(url.as_deref(), Some("postgres://x/y"));
        assert_eq!(inbox(&["show", "2"]).store.data_dir, std::path::Path::new("data"), "the default stays");
    }

    #[test]
    fn stats_takes_its_store_flags_anywhere() {
        let cli = Cli::try_parse_from(["ssh-resume", "stats", "--json", "--data-dir", "d", "--since", "7d"])
            .unwrap();
        let Some(Command::Stats(stats)) = cli.command else { panic!("not stats") };
        assert_eq!(stats.store.data_dir, std::path::Path::new("d"));
    }
}
