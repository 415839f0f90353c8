//! One session channel's visit, from its shell, exec or subsystem request to its
//! goodbye: what the visitor asked for is resolved and played ([`Play`]) until it ends
//! by itself or the connection tells it why it ends. Then the visit says its own
//! goodbye on its own channel — the farewell that leaves the terminal as it was, the
//! exit status, EOF and close — unless the visitor closed the channel, within the drain
//! deadline (a client that stopped reading cannot hold it).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui_core::layout::Size;
use russh::server::Handle;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;
use tracing::debug;

use super::super::end_reason::EndReason;
use super::super::handler::Visit;
use super::super::output::Output;
use super::super::play::{Play, Summary};
use super::Supervisor;

/// What a visit that started leaves for the disconnect line and the insights.
#[derive(Debug)]
pub struct Played {
    pub reason: EndReason,
    pub summary: Summary,
    /// The pty-req's terminal name and size; `None` without a PTY.
    pub terminal: Option<(String, Size)>,
    /// The exit status the channel was told; `None` when the visitor closed it first.
    pub exit_status: Option<u32>,
    /// From the start request to the end.
    pub duration: Duration,
}

/// Set once any visit of the connection has started (the end of its login grace).
#[derive(Debug, Default)]
pub struct Started {
    started: AtomicBool,
    notify: Notify,
}

impl Started {
    fn mark(&self) {
        self.started.store(true, Ordering::Relaxed);
        self.notify.notify_waiters();
    }

    /// Resolves once a visit has started.
    pub async fn wait(&self) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.started.load(Ordering::Relaxed) {
                return;
            }
            notified.await;
        }
    }
}

impl Supervisor<'_> {
    /// Plays `visit` until it ends or `ending` says why the connection ends; `None`
    /// when its channel closed (or the connection ended) before it asked for anything.
    pub(super) async fn visit(
        &self,
        visit: Visit,
        handle: Handle,
        mut ending: watch::Receiver<Option<EndReason>>,
        started: &Started,
    ) -> Option<Played> {
        let Visit { channel, start, mut input } = visit;
        let start = tokio::select! {
            start = start => start.ok()?,
            _ = ending.wait_for(Option::is_some) => return None,
        };
        started.mark();
        let begun = Instant::now();
        let size = *input.size.borrow_and_update();
        let terminal = start.pty.then(|| (start.client.term.clone(), size));
        let mut play = Play::new(start, size, self.shared, &self.ssh_command, self.peer);
        let out = Output::new(handle, channel, self.traffic, &self.shared.service.metrics);
        let reason = tokio::select! {
            reason = play.run(&out, &mut input) => reason,
            told = ending.wait_for(Option::is_some) => match told {
                Ok(told) => (*told).unwrap_or(EndReason::Error),
                Err(_) => EndReason::Error,
            },
        };
        let exit_status = self.goodbye(&mut play, &out, reason).await;
        Some(Played { reason, summary: play.summary(), terminal, exit_status, duration: begun.elapsed() })
    }

    /// The farewell and the exit status, EOF and close, within the drain deadline,
    /// unless the visitor closed the channel; the exit status told.
    async fn goodbye(&self, play: &mut Play, out: &Output<'_>, reason: EndReason) -> Option<u32> {
        if reason == EndReason::ClientClosed {
            return None;
        }
        let deadline = Instant::now() + self.shared.service.settings.drain_timeout;
        let status = play.exit_status();
        let farewell = play.farewell(reason);
        let said = async {
            let _ = out.send(farewell).await;
            out.finish(status).await;
        };
        if tokio::time::timeout_at(deadline, said).await.is_err() {
            debug!("the client did not take the farewell before the drain deadline");
        }
        Some(status)
    }
}
