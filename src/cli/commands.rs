//! The subcommands besides `serve`: `import` (JSON Resume to our TOML), `inbox`,
//! `stats`, `fingerprint`; and the small checks their flags need.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};

use super::ConfigError;
use super::load_resume_with;
use super::serve_args::{InboxAction, InboxArgs, StatsArgs, StoreArgs};
use crate::insights::range::Hours;
use crate::insights::render::{self, Layout};
use crate::insights::report::Report;
use crate::messages::inbox;
use crate::resume::ReadOptions;
use crate::server::keys;
use crate::store;

/// `ssh-resume import`: the résumé as TOML, and on stderr what was read otherwise than
/// the schema says (and imported so) and what was not imported.
pub(super) fn import(
    path: &Path,
    options: &ReadOptions,
    output: Option<&Path>,
    force: bool,
) -> Result<ExitCode> {
    let loaded = load_resume_with(path, options)?;
    let origin = path.display().to_string();
    let written = crate::resume::toml_out::to_toml(&loaded.resume, &origin);
    for note in loaded.warnings.iter().chain(&written.unmapped) {
        let what = if note.kept { "imported as read" } else { "not imported" };
        eprintln!("{what}: {}", note.located(&origin));
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
pub(super) fn write_file(path: &Path, text: &str, force: bool) -> Result<()> {
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

/// `ssh-resume inbox …`: one action against the store, printed.
pub(super) fn run_inbox(args: &InboxArgs) -> Result<ExitCode> {
    let action = args.action.as_ref().map_or(inbox::Action::List, InboxAction::action);
    let out = with_store(&args.store, async |store| inbox::run(store, action, args.json).await)?;
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// Runs `work` against the store `args` names, on a runtime of its own (the owner's
/// commands are one request each; the store gets 10 s to open).
fn with_store<T>(
    args: &StoreArgs,
    work: impl AsyncFnOnce(&dyn store::Store) -> Result<T, store::StoreError>,
) -> Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let done = runtime.block_on(async {
        let store = store::open(&args.location(), Duration::from_secs(10))?;
        work(store.as_ref()).await
    })?;
    Ok(done)
}

/// Columns the text report fits in.
const STATS_WIDTH: usize = 80;

/// `ssh-resume stats`: the report for the range, as text (ASCII without colour when
/// stdout is not a terminal or `NO_COLOR` is set) or JSON.
pub(super) fn run_stats(args: &StatsArgs) -> Result<ExitCode> {
    use std::io::IsTerminal;
    let hours = Hours::between(args.since, args.until, store::now_ms()).map_err(ConfigError::from)?;
    let report = with_store(&args.store, async |store| {
        let rows = store.counts(hours.from, hours.to).await?;
        let unread = store.unread().await?;
        Ok(Report::build(&rows, hours).with_unread(Some(unread)))
    })?;
    if args.json {
        println!("{}", report.to_json());
        return Ok(ExitCode::SUCCESS);
    }
    let fancy = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    print!("{}", render::text(&report, Layout { width: STATS_WIDTH, ascii: !fancy }, fancy));
    Ok(ExitCode::SUCCESS)
}

/// `ssh-resume fingerprint [--sshfp HOSTNAME]`: never creates a key.
pub(super) fn fingerprint(keys_dir: &Path, sshfp: Option<&str>) -> Result<ExitCode> {
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
pub(super) fn parse_hostname(text: &str) -> std::result::Result<String, NotAHostname> {
    let valid = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_.*@".contains(c));
    if valid { Ok(text.to_owned()) } else { Err(NotAHostname(text.to_owned())) }
}

/// A `--hostname` that is not a name a zone file can hold.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a DNS name like resume.example.com")]
pub(super) struct NotAHostname(String);
