//! ssh-resume serves one person's résumé over SSH: a full-screen terminal view for
//! visitors with a PTY, and plain text, Markdown or JSON Resume for everyone else.
//!
//! # Layout
//! Imports go downward only: `cli → {server, web} → service → mailbox → {store,
//! notify, guard, message}`, `service → {resume, insights}`, `mailbox → insights →
//! {store, guard}`, `server → tui → {resume, message, insights}` (the console draws
//! the insights' report), `{server, web} → downloads → resume`; `web` and `server`
//! never import each other.
//! - [`resume`]: the data model (every JSON Resume section), loading our TOML or a JSON
//!   Resume file with line/column errors, HTML and Markdown in text made clean, the
//!   outline every view walks, width-aware layout, the parts a laid-out row reads as
//!   (styled by the view, the web view and the text export alike), the exports and the
//!   TOML `import` writes. No I/O beyond reading the file.
//! - [`tui`]: the pure interactive core: `App` state, `handle(event)`, the view, the
//!   geometry and row styling those two share, the input decoder and the colour themes;
//!   the owner console's state and view. No tokio, no russh; tested with `TestBackend`.
//! - [`server`]: the SSH door: host key, accept loop, the russh handler, and one task
//!   per connection that owns the visitor's `App`, its timers and its goodbye; the
//!   owner's key-only login and the owner console's loop.
//! - [`web`]: the web door (`--http-listen`): the same résumé as one HTML page for
//!   browsers, coloured text for `curl`, and the exports, over hyper.
//! - [`service`]: what both doors share while the server runs: the résumé in service,
//!   the shutdown signal, the metrics and the privacy redactor.
//! - [`message`]: a visitor's message to the owner: the draft, the intake that makes it
//!   safe and checks its limits, and what the visitor is told (a leaf).
//! - [`mailbox`]: what every door calls to deliver a message: intake, hourly limits and
//!   de-duplication, the durable insert within the visitor's time bound, notification.
//! - [`store`]: state that outlives a restart: the `Store` interface, SQLite (default,
//!   `--data-dir`) and PostgreSQL (`--database-url`), versioned migrations.
//! - [`notify`]: the owner's webhook: a bounded queue and a task that posts with retries.
//! - [`inbox`]: the owner's `ssh-resume inbox` commands: list, show, mark read, delete.
//! - [`insights`]: visit insights, aggregates only: the recorder the doors feed, the
//!   flusher that writes hourly counts to the store, and the report `ssh-resume stats`
//!   and the owner console show.
//! - [`guard`]: what both doors use to admit and account for visitors: limits, trusted
//!   proxy ranges, the privacy redactor, the metrics registry (a leaf).
//! - [`reach`]: the `ssh …` command a visitor types to get here, for every door (a leaf).
//! - [`escape`]: every escape sequence written to a terminal, named, in one place (a leaf).
//! - [`config`]: the optional `--config` TOML file, layered under flags and `SSH_RESUME_*`
//!   variables as the flags' defaults, and the effective configuration as TOML.
//! - [`cli`]: command-line flags and the subcommands `main` dispatches to; the only
//!   module that knows clap.
//! - [`located`]: `PATH:LINE:COLUMN: message` errors with the offending line, shared by
//!   the résumé and the configuration file (a leaf: it imports nothing of ours).
//! - [`healthcheck`]: the `healthcheck` subcommand's probe: does an address answer with
//!   an SSH-2.0 version line? Blocking `std::net`, used by the container image.

pub mod cli;
pub mod config;
pub mod downloads;
pub mod escape;
pub mod guard;
pub mod healthcheck;
pub mod inbox;
pub mod insights;
pub mod located;
pub mod mailbox;
pub mod message;
pub mod notify;
pub mod reach;
pub mod resume;
pub mod server;
pub mod service;
pub mod store;
pub mod tui;
pub mod web;
