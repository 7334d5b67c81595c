//! Database access: connecting, migrating, and one module of queries per resource.

pub mod analytics;
pub mod catalog;
pub mod certificates;
pub mod dashboard;
pub mod embed;
pub mod learners;
pub mod learning;
pub mod quiz;
pub mod search;

use std::path::Path;
use std::sync::Once;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor};

/// The database pool every handler shares: SQLite (the default) or PostgreSQL, chosen by URL.
///
/// Queries are written once in the SQL both understand (`$1` placeholders, `ON CONFLICT`,
/// `RETURNING`, integers for flags); the few places where the dialects differ ask [`backend`].
pub type Db = AnyPool;

/// The database engine behind a pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (or `:memory:`).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Which engine `db` talks to (read off its URL, so it costs nothing).
pub fn backend(db: &Db) -> Backend {
    backend_of(&db.connect_options())
}

fn backend_of(options: &AnyConnectOptions) -> Backend {
    match options.database_url.scheme() {
        "postgres" | "postgresql" => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// Opens and migrates the database at `url`: `postgres://…` (PostgreSQL), or `sqlite://path`,
/// `sqlite::memory:` or a plain file path (SQLite, created when missing, in WAL mode).
pub async fn connect(url: &str) -> Result<Db, String> {
    static DRIVERS: Once = Once::new();
    DRIVERS.call_once(sqlx::any::install_default_drivers);
    let shown = redact(url);
    let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if let Some((scheme, _)) = url
        .split_once("://")
        .filter(|(s, _)| !postgres && *s != "sqlite")
    {
        return Err(format!(
            "{scheme}:// databases are not supported; use a sqlite:// or postgres:// URL, or a file path"
        ));
    }
    let (options, max) = if postgres {
        let options: AnyConnectOptions = url
            .parse()
            .map_err(|e| format!("bad database URL {shown}: {e}"))?;
        (options, 16)
    } else {
        sqlite_options(url)?
    };
    let pool = pool_options(max)
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot open database {shown}: {e}"))?;
    let migrated = match backend(&pool) {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await,
        Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await,
    };
    migrated.map_err(|e| format!("cannot migrate database {shown}: {e}"))?;
    certificates::backfill(&pool)
        .await
        .map_err(|e| format!("cannot issue earned certificates in {shown}: {e}"))?;
    Ok(pool)
}

/// `url` without its password, for messages and logs.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let user = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// The SQLite URL for `url` (created when missing, its folder too) and the pool size.
fn sqlite_options(url: &str) -> Result<(AnyConnectOptions, u32), String> {
    // Each connection to `:memory:` is its own empty database, so an in-memory pool has one.
    let in_memory = url.contains(":memory:");
    let url = if url.starts_with("sqlite:") {
        url.to_owned()
    } else {
        format!("sqlite://{url}")
    };
    let mut full = url.clone();
    if let Some(path) = url.strip_prefix("sqlite://") {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        if let Some(dir) = Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create database folder {}: {e}", dir.display()))?;
        }
        if !query.contains("mode=") {
            full = format!(
                "sqlite://{path}?{}mode=rwc",
                if query.is_empty() {
                    String::new()
                } else {
                    format!("{query}&")
                }
            );
        }
    }
    let options = full
        .parse()
        .map_err(|e| format!("bad database URL {url}: {e}"))?;
    Ok((options, if in_memory { 1 } else { 8 }))
}

/// Pool options with the per-connection set-up each engine needs.
fn pool_options(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .after_connect(|conn, _| {
            Box::pin(async move {
                if conn.backend_name() == "SQLite" {
                    // WAL: readers never wait for the writer, and a crash never corrupts
                    // committed data. Writers wait up to 5 s for the lock rather than fail.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
}

/// The key of the PostgreSQL advisory lock every write transaction holds ("jieti" in ASCII).
const WRITE_LOCK: i64 = 0x6a_69_65_74_69;

/// A write transaction that holds the database's write lock from its first statement, so that
/// what it reads stays true until it commits, on both engines: concurrent writers queue, none
/// fails or overwrites another.
///
/// SQLite: `BEGIN IMMEDIATE`, waiting up to the busy timeout for the lock. A deferred
/// transaction that reads before it writes fails at once with "database is locked" when another
/// connection wrote in between (SQLite cannot wait in that upgrade), which under concurrent
/// writers turned most progress uploads into 500s. These transactions run on a pool of one
/// connection kept for them (`writer`), so this process's writers queue there, first come first
/// served, and each begins the moment the one before commits. Left to SQLite's busy handler they
/// poll with sleeps of 1 to 100 ms: the lock sits idle between a commit and the next poll, and
/// an unlucky writer can miss it for the whole busy timeout (scripts/load.sh: progress batches
/// with p99 above 2 s and some 500s; queued, p99 under 0.8 s and none).
///
/// PostgreSQL: a transaction-scoped advisory lock, the same one for every server process on the
/// database, so the read-then-write logic behaves exactly as on SQLite (ADR 0017).
pub async fn write_tx(db: &Db) -> Result<sqlx::Transaction<'static, Any>, sqlx::Error> {
    match backend(db) {
        Backend::Sqlite => {
            let writer = writer(db);
            // Begun in a task of its own, which runs to its end even when the request that asked
            // is dropped (its client went away): sqlx's begin with a custom statement awaits once
            // more after the BEGIN has run, and a drop there left the one writer connection in a
            // transaction nobody held, so every later write failed (tests/cancel.rs). Finished
            // with no one waiting, the transaction is dropped and rolled back.
            tokio::spawn(async move { writer.begin_with("BEGIN IMMEDIATE").await })
                .await
                .map_err(|e| sqlx::Error::Protocol(format!("beginning a write: {e}")))?
        }
        Backend::Postgres => {
            let mut tx = db.begin().await?;
            // The lock function returns void, which the Any driver cannot read: count instead.
            sqlx::query("SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock($1)) AS l")
                .bind(WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

/// The one-connection pool `db`'s SQLite write transactions run on, made on first use with
/// `db`'s options. A pool that already has one connection (in memory) is its own writer.
fn writer(db: &Db) -> Db {
    use std::sync::{Arc, Mutex, OnceLock, Weak};
    // Keyed by the pool's options: the Weak keeps the address from being reused by another pool.
    type Writers = Vec<(Weak<AnyConnectOptions>, Db)>;
    static WRITERS: OnceLock<Mutex<Writers>> = OnceLock::new();
    if db.is_closed() || db.options().get_max_connections() <= 1 {
        return db.clone();
    }
    let options = db.connect_options();
    let mut writers = WRITERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // The writer of a pool that is gone goes with it.
    writers.retain(|(o, _)| o.strong_count() > 0);
    if let Some((_, w)) = writers
        .iter()
        .find(|(o, _)| std::ptr::eq(o.as_ptr(), Arc::as_ptr(&options)))
    {
        return w.clone();
    }
    let w = pool_options(1).connect_lazy_with((*options).clone());
    writers.push((Arc::downgrade(&options), w.clone()));
    w
}

/// `$from, $from+1, …`: `n` placeholders, for an `IN (…)` list.
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2), ($3, $4), …`: the VALUES of a multi-row insert of `rows` rows of `cols` values.
pub fn values_rows(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", placeholders(1 + r * cols, cols)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a value from the `meta` table.
pub async fn get_meta(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
        .bind(key)
        .fetch_optional(db)
        .await
}

/// Writes a value to the `meta` table.
pub async fn set_meta<'c, E>(db: E, key: &str, value: &str) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(db)
        .await
        .map(|_| ())
}

/// A yes/no column read from either engine: SQLite has no boolean type (flags are 0/1 integers,
/// and so are our PostgreSQL columns, to keep one schema), while a PostgreSQL comparison gives a
/// real boolean. Decodes both; `#[sqlx(try_from = "Flag")]` makes it a `bool` field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl sqlx::Type<Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<Any>>::compatible(ty) || <bool as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        match <i64 as sqlx::Decode<Any>>::decode(value.clone()) {
            Ok(i) => Ok(Flag(i != 0)),
            Err(_) => <bool as sqlx::Decode<Any>>::decode(value).map(Flag),
        }
    }
}

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_from_where_they_start() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(values_rows(2, 2), "($1, $2), ($3, $4)");
    }

    #[test]
    fn urls_in_messages_hide_the_password() {
        assert_eq!(
            redact("postgres://jieti:s3cret@db.example:5432/jieti"),
            "postgres://jieti:***@db.example:5432/jieti"
        );
        assert_eq!(
            redact("postgres://jieti@127.0.0.1/x"),
            "postgres://jieti@127.0.0.1/x"
        );
        assert_eq!(redact("sqlite://data/jieti.db"), "sqlite://data/jieti.db");
    }

    #[tokio::test]
    async fn other_databases_are_refused_with_a_clear_message() {
        let e = connect("mysql://root@localhost/jieti").await.unwrap_err();
        assert!(e.contains("mysql:// databases are not supported"), "{e}");
    }
}
