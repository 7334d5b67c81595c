//! Serving the built app (SPA fallback, precompressed and long-cached assets) and media ranges.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{body_text, test_app};

#[tokio::test]
async fn deep_links_return_the_app_shell() {
    let app = test_app().await;
    for path in [
        "/",
        "/courses/python-data-analysis",
        "/learn/a/b",
        "/dashboard?x=1",
    ] {
        let res = app
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        assert!(body_text(res).await.contains("<div id=app>"), "{path}");
    }
}

#[tokio::test]
async fn missing_files_are_404_not_the_shell() {
    let app = test_app().await;
    let (status, body) = app.get("/missing-0123456789abcdef.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("<div id=app>"));
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_precompressed() {
    let app = test_app().await;
    let res = app
        .send(
            Request::get("/jieti-0123456789abcdef_bg.wasm")
                .header(header::ACCEPT_ENCODING, "gzip, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(
        res.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(body_text(res).await, "brotli-bytes");
    let plain = app
        .send(
            Request::get("/jieti-0123456789abcdef_bg.wasm")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body_text(plain).await, "\0asm-raw");
}

#[tokio::test]
async fn media_supports_range_requests() {
    let app = test_app().await;
    let res = app
        .send(
            Request::get("/media/videos/sample/clip.bin")
                .header(header::RANGE, "bytes=10-19")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(res.headers()[header::CONTENT_RANGE], "bytes 10-19/256");
    let expected: Vec<u8> = (10u8..20).collect();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(&body[..], &expected[..]);
    let (status, _) = app.get("/media/videos/nope.mp4").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A file beside the media folder, as the SQLite database is by default.
    std::fs::write(app.path("private.db"), b"learners").expect("private file");
    let (status, _) = app.get("/media/../private.db").await;
    assert_ne!(
        status,
        StatusCode::OK,
        "path traversal must not escape the media folder"
    );
}
