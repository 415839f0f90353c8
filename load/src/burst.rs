//! `burst`: a conference audience. N visitors arrive on a fixed schedule, R per second
//! (open loop: an arrival does not wait for earlier ones to be served), and every one
//! stays, reading, until the last has been served (or has failed) plus `--stay`; then
//! all leave together. Reports first-frame percentiles, failures, and how late this
//! tool itself started arrivals (a late start means the tool, not the server, was busy).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

use crate::latency::PhaseLatencies;
use crate::process::{Probe, rss_kib};
use crate::report::{Failures, Latencies, Report, round1};
use crate::visitor::{Phases, Target, VisitError, Visitor};

pub async fn run(target: Arc<Target>, visitors: u32, rate: f64, stay: Duration) -> Report {
    let probe = Probe::start(target.server_pid);
    let leave = CancellationToken::new();
    let (arrived_tx, mut arrived_rx) = mpsc::channel(visitors as usize);
    let mut tasks = tokio::task::JoinSet::new();
    let mut start_lag = Latencies::new();
    let start = tokio::time::Instant::now();
    for index in 0..visitors {
        let at = start + Duration::from_secs_f64(f64::from(index) / rate);
        tokio::time::sleep_until(at).await;
        start_lag.record(at.elapsed());
        tasks.spawn(attend(target.clone(), None, arrived_tx.clone(), leave.clone()));
    }
    drop(arrived_tx);
    let arrivals_s = start.elapsed().as_secs_f64();
    let mut phases = PhaseLatencies::new();
    let mut failures = Failures::default();
    while let Some(arrival) = arrived_rx.recv().await {
        match arrival {
            Ok(arrival) => phases.record(&arrival),
            Err(err) => failures.add(&err),
        }
    }
    let rss_everyone = target.server_pid.and_then(|pid| rss_kib(pid).ok());
    tokio::time::sleep(stay).await;
    leave.cancel();
    let mut dropped = Failures::default();
    while let Some(left) = tasks.join_next().await {
        if let Ok(Err(err)) = left {
            dropped.add(&err);
        }
    }
    let usage = probe.finish();
    let mut report = Report::new("burst", &target);
    phases.report(&mut report);
    report.latency("start_lag", "load tool late to start", &start_lag);
    report.value("visitors", "visitors", visitors, "");
    report.value("rate", "arrivals per second", rate, "/s");
    report.value("arrivals_s", "arrivals took", round1(arrivals_s), "s");
    report.value("served", "served (first frame)", phases.first_frame.count(), "");
    report.failures(&failures);
    report.value("dropped", "lost while staying or leaving", dropped.total(), "");
    if let Some(rss) = rss_everyone {
        report.value("server_rss_everyone_kib", "server RSS, everyone there", rss, "KiB");
    }
    report.usage(&usage, phases.first_frame.count());
    report
}

/// One audience member: arrive (holding a permit of `gate`, if any, until served), say
/// how it went, read until everyone leaves, quit. The error is about staying or leaving;
/// a failed arrival is reported through `arrived`.
pub async fn attend(
    target: Arc<Target>,
    gate: Option<Arc<Semaphore>>,
    arrived: mpsc::Sender<Result<Phases, VisitError>>,
    leave: CancellationToken,
) -> Result<(), VisitError> {
    let permit = match gate {
        Some(gate) => gate.acquire_owned().await.ok(),
        None => None,
    };
    let arrival = Visitor::arrive(&target).await;
    drop(permit);
    let (mut visitor, phases) = match arrival {
        Ok(ok) => ok,
        Err(err) => {
            let _ = arrived.send(Err(err)).await;
            return Ok(());
        }
    };
    let _ = arrived.send(Ok(phases)).await;
    drop(arrived);
    visitor.stay(&leave).await?;
    visitor.quit().await
}
