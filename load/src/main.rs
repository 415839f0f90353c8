//! `ssh-resume-load`: measures an SSH server the way visitors use it, with real SSH
//! clients (russh's) on loopback. One mode per question — `latency`, `rate`, `burst`,
//! `hold`, `keys`, `flood`, `talk`, `sftp` — each in its own file; [`visitor`] is the client they share,
//! [`report`] the histogram and the printed figures, [`process`] the readings of CPU
//! time and memory. `BENCHMARKS.md` says how to run it and what the figures mean.

mod args;
mod burst;
mod flood;
mod floor;
mod hold;
mod keys;
mod latency;
mod process;
mod rate;
mod report;
mod sftp;
mod talk;
mod visitor;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Parser;

use args::{Cli, Mode};
use visitor::Target;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    process::raise_fd_limit();
    // One worker per core this process may use: pinned with `taskset -c 1`, that is one.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let json_only = cli.target.json;
    let report = runtime.block_on(async move {
        let target = Arc::new(Target::resolve(&cli.target).await?);
        measure(target, cli.mode).await
    })?;
    report.print(json_only);
    Ok(())
}

async fn measure(target: Arc<Target>, mode: Mode) -> Result<report::Report> {
    Ok(match mode {
        Mode::Latency { visits, warmup } => latency::run(&target, visits, warmup).await,
        Mode::Rate { concurrency, duration } => rate::run(target, concurrency, duration).await,
        Mode::Burst { visitors, rate, stay } => burst::run(target, visitors, rate, stay).await,
        Mode::Hold { visitors, parallel, settle, rounds } => {
            hold::run(target, visitors, parallel, settle, rounds).await?
        }
        Mode::Flood { what, duration } => flood::run(&target, what, duration).await?,
        Mode::Keys { count, key, setup, burst, quiet, alternate } => {
            keys::run(&target, &keys::Plan { count, key, setup, burst, quiet, alternate }).await?
        }
        Mode::Sftp { downloads, path } => sftp::run(&target, downloads, &path).await?,
        Mode::Talk(args) => {
            let plan = talk::Plan {
                visits: args.visits,
                duration: args.duration,
                concurrency: args.concurrency,
                messages: args.messages,
                web: args.web,
            };
            talk::run(target, plan).await?
        }
    })
}
