//! The shared store for several instances: PostgreSQL through `tokio-postgres` and a
//! `deadpool-postgres` pool, with the same schema as SQLite (migrated by `refinery` on
//! first use, under an advisory lock so instances starting together do not race).
//!
//! Inserts take a transaction-scoped advisory lock, so the count against the inbox's
//! bound and the insert are one step across every instance; the statement timeout is
//! what is left of the visitor's deadline, and a transaction that is late by the time
//! it would commit is rolled back. A committed transaction is durable (the server's
//! default `synchronous_commit`). Connections are plain TCP or a unix socket: TLS to
//! the database is not supported, so keep it on a private network or the same host.

use std::time::{Duration, Instant};

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio::sync::OnceCell;
use tokio_postgres::NoTls;
use tokio_postgres::config::Host;

use super::counts::{CountRow, InsightsStore, MAX_BATCH};
use super::{InsertLimits, NewMessage, Store, StoreError, StoreFuture, Stored, Which, migrations};
use crate::messages::Channel;

/// Connections kept per instance.
pub const POOL_SIZE: usize = 16;

/// The advisory lock key for migrations and for the bounded insert.
const LOCK_KEY: i64 = 0x7373_685f_6d73_6731; // "ssh_msg1"

/// What went wrong talking to PostgreSQL, with the error it came from.
#[derive(Debug, thiserror::Error)]
pub enum PostgresError {
    #[error("not a PostgreSQL URL: {0}")]
    Url(#[source] tokio_postgres::Error),
    #[error("cannot set up the connection pool: {0}")]
    Pool(#[source] deadpool_postgres::BuildError),
    #[error("no connection: {0}")]
    Connect(#[source] deadpool_postgres::PoolError),
    /// A statement failed: the server's SQLSTATE and message when it sent one.
    #[error("{}", query_message(.0))]
    Query(#[source] tokio_postgres::Error),
    #[error("migrations: {0}")]
    Migration(#[source] refinery::Error),
}

/// The server's SQLSTATE code and message, or the client's error.
fn query_message(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => err.to_string(),
    }
}

/// The PostgreSQL store.
pub struct PostgresStore {
    pool: Pool,
    /// The URL without its password, for logs and errors.
    shown: String,
    migrated: OnceCell<()>,
}

impl PostgresStore {
    /// A pool for `url` (`postgres://user@host:port/db` or `host=/run/postgresql …`);
    /// no connection is made until the first call. `timeout` bounds waiting for and
    /// making a connection.
    pub fn new(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(|err| StoreError::Postgres {
            url: "--database-url".into(),
            source: PostgresError::Url(err),
        })?;
        let shown = shown(&config);
        let manager =
            Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(timeout))
            .create_timeout(Some(timeout))
            .recycle_timeout(Some(timeout))
            .build()
            .map_err(|err| StoreError::Postgres { url: shown.clone(), source: PostgresError::Pool(err) })?;
        Ok(Self { pool, shown, migrated: OnceCell::new() })
    }

    fn error(&self, source: PostgresError) -> StoreError {
        StoreError::Postgres { url: self.shown.clone(), source }
    }

    fn pg_error(&self, err: tokio_postgres::Error) -> StoreError {
        self.error(PostgresError::Query(err))
    }

    /// A pooled connection to a migrated database.
    async fn connection(&self) -> Result<Object, StoreError> {
        let mut object = self.pool.get().await.map_err(|err| self.error(PostgresError::Connect(err)))?;
        self.migrated.get_or_try_init(|| self.migrate(&mut object)).await?;
        Ok(object)
    }

    async fn migrate(&self, object: &mut Object) -> Result<(), StoreError> {
        let list = migrations::list(migrations::POSTGRES)
            .map_err(|err| self.error(PostgresError::Migration(err)))?;
        let client: &mut tokio_postgres::Client = object;
        client.execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY]).await.map_err(|e| self.pg_error(e))?;
        let ran = refinery::Runner::new(&list).run_async(client).await;
        let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY]).await;
        ran.map(|_| ()).map_err(|err| self.error(PostgresError::Migration(err)))
    }

    async fn insert(&self, new: NewMessage, limits: InsertLimits) -> Result<i64, StoreError> {
        let left = limits.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(StoreError::Expired);
        }
        let mut object = self.connection().await?;
        let pg = |err| self.pg_error(err);
        let transaction = object.transaction().await.map_err(pg)?;
        let timeout = format!("SET LOCAL statement_timeout = {}", left.as_millis().max(1));
        transaction.batch_execute(&timeout).await.map_err(pg)?;
        transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY]).await.map_err(pg)?;
        let count: i64 =
            transaction.query_one("SELECT count(*) FROM messages", &[]).await.map_err(pg)?.get(0);
        if u64::try_from(count).unwrap_or(u64::MAX) >= limits.max_stored {
            return Err(StoreError::Full { max: limits.max_stored });
        }
        let message = &new.message;
        let row = transaction
            .query_one(
                "INSERT INTO messages (received_ms, channel, name, reply_to, body) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[&new.received_ms, &new.channel.as_str(), &message.name, &message.reply_to, &message.body],
            )
            .await
            .map_err(pg)?;
        if Instant::now() >= limits.deadline {
            return Err(StoreError::Expired); // dropping the transaction rolls it back
        }
        transaction.commit().await.map_err(pg)?;
        Ok(row.get(0))
    }

    async fn list(&self, newest: usize) -> Result<Vec<Stored>, StoreError> {
        let object = self.connection().await?;
        let limit = i64::try_from(newest).unwrap_or(i64::MAX);
        let sql = format!("SELECT {COLUMNS} FROM messages ORDER BY received_ms DESC, id DESC LIMIT $1");
        let rows = object.query(&sql, &[&limit]).await.map_err(|e| self.pg_error(e))?;
        Ok(rows.iter().map(row_to_stored).collect())
    }

    async fn get(&self, id: i64) -> Result<Stored, StoreError> {
        let object = self.connection().await?;
        let sql = format!("SELECT {COLUMNS} FROM messages WHERE id = $1");
        let row = object.query_opt(&sql, &[&id]).await.map_err(|e| self.pg_error(e))?;
        row.as_ref().map(row_to_stored).ok_or(StoreError::NotFound(id))
    }

    async fn mark_read(&self, which: Which) -> Result<u64, StoreError> {
        let object = self.connection().await?;
        let changed = match which {
            Which::All => object.execute("UPDATE messages SET read = TRUE WHERE NOT read", &[]).await,
            Which::One(id) => object.execute("UPDATE messages SET read = TRUE WHERE id = $1", &[&id]).await,
        };
        let changed = changed.map_err(|e| self.pg_error(e))?;
        if let (0, Which::One(id)) = (changed, which) {
            return Err(StoreError::NotFound(id));
        }
        Ok(changed)
    }

    async fn delete(&self, id: i64) -> Result<(), StoreError> {
        let object = self.connection().await?;
        let deleted = object.execute("DELETE FROM messages WHERE id = $1", &[&id]).await;
        if deleted.map_err(|e| self.pg_error(e))? == 0 { Err(StoreError::NotFound(id)) } else { Ok(()) }
    }

    /// Messages matching `condition` (a constant of ours, never input).
    async fn count_where(&self, condition: &'static str) -> Result<u64, StoreError> {
        let object = self.connection().await?;
        let sql = format!("SELECT count(*) FROM messages WHERE {condition}");
        let row = object.query_one(&sql, &[]).await.map_err(|e| self.pg_error(e))?;
        Ok(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0))
    }

    /// The batch as one statement over arrays, in one transaction.
    async fn add_counts(&self, rows: Vec<CountRow>) -> Result<(), StoreError> {
        if rows.len() > MAX_BATCH {
            return Err(StoreError::BatchTooLarge { rows: rows.len() });
        }
        let hours: Vec<i64> = rows.iter().map(|row| row.hour).collect();
        let dimensions: Vec<&str> = rows.iter().map(|row| row.dimension.as_str()).collect();
        let labels: Vec<&str> = rows.iter().map(|row| row.label.as_str()).collect();
        let counts: Vec<i64> = rows.iter().map(|row| row.count).collect();
        let object = self.connection().await?;
        object
            .execute(
                "INSERT INTO insight_counts (hour, dimension, label, count) \
                 SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::BIGINT[]) \
                 ON CONFLICT (hour, dimension, label) \
                 DO UPDATE SET count = insight_counts.count + EXCLUDED.count",
                &[&hours, &dimensions, &labels, &counts],
            )
            .await
            .map_err(|e| self.pg_error(e))?;
        Ok(())
    }

    async fn counts(&self, from: i64, to: i64) -> Result<Vec<CountRow>, StoreError> {
        let object = self.connection().await?;
        let rows = object
            .query(
                "SELECT hour, dimension, label, count FROM insight_counts \
                 WHERE hour >= $1 AND hour < $2 ORDER BY hour, dimension, label",
                &[&from, &to],
            )
            .await
            .map_err(|e| self.pg_error(e))?;
        let row = |r: &tokio_postgres::Row| CountRow {
            hour: r.get(0),
            dimension: r.get(1),
            label: r.get(2),
            count: r.get(3),
        };
        Ok(rows.iter().map(row).collect())
    }
}

const COLUMNS: &str = "id, received_ms, channel, name, reply_to, body, read";

fn row_to_stored(row: &tokio_postgres::Row) -> Stored {
    let channel: String = row.get(2);
    Stored {
        id: row.get(0),
        received_ms: row.get(1),
        channel: Channel::parse(&channel).unwrap_or(Channel::View),
        name: row.get(3),
        reply_to: row.get(4),
        body: row.get(5),
        read: row.get(6),
    }
}

/// `postgres://user@host:port/db`, without the password.
fn shown(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let port = config.get_ports().first().map(|p| format!(":{p}")).unwrap_or_default();
    let user = config.get_user().map(|u| format!("{u}@")).unwrap_or_default();
    format!("postgres://{user}{}{port}/{}", hosts.join(","), config.get_dbname().unwrap_or(""))
}

impl Store for PostgresStore {
    fn insert(&self, message: NewMessage, limits: InsertLimits) -> StoreFuture<'_, i64> {
        Box::pin(self.insert(message, limits))
    }

    fn list(&self, newest: usize) -> StoreFuture<'_, Vec<Stored>> {
        Box::pin(self.list(newest))
    }

    fn get(&self, id: i64) -> StoreFuture<'_, Stored> {
        Box::pin(self.get(id))
    }

    fn mark_read(&self, which: Which) -> StoreFuture<'_, u64> {
        Box::pin(self.mark_read(which))
    }

    fn delete(&self, id: i64) -> StoreFuture<'_, ()> {
        Box::pin(self.delete(id))
    }

    fn count(&self) -> StoreFuture<'_, u64> {
        Box::pin(self.count_where("TRUE"))
    }

    fn unread(&self) -> StoreFuture<'_, u64> {
        Box::pin(self.count_where("NOT read"))
    }

    fn describe(&self) -> String {
        self.shown.clone()
    }
}

impl InsightsStore for PostgresStore {
    fn add_counts(&self, rows: Vec<CountRow>) -> StoreFuture<'_, ()> {
        Box::pin(self.add_counts(rows))
    }

    fn counts(&self, from_hour: i64, to_hour: i64) -> StoreFuture<'_, Vec<CountRow>> {
        Box::pin(self.counts(from_hour, to_hour))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_url_has_no_password() {
        let config: tokio_postgres::Config =
            "postgres://owner:secret@db.internal:5433/resume".parse().unwrap();
        assert_eq!(shown(&config), "postgres://owner@db.internal:5433/resume");
        let socket: tokio_postgres::Config = "host=/run/postgresql user=owner dbname=resume".parse().unwrap();
        assert_eq!(shown(&socket), "postgres://owner@/run/postgresql/resume");
    }
}
