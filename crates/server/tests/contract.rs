//! The OpenAPI document and the mounted routes agree, and real responses match its schemas.

mod common;

use std::collections::BTreeSet;

use common::{call, guest, test_app, TestApp};
use jieti_api::{Answer, Blank, Choice, StemPart};
use jieti_server::db::learners::set_role;
use jieti_server::db::quiz::upsert_quiz;
use jieti_server::http::{mounted_routes, OPENAPI_JSON};
use jieti_server::quiz::QuizDef;
use serde_json::{json, Value};

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
    if let (Some(max), Some(s)) = (
        schema.get("maxLength").and_then(Value::as_u64),
        value.as_str(),
    ) {
        if s.chars().count() as u64 > max {
            errors.push(format!("{at}: longer than maxLength {max}"));
        }
    }
    if let (Some(min), Some(s)) = (
        schema.get("minLength").and_then(Value::as_u64),
        value.as_str(),
    ) {
        if (s.chars().count() as u64) < min {
            errors.push(format!("{at}: shorter than minLength {min}"));
        }
    }
    if let (Some("date"), Some(s)) = (schema.get("format").and_then(Value::as_str), value.as_str())
    {
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !shaped {
            errors.push(format!("{at}: {s:?} is not a YYYY-MM-DD date"));
        }
    }
    if let Some(obj) = value.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        // A map (`additionalProperties` is a schema) checks every value not named in `properties`;
        // otherwise a property the document does not name is an error.
        let extra = schema.get("additionalProperties").filter(|a| a.is_object());
        for (key, v) in obj {
            match (props.and_then(|p| p.get(key)), extra) {
                (Some(s), _) | (None, Some(s)) => check(doc, s, v, &format!("{at}.{key}"), errors),
                (None, None) if props.is_some() || schema["additionalProperties"] == false => {
                    errors.push(format!("{at}: property {key} is not in the document"))
                }
                (None, None) => {}
            }
        }
        if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64) {
            if obj.len() as u64 > max {
                errors.push(format!("{at}: more than maxProperties {max}"));
            }
        }
    }
    if let Some(arr) = value.as_array() {
        if let Some(items) = schema.get("items") {
            for (i, v) in arr.iter().enumerate() {
                check(doc, items, v, &format!("{at}[{i}]"), errors);
            }
        }
        let len = arr.len() as u64;
        if schema
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|min| len < min)
        {
            errors.push(format!("{at}: fewer than minItems ({len})"));
        }
        if schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|max| len > max)
        {
            errors.push(format!("{at}: more than maxItems ({len})"));
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

#[test]
fn the_checker_catches_bad_dates_and_short_strings() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let errors_of = |name: &str, value: Value| {
        let mut errors = Vec::new();
        check(&doc, &schemas[name], &value, name, &mut errors);
        errors
    };
    assert!(errors_of("StudyDay", json!({"date": "2026-11-29", "seconds": 0})).is_empty());
    for bad in ["2026-11-29T00:00", "29.11.2026", "2026-1-29", ""] {
        let errors = errors_of("StudyDay", json!({"date": bad, "seconds": 0}));
        assert!(
            errors.iter().any(|e| e.contains("YYYY-MM-DD")),
            "{bad}: {errors:?}"
        );
    }
    let errors = errors_of("RevokeCertificate", json!({"reason": ""}));
    assert!(errors.iter().any(|e| e.contains("minLength")), "{errors:?}");
}

/// The `(method, documented path)` a request URI is served under: the documented template whose
/// segments match, literal segments preferred over `{param}` ones.
fn documented_path(doc: &Value, uri: &str) -> String {
    let path = uri.strip_prefix("/api/v1").expect("an /api/v1 uri");
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .filter(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || t.starts_with('{'))
        })
        .min_by_key(|template| template.matches('{').count())
        .unwrap_or_else(|| panic!("{uri} matches no documented path"))
        .clone()
}

/// A learner talking to the test app, checking every exchange against the document.
struct Client<'a> {
    app: &'a TestApp,
    doc: &'a Value,
    token: Option<String>,
}

impl Client<'_> {
    /// Sends `method uri` with `body`, expects `want`, which must be a documented status, and
    /// checks the reply against its schema. A body sent to succeed must match the request schema.
    async fn send(&self, method: &str, uri: &str, body: Option<Value>, want: u16) -> Value {
        let path = documented_path(self.doc, uri);
        let op = &self.doc["paths"][&path][method.to_lowercase()];
        assert!(op.is_object(), "{method} {path} is not documented");
        let mut errors = Vec::new();
        if let Some(b) = body.as_ref().filter(|_| want < 300) {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            assert!(
                schema.is_object(),
                "{method} {path} documents no request body"
            );
            check(self.doc, schema, b, "request", &mut errors);
            assert!(
                errors.is_empty(),
                "{method} {uri}: the request breaks the schema:\n{}",
                errors.join("\n")
            );
        }
        let (status, _, reply) = call(self.app, method, uri, self.token.as_deref(), body).await;
        assert_eq!(status.as_u16(), want, "{method} {uri}: {reply}");
        let response = &op["responses"][want.to_string()];
        assert!(
            response.is_object(),
            "{method} {path}: status {want} is not documented"
        );
        let response = resolve(self.doc, response);
        match response["content"]["application/json"].get("schema") {
            Some(schema) => check(self.doc, schema, &reply, "reply", &mut errors),
            None => assert_eq!(
                reply,
                Value::Null,
                "{method} {uri}: documented without a body"
            ),
        }
        assert!(
            errors.is_empty(),
            "{method} {uri} ({want}) breaks the schema:\n{}\n{reply:#}",
            errors.join("\n")
        );
        reply
    }

    async fn get(&self, uri: &str, want: u16) -> Value {
        self.send("GET", uri, None, want).await
    }
}

const QUIZ_COURSE: &str = "python-basics";

fn choices(ids: &[&str]) -> Value {
    ids.iter()
        .map(|id| json!({"id": id, "text": format!("Choice {id}")}))
        .collect()
}

/// A practice quiz with one question of each kind.
fn practice_quiz() -> QuizDef {
    serde_json::from_value(json!({
        "id": "contract-practice",
        "course_id": QUIZ_COURSE,
        "title": "Contract practice",
        "description": "One question of each kind.",
        "mode": "practice",
        "review": "after_submit",
        "questions": [
            {"id": "contract-single", "kind": "single", "prompt": "Pick a.",
             "choices": choices(&["a", "b", "c"]), "explanation": "a is a.",
             "key": {"choice": {"correct": ["a"]}}},
            {"id": "contract-multiple", "kind": "multiple", "prompt": "Pick a and b.",
             "choices": choices(&["a", "b", "c"]), "max_choices": 2,
             "key": {"choice": {"correct": ["a", "b"]}}},
            {"id": "contract-true-false", "kind": "true_false", "prompt": "Lists are mutable.",
             "choices": [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}],
             "key": {"choice": {"correct": ["true"]}}},
            {"id": "contract-blank", "kind": "fill_blank", "prompt": "Complete the sentence.",
             "stem": [
                 {"text": "Functions start with "},
                 {"blank": {"id": "b1", "expected_len": 3}},
                 {"text": " and lists are "},
                 {"blank": {"id": "b2", "choices": choices(&["m", "i"])}},
                 {"text": "."}
             ],
             "key": {"blanks": {"accepted": {"b1": ["def"], "b2": ["m"]}}}},
            {"id": "contract-numeric", "kind": "numeric", "prompt": "7 / 2?", "unit": "s",
             "points": 2, "key": {"numeric": {"value": 3.5, "tolerance": 0}}},
            {"id": "contract-ordering", "kind": "ordering", "prompt": "Put them in order.",
             "choices": choices(&["a", "b", "c"]),
             "key": {"order": {"correct": ["a", "b", "c"]}}},
            {"id": "contract-matching", "kind": "matching", "prompt": "Match the types.",
             "choices": [{"id": "l1", "text": "1"}, {"id": "l2", "text": "\"1\""}],
             "targets": [{"id": "r1", "text": "int"}, {"id": "r2", "text": "str"}],
             "key": {"pairs": {"correct": [["l1", "r1"], ["l2", "r2"]]}}},
            {"id": "contract-essay", "kind": "essay", "prompt": "Why Python?", "key": "essay"}
        ]
    }))
    .expect("practice quiz")
}

/// A timed exam, two attempts, whose review never shows the right answers.
fn exam_quiz() -> QuizDef {
    serde_json::from_value(json!({
        "id": "contract-exam",
        "course_id": QUIZ_COURSE,
        "title": "Contract exam",
        "mode": "exam",
        "time_limit_s": 600,
        "max_attempts": 2,
        "review": "never",
        "questions": [
            {"id": "contract-exam-single", "kind": "single", "prompt": "Pick b.",
             "choices": choices(&["a", "b"]), "explanation": "b is b.",
             "key": {"choice": {"correct": ["b"]}}},
            {"id": "contract-exam-numeric", "kind": "numeric", "prompt": "2 + 2?",
             "key": {"numeric": {"value": 4}}}
        ]
    }))
    .expect("exam quiz")
}

fn ids_of<'a>(items: impl IntoIterator<Item = &'a Value>, key: &str) -> BTreeSet<String> {
    items
        .into_iter()
        .map(|v| v[key].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn quiz_flow_matches_the_documented_schemas() {
    let app = test_app().await;
    let doc = document();
    for def in [practice_quiz(), exam_quiz()] {
        upsert_quiz(&app.db, &def, 0).await.expect("upsert quiz");
    }
    let me = Client {
        app: &app,
        doc: &doc,
        token: Some(guest(&app).await),
    };
    let other = Client {
        app: &app,
        doc: &doc,
        token: Some(guest(&app).await),
    };
    let anon = Client {
        app: &app,
        doc: &doc,
        token: None,
    };

    // The course lists its quizzes.
    let course = anon
        .get(&format!("/api/v1/courses/{QUIZ_COURSE}"), 200)
        .await;
    let quizzes = course["quizzes"].as_array().expect("quizzes");
    let practice = quizzes
        .iter()
        .find(|q| q["id"] == "contract-practice")
        .expect("practice quiz listed");
    assert_eq!(practice["mode"], "practice");
    assert_eq!(practice["question_count"], 8);
    assert!(practice.get("time_limit_s").is_none());
    let exam = quizzes
        .iter()
        .find(|q| q["id"] == "contract-exam")
        .expect("exam listed");
    assert_eq!(exam["time_limit_s"], 600);
    // Every quiz on the course, seeded ones too, reads as documented.
    for q in quizzes {
        let id = q["id"].as_str().expect("quiz id");
        let quiz = me.get(&format!("/api/v1/quizzes/{id}"), 200).await;
        assert_eq!(&quiz["quiz"], q);
    }

    // The quiz: rules, no attempts yet.
    anon.get("/api/v1/quizzes/contract-practice", 401).await;
    me.get("/api/v1/quizzes/no-such-quiz", 404).await;
    let quiz = me.get("/api/v1/quizzes/contract-practice", 200).await;
    assert_eq!(quiz["quiz"]["course_id"], QUIZ_COURSE);
    assert_eq!(quiz["points"], 8.0, "essays carry no auto-graded points");
    assert_eq!(quiz["pass_pct"], 60);
    assert_eq!(quiz["max_attempts"], 0);
    assert_eq!(quiz["review"], "after_submit");
    assert_eq!(quiz["attempts"], json!([]));
    assert_eq!(quiz["can_start"], true);
    assert!(quiz.get("open_attempt").is_none());

    // Start: one question of each kind, no keys; starting again resumes it.
    me.send("POST", "/api/v1/quizzes/no-such-quiz/attempts", None, 404)
        .await;
    let attempt = me
        .send(
            "POST",
            "/api/v1/quizzes/contract-practice/attempts",
            None,
            200,
        )
        .await;
    let id = attempt["id"].as_str().expect("attempt id").to_owned();
    assert_eq!(attempt["quiz_id"], "contract-practice");
    assert_eq!(attempt["number"], 1);
    assert_eq!(attempt["status"], "open");
    assert_eq!(attempt["mode"], "practice");
    assert_eq!(attempt["answers"], json!({}));
    for absent in ["deadline_ms", "checked", "result"] {
        assert!(attempt.get(absent).is_none(), "{absent} in {attempt}");
    }
    let questions = attempt["questions"].as_array().expect("questions");
    assert_eq!(
        ids_of(questions, "kind"),
        [
            "single",
            "multiple",
            "true_false",
            "fill_blank",
            "numeric",
            "ordering",
            "matching",
            "essay"
        ]
        .map(String::from)
        .into()
    );
    let text = attempt.to_string();
    for secret in [
        "\"key\"",
        "\"correct\"",
        "\"accepted\"",
        "explanation",
        "a is a.",
    ] {
        assert!(!text.contains(secret), "{secret} leaked before submission");
    }
    let ordering = questions
        .iter()
        .find(|q| q["kind"] == "ordering")
        .expect("ordering");
    let shown: Vec<&str> = ordering["choices"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(shown.len(), 3);
    assert_ne!(
        shown,
        ["a", "b", "c"],
        "items are never shown in the key's order"
    );
    let resumed = me
        .send(
            "POST",
            "/api/v1/quizzes/contract-practice/attempts",
            None,
            200,
        )
        .await;
    assert_eq!(resumed["id"], id.as_str());
    let quiz = me.get("/api/v1/quizzes/contract-practice", 200).await;
    assert_eq!(quiz["open_attempt"], id.as_str());

    // Save.
    let answers = json!({
        "contract-single": {"choice": ["b"]},
        "contract-multiple": {"choice": ["a", "c"]},
        "contract-true-false": {"choice": ["true"]},
        "contract-blank": {"blanks": {"b1": "def", "b2": "m"}},
        "contract-numeric": {"number": "3.5"},
        "contract-ordering": {"order": ["a", "b", "c"]},
        "contract-matching": {"pairs": [["l1", "r1"], ["l2", "r1"]]},
        "contract-essay": {"text": "Readable."}
    });
    let save_uri = format!("/api/v1/attempts/{id}/answers");
    other
        .send("PUT", &save_uri, Some(json!({"answers": answers})), 404)
        .await;
    anon.send("PUT", &save_uri, Some(json!({"answers": answers})), 401)
        .await;
    let bad = json!({"answers": {"contract-single": {"choice": ["zzz"]}}});
    me.send("PUT", &save_uri, Some(bad), 400).await;
    let bad = json!({"answers": {"no-such-question": {"choice": ["a"]}}});
    me.send("PUT", &save_uri, Some(bad), 400).await;
    let receipt = me
        .send("PUT", &save_uri, Some(json!({"answers": answers})), 200)
        .await;
    assert_eq!(receipt["saved"], 8);
    assert!(receipt.get("deadline_ms").is_none());

    // Check (practice): feedback with the right answer; the answer is then locked.
    let check_uri = format!("/api/v1/attempts/{id}/check");
    let wrong = json!({"question_id": "contract-single", "answer": {"choice": ["b"]}});
    other
        .send("POST", &check_uri, Some(wrong.clone()), 404)
        .await;
    let bad = json!({"question_id": "contract-single", "answer": {"text": "a"}});
    me.send("POST", &check_uri, Some(bad), 400).await;
    let feedback = me.send("POST", &check_uri, Some(wrong), 200).await;
    assert_eq!(feedback["question_id"], "contract-single");
    assert_eq!(feedback["outcome"], "wrong");
    assert_eq!(feedback["score"], 0.0);
    assert_eq!(feedback["max"], 1.0);
    assert_eq!(feedback["answer"], json!({"choice": ["b"]}));
    assert_eq!(feedback["correct"], json!({"choice": ["a"]}));
    assert_eq!(feedback["explanation"], "a is a.");
    let right = json!({"question_id": "contract-single", "answer": {"choice": ["a"]}});
    let again = me.send("POST", &check_uri, Some(right), 200).await;
    assert_eq!(again, feedback, "a checked answer is locked");
    let attempt = me.get(&format!("/api/v1/attempts/{id}"), 200).await;
    assert_eq!(attempt["checked"]["contract-single"], feedback);
    assert!(attempt.get("result").is_none());

    // Submit, idempotently.
    let submit_uri = format!("/api/v1/attempts/{id}/submit");
    let submission = json!({
        "submission_id": "contract-submit-0001",
        "answers": {"contract-single": {"choice": ["a"]}}
    });
    other
        .send("POST", &submit_uri, Some(submission.clone()), 404)
        .await;
    let bad = json!({"submission_id": "short", "answers": {}});
    me.send("POST", &submit_uri, Some(bad), 400).await;
    let submitted = me
        .send("POST", &submit_uri, Some(submission.clone()), 200)
        .await;
    assert_eq!(submitted["status"], "submitted");
    let result = &submitted["result"];
    assert_eq!(result["score"], 5.5);
    assert_eq!(result["max"], 8.0);
    assert_eq!(result["pct"], 68.75);
    assert_eq!(result["passed"], true);
    assert_eq!(result["auto_submitted"], false);
    assert_eq!(result["answers_shown"], true);
    let review = result["review"].as_array().expect("review");
    assert_eq!(review.len(), 8);
    let outcome_of = |q: &str| {
        review
            .iter()
            .find(|f| f["question_id"] == q)
            .map(|f| f["outcome"].clone())
            .expect("question in review")
    };
    assert_eq!(
        outcome_of("contract-single"),
        "wrong",
        "checked answers stay"
    );
    assert_eq!(outcome_of("contract-multiple"), "wrong");
    assert_eq!(outcome_of("contract-true-false"), "correct");
    assert_eq!(outcome_of("contract-blank"), "correct");
    assert_eq!(outcome_of("contract-numeric"), "correct");
    assert_eq!(outcome_of("contract-ordering"), "correct");
    assert_eq!(outcome_of("contract-matching"), "partial");
    assert_eq!(outcome_of("contract-essay"), "ungraded");
    let resent = me
        .send("POST", &submit_uri, Some(submission.clone()), 200)
        .await;
    assert_eq!(resent["result"], submitted["result"], "scored once");
    me.send("PUT", &save_uri, Some(json!({"answers": {}})), 409)
        .await;
    let late = json!({"question_id": "contract-numeric", "answer": {"number": "3.5"}});
    me.send("POST", &check_uri, Some(late), 409).await;

    // The attempt after submission, only for its learner.
    let fetched = me.get(&format!("/api/v1/attempts/{id}"), 200).await;
    assert_eq!(fetched["result"], submitted["result"]);
    other.get(&format!("/api/v1/attempts/{id}"), 404).await;
    let quiz = me.get("/api/v1/quizzes/contract-practice", 200).await;
    assert_eq!(quiz["attempts"][0]["status"], "submitted");
    assert_eq!(quiz["attempts"][0]["pct"], 68.75);
    assert_eq!(quiz["attempts"][0]["passed"], true);
    assert!(quiz.get("open_attempt").is_none());
    assert_eq!(quiz["can_start"], true, "practice attempts are unlimited");

    // The wrong-answer book: the wrong and partly right answers, due now.
    let book = me.get("/api/v1/mistakes", 200).await;
    let items = book["items"].as_array().expect("items");
    let questions: Vec<&Value> = items.iter().map(|m| &m["question"]).collect();
    assert_eq!(
        ids_of(questions, "id"),
        ["contract-single", "contract-multiple", "contract-matching"]
            .map(String::from)
            .into()
    );
    for m in items {
        assert_eq!(m["quiz_id"], "contract-practice");
        assert_eq!(m["quiz_title"], "Contract practice");
        assert_eq!(m["box_no"], 1);
        assert_eq!(m["wrong_count"], 1);
    }
    assert_eq!(book["summary"]["due"], 3);
    let due = me.get("/api/v1/mistakes?due=true", 200).await;
    assert_eq!(due["items"].as_array().map(Vec::len), Some(3));
    me.get("/api/v1/mistakes?due=perhaps", 400).await;
    assert_eq!(other.get("/api/v1/mistakes", 200).await["items"], json!([]));
    let summary = me.get("/api/v1/mistakes/summary", 200).await;
    assert_eq!(summary["due"], 3);
    assert_eq!(summary["active"], 3);
    assert_eq!(summary["mastered"], 0);
    assert!(summary["next_due_ms"].is_i64());
    let empty = other.get("/api/v1/mistakes/summary", 200).await;
    assert!(empty.get("next_due_ms").is_none());

    // Review: right moves the question up a box.
    let answer = json!({"answer": {"choice": ["a"]}});
    other
        .send(
            "POST",
            "/api/v1/mistakes/contract-single/review",
            Some(answer.clone()),
            404,
        )
        .await;
    me.send(
        "POST",
        "/api/v1/mistakes/contract-true-false/review",
        Some(json!({"answer": {"choice": ["true"]}})),
        404,
    )
    .await;
    me.send(
        "POST",
        "/api/v1/mistakes/contract-multiple/review",
        Some(json!({"answer": {"text": "a"}})),
        400,
    )
    .await;
    let outcome = me
        .send(
            "POST",
            "/api/v1/mistakes/contract-single/review",
            Some(answer),
            200,
        )
        .await;
    assert_eq!(outcome["feedback"]["outcome"], "correct");
    assert_eq!(outcome["feedback"]["correct"], json!({"choice": ["a"]}));
    assert_eq!(outcome["box_no"], 2);
    assert_eq!(outcome["mastered"], false);
    assert!(
        outcome["due_at_ms"].as_i64().expect("due") > summary["next_due_ms"].as_i64().expect("ms")
    );
    let summary = me.get("/api/v1/mistakes/summary", 200).await;
    assert_eq!(summary["due"], 2);
    assert_eq!(summary["active"], 3);

    // An exam: a deadline by the server clock, no checking, answers withheld by its policy.
    let exam = me
        .send("POST", "/api/v1/quizzes/contract-exam/attempts", None, 200)
        .await;
    let exam_id = exam["id"].as_str().expect("exam attempt").to_owned();
    assert_eq!(exam["mode"], "exam");
    assert_eq!(
        exam["deadline_ms"].as_i64(),
        exam["started_at_ms"].as_i64().map(|s| s + 600_000)
    );
    let receipt = me
        .send(
            "PUT",
            &format!("/api/v1/attempts/{exam_id}/answers"),
            Some(json!({"answers": {"contract-exam-numeric": {"number": "4"}}})),
            200,
        )
        .await;
    assert_eq!(receipt["deadline_ms"], exam["deadline_ms"]);
    me.send(
        "POST",
        &format!("/api/v1/attempts/{exam_id}/check"),
        Some(json!({"question_id": "contract-exam-numeric", "answer": {"number": "4"}})),
        409,
    )
    .await;
    let done = me
        .send(
            "POST",
            &format!("/api/v1/attempts/{exam_id}/submit"),
            Some(json!({
                "submission_id": "contract-exam-0001",
                "answers": {"contract-exam-single": {"choice": ["a"]}}
            })),
            200,
        )
        .await;
    let result = &done["result"];
    assert_eq!(result["answers_shown"], false);
    assert_eq!(result["pct"], 50.0);
    assert_eq!(result["passed"], false);
    for f in result["review"].as_array().expect("review") {
        assert!(
            f.get("correct").is_none() && f.get("explanation").is_none(),
            "{f}"
        );
    }
    // While the exam still hides its answers (an attempt left, not passed), its mistakes wait:
    // reviewing them now would let a learner try each choice and learn the key.
    me.send(
        "POST",
        "/api/v1/mistakes/contract-exam-single/review",
        Some(json!({"answer": {"choice": ["a"]}})),
        404,
    )
    .await;

    // The second exam attempt runs out of time: saving is refused and the server submits it.
    let second = me
        .send("POST", "/api/v1/quizzes/contract-exam/attempts", None, 200)
        .await;
    assert_eq!(second["number"], 2);
    let second_id = second["id"].as_str().expect("attempt").to_owned();
    me.send(
        "PUT",
        &format!("/api/v1/attempts/{second_id}/answers"),
        Some(json!({"answers": {"contract-exam-numeric": {"number": "4"}}})),
        200,
    )
    .await;
    sqlx::query("UPDATE attempts SET deadline_at = deadline_at - 700000 WHERE id = $1")
        .bind(&second_id)
        .execute(&app.db)
        .await
        .expect("move the deadline");
    me.send(
        "PUT",
        &format!("/api/v1/attempts/{second_id}/answers"),
        Some(json!({"answers": {"contract-exam-single": {"choice": ["b"]}}})),
        409,
    )
    .await;
    let expired = me.get(&format!("/api/v1/attempts/{second_id}"), 200).await;
    assert_eq!(expired["status"], "submitted");
    assert_eq!(expired["result"]["auto_submitted"], true);
    assert_eq!(expired["result"]["pct"], 50.0, "only answers saved in time");
    me.send("POST", "/api/v1/quizzes/contract-exam/attempts", None, 409)
        .await;
    let quiz = me.get("/api/v1/quizzes/contract-exam", 200).await;
    assert_eq!(quiz["can_start"], false);
    assert_eq!(quiz["attempts"].as_array().map(Vec::len), Some(2));
}

#[test]
fn every_answer_and_stem_part_matches_its_schema() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let valid = |name: &str, value: &Value| {
        let mut errors = Vec::new();
        check(&doc, &schemas[name], value, name, &mut errors);
        errors
    };
    let answers = [
        Answer::Choice(vec!["a".into()]),
        Answer::Blanks([("b1".to_owned(), "def".to_owned())].into()),
        Answer::Number("3.5".into()),
        Answer::Order(vec!["a".into(), "b".into()]),
        Answer::Pairs(vec![["l1".into(), "r1".into()]]),
        Answer::Text("essay".into()),
    ];
    for a in &answers {
        let v = serde_json::to_value(a).expect("answer");
        assert_eq!(valid("Answer", &v), Vec::<String>::new(), "{v}");
    }
    for bad in [
        json!({"choice": "a"}),
        json!({"blanks": {"b1": 1}}),
        json!({"pairs": [["l1"]]}),
        json!({"number": 3.5}),
        json!({"choice": ["a"], "text": "x"}),
        json!({"guess": "a"}),
    ] {
        assert!(!valid("Answer", &bad).is_empty(), "{bad} passed");
    }
    let parts = [
        StemPart::Text("Functions start with ".into()),
        StemPart::Blank(Blank {
            id: "b1".into(),
            choices: Vec::new(),
            expected_len: 3,
        }),
        StemPart::Blank(Blank {
            id: "b2".into(),
            choices: vec![Choice {
                id: "m".into(),
                text: "mutable".into(),
            }],
            expected_len: 0,
        }),
    ];
    for p in &parts {
        let v = serde_json::to_value(p).expect("stem part");
        assert_eq!(valid("StemPart", &v), Vec::<String>::new(), "{v}");
    }
    assert!(!valid("StemPart", &json!({"blank": {"id": "b1"}})).is_empty());
    // Maps check their values.
    let attempt = json!({"answers": {"q": {"choice": "a"}}, "submission_id": "abcdefgh"});
    let errors = valid("SubmitAttempt", &attempt);
    assert!(
        errors.iter().any(|e| e.contains("SubmitAttempt.answers.q")),
        "{errors:?}"
    );
}

/// python-basics' graded quiz: passing it with every lesson complete earns the course's certificate.
const GRADED_QUIZ: &str = "python-basics-quiz";

/// A right answer to each auto-graded question of a seeded quiz, built from its key, in quiz order.
fn right_answers(quiz_id: &str) -> Vec<(String, Value)> {
    let quizzes: Value =
        serde_json::from_str(include_str!("../seed/quizzes.json")).expect("seeded quizzes");
    let quiz = quizzes
        .as_array()
        .expect("quizzes")
        .iter()
        .find(|q| q["id"] == quiz_id)
        .unwrap_or_else(|| panic!("no seeded quiz {quiz_id}"));
    quiz["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .filter_map(|q| {
            let key = &q["key"];
            let answer = if let Some(c) = key.get("choice") {
                json!({"choice": c["correct"]})
            } else if let Some(b) = key.get("blanks") {
                let first: serde_json::Map<String, Value> = b["accepted"]
                    .as_object()?
                    .iter()
                    .map(|(id, accepted)| (id.clone(), accepted[0].clone()))
                    .collect();
                json!({ "blanks": first })
            } else if let Some(n) = key.get("numeric") {
                json!({"number": n["value"].to_string()})
            } else if let Some(o) = key.get("order") {
                json!({"order": o["correct"]})
            } else if let Some(p) = key.get("pairs") {
                json!({"pairs": p["correct"]})
            } else {
                return None; // essays
            };
            Some((q["id"].as_str()?.to_owned(), answer))
        })
        .collect()
}

/// Asserts a 400's error body names `field`.
fn assert_field(reply: &Value, field: &str) {
    assert_eq!(reply["error"]["code"], "bad_request", "{reply}");
    assert_eq!(reply["error"]["field"], field, "{reply}");
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
}

impl<'a> Client<'a> {
    /// Another client of the same app and document.
    fn with(&self, token: Option<String>) -> Client<'a> {
        Client {
            app: self.app,
            doc: self.doc,
            token,
        }
    }

    /// Signs up an account through the API and returns a client holding its token.
    async fn sign_up(&self, email: &str, display_name: &str) -> Client<'a> {
        let session = self
            .with(None)
            .send(
                "POST",
                "/api/v1/account",
                Some(json!({"email": email, "password": "contract-pass-1", "display_name": display_name})),
                201,
            )
            .await;
        self.with(Some(session["token"].as_str().expect("token").to_owned()))
    }

    /// Starts and submits an attempt at `quiz_id` with `answers`; returns the attempt.
    async fn take_quiz(&self, quiz_id: &str, answers: Value, submission_id: &str) -> Value {
        let attempt = self
            .send(
                "POST",
                &format!("/api/v1/quizzes/{quiz_id}/attempts"),
                None,
                200,
            )
            .await;
        let id = attempt["id"].as_str().expect("attempt id");
        self.send(
            "POST",
            &format!("/api/v1/attempts/{id}/submit"),
            Some(json!({"submission_id": submission_id, "answers": answers})),
            200,
        )
        .await
    }

    /// Studies every lesson of `course_id` to completion with progress events ending at `end_ms`,
    /// each claiming the 10 s before it; returns how many events were sent.
    async fn study_course(&self, course_id: &str, end_ms: i64) -> usize {
        let detail = self.get(&format!("/api/v1/courses/{course_id}"), 200).await;
        let mut actions = Vec::new();
        for chapter in detail["chapters"].as_array().expect("chapters") {
            for lesson in chapter["lessons"].as_array().expect("lessons") {
                let id = lesson["id"].as_str().expect("lesson id").to_owned();
                let l = self.get(&format!("/api/v1/lessons/{id}"), 200).await;
                if l["kind"] == "video" {
                    let d = l["video"]["duration_s"].as_f64().expect("duration");
                    let mut from = 0.0;
                    while from < d {
                        let to = (from + 10.0_f64).min(d);
                        actions.push((
                            id.clone(),
                            json!({"watched": {"from_s": from, "to_s": to, "rate": 1.0}}),
                        ));
                        from += 10.0;
                    }
                } else {
                    actions.push((id.clone(), json!({"read": {"open_s": l["min_read_s"], "reached_end": true, "block": 0}})));
                }
            }
        }
        let n = actions.len();
        let events: Vec<Value> = actions
            .into_iter()
            .enumerate()
            .map(|(i, (lesson, action))| {
                json!({"id": format!("study-{course_id}-{i:06}"), "lesson_id": lesson,
                       "at_ms": end_ms - (n - 1 - i) as i64 * 10_000, "action": action})
            })
            .collect();
        for chunk in events.chunks(200) {
            self.send(
                "POST",
                "/api/v1/progress/events",
                Some(json!({ "events": chunk })),
                200,
            )
            .await;
        }
        n
    }
}

#[tokio::test]
async fn dashboard_certificates_and_analytics_match_the_documented_schemas() {
    let app = test_app().await;
    let doc = document();
    let anon = Client {
        app: &app,
        doc: &doc,
        token: None,
    };
    let me = anon.sign_up("learner@example.com", "Li Hua").await;
    let staff = anon.sign_up("staff@example.com", "Mabu Staff").await;
    let outsider = anon.sign_up("outsider@example.com", "Xinghe Staff").await;
    let admin = anon.sign_up("admin@example.com", "Admin").await;
    set_role(&app.db, "staff@example.com", "staff", Some("mabu-code"))
        .await
        .expect("staff");
    set_role(
        &app.db,
        "outsider@example.com",
        "staff",
        Some("xinghe-vocational"),
    )
    .await
    .expect("outsider");
    set_role(&app.db, "admin@example.com", "admin", None)
        .await
        .expect("admin");

    // A fresh learner: nothing studied, the default goal, every optional part absent.
    anon.get("/api/v1/me/dashboard", 401).await;
    let empty = me.get("/api/v1/me/dashboard", 200).await;
    assert_eq!(empty["role"], "learner");
    for absent in ["institution_id", "resume"] {
        assert!(empty.get(absent).is_none(), "{absent} in {empty}");
    }
    assert_eq!(empty["courses"], json!([]));
    assert_eq!(
        empty["time"],
        json!({"today_s": 0, "week_s": 0, "total_s": 0})
    );
    assert_eq!(
        empty["streak"],
        json!({"current": 0, "best": 0, "today_met": false})
    );
    assert!(empty["quizzes"].get("average_pct").is_none());
    assert_eq!(empty["days"].as_array().map(Vec::len), Some(28));
    assert_eq!(empty["days"][27]["date"], empty["today"]);
    let staff_view = staff.get("/api/v1/me/dashboard", 200).await;
    assert_eq!(staff_view["role"], "staff");
    assert_eq!(staff_view["institution_id"], "mabu-code");
    assert_eq!(
        admin.get("/api/v1/me/dashboard", 200).await["role"],
        "admin"
    );

    // The goal: defaults, a valid change, and each field out of range or unknown.
    anon.get("/api/v1/me/goal", 401).await;
    let goal = me.get("/api/v1/me/goal", 200).await;
    assert_eq!(
        goal,
        json!({"weekly_minutes": 150, "daily_minutes": 10, "time_zone": "Asia/Shanghai"})
    );
    assert_eq!(empty["goal"], goal);
    let new_goal = json!({"weekly_minutes": 300, "daily_minutes": 1, "time_zone": "Asia/Tokyo"});
    anon.send("PUT", "/api/v1/me/goal", Some(new_goal.clone()), 401)
        .await;
    for (bad, field) in [
        (
            json!({"weekly_minutes": 9, "daily_minutes": 10, "time_zone": "Asia/Shanghai"}),
            "weekly_minutes",
        ),
        (
            json!({"weekly_minutes": 3001, "daily_minutes": 10, "time_zone": "Asia/Shanghai"}),
            "weekly_minutes",
        ),
        (
            json!({"weekly_minutes": 150, "daily_minutes": 0, "time_zone": "Asia/Shanghai"}),
            "daily_minutes",
        ),
        (
            json!({"weekly_minutes": 150, "daily_minutes": 601, "time_zone": "Asia/Shanghai"}),
            "daily_minutes",
        ),
        (
            json!({"weekly_minutes": 150, "daily_minutes": 10, "time_zone": "Mars/Olympus_Mons"}),
            "time_zone",
        ),
        (
            json!({"weekly_minutes": 150, "daily_minutes": 10, "time_zone": ""}),
            "time_zone",
        ),
    ] {
        let mut errors = Vec::new();
        check(
            &doc,
            &doc["components"]["schemas"]["StudyGoal"],
            &bad,
            "goal",
            &mut errors,
        );
        // The document states the ranges; which zone names exist only the server knows.
        let named_zone = bad["time_zone"] != "Asia/Shanghai" && bad["time_zone"] != "";
        assert_eq!(errors.is_empty(), named_zone, "{bad}: {errors:?}");
        let reply = me.send("PUT", "/api/v1/me/goal", Some(bad), 400).await;
        assert_field(&reply, field);
    }
    let stored = me
        .send("PUT", "/api/v1/me/goal", Some(new_goal.clone()), 200)
        .await;
    assert_eq!(stored, new_goal);
    assert_eq!(me.get("/api/v1/me/goal", 200).await, new_goal);

    // Study: every lesson of python-basics, one lesson of another course last, a third enrolled
    // and untouched; then pass the graded quiz, which issues the certificate.
    me.send(
        "PUT",
        "/api/v1/courses/react-frontend/enrollment",
        None,
        200,
    )
    .await;
    let now = now_ms();
    let sent = me.study_course(QUIZ_COURSE, now - 60_000).await;
    let sql = me.get("/api/v1/courses/sql-for-data-analysis", 200).await;
    let sql_lesson = sql["chapters"][0]["lessons"][0]["id"]
        .as_str()
        .expect("lesson")
        .to_owned();
    let receipt = me
        .send(
            "POST",
            "/api/v1/progress/events",
            Some(
                json!({"events": [{"id": "contract-sql-0001", "lesson_id": sql_lesson,
                "at_ms": now, "action": {"watched": {"from_s": 0.0, "to_s": 10.0, "rate": 1.0}}}]}),
            ),
            200,
        )
        .await;
    assert_eq!(receipt["accepted"], 1);
    let answers: serde_json::Map<String, Value> = right_answers(GRADED_QUIZ).into_iter().collect();
    let passed = me
        .take_quiz(
            GRADED_QUIZ,
            Value::Object(answers.clone()),
            "contract-pass-0001",
        )
        .await;
    assert_eq!(passed["result"]["pct"], 100.0);
    assert_eq!(passed["result"]["passed"], true);

    let dash = me.get("/api/v1/me/dashboard", 200).await;
    assert_eq!(dash["goal"], new_goal);
    let courses = dash["courses"].as_array().expect("courses");
    let statuses: Vec<(&str, &str)> = courses
        .iter()
        .map(|c| {
            (
                c["course_id"].as_str().unwrap_or(""),
                c["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("sql-for-data-analysis", "in_progress"),
            (QUIZ_COURSE, "completed"),
            ("react-frontend", "not_started")
        ],
        "latest activity first"
    );
    let basics = &courses[1];
    assert_eq!(basics["percent"], 100);
    assert_eq!(basics["completed_lessons"], basics["lesson_count"]);
    assert!(basics.get("next_lesson").is_none());
    let code = basics["certificate_code"]
        .as_str()
        .expect("a certificate for the completed course")
        .to_owned();
    let untouched = &courses[2];
    assert_eq!(untouched["percent"], 0);
    assert!(untouched.get("last_activity_ms").is_none());
    assert!(untouched.get("certificate_code").is_none());
    assert!(untouched["next_lesson"]["id"].is_string());
    assert_eq!(dash["resume"]["course_id"], "sql-for-data-analysis");
    assert_eq!(dash["resume"]["lesson_id"], sql_lesson.as_str());
    assert_eq!(dash["resume"]["at_ms"], now);
    // Time: the events' spans, counted once; today is within the week, the week within ever.
    let time = &dash["time"];
    let (today_s, week_s, total_s) = (
        time["today_s"].as_u64().expect("today"),
        time["week_s"].as_u64().expect("week"),
        time["total_s"].as_u64().expect("total"),
    );
    // Each event claims at most 120 s (reading) and they are 10 s apart: the union is bounded.
    assert!(
        total_s >= 60 && total_s <= sent as u64 * 10 + 130,
        "{sent} events: {time}"
    );
    assert!(today_s <= week_s && week_s <= total_s, "{time}");
    assert_eq!(dash["days"][27]["date"], dash["today"]);
    assert_eq!(dash["days"][27]["seconds"], today_s);
    let streak = &dash["streak"];
    assert_eq!(streak["today_met"], today_s >= 60, "{streak}");
    if today_s >= 60 {
        assert!(streak["current"].as_u64() >= Some(1), "{streak}");
    }
    assert_eq!(dash["quizzes"]["quizzes_taken"], 1);
    assert_eq!(dash["quizzes"]["average_pct"], 100.0);
    assert_eq!(dash["quizzes"]["recent"][0]["quiz_id"], GRADED_QUIZ);
    assert_eq!(dash["quizzes"]["recent"][0]["passed"], true);
    assert!(dash["quizzes"]["recent"][0]["submitted_at"].as_i64() >= Some(now - 60_000));
    let certificates = dash["certificates"].as_array().expect("certificates");
    assert_eq!(certificates.len(), 1);
    let cert = &certificates[0];
    assert_eq!(cert["code"], code.as_str());
    assert_eq!(cert["holder"], "Li Hua");
    assert_eq!(cert["course_id"], QUIZ_COURSE);
    assert_eq!(cert["institution_id"], "mabu-code");
    assert!(cert.get("revoked_at").is_none());
    const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    assert!(
        code.len() == 20 && code.chars().all(|c| CROCKFORD.contains(c)),
        "{code}"
    );

    // Verification is public; codes are read as typed; unknown ones are 404.
    let verified = anon.get(&format!("/api/v1/certificates/{code}"), 200).await;
    assert_eq!(&verified, cert);
    let typed = format!("{}-{}", &code[..10], &code[10..]).to_lowercase();
    assert_eq!(
        anon.get(&format!("/api/v1/certificates/{typed}"), 200)
            .await,
        verified
    );
    let unknown = if code == "00000000000000000000" {
        "11111111111111111111"
    } else {
        "00000000000000000000"
    };
    let reply = anon
        .get(&format!("/api/v1/certificates/{unknown}"), 404)
        .await;
    assert_eq!(reply["error"]["code"], "not_found");
    anon.get("/api/v1/certificates/not-a-code", 404).await;

    // Ten more learners take the graded quiz once each, so its items have enough responses to
    // analyse: q1 right for everyone (too easy), q2–q5 right for the stronger ones, q6 right only
    // for the weakest three (negative discrimination).
    let keys = right_answers(GRADED_QUIZ);
    assert_eq!(keys.len(), 6, "python-basics-quiz's six questions");
    for i in 0..10usize {
        let learner = anon.with(Some(guest(&app).await));
        let mut picked = serde_json::Map::new();
        for (j, (id, answer)) in keys.iter().enumerate() {
            let right = match j {
                0 => true,
                5 => i < 3,
                _ => i >= 2 * j,
            };
            if right {
                picked.insert(id.clone(), answer.clone());
            }
        }
        learner
            .take_quiz(
                GRADED_QUIZ,
                Value::Object(picked),
                &format!("contract-item-{i:04}"),
            )
            .await;
    }

    // Course analytics: staff of the institution and admins only.
    let course_uri = format!("/api/v1/courses/{QUIZ_COURSE}/analytics");
    anon.get(&course_uri, 401).await;
    assert_eq!(me.get(&course_uri, 403).await["error"]["code"], "forbidden");
    outsider.get(&course_uri, 403).await;
    staff
        .get("/api/v1/courses/no-such-course/analytics", 404)
        .await;
    staff
        .get("/api/v1/courses/java-spring-boot/analytics", 403)
        .await;
    outsider
        .get("/api/v1/courses/java-spring-boot/analytics", 200)
        .await;
    let figures = staff.get(&course_uri, 200).await;
    let admin_view = admin.get(&course_uri, 200).await;
    assert_eq!(admin_view["funnel"], figures["funnel"]);
    assert_eq!(admin_view["certificates"], figures["certificates"]);
    assert_eq!(figures["course_id"], QUIZ_COURSE);
    assert_eq!(figures["institution_id"], "mabu-code");
    assert!(figures["enrolled"].as_u64() >= Some(1));
    assert!(figures["completed"].as_u64() >= Some(1));
    assert!(figures["avg_days_to_complete"].is_number());
    assert!(
        figures["enrolments"][11]["count"].as_u64() >= Some(1),
        "enrolled this week"
    );
    assert_eq!(
        figures["funnel"].as_array().map(Vec::len),
        basics["lesson_count"].as_u64().map(|n| n as usize)
    );
    assert_eq!(figures["certificates"][0]["code"], code.as_str());
    let quiz = figures["quizzes"]
        .as_array()
        .expect("quizzes")
        .iter()
        .find(|q| q["quiz_id"] == GRADED_QUIZ)
        .expect("the graded quiz");
    assert_eq!(quiz["mode"], "graded");
    assert_eq!(quiz["learners"], 11);
    let histogram: u64 = quiz["histogram"]
        .as_array()
        .expect("histogram")
        .iter()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(histogram, 11);
    let item = |id: &str| {
        quiz["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|it| it["question_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no item {id}"))
    };
    let easy = item(&keys[0].0);
    assert_eq!(easy["responses"], 11);
    assert_eq!(easy["difficulty"], 1.0);
    assert!(easy.get("discrimination").is_none(), "no variance: {easy}");
    assert_eq!(easy["flags"], json!(["too_easy"]));
    let reversed = item(&keys[5].0);
    assert!(
        reversed["discrimination"].as_f64() < Some(0.0),
        "{reversed}"
    );
    assert!(reversed["upper_lower"].is_number(), "{reversed}");
    assert_eq!(reversed["flags"], json!(["negative_discrimination"]));

    // Institution analytics: scope first, so others cannot probe which institutions exist.
    let inst_uri = "/api/v1/institutions/mabu-code/analytics";
    anon.get(inst_uri, 401).await;
    me.get(inst_uri, 403).await;
    outsider.get(inst_uri, 403).await;
    staff
        .get("/api/v1/institutions/no-such-place/analytics", 403)
        .await;
    admin
        .get("/api/v1/institutions/no-such-place/analytics", 404)
        .await;
    let overview = staff.get(inst_uri, 200).await;
    let admin_view = admin.get(inst_uri, 200).await;
    assert_eq!(admin_view["courses"], overview["courses"]);
    assert_eq!(overview["institution_id"], "mabu-code");
    assert!(overview["items_analysed"].as_u64() >= Some(6), "{overview}");
    assert!(overview["items_flagged"].as_u64() >= Some(2), "{overview}");
    assert!(overview["quality"]["assessment_quality"].is_number());
    let row = overview["courses"]
        .as_array()
        .expect("courses")
        .iter()
        .find(|c| c["course_id"] == QUIZ_COURSE)
        .expect("python-basics listed");
    assert!(row["flagged_items"].as_u64() >= Some(2), "{row}");
    // The public profile shows the same quality index.
    let profile = anon.get("/api/v1/institutions/mabu-code", 200).await;
    assert_eq!(profile["quality"], overview["quality"]);
    outsider
        .get("/api/v1/institutions/xinghe-vocational/analytics", 200)
        .await;
    // The demo activity seeded for jinzhang-accounting (many learners, a mock exam) reads as
    // documented too.
    admin
        .get("/api/v1/courses/junior-accountant-practice/analytics", 200)
        .await;
    admin
        .get("/api/v1/institutions/jinzhang-accounting/analytics", 200)
        .await;

    // Revocation: staff of the awarding institution and admins only.
    let revoke_uri = format!("/api/v1/certificates/{code}/revoke");
    let reason = json!({"reason": "Quiz answers were shared."});
    anon.send("POST", &revoke_uri, Some(reason.clone()), 401)
        .await;
    me.send("POST", &revoke_uri, Some(reason.clone()), 403)
        .await;
    outsider
        .send("POST", &revoke_uri, Some(reason.clone()), 403)
        .await;
    staff
        .send(
            "POST",
            &format!("/api/v1/certificates/{unknown}/revoke"),
            Some(reason.clone()),
            404,
        )
        .await;
    for bad in [json!({"reason": "   "}), json!({"reason": "x".repeat(201)})] {
        let reply = staff.send("POST", &revoke_uri, Some(bad), 400).await;
        assert_field(&reply, "reason");
    }
    staff
        .send(
            "POST",
            &revoke_uri,
            Some(json!({"why": "no reason field"})),
            400,
        )
        .await;
    let revoked = staff
        .send("POST", &revoke_uri, Some(reason.clone()), 200)
        .await;
    assert_eq!(revoked["code"], code.as_str());
    assert!(revoked["revoked_at"].is_i64(), "{revoked}");
    assert_eq!(revoked["revoked_reason"], "Quiz answers were shared.");
    let again = admin
        .send(
            "POST",
            &revoke_uri,
            Some(json!({"reason": "Another reason."})),
            200,
        )
        .await;
    assert_eq!(again, revoked, "the first revocation stands");
    assert_eq!(
        anon.get(&format!("/api/v1/certificates/{code}"), 200).await,
        revoked
    );
    let dash = me.get("/api/v1/me/dashboard", 200).await;
    assert_eq!(dash["certificates"][0], revoked);
}

#[tokio::test]
async fn embed_routes_match_the_documented_schemas() {
    let app = test_app().await;
    let doc = document();
    let anon = Client {
        app: &app,
        doc: &doc,
        token: None,
    };
    let me = anon.with(Some(guest(&app).await));
    let staff = anon.sign_up("embed-staff@example.com", "Mabu Staff").await;
    let admin = anon.sign_up("embed-admin@example.com", "Admin").await;
    set_role(
        &app.db,
        "embed-staff@example.com",
        "staff",
        Some("mabu-code"),
    )
    .await
    .expect("staff");
    set_role(&app.db, "embed-admin@example.com", "admin", None)
        .await
        .expect("admin");

    // Public facts for each kind of embed; unknown ids are 404.
    for (kind, id) in [
        ("lessons", "python-basics-1"),
        ("lessons", "python-basics-7"),
        ("courses", "python-basics"),
        ("quizzes", "python-basics-quiz"),
        ("quizzes", "accountant-mock-exam"),
    ] {
        let info = anon.get(&format!("/api/v1/embed/{kind}/{id}"), 200).await;
        assert!(info["allowed_origins"].is_array(), "{info}");
        let missing = anon
            .get(&format!("/api/v1/embed/{kind}/no-such-{kind}"), 404)
            .await;
        assert_eq!(missing["error"]["code"], "not_found");
    }

    // Settings: staff of the institution and admins only.
    let uri = "/api/v1/institutions/mabu-code/embed";
    anon.get(uri, 401).await;
    me.get(uri, 403).await;
    admin
        .get("/api/v1/institutions/no-such-place/embed", 404)
        .await;
    let settings = staff.get(uri, 200).await;
    assert_eq!(settings["origins"], json!([]));
    let saved = staff
        .send(
            "PUT",
            uri,
            Some(json!({"origins": ["https://School.example.edu/", "http://localhost:3000"]})),
            200,
        )
        .await;
    assert_eq!(
        saved["origins"],
        json!(["https://school.example.edu", "http://localhost:3000"])
    );
    let refused = staff
        .send(
            "PUT",
            uri,
            Some(json!({"origins": ["https://a.example/path"]})),
            400,
        )
        .await;
    assert_field(&refused, "origins[0]");
    me.send("PUT", uri, Some(json!({"origins": []})), 403).await;
    let rotated = admin
        .send("POST", &format!("{uri}/secret"), None, 200)
        .await;
    assert_ne!(rotated["secret"], settings["secret"]);
    anon.send("POST", &format!("{uri}/secret"), None, 401).await;
    let info = anon.get("/api/v1/embed/lessons/python-basics-1", 200).await;
    assert_eq!(info["allowed_origins"], saved["origins"]);

    // The token exchange and its errors.
    let secret = rotated["secret"].as_str().expect("secret");
    let token = common::embed_token(secret, "mabu-code", "host-user-1");
    let session = anon
        .send(
            "POST",
            "/api/v1/embed/session",
            Some(json!({ "token": token })),
            200,
        )
        .await;
    let stale = common::embed_token(
        settings["secret"].as_str().expect("secret"),
        "mabu-code",
        "host-user-1",
    );
    let refused = anon
        .send(
            "POST",
            "/api/v1/embed/session",
            Some(json!({ "token": stale })),
            401,
        )
        .await;
    assert_eq!(refused["error"]["code"], "unauthorized");
    anon.send("POST", "/api/v1/embed/session", Some(json!({})), 400)
        .await;

    // Context ids for the exchanged session.
    let learner = anon.with(Some(session["token"].as_str().expect("token").to_owned()));
    let ctx = learner
        .get("/api/v1/embed/context?course=python-basics", 200)
        .await;
    assert_eq!(ctx["actor_name"].as_str().map(str::len), Some(32));
    anon.get("/api/v1/embed/context?course=python-basics", 401)
        .await;
    let missing = learner.get("/api/v1/embed/context", 400).await;
    assert_field(&missing, "course");
    learner
        .get("/api/v1/embed/context?course=no-such-course", 404)
        .await;
}
