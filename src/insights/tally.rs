//! The counts not yet written, pure: counters keyed by (UTC hour, dimension, fixed
//! label), and today's set of visitor hashes that makes "distinct visitors" exact
//! across flushes. No clock, no lock, no I/O: the recorder passes the hour and the
//! hash, and takes the counts out as a [`Batch`] to write.
//!
//! Distinct visitors are stored as a count per hour of visitors *first seen that UTC
//! day* — never a row per visitor. The set that tells a new visitor from a returning
//! one holds the redactor's keyed daily hashes, in memory only, and is dropped when the
//! day changes: what is stored cannot be linked to an address, nor across days. A
//! restart forgets the set (and the key), so a visitor who returns after a restart on
//! the same day is counted again.
//!
//! Bounds: at most [`MAX_KEYS`] pending counters (fixed labels make about a hundred an
//! hour, so this holds days of a store outage); a count for a new key beyond it is
//! dropped and counted in [`Tally::dropped`]. At most [`MAX_VISITORS_PER_DAY`] hashes
//! are remembered; past it a visitor not remembered counts as new again (the day's
//! distinct count becomes an upper bound, flagged by [`Tally::visitors_overflowed`]).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use super::labels::{Dimension, Kind, NEW_VISITOR, SEARCH_MADE, time_bucket};
use crate::store::CountRow;

/// Most pending counters (each one (hour, dimension, label)).
pub const MAX_KEYS: usize = 10_000;

/// Most visitor hashes remembered per UTC day (8 bytes each, about 1.6 MB in the set).
pub const MAX_VISITORS_PER_DAY: usize = 100_000;

/// One counter's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// Hours since the Unix epoch, UTC.
    pub hour: i64,
    pub dimension: Dimension,
    pub label: &'static str,
}

/// What one visit contributes; every label from a fixed set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visit {
    pub kind: Option<Kind>,
    /// The exec command's fixed name (`shell` for none).
    pub command: Option<&'static str>,
    /// The section a deep link opened.
    pub deep_link: Option<&'static str>,
    /// How the visit ended.
    pub end: Option<&'static str>,
    /// How long it lasted; recorded for interactive visits.
    pub spent: Option<Duration>,
    pub client: Option<&'static str>,
    pub size: Option<&'static str>,
    pub colour: Option<&'static str>,
    /// Sections shown, each once.
    pub sections: Vec<&'static str>,
    /// Searches made.
    pub searches: u32,
}

/// Counters taken out of a tally, to be written (or given back when that fails).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch(HashMap<Key, u64>);

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The rows to store, in key order.
    pub fn rows(&self) -> Vec<CountRow> {
        let mut keys: Vec<(&Key, &u64)> = self.0.iter().collect();
        keys.sort_unstable_by_key(|(key, _)| **key);
        let count = |n: &u64| i64::try_from(*n).unwrap_or(i64::MAX);
        keys.into_iter()
            .map(|(key, n)| CountRow::new(key.hour, key.dimension.as_str(), key.label, count(n)))
            .collect()
    }
}

/// Today's visitors, as keyed hashes.
#[derive(Debug, Default)]
struct Visitors {
    day: u64,
    seen: HashSet<u64>,
    overflowed: bool,
}

/// The pending counts.
#[derive(Debug, Default)]
pub struct Tally {
    counts: HashMap<Key, u64>,
    visitors: Visitors,
    dropped: u64,
}

impl Tally {
    /// Adds `n` to a counter; false when the counter is new and the tally is full.
    pub fn add(&mut self, hour: i64, dimension: Dimension, label: &'static str, n: u64) -> bool {
        if n == 0 {
            return true;
        }
        let key = Key { hour, dimension, label };
        if let Some(count) = self.counts.get_mut(&key) {
            *count = count.saturating_add(n);
            return true;
        }
        if self.counts.len() >= MAX_KEYS {
            self.dropped = self.dropped.saturating_add(n);
            return false;
        }
        self.counts.insert(key, n);
        true
    }

    /// Counts a visitor (`hash` under `day`'s key) as new in `hour` unless seen already
    /// that day.
    pub fn visitor(&mut self, hour: i64, day: u64, hash: u64) {
        let visitors = &mut self.visitors;
        if visitors.day != day {
            *visitors = Visitors { day, ..Visitors::default() };
        }
        let new = if visitors.seen.len() < MAX_VISITORS_PER_DAY {
            visitors.seen.insert(hash)
        } else {
            visitors.overflowed = true;
            !visitors.seen.contains(&hash)
        };
        if new {
            self.add(hour, Dimension::Visitors, NEW_VISITOR, 1);
        }
    }

    /// Counts one visit in `hour`.
    pub fn record(&mut self, hour: i64, visit: &Visit) {
        let mut add = |dimension, label: Option<&'static str>| {
            if let Some(label) = label {
                self.add(hour, dimension, label, 1);
            }
        };
        add(Dimension::Visit, visit.kind.map(Kind::as_str));
        add(Dimension::Command, visit.command);
        add(Dimension::DeepLink, visit.deep_link);
        add(Dimension::End, visit.end);
        add(Dimension::Time, visit.spent.map(time_bucket));
        add(Dimension::Client, visit.client);
        add(Dimension::Size, visit.size);
        add(Dimension::Colour, visit.colour);
        for section in &visit.sections {
            add(Dimension::Section, Some(section));
        }
        self.add(hour, Dimension::Search, SEARCH_MADE, u64::from(visit.searches));
    }

    /// Takes every pending counter out (today's visitor set stays).
    pub fn take(&mut self) -> Batch {
        Batch(std::mem::take(&mut self.counts))
    }

    /// Gives back a batch that could not be written, within the bound.
    pub fn restore(&mut self, batch: Batch) {
        for (key, n) in batch.0 {
            self.add(key.hour, key.dimension, key.label, n);
        }
    }

    /// The pending counts as rows, without taking them.
    pub fn rows(&self) -> Vec<CountRow> {
        Batch(self.counts.clone()).rows()
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Counts lost to the [`MAX_KEYS`] bound since the last call (then reset).
    pub fn take_dropped(&mut self) -> u64 {
        std::mem::take(&mut self.dropped)
    }

    /// Whether today's visitor set hit [`MAX_VISITORS_PER_DAY`].
    pub fn visitors_overflowed(&self) -> bool {
        self.visitors.overflowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(rows: &[CountRow], dimension: &str, label: &str) -> i64 {
        rows.iter().filter(|r| r.dimension == dimension && r.label == label).map(|r| r.count).sum()
    }

    #[test]
    fn a_visit_counts_once_in_each_of_its_dimensions() {
        let mut tally = Tally::default();
        let visit = Visit {
            kind: Some(Kind::Interactive),
            command: Some("shell"),
            end: Some("quit"),
            spent: Some(Duration::from_secs(42)),
            client: Some("openssh"),
            size: Some("standard"),
            colour: Some("256"),
            sections: vec!["about", "experience"],
            searches: 2,
            ..Visit::default()
        };
        tally.record(7, &visit);
        tally.record(7, &visit);
        let rows = tally.take().rows();
        assert_eq!(count(&rows, "visit", "interactive"), 2);
        assert_eq!(count(&rows, "section", "experience"), 2);
        assert_eq!(count(&rows, "time", "lt-1m"), 2);
        assert_eq!(count(&rows, "search", "made"), 4);
        assert_eq!(count(&rows, "deep-link", "about"), 0);
        assert!(rows.iter().all(|r| r.hour == 7));
        assert!(tally.is_empty(), "taken");
    }

    #[test]
    fn visitors_are_distinct_per_day_across_batches() {
        let mut tally = Tally::default();
        tally.visitor(1, 100, 0xaa);
        tally.visitor(1, 100, 0xbb);
        let first = tally.take().rows();
        tally.visitor(2, 100, 0xaa);
        tally.visitor(2, 100, 0xcc);
        let second = tally.take().rows();
        assert_eq!((count(&first, "visitors", "new"), count(&second, "visitors", "new")), (2, 1));
        tally.visitor(25, 101, 0xaa);
        assert_eq!(count(&tally.take().rows(), "visitors", "new"), 1, "a new day starts afresh");
    }

    #[test]
    fn the_visitor_set_is_bounded_and_then_overcounts() {
        let mut tally = Tally::default();
        for hash in 0..MAX_VISITORS_PER_DAY as u64 {
            tally.visitor(1, 5, hash);
        }
        assert!(!tally.visitors_overflowed());
        tally.visitor(1, 5, 7);
        tally.visitor(1, 5, u64::MAX);
        tally.visitor(1, 5, u64::MAX);
        assert!(tally.visitors_overflowed());
        let rows = tally.take().rows();
        assert_eq!(count(&rows, "visitors", "new"), MAX_VISITORS_PER_DAY as i64 + 2);
        assert_eq!(tally.visitors.seen.len(), MAX_VISITORS_PER_DAY);
    }

    #[test]
    fn pending_counters_are_bounded_and_drops_counted() {
        let mut tally = Tally::default();
        for hour in 0..MAX_KEYS as i64 {
            assert!(tally.add(hour, Dimension::Visit, "web", 1));
        }
        assert!(tally.add(0, Dimension::Visit, "web", 1), "an existing counter still counts");
        assert!(!tally.add(-1, Dimension::Visit, "web", 3));
        assert_eq!((tally.len(), tally.take_dropped(), tally.take_dropped()), (MAX_KEYS, 3, 0));
    }

    #[test]
    fn a_batch_given_back_merges_with_newer_counts() {
        let mut tally = Tally::default();
        tally.add(3, Dimension::Visit, "web", 2);
        let batch = tally.take();
        tally.add(3, Dimension::Visit, "web", 1);
        tally.restore(batch);
        assert_eq!(tally.rows(), [CountRow::new(3, "visit", "web", 3)]);
    }
}
