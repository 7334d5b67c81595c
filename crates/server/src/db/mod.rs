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
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// The database pool every handler shares.
pub type Db = SqlitePool;

/// Opens (creating when missing) the SQLite database at `url`, in WAL mode, and migrates it.
///
/// `url` is `sqlite://path`, `sqlite::memory:` or a plain file path.
pub async fn connect(url: &str) -> Result<Db, String> {
    if let Some((scheme, _)) = url.split_once("://").filter(|(s, _)| *s != "sqlite") {
        return Err(format!(
            "{scheme}:// databases are not supported yet; use a sqlite:// URL or a file path"
        ));
    }
    // Each connection to `:memory:` is its own empty database, so an in-memory pool has one.
    let in_memory = url.contains(":memory:");
    let url = if url.starts_with("sqlite:") {
        url.to_owned()
    } else {
        format!("sqlite://{url}")
    };
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(dir) = Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create database folder {}: {e}", dir.display()))?;
        }
    }
    let options = SqliteConnectOptions::from_str(&url)
        .map_err(|e| format!("bad database URL {url}: {e}"))?
        .create_if_missing(true)
        // WAL: readers never wait for the writer, and a crash never corrupts committed data.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(if in_memory { 1 } else { 8 })
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot open database {url}: {e}"))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(|e| format!("cannot migrate database {url}: {e}"))?;
    certificates::backfill(&pool)
        .await
        .map_err(|e| format!("cannot issue earned certificates in {url}: {e}"))?;
    Ok(pool)
}

/// A write transaction that takes SQLite's write lock when it begins (`BEGIN IMMEDIATE`), waiting
/// up to the busy timeout for it. A deferred transaction that reads before it writes fails at
/// once with "database is locked" when another connection wrote in between (SQLite cannot wait
/// in that upgrade), which under concurrent writers turned most progress uploads into 500s.
///
/// Write transactions run on a pool of one connection kept for them (`writer`), so this
/// process's writers queue there, first come first served, and each begins the moment the one
/// before commits. Left to SQLite's busy handler they poll with sleeps of 1 to 100 ms: the lock
/// sits idle between a commit and the next poll, and an unlucky writer can miss it for the whole
/// busy timeout (scripts/load.sh: progress batches with p99 above 2 s and some 500s; queued,
/// p99 under 0.8 s and none). Other processes' writers still meet the busy timeout.
pub async fn write_tx(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    writer(db).begin_with("BEGIN IMMEDIATE").await
}

/// The one-connection pool `db`'s write transactions run on, made on first use with `db`'s
/// options. A pool that already has one connection (in memory) is its own writer.
fn writer(db: &Db) -> Db {
    use std::sync::{Arc, Mutex, OnceLock, Weak};
    // Keyed by the pool's options: the Weak keeps the address from being reused by another pool.
    type Writers = Vec<(Weak<SqliteConnectOptions>, Db)>;
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
    let w = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_lazy_with((*options).clone());
    writers.push((Arc::downgrade(&options), w.clone()));
    w
}

/// Reads a value from the `meta` table.
pub async fn get_meta(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
        .bind(key)
        .fetch_optional(db)
        .await
}

/// Writes a value to the `meta` table.
pub async fn set_meta<'c, E>(db: E, key: &str, value: &str) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Sqlite>,
{
    sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(db)
        .await
        .map(|_| ())
}
