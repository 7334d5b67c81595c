//! `jieti-server bench search`: search latency on a synthetic catalog, printed per query class.
//!
//! Requests go through the real router (`app(state)`), so the figures include parsing, SQL,
//! facets and JSON — everything but the socket.

use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use crate::{app, db, seed, AppState};

/// Representative queries by class: characters, pinyin, initials, mixed, filters, facets, deep pages.
const QUERIES: &[(&str, &str)] = &[
    ("browse", "/api/v1/courses"),
    ("browse", "/api/v1/courses?sort=rating"),
    ("browse", "/api/v1/courses?sort=newest&category=design"),
    ("characters", "/api/v1/courses?q=%E7%94%B5%E5%95%86"),
    ("characters", "/api/v1/courses?q=%E4%BC%9A%E8%AE%A1"),
    (
        "characters",
        "/api/v1/courses?q=%E7%9B%B4%E6%92%AD%E5%B8%A6%E8%B4%A7",
    ),
    ("characters", "/api/v1/courses?q=%E8%AE%BE%E8%AE%A1"),
    ("pinyin", "/api/v1/courses?q=dianshang"),
    ("pinyin", "/api/v1/courses?q=kuaiji"),
    ("pinyin", "/api/v1/courses?q=zhibodaihuo"),
    ("initials", "/api/v1/courses?q=ds"),
    ("initials", "/api/v1/courses?q=ps"),
    ("initials", "/api/v1/courses?q=kj"),
    ("latin", "/api/v1/courses?q=python"),
    ("latin", "/api/v1/courses?q=excel"),
    ("mixed", "/api/v1/courses?q=Python%20%E6%95%B0%E6%8D%AE"),
    ("mixed", "/api/v1/courses?q=PS%E4%BF%AE%E5%9B%BE"),
    (
        "filters",
        "/api/v1/courses?category=exam&price=paid&level=intermediate",
    ),
    (
        "filters",
        "/api/v1/courses?q=%E7%94%B5%E5%95%86&price=free&certificate=true&min_rating=4",
    ),
    (
        "filters",
        "/api/v1/courses?duration=long&lang=zh-Hans&sort=rating",
    ),
    (
        "filters",
        "/api/v1/courses?q=ds&category=ecommerce&duration=short",
    ),
    ("deep pages", "/api/v1/courses?page=500&per_page=20"),
    ("deep pages", "/api/v1/courses?q=python&page=50"),
    ("deep pages", "/api/v1/courses?category=trades&page=2000"),
];

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// Seeds `courses` synthetic courses into a fresh database in `dir`, then times every query `rounds` times.
///
/// With `reuse`, a database left by an earlier run with the same catalog is used as it is.
pub async fn search(
    dir: &Path,
    courses: u64,
    seed_value: u64,
    rounds: usize,
    reuse: bool,
) -> Result<(), String> {
    let path = dir.join("bench.db");
    let marker = format!("{courses}/{seed_value}");
    let reusable = reuse
        && match db::connect(&path.display().to_string()).await {
            Ok(pool) => {
                db::get_meta(&pool, "bench_catalog")
                    .await
                    .ok()
                    .flatten()
                    .as_deref()
                    == Some(marker.as_str())
            }
            Err(_) => false,
        };
    if !reusable {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    let pool = db::connect(&path.display().to_string()).await?;
    let started = Instant::now();
    if !reusable {
        seed::seed_demo(&pool, &dir.join("no-media")).await?;
        seed::seed_synthetic(&pool, courses, seed_value).await?;
        db::set_meta(&pool, "bench_catalog", &marker)
            .await
            .map_err(|e| e.to_string())?;
    }
    let build = started.elapsed();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::query("ANALYZE")
        .execute(&pool)
        .await
        .map_err(|e| e.to_string())?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let total = db::catalog::count_courses(&pool)
        .await
        .map_err(|e| e.to_string())?;
    println!("catalog: {total} courses (synthetic {courses}, seed {seed_value})");
    if reusable {
        println!("index build: reused the database of an earlier run");
    } else {
        println!(
            "index build (seed + search index): {:.1} s",
            build.as_secs_f64()
        );
    }
    let t = Instant::now();
    AppState::new(pool.clone(), None, dir.join("no-media"))
        .catalog_index()
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "in-memory catalog index load: {:.2} s",
        t.elapsed().as_secs_f64()
    );
    println!("database size: {:.1} MiB", size as f64 / (1024.0 * 1024.0));

    let router = app(AppState::new(pool, None, dir.join("no-media")));
    let mut by_class: Vec<(&str, Vec<Duration>)> = Vec::new();
    let mut per_query: Vec<(&str, Vec<Duration>, u64)> = Vec::new();
    // One warm-up pass: the page cache, as on a server that has been up for a while.
    for (_, uri) in QUERIES {
        let _ = router
            .clone()
            .oneshot(
                Request::get(*uri)
                    .body(Body::empty())
                    .map_err(|e| e.to_string())?,
            )
            .await;
    }
    for (class, uri) in QUERIES {
        let mut times = Vec::with_capacity(rounds);
        let mut hits = 0;
        for _ in 0..rounds {
            let req = Request::get(*uri)
                .body(Body::empty())
                .map_err(|e| e.to_string())?;
            let t = Instant::now();
            let res = router
                .clone()
                .oneshot(req)
                .await
                .map_err(|e| e.to_string())?;
            let status = res.status();
            let body = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .map_err(|e| e.to_string())?;
            times.push(t.elapsed());
            if status != StatusCode::OK {
                return Err(format!("{uri}: HTTP {status}"));
            }
            let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            hits = v["total"].as_u64().unwrap_or(0);
        }
        match by_class.iter_mut().find(|(c, _)| c == class) {
            Some((_, all)) => all.extend(&times),
            None => by_class.push((class, times.clone())),
        }
        per_query.push((uri, times, hits));
    }
    println!();
    println!(
        "{:<12} {:>7} {:>9} {:>9} {:>9}",
        "class", "samples", "p50 ms", "p95 ms", "p99 ms"
    );
    let mut worst_p95: f64 = 0.0;
    for (class, mut times) in by_class {
        times.sort();
        let p95 = percentile(&times, 0.95);
        worst_p95 = worst_p95.max(p95);
        println!(
            "{class:<12} {:>7} {:>9.2} {:>9.2} {:>9.2}",
            times.len(),
            percentile(&times, 0.5),
            p95,
            percentile(&times, 0.99)
        );
    }
    println!();
    println!("{:>9} {:>9} {:>8}  query", "p50 ms", "p95 ms", "matches");
    for (uri, mut times, hits) in per_query {
        times.sort();
        println!(
            "{:>9.2} {:>9.2} {hits:>8}  {uri}",
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }
    println!();
    println!("worst class p95: {worst_p95:.2} ms (target ≤ 30 ms)");
    Ok(())
}
