//! `hold`: N idle visitors connected at once, to weigh what one costs the server. The
//! crowd builds up (`--parallel` connecting at a time), everyone gets a first frame and
//! then sits still; after `--settle`, the server's RSS is read. Then everyone quits, and
//! after `--settle` again RSS is read once more: memory the server did not give back.
//! `--rounds` repeats this, to show whether memory grows from one crowd to the next.
//! What is kept is given as RSS and as its anonymous part (`RssAnon`): the first crowd
//! also reads in code pages of the server's executable that an idle server never ran.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

use crate::burst::attend;
use crate::latency::PhaseLatencies;
use crate::process::{Probe, rss_anon_kib, rss_kib};
use crate::report::{Failures, Report, round1};
use crate::visitor::Target;

/// One crowd's coming and going.
struct Round {
    phases: PhaseLatencies,
    failures: Failures,
    held_kib: u64,
    after_kib: u64,
    after_anon_kib: u64,
}

pub async fn run(
    target: Arc<Target>,
    visitors: u32,
    parallel: u32,
    settle: Duration,
    rounds: u32,
) -> anyhow::Result<Report> {
    let pid = target.server_pid.context("hold weighs the server's memory: give it --server-pid PID")?;
    let idle_kib = rss_kib(pid).with_context(|| format!("cannot read the memory of process {pid}"))?;
    let idle_anon_kib =
        rss_anon_kib(pid).with_context(|| format!("cannot read the memory of process {pid}"))?;
    let probe = Probe::start(Some(pid));
    let mut report = Report::new("hold", &target);
    let mut phases = PhaseLatencies::new();
    let mut failures = Failures::default();
    let mut per_round = Vec::new();
    for number in 1..=rounds {
        let round = crowd(&target, visitors, parallel, settle, pid).await?;
        let served = round.phases.first_frame.count();
        let per_visitor = round.held_kib.saturating_sub(idle_kib) as f64 / served.max(1) as f64;
        report.value(
            &format!("round_{number}"),
            &format!("round {number}"),
            format!(
                "{served} held: {} KiB ({:.1} KiB per visitor); after they left {} KiB",
                round.held_kib, per_visitor, round.after_kib
            ),
            "",
        );
        per_round.push(json!({
            "served": served, "held_kib": round.held_kib,
            "kib_per_visitor": round1(per_visitor), "after_kib": round.after_kib,
            "after_anon_kib": round.after_anon_kib,
        }));
        phases.add(&round.phases);
        failures.merge(round.failures);
    }
    phases.report(&mut report);
    report.value("visitors", "visitors held per round", visitors, "");
    report.value("rss_idle_kib", "server RSS before", idle_kib, "KiB");
    let first = &per_round[0];
    report.value("kib_per_visitor", "memory per held visitor", first["kib_per_visitor"].clone(), "KiB");
    let last_after = per_round.last().map_or(0, |r| r["after_kib"].as_u64().unwrap_or(0));
    report.value("rss_after_kib", "server RSS after they left", last_after, "KiB");
    report.value("kept_kib", "  of which kept from crowds", last_after.saturating_sub(idle_kib), "KiB");
    let last_anon = per_round.last().map_or(0, |r| r["after_anon_kib"].as_u64().unwrap_or(0));
    let kept_anon = last_anon.saturating_sub(idle_anon_kib);
    report.value("kept_anon_kib", "  of which anonymous (RssAnon)", kept_anon, "KiB");
    report.json_only("rounds", Value::Array(per_round));
    report.failures(&failures);
    report.usage(&probe.finish(), 0);
    Ok(report)
}

/// Builds up the crowd, weighs the server, sends everyone home, weighs it again.
async fn crowd(
    target: &Arc<Target>,
    visitors: u32,
    parallel: u32,
    settle: Duration,
    pid: u32,
) -> anyhow::Result<Round> {
    let gate = Arc::new(Semaphore::new(parallel as usize));
    let leave = CancellationToken::new();
    let (arrived_tx, mut arrived_rx) = mpsc::channel(visitors as usize);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..visitors {
        tasks.spawn(attend(target.clone(), Some(gate.clone()), arrived_tx.clone(), leave.clone()));
    }
    drop(arrived_tx);
    let mut round = Round {
        phases: PhaseLatencies::new(),
        failures: Failures::default(),
        held_kib: 0,
        after_kib: 0,
        after_anon_kib: 0,
    };
    while let Some(arrival) = arrived_rx.recv().await {
        match arrival {
            Ok(phases) => round.phases.record(&phases),
            Err(err) => round.failures.add(&err),
        }
    }
    tokio::time::sleep(settle).await;
    round.held_kib = rss_kib(pid)?;
    leave.cancel();
    while let Some(left) = tasks.join_next().await {
        if let Ok(Err(err)) = left {
            round.failures.add(&err);
        }
    }
    tokio::time::sleep(settle).await;
    round.after_kib = rss_kib(pid)?;
    round.after_anon_kib = rss_anon_kib(pid)?;
    Ok(round)
}
