//! The doors' handle on the insights: [`Insights::record`] adds a visit to the
//! pending [`Tally`] under a lock held for the few counter increments (no await, no
//! I/O, nothing per visit beyond the tally's bounds), and a flusher writes the pending
//! counts to the store every [`FLUSH_INTERVAL`] and once more when the server stops. A
//! crash loses at most what was recorded since the last flush.
//!
//! Flushes and live reads ([`Insights::counts`]) take turns under one async lock, so a
//! live figure is the store's rows plus what is pending, never a batch counted twice or
//! missed while it is being written. A batch the store refuses is given back and
//! written with the next one.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use super::range::MS_PER_HOUR;
use super::tally::{Tally, Visit};
use crate::admission::limits::SourceKey;
use crate::admission::privacy::Redactor;
use crate::store::{CountRow, InsightsStore, StoreError, now_ms};

/// How often pending counts are written.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(10);

/// Hours since the Unix epoch, UTC, now.
pub fn current_hour() -> i64 {
    now_ms().div_euclid(MS_PER_HOUR)
}

/// The visit insights of one server.
pub struct Insights {
    /// `None`: insights are off and nothing is recorded.
    store: Option<Arc<dyn InsightsStore>>,
    tally: Mutex<Tally>,
    /// Flushes and live reads take turns.
    turn: tokio::sync::Mutex<()>,
    /// Visitors in an SSH visit right now.
    online: AtomicU64,
}

impl std::fmt::Debug for Insights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Insights").field("on", &self.is_on()).finish()
    }
}

/// While held, a visitor counts as online.
pub struct Online(Arc<Insights>);

impl Drop for Online {
    fn drop(&mut self) {
        self.0.online.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Insights {
    /// Insights written to `store`.
    pub fn new(store: Arc<dyn InsightsStore>) -> Self {
        Self { store: Some(store), ..Self::off() }
    }

    /// Insights off: nothing is recorded (visitors online are still known).
    pub fn off() -> Self {
        Self {
            store: None,
            tally: Mutex::default(),
            turn: tokio::sync::Mutex::new(()),
            online: AtomicU64::new(0),
        }
    }

    pub fn is_on(&self) -> bool {
        self.store.is_some()
    }

    fn tally(&self) -> MutexGuard<'_, Tally> {
        self.tally.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a visit from `source` that just ended (or, for the web, was answered).
    /// The source is only hashed with the redactor's daily key to tell visitors apart.
    pub fn record(&self, visit: &Visit, source: IpAddr, redactor: &Redactor) {
        if !self.is_on() {
            return;
        }
        let (hash, day) = redactor.keyed(("insights", SourceKey::from(source)));
        let hour = current_hour();
        let mut tally = self.tally();
        tally.visitor(hour, day, hash);
        tally.record(hour, visit);
    }

    /// Counts a message stored through `channel` (`view`, `exec`, `web`).
    pub fn message(&self, channel: &'static str) {
        if self.is_on() {
            self.tally().add(current_hour(), super::labels::Dimension::Message, channel, 1);
        }
    }

    /// Counts `count` downloads of `file` through `door` (fixed labels).
    pub fn downloaded(&self, file: &'static str, door: &'static str, count: u64) {
        if self.is_on() {
            let (mut tally, hour) = (self.tally(), current_hour());
            tally.add(hour, super::labels::Dimension::Download, file, count);
            tally.add(hour, super::labels::Dimension::DownloadDoor, door, count);
        }
    }

    /// Counts a visitor as online until the guard is dropped.
    pub fn arrived(self: &Arc<Self>) -> Online {
        self.online.fetch_add(1, Ordering::Relaxed);
        Online(self.clone())
    }

    /// Visitors in an SSH visit right now.
    pub fn online(&self) -> u64 {
        self.online.load(Ordering::Relaxed)
    }

    /// Writes the pending counts; returns how many rows were written. A failed batch
    /// is kept for the next flush.
    pub async fn flush(&self) -> Result<usize, StoreError> {
        let Some(store) = &self.store else { return Ok(0) };
        let _turn = self.turn.lock().await;
        let (batch, dropped) = {
            let mut tally = self.tally();
            (tally.take(), tally.take_dropped())
        };
        if dropped > 0 {
            warn!(dropped, "insights: counts were dropped while the store could not keep up");
        }
        if batch.is_empty() {
            return Ok(0);
        }
        let rows = batch.len();
        match store.add_counts(batch.rows()).await {
            Ok(()) => Ok(rows),
            Err(err) => {
                self.tally().restore(batch);
                Err(err)
            }
        }
    }

    /// The stored counts for `from_hour <= hour < to_hour` plus what is pending, as
    /// rows (a pending row may repeat a stored key; readers add them up).
    pub async fn counts(&self, from_hour: i64, to_hour: i64) -> Result<Vec<CountRow>, StoreError> {
        let Some(store) = &self.store else { return Ok(Vec::new()) };
        let _turn = self.turn.lock().await;
        let mut rows = store.counts(from_hour, to_hour).await?;
        let pending = self.tally().rows();
        rows.extend(pending.into_iter().filter(|row| (from_hour..to_hour).contains(&row.hour)));
        Ok(rows)
    }

    /// Flushes every `interval` until `stop` is cancelled (the last flush is the
    /// caller's, once the doors are closed and every visit is recorded).
    pub async fn run_flusher(self: Arc<Self>, interval: Duration, stop: CancellationToken) {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = ticks.tick() => {}
            }
            match self.flush().await {
                Ok(rows) => debug!(rows, "insights flushed"),
                Err(err) => {
                    warn!(error = %err, "insights: the store refused the counts; kept for the next flush")
                }
            }
            if self.tally().visitors_overflowed() {
                debug!("insights: today's visitor set is full; distinct visitors are an upper bound");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::privacy::PeerLogging;
    use crate::insights::labels::Kind;
    use crate::store::StoreFuture;

    /// A store that keeps rows in memory, failing while `fail` is set.
    #[derive(Default)]
    struct Memory {
        rows: Mutex<Vec<CountRow>>,
        fail: std::sync::atomic::AtomicBool,
    }

    impl InsightsStore for Memory {
        fn add_counts(&self, rows: Vec<CountRow>) -> StoreFuture<'_, ()> {
            let result = if self.fail.load(Ordering::SeqCst) {
                Err(StoreError::Stopped)
            } else {
                self.rows.lock().unwrap().extend(rows);
                Ok(())
            };
            Box::pin(std::future::ready(result))
        }

        fn counts(&self, from: i64, to: i64) -> StoreFuture<'_, Vec<CountRow>> {
            let rows: Vec<CountRow> =
                self.rows.lock().unwrap().iter().filter(|r| (from..to).contains(&r.hour)).cloned().collect();
            Box::pin(std::future::ready(Ok(rows)))
        }
    }

    fn web() -> Visit {
        Visit { kind: Some(Kind::Web), ..Visit::default() }
    }

    fn total(rows: &[CountRow], dimension: &str) -> i64 {
        rows.iter().filter(|r| r.dimension == dimension).map(|r| r.count).sum()
    }

    #[tokio::test]
    async fn a_failed_flush_keeps_the_counts_and_live_reads_see_them_once() {
        let store = Arc::new(Memory::default());
        let insights = Insights::new(store.clone());
        let redactor = Redactor::new(PeerLogging::None);
        insights.record(&web(), "192.0.2.1".parse().unwrap(), &redactor);
        store.fail.store(true, Ordering::SeqCst);
        assert!(insights.flush().await.is_err());
        insights.record(&web(), "192.0.2.2".parse().unwrap(), &redactor);
        let live = insights.counts(0, i64::MAX).await.unwrap();
        assert_eq!((total(&live, "visit"), total(&live, "visitors")), (2, 2));
        store.fail.store(false, Ordering::SeqCst);
        assert_eq!(insights.flush().await.unwrap(), 2, "visit/web and visitors/new");
        let live = insights.counts(0, i64::MAX).await.unwrap();
        assert_eq!((total(&live, "visit"), total(&live, "visitors")), (2, 2));
        assert_eq!(insights.flush().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn off_records_nothing_and_online_is_a_guard() {
        let insights = Arc::new(Insights::off());
        insights.record(&web(), "192.0.2.1".parse().unwrap(), &Redactor::new(PeerLogging::None));
        insights.message("web");
        assert!(insights.tally().is_empty());
        let guard = insights.arrived();
        assert_eq!(insights.online(), 1);
        drop(guard);
        assert_eq!(insights.online(), 0);
    }

    #[tokio::test]
    async fn the_same_address_is_one_visitor_and_an_ipv6_64_too() {
        let insights = Insights::new(Arc::new(Memory::default()));
        let redactor = Redactor::new(PeerLogging::Full);
        for source in ["192.0.2.1", "192.0.2.1", "2001:db8::1", "2001:db8::2", "2001:db8:1::1"] {
            insights.record(&web(), source.parse().unwrap(), &redactor);
        }
        let rows = insights.counts(0, i64::MAX).await.unwrap();
        assert_eq!((total(&rows, "visit"), total(&rows, "visitors")), (5, 3));
    }
}
