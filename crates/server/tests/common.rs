//! Shared test fixtures: a real server app over a temporary SQLite file, or a fresh PostgreSQL
//! database when `JIETI_TEST_POSTGRES` names a server (scripts/test.sh runs the suite both ways).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use jieti_server::{app, db, seed, AppState};
use tower::ServiceExt;

/// A test server: the router, its database and the folders it serves, removed on drop.
pub struct TestApp {
    pub router: Router,
    pub db: db::Db,
    pub dir: tempfile::TempDir,
    /// Dropped last: a PostgreSQL database goes when the test ends.
    pub database: TestDb,
}

/// A test's own empty database: a SQLite file in the test's folder, or, when
/// `JIETI_TEST_POSTGRES` holds a server's URL (scripts/postgres.sh), a database made on it for
/// this test alone and dropped with this value.
pub struct TestDb {
    /// What the server is given as `--database-url`.
    pub url: String,
    /// The PostgreSQL server's URL and this database's name.
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// A fresh database named after `name` (a file `dir/name.db` on SQLite).
    pub async fn new(dir: &Path, name: &str) -> TestDb {
        use sqlx::Connection;
        use std::sync::atomic::{AtomicU32, Ordering};
        let Some(server) = std::env::var("JIETI_TEST_POSTGRES")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            return TestDb {
                url: format!("sqlite://{}", dir.join(format!("{name}.db")).display()),
                postgres: None,
            };
        };
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let db = format!(
            "t_{name}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .expect("connect to the test PostgreSQL (JIETI_TEST_POSTGRES)");
        sqlx::query(&format!("CREATE DATABASE {db}"))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
        TestDb {
            url: format!("{base}/{db}"),
            postgres: Some((server.clone(), db)),
        }
    }

    /// Whether this test runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((server, db)) = self.postgres.take() else {
            return;
        };
        // Drop may run inside the test's runtime, which cannot block: a thread of its own.
        let _ = std::thread::spawn(move || {
            use sqlx::Connection;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&server).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}

/// A fresh database seeded with the demo catalog, a fake built app and a media folder.
pub async fn test_app() -> TestApp {
    // A failing test shows the server's own errors (the detail behind an "internal error").
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("jieti_server=error")
        .try_init();
    let dir = tempfile::tempdir().expect("temp dir");
    let database = TestDb::new(dir.path(), "jieti").await;
    let pool = db::connect(&database.url).await.expect("connect");
    let media = dir.path().join("media");
    std::fs::create_dir_all(media.join("videos/sample")).expect("media dir");
    std::fs::write(
        media.join("videos/sample/clip.bin"),
        (0u8..=255).collect::<Vec<u8>>(),
    )
    .expect("media file");
    write_media_manifest(&media);
    seed::seed_demo(&pool, &media).await.expect("seed demo");
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).expect("dist dir");
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Jieti</title><div id=app></div>",
    )
    .expect("index");
    std::fs::write(dist.join("jieti-0123456789abcdef_bg.wasm"), b"\0asm-raw").expect("wasm");
    std::fs::write(
        dist.join("jieti-0123456789abcdef_bg.wasm.br"),
        b"brotli-bytes",
    )
    .expect("wasm.br");
    let state = AppState::new(pool.clone(), Some(dist), media);
    TestApp {
        router: app(state),
        db: pool,
        dir,
        database,
    }
}

impl TestApp {
    /// Sends a request through the whole app, as a client would.
    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(req).await.expect("infallible")
    }

    /// GETs `uri` and returns the status and the body as text.
    pub async fn get(&self, uri: &str) -> (StatusCode, String) {
        let res = self
            .send(Request::get(uri).body(Body::empty()).expect("request"))
            .await;
        let status = res.status();
        (status, body_text(res).await)
    }

    /// GETs `uri`, expects 200 and JSON, and returns the parsed body.
    pub async fn get_json(&self, uri: &str) -> serde_json::Value {
        let (status, body) = self.get(uri).await;
        assert_eq!(status, StatusCode::OK, "GET {uri}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {uri}: not JSON ({e}): {body}"))
    }

    /// Path of a file inside the test's temporary folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
}

/// Sends `method uri` with an optional bearer token and JSON body; returns status, headers and JSON (Null when empty).
pub async fn call(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .expect("request");
    let res = app.send(req).await;
    let (status, headers) = (res.status(), res.headers().clone());
    let text = body_text(res).await;
    let json = if text.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
    };
    (status, headers, json)
}

/// A new guest's token.
pub async fn guest(app: &TestApp) -> String {
    let (status, _, v) = call(app, "POST", "/api/v1/session/guest", None, None).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v["token"].as_str().expect("token").to_owned()
}

/// The whole body as text.
pub async fn body_text(res: Response<Body>) -> String {
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Asserts `body` is the contract's error body with `code`, and returns its message.
pub fn assert_error(body: &str, code: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("error body is not JSON ({e}): {body}"));
    assert_eq!(v["error"]["code"], code, "{body}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    v
}

/// A compact JWS of `header` and `claims`, signed HMAC-SHA256 with `secret`'s UTF-8 bytes.
pub fn sign_jws(header: &serde_json::Value, claims: &serde_json::Value, secret: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let p = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{h}.{p}").as_bytes());
    format!(
        "{h}.{p}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// An embed learner token as a host site makes one: HS256, `iss`, `sub`, the embed audience,
/// five minutes to live.
pub fn embed_token(secret: &str, iss: &str, sub: &str) -> String {
    let now = unix_now();
    sign_jws(
        &serde_json::json!({"alg": "HS256", "typ": "JWT"}),
        &serde_json::json!({"iss": iss, "sub": sub, "aud": "jieti-embed", "iat": now, "exp": now + 300}),
        secret,
    )
}

/// A `media/manifest.json` like scripts/gen-media.sh writes (two videos, no files), so video
/// lessons get renditions, sizes and lengths.
pub fn write_media_manifest(media: &Path) {
    std::fs::create_dir_all(media).expect("media dir");
    std::fs::write(
        media.join("manifest.json"),
        r#"{"generator_version":1,"videos":[
          {"id":"zh1","lang":"zh-Hans","title":"t","duration_s":50.0,"poster":null,
           "renditions":[{"id":"240p","kind":"video","width":428,"height":240,"bitrate_kbps":128,"bytes":800000,"path":"videos/zh1/240p.mp4","mime":"video/mp4"}],
           "captions":[]},
          {"id":"en1","lang":"en","title":"t","duration_s":30.0,"poster":null,
           "renditions":[{"id":"240p","kind":"video","width":428,"height":240,"bitrate_kbps":120,"bytes":450000,"path":"videos/en1/240p.mp4","mime":"video/mp4"}],
           "captions":[]}]}"#,
    )
    .expect("manifest");
}

/// Events that complete `lesson` the honest way, 10 s apart from `start_ms`: a video played in
/// 10 s stretches at 1x to its end, or an article open for its minimum reading time (in steps
/// the server counts whole) with its end reached at the last step. Ids are unique in the process.
pub async fn completing_events(
    app: &TestApp,
    lesson: &str,
    start_ms: i64,
) -> Vec<serde_json::Value> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(1);
    let l = app.get_json(&format!("/api/v1/lessons/{lesson}")).await;
    let mut out = Vec::new();
    let mut at = start_ms;
    let mut push = |at: i64, action: serde_json::Value| {
        let id = format!("done-ev-{:010}", SEQ.fetch_add(1, Ordering::Relaxed));
        out.push(serde_json::json!({"id": id, "lesson_id": lesson, "at_ms": at, "action": action}));
    };
    if l["kind"] == "video" {
        let d = l["video"]["duration_s"]
            .as_f64()
            .unwrap_or_else(|| panic!("{lesson} has a video: {l}"));
        let mut from = 0.0;
        while from < d {
            at += 10_000;
            let to = (from + 10.0).min(d);
            push(
                at,
                serde_json::json!({"watched": {"from_s": from, "to_s": to, "rate": 1.0}}),
            );
            from += 10.0;
        }
    } else {
        let mut left = l["min_read_s"].as_f64().expect("min_read_s");
        while left > 0.0 {
            let step = left.min(100.0);
            left -= step;
            at += 10_000;
            push(
                at,
                serde_json::json!({"read": {"open_s": step, "reached_end": left <= 0.0, "block": 1}}),
            );
        }
    }
    out
}
