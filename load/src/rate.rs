//! `rate`: C visitors at once, each looping connect → first frame → quit until the
//! duration is over (a visit under way then finishes). Throughput is completed visits
//! per second of wall time; with `--server-pid`, the server's CPU time per visit.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::latency::PhaseLatencies;
use crate::process::Probe;
use crate::report::{Failures, Latencies, Report, round1};
use crate::visitor::{Target, Visitor};

/// What one looping visitor measured.
struct Worker {
    phases: PhaseLatencies,
    whole_visit: Latencies,
    failures: Failures,
    ok: u64,
}

pub async fn run(target: Arc<Target>, concurrency: u32, duration: Duration) -> Report {
    let probe = Probe::start(target.server_pid);
    let until = Instant::now() + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        tasks.spawn(worker(target.clone(), until));
    }
    let mut phases = PhaseLatencies::new();
    let mut whole_visit = Latencies::new();
    let mut failures = Failures::default();
    let mut ok = 0;
    while let Some(done) = tasks.join_next().await {
        if let Ok(worker) = done {
            phases.add(&worker.phases);
            whole_visit.add(&worker.whole_visit);
            failures.merge(worker.failures);
            ok += worker.ok;
        }
    }
    let usage = probe.finish();
    let mut report = Report::new("rate", &target);
    phases.report(&mut report);
    report.latency("visit", "whole visit (… quit, closed)", &whole_visit);
    report.value("concurrency", "visitors at once", concurrency, "");
    report.value("duration_s", "duration", duration.as_secs_f64(), "s");
    report.value("visits_ok", "visits ok", ok, "");
    report.value("visits_per_s", "visits per second", round1(ok as f64 / usage.wall.as_secs_f64()), "/s");
    report.failures(&failures);
    report.usage(&usage, ok);
    report
}

async fn worker(target: Arc<Target>, until: Instant) -> Worker {
    let mut worker = Worker {
        phases: PhaseLatencies::new(),
        whole_visit: Latencies::new(),
        failures: Failures::default(),
        ok: 0,
    };
    while Instant::now() < until {
        let started = Instant::now();
        let outcome = match Visitor::arrive(&target).await {
            Ok((visitor, phases)) => {
                worker.phases.record(&phases);
                visitor.quit().await
            }
            Err(err) => Err(err),
        };
        match outcome {
            Ok(()) => {
                worker.ok += 1;
                worker.whole_visit.record(started.elapsed());
            }
            Err(err) => {
                worker.failures.add(&err);
                // A refusing server would otherwise be hammered in a tight loop.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    worker
}
