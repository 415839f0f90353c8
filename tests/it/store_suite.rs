//! One test suite for the `Store` interface, run against both backends: SQLite in a
//! temporary data directory and a real PostgreSQL (skipped, with a message, where it is
//! not installed; required under CI). Bounds, order, read state, deletes, the deadline
//! that keeps a late insert from being stored, and concurrent inserts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::messages::sqlite;
use crate::common::postgres::Postgres;
use crate::common::temp_dir;
use ssh_resume::messages::{Channel, Message};
use ssh_resume::store::{self, CountRow, InsertLimits, Location, NewMessage, Store, StoreError, Which};

fn new(body: &str, received_ms: i64) -> NewMessage {
    let message =
        Message { name: Some("Jane".into()), reply_to: "jane@example.org".into(), body: body.into() };
    NewMessage { message, channel: Channel::View, received_ms }
}

fn limits(max_stored: u64) -> InsertLimits {
    InsertLimits { max_stored, deadline: Instant::now() + Duration::from_secs(5) }
}

async fn suite(store: Arc<dyn Store>) {
    assert_eq!(store.count().await.unwrap(), 0);
    let first = store.insert(new("first", 1_000), limits(3)).await.unwrap();
    let second = store.insert(new("second", 3_000), limits(3)).await.unwrap();
    let third = store.insert(new("third", 2_000), limits(3)).await.unwrap();
    assert!(first < second && second < third);
    let full = store.insert(new("fourth", 4_000), limits(3)).await;
    assert!(matches!(full, Err(StoreError::Full { max: 3 })), "{full:?}");
    let listed: Vec<String> = store.list(usize::MAX).await.unwrap().into_iter().map(|m| m.body).collect();
    assert_eq!(listed, ["second", "third", "first"], "newest first");
    let newest: Vec<String> = store.list(2).await.unwrap().into_iter().map(|m| m.body).collect();
    assert_eq!(newest, ["second", "third"], "only the newest, as the owner console asks");

    let got = store.get(second).await.unwrap();
    assert_eq!(
        (got.name.as_deref(), got.reply_to.as_str(), got.read),
        (Some("Jane"), "jane@example.org", false)
    );
    assert!(matches!(store.get(999_999).await, Err(StoreError::NotFound(999_999))));
    assert_eq!(store.mark_read(Which::One(first)).await.unwrap(), 1);
    assert!(matches!(store.mark_read(Which::One(999_999)).await, Err(StoreError::NotFound(_))));
    assert_eq!(store.mark_read(Which::All).await.unwrap(), 2);
    assert!(store.list(usize::MAX).await.unwrap().iter().all(|m| m.read));
    store.delete(third).await.unwrap();
    assert!(matches!(store.delete(third).await, Err(StoreError::NotFound(_))));
    assert_eq!(store.count().await.unwrap(), 2);

    let late = InsertLimits { max_stored: 100, deadline: Instant::now() };
    assert!(matches!(store.insert(new("late", 5_000), late).await, Err(StoreError::Expired)));
    assert_eq!(store.count().await.unwrap(), 2, "a late insert stores nothing");

    assert_eq!(store.unread().await.unwrap(), 0);
    concurrent_inserts_respect_the_bound(&store).await;
    assert_eq!(store.unread().await.unwrap(), 30, "the burst is unread");
    insight_counts_add_up(&store).await;
}

/// Counts are added to, per (hour, dimension, label), and read back by hour range.
async fn insight_counts_add_up(store: &Arc<dyn Store>) {
    let row = |hour, dimension: &str, label: &str, count| CountRow::new(hour, dimension, label, count);
    assert!(store.counts(0, i64::MAX).await.unwrap().is_empty());
    store.add_counts(vec![row(10, "visit", "web", 2), row(11, "visit", "web", 1)]).await.unwrap();
    store.add_counts(vec![row(10, "visit", "web", 3), row(10, "visit", "exec", 1)]).await.unwrap();
    store.add_counts(Vec::new()).await.unwrap();
    let read = store.counts(10, 11).await.unwrap();
    assert_eq!(read, [row(10, "visit", "exec", 1), row(10, "visit", "web", 5)]);
    assert_eq!(store.counts(0, 100).await.unwrap().len(), 3);
    let too_many = vec![row(1, "visit", "web", 1); ssh_resume::store::counts::MAX_BATCH + 1];
    let refused = store.add_counts(too_many).await;
    assert!(matches!(refused, Err(StoreError::BatchTooLarge { .. })), "{refused:?}");
    let negative = store.add_counts(vec![row(12, "visit", "web", 1), row(12, "visit", "exec", -1)]).await;
    assert!(negative.is_err(), "a count never goes below zero");
    assert_eq!(store.counts(0, 100).await.unwrap().len(), 3, "a failed batch stores nothing");
}

/// 40 senders at once against room for 30: exactly 30 stored, distinct ids.
async fn concurrent_inserts_respect_the_bound(store: &Arc<dyn Store>) {
    let before = store.count().await.unwrap();
    let tasks: Vec<_> = (0..40)
        .map(|index| {
            let store = store.clone();
            tokio::spawn(async move {
                store.insert(new(&format!("burst {index}"), 10_000 + index), limits(before + 30)).await
            })
        })
        .collect();
    let mut ids = Vec::new();
    let mut full = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(id) => ids.push(id),
            Err(StoreError::Full { .. }) => full += 1,
            Err(err) => panic!("{err}"),
        }
    }
    ids.sort();
    ids.dedup();
    assert_eq!((ids.len(), full), (30, 10));
    assert_eq!(store.count().await.unwrap(), before + 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_suite_on_sqlite() {
    let dir = temp_dir("store-suite");
    suite(sqlite(&dir.join("data"))).await;
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(dir.join("data")).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o700, "the data directory is private");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_suite_on_postgres() {
    let Some(postgres) = Postgres::start("suite") else { return };
    let store = store::open(&Location::Postgres(postgres.url()), Duration::from_secs(5)).unwrap();
    suite(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_reopens_a_data_directory_that_was_replaced() {
    let dir = temp_dir("store-replaced");
    let data = dir.join("data");
    let store = sqlite(&data);
    store.insert(new("before", 1), limits(100)).await.unwrap();
    std::fs::rename(&data, dir.join("moved")).unwrap();
    std::fs::write(&data, b"not a directory").unwrap();
    let broken = store.insert(new("while broken", 2), limits(100)).await;
    assert!(broken.as_ref().is_err_and(StoreError::is_unavailable), "{broken:?}");
    std::fs::remove_file(&data).unwrap();
    std::fs::rename(dir.join("moved"), &data).unwrap();
    store.insert(new("after", 3), limits(100)).await.unwrap();
    let bodies: Vec<String> = store.list(usize::MAX).await.unwrap().into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, ["after", "before"]);
}
