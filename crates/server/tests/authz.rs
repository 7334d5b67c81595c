//! The authorisation matrix (issue #9): every mounted API route, sent by each of seven principals,
//! must answer the exact status `authz.table` declares, and every mounted route must have a row.
//!
//! Each principal runs alone against a fresh server over its own SQLite file, holding the same
//! fixtures: learner A owns every personal thing a path parameter names (an attempt, a note, a
//! certificate, a wrong answer) and institution X (mabu-code) owns the course, quiz and embed
//! settings, so learner B and staff of Y are tried against A's and X's things. A 2xx on a
//! per-learner route is only safe when it is about the caller's own data, so besides the status
//! the test checks that nothing of A's or X's changed unless the principal may change it, and
//! that no 2xx answer to anyone but A carries A's private note or attempt id.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{Method, StatusCode};
use common::{call, embed_token, guest, test_app, TestApp};
use jieti_server::db;
use jieti_server::db::learners::set_role;
use serde_json::{json, Value};

/// The matrix: one row per route, one status column per principal.
const TABLE: &str = include_str!("authz.table");

/// The table's principal columns, in order.
const PRINCIPALS: [&str; 7] = [
    "anonymous",
    "guest",
    "learner_a",
    "learner_b",
    "staff_x",
    "staff_y",
    "admin",
];

/// Statuses a cell may expect. No 400/422: every write carries a valid body, so a validation
/// error would mean the authorisation check was never reached (or is missing); no 5xx either.
const ALLOWED_STATUSES: [u16; 7] = [200, 201, 204, 401, 403, 404, 409];

/// What a row's path parameter may name; `-` for a path without one.
const TARGETS: [&str; 9] = [
    "-",
    "course:X",
    "lesson:X",
    "quiz:X",
    "institution:X",
    "attempt:A",
    "note:A",
    "certificate:A",
    "mistake:A",
];

/// Routes that sign in, out or up: sent with a second session of the same principal, so that
/// they never revoke the token every other row uses.
const SESSION_ROUTES: [&str; 3] = ["POST /session", "DELETE /session", "POST /account"];

/// mabu-code's course with a certificate: 13 lessons, a practice and a graded quiz.
const COURSE_X: &str = "python-basics";
const LESSON_X: &str = "python-basics-1";
const PRACTICE_X: &str = "python-basics-practice";
/// Graded, 3 attempts, pass at 60 %, 10 points (py-q1 is worth 1).
const GRADED_X: &str = "python-basics-quiz";
const INSTITUTION_X: &str = "mabu-code";
const INSTITUTION_Y: &str = "xinghe-vocational";
/// A's note: its id is the target, its text must never reach anyone else.
const NOTE_A: &str = "authz-note-of-a-0001";
const NOTE_A_TEXT: &str = "authz: the private note of learner A";
/// The question A answers wrong in the graded quiz, so it is in A's wrong-answer book.
const MISTAKE_A: &str = "py-q1";
const PASSWORD: &str = "authz-pass-2026";

/// The account email of a principal that has one.
fn email_of(principal: &str) -> Option<String> {
    match principal {
        "anonymous" | "guest" => None,
        p => Some(format!("{}@authz.example", p.replace('_', "-"))),
    }
}

// ---------------------------------------------------------------------------------------------
// The table.
// ---------------------------------------------------------------------------------------------

/// One row of the table.
struct Row {
    /// 1-based line in `authz.table`.
    line: usize,
    method: Method,
    /// As mounted, relative to `/api/v1`.
    path: String,
    /// What the path parameter names, one of [`TARGETS`].
    target: String,
    /// The status each of [`PRINCIPALS`] must get.
    expected: [StatusCode; 7],
}

impl Row {
    /// `METHOD /path`, as [`jieti_server::http::mounted_routes`] is compared.
    fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// The rows of `text`; panics naming every malformed line.
fn parse_table(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let data = raw.split_once('#').map_or(raw, |(d, _)| d).trim();
        if data.is_empty() {
            continue;
        }
        let fields: Vec<&str> = data.split_whitespace().collect();
        if fields.len() != 3 + PRINCIPALS.len() {
            errors.push(format!(
                "line {line}: {} fields, want method, path, target and {} statuses",
                fields.len(),
                PRINCIPALS.len()
            ));
            continue;
        }
        let Ok(method) = Method::from_bytes(fields[0].as_bytes()) else {
            errors.push(format!("line {line}: bad method {:?}", fields[0]));
            continue;
        };
        let (path, target) = (fields[1], fields[2]);
        if !path.starts_with('/') {
            errors.push(format!("line {line}: the path must start with '/'"));
        }
        if !TARGETS.contains(&target) {
            errors.push(format!("line {line}: unknown target {target:?}"));
        }
        if path.contains('{') != (target != "-") {
            errors.push(format!(
                "line {line}: a path with a parameter needs a target, one without needs '-'"
            ));
        }
        let mut expected = [StatusCode::OK; 7];
        for (cell, slot) in fields[3..].iter().zip(expected.iter_mut()) {
            match cell.parse::<u16>() {
                Ok(n) if ALLOWED_STATUSES.contains(&n) => {
                    *slot = StatusCode::from_u16(n).expect("a valid status");
                }
                _ => errors.push(format!(
                    "line {line}: status {cell:?} is not one of {ALLOWED_STATUSES:?}"
                )),
            }
        }
        rows.push(Row {
            line,
            method,
            path: path.to_owned(),
            target: target.to_owned(),
            expected,
        });
    }
    assert!(errors.is_empty(), "authz.table:\n{}", errors.join("\n"));
    rows
}

#[test]
fn the_table_declares_every_mounted_route_and_only_those() {
    let rows = parse_table(TABLE);
    let mounted: BTreeSet<String> = jieti_server::http::mounted_routes()
        .iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    let mut declared = BTreeSet::new();
    let mut problems = Vec::new();
    for row in &rows {
        if !declared.insert(row.route()) {
            problems.push(format!("line {}: {} declared twice", row.line, row.route()));
        }
    }
    for route in mounted.difference(&declared) {
        problems.push(format!(
            "{route} is mounted but has no row: declare who may call it"
        ));
    }
    for route in declared.difference(&mounted) {
        problems.push(format!("{route} has a row but is not mounted"));
    }
    assert!(problems.is_empty(), "authz.table:\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Fixtures.
// ---------------------------------------------------------------------------------------------

/// One principal's server: A's and X's things, and the principal's own credentials.
struct Fixtures {
    /// The table column this server answers for.
    principal: &'static str,
    /// The principal's bearer token; `None` for anonymous.
    token: Option<String>,
    /// Learner A's id.
    learner_a: String,
    /// A's open practice attempt.
    attempt_a: String,
    /// A's python-basics certificate.
    certificate_a: String,
}

/// Sends a request that must succeed; returns the JSON body.
async fn ok(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let (s, _, v) = call(app, method, uri, token, body).await;
    assert!(s.is_success(), "fixture {method} {uri}: {s} {v}");
    v
}

/// Signs up `email` (with `role` when given); returns the token and the learner id.
async fn account(
    app: &TestApp,
    email: &str,
    role: Option<(&str, Option<&str>)>,
) -> (String, String) {
    let v = ok(
        app,
        "POST",
        "/api/v1/account",
        None,
        Some(json!({"email": email, "password": PASSWORD, "display_name": "授权测试"})),
    )
    .await;
    if let Some((role, institution)) = role {
        set_role(&app.db, email, role, institution)
            .await
            .expect("set role");
    }
    (
        v["token"].as_str().expect("token").to_owned(),
        v["learner"]["id"].as_str().expect("learner id").to_owned(),
    )
}

/// Events that complete every lesson of `course` the honest way, from four hours ago, lessons
/// ten minutes apart (common::completing_events).
async fn completing_events(app: &TestApp, course: &str) -> Vec<Value> {
    let detail = app.get_json(&format!("/api/v1/courses/{course}")).await;
    let lessons: Vec<String> = detail["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .flat_map(|c| c["lessons"].as_array().expect("lessons").iter())
        .map(|l| l["id"].as_str().expect("lesson id").to_owned())
        .collect();
    let start = common::unix_now() * 1000 - 4 * 3_600_000;
    let mut events = Vec::new();
    for (i, lesson) in lessons.iter().enumerate() {
        events.extend(common::completing_events(app, lesson, start + i as i64 * 600_000).await);
    }
    events
}

/// Learner A's account and everything A owns; returns (token, id, attempt, certificate).
async fn learner_a(app: &TestApp) -> (String, String, String, String) {
    let email = email_of("learner_a").expect("an account");
    let (token, id) = account(app, &email, None).await;
    let t = Some(token.as_str());
    ok(
        app,
        "PUT",
        &format!("/api/v1/courses/{COURSE_X}/enrollment"),
        t,
        None,
    )
    .await;
    for chunk in completing_events(app, COURSE_X).await.chunks(200) {
        ok(
            app,
            "POST",
            "/api/v1/progress/events",
            t,
            Some(json!({"events": chunk})),
        )
        .await;
    }
    // The graded quiz with py-q1 wrong: 9 of 10 points, passed, and py-q1 in A's book.
    let started = ok(
        app,
        "POST",
        &format!("/api/v1/quizzes/{GRADED_X}/attempts"),
        t,
        None,
    )
    .await;
    let graded = started["id"].as_str().expect("attempt id");
    let answers = json!({
        "py-q1": {"choice": ["a"]},
        "py-q2": {"choice": ["a", "b", "c"]},
        "py-q3": {"blanks": {"b1": "except", "b2": "b"}},
        "py-q4": {"order": ["c", "e", "a", "b", "d"]},
        "py-q5": {"pairs": [["l1", "r3"], ["l2", "r5"], ["l3", "r1"], ["l4", "r2"]]},
        "py-q6": {"number": "4"},
    });
    let done = ok(
        app,
        "POST",
        &format!("/api/v1/attempts/{graded}/submit"),
        t,
        Some(json!({"submission_id": "authz-fx-submit", "answers": answers})),
    )
    .await;
    assert_eq!(
        done["result"]["passed"], true,
        "A passes the graded quiz: {done}"
    );
    let certificate: String = sqlx::query_scalar(
        "SELECT code FROM certificates WHERE learner_id = $1 AND course_id = $2",
    )
    .bind(&id)
    .bind(COURSE_X)
    .fetch_one(&app.db)
    .await
    .expect("A holds a certificate");
    let practice = ok(
        app,
        "POST",
        &format!("/api/v1/quizzes/{PRACTICE_X}/attempts"),
        t,
        None,
    )
    .await;
    let attempt = practice["id"].as_str().expect("attempt id").to_owned();
    ok(
        app,
        "PUT",
        &format!("/api/v1/notes/{NOTE_A}"),
        t,
        Some(
            json!({"id": NOTE_A, "lesson_id": LESSON_X, "kind": "note", "position": 12.5,
                    "body": NOTE_A_TEXT, "updated_at_ms": common::unix_now() * 1000 - 60_000}),
        ),
    )
    .await;
    ok(
        app,
        "PUT",
        &format!("/api/v1/courses/{COURSE_X}/review"),
        t,
        Some(json!({"rating": 5, "body": "A 的评价"})),
    )
    .await;
    let book = ok(app, "GET", "/api/v1/mistakes", t, None).await;
    assert!(
        book.to_string().contains(MISTAKE_A),
        "{MISTAKE_A} is in A's book: {book}"
    );
    (token, id, attempt, certificate)
}

impl Fixtures {
    /// A fresh set on `app`: A's things, X's embed settings, and `principal`'s credentials
    /// (only A's account and the principal's own are made: password hashing is slow).
    async fn build(app: &TestApp, principal: &'static str) -> Fixtures {
        let (a_token, learner_a, attempt_a, certificate_a) = learner_a(app).await;
        // X has set up embedding, so a host token signed with its secret can be exchanged.
        jieti_server::db::embed::ensure_settings(&app.db, INSTITUTION_X)
            .await
            .expect("embed settings");
        let token = match principal {
            "anonymous" => None,
            "guest" => Some(guest(app).await),
            "learner_a" => Some(a_token),
            p => {
                let role = match p {
                    "staff_x" => Some(("staff", Some(INSTITUTION_X))),
                    "staff_y" => Some(("staff", Some(INSTITUTION_Y))),
                    "admin" => Some(("admin", None)),
                    _ => None,
                };
                let email = email_of(p).expect("an account");
                Some(account(app, &email, role).await.0)
            }
        };
        Fixtures {
            principal,
            token,
            learner_a,
            attempt_a,
            certificate_a,
        }
    }

    /// Another session of the same principal: a new guest for guest, a sign-in for accounts.
    async fn second_session(&self, app: &TestApp) -> Option<String> {
        match self.principal {
            "anonymous" => None,
            "guest" => Some(guest(app).await),
            p => {
                let email = email_of(p).expect("an account");
                let v = ok(
                    app,
                    "POST",
                    "/api/v1/session",
                    None,
                    Some(json!({"email": email, "password": PASSWORD})),
                )
                .await;
                Some(v["token"].as_str().expect("token").to_owned())
            }
        }
    }

    /// The value a target names.
    fn resolve(&self, target: &str) -> String {
        match target {
            "course:X" => COURSE_X.into(),
            "lesson:X" => LESSON_X.into(),
            "quiz:X" => PRACTICE_X.into(),
            "institution:X" => INSTITUTION_X.into(),
            "attempt:A" => self.attempt_a.clone(),
            "note:A" => NOTE_A.into(),
            "certificate:A" => self.certificate_a.clone(),
            "mistake:A" => MISTAKE_A.into(),
            other => panic!("no fixture for target {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Requests.
// ---------------------------------------------------------------------------------------------

/// A valid body for the row's route (`None` for routes that take none), so that a refusal is
/// about who asks, never about what was sent.
async fn body_for(app: &TestApp, fx: &Fixtures, row: &Row) -> Option<Value> {
    let now_ms = common::unix_now() * 1000;
    let who = fx.principal;
    let body = match (row.method.as_str(), row.path.as_str()) {
        ("POST", "/session") => {
            // Knowing A's password is being A: every principal may sign in to A.
            json!({"email": email_of("learner_a"), "password": PASSWORD})
        }
        ("POST", "/account") => json!({
            "email": format!("new-{}@authz.example", who.replace('_', "-")),
            "password": PASSWORD,
            "display_name": "新账号",
        }),
        ("PUT", "/courses/{id}/review") => json!({"rating": 4, "body": format!("review by {who}")}),
        ("POST", "/progress/events") => json!({"events": [{
            "id": "authz-row-event-1", "lesson_id": LESSON_X, "at_ms": now_ms - 60_000,
            "action": {"position": {"position_s": 5.0}},
        }]}),
        ("PUT", "/notes/{id}") => json!({
            "id": NOTE_A, "lesson_id": LESSON_X, "kind": "note", "position": 3.0,
            "body": format!("note by {who}"), "updated_at_ms": now_ms,
        }),
        ("PUT", "/me/goal") => {
            json!({"weekly_minutes": 150, "daily_minutes": 20, "time_zone": "Asia/Shanghai"})
        }
        ("POST", "/certificates/{code}/revoke") => json!({"reason": "issued in error"}),
        ("POST", "/embed/session") => {
            // Read now: a row before this one may have rotated the secret.
            let secret = jieti_server::db::embed::secret(&app.db, INSTITUTION_X)
                .await
                .expect("read secret")
                .expect("X has embed settings");
            json!({"token": embed_token(&secret, INSTITUTION_X, &format!("host-user-{who}"))})
        }
        ("PUT", "/institutions/{id}/embed") => json!({"origins": ["https://school.example.edu"]}),
        ("PUT", "/attempts/{id}/answers") => {
            json!({"answers": {"py-p2": {"choice": ["a", "b", "c"]}}})
        }
        ("POST", "/attempts/{id}/check") => {
            json!({"question_id": "py-p1", "answer": {"choice": ["b"]}})
        }
        ("POST", "/attempts/{id}/submit") => json!({
            "submission_id": "authz-row-submit",
            "answers": {"py-p3": {"choice": ["false"]}},
        }),
        ("POST", "/mistakes/{id}/review") => json!({"answer": {"choice": ["c"]}}),
        _ => return None,
    };
    Some(body)
}

/// The query string a row's route needs.
fn query_for(row: &Row) -> String {
    match row.path.as_str() {
        "/embed/context" => format!("?course={COURSE_X}"),
        _ => String::new(),
    }
}

/// `path` with its one `{parameter}` replaced by `value`.
fn fill(path: &str, value: &str) -> String {
    match (path.find('{'), path.find('}')) {
        (Some(start), Some(end)) => format!("{}{value}{}", &path[..start], &path[end + 1..]),
        _ => path.to_owned(),
    }
}

/// Sends the row's request as the fixtures' principal; returns the status and the body.
async fn send(app: &TestApp, fx: &Fixtures, row: &Row) -> (StatusCode, Value) {
    let path = if row.target == "-" {
        row.path.clone()
    } else {
        fill(&row.path, &fx.resolve(&row.target))
    };
    let uri = format!("/api/v1{path}{}", query_for(row));
    let token = if SESSION_ROUTES.contains(&row.route().as_str()) {
        fx.second_session(app).await
    } else {
        fx.token.clone()
    };
    let body = body_for(app, fx, row).await;
    let (status, _, v) = call(app, row.method.as_str(), &uri, token.as_deref(), body).await;
    (status, v)
}

/// The first characters of a body, for reports.
fn excerpt(v: &Value) -> String {
    let s = v.to_string();
    let cut: String = s.chars().take(200).collect();
    if cut.len() < s.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

// ---------------------------------------------------------------------------------------------
// What A and X own, to see who changed it.
// ---------------------------------------------------------------------------------------------

/// Every row of `table` where `column = value`, each as its quoted columns joined, sorted.
async fn rows_of(db: &db::Db, table: &str, column: &str, value: &str) -> Vec<String> {
    let postgres = db::backend(db) == db::Backend::Postgres;
    let columns: Vec<String> = sqlx::query_scalar(if postgres {
        "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position"
    } else {
        "SELECT name FROM pragma_table_info($1)"
    })
    .bind(table)
    .fetch_all(db)
    .await
    .expect("columns");
    let quote = if postgres { "quote_nullable" } else { "quote" };
    let select = columns
        .iter()
        .map(|c| format!("{quote}(\"{c}\")"))
        .collect::<Vec<_>>()
        .join(" || '|' || ");
    sqlx::query_scalar(&format!(
        "SELECT {select} FROM \"{table}\" WHERE \"{column}\" = $1 ORDER BY 1"
    ))
    .bind(value)
    .fetch_all(db)
    .await
    .expect("rows")
}

/// A's rows in every table with a `learner_id` (sessions aside: signing in to A with A's
/// password is allowed to anyone), A's learner row, and X's embed settings; keyed `A:table`
/// or `X:table`.
async fn snapshot(app: &TestApp, fx: &Fixtures) -> BTreeMap<String, Vec<String>> {
    let tables: Vec<String> =
        sqlx::query_scalar(if db::backend(&app.db) == db::Backend::Postgres {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.columns
         WHERE table_schema = 'public' AND column_name = 'learner_id' AND table_name != 'sessions'
         ORDER BY 1"
        } else {
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name != 'sessions'
         AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'learner_id')
         ORDER BY m.name"
        })
        .fetch_all(&app.db)
        .await
        .expect("tables");
    let mut out = BTreeMap::new();
    for t in tables {
        let rows = rows_of(&app.db, &t, "learner_id", &fx.learner_a).await;
        out.insert(format!("A:{t}"), rows);
    }
    out.insert(
        "A:learners".into(),
        rows_of(&app.db, "learners", "id", &fx.learner_a).await,
    );
    for t in ["embed_settings", "embed_origins"] {
        let rows = rows_of(&app.db, t, "institution_id", INSTITUTION_X).await;
        out.insert(format!("X:{t}"), rows);
    }
    out
}

/// Whether `principal` may change what `key` holds: A's things are A's alone, except that staff
/// of X and admins revoke certificates; X's embed settings are X's staff's and admins'.
fn may_change(key: &str, principal: &str) -> bool {
    match key {
        "A:certificates" => matches!(principal, "staff_x" | "admin"),
        k if k.starts_with("A:") => principal == "learner_a",
        _ => matches!(principal, "staff_x" | "admin"),
    }
}

// ---------------------------------------------------------------------------------------------
// The matrix.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_route_answers_every_principal_as_the_table_says() {
    let rows = parse_table(TABLE);
    // DELETEs last, so that an unenrolment or a deleted note does not change a later row.
    let order: Vec<&Row> = rows
        .iter()
        .filter(|r| r.method != Method::DELETE)
        .chain(rows.iter().filter(|r| r.method == Method::DELETE))
        .collect();
    let mut unexpected = Vec::new();
    let mut requests = 0;
    for (col, &principal) in PRINCIPALS.iter().enumerate() {
        let app = test_app().await;
        let fx = Fixtures::build(&app, principal).await;
        let before = snapshot(&app, &fx).await;
        for row in &order {
            let (got, body) = send(&app, &fx, row).await;
            requests += 1;
            let want = row.expected[col];
            if got != want {
                unexpected.push(format!(
                    "{} as {principal} (line {}): expected {}, got {}: {}",
                    row.route(),
                    row.line,
                    want.as_u16(),
                    got.as_u16(),
                    excerpt(&body)
                ));
            }
            let text = body.to_string();
            if principal != "learner_a"
                && got.is_success()
                && (text.contains(NOTE_A_TEXT) || text.contains(&fx.attempt_a))
            {
                unexpected.push(format!(
                    "{} as {principal} (line {}): {} carries A's note or attempt: {}",
                    row.route(),
                    row.line,
                    got.as_u16(),
                    excerpt(&body)
                ));
            }
        }
        let after = snapshot(&app, &fx).await;
        for (key, rows_before) in &before {
            let rows_after = after.get(key).cloned().unwrap_or_default();
            if *rows_before != rows_after && !may_change(key, principal) {
                unexpected.push(format!(
                    "{principal} changed {key}: before {rows_before:?}, after {rows_after:?}"
                ));
            }
        }
    }
    println!(
        "authz: {} routes × {} principals = {requests} requests, {} unexpected",
        rows.len(),
        PRINCIPALS.len(),
        unexpected.len()
    );
    for u in &unexpected {
        println!("  unexpected: {u}");
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected outcomes (see above)",
        unexpected.len()
    );
}
