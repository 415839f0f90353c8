//! Where state that must outlive a restart lives: one [`Store`] interface over two
//! databases, embedded SQLite ([`sqlite`], the default, under `--data-dir`) and
//! PostgreSQL ([`postgres`], `--database-url`, for several instances sharing one
//! inbox). Both keep the same schema through versioned migrations ([`migrations`]).
//!
//! Only what the owner must read is stored: a message's text, the contact the visitor
//! gave, when it arrived and through which door. Never a visitor's address or user name.
//! Every write the visitor is told about is committed durably before the call returns
//! (SQLite: WAL with `synchronous=FULL`; PostgreSQL: a committed transaction with
//! `synchronous_commit` on).
//!
//! Visit insights ([`counts`]) live beside the messages: hourly counts from fixed label
//! sets, migrated after the messages in [`migrations`], through their own trait
//! [`InsightsStore`] that every [`Store`] also implements on the same connection
//! (SQLite: more jobs for the one writer thread; PostgreSQL: the same pool). Nothing
//! here knows tokio's runtime beyond futures and the blocking thread the SQLite backend
//! owns.

pub mod counts;
pub mod migrations;
pub mod postgres;
pub mod sqlite;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use counts::{CountRow, InsightsStore};

use crate::messages::{Channel, Message};

/// The file the SQLite store keeps in the data directory.
pub const SQLITE_FILE: &str = "ssh-resume.db";

/// A future a store returns; boxed so `Store` can be used as `dyn Store`.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A message to store, with when it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub message: Message,
    pub channel: Channel,
    /// Milliseconds since the Unix epoch, UTC.
    pub received_ms: i64,
}

impl NewMessage {
    /// `message` received now through `channel`.
    pub fn now(message: Message, channel: Channel) -> Self {
        Self { message, channel, received_ms: now_ms() }
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// A message as the owner reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    /// Milliseconds since the Unix epoch, UTC.
    pub received_ms: i64,
    pub channel: Channel,
    pub name: Option<String>,
    pub reply_to: String,
    pub body: String,
    pub read: bool,
}

/// What a bounded insert needs beyond the message.
#[derive(Debug, Clone, Copy)]
pub struct InsertLimits {
    /// Most messages kept; beyond it new ones are refused, none is dropped.
    pub max_stored: u64,
    /// The insert commits only before this instant; past it, it is rolled back, so a
    /// visitor told "nothing was stored" is right.
    pub deadline: Instant,
}

/// Which messages `mark_read` changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    One(i64),
    All,
}

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the inbox is full ({max} messages); read and delete some with `ssh-resume inbox`")]
    Full { max: u64 },
    #[error("no message with id {0}; `ssh-resume inbox` lists them")]
    NotFound(i64),
    #[error("the store did not commit before the visitor's deadline; nothing was stored")]
    Expired,
    #[error("the store's queue is full; try again")]
    Busy,
    #[error("cannot create the data directory {path}: {source}; create it (mode 0700) or pass --data-dir")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("SQLite at {path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("SQLite migrations at {path}: {source}")]
    SqliteMigration { path: PathBuf, source: refinery::Error },
    #[error("PostgreSQL at {url}: {source}")]
    Postgres { url: String, source: postgres::PostgresError },
    #[error("the store's worker has stopped")]
    Stopped,
    #[error("{rows} insight rows in one batch; at most {} are written at once", counts::MAX_BATCH)]
    BatchTooLarge { rows: usize },
}

impl StoreError {
    /// Whether the store could not be reached or used (as opposed to refusing).
    pub fn is_unavailable(&self) -> bool {
        !matches!(self, StoreError::Full { .. } | StoreError::NotFound(_) | StoreError::BatchTooLarge { .. })
    }
}

/// The durable store: one interface, a backend per database; the insights' half is
/// [`InsightsStore`].
pub trait Store: InsightsStore + Send + Sync {
    /// Stores `message` durably and returns its id, or refuses with [`StoreError::Full`]
    /// when `limits.max_stored` are kept already.
    fn insert(&self, message: NewMessage, limits: InsertLimits) -> StoreFuture<'_, i64>;
    /// The `newest` newest messages (`usize::MAX`: every one), newest first.
    fn list(&self, newest: usize) -> StoreFuture<'_, Vec<Stored>>;
    fn get(&self, id: i64) -> StoreFuture<'_, Stored>;
    /// Marks messages read; returns how many changed.
    fn mark_read(&self, which: Which) -> StoreFuture<'_, u64>;
    fn delete(&self, id: i64) -> StoreFuture<'_, ()>;
    fn count(&self) -> StoreFuture<'_, u64>;
    /// Messages not read yet.
    fn unread(&self) -> StoreFuture<'_, u64>;
    /// What the startup line says about the store (no password).
    fn describe(&self) -> String;
}

/// Where the store is: a data directory (SQLite) or a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    DataDir(PathBuf),
    Postgres(String),
}

/// Opens the store at `location`. SQLite opens lazily on its own thread (a directory
/// that cannot be created yet makes calls fail until it can); PostgreSQL builds its
/// pool and migrates on first use.
pub fn open(location: &Location, timeout: Duration) -> Result<Arc<dyn Store>, StoreError> {
    match location {
        Location::DataDir(dir) => Ok(Arc::new(sqlite::SqliteStore::open(dir.clone())?)),
        Location::Postgres(url) => Ok(Arc::new(postgres::PostgresStore::new(url, timeout)?)),
    }
}
