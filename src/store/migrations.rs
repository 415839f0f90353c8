//! The schema, as numbered migrations per backend: SQLite's run by
//! `rusqlite_migration` (tracked in `PRAGMA user_version`), PostgreSQL's by `refinery`
//! (tracked in `refinery_schema_history`). A later change appends a migration to both
//! lists, never edits one that has shipped; both lists keep the same tables and columns
//! in each database's types.
//!
//! Version 1: `messages`. Times are milliseconds since the Unix epoch, UTC; `channel` is
//! one of `view`, `exec`, `web`. No column holds a visitor's address or user name.
//!
//! Version 2: `insight_counts`, the visit insights: one count per (UTC hour as hours
//! since the epoch, dimension, label), where dimension and label come from fixed sets
//! (see `crate::insights::labels`) and never from what a visitor typed. A flush adds to
//! a row with `count = count + excluded.count`. Nothing per visitor is kept: distinct
//! visitors are a count too (dimension `visitors`).

/// SQLite, oldest first.
pub const SQLITE: &[&str] = &[
    "CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_ms INTEGER NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('view', 'exec', 'web')),
        name TEXT,
        reply_to TEXT NOT NULL,
        body TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1))
    ) STRICT;
    CREATE INDEX messages_newest ON messages (received_ms DESC, id DESC);",
    "CREATE TABLE insight_counts (
        hour INTEGER NOT NULL,
        dimension TEXT NOT NULL,
        label TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (hour, dimension, label)
    ) STRICT, WITHOUT ROWID;",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_number_of_versions() {
        assert_eq!(SQLITE.len(), POSTGRES.len());
        for (index, (name, _)) in POSTGRES.iter().enumerate() {
            assert!(name.starts_with(&format!("V{}__", index + 1)), "{name}");
        }
    }

    #[test]
    fn sqlite_migrations_are_valid_and_apply_in_order() {
        let mut connection = rusqlite::Connection::open_in_memory().unwrap();
        let migrations = rusqlite_migration::Migrations::new(
            SQLITE.iter().map(|sql| rusqlite_migration::M::up(sql)).collect(),
        );
        migrations.validate().unwrap();
        migrations.to_latest(&mut connection).unwrap();
    }
}
