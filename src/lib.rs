//! ssh-resume serves one person's résumé over SSH: a full-screen terminal view for
//! visitors with a PTY, and plain text, Markdown or JSON Resume for everyone else.
//!
//! # Layout
//! Imports go downward only: `web → {server, resume}`, `server → {tui, resume}`, `tui → resume`.
//! - [`resume`]: the data model (every JSON Resume section), loading our TOML or a JSON
//!   Resume file with line/column errors, HTML and Markdown in text made clean, the
//!   outline every view walks, width-aware layout, the exports and the TOML `import`
//!   writes. No I/O beyond reading the file.
//! - [`tui`]: the pure interactive core: `App` state, `handle(event)`, the view, the
//!   input decoder and the colour themes. No tokio, no russh; tested with `TestBackend`.
//! - [`server`]: the SSH adapter: host key, accept loop, the russh handler, and one task
//!   per visitor that owns its `App` and terminal.
//! - [`web`]: the web view (`--http-listen`): the same résumé as one HTML page for
//!   browsers, coloured text for `curl`, and the exports, over hyper with the SSH
//!   side's per-address limits and metrics. `web → {server, resume}`.
//! - [`config`]: the optional `--config` TOML file, layered under flags and `SSH_RESUME_*`
//!   variables as the flags' defaults, and the effective configuration as TOML.
//! - [`cli`]: command-line flags and the subcommands `main` dispatches to.
//! - [`located`]: `PATH:LINE:COLUMN: message` errors with the offending line, shared by
//!   the résumé and the configuration file (a leaf: it imports nothing of ours).
//! - [`healthcheck`]: the `healthcheck` subcommand's probe: does an address answer with
//!   an SSH-2.0 version line? Blocking `std::net`, used by the container image.

pub mod cli;
pub mod config;
pub mod healthcheck;
pub mod located;
pub mod resume;
pub mod server;
pub mod tui;
pub mod web;
