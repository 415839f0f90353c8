//! ssh-resume serves one person's résumé over SSH: a full-screen terminal view for
//! visitors with a PTY, and plain text, Markdown or JSON Resume for everyone else.
//!
//! # Layout
//! Imports go downward only: `cli → {server, web} → service → {messages, record,
//! downloads, resume}`, `messages → {store, record, admission}`, `record → {metrics,
//! insights}`, `insights → {store, admission}`, `server → tui → {resume,
//! messages::draft, insights}` (the console draws the insights' report), `{server, web}
//! → {downloads, accept}`, `downloads → resume`; `web` and `server` never import each
//! other. [`safe_text`] says which characters of the résumé and of messages may reach a
//! terminal, [`record`] is the one place an event is counted (metrics and insights fan
//! out from it), [`accept`] the one accept loop both doors run.
//! - [`resume`]: the data model (every JSON Resume section), loading our TOML or a JSON
//!   Resume file with line/column errors, HTML and Markdown in text made clean, the
//!   outline every view walks, width-aware layout, the parts a laid-out row reads as
//!   (styled by the view, the web view and the text export alike), the exports and the
//!   TOML `import` writes. No I/O beyond reading the file.
//! - [`tui`]: the pure interactive core: `App` state, `handle(event)`, the view, the
//!   geometry and row styling those two share, the input decoder, the line editors
//!   (the find line's and the form's keys; the composer of `ssh -t host message`) and
//!   the colour themes; the owner console's state and view. No tokio, no russh; tested with `TestBackend`.
//! - [`server`]: the SSH door: host key, the russh handler, one task per connection
//!   that plays each of its session channels as a visit and owns its timers and its
//!   goodbye, the one screen driver behind the visitor's view and the owner console,
//!   and the owner's key-only login.
//! - [`web`]: the web door (`--http-listen`): the same résumé as one HTML page for
//!   browsers, coloured text for `curl`, and the exports, over hyper.
//! - [`service`]: what both doors share while the server runs, built once in `cli`:
//!   the résumé in service and its downloads, the shutdown signal, the metrics, the
//!   insights, the mailbox and the privacy redactor.
//! - [`downloads`]: the files to take away — the typeset PDF (the `pdf` feature), the
//!   contact card, the read-only directory and the `sftp` and `scp -f` doors over it.
//! - [`messages`]: visitors' messages to the owner: the draft and its intake, the hourly
//!   limits, the mailbox every door delivers through (the durable insert within the
//!   visitor's time bound), the owner's webhook and `ssh-resume inbox`.
//! - [`store`]: state that outlives a restart: the `Store` interface, SQLite (default,
//!   `--data-dir`) and PostgreSQL (`--database-url`), versioned migrations.
//! - [`insights`]: visit insights, aggregates only: the recorder the doors feed, the
//!   flusher that writes hourly counts to the store, and the report `ssh-resume stats`
//!   and the owner console show.
//! - [`admission`]: what both doors use to let visitors in: connection limits, trusted
//!   proxy ranges, the privacy redactor (a leaf).
//! - [`metrics`]: the Prometheus registry every door counts in (a leaf).
//! - [`ssh_command`]: the `ssh …` command a visitor types to get here, for every door (a leaf).
//! - [`escape`]: every escape sequence written to a terminal, named, in one place (a leaf).
//! - [`config`]: the optional `--config` TOML file, layered under flags and `SSH_RESUME_*`
//!   variables as the flags' defaults, and the effective configuration as TOML.
//! - [`cli`]: command-line flags and the subcommands `main` dispatches to (clap; the
//!   exec `message` command's few flags are clap's too, in `server::command`).
//! - [`diagnostic`]: `PATH:LINE:COLUMN: message` errors with the offending line, shared by
//!   the résumé and the configuration file (a leaf: it imports nothing of ours).
//! - [`healthcheck`]: the `healthcheck` subcommand's probe: does an address answer with
//!   an SSH-2.0 version line? Blocking `std::net`, used by the container image.

pub mod accept;
pub mod admission;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod downloads;
pub mod escape;
pub mod healthcheck;
pub mod insights;
pub mod messages;
pub mod metrics;
pub mod record;
pub mod resume;
pub mod safe_text;
pub mod server;
pub mod service;
pub mod ssh_command;
pub mod store;
pub mod tui;
pub mod web;
