//! Visit insights as the store keeps them: one count per (UTC hour, dimension, label),
//! added to by each flush and read back for a range of hours. The trait both backends
//! implement on their own connection (SQLite: jobs for its one writer thread;
//! PostgreSQL: the same pool as the messages). What the dimensions and labels mean is
//! `crate::insights`' business; here they are only text from fixed sets.

use super::StoreFuture;

/// One stored count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountRow {
    /// Hours since the Unix epoch, UTC.
    pub hour: i64,
    pub dimension: String,
    pub label: String,
    pub count: i64,
}

impl CountRow {
    pub fn new(hour: i64, dimension: &str, label: &str, count: i64) -> Self {
        Self { hour, dimension: dimension.to_owned(), label: label.to_owned(), count }
    }
}

/// Most rows one flush writes: a flush holds at most the recorder's bounded tally, so a
/// larger batch is a bug, and is refused rather than held in one transaction.
pub const MAX_BATCH: usize = 100_000;

/// The insights half of the store.
pub trait InsightsStore: Send + Sync {
    /// Adds each row's count to the stored one (creating rows as needed), all rows in
    /// one transaction: a batch is stored whole or not at all. Rows must be distinct by
    /// (hour, dimension, label).
    fn add_counts(&self, rows: Vec<CountRow>) -> StoreFuture<'_, ()>;
    /// Every row with `from_hour <= hour < to_hour`, ordered by hour, dimension, label.
    fn counts(&self, from_hour: i64, to_hour: i64) -> StoreFuture<'_, Vec<CountRow>>;
}
