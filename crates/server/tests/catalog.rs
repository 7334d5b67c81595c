//! Catalog routes over a real SQLite file seeded with the demo catalog.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{assert_error, body_text, test_app};

#[tokio::test]
async fn health_reports_the_catalog() {
    let app = test_app().await;
    let v = app.get_json("/api/v1/health").await;
    assert_eq!(v["status"], "ok");
    assert!(v["courses"].as_u64().unwrap() >= 40, "{v}");
}

#[tokio::test]
async fn categories_cover_every_course() {
    let app = test_app().await;
    let cats = app.get_json("/api/v1/categories").await;
    let items = cats["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["it", "design", "ecommerce", "exam", "trades"]);
    assert_eq!(items[0]["name"]["zh_hans"], "IT/互联网");
    let sum: u64 = items
        .iter()
        .map(|c| c["course_count"].as_u64().unwrap())
        .sum();
    let total = app.get_json("/api/v1/courses").await["total"]
        .as_u64()
        .unwrap();
    assert_eq!(sum, total);
    assert!(items
        .iter()
        .all(|c| c["course_count"].as_u64().unwrap() >= 8));
}

#[tokio::test]
async fn courses_are_paged_most_popular_first() {
    let app = test_app().await;
    let first = app.get_json("/api/v1/courses?per_page=10").await;
    let total = first["total"].as_u64().unwrap();
    assert!(total >= 40);
    assert_eq!(first["page"], 1);
    assert_eq!(first["per_page"], 10);
    let mut seen = Vec::new();
    let pages = total.div_ceil(10);
    for page in 1..=pages {
        let v = app
            .get_json(&format!("/api/v1/courses?per_page=10&page={page}"))
            .await;
        assert_eq!(v["total"], total);
        let items = v["items"].as_array().unwrap();
        let expected = if page < pages {
            10
        } else {
            total - 10 * (pages - 1)
        };
        assert_eq!(items.len() as u64, expected, "page {page}");
        for c in items {
            seen.push((
                c["learner_count"].as_u64().unwrap(),
                c["id"].as_str().unwrap().to_owned(),
            ));
            assert!(c["institution"]["name"]
                .as_str()
                .is_some_and(|n| !n.is_empty()));
            assert!(c["title"].as_str().is_some_and(|t| !t.is_empty()));
        }
    }
    // Every course exactly once, in descending popularity across page boundaries.
    assert_eq!(seen.len() as u64, total);
    let mut ids: Vec<&String> = seen.iter().map(|(_, id)| id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len() as u64, total);
    assert!(
        seen.windows(2).all(|w| w[0].0 >= w[1].0),
        "not sorted by popularity"
    );

    let beyond = app
        .get_json(&format!("/api/v1/courses?per_page=10&page={}", pages + 1))
        .await;
    assert_eq!(beyond["items"].as_array().unwrap().len(), 0);
    assert_eq!(beyond["total"], total);
}

#[tokio::test]
async fn category_filter_lists_only_that_category() {
    let app = test_app().await;
    let cats = app.get_json("/api/v1/categories").await;
    for cat in cats["items"].as_array().unwrap() {
        let id = cat["id"].as_str().unwrap();
        let v = app
            .get_json(&format!("/api/v1/courses?category={id}&per_page=100"))
            .await;
        assert_eq!(v["total"], cat["course_count"], "category {id}");
        let items = v["items"].as_array().unwrap();
        assert_eq!(items.len() as u64, v["total"].as_u64().unwrap());
        assert!(items.iter().all(|c| c["category_id"] == id));
    }
    // An empty category parameter means no filter.
    let all = app.get_json("/api/v1/courses?category=").await;
    assert!(all["total"].as_u64().unwrap() >= 40);
}

#[tokio::test]
async fn bad_parameters_are_400_with_the_error_body() {
    let app = test_app().await;
    for (query, field) in [
        ("page=0", Some("page")),
        ("page=10001", Some("page")),
        ("page=abc", None),
        ("page=-1", None),
        ("page=99999999999999999999", None),
        ("per_page=0", Some("per_page")),
        ("per_page=101", Some("per_page")),
        ("per_page=1.5", None),
        ("category=no-such-category", Some("category")),
        (
            "category=%27%3B%20DROP%20TABLE%20courses%3B--",
            Some("category"),
        ),
    ] {
        let (status, body) = app.get(&format!("/api/v1/courses?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        let v = assert_error(&body, "bad_request");
        if let Some(field) = field {
            assert_eq!(v["error"]["field"], field, "{query}");
        }
    }
    // The injection attempt above changed nothing.
    assert!(
        app.get_json("/api/v1/health").await["courses"]
            .as_u64()
            .unwrap()
            >= 40
    );
}

#[tokio::test]
async fn unknown_api_paths_and_methods_get_json_errors() {
    let app = test_app().await;
    for path in [
        "/api/v1/nope",
        "/api/v1/courses/x/y/z",
        "/api/v2/courses",
        "/api",
        "/api/",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_error(&body, "route_not_found");
    }
    let res = app
        .send(
            Request::post("/api/v1/courses")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_error(&body_text(res).await, "method_not_allowed");
}

#[tokio::test]
async fn catalog_responses_revalidate_with_etags() {
    let app = test_app().await;
    let res = app
        .send(
            Request::get("/api/v1/courses?page=2")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    assert!(res.headers()[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let again = app
        .send(
            Request::get("/api/v1/courses?page=2")
                .header(header::IF_NONE_MATCH, &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(body_text(again).await.is_empty());
    let other = app
        .send(
            Request::get("/api/v1/courses?page=1")
                .header(header::IF_NONE_MATCH, &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        other.status(),
        StatusCode::OK,
        "a different page has a different ETag"
    );
}

#[tokio::test]
async fn api_responses_are_compressed_when_asked() {
    let app = test_app().await;
    let res = app
        .send(
            Request::get("/api/v1/courses?per_page=50")
                .header(header::ACCEPT_ENCODING, "br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
}
