//! The embedded store: SQLite (bundled) in `DATA_DIR/ssh-resume.db`, written by one
//! thread of its own fed through a bounded queue, so no runtime thread ever waits on
//! the disk and there is one writer by construction.
//!
//! The database is in WAL mode with `synchronous=FULL`: a commit returns once the WAL
//! is on disk, so a message a visitor was told about survives a crash or power loss.
//! The data directory is created with mode 0700. The connection is opened on the first
//! call and again after a failure, and every call first checks that the file it has
//! open is still the one at the path (a data directory removed or replaced underneath
//! must not swallow messages into an unlinked file): the store recovers by itself once
//! the directory is usable again. Other processes (`ssh-resume inbox`) may open the same
//! file; SQLite's locking and the busy timeout order them.

use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use tokio::sync::{mpsc, oneshot};
use tracing::{info, warn};

use super::counts::{CountRow, InsightsStore, MAX_BATCH};
use super::{
    InsertLimits, NewMessage, SQLITE_FILE, Store, StoreError, StoreFuture, Stored, Which, migrations,
};
use crate::messages::Channel;

/// Calls waiting for the writer thread; a caller beyond it waits for room (within its
/// own time bound).
pub const QUEUE: usize = 256;

/// How long a call waits for another process's lock on the file.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// A call the writer thread runs with the open connection.
type Job = Box<dyn FnOnce(&mut Writer) + Send>;

/// The SQLite store: a handle to its writer thread.
pub struct SqliteStore {
    jobs: mpsc::Sender<Job>,
    path: PathBuf,
}

impl SqliteStore {
    /// Starts the writer thread for the database in `dir`; the file is opened (and the
    /// directory created) by the first call.
    pub fn open(dir: PathBuf) -> Result<Self, StoreError> {
        let path = dir.join(SQLITE_FILE);
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUE);
        let mut writer = Writer { dir, path: path.clone(), open: None };
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                while let Some(job) = queue.blocking_recv() {
                    job(&mut writer);
                }
            })
            .map_err(|source| StoreError::DataDir { path: path.clone(), source })?;
        Ok(Self { jobs, path })
    }

    /// Runs `work` on the writer thread with the connection.
    fn call<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection, &Path) -> Result<T, StoreError> + Send + 'static,
    ) -> StoreFuture<'_, T> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |writer: &mut Writer| {
            let _ = reply.send(writer.run(work));
        });
        Box::pin(async move {
            self.jobs.send(job).await.map_err(|_| StoreError::Stopped)?;
            answer.await.map_err(|_| StoreError::Stopped)?
        })
    }
}

/// The writer thread's state: the open connection and which file it is.
struct Writer {
    dir: PathBuf,
    path: PathBuf,
    open: Option<(Connection, FileId)>,
}

/// A file's identity: (device, inode).
type FileId = (u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    std::fs::metadata(path).ok().map(|meta| (meta.dev(), meta.ino()))
}

impl Writer {
    /// Runs `work` with a connection to the file at the path, opening one if needed;
    /// any error drops the connection so the next call starts afresh.
    fn run<T>(
        &mut self,
        work: impl FnOnce(&mut Connection, &Path) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if let Some((_, id)) = &self.open
            && file_id(&self.path) != Some(*id)
        {
            warn!(path = %self.path.display(), "the database file vanished or was replaced; reopening");
            self.open = None;
        }
        if self.open.is_none() {
            self.open = Some(open_file(&self.dir, &self.path)?);
        }
        let Some((connection, _)) = self.open.as_mut() else { return Err(StoreError::Stopped) };
        let result = work(connection, &self.path);
        if result.as_ref().is_err_and(|err| matches!(err, StoreError::Sqlite { .. })) {
            self.open = None;
        }
        result
    }
}

/// Opens (creating) the database in `dir`, in WAL mode with full syncs, migrated.
fn open_file(dir: &Path, path: &Path) -> Result<(Connection, FileId), StoreError> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|source| StoreError::DataDir { path: dir.to_owned(), source })?;
    let sqlite = |source| StoreError::Sqlite { path: path.to_owned(), source };
    let mut connection = Connection::open(path).map_err(sqlite)?;
    connection.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
    let mode: String =
        connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(sqlite)?;
    connection.pragma_update(None, "synchronous", "FULL").map_err(sqlite)?;
    let migration = |source| StoreError::SqliteMigration { path: path.to_owned(), source };
    let list = migrations::list(migrations::SQLITE).map_err(migration)?;
    refinery::Runner::new(&list).run(&mut connection).map_err(migration)?;
    let id = file_id(path).ok_or(StoreError::Stopped)?;
    info!(path = %path.display(), journal_mode = mode, "opened the message store");
    Ok((connection, id))
}

fn sqlite_error(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sqlite { path: path.to_owned(), source }
}

/// The bounded, deadline-checked insert: refused when full, rolled back when late.
fn insert(
    connection: &mut Connection,
    path: &Path,
    new: &NewMessage,
    limits: InsertLimits,
) -> Result<i64, StoreError> {
    let err = sqlite_error(path);
    if Instant::now() >= limits.deadline {
        return Err(StoreError::Expired);
    }
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&err)?;
    let count: i64 =
        transaction.query_row("SELECT count(*) FROM messages", [], |row| row.get(0)).map_err(&err)?;
    if u64::try_from(count).unwrap_or(u64::MAX) >= limits.max_stored {
        return Err(StoreError::Full { max: limits.max_stored });
    }
    let message = &new.message;
    transaction
        .execute(
            "INSERT INTO messages (received_ms, channel, name, reply_to, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new.received_ms, new.channel.as_str(), message.name, message.reply_to, message.body],
        )
        .map_err(&err)?;
    let id = transaction.last_insert_rowid();
    if Instant::now() >= limits.deadline {
        return Err(StoreError::Expired); // dropping the transaction rolls it back
    }
    transaction.commit().map_err(&err)?;
    Ok(id)
}

const COLUMNS: &str = "id, received_ms, channel, name, reply_to, body, read";

fn row_to_stored(row: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    let channel: String = row.get(2)?;
    Ok(Stored {
        id: row.get(0)?,
        received_ms: row.get(1)?,
        channel: Channel::parse(&channel).unwrap_or(Channel::View),
        name: row.get(3)?,
        reply_to: row.get(4)?,
        body: row.get(5)?,
        read: row.get::<_, i64>(6)? != 0,
    })
}

impl Store for SqliteStore {
    fn insert(&self, message: NewMessage, limits: InsertLimits) -> StoreFuture<'_, i64> {
        self.call(move |connection, path| insert(connection, path, &message, limits))
    }

    fn list(&self, newest: usize) -> StoreFuture<'_, Vec<Stored>> {
        let limit = i64::try_from(newest).unwrap_or(i64::MAX);
        self.call(move |connection, path| {
            let err = sqlite_error(path);
            let sql = format!("SELECT {COLUMNS} FROM messages ORDER BY received_ms DESC, id DESC LIMIT ?1");
            let mut statement = connection.prepare(&sql).map_err(&err)?;
            let rows = statement.query_map([limit], row_to_stored).map_err(&err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(&err)
        })
    }

    fn get(&self, id: i64) -> StoreFuture<'_, Stored> {
        self.call(move |connection, path| {
            let sql = format!("SELECT {COLUMNS} FROM messages WHERE id = ?1");
            let found = connection.query_row(&sql, [id], row_to_stored).optional();
            found.map_err(sqlite_error(path))?.ok_or(StoreError::NotFound(id))
        })
    }

    fn mark_read(&self, which: Which) -> StoreFuture<'_, u64> {
        self.call(move |connection, path| {
            let changed = match which {
                Which::All => connection.execute("UPDATE messages SET read = 1 WHERE read = 0", []),
                Which::One(id) => connection.execute("UPDATE messages SET read = 1 WHERE id = ?1", [id]),
            };
            let changed = changed.map_err(sqlite_error(path))?;
            if changed == 0
                && let Which::One(id) = which
            {
                exists(connection, path, id)?;
            }
            Ok(u64::try_from(changed).unwrap_or(u64::MAX))
        })
    }

    fn delete(&self, id: i64) -> StoreFuture<'_, ()> {
        self.call(move |connection, path| {
            let deleted = connection.execute("DELETE FROM messages WHERE id = ?1", [id]);
            if deleted.map_err(sqlite_error(path))? == 0 { Err(StoreError::NotFound(id)) } else { Ok(()) }
        })
    }

    fn count(&self) -> StoreFuture<'_, u64> {
        self.call(|connection, path| count_where(connection, path, "1 = 1"))
    }

    fn unread(&self) -> StoreFuture<'_, u64> {
        self.call(|connection, path| count_where(connection, path, "read = 0"))
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }
}

/// Messages matching `condition` (a constant of ours, never input).
fn count_where(connection: &Connection, path: &Path, condition: &'static str) -> Result<u64, StoreError> {
    let sql = format!("SELECT count(*) FROM messages WHERE {condition}");
    let count: i64 = connection.query_row(&sql, [], |row| row.get(0)).map_err(sqlite_error(path))?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Adds a batch of counts in one transaction.
fn add_counts(connection: &mut Connection, path: &Path, rows: &[CountRow]) -> Result<(), StoreError> {
    let err = sqlite_error(path);
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&err)?;
    {
        let mut upsert = transaction
            .prepare_cached(
                "INSERT INTO insight_counts (hour, dimension, label, count) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (hour, dimension, label) DO UPDATE SET count = count + excluded.count",
            )
            .map_err(&err)?;
        for row in rows {
            upsert.execute(params![row.hour, row.dimension, row.label, row.count]).map_err(&err)?;
        }
    }
    transaction.commit().map_err(&err)
}

fn read_counts(
    connection: &Connection,
    path: &Path,
    from: i64,
    to: i64,
) -> Result<Vec<CountRow>, StoreError> {
    let err = sqlite_error(path);
    let mut statement = connection
        .prepare_cached(
            "SELECT hour, dimension, label, count FROM insight_counts \
             WHERE hour >= ?1 AND hour < ?2 ORDER BY hour, dimension, label",
        )
        .map_err(&err)?;
    let rows = statement
        .query_map([from, to], |row| {
            Ok(CountRow { hour: row.get(0)?, dimension: row.get(1)?, label: row.get(2)?, count: row.get(3)? })
        })
        .map_err(&err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(&err)
}

impl InsightsStore for SqliteStore {
    fn add_counts(&self, rows: Vec<CountRow>) -> StoreFuture<'_, ()> {
        if rows.len() > MAX_BATCH {
            return Box::pin(std::future::ready(Err(StoreError::BatchTooLarge { rows: rows.len() })));
        }
        self.call(move |connection, path| add_counts(connection, path, &rows))
    }

    fn counts(&self, from_hour: i64, to_hour: i64) -> StoreFuture<'_, Vec<CountRow>> {
        self.call(move |connection, path| read_counts(connection, path, from_hour, to_hour))
    }
}

/// `Ok` when message `id` exists.
fn exists(connection: &Connection, path: &Path, id: i64) -> Result<(), StoreError> {
    let found = connection.query_row("SELECT 1 FROM messages WHERE id = ?1", [id], |_| Ok(())).optional();
    found.map_err(sqlite_error(path))?.ok_or(StoreError::NotFound(id))
}
