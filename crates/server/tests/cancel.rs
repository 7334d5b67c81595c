//! A client that goes away mid-request (a page closed, a phone out of coverage) makes the server
//! drop that request's future wherever it is, also inside a write transaction's begin. Whatever
//! the point, the next writes must work: on SQLite every write goes through one connection.

mod common;

use std::time::Duration;

use jieti_server::db;

/// One write transaction, as a handler makes it: begin, a statement, commit.
async fn write_once(pool: &db::Db) -> Result<(), sqlx::Error> {
    let mut tx = db::write_tx(pool).await?;
    sqlx::query("SELECT COUNT(*) FROM courses")
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Lets the runtime run `n` times (the database's own thread works meanwhile).
async fn yields(n: u32) {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_dropped_at_any_point_never_blocks_the_next() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = common::TestDb::new(dir.path(), "cancel").await;
    let pool = db::connect(&database.url).await.expect("connect");
    // Dropped after 0, 1, 2… polls, and after a few microseconds: every point of begin, the
    // statement and commit, whatever the database's thread is doing at the time.
    let mut cut = 0;
    for n in 0..600u32 {
        {
            let attempt = write_once(&pool);
            tokio::pin!(attempt);
            tokio::select! {
                biased;
                _ = &mut attempt => {}
                _ = yields(n % 300) => cut += 1,
                _ = tokio::time::sleep(Duration::from_micros(u64::from(n) * 7)), if n >= 300 => cut += 1,
            }
        }
        let next = tokio::time::timeout(Duration::from_secs(10), write_once(&pool)).await;
        assert!(
            matches!(next, Ok(Ok(()))),
            "the write after one dropped at step {n} failed: {next:?}"
        );
    }
    assert!(cut > 100, "most attempts were cut short ({cut} of 600)");
}
