//! The schema, as numbered migrations per backend, both run by `refinery` (tracked in
//! `refinery_schema_history`). A later change appends a migration to both lists, never
//! edits one that has shipped; both lists keep the same tables and columns in each
//! database's types.
//!
//! SQLite's first two say `IF NOT EXISTS`: a data directory made before refinery ran
//! them (when `PRAGMA user_version` tracked them) already has their tables, which are
//! then recorded as applied instead of failing to be created again.
//!
//! Version 1: `messages`. Times are milliseconds since the Unix epoch, UTC; `channel` is
//! one of `view`, `exec`, `web`. No column holds a visitor's address or user name.
//!
//! Version 2: `insight_counts`, the visit insights: one count per (UTC hour as hours
//! since the epoch, dimension, label), where dimension and label come from fixed sets
//! (see `crate::insights::labels`) and never from what a visitor typed. A flush adds to
//! a row with `count = count + excluded.count`. Nothing per visitor is kept: distinct
//! visitors are a count too (dimension `visitors`).

/// SQLite, oldest first: (refinery's `V{n}__{name}`, SQL).
pub const SQLITE: &[(&str, &str)] = &[
    (
        "V1__messages",
        "CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_ms INTEGER NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('view', 'exec', 'web')),
        name TEXT,
        reply_to TEXT NOT NULL,
        body TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1))
    ) STRICT;
    CREATE INDEX IF NOT EXISTS messages_newest ON messages (received_ms DESC, id DESC);",
    ),
    (
        "V2__insight_counts",
        "CREATE TABLE IF NOT EXISTS insight_counts (
        hour INTEGER NOT NULL,
        dimension TEXT NOT NULL,
        label TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (hour, dimension, label)
    ) STRICT, WITHOUT ROWID;",
    ),
];

/// PostgreSQL, oldest first: (refinery's `V{n}__{name}`, SQL).
pub const POSTGRES: &[(&str, &str)] = &[
    (
        "V1__messages",
        "CREATE TABLE messages (
        id BIGSERIAL PRIMARY KEY,
        received_ms BIGINT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('view', 'exec', 'web')),
        name TEXT,
        reply_to TEXT NOT NULL,
        body TEXT NOT NULL,
        read BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE INDEX messages_newest ON messages (received_ms DESC, id DESC);",
    ),
    (
        "V2__insight_counts",
        "CREATE TABLE insight_counts (
        hour BIGINT NOT NULL,
        dimension TEXT NOT NULL,
        label TEXT NOT NULL,
        count BIGINT NOT NULL CHECK (count >= 0),
        PRIMARY KEY (hour, dimension, label)
    );",
    ),
];

/// `migrations` as refinery runs them.
///
/// # Errors
/// A name that is not `V{n}__{name}`.
pub fn list(migrations: &[(&str, &str)]) -> Result<Vec<refinery::Migration>, refinery::Error> {
    migrations.iter().map(|(name, sql)| refinery::Migration::unapplied(name, sql)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_versions() {
        let names = |list: &[(&str, &str)]| list.iter().map(|(name, _)| name.to_string()).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
        for (index, (name, _)) in POSTGRES.iter().enumerate() {
            assert!(name.starts_with(&format!("V{}__", index + 1)), "{name}");
        }
    }

    #[test]
    fn sqlite_migrations_apply_in_order_and_once() {
        let mut connection = rusqlite::Connection::open_in_memory().unwrap();
        let list = list(SQLITE).unwrap();
        let report = refinery::Runner::new(&list).run(&mut connection).unwrap();
        assert_eq!(report.applied_migrations().len(), SQLITE.len());
        let again = refinery::Runner::new(&list).run(&mut connection).unwrap();
        assert!(again.applied_migrations().is_empty());
    }

    #[test]
    fn a_store_made_before_refinery_tracked_it_is_taken_as_it_is() {
        let mut connection = rusqlite::Connection::open_in_memory().unwrap();
        for (_, sql) in SQLITE {
            connection.execute_batch(sql).unwrap();
        }
        connection
            .execute(
                "INSERT INTO messages (received_ms, channel, reply_to, body) VALUES (1, 'web', 'r', 'b')",
                [],
            )
            .unwrap();
        connection.pragma_update(None, "user_version", 2).unwrap();
        refinery::Runner::new(&list(SQLITE).unwrap()).run(&mut connection).unwrap();
        let kept: i64 = connection.query_row("SELECT count(*) FROM messages", [], |row| row.get(0)).unwrap();
        assert_eq!(kept, 1, "the messages already stored are kept");
    }
}
