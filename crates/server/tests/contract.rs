//! The OpenAPI document and the mounted routes agree, and real responses match its schemas.

mod common;

use std::collections::BTreeSet;

use common::test_app;
use jieti_server::http::{mounted_routes, OPENAPI_JSON};
use serde_json::Value;

fn document() -> Value {
    serde_json::from_str(OPENAPI_JSON).expect("openapi.json is JSON")
}

fn documented_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            if item.get(method).is_some() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_mounted_route_is_documented_and_every_documented_route_is_mounted() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let documented = documented_routes(&doc);
    let mounted: BTreeSet<(String, String)> = mounted_routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_owned()))
        .collect();
    let undocumented: Vec<_> = mounted.difference(&documented).collect();
    let unmounted: Vec<_> = documented.difference(&mounted).collect();
    assert!(
        undocumented.is_empty(),
        "mounted but not in openapi.json: {undocumented:?}"
    );
    assert!(
        unmounted.is_empty(),
        "in openapi.json but not mounted: {unmounted:?}"
    );
}

#[tokio::test]
async fn served_document_is_the_contract() {
    let app = test_app().await;
    assert_eq!(app.get_json("/api/v1/openapi.json").await, document());
}

/// Resolves a local `$ref`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let ptr = r.strip_prefix('#').expect("local ref");
            resolve(
                doc,
                doc.pointer(ptr)
                    .unwrap_or_else(|| panic!("dangling $ref {r}")),
            )
        }
        None => schema,
    }
}

/// Checks `value` against the subset of JSON Schema the document uses; returns the violations.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{at}: expected {t}, got {value}"));
            return;
        }
    }
    if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
        let matching = alternatives
            .iter()
            .filter(|alt| {
                let mut errs = Vec::new();
                check(doc, alt, value, at, &mut errs);
                errs.is_empty()
            })
            .count();
        if matching != 1 {
            errors.push(format!("{at}: {value} matches {matching} of oneOf, not 1"));
        }
    }
    if let Some(c) = schema.get("const") {
        if c != value {
            errors.push(format!("{at}: expected {c}, got {value}"));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            errors.push(format!("{at}: {value} not in {allowed:?}"));
        }
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_f64),
        value.as_f64(),
    ) {
        if n < min {
            errors.push(format!("{at}: {n} < minimum {min}"));
        }
    }
    if let (Some(max), Some(n)) = (
        schema.get("maximum").and_then(Value::as_f64),
        value.as_f64(),
    ) {
        if n > max {
            errors.push(format!("{at}: {n} > maximum {max}"));
        }
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for key in required.iter().filter_map(Value::as_str) {
            if value.get(key).is_none() {
                errors.push(format!("{at}: missing required {key}"));
            }
        }
    }
    if let (Some(props), Some(obj)) = (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        for (key, v) in obj {
            match props.get(key) {
                Some(s) => check(doc, s, v, &format!("{at}.{key}"), errors),
                None => errors.push(format!("{at}: property {key} is not in the document")),
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            check(doc, items, v, &format!("{at}[{i}]"), errors);
        }
    }
}

fn response_schema<'a>(doc: &'a Value, path: &str, status: &str) -> &'a Value {
    let response = resolve(doc, &doc["paths"][path]["get"]["responses"][status]);
    &response["content"]["application/json"]["schema"]
}

#[tokio::test]
async fn real_responses_match_the_documented_schemas() {
    let app = test_app().await;
    let doc = document();
    for (uri, path) in [
        ("/api/v1/health", "/health"),
        ("/api/v1/categories", "/categories"),
        ("/api/v1/courses", "/courses"),
        ("/api/v1/courses?category=exam&per_page=100", "/courses"),
        ("/api/v1/lessons/python-basics-1", "/lessons/{id}"),
        ("/api/v1/lessons/python-basics-7", "/lessons/{id}"),
    ] {
        let body = app.get_json(uri).await;
        let mut errors = Vec::new();
        check(
            &doc,
            response_schema(&doc, path, "200"),
            &body,
            uri,
            &mut errors,
        );
        assert!(
            errors.is_empty(),
            "{uri} breaks the schema:\n{}",
            errors.join("\n")
        );
    }
    let (status, body) = app.get("/api/v1/courses?page=0").await;
    assert_eq!(status, 400);
    let body: Value = serde_json::from_str(&body).unwrap();
    let mut errors = Vec::new();
    check(
        &doc,
        response_schema(&doc, "/courses", "400"),
        &body,
        "400",
        &mut errors,
    );
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn the_checker_catches_violations() {
    let doc = document();
    let schema = &doc["components"]["schemas"]["CourseSummary"];
    let mut errors = Vec::new();
    check(
        &doc,
        schema,
        &serde_json::json!({"id": 1, "level": "expert", "extra": true}),
        "x",
        &mut errors,
    );
    assert!(errors.iter().any(|e| e.contains("x.id: expected string")));
    assert!(errors.iter().any(|e| e.contains("expert")));
    assert!(errors.iter().any(|e| e.contains("missing required title")));
    assert!(errors.iter().any(|e| e.contains("property extra")));
}
