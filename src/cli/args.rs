//! The command line as clap reads it: the global flags, the subcommands and their own
//! flags, and the value types that map onto the library's (`--log-peers`, `render
//! --format`). The server's flags are `serve_args.rs`'s.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use super::commands::parse_hostname;
use super::pdf_args::PdfArgs;
use super::serve_args::{InboxArgs, ServeArgs, StatsArgs};
use crate::admission::privacy::PeerLogging;
use crate::resume::export::Format;

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

/// `--resume-language`, for the commands that read a résumé.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ResumeLanguage {
    /// A JSON Resume file only: the language to show where a text is given in several
    /// (e.g. `de`); default: the file's own (`meta.language`), else English.
    #[arg(long = "resume-language", value_name = "LANG", env = "SSH_RESUME_RESUME_LANGUAGE")]
    pub language: Option<String>,
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
    /// The typeset PDF (`-o resume.pdf`).
    Pdf,
}

impl RenderFormat {
    /// The text export it names; `None` for the PDF.
    pub fn text(self) -> Option<Format> {
        match self {
            RenderFormat::Text => Some(Format::Text),
            RenderFormat::Markdown => Some(Format::Markdown),
            RenderFormat::Json => Some(Format::Json),
            RenderFormat::Pdf => None,
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
    /// with warnings on stderr (`FILE:LINE:COLUMN`) for what was read otherwise than the
    /// schema says or is not shown, or 2 with what is wrong and where.
    Check {
        /// The résumé to check.
        #[arg(default_value = "resume.toml", env = "SSH_RESUME_RESUME")]
        path: PathBuf,
        /// Hold a JSON Resume file to the schema's letter: a value of the wrong type, or
        /// no name and no label, is an error (exit 2), as a validator would say.
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        language: ResumeLanguage,
        #[command(flatten)]
        pdf: PdfArgs,
    },
    /// Convert a JSON Resume file to resume.toml, listing on stderr what was read
    /// otherwise than the schema says and what could not be carried over.
    Import {
        /// The JSON Resume file.
        path: PathBuf,
        #[command(flatten)]
        language: ResumeLanguage,
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
        #[command(flatten)]
        language: ResumeLanguage,
        /// Write here instead of to stdout (a PDF is never written to a terminal).
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        #[command(flatten)]
        pdf: PdfArgs,
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
    /// What visitors did, from the visit insights: visits over time, distinct visitors,
    /// time spent, sections, clients, terminals, how sessions ended, messages. Times are
    /// UTC. Reads the same store the server writes (up to its last 10-second flush).
    Stats(Box<StatsArgs>),
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
