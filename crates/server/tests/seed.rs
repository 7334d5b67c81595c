//! Seeding: the demo catalog is idempotent, the synthetic one deterministic by seed.

mod common;

use jieti_server::{db, seed};

/// A fresh database (SQLite, or PostgreSQL under JIETI_TEST_POSTGRES), kept while the pair lives.
async fn fresh_db(dir: &tempfile::TempDir) -> (db::Db, common::TestDb) {
    let database = common::TestDb::new(dir.path(), "t").await;
    (db::connect(&database.url).await.unwrap(), database)
}

#[tokio::test]
async fn demo_seed_is_idempotent_and_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let (pool, _database) = fresh_db(&dir).await;
    let media = dir.path().join("no-media");
    let first = seed::seed_demo(&pool, &media).await.unwrap();
    assert!(matches!(first, seed::DemoOutcome::Seeded { courses, videos: 0 } if courses >= 40));
    assert_eq!(
        seed::seed_demo(&pool, &media).await.unwrap(),
        seed::DemoOutcome::UpToDate
    );

    let institutions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM institutions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(institutions >= 8);
    // Stored lesson counts and durations agree with the lessons themselves.
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM courses c WHERE c.lesson_count != (SELECT COUNT(*) FROM lessons l WHERE l.course_id = c.id)
           OR c.duration_minutes * 60 != (SELECT SUM(duration_s) FROM lessons l WHERE l.course_id = c.id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(mismatched, 0);
    let kinds: Vec<String> = sqlx::query_scalar("SELECT DISTINCT kind FROM lessons ORDER BY kind")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(kinds, ["article", "video"]);
    let free: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM courses WHERE price_fen = 0")
        .fetch_one(&pool)
        .await
        .unwrap();
    let paid: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM courses WHERE price_fen > 0")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(free > 0 && paid > 0);
}

#[tokio::test]
async fn demo_seed_links_video_lessons_to_generated_media() {
    let dir = tempfile::tempdir().unwrap();
    let (pool, _database) = fresh_db(&dir).await;
    let media = dir.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    std::fs::write(
        media.join("manifest.json"),
        r#"{"generator_version":1,"videos":[{"id":"v1","lang":"zh-Hans","title":"t","duration_s":42.5,"poster":"videos/v1/poster.jpg",
            "renditions":[{"id":"audio","kind":"audio","width":0,"height":0,"bitrate_kbps":32,"bytes":1000,"path":"videos/v1/audio.m4a","mime":"audio/mp4"},
                          {"id":"144p","kind":"video","width":256,"height":144,"bitrate_kbps":100,"bytes":5000,"path":"videos/v1/144p.mp4","mime":"video/mp4"}],
            "captions":[{"lang":"zh-Hans","label":"简体中文","path":"videos/v1/zh-Hans.vtt"}]}]}"#,
    )
    .unwrap();
    let outcome = seed::seed_demo(&pool, &media).await.unwrap();
    assert!(matches!(
        outcome,
        seed::DemoOutcome::Seeded { videos: 1, .. }
    ));
    let unlinked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM lessons WHERE kind = 'video' AND video_id IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(unlinked, 0);
    let rungs: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM video_renditions WHERE video_id = 'v1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rungs, 2);
}

#[tokio::test]
async fn synthetic_catalog_is_deterministic_by_seed() {
    let dir = tempfile::tempdir().unwrap();
    let (pool, _database) = fresh_db(&dir).await;
    let titles = |pool: db::Db| async move {
        sqlx::query_scalar::<_, String>(
            "SELECT title FROM courses WHERE id LIKE 'syn-%' ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    seed::seed_synthetic(&pool, 1_234, 7).await.unwrap();
    let a = titles(pool.clone()).await;
    assert_eq!(a.len(), 1_234);
    seed::seed_synthetic(&pool, 1_234, 7).await.unwrap();
    assert_eq!(titles(pool.clone()).await, a, "same seed, same catalog");
    seed::seed_synthetic(&pool, 1_234, 8).await.unwrap();
    assert_ne!(
        titles(pool.clone()).await,
        a,
        "another seed, another catalog"
    );
    let lessons: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM lessons WHERE course_id LIKE 'syn-%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(lessons, 4 * 1_234);
    let orphans: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM courses WHERE category_id NOT IN (SELECT id FROM categories)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(orphans, 0);
}
