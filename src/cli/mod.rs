//! The command line: flags (each also read from an `SSH_RESUME_*` variable, and for
//! `serve` from the `--config` file, see [`crate::config`]), the subcommands, and what
//! each one does. `main` calls [`main`], which turns errors into
//! `error: …` on stderr and an exit status: 2 for bad configuration (an invalid résumé,
//! an unsafe host key), 1 for anything else.
//!
//! This file parses and dispatches; [`args`] declares the command line and
//! [`serve_args`] the server's flags and the settings they make, [`serve`] runs the
//! server, [`commands`] the other subcommands. The only module of the crate that knows
//! clap.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod args;
mod commands;
mod log_writer;
mod pdf_args;
mod serve;
mod serve_args;
use anyhow::Result;
pub use args::{Cli, Command, LogFormat, LogPeers, RenderFormat};
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use commands::{fingerprint, import, run_inbox, run_stats, write_file};
use serve::serve;

use crate::config::{self, FileValues};
use crate::resume::{LoadError, Loaded, ReadOptions};
use crate::server::keys;
use crate::store;
pub use serve::{bind, bind_all};
pub use serve_args::{
    InboxAction, InboxArgs, LimitArgs, MessageArgs, OwnerArgs, ProxyArgs, ServeArgs, StatsArgs, StoreArgs,
};

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
    #[error(transparent)]
    Range(#[from] crate::insights::range::RangeError),
    #[error(transparent)]
    OwnerKey(#[from] crate::server::owner::OwnerKeyError),
    /// The PDF's fonts cannot be set up (a `--pdf-font-dir` that cannot be read).
    #[cfg(feature = "pdf")]
    #[error("{0}; check --pdf-font-dir")]
    Pdf(#[from] crate::downloads::pdf::PdfError),
}

pub fn main() -> ExitCode {
    let parsed = match parse_args(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    // The owner's `inbox` and `stats` print what they asked for; only warnings and errors
    // beside it.
    let quiet = matches!(parsed.cli.command, Some(Command::Inbox(_) | Command::Stats(_)));
    let logs = init_tracing(parsed.cli.log_format, if quiet { "warn" } else { "info" });
    let result = run(parsed);
    // The lines still pending go out before the error, in the order they happened.
    drop(logs);
    match result {
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

/// Logs to stderr in batches from a background thread ([`log_writer`]), so writing a
/// line neither blocks a visitor's task nor wakes another thread on its core; the
/// returned guard writes what is pending when `main` returns.
fn init_tracing(format: Option<LogFormat>, level: &str) -> Option<log_writer::Guard> {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let terminal = std::io::stderr().is_terminal();
    let format = format.unwrap_or(if terminal { LogFormat::Pretty } else { LogFormat::Json });
    // Under a flood the batch drops lines (and counts them) rather than stall the server.
    let (writer, guard) = match log_writer::start(std::io::stderr(), log_writer::WRITE_EVERY) {
        Ok(started) => started,
        Err(err) => {
            eprintln!("error: cannot start the log writer thread: {err}; logging is off");
            return None;
        }
    };
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    match format {
        LogFormat::Pretty => logs.with_ansi(terminal && std::env::var_os("NO_COLOR").is_none()).init(),
        LogFormat::Json => logs.json().with_current_span(true).with_span_list(false).init(),
    }
    Some(guard)
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
        Some(Command::Check { path, strict, language, pdf }) => {
            let options = ReadOptions { strict, language: language.language };
            let loaded = load_resume_with(&path, &options)?;
            for warning in &loaded.warnings {
                eprintln!("warning: {}", warning.located(&path.display().to_string()));
            }
            for line in pdf_args::check_pdf(&loaded, &pdf) {
                eprintln!("{}: {line}", path.display());
            }
            let sections = loaded.outline.sections.len();
            println!("{}: ok ({sections} sections, {} roles)", path.display(), loaded.resume.work.len());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Import { path, language, output, force }) => {
            let options = ReadOptions { strict: false, language: language.language };
            import(&path, &options, output.as_deref(), force)
        }
        Some(Command::Init { path, force }) => {
            write_file(&path, crate::resume::STARTER, force)?;
            eprintln!(
                "wrote {}: edit it, then check it with `ssh-resume check {}`",
                path.display(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Render { format, width, resume, language, output, pdf }) => {
            let options = ReadOptions { strict: false, language: language.language };
            let loaded = load_resume_with(&resume, &options)?;
            match format.text() {
                Some(text) => {
                    let rendered = loaded.render(text, usize::from(width));
                    match output {
                        Some(path) => write_file(&path, &rendered, true)?,
                        None => print!("{rendered}"),
                    }
                }
                None => pdf_args::render_pdf(&loaded, &pdf, output.as_deref())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Fingerprint { keys_dir, sshfp }) => fingerprint(&keys_dir, sshfp.as_deref()),
        Some(Command::Inbox(args)) => run_inbox(&args),
        Some(Command::Stats(args)) => run_stats(&args),
        Some(Command::Healthcheck { addr, timeout, proxy_protocol }) => {
            let version = crate::healthcheck::check(addr, timeout, proxy_protocol)?;
            println!("{addr}: {version}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(super) fn load_resume_with(path: &Path, options: &ReadOptions) -> Result<Loaded> {
    Loaded::from_path_with(path, options).map_err(|err| ConfigError::from(err).into())
}
