//! The learning player's API: lessons, progress events and completion, notes, over a real SQLite file.

mod common;

use axum::http::StatusCode;
use common::{assert_error, call, guest, test_app, TestApp};
use serde_json::{json, Value};

/// python-basics: 3 video lessons then more; its zh-Hans videos are the test manifest's 50 s `zh1`.
const COURSE: &str = "python-basics";
const VIDEO: &str = "python-basics-1";

fn watched(id: &str, lesson: &str, at: i64, from: f64, to: f64, rate: f64) -> Value {
    json!({"id": id, "lesson_id": lesson, "at_ms": at,
           "action": {"watched": {"from_s": from, "to_s": to, "rate": rate}}})
}

async fn send(app: &TestApp, token: &str, events: Vec<Value>) -> Value {
    let (s, _, v) = call(
        app,
        "POST",
        "/api/v1/progress/events",
        Some(token),
        Some(json!({ "events": events })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn progress(app: &TestApp, token: &str) -> Value {
    let (s, _, v) = call(
        app,
        "GET",
        &format!("/api/v1/courses/{COURSE}/progress"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn lesson<'a>(p: &'a Value, id: &str) -> &'a Value {
    p["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lesson_id"] == id)
        .unwrap_or(&Value::Null)
}

#[tokio::test]
async fn a_lesson_has_its_media_or_blocks_and_its_neighbours() {
    let app = test_app().await;
    let v = app.get_json(&format!("/api/v1/lessons/{VIDEO}")).await;
    assert_eq!(v["course_id"], COURSE);
    assert_eq!(v["kind"], "video");
    assert!(v.get("prev").is_none());
    assert_eq!(v["next"], "python-basics-2");
    assert_eq!(v["video"]["duration_s"], 50.0);
    assert_eq!(
        v["video"]["renditions"][0]["url"],
        "/media/videos/zh1/240p.mp4"
    );
    assert!(v.get("blocks").is_none());

    // The hand-written article: structured blocks, no HTML anywhere.
    let detail = app.get_json(&format!("/api/v1/courses/{COURSE}")).await;
    let article = detail["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["lessons"].as_array().unwrap().iter())
        .find(|l| l["title"] == "常见报错信息怎么看")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = app.get_json(&format!("/api/v1/lessons/{article}")).await;
    assert_eq!(a["kind"], "article");
    let blocks = a["blocks"].as_array().unwrap();
    let types: Vec<&str> = blocks
        .iter()
        .map(|b| b.as_object().unwrap().keys().next().unwrap().as_str())
        .collect();
    for t in ["heading", "paragraph", "list", "code", "quote"] {
        assert!(types.contains(&t), "{t} in {types:?}");
    }
    assert!(a["min_read_s"].as_u64().unwrap() >= 5);
    assert!(!a.to_string().contains("<p>"));
    // Every other article gets a reading sheet made from its course.
    let sheet = detail["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["lessons"].as_array().unwrap().iter())
        .find(|l| l["kind"] == "article" && l["id"] != article.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = app.get_json(&format!("/api/v1/lessons/{sheet}")).await;
    assert!(other["blocks"].as_array().unwrap().len() >= 3, "{other}");

    let (s, body) = app.get("/api/v1/lessons/nope").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_error(&body, "not_found");
}

#[tokio::test]
async fn a_video_completes_only_from_distinct_seconds_played_at_watching_speed() {
    let app = test_app().await;
    let t = guest(&app).await;
    // Seek to the end and play the last seconds: 5 of 50 s.
    let r = send(
        &app,
        &t,
        vec![
            json!({"id": "ev-seek-0001", "lesson_id": VIDEO, "at_ms": 1000,
                   "action": {"position": {"position_s": 45.0}}}),
            watched("ev-tail-0001", VIDEO, 2000, 45.0, 50.0, 1.0),
        ],
    )
    .await;
    assert_eq!(r, json!({"accepted": 2, "duplicates": 0}));
    let p = progress(&app, &t).await;
    assert_eq!(lesson(&p, VIDEO)["completed"], false);
    assert_eq!(lesson(&p, VIDEO)["seconds"], 5.0);
    assert_eq!(p["last_lesson_id"], VIDEO);

    // Played at 4x: does not count. Replaying the tail: adds nothing.
    send(
        &app,
        &t,
        vec![
            watched("ev-fast-0001", VIDEO, 3000, 0.0, 40.0, 4.0),
            watched("ev-tail-0002", VIDEO, 4000, 45.0, 50.0, 1.0),
            // Outside the video: does not count.
            watched("ev-outs-0001", VIDEO, 4500, -10.0, 5.0, 1.0),
        ],
    )
    .await;
    let p = progress(&app, &t).await;
    assert_eq!(lesson(&p, VIDEO)["seconds"], 5.0);
    assert_eq!(lesson(&p, VIDEO)["completed"], false);

    // Real playing in 10 s stretches, at 1.5x and 2x: 0–40 plus 45–50 = 45 s = 90 %.
    let stretches: Vec<Value> = (0..4)
        .map(|i| {
            let from = f64::from(i) * 10.0;
            watched(
                &format!("ev-play-{i:04}"),
                VIDEO,
                5000 + i64::from(i),
                from,
                from + 10.0,
                if i % 2 == 0 { 1.5 } else { 2.0 },
            )
        })
        .collect();
    send(&app, &t, stretches[..3].to_vec()).await;
    let p = progress(&app, &t).await;
    assert_eq!(lesson(&p, VIDEO)["completed"], false, "35 s of 50");
    send(&app, &t, stretches[3..].to_vec()).await;
    let p = progress(&app, &t).await;
    assert_eq!(lesson(&p, VIDEO)["seconds"], 45.0);
    assert_eq!(lesson(&p, VIDEO)["completed"], true);
    assert_eq!(p["completed"], 1);
    assert!(p["total"].as_u64().unwrap() > 1);

    // Studying enrolled the guest.
    let (s, _, e) = call(
        &app,
        "GET",
        &format!("/api/v1/courses/{COURSE}/enrollment"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
}

#[tokio::test]
async fn resent_events_count_once_and_late_positions_never_move_back() {
    let app = test_app().await;
    let t = guest(&app).await;
    let batch = vec![
        watched("dup-aaaa-0001", VIDEO, 10_000, 0.0, 10.0, 1.0),
        json!({"id": "dup-aaaa-0002", "lesson_id": VIDEO, "at_ms": 20_000,
               "action": {"position": {"position_s": 30.0}}}),
    ];
    assert_eq!(
        send(&app, &t, batch.clone()).await,
        json!({"accepted": 2, "duplicates": 0})
    );
    // The client did not see the answer and sends again, with one new event.
    let mut again = batch.clone();
    again.push(
        json!({"id": "dup-aaaa-0003", "lesson_id": VIDEO, "at_ms": 15_000,
                      "action": {"position": {"position_s": 12.0}}}),
    );
    assert_eq!(
        send(&app, &t, again).await,
        json!({"accepted": 1, "duplicates": 2})
    );
    let p = progress(&app, &t).await;
    assert_eq!(lesson(&p, VIDEO)["seconds"], 10.0);
    // 12 s was recorded earlier (at 15 s) than 30 s (at 20 s): the resume point stays at 30.
    assert_eq!(lesson(&p, VIDEO)["position"], 30.0);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM progress_events")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 3);

    // The same ids from another learner are theirs, not duplicates.
    let other = guest(&app).await;
    assert_eq!(
        send(&app, &other, batch).await,
        json!({"accepted": 2, "duplicates": 0})
    );
}

#[tokio::test]
async fn an_article_counts_when_its_end_was_reached_after_long_enough() {
    let app = test_app().await;
    let t = guest(&app).await;
    let id = "python-basics-7";
    let a = app.get_json(&format!("/api/v1/lessons/{id}")).await;
    assert_eq!(a["kind"], "article", "{a}");
    let need = a["min_read_s"].as_f64().unwrap();
    let read = |n: u32, open: f64, end: bool| {
        json!({"id": format!("read-{n:08}"), "lesson_id": id, "at_ms": 1000 + i64::from(n),
               "action": {"read": {"open_s": open, "reached_end": end, "block": 3}}})
    };
    // Scrolled straight to the end: not read.
    send(&app, &t, vec![read(1, 2.0, true)]).await;
    let p = progress(&app, &t).await;
    assert_eq!(lesson(&p, id)["completed"], false);
    assert_eq!(lesson(&p, id)["position"], 3.0);
    send(&app, &t, vec![read(2, need, false)]).await;
    let p = progress(&app, &t).await;
    assert_eq!(lesson(&p, id)["completed"], true);
}

#[tokio::test]
async fn bad_batches_are_refused_whole_and_unknown_lessons_skipped() {
    let app = test_app().await;
    let t = guest(&app).await;
    let post = |body: Value, token: Option<String>| {
        let app = &app;
        async move {
            call(
                app,
                "POST",
                "/api/v1/progress/events",
                token.as_deref(),
                Some(body),
            )
            .await
        }
    };
    let (s, _, v) = post(
        json!({"events": [watched("ok-id-0001", VIDEO, 1, 0.0, 1.0, 1.0)]}),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let (s, _, v) = post(json!({"events": []}), Some(t.clone())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["field"], "events");
    let (s, _, _) = post(
        json!({"events": [watched("short", VIDEO, 1, 0.0, 1.0, 1.0)]}),
        Some(t.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, _) = post(
        json!({"events": [watched("bad id with spaces", VIDEO, 1, 0.0, 1.0, 1.0)]}),
        Some(t.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, v) = post(json!({"events": [{"id": "x-000000001", "lesson_id": VIDEO, "at_ms": 1, "action": {"teleport": {}}}]}), Some(t.clone())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let many: Vec<Value> = (0..201)
        .map(|i| watched(&format!("many-{i:06}"), VIDEO, i, 0.0, 1.0, 1.0))
        .collect();
    let (s, _, _) = post(json!({ "events": many }), Some(t.clone())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // A lesson removed while the learner was offline: skipped, so the queue never sticks.
    let r = send(
        &app,
        &t,
        vec![watched("gone-00000001", "no-such-lesson", 1, 0.0, 1.0, 1.0)],
    )
    .await;
    assert_eq!(r, json!({"accepted": 0, "duplicates": 0}));
    let (s, _, _) = call(&app, "GET", "/api/v1/courses/nope/progress", Some(&t), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn finishing_every_lesson_completes_the_course_and_reseeding_keeps_progress() {
    let app = test_app().await;
    let t = guest(&app).await;
    let detail = app.get_json("/api/v1/courses/python-basics").await;
    let mut events = Vec::new();
    let mut n = 0;
    for ch in detail["chapters"].as_array().unwrap() {
        for l in ch["lessons"].as_array().unwrap() {
            let id = l["id"].as_str().unwrap();
            let a = app.get_json(&format!("/api/v1/lessons/{id}")).await;
            if a["kind"] == "video" {
                let d = a["video"]["duration_s"].as_f64().unwrap();
                let mut from = 0.0;
                while from < d {
                    n += 1;
                    events.push(watched(
                        &format!("all-{n:08}"),
                        id,
                        n,
                        from,
                        (from + 10.0).min(d),
                        1.0,
                    ));
                    from += 10.0;
                }
            } else {
                n += 1;
                events.push(json!({"id": format!("all-{n:08}"), "lesson_id": id, "at_ms": n,
                    "action": {"read": {"open_s": a["min_read_s"], "reached_end": true, "block": 0}}}));
            }
        }
    }
    for chunk in events.chunks(200) {
        send(&app, &t, chunk.to_vec()).await;
    }
    let p = progress(&app, &t).await;
    assert_eq!(p["completed"], p["total"], "{p}");
    let done: Option<i64> = sqlx::query_scalar(
        "SELECT e.completed_at FROM enrollments e JOIN sessions s ON s.learner_id = e.learner_id
         WHERE e.course_id = 'python-basics'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(done.is_some());

    // A new demo seed (say, after an upgrade) must not delete lessons and with them progress.
    jieti_server::db::set_meta(&app.db, "demo_seed_version", "old")
        .await
        .unwrap();
    jieti_server::seed::seed_demo(&app.db, &app.path("media"))
        .await
        .unwrap();
    let again = progress(&app, &t).await;
    assert_eq!(again["completed"], p["completed"]);
}

#[tokio::test]
async fn notes_are_private_keyed_by_client_ids_and_newest_edit_wins() {
    let app = test_app().await;
    let (a, b) = (guest(&app).await, guest(&app).await);
    let note = |body: &str, at: i64| {
        json!({"id": "note-0000-0001", "lesson_id": VIDEO, "kind": "note", "position": 12.5,
               "body": body, "updated_at_ms": at})
    };
    let put = |token: String, body: Value| {
        let app = &app;
        async move {
            call(
                app,
                "PUT",
                "/api/v1/notes/note-0000-0001",
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let (s, _, v) = put(a.clone(), note("变量就像盒子 <b>", 100)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["body"], "变量就像盒子 <b>");
    // An older edit arriving late (from an offline queue) loses.
    let (_, _, v) = put(a.clone(), note("older", 50)).await;
    assert_eq!(v["body"], "变量就像盒子 <b>");
    let (_, _, v) = put(a.clone(), note("newer", 200)).await;
    assert_eq!(v["body"], "newer");

    // Another learner sees nothing of it and the same id is theirs alone.
    let list = |token: String| {
        let app = &app;
        async move {
            call(
                app,
                "GET",
                &format!("/api/v1/lessons/{VIDEO}/notes"),
                Some(&token),
                None,
            )
            .await
            .2
        }
    };
    assert_eq!(list(b.clone()).await, json!([]));
    let (s, _, _) = put(b.clone(), note("b's own", 1)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list(a.clone()).await[0]["body"], "newer");
    let (s, _, _) = call(
        &app,
        "DELETE",
        "/api/v1/notes/note-0000-0001",
        Some(&b),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        list(a.clone()).await.as_array().unwrap().len(),
        1,
        "b deleted only b's note"
    );

    // Bad input.
    let (s, _, v) = put(a.clone(), json!({"id": "other-id-01", "lesson_id": VIDEO, "kind": "note", "position": 1, "body": "", "updated_at_ms": 1})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["field"], "id");
    let (s, _, v) = put(a.clone(), note(&"长".repeat(2001), 300)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["field"], "body");
    let (s, _, v) = put(a.clone(), json!({"id": "note-0000-0001", "lesson_id": "nope", "kind": "bookmark", "position": 1, "body": "", "updated_at_ms": 999})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["field"], "lesson_id");
    let (s, _, _) = call(
        &app,
        "GET",
        &format!("/api/v1/lessons/{VIDEO}/notes"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let (s, _, _) = call(
        &app,
        "DELETE",
        "/api/v1/notes/note-0000-0001",
        Some(&a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(list(a.clone()).await, json!([]));
    // An edit made before the deletion, arriving after it (another device's queue), stays deleted.
    let (s, _, _) = put(a.clone(), note("edited offline last week", 300)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list(a.clone()).await, json!([]));
    // An edit made after it (by the clock) brings the note back, as the newest edit wins.
    let later = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        + 5_000;
    put(a.clone(), note("written again", later)).await;
    assert_eq!(list(a).await[0]["body"], "written again");
}

#[tokio::test]
async fn signing_in_brings_a_guests_progress_and_notes_into_the_account() {
    let app = test_app().await;
    // An account exists (made from one guest), then another guest studies on a shared phone.
    let first = guest(&app).await;
    let (s, _, _) = call(
        &app,
        "POST",
        "/api/v1/account",
        Some(&first),
        Some(json!({"email": "wang@example.com", "password": "ladder-2026", "display_name": "王"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let g = guest(&app).await;
    send(
        &app,
        &g,
        vec![watched("g-watch-0001", VIDEO, 5, 0.0, 10.0, 1.0)],
    )
    .await;
    let (s, _, _) = call(
        &app,
        "PUT",
        "/api/v1/notes/g-note-00001",
        Some(&g),
        Some(json!({"id": "g-note-00001", "lesson_id": VIDEO, "kind": "bookmark", "position": 3.0, "body": "", "updated_at_ms": 9})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, session) = call(
        &app,
        "POST",
        "/api/v1/session",
        Some(&g),
        Some(json!({"email": "wang@example.com", "password": "ladder-2026"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{session}");
    let account = session["token"].as_str().unwrap();
    let p = progress(&app, account).await;
    assert_eq!(lesson(&p, VIDEO)["seconds"], 10.0, "{p}");
    let (_, _, notes) = call(
        &app,
        "GET",
        &format!("/api/v1/lessons/{VIDEO}/notes"),
        Some(account),
        None,
    )
    .await;
    assert_eq!(notes[0]["id"], "g-note-00001");
    // The guest's queue, resent under the account's token, is not counted twice.
    assert_eq!(
        send(
            &app,
            account,
            vec![watched("g-watch-0001", VIDEO, 5, 0.0, 10.0, 1.0)]
        )
        .await,
        json!({"accepted": 0, "duplicates": 1})
    );
}

#[tokio::test]
async fn a_clock_running_ahead_does_not_freeze_the_resume_point() {
    let app = test_app().await;
    let t = guest(&app).await;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let position = |id: &str, at: i64, p: f64| json!({"id": id, "lesson_id": VIDEO, "at_ms": at, "action": {"position": {"position_s": p}}});
    // A phone set to 2030 reports first; the same learner then studies on a correct device.
    send(
        &app,
        &t,
        vec![position("clock-ahead-01", 1_900_000_000_000, 10.0)],
    )
    .await;
    send(
        &app,
        &t,
        vec![position("clock-right-01", now_ms + 120_000, 30.0)],
    )
    .await;
    let p = progress(&app, &t).await;
    assert_eq!(lesson(&p, VIDEO)["position"], 30.0);
}
