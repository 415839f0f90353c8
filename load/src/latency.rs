//! `latency`: visits one after another on an otherwise idle server, each TCP connect →
//! first frame → quit, so nothing queues and each figure is the server's own delay.
//! Reports the first frame and the time to each step before it.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::process::Probe;
use crate::report::{Failures, Latencies, Report, round3};
use crate::visitor::{Phases, Target, Visitor};

/// The time to each step of an arrival, counted from the start of the TCP connect.
#[derive(Clone)]
pub struct PhaseLatencies {
    tcp: Latencies,
    kex: Latencies,
    auth: Latencies,
    shell: Latencies,
    pub first_frame: Latencies,
}

impl PhaseLatencies {
    pub fn new() -> Self {
        let new = Latencies::new;
        Self { tcp: new(), kex: new(), auth: new(), shell: new(), first_frame: new() }
    }

    pub fn record(&mut self, phases: &Phases) {
        self.tcp.record(phases.tcp);
        self.kex.record(phases.kex);
        self.auth.record(phases.auth);
        self.shell.record(phases.shell);
        self.first_frame.record(phases.first_frame);
    }

    pub fn add(&mut self, other: &PhaseLatencies) {
        self.tcp.add(&other.tcp);
        self.kex.add(&other.kex);
        self.auth.add(&other.auth);
        self.shell.add(&other.shell);
        self.first_frame.add(&other.first_frame);
    }

    pub fn report(&self, report: &mut Report) {
        report.latency("first_frame", "connect → first frame", &self.first_frame);
        report.latency("tcp", "  tcp connected", &self.tcp);
        report.latency("kex", "  key exchange done", &self.kex);
        report.latency("auth", "  auth none accepted", &self.auth);
        report.latency("shell", "  pty-req + shell sent", &self.shell);
    }
}

pub async fn run(target: &Target, visits: u32, warmup: u32) -> Report {
    for _ in 0..warmup {
        if let Ok((visitor, _)) = Visitor::arrive(target).await {
            let _ = visitor.quit().await;
        }
    }
    let probe = Probe::start(target.server_pid);
    let mut phases = PhaseLatencies::new();
    let mut whole_visit = Latencies::new();
    let mut failures = Failures::default();
    let mut ok = 0u64;
    // Each visit's first frame (ms) and its start (ms after the first visit's): the slow
    // ones can then be lined up with what the server did at that moment.
    let (mut each, mut each_start) = (Vec::new(), Vec::new());
    let mut first: Option<(Instant, Duration, Duration)> = None;
    for _ in 0..visits {
        let started = Instant::now();
        let (first_start, _, _) = *first.get_or_insert_with(|| {
            let unix = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
            (started, unix, crate::process::monotonic())
        });
        match Visitor::arrive(target).await {
            Ok((visitor, arrival)) => {
                phases.record(&arrival);
                each.push(round3(arrival.first_frame.as_secs_f64() * 1000.0));
                each_start.push(round3((started - first_start).as_secs_f64() * 1000.0));
                match visitor.quit().await {
                    Ok(()) => {
                        ok += 1;
                        whole_visit.record(started.elapsed());
                    }
                    Err(err) => failures.add(&err),
                }
            }
            Err(err) => failures.add(&err),
        }
    }
    let usage = probe.finish();
    let mut report = Report::new("latency", target);
    phases.report(&mut report);
    report.latency("visit", "whole visit (… quit, closed)", &whole_visit);
    report.value("visits", "visits measured", visits, "");
    report.value("visits_ok", "visits ok (first frame + quit)", ok, "");
    report.value("warmup", "warm-up visits (not counted)", warmup, "");
    report.failures(&failures);
    report.usage(&usage, ok);
    let (_, first_unix, first_monotonic) = first.unwrap_or((Instant::now(), Duration::ZERO, Duration::ZERO));
    let micros = |time: Duration| json!(u64::try_from(time.as_micros()).unwrap_or(0));
    report.json_only("first_visit_unix_us", micros(first_unix));
    // CLOCK_MONOTONIC, the clock of `perf record -k mono`.
    report.json_only("first_visit_monotonic_us", micros(first_monotonic));
    report.json_only("each_first_frame_ms", json!(each));
    report.json_only("each_start_ms", json!(each_start));
    report
}
