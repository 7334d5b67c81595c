//! The learner's dashboard (active time, days, streaks, goal, courses, resume, quiz figures),
//! certificates (issue, public verification, revocation) and institution analytics (roles,
//! funnel, item analysis), over a real SQLite file and the real API.
//!
//! Every figure asserted here was worked out by hand from the events and answers the test sends;
//! the working is in the comments next to it.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use common::{call, guest, test_app, TestApp};
use jieti_server::db::learners::set_role;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// The demo catalog this file relies on.
// ---------------------------------------------------------------------------------------------

/// mabu-code's course with a certificate: 13 lessons, a practice quiz and a graded quiz.
const PY: &str = "python-basics";
/// Its first lesson: a video of the test manifest's 50 s `zh1`.
const PY_VIDEO: &str = "python-basics-1";
/// Its first article ("常见报错信息怎么看").
const PY_ARTICLE: &str = "python-basics-7";
/// Graded, 3 attempts, pass at 60 %, 10 points: q1 1, q2 2, q3 2, q4 2, q5 2, q6 1.
const PY_QUIZ: &str = "python-basics-quiz";
const PY_PRACTICE: &str = "python-basics-practice";
/// youpin-ecommerce's course: 12 lessons, graded quiz of 10 points (1, 2, 1, 2, 2, 2).
const EC: &str = "ecommerce-operations-basics";
const EC_QUIZ: &str = "ecommerce-basics-quiz";
/// mabu-code's course that awards no certificate (and has no quiz).
const NO_CERT: &str = "react-frontend";
const MABU: &str = "mabu-code";
const XINGHE: &str = "xinghe-vocational";
const SHANGHAI: &str = "Asia/Shanghai";

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

// ---------------------------------------------------------------------------------------------
// Time and dates, computed with jiff on the test's side.
// ---------------------------------------------------------------------------------------------

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).expect("a known zone")
}

fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

fn today_in(tz: &str) -> Date {
    Timestamp::now().to_zoned(zone(tz)).date()
}

fn days_before(d: Date, n: i64) -> Date {
    d.checked_sub(n.days()).expect("a date")
}

/// Unix ms of `date` at `h:m` local time in `tz`.
fn local_ms(date: Date, h: i8, m: i8, tz: &str) -> i64 {
    date.at(h, m, 0, 0)
        .to_zoned(zone(tz))
        .expect("a local time")
        .timestamp()
        .as_millisecond()
}

/// Shanghai if its clock is between 01:00 and 23:30, else UTC (then 17:00–15:30, eight hours
/// behind): events placed minutes before now fall on today, and today does not end mid-test.
fn calm_zone() -> &'static str {
    for name in [SHANGHAI, "UTC"] {
        let t = Timestamp::now().to_zoned(zone(name));
        if t.hour() >= 1 && (t.hour() < 23 || t.minute() < 30) {
            return name;
        }
    }
    unreachable!("Shanghai and UTC are eight hours apart")
}

/// The 28 chart days ending `today`, with `seconds` on the given days and 0 elsewhere.
fn chart(today: Date, seconds: &[(Date, u64)]) -> Vec<(String, u64)> {
    (0..28)
        .rev()
        .map(|back| {
            let d = days_before(today, back);
            let s = seconds
                .iter()
                .filter(|(day, _)| *day == d)
                .map(|(_, s)| s)
                .sum();
            (d.to_string(), s)
        })
        .collect()
}

/// The dashboard's `days` as (date, seconds).
fn days_of(dash: &Value) -> Vec<(String, u64)> {
    dash["days"]
        .as_array()
        .unwrap_or_else(|| panic!("days in {dash}"))
        .iter()
        .map(|d| {
            (
                d["date"].as_str().expect("date").to_owned(),
                d["seconds"].as_u64().expect("seconds"),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Progress events.
// ---------------------------------------------------------------------------------------------

/// Event ids only need to be unique per learner; one counter for the whole file is simplest.
static SEQ: AtomicU64 = AtomicU64::new(1);

fn event_id() -> String {
    format!("dash-ev-{:010}", SEQ.fetch_add(1, Ordering::Relaxed))
}

fn read(lesson: &str, at_ms: i64, open_s: f64, reached_end: bool) -> Value {
    json!({"id": event_id(), "lesson_id": lesson, "at_ms": at_ms,
           "action": {"read": {"open_s": open_s, "reached_end": reached_end, "block": 1}}})
}

fn watched(lesson: &str, at_ms: i64, from_s: f64, to_s: f64, rate: f64) -> Value {
    json!({"id": event_id(), "lesson_id": lesson, "at_ms": at_ms,
           "action": {"watched": {"from_s": from_s, "to_s": to_s, "rate": rate}}})
}

fn position(lesson: &str, at_ms: i64, position_s: f64) -> Value {
    json!({"id": event_id(), "lesson_id": lesson, "at_ms": at_ms,
           "action": {"position": {"position_s": position_s}}})
}

/// Posts events (in batches the API accepts) and expects every one to be new.
async fn post_events(app: &TestApp, token: &str, events: Vec<Value>) {
    for chunk in events.chunks(200) {
        let (s, _, v) = call(
            app,
            "POST",
            "/api/v1/progress/events",
            Some(token),
            Some(json!({ "events": chunk })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, json!({"accepted": chunk.len(), "duplicates": 0}));
    }
}

/// A course's lesson ids in course order.
async fn lesson_ids(app: &TestApp, course: &str) -> Vec<String> {
    let detail = app.get_json(&format!("/api/v1/courses/{course}")).await;
    detail["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .flat_map(|c| c["lessons"].as_array().expect("lessons").iter())
        .map(|l| l["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn lesson_title(app: &TestApp, lesson: &str) -> String {
    let v = app.get_json(&format!("/api/v1/lessons/{lesson}")).await;
    v["title"].as_str().expect("title").to_owned()
}

/// Completes `lessons` through the API, one after another from `start_ms`.
async fn complete(app: &TestApp, token: &str, lessons: &[String], start_ms: i64) {
    let mut events = Vec::new();
    for (i, l) in lessons.iter().enumerate() {
        events.extend(common::completing_events(app, l, start_ms + i as i64 * 10 * MIN).await);
    }
    post_events(app, token, events).await;
}

async fn enroll(app: &TestApp, token: &str, course: &str) {
    let (s, _, v) = call(
        app,
        "PUT",
        &format!("/api/v1/courses/{course}/enrollment"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

// ---------------------------------------------------------------------------------------------
// Quizzes.
// ---------------------------------------------------------------------------------------------

/// Answers to python-basics-quiz q1..q6: the key where `right[i]`, else an answer worth 0
/// (a wrong pick; a wrong-only pick on the multiple choice; both blanks wrong; the order reversed,
/// whose longest run in order is 1; no right pair; a wrong number).
fn py_answers(right: [bool; 6]) -> Value {
    let pick = |i: usize, yes: Value, no: Value| if right[i] { yes } else { no };
    json!({
        "py-q1": pick(0, json!({"choice": ["c"]}), json!({"choice": ["a"]})),
        "py-q2": pick(1, json!({"choice": ["a", "b", "c"]}), json!({"choice": ["d"]})),
        "py-q3": pick(2, json!({"blanks": {"b1": "except", "b2": "b"}}),
                      json!({"blanks": {"b1": "elif", "b2": "a"}})),
        "py-q4": pick(3, json!({"order": ["c", "e", "a", "b", "d"]}),
                      json!({"order": ["d", "b", "a", "e", "c"]})),
        "py-q5": pick(4, json!({"pairs": [["l1", "r3"], ["l2", "r5"], ["l3", "r1"], ["l4", "r2"]]}),
                      json!({"pairs": [["l1", "r1"], ["l2", "r2"], ["l3", "r3"], ["l4", "r4"]]})),
        "py-q6": pick(5, json!({"number": "4"}), json!({"number": "3"})),
    })
}

/// The same for ecommerce-basics-quiz ec-q1..ec-q6 (points 1, 2, 1, 2, 2, 2).
fn ec_answers(right: [bool; 6]) -> Value {
    let pick = |i: usize, yes: Value, no: Value| if right[i] { yes } else { no };
    json!({
        "ec-q1": pick(0, json!({"choice": ["a"]}), json!({"choice": ["b"]})),
        "ec-q2": pick(1, json!({"choice": ["a", "b"]}), json!({"choice": ["c"]})),
        "ec-q3": pick(2, json!({"choice": ["false"]}), json!({"choice": ["true"]})),
        "ec-q4": pick(3, json!({"blanks": {"b1": "浏览量", "b2": "a"}}),
                      json!({"blanks": {"b1": "访客", "b2": "d"}})),
        "ec-q5": pick(4, json!({"order": ["b", "d", "e", "a", "c"]}),
                      json!({"order": ["c", "a", "e", "d", "b"]})),
        "ec-q6": pick(5, json!({"pairs": [["l1", "r2"], ["l2", "r4"], ["l3", "r3"], ["l4", "r1"]]}),
                      json!({"pairs": [["l1", "r1"], ["l2", "r2"], ["l3", "r4"], ["l4", "r3"]]})),
    })
}

const ALL_RIGHT: [bool; 6] = [true; 6];

/// Starts an attempt at `quiz`, submits `answers` and returns the submitted attempt.
async fn take_quiz(app: &TestApp, token: &str, quiz: &str, answers: Value) -> Value {
    let (s, _, a) = call(
        app,
        "POST",
        &format!("/api/v1/quizzes/{quiz}/attempts"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "start {quiz}: {a}");
    let id = a["id"].as_str().expect("attempt id").to_owned();
    let (s, _, done) = call(
        app,
        "POST",
        &format!("/api/v1/attempts/{id}/submit"),
        Some(token),
        Some(json!({"submission_id": format!("sub-{}", event_id()), "answers": answers})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "submit {quiz}: {done}");
    assert_eq!(done["status"], "submitted", "{done}");
    // Submission times are in ms; keep successive attempts apart so "newest first" is defined.
    std::thread::sleep(Duration::from_millis(3));
    done
}

/// Takes `quiz` and checks the score the design says it earns.
async fn take_quiz_scoring(
    app: &TestApp,
    token: &str,
    quiz: &str,
    answers: Value,
    pct: f64,
) -> Value {
    let a = take_quiz(app, token, quiz, answers).await;
    assert_eq!(a["result"]["pct"].as_f64(), Some(pct), "{a}");
    a
}

/// A learner who completes python-basics and passes its graded quiz: returns the code.
async fn earn_py_certificate(app: &TestApp, token: &str) -> String {
    let lessons = lesson_ids(app, PY).await;
    complete(app, token, &lessons, now_ms() - 4 * HOUR).await;
    take_quiz_scoring(app, token, PY_QUIZ, py_answers(ALL_RIGHT), 100.0).await;
    let dash = dashboard(app, token).await;
    let code = dash["certificates"][0]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("a certificate: {dash}"))
        .to_owned();
    code
}

// ---------------------------------------------------------------------------------------------
// Accounts, roles and reading the API.
// ---------------------------------------------------------------------------------------------

/// Signs up (upgrading `guest_token` in place when given); returns the account's token.
async fn sign_up(app: &TestApp, guest_token: Option<&str>, email: &str, name: &str) -> String {
    let (s, _, v) = call(
        app,
        "POST",
        "/api/v1/account",
        guest_token,
        Some(json!({"email": email, "password": "ladder-2026", "display_name": name})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["token"].as_str().expect("token").to_owned()
}

/// A new account with `role` (for staff, at `institution`); the token it signed up with keeps
/// working, since roles are read per request.
async fn account_with_role(
    app: &TestApp,
    email: &str,
    role: &str,
    institution: Option<&str>,
) -> String {
    let token = sign_up(app, None, email, role).await;
    set_role(&app.db, email, role, institution)
        .await
        .expect("set role");
    token
}

async fn dashboard(app: &TestApp, token: &str) -> Value {
    let (s, _, v) = call(app, "GET", "/api/v1/me/dashboard", Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// GET with an optional token: status and JSON body.
async fn get(app: &TestApp, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
    let (s, _, v) = call(app, "GET", uri, token, None).await;
    (s, v)
}

/// Asserts the contract's error body with `code` (and `field` when given).
#[track_caller]
fn assert_err(got: (StatusCode, Value), status: StatusCode, code: &str, field: Option<&str>) {
    let (s, v) = got;
    assert_eq!(s, status, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    if let Some(f) = field {
        assert_eq!(v["error"]["field"], f, "{v}");
    }
}

async fn put_goal(app: &TestApp, token: &str, goal: Value) -> (StatusCode, Value) {
    let (s, _, v) = call(app, "PUT", "/api/v1/me/goal", Some(token), Some(goal)).await;
    (s, v)
}

async fn set_zone(app: &TestApp, token: &str, weekly: u32, daily: u32, tz: &str) {
    let goal = json!({"weekly_minutes": weekly, "daily_minutes": daily, "time_zone": tz});
    let (s, v) = put_goal(app, token, goal.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v, goal);
}

/// Asserts a figure the server rounds to 3 decimals (and sends as f32) is `want` so rounded.
#[track_caller]
fn assert_round3(got: &Value, want: f64, what: &str) {
    let g = got
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: a number, got {got}"));
    let want = (want * 1000.0).round() / 1000.0;
    assert!((g - want).abs() < 1e-6, "{what}: {g}, expected {want}");
}

// ---------------------------------------------------------------------------------------------
// 1–3. Active time, days, streaks, goal.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_new_learners_dashboard_is_empty_with_default_goal_and_needs_a_token() {
    let app = test_app().await;
    let got = get(&app, "/api/v1/me/dashboard", None).await;
    assert_err(got, StatusCode::UNAUTHORIZED, "unauthorized", None);
    let t = guest(&app).await;
    let d = dashboard(&app, &t).await;
    let today = today_in(SHANGHAI);
    assert_eq!(d["role"], "learner");
    assert!(d.get("institution_id").is_none(), "{d}");
    assert_eq!(d["today"], today.to_string());
    assert!(d.get("resume").is_none(), "{d}");
    assert_eq!(d["courses"], json!([]));
    assert_eq!(d["time"], json!({"today_s": 0, "week_s": 0, "total_s": 0}));
    assert_eq!(
        d["goal"],
        json!({"weekly_minutes": 150, "daily_minutes": 10, "time_zone": SHANGHAI})
    );
    assert_eq!(
        d["streak"],
        json!({"current": 0, "best": 0, "today_met": false})
    );
    assert_eq!(days_of(&d), chart(today, &[]));
    assert_eq!(d["quizzes"], json!({"quizzes_taken": 0, "recent": []}));
    assert_eq!(d["mistakes_due"], 0);
    assert_eq!(d["certificates"], json!([]));
}

#[tokio::test]
async fn active_time_counts_capped_spans_once_and_nothing_for_gaps() {
    let app = test_app().await;
    let t = guest(&app).await;
    let tz = calm_zone();
    if tz != SHANGHAI {
        set_zone(&app, &t, 150, 10, tz).await;
    }
    let today = today_in(tz);
    // T is 15 min ago; the local clock is past 01:00, so T − 2 min is still today.
    let t0 = now_ms() - 15 * MIN;
    let today_events = vec![
        // A device asleep for an hour reports 3600 s open: only the 120 s cap counts.
        // Span [T − 120 s, T] → 120 s.
        read(PY_ARTICLE, t0, 3600.0, false),
        // Tab 1 reports the minute [T+5, T+6] in two halves …
        read(PY_ARTICLE, t0 + 5 * MIN + 30_000, 30.0, false),
        read(PY_ARTICLE, t0 + 6 * MIN, 30.0, false),
        // … and tab 2 the same minute at once: the union is that one minute → 60 s.
        read(PY_ARTICLE, t0 + 6 * MIN, 60.0, false),
        // 20 s of video at 2x took 10 s: span [T+10 min − 10 s, T+10 min] → 10 s.
        watched(PY_VIDEO, t0 + 10 * MIN, 0.0, 20.0, 2.0),
        // A position claims nothing; the gaps between the spans count nothing either.
        position(PY_VIDEO, t0 + 11 * MIN, 20.0),
    ];
    // Today: 120 + 60 + 10 = 190 s.
    post_events(&app, &t, today_events[..3].to_vec()).await;
    post_events(&app, &t, today_events[3..].to_vec()).await;
    let yesterday = days_before(today, 1);
    let eight = days_before(today, 8);
    let forty = days_before(today, 40);
    post_events(
        &app,
        &t,
        vec![
            // Yesterday noon: 45 s.
            read(PY_ARTICLE, local_ms(yesterday, 12, 0, tz), 45.0, false),
            // 8 days ago, always in an earlier week: 100 s.
            read(PY_ARTICLE, local_ms(eight, 12, 0, tz), 100.0, false),
            // 40 days ago, before the chart: 30 s at 1x, in the total only.
            watched(PY_VIDEO, local_ms(forty, 12, 0, tz), 10.0, 40.0, 1.0),
        ],
    )
    .await;

    let d = dashboard(&app, &t).await;
    assert_eq!(d["today"], today.to_string());
    // The week starts on Monday: yesterday is in it unless today is Monday.
    let week = if today.weekday() == Weekday::Monday {
        190
    } else {
        190 + 45
    };
    // Total: 190 + 45 + 100 + 30 = 365 s.
    assert_eq!(
        d["time"],
        json!({"today_s": 190, "week_s": week, "total_s": 365}),
        "{d}"
    );
    let days = days_of(&d);
    assert_eq!(days.len(), 28);
    assert_eq!(days[27].0, today.to_string(), "the chart ends today");
    assert_eq!(
        days,
        chart(today, &[(today, 190), (yesterday, 45), (eight, 100)])
    );

    // The client resends a batch it did not see answered: the ids are known, nothing changes.
    let (s, _, v) = call(
        &app,
        "POST",
        "/api/v1/progress/events",
        Some(&t),
        Some(json!({ "events": today_events })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!({"accepted": 0, "duplicates": 6}));
    assert_eq!(dashboard(&app, &t).await["time"], d["time"]);
}

#[tokio::test]
async fn a_span_across_local_midnight_is_split_and_the_time_zone_moves_it() {
    let app = test_app().await;
    let t = guest(&app).await;
    let today = today_in(SHANGHAI);
    let day = days_before(today, 3);
    let next = days_before(today, 2);
    // Shanghai midnight starting `next` is 16:00 UTC on `day` (UTC+8, no DST).
    let midnight = local_ms(next, 0, 0, SHANGHAI);
    assert_eq!(midnight, local_ms(day, 16, 0, "UTC"));
    // 120 s read ending one minute after midnight: 23:59–00:01 local, 15:59–16:01 UTC.
    post_events(
        &app,
        &t,
        vec![read(PY_ARTICLE, midnight + MIN, 120.0, false)],
    )
    .await;

    let d = dashboard(&app, &t).await;
    assert_eq!(d["today"], today.to_string());
    // 60 s before midnight on `day`, 60 s after on `next`.
    assert_eq!(days_of(&d), chart(today, &[(day, 60), (next, 60)]));
    assert_eq!(d["time"]["total_s"], 120);

    // In UTC the same two minutes are 15:59–16:01 on `day`: one day, 120 s.
    set_zone(&app, &t, 150, 10, "UTC").await;
    let utc_today = today_in("UTC");
    let d = dashboard(&app, &t).await;
    assert_eq!(d["today"], utc_today.to_string());
    assert_eq!(d["goal"]["time_zone"], "UTC");
    assert_eq!(days_of(&d), chart(utc_today, &[(day, 120)]));
    assert_eq!(d["time"]["total_s"], 120);
}

#[tokio::test]
async fn the_streak_counts_days_that_meet_the_daily_goal() {
    let app = test_app().await;
    let t = guest(&app).await;
    let tz = calm_zone();
    // A day counts from 2 minutes: one capped 120 s read meets it exactly, 119 s does not.
    set_zone(&app, &t, 60, 2, tz).await;
    let today = today_in(tz);
    let noon = |back: i64| local_ms(days_before(today, back), 12, 0, tz);
    let mut events = Vec::new();
    // An old run of five days: today−14 … today−10 (then today−9 has nothing).
    for back in 10..=14 {
        events.push(read(PY_ARTICLE, noon(back), 120.0, false));
    }
    // today−6, today−5 met; today−4 one second short: the run breaks.
    events.push(read(PY_ARTICLE, noon(6), 120.0, false));
    events.push(read(PY_ARTICLE, noon(5), 120.0, false));
    events.push(read(PY_ARTICLE, noon(4), 119.0, false));
    // today−3, today−1 met in one read; today−2 in two separate minutes (60 + 60 = 120 s).
    events.push(read(PY_ARTICLE, noon(3), 120.0, false));
    events.push(read(PY_ARTICLE, noon(2) - 3 * HOUR, 60.0, false));
    events.push(read(PY_ARTICLE, noon(2) + 3 * HOUR, 60.0, false));
    events.push(read(PY_ARTICLE, noon(1), 120.0, false));
    post_events(&app, &t, events).await;

    let d = dashboard(&app, &t).await;
    // Nothing today yet: the run today−3 … today−1 still stands (3); the best is the old five.
    assert_eq!(
        d["streak"],
        json!({"current": 3, "best": 5, "today_met": false}),
        "{d}"
    );
    let days = days_of(&d);
    assert_eq!(days[27 - 4].1, 119);
    assert_eq!(days[27 - 2].1, 120);

    // 120 s today (ending 5 min ago, well after local 01:00): today counts, the run is 4.
    post_events(
        &app,
        &t,
        vec![read(PY_ARTICLE, now_ms() - 5 * MIN, 120.0, false)],
    )
    .await;
    let d = dashboard(&app, &t).await;
    assert_eq!(
        d["streak"],
        json!({"current": 4, "best": 5, "today_met": true}),
        "{d}"
    );
    assert_eq!(d["time"]["today_s"], 120);

    // Raise the bar to 3 minutes: no day has 180 s, so no streak at all.
    set_zone(&app, &t, 60, 3, tz).await;
    let d = dashboard(&app, &t).await;
    assert_eq!(
        d["streak"],
        json!({"current": 0, "best": 0, "today_met": false})
    );
}

#[tokio::test]
async fn the_goal_is_validated_field_by_field_and_kept() {
    let app = test_app().await;
    let t = guest(&app).await;
    let default = json!({"weekly_minutes": 150, "daily_minutes": 10, "time_zone": SHANGHAI});
    let (s, _, v) = call(&app, "GET", "/api/v1/me/goal", Some(&t), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, default);
    let (s, _, v) = call(&app, "GET", "/api/v1/me/goal", None, None).await;
    assert_err((s, v), StatusCode::UNAUTHORIZED, "unauthorized", None);

    let goal = |w: u32, d: u32, tz: &str| json!({"weekly_minutes": w, "daily_minutes": d, "time_zone": tz});
    for (body, field) in [
        (goal(5, 10, SHANGHAI), "weekly_minutes"),
        (goal(9, 10, SHANGHAI), "weekly_minutes"),
        (goal(3001, 10, SHANGHAI), "weekly_minutes"),
        (goal(150, 0, SHANGHAI), "daily_minutes"),
        (goal(150, 601, SHANGHAI), "daily_minutes"),
        (goal(150, 10, "Mars/Olympus"), "time_zone"),
        (goal(150, 10, ""), "time_zone"),
    ] {
        let got = put_goal(&app, &t, body.clone()).await;
        assert_err(got, StatusCode::BAD_REQUEST, "bad_request", Some(field));
    }
    // Not a goal at all: the JSON rejection is the same 400 body.
    let got = put_goal(&app, &t, json!({"weekly_minutes": 100})).await;
    assert_err(got, StatusCode::BAD_REQUEST, "bad_request", None);
    // None of that changed anything.
    let (_, _, v) = call(&app, "GET", "/api/v1/me/goal", Some(&t), None).await;
    assert_eq!(v, default);

    // The bounds themselves are accepted, and the goal round-trips.
    set_zone(&app, &t, 10, 1, "Europe/Berlin").await;
    set_zone(&app, &t, 3000, 600, "America/New_York").await;
    let (_, _, v) = call(&app, "GET", "/api/v1/me/goal", Some(&t), None).await;
    assert_eq!(v, goal(3000, 600, "America/New_York"));
    assert_eq!(dashboard(&app, &t).await["goal"], v);
}

// ---------------------------------------------------------------------------------------------
// 4. Courses, resume, quiz figures, mistakes.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn enrolled_courses_resume_point_quiz_figures_and_due_mistakes() {
    let app = test_app().await;
    let t = guest(&app).await;
    enroll(&app, &t, EC).await;
    enroll(&app, &t, PY).await;
    let py = lesson_ids(&app, PY).await;
    let ec = lesson_ids(&app, EC).await;
    assert_eq!((py.len(), ec.len()), (13, 12));

    // Lessons 1 and 2 complete, then 20 s into lesson 3 (a 50 s video) as the last thing done.
    let base = now_ms() - 2 * HOUR;
    complete(&app, &t, &py[..2], base).await;
    let last_at = base + 30 * MIN;
    post_events(&app, &t, vec![watched(&py[2], last_at, 0.0, 20.0, 1.0)]).await;

    let d = dashboard(&app, &t).await;
    let courses = d["courses"].as_array().expect("courses");
    assert_eq!(courses.len(), 2, "{d}");
    // Latest activity first; the course never opened comes after.
    let c = &courses[0];
    assert_eq!(c["course_id"], PY);
    assert_eq!(c["status"], "in_progress");
    assert_eq!(
        (c["lesson_count"].as_u64(), c["completed_lessons"].as_u64()),
        (Some(13), Some(2))
    );
    // 2 of 13 = 15.4 % → 15 (whole percent, rounded down).
    assert_eq!(c["percent"], 15);
    assert_eq!(
        c["next_lesson"],
        json!({"id": py[2], "title": lesson_title(&app, &py[2]).await})
    );
    assert_eq!(c["last_activity_ms"], last_at);
    assert!(c.get("certificate_code").is_none(), "{c}");
    let e = &courses[1];
    assert_eq!(e["course_id"], EC);
    assert_eq!(e["status"], "not_started");
    assert_eq!(
        (e["percent"].as_u64(), e["completed_lessons"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(e["next_lesson"]["id"], ec[0].as_str());
    assert!(e.get("last_activity_ms").is_none(), "{e}");
    // Resume where the learner stopped: lesson 3 at 20 s.
    assert_eq!(
        d["resume"],
        json!({"course_id": PY, "course_title": c["title"], "lesson_id": py[2],
               "lesson_title": lesson_title(&app, &py[2]).await, "position": 20.0,
               "at_ms": last_at})
    );

    // Finishing lesson 3: resume moves to the start of lesson 4; 3 of 13 = 23 %.
    complete(&app, &t, &py[2..3], base + 40 * MIN).await;
    let d = dashboard(&app, &t).await;
    assert_eq!(d["resume"]["lesson_id"], py[3].as_str());
    assert_eq!(d["resume"]["position"], 0.0);
    assert_eq!(d["courses"][0]["percent"], 23);
    assert_eq!(d["courses"][0]["next_lesson"]["id"], py[3].as_str());

    // Quizzes. Nothing yet.
    assert_eq!(d["quizzes"], json!({"quizzes_taken": 0, "recent": []}));
    assert_eq!(d["mistakes_due"], 0);
    // Graded, first attempt: q1 1 + q2 2 + q3 2 + q6 1 = 6 of 10 = 60 %, passed; q4 and q5 wrong.
    let a1 = take_quiz_scoring(
        &app,
        &t,
        PY_QUIZ,
        py_answers([true, true, true, false, false, true]),
        60.0,
    )
    .await;
    let d = dashboard(&app, &t).await;
    assert_eq!(d["quizzes"]["average_pct"], 60.0);
    assert_eq!(d["quizzes"]["quizzes_taken"], 1);
    let r = &d["quizzes"]["recent"];
    assert_eq!(r.as_array().map(Vec::len), Some(1), "{d}");
    assert_eq!(r[0]["quiz_id"], PY_QUIZ);
    assert_eq!(r[0]["attempt_id"], a1["id"]);
    assert_eq!(r[0]["quiz_title"], "Python 基础测验");
    assert_eq!(r[0]["course_title"], c["title"]);
    assert_eq!(
        (r[0]["pct"].as_f64(), r[0]["passed"].as_bool()),
        (Some(60.0), Some(true))
    );
    assert_eq!(r[0]["submitted_at"], a1["result"]["submitted_at_ms"]);
    // The two wrong answers are in the book, due now (the quiz was passed, so answers may show).
    assert_eq!(d["mistakes_due"], 2);

    // A practice run with nothing answered: 0 %, listed, but not a graded quiz for the average.
    take_quiz_scoring(&app, &t, PY_PRACTICE, json!({}), 0.0).await;
    // Second graded attempt, all right: the best (100) stands for the quiz.
    take_quiz_scoring(&app, &t, PY_QUIZ, py_answers(ALL_RIGHT), 100.0).await;
    // E-commerce: ec-q1 1 + ec-q2 2 = 3 of 10 = 30 %, failed; four wrong answers.
    take_quiz_scoring(
        &app,
        &t,
        EC_QUIZ,
        ec_answers([true, true, false, false, false, false]),
        30.0,
    )
    .await;
    let d = dashboard(&app, &t).await;
    // Mean of each graded quiz's best: (100 + 30) / 2 = 65.
    assert_eq!(d["quizzes"]["average_pct"], 65.0);
    assert_eq!(d["quizzes"]["quizzes_taken"], 2);
    let recent: Vec<(String, f64, bool)> = d["quizzes"]["recent"]
        .as_array()
        .expect("recent")
        .iter()
        .map(|r| {
            (
                r["quiz_id"].as_str().unwrap().to_owned(),
                r["pct"].as_f64().unwrap(),
                r["passed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        recent,
        vec![
            (EC_QUIZ.to_owned(), 30.0, false),
            (PY_QUIZ.to_owned(), 100.0, true),
            (PY_PRACTICE.to_owned(), 0.0, false),
            (PY_QUIZ.to_owned(), 60.0, true),
        ]
    );
    // 2 python mistakes + 4 e-commerce ones (reviewed after submit) = 6, as the book says.
    assert_eq!(d["mistakes_due"], 6);
    let (_, _, summary) = call(&app, "GET", "/api/v1/mistakes/summary", Some(&t), None).await;
    assert_eq!(summary["due"], 6, "{summary}");
}

// ---------------------------------------------------------------------------------------------
// 5. Certificates.
// ---------------------------------------------------------------------------------------------

/// Certificates of `course` (the demo seed issues some on another course of its own).
async fn certificate_count(app: &TestApp, course: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM certificates WHERE course_id = $1")
        .bind(course)
        .fetch_one(&app.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_certificate_needs_every_lesson_and_a_passed_graded_quiz_and_anyone_can_verify_it() {
    let app = test_app().await;
    let t = guest(&app).await;
    let lessons = lesson_ids(&app, PY).await;
    complete(&app, &t, &lessons, now_ms() - 4 * HOUR).await;
    let d = dashboard(&app, &t).await;
    let c = &d["courses"][0];
    assert_eq!(
        (c["status"].as_str(), c["percent"].as_u64()),
        (Some("completed"), Some(100))
    );
    assert!(c.get("next_lesson").is_none(), "{c}");
    // Every lesson done, but the graded quiz is not passed: no certificate.
    assert!(c.get("certificate_code").is_none(), "{c}");
    assert_eq!(d["certificates"], json!([]));
    // A failed attempt (q2 + q3 = 4 of 10 = 40 %) changes nothing.
    take_quiz_scoring(
        &app,
        &t,
        PY_QUIZ,
        py_answers([false, true, true, false, false, false]),
        40.0,
    )
    .await;
    assert_eq!(certificate_count(&app, PY).await, 0);

    // Passing issues it with the submission.
    let before = Timestamp::now().as_second();
    take_quiz_scoring(&app, &t, PY_QUIZ, py_answers(ALL_RIGHT), 100.0).await;
    let d = dashboard(&app, &t).await;
    let certs = d["certificates"].as_array().expect("certificates");
    assert_eq!(certs.len(), 1, "{d}");
    let cert = certs[0].clone();
    let code = cert["code"].as_str().expect("code").to_owned();
    assert_eq!(code.len(), 20);
    assert!(
        code.chars()
            .all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)),
        "{code}"
    );
    assert_eq!(d["courses"][0]["certificate_code"], code.as_str());
    assert_eq!(cert["course_id"], PY);
    assert_eq!(cert["course_title"], c["title"]);
    assert_eq!(cert["institution_id"], MABU);
    let mabu = app.get_json(&format!("/api/v1/institutions/{MABU}")).await;
    assert_eq!(cert["institution_name"], mabu["name"]);
    let issued = cert["issued_at"].as_i64().expect("issued_at");
    assert!(
        (before..=before + 5).contains(&issued),
        "{issued} vs {before}"
    );
    // A guest has no name yet: no holder; not revoked.
    for absent in ["holder", "revoked_at", "revoked_reason"] {
        assert!(cert.get(absent).is_none(), "{absent} in {cert}");
    }

    // Anyone may verify it, without a token, typed in any case and grouped with hyphens.
    assert_eq!(
        app.get_json(&format!("/api/v1/certificates/{code}")).await,
        cert
    );
    let grouped: String = code
        .to_lowercase()
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-");
    assert_eq!(
        app.get_json(&format!("/api/v1/certificates/{grouped}"))
            .await,
        cert
    );
    // Look-alikes read out over the phone: O for 0, I and L for 1. Give it a code with both.
    let known = "10SAFE0C0DE1TEST0XYZ";
    sqlx::query("UPDATE certificates SET code = $1 WHERE code = $2")
        .bind(known)
        .bind(&code)
        .execute(&app.db)
        .await
        .expect("recode");
    let v = app
        .get_json("/api/v1/certificates/lO-safe-OcOd-eI-test-oxyz")
        .await;
    assert_eq!(v["code"], known);
    // Unknown, malformed, too long, outside the alphabet, not ASCII: the same 404 error body.
    for bad in [
        "ZZZZZZZZZZZZZZZZZZZZ",
        "not-a-certificate",
        "10SAFE0C0DE1TEST0XYZ0",
        "UUUUUUUUUUUUUUUUUUUU",
        "%E4%B8%AD%E6%96%87",
    ] {
        let got = get(&app, &format!("/api/v1/certificates/{bad}"), None).await;
        assert_err(got, StatusCode::NOT_FOUND, "not_found", None);
    }

    // The guest signs up: the certificate now names them, wherever it is shown.
    let account = sign_up(&app, Some(&t), "li.na@example.com", "李娜").await;
    let v = app.get_json(&format!("/api/v1/certificates/{known}")).await;
    assert_eq!(v["holder"], "李娜");
    assert_eq!(
        dashboard(&app, &account).await["certificates"][0]["holder"],
        "李娜"
    );
}

#[tokio::test]
async fn the_lesson_that_completes_the_course_issues_the_certificate_when_the_quiz_was_passed() {
    let app = test_app().await;
    let t = sign_up(&app, None, "wang@example.com", "王五").await;
    let lessons = lesson_ids(&app, PY).await;
    // The quiz first: passed, but lessons remain.
    take_quiz_scoring(&app, &t, PY_QUIZ, py_answers(ALL_RIGHT), 100.0).await;
    complete(&app, &t, &lessons[..12], now_ms() - 4 * HOUR).await;
    assert_eq!(certificate_count(&app, PY).await, 0);
    // The thirteenth lesson completes the course, and the certificate comes with it.
    complete(&app, &t, &lessons[12..], now_ms() - HOUR).await;
    let d = dashboard(&app, &t).await;
    assert_eq!(d["certificates"].as_array().map(Vec::len), Some(1), "{d}");
    // An account is named at once.
    assert_eq!(d["certificates"][0]["holder"], "王五");
    assert_eq!(
        d["courses"][0]["certificate_code"],
        d["certificates"][0]["code"]
    );
    // Resending the whole course adds no second certificate.
    complete(&app, &t, &lessons, now_ms() - 3 * HOUR).await;
    assert_eq!(certificate_count(&app, PY).await, 1);
}

#[tokio::test]
async fn signing_in_with_a_guests_passed_quiz_issues_the_accounts_certificate() {
    let app = test_app().await;
    // The account studies every lesson on one device but has not passed the quiz.
    let account = sign_up(&app, None, "zhao@example.com", "赵六").await;
    enroll(&app, &account, PY).await;
    let lessons = lesson_ids(&app, PY).await;
    complete(&app, &account, &lessons, now_ms() - 4 * HOUR).await;
    assert_eq!(certificate_count(&app, PY).await, 0);
    // On another device, as a guest, the same person passes it.
    let g = guest(&app).await;
    take_quiz_scoring(&app, &g, PY_QUIZ, py_answers(ALL_RIGHT), 100.0).await;
    assert_eq!(certificate_count(&app, PY).await, 0);
    // Signing in there brings the passed attempt along: now the rule holds, and it is issued.
    let (s, _, v) = call(
        &app,
        "POST",
        "/api/v1/session",
        Some(&g),
        Some(json!({"email": "zhao@example.com", "password": "ladder-2026"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = dashboard(&app, v["token"].as_str().expect("token")).await;
    assert_eq!(d["certificates"].as_array().map(Vec::len), Some(1), "{d}");
    assert_eq!(d["certificates"][0]["holder"], "赵六");
    assert_eq!(certificate_count(&app, PY).await, 1);
}

#[tokio::test]
async fn a_guests_pass_counts_even_where_the_account_failed_the_quiz_before() {
    let app = test_app().await;
    let account = sign_up(&app, None, "qian@example.com", "钱七").await;
    enroll(&app, &account, PY).await;
    let lessons = lesson_ids(&app, PY).await;
    complete(&app, &account, &lessons, now_ms() - 4 * HOUR).await;
    // The account's own attempt fails (q2 + q3 = 4 of 10 = 40 %).
    take_quiz_scoring(
        &app,
        &account,
        PY_QUIZ,
        py_answers([false, true, true, false, false, false]),
        40.0,
    )
    .await;
    let g = guest(&app).await;
    take_quiz_scoring(&app, &g, PY_QUIZ, py_answers(ALL_RIGHT), 100.0).await;
    let (s, _, v) = call(
        &app,
        "POST",
        "/api/v1/session",
        Some(&g),
        Some(json!({"email": "qian@example.com", "password": "ladder-2026"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let t = v["token"].as_str().expect("token").to_owned();
    // Both attempts are the account's now, the guest's numbered second; the pass issues it.
    let (_, quiz) = get(&app, &format!("/api/v1/quizzes/{PY_QUIZ}"), Some(&t)).await;
    let numbers: Vec<u64> = quiz["attempts"]
        .as_array()
        .unwrap_or_else(|| panic!("{quiz}"))
        .iter()
        .map(|a| a["number"].as_u64().expect("number"))
        .collect();
    assert_eq!(numbers.len(), 2, "{quiz}");
    assert!(numbers.contains(&1) && numbers.contains(&2), "{numbers:?}");
    let d = dashboard(&app, &t).await;
    assert_eq!(d["certificates"].as_array().map(Vec::len), Some(1), "{d}");
    assert_eq!(d["quizzes"]["average_pct"], 100.0);
}

#[tokio::test]
async fn a_course_without_certificates_never_issues_one() {
    let app = test_app().await;
    let t = guest(&app).await;
    let lessons = lesson_ids(&app, NO_CERT).await;
    complete(&app, &t, &lessons, now_ms() - 4 * HOUR).await;
    let d = dashboard(&app, &t).await;
    assert_eq!(d["courses"][0]["course_id"], NO_CERT);
    assert_eq!(d["courses"][0]["status"], "completed");
    assert!(d["courses"][0].get("certificate_code").is_none(), "{d}");
    assert_eq!(d["certificates"], json!([]));
    assert_eq!(certificate_count(&app, NO_CERT).await, 0);
}

#[tokio::test]
async fn only_staff_of_the_awarding_institution_or_an_admin_revoke_a_certificate() {
    let app = test_app().await;
    let holder = guest(&app).await;
    let code = earn_py_certificate(&app, &holder).await;
    let learner = sign_up(&app, None, "learner@example.com", "学员").await;
    let other_staff = account_with_role(&app, "staff@xinghe.example", "staff", Some(XINGHE)).await;
    let staff = account_with_role(&app, "staff@mabu.example", "staff", Some(MABU)).await;
    let admin = account_with_role(&app, "admin@jieti.example", "admin", None).await;
    let uri = format!("/api/v1/certificates/{code}/revoke");
    let revoke = |token: Option<String>, reason: &str| {
        let (app, uri, body) = (&app, uri.clone(), json!({ "reason": reason }));
        async move {
            let (s, _, v) = call(app, "POST", &uri, token.as_deref(), Some(body)).await;
            (s, v)
        }
    };

    assert_err(
        revoke(None, "x").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        None,
    );
    for who in [&learner, &holder, &other_staff] {
        let got = revoke(Some(who.clone()), "copied").await;
        assert_err(got, StatusCode::FORBIDDEN, "forbidden", None);
    }
    for reason in ["", "   ", "长".repeat(201).as_str()] {
        let got = revoke(Some(staff.clone()), reason).await;
        assert_err(got, StatusCode::BAD_REQUEST, "bad_request", Some("reason"));
    }
    let (s, _, v) = call(
        &app,
        "POST",
        "/api/v1/certificates/ZZZZZZZZZZZZZZZZZZZZ/revoke",
        Some(&staff),
        Some(json!({"reason": "x"})),
    )
    .await;
    assert_err((s, v), StatusCode::NOT_FOUND, "not_found", None);
    // Nothing above revoked it.
    assert!(app
        .get_json(&format!("/api/v1/certificates/{code}"))
        .await
        .get("revoked_at")
        .is_none());

    let before = Timestamp::now().as_second();
    let (s, v) = revoke(Some(staff.clone()), "  考试作弊  ").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let at = v["revoked_at"].as_i64().expect("revoked_at");
    assert!((before..=before + 5).contains(&at), "{at} vs {before}");
    assert_eq!(v["revoked_reason"], "考试作弊", "trimmed");
    assert_eq!(v["code"], code.as_str());
    let public = app.get_json(&format!("/api/v1/certificates/{code}")).await;
    assert_eq!(public, v);
    // The holder still sees it, revoked.
    assert_eq!(dashboard(&app, &holder).await["certificates"][0], v);
    // A second revocation (an admin may) keeps the first one's time and reason.
    let (s, again) = revoke(Some(admin.clone()), "another reason").await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again, v);
}

// ---------------------------------------------------------------------------------------------
// 6. Analytics and roles.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn analytics_are_for_staff_of_the_institution_and_admins_only() {
    let app = test_app().await;
    let learner = sign_up(&app, None, "learner@example.com", "学员").await;
    let staff = account_with_role(&app, "staff@mabu.example", "staff", Some(MABU)).await;
    let other = account_with_role(&app, "staff@xinghe.example", "staff", Some(XINGHE)).await;
    let admin = account_with_role(&app, "admin@jieti.example", "admin", None).await;
    let course = format!("/api/v1/courses/{PY}/analytics");
    let inst = format!("/api/v1/institutions/{MABU}/analytics");

    for uri in [&course, &inst] {
        assert_err(
            get(&app, uri, None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            None,
        );
        for who in [&learner, &other] {
            let got = get(&app, uri, Some(who)).await;
            assert_err(got, StatusCode::FORBIDDEN, "forbidden", None);
        }
        for who in [&staff, &admin] {
            let (s, v) = get(&app, uri, Some(who)).await;
            assert_eq!(s, StatusCode::OK, "{uri}: {v}");
        }
    }
    // Staff see only their own institution's courses; an admin sees any.
    let xinghe_course = "/api/v1/courses/java-spring-boot/analytics";
    let xinghe_inst = format!("/api/v1/institutions/{XINGHE}/analytics");
    for uri in [xinghe_course, &xinghe_inst] {
        assert_err(
            get(&app, uri, Some(&staff)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
            None,
        );
        assert_eq!(get(&app, uri, Some(&other)).await.0, StatusCode::OK);
        assert_eq!(get(&app, uri, Some(&admin)).await.0, StatusCode::OK);
    }
    // Unknown ids: 404 for an admin; staff learn nothing about other institution ids.
    let nope = "/api/v1/institutions/nope/analytics";
    assert_err(
        get(&app, nope, Some(&admin)).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    assert_err(
        get(&app, nope, Some(&staff)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    );
    let nope = "/api/v1/courses/nope/analytics";
    assert_err(
        get(&app, nope, Some(&admin)).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );

    // The dashboard says who they are.
    let d = dashboard(&app, &staff).await;
    assert_eq!(
        (d["role"].as_str(), d["institution_id"].as_str()),
        (Some("staff"), Some(MABU))
    );
    assert_eq!(dashboard(&app, &admin).await["role"], "admin");
    assert_eq!(dashboard(&app, &learner).await["role"], "learner");
    // set_role refuses what does not exist.
    assert!(
        set_role(&app.db, "staff@mabu.example", "staff", Some("nope"))
            .await
            .is_err()
    );
    assert!(set_role(&app.db, "nobody@example.com", "admin", None)
        .await
        .is_err());
    // Demoted: the same token loses access on the next request.
    set_role(&app.db, "staff@mabu.example", "learner", None)
        .await
        .expect("demote");
    assert_err(
        get(&app, &course, Some(&staff)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    );
}

#[tokio::test]
async fn the_funnel_counts_enrolled_learners_per_lesson() {
    let app = test_app().await;
    let admin = account_with_role(&app, "admin@jieti.example", "admin", None).await;
    let lessons = lesson_ids(&app, PY).await;
    let base = now_ms() - 6 * HOUR;
    // A: lessons 1–2. B: lesson 1, and 20 s of lesson 3 (started, not complete).
    // C: enrolled, nothing studied. D: the whole course (no quiz, so no certificate).
    // E: lesson 1, then left the course: not counted anywhere.
    let (a, b, c, d, e) = (
        guest(&app).await,
        guest(&app).await,
        guest(&app).await,
        guest(&app).await,
        guest(&app).await,
    );
    complete(&app, &a, &lessons[..2], base).await;
    complete(&app, &b, &lessons[..1], base).await;
    post_events(
        &app,
        &b,
        vec![watched(&lessons[2], base + HOUR, 0.0, 20.0, 1.0)],
    )
    .await;
    enroll(&app, &c, PY).await;
    complete(&app, &d, &lessons, base).await;
    complete(&app, &e, &lessons[..1], base).await;
    let (s, _, _) = call(
        &app,
        "DELETE",
        &format!("/api/v1/courses/{PY}/enrollment"),
        Some(&e),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    let (s, v) = get(
        &app,
        &format!("/api/v1/courses/{PY}/analytics"),
        Some(&admin),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["course_id"], PY);
    // Enrolled A, B, C, D; completed D only, the same hour it enrolled: 0.0 days.
    assert_eq!(
        (v["enrolled"].as_u64(), v["completed"].as_u64()),
        (Some(4), Some(1))
    );
    assert_eq!(v["avg_days_to_complete"], 0.0);
    // Started/completed per lesson: L1 A B D (3/3); L2 A D (2/2); L3 B D started, D done (2/1);
    // L4–L13 D alone (1/1).
    let funnel: Vec<(String, u64, u64)> = v["funnel"]
        .as_array()
        .expect("funnel")
        .iter()
        .map(|f| {
            (
                f["lesson_id"].as_str().unwrap().to_owned(),
                f["started"].as_u64().unwrap(),
                f["completed"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut want = vec![
        (lessons[0].clone(), 3, 3),
        (lessons[1].clone(), 2, 2),
        (lessons[2].clone(), 2, 1),
    ];
    want.extend(lessons[3..].iter().map(|l| (l.clone(), 1, 1)));
    assert_eq!(funnel, want);
    // Enrolments per week (Shanghai, from Monday), 12 weeks ending this one: all four this week.
    let this_monday = {
        let today = today_in(SHANGHAI);
        days_before(today, i64::from(today.weekday().to_monday_zero_offset()))
    };
    let weeks: Vec<(String, u64)> = v["enrolments"]
        .as_array()
        .expect("enrolments")
        .iter()
        .map(|w| {
            (
                w["week"].as_str().unwrap().to_owned(),
                w["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = (0..12)
        .rev()
        .map(|back| {
            let week = days_before(this_monday, 7 * back);
            (week.to_string(), if back == 0 { 4 } else { 0 })
        })
        .collect();
    assert_eq!(weeks, want);
    // Nobody took a quiz and nobody earned a certificate.
    for q in v["quizzes"].as_array().expect("quizzes") {
        assert_eq!(q["learners"], 0, "{q}");
        assert_eq!(q["histogram"], json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        assert!(q.get("mean_pct").is_none(), "{q}");
    }
    assert_eq!(v["certificates"], json!([]));

    // The institution overview counts the same enrolments and completions.
    let (s, i) = get(
        &app,
        &format!("/api/v1/institutions/{MABU}/analytics"),
        Some(&admin),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{i}");
    let py = i["courses"]
        .as_array()
        .expect("courses")
        .iter()
        .find(|c| c["course_id"] == PY)
        .expect("python-basics")
        .clone();
    assert_eq!(
        (
            py["enrolled"].as_u64(),
            py["completed"].as_u64(),
            py["flagged_items"].as_u64()
        ),
        (Some(4), Some(1), Some(0))
    );
    assert_eq!(i["courses"][0]["course_id"], PY, "most enrolments first");
}

/// Ten learners' right (1) and wrong (0) answers to q1..q6 of python-basics-quiz (points
/// 1, 2, 2, 2, 2, 1), strongest first. q1 is answered right by exactly the six weakest: a
/// reversed item. Totals are distinct where the 27 % groups (3 of 10) end: 7 | 6 and 4 | 3.
const DESIGN: [([u8; 6], u32); 10] = [
    ([0, 1, 1, 1, 1, 1], 9),
    ([0, 1, 1, 1, 1, 1], 9),
    ([0, 1, 1, 1, 0, 1], 7),
    ([0, 1, 1, 0, 1, 0], 6),
    ([1, 1, 0, 1, 0, 1], 6),
    ([1, 0, 1, 0, 0, 1], 4),
    ([1, 1, 0, 0, 0, 1], 4),
    ([1, 0, 0, 1, 0, 0], 3),
    ([1, 0, 0, 0, 0, 1], 2),
    ([1, 0, 0, 0, 0, 0], 1),
];

fn design_answers(row: [u8; 6]) -> Value {
    py_answers(row.map(|x| x == 1))
}

fn quiz_of<'a>(course: &'a Value, quiz: &str) -> &'a Value {
    course["quizzes"]
        .as_array()
        .expect("quizzes")
        .iter()
        .find(|q| q["quiz_id"] == quiz)
        .unwrap_or_else(|| panic!("{quiz} in {course}"))
}

#[tokio::test]
async fn item_analysis_reads_first_attempts_and_flags_the_reversed_item() {
    let app = test_app().await;
    let staff = account_with_role(&app, "staff@mabu.example", "staff", Some(MABU)).await;
    let course_uri = format!("/api/v1/courses/{PY}/analytics");
    let inst_uri = format!("/api/v1/institutions/{MABU}/analytics");
    let analytics = |uri: String| {
        let (app, staff) = (&app, staff.clone());
        async move {
            let (s, v) = get(app, &uri, Some(&staff)).await;
            assert_eq!(s, StatusCode::OK, "{uri}: {v}");
            v
        }
    };
    // No attempts yet: nothing analysed, no assessment quality anywhere.
    let public = app.get_json(&format!("/api/v1/institutions/{MABU}")).await;
    assert!(
        public["quality"].get("assessment_quality").is_none(),
        "{public}"
    );

    let mut takers = Vec::new();
    for (row, total) in DESIGN {
        let t = guest(&app).await;
        take_quiz_scoring(
            &app,
            &t,
            PY_QUIZ,
            design_answers(row),
            f64::from(total) * 10.0,
        )
        .await;
        takers.push(t);
        if takers.len() == 9 {
            // Nine responses: figures, but no flags before ten.
            let v = analytics(course_uri.clone()).await;
            for item in quiz_of(&v, PY_QUIZ)["items"].as_array().expect("items") {
                assert_eq!(item["responses"], 9, "{item}");
                assert_eq!(item["flags"], json!([]), "{item}");
            }
            let i = analytics(inst_uri.clone()).await;
            assert_eq!(
                (i["items_analysed"].as_u64(), i["items_flagged"].as_u64()),
                (Some(0), Some(0))
            );
            assert!(i["quality"].get("assessment_quality").is_none(), "{i}");
        }
    }

    let v = analytics(course_uri.clone()).await;
    let q = quiz_of(&v, PY_QUIZ).clone();
    assert_eq!(q["mode"], "graded");
    assert_eq!(q["learners"], 10);
    // First-attempt scores 90 90 70 60 60 40 40 30 20 10: mean 510 / 10 = 51; five reach 60.
    assert_eq!(q["mean_pct"], 51.0);
    assert_round3(&q["pass_rate"], 0.5, "pass_rate");
    // Bands 0–9 … 90–100: 10→1, 20→2, 30→3, 40×2→4, 60×2→6, 70→7, 90×2→9; ten in all.
    assert_eq!(q["histogram"], json!([0, 1, 1, 1, 2, 0, 2, 1, 0, 2]));
    let sum: u64 = q["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap())
        .sum();
    assert_eq!(sum, 10);
    // Per item: difficulty p = share right; discrimination r = Σdxdy / √(Σdx²·Σdy²) between the
    // item (0/1) and the rest-of-quiz score; upper–lower = p(top 3) − p(bottom 3), the top being
    // totals 9, 9, 7 and the bottom 3, 2, 1.
    //   q1: rest 9 9 7 6 5 3 3 2 1 0; Σdxdy −13, Σdx² 2.4, Σdy² 92.5 → r −0.873; top 0, bottom 1 → −1.
    //   q2: rest 7 7 5 4 4 4 2 3 2 1; Σdxdy 5.6, Σdx² 2.4, Σdy² 36.9 → r 0.595; 1 − 0 → 1.
    //   q3: rest 7 7 5 4 6 2 4 3 2 1; Σdxdy 4.5, Σdx² 2.5, Σdy² 40.9 → r 0.445; 1 − 0 → 1.
    //   q4: rest 7 7 5 6 4 4 4 1 2 1; Σdxdy 3.5, Σdx² 2.5, Σdy² 44.9 → r 0.330; 1 − 1/3 → 0.667.
    //   q5: rest 7 7 7 4 6 4 4 3 2 1; Σdxdy 4.5, Σdx² 2.1, Σdy² 42.5 → r 0.476; 2/3 − 0 → 0.667.
    //   q6: rest 8 8 6 6 5 3 3 3 1 1; Σdxdy 3.2, Σdx² 2.1, Σdy² 60.4 → r 0.284; 1 − 1/3 → 0.667.
    // Only q1 is flagged: r < 0. No p is under 0.2 or over 0.95; every other r is at least 0.2.
    let want: [(&str, &str, f64, f64, f64, Value); 6] = [
        (
            "py-q1",
            "single",
            0.6,
            -13.0 / (2.4f64 * 92.5).sqrt(),
            -1.0,
            json!(["negative_discrimination"]),
        ),
        (
            "py-q2",
            "multiple",
            0.6,
            5.6 / (2.4f64 * 36.9).sqrt(),
            1.0,
            json!([]),
        ),
        (
            "py-q3",
            "fill_blank",
            0.5,
            4.5 / (2.5f64 * 40.9).sqrt(),
            1.0,
            json!([]),
        ),
        (
            "py-q4",
            "ordering",
            0.5,
            3.5 / (2.5f64 * 44.9).sqrt(),
            2.0 / 3.0,
            json!([]),
        ),
        (
            "py-q5",
            "matching",
            0.3,
            4.5 / (2.1f64 * 42.5).sqrt(),
            2.0 / 3.0,
            json!([]),
        ),
        (
            "py-q6",
            "numeric",
            0.7,
            3.2 / (2.1f64 * 60.4).sqrt(),
            2.0 / 3.0,
            json!([]),
        ),
    ];
    let items = q["items"].as_array().expect("items");
    assert_eq!(items.len(), 6);
    for (item, (id, kind, p, r, ul, flags)) in items.iter().zip(want) {
        assert_eq!(item["question_id"], id);
        assert_eq!(item["kind"], kind, "{id}");
        assert_eq!(item["responses"], 10, "{id}");
        assert!(!item["prompt"].as_str().unwrap_or("").is_empty(), "{id}");
        assert_round3(&item["difficulty"], p, &format!("{id} difficulty"));
        assert_round3(&item["discrimination"], r, &format!("{id} discrimination"));
        assert_round3(&item["upper_lower"], ul, &format!("{id} upper_lower"));
        assert_eq!(item["flags"], flags, "{id}");
    }
    // The practice quiz nobody took.
    assert_eq!(quiz_of(&v, PY_PRACTICE)["learners"], 0);

    // The weakest learner tries again and gets everything right: only first attempts count.
    take_quiz_scoring(&app, &takers[9], PY_QUIZ, py_answers(ALL_RIGHT), 100.0).await;
    let again = analytics(course_uri.clone()).await;
    assert_eq!(quiz_of(&again, PY_QUIZ), &q);

    // The institution: 6 items analysed, 1 flagged, all on python-basics; quality 1 − 1/6.
    let i = analytics(inst_uri.clone()).await;
    assert_eq!(
        (i["items_analysed"].as_u64(), i["items_flagged"].as_u64()),
        (Some(6), Some(1))
    );
    for c in i["courses"].as_array().expect("courses") {
        let want = if c["course_id"] == PY { 1 } else { 0 };
        assert_eq!(c["flagged_items"], want, "{c}");
    }
    assert_round3(
        &i["quality"]["assessment_quality"],
        1.0 - 1.0 / 6.0,
        "assessment_quality",
    );
    // The public profile reads the same figures.
    let public = app.get_json(&format!("/api/v1/institutions/{MABU}")).await;
    assert_eq!(
        public["quality"]["assessment_quality"],
        i["quality"]["assessment_quality"]
    );
    assert_eq!(public["quality"], i["quality"]);
}

#[tokio::test]
async fn the_demo_staff_account_sees_simulated_activity_with_a_flagged_item() {
    let app = test_app().await;
    // Only asked for (`serve --demo-accounts`): a plain demo database has no such accounts.
    let (s, _, _) = call(
        &app,
        "POST",
        "/api/v1/session",
        None,
        Some(json!({"email": "admin@jieti.demo", "password": jieti_server::seed::DEMO_PASSWORD})),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    jieti_server::seed::seed_demo_accounts(&app.db)
        .await
        .expect("demo accounts");
    // The demo accounts sign in with the documented password.
    let (s, _, v) = call(
        &app,
        "POST",
        "/api/v1/session",
        None,
        Some(
            json!({"email": "staff@jinzhang.demo", "password": jieti_server::seed::DEMO_PASSWORD}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let staff = v["token"].as_str().expect("token").to_owned();
    let d = dashboard(&app, &staff).await;
    assert_eq!(d["role"], "staff");
    assert_eq!(d["institution_id"], "jinzhang-accounting");
    let (s, c) = get(
        &app,
        "/api/v1/courses/junior-accountant-practice/analytics",
        Some(&staff),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    // Sixty simulated learners, fewer at each lesson, and the reversed exam item flagged.
    assert_eq!(c["enrolled"], 60);
    let funnel = c["funnel"].as_array().expect("funnel");
    assert_eq!(
        funnel.len(),
        lesson_ids(&app, "junior-accountant-practice").await.len()
    );
    let completed: Vec<u64> = funnel
        .iter()
        .map(|f| f["completed"].as_u64().unwrap())
        .collect();
    assert!(completed.windows(2).all(|w| w[0] >= w[1]), "{completed:?}");
    assert_eq!(c["completed"].as_u64(), completed.last().copied());
    let exam = &c["quizzes"][0];
    assert_eq!(exam["quiz_id"], "accountant-mock-exam");
    assert!(exam["learners"].as_u64().unwrap() >= 10, "{exam}");
    let flagged: Vec<&Value> = exam["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["flags"]
                .as_array()
                .unwrap()
                .contains(&json!("negative_discrimination"))
        })
        .collect();
    assert_eq!(flagged.len(), 1, "{exam}");
    assert_eq!(flagged[0]["question_id"], exam["items"][2]["question_id"]);
    // Its certificates are listed for the staff to manage; another institution's staff see nothing.
    assert!(!c["certificates"].as_array().unwrap().is_empty());
    let other = account_with_role(&app, "staff@mabu.example", "staff", Some(MABU)).await;
    let (s, _) = get(
        &app,
        "/api/v1/institutions/jinzhang-accounting/analytics",
        Some(&other),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
