//! `flood`: one visitor sends window changes (or keystrokes) as fast as it can, for a
//! duration, reading what comes back as it goes. Reports the server's CPU over the flood
//! and the frames (data messages) and bytes it sent: a server that caps its frame rate
//! draws at most that many frames a second however many changes arrive.

use std::time::Duration;

use anyhow::Context;
use tokio::time::Instant;

use crate::args::FloodKind;
use crate::process::Probe;
use crate::report::{Report, round1};
use crate::visitor::{Target, Visitor};

/// Sizes a resize flood alternates between.
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

pub async fn run(target: &Target, what: FloodKind, duration: Duration) -> anyhow::Result<Report> {
    let (mut visitor, _) = Visitor::arrive(target).await.context("the flooding visit failed")?;
    let probe = Probe::start(target.server_pid);
    let end = Instant::now() + duration;
    let (mut sent, mut frames, mut bytes) = (0u64, 0u64, 0u64);
    while Instant::now() < end {
        match what {
            FloodKind::Resize => {
                let (cols, rows) = SIZES[(sent % 2) as usize];
                visitor.resize(cols, rows).await?;
            }
            FloodKind::Keys => visitor.send(if sent % 2 == 0 { b"j" } else { b"k" }).await?,
        }
        sent += 1;
        let (messages, received) = visitor.drain().await?;
        frames += messages;
        bytes += received;
    }
    let usage = probe.finish();
    let seconds = usage.wall.as_secs_f64().max(1e-9);
    let mut report = Report::new("flood", target);
    report.value("sent", "changes sent", sent, "");
    report.value("sent_per_s", "changes sent per second", round1(sent as f64 / seconds), "/s");
    report.value("frames", "frames received", frames, "");
    report.value("frames_per_s", "frames per second", round1(frames as f64 / seconds), "/s");
    report.value("bytes", "bytes received", bytes, "");
    report.usage(&usage, 0);
    visitor.quit().await?;
    Ok(report)
}
