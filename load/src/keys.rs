//! `keys`: what a keystroke costs on one visit. After the first frame and the setup keys,
//! the key is sent one at a time; each time the tool measures key → first output byte
//! and counts the bytes and writes (SSH data messages) until the output has been quiet
//! for `--quiet` (with `--alternate`, every other key is another: `j`, `k`, `j`, …).
//! Then, from the top of the section, a burst of keys is sent without waiting: few
//! writes back means the server coalesced them into few frames.

use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;

use crate::process::Probe;
use crate::report::{Latencies, Report, round1, round3};
use crate::visitor::{Target, VisitError, Visitor};

/// The output that answered one send.
struct Response {
    first_byte: Duration,
    last_byte: Duration,
    bytes: u64,
    writes: u64,
}

/// What to send and how to tell when the answer is complete.
pub struct Plan {
    pub count: u32,
    pub key: String,
    pub setup: String,
    pub burst: u32,
    pub quiet: Duration,
    /// Sent instead of `key` every other keystroke.
    pub alternate: Option<String>,
}

pub async fn run(target: &Target, plan: &Plan) -> anyhow::Result<Report> {
    let (mut visitor, _) = Visitor::arrive(target).await.context("the visit for the keystrokes failed")?;
    // What follows the first frame (ssh-resume's terminal queries) is read first, so it
    // is not taken for the answer to the setup keys.
    answer(&mut visitor, Instant::now(), plan.quiet, plan.quiet).await?;
    if !plan.setup.is_empty() {
        visitor.send(plan.setup.as_bytes()).await?;
        answer(&mut visitor, Instant::now(), target.timeout, plan.quiet).await?;
    }
    let probe = Probe::start(target.server_pid);
    let mut latency = Latencies::new();
    let (mut sizes, mut writes, mut each) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..plan.count {
        let key = match &plan.alternate {
            Some(other) if n % 2 == 1 => other,
            _ => &plan.key,
        };
        let sent = Instant::now();
        visitor.send(key.as_bytes()).await?;
        let Some(response) = answer(&mut visitor, sent, target.timeout, plan.quiet).await? else {
            break; // nothing changed, e.g. the end of the section: stop counting
        };
        latency.record(response.first_byte);
        each.push(round3(response.first_byte.as_secs_f64() * 1000.0));
        sizes.push(response.bytes);
        writes.push(response.writes);
    }
    let usage = probe.finish();
    let mut report = Report::new("keys", target);
    report.latency("key_to_output", "key → first output byte", &latency);
    report.value("key", "key", plan.key.clone(), "");
    if let Some(other) = &plan.alternate {
        report.value("alternate", "every other key", other.clone(), "");
    }
    report.value("keystrokes", "keystrokes answered", sizes.len(), "");
    report.value("unanswered", "keystrokes with no output", u64::from(plan.count) - sizes.len() as u64, "");
    report.value("bytes_per_key", "bytes per keystroke", spread(&sizes), "");
    report.value("writes_per_key", "writes per keystroke", spread(&writes), "");
    report.json_only("each_key_ms", json!(each));
    report.json_only("each_key_bytes", json!(sizes));
    report.usage(&usage, 0);
    if let Some(cpu) = usage.server_cpu {
        let per_key = 1000.0 * cpu.as_secs_f64() / sizes.len().max(1) as f64;
        report.time("server_cpu_per_key", "server CPU per keystroke", per_key);
    }
    if plan.burst > 0 {
        burst(&mut visitor, target, plan, &mut report).await?;
    }
    visitor.quit().await?;
    Ok(report)
}

/// From the top (`g`), `plan.burst` keys sent back to back, each as its own write.
async fn burst(
    visitor: &mut Visitor,
    target: &Target,
    plan: &Plan,
    report: &mut Report,
) -> anyhow::Result<()> {
    visitor.send(b"g").await?;
    answer(visitor, Instant::now(), target.timeout, plan.quiet).await?;
    let sent = Instant::now();
    for _ in 0..plan.burst {
        visitor.send(plan.key.as_bytes()).await?;
    }
    let response = answer(visitor, sent, target.timeout, plan.quiet).await?;
    let (writes, bytes, last) =
        response.map_or((0, 0, 0.0), |r| (r.writes, r.bytes, r.last_byte.as_secs_f64()));
    report.value("burst_keys", "burst: keys sent at once", plan.burst, "");
    report.value("burst_writes", "burst: writes back", writes, "");
    report.value("burst_bytes", "burst: bytes back", bytes, "");
    report.value("burst_last_byte_ms", "burst: first key → last byte", round1(last * 1000.0), "ms");
    Ok(())
}

/// Reads the output that follows a send at `sent`: `None` if nothing comes within
/// `timeout`, otherwise everything until `quiet` passes with no more.
async fn answer(
    visitor: &mut Visitor,
    sent: Instant,
    timeout: Duration,
    quiet: Duration,
) -> Result<Option<Response>, VisitError> {
    let first = match visitor.next_data(tokio::time::Instant::now() + timeout, "output").await {
        Ok(data) => data,
        Err(VisitError::Timeout(_)) => return Ok(None),
        Err(err) => return Err(err),
    };
    let first_byte = sent.elapsed();
    let mut response = Response { first_byte, last_byte: first_byte, bytes: first.len() as u64, writes: 1 };
    loop {
        match visitor.next_data(tokio::time::Instant::now() + quiet, "more output").await {
            Ok(data) => {
                response.last_byte = sent.elapsed();
                response.bytes += data.len() as u64;
                response.writes += 1;
            }
            Err(VisitError::Timeout(_)) => return Ok(Some(response)),
            Err(err) => return Err(err),
        }
    }
}

/// min, median, mean and max of `values` as a JSON object.
fn spread(values: &[u64]) -> serde_json::Value {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let Some(&max) = sorted.last() else {
        return json!({ "count": 0 });
    };
    let mean = sorted.iter().sum::<u64>() as f64 / sorted.len() as f64;
    json!({ "min": sorted[0], "p50": sorted[sorted.len() / 2], "mean": round1(mean), "max": max })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_summarises() {
        assert_eq!(spread(&[]), json!({ "count": 0 }));
        assert_eq!(spread(&[30, 10, 20]), json!({ "min": 10, "p50": 20, "mean": 20.0, "max": 30 }));
    }
}
