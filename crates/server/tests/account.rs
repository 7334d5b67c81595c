//! Identity, enrolment, reviews and the course page, over a real SQLite file.

mod common;

use axum::http::StatusCode;
use common::{call, guest, test_app, TestApp};
use serde_json::json;

const COURSE: &str = "python-zero-to-project";

async fn some_course(app: &TestApp) -> String {
    let v = app.get_json("/api/v1/courses?per_page=1").await;
    v["items"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_guest_signs_up_in_place_and_keeps_enrolments() {
    let app = test_app().await;
    let course = some_course(&app).await;
    let token = guest(&app).await;
    let (s, _, me) = call(&app, "GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["kind"], "guest");
    let (s, _, e) = call(
        &app,
        "PUT",
        &format!("/api/v1/courses/{course}/enrollment"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["course_id"], course.as_str());

    let (s, _, session) = call(
        &app,
        "POST",
        "/api/v1/account",
        Some(&token),
        Some(json!({"email": " Li.Na@Example.com ", "password": "ladder-2026", "display_name": "李娜"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{session}");
    assert_eq!(
        session["learner"]["id"], me["id"],
        "the same learner, upgraded in place"
    );
    assert_eq!(session["learner"]["kind"], "account");
    assert_eq!(session["learner"]["email"], "li.na@example.com");
    let account = session["token"].as_str().unwrap();
    let (s, _, _) = call(&app, "GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the guest token is revoked by the upgrade"
    );
    let (_, _, mine) = call(&app, "GET", "/api/v1/me/courses", Some(account), None).await;
    assert_eq!(mine["items"][0]["id"], course.as_str());

    // Signing in elsewhere as a new guest, then into the account, brings that guest's courses too.
    let other_course = app.get_json("/api/v1/courses?per_page=2&page=2").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let g2 = guest(&app).await;
    call(
        &app,
        "PUT",
        &format!("/api/v1/courses/{other_course}/enrollment"),
        Some(&g2),
        None,
    )
    .await;
    let (s, _, s2) = call(
        &app,
        "POST",
        "/api/v1/session",
        Some(&g2),
        Some(json!({"email": "li.na@example.com", "password": "ladder-2026"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{s2}");
    let (_, _, mine) = call(
        &app,
        "GET",
        "/api/v1/me/courses",
        Some(s2["token"].as_str().unwrap()),
        None,
    )
    .await;
    let ids: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&course.as_str()) && ids.contains(&other_course.as_str()),
        "{ids:?}"
    );
}

#[tokio::test]
async fn sign_up_validates_every_field() {
    let app = test_app().await;
    for (body, field) in [
        (
            json!({"email": "not-an-email", "password": "ladder-2026", "display_name": "x"}),
            "email",
        ),
        (
            json!({"email": "a@b", "password": "ladder-2026", "display_name": "x"}),
            "email",
        ),
        (
            json!({"email": "a@b.cn", "password": "short", "display_name": "x"}),
            "password",
        ),
        (
            json!({"email": "a@b.cn", "password": "aaaaaaaaaa", "display_name": "x"}),
            "password",
        ),
        (
            json!({"email": "a@b.cn", "password": "ladder-2026", "display_name": "  "}),
            "display_name",
        ),
        (
            json!({"email": "a@b.cn", "password": "ladder-2026", "display_name": "名".repeat(41)}),
            "display_name",
        ),
    ] {
        let (s, _, v) = call(&app, "POST", "/api/v1/account", None, Some(body.clone())).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(v["error"]["field"], field, "{body}");
    }
    let (s, _, v) = call(
        &app,
        "POST",
        "/api/v1/account",
        None,
        Some(json!({"email": 5})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "bad_request");
    let ok = json!({"email": "wang@example.cn", "password": "ladder-2026", "display_name": "王"});
    assert_eq!(
        call(&app, "POST", "/api/v1/account", None, Some(ok.clone()))
            .await
            .0,
        StatusCode::CREATED
    );
    let (s, _, v) = call(&app, "POST", "/api/v1/account", None, Some(ok)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["error"]["field"], "email");
}

#[tokio::test]
async fn sign_in_sign_out_expiry_and_rate_limit() {
    let app = test_app().await;
    let body = json!({"email": "zhao@example.cn", "password": "ladder-2026", "display_name": "赵"});
    call(&app, "POST", "/api/v1/account", None, Some(body)).await;
    let (s, headers, v) = call(
        &app,
        "POST",
        "/api/v1/session",
        None,
        Some(json!({"email": "zhao@example.cn", "password": "wrong-one!"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(headers["www-authenticate"], "Bearer");
    let (_, _, unknown) = call(
        &app,
        "POST",
        "/api/v1/session",
        None,
        Some(json!({"email": "nobody@example.cn", "password": "wrong-one!"})),
    )
    .await;
    assert_eq!(
        unknown["error"]["message"], v["error"]["message"],
        "unknown emails are not told apart"
    );

    let (s, _, session) = call(
        &app,
        "POST",
        "/api/v1/session",
        None,
        Some(json!({"email": "ZHAO@example.cn", "password": "ladder-2026"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{session}");
    let token = session["token"].as_str().unwrap().to_owned();
    assert_eq!(
        call(&app, "GET", "/api/v1/me", Some(&token), None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, "DELETE", "/api/v1/session", Some(&token), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/me", Some(&token), None).await.0,
        StatusCode::UNAUTHORIZED
    );

    // An expired token is refused.
    let (_, _, s2) = call(
        &app,
        "POST",
        "/api/v1/session",
        None,
        Some(json!({"email": "zhao@example.cn", "password": "ladder-2026"})),
    )
    .await;
    let t2 = s2["token"].as_str().unwrap();
    sqlx::query("UPDATE sessions SET expires_at = 0 WHERE token_hash = $1")
        .bind(jieti_server::auth::token_hash(t2))
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        call(&app, "GET", "/api/v1/me", Some(t2), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Garbage tokens and schemes are 401, not 500.
    for t in ["x", "' OR 1=1 --", &"a".repeat(300)] {
        assert_eq!(
            call(&app, "GET", "/api/v1/me", Some(t), None).await.0,
            StatusCode::UNAUTHORIZED
        );
    }

    // Guessing is rate limited per email (ten attempts per 15 minutes were used above: three).
    let mut limited = None;
    for _ in 0..12 {
        let (s, h, _) = call(
            &app,
            "POST",
            "/api/v1/session",
            None,
            Some(json!({"email": "zhao@example.cn", "password": "guess-guess"})),
        )
        .await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(h);
            break;
        }
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let h = limited.expect("rate limited");
    assert!(h["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
}

#[tokio::test]
async fn enrolment_needs_a_learner_and_a_real_course() {
    let app = test_app().await;
    let (s, _, v) = call(&app, "PUT", "/api/v1/courses/x/enrollment", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"]["code"], "unauthorized");
    let token = guest(&app).await;
    let (s, _, v) = call(
        &app,
        "PUT",
        "/api/v1/courses/no-such-course/enrollment",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let course = some_course(&app).await;
    let uri = format!("/api/v1/courses/{course}/enrollment");
    assert_eq!(
        call(&app, "GET", &uri, Some(&token), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, _, first) = call(&app, "PUT", &uri, Some(&token), None).await;
    let (_, _, again) = call(&app, "PUT", &uri, Some(&token), None).await;
    assert_eq!(first, again, "enrolling twice keeps the first enrolment");
    // Another learner sees none of it.
    let other = guest(&app).await;
    let (_, _, theirs) = call(&app, "GET", "/api/v1/me/courses", Some(&other), None).await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0);
    assert_eq!(
        call(&app, "DELETE", &uri, Some(&token), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, "GET", &uri, Some(&token), None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn reviews_by_enrolled_learners_one_each_editable() {
    let app = test_app().await;
    let course = some_course(&app).await;
    let before = app.get_json(&format!("/api/v1/courses/{course}")).await;
    let dist = |v: &serde_json::Value| -> Vec<u64> {
        v["rating_distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .collect()
    };
    let d0 = dist(&before);
    assert_eq!(
        d0.iter().sum::<u64>(),
        before["course"]["rating_count"].as_u64().unwrap()
    );

    let token = guest(&app).await;
    let uri = format!("/api/v1/courses/{course}/review");
    // No review yet: 204, not an error; without a token: 401.
    assert_eq!(
        call(&app, "GET", &uri, Some(&token), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, "GET", &uri, None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, _, v) = call(
        &app,
        "PUT",
        &uri,
        Some(&token),
        Some(json!({"rating": 5, "body": "好课"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not enrolled: {v}");
    call(
        &app,
        "PUT",
        &format!("/api/v1/courses/{course}/enrollment"),
        Some(&token),
        None,
    )
    .await;
    for bad in [
        json!({"rating": 0}),
        json!({"rating": 6}),
        json!({"rating": 3.5}),
        json!({"rating": 3, "body": "长".repeat(2001)}),
        json!({"body": "x"}),
    ] {
        assert_eq!(
            call(&app, "PUT", &uri, Some(&token), Some(bad.clone()))
                .await
                .0,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let (s, _, r) = call(
        &app,
        "PUT",
        &uri,
        Some(&token),
        Some(json!({"rating": 2, "body": "<script>alert(1)</script> 讲得太快"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["author"], "学员");
    let mut d1 = d0.clone();
    d1[1] += 1;
    assert_eq!(
        dist(&app.get_json(&format!("/api/v1/courses/{course}")).await),
        d1
    );
    // Editing moves the one rating; it does not add a second. A whole float is an integer, as
    // in JSON Schema (Python clients send 4.0).
    let (s, _, r) = call(
        &app,
        "PUT",
        &uri,
        Some(&token),
        Some(json!({"rating": 4.0, "body": "后来觉得不错"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let mut d2 = d0.clone();
    d2[3] += 1;
    let after = app.get_json(&format!("/api/v1/courses/{course}")).await;
    assert_eq!(dist(&after), d2);
    assert_eq!(
        after["course"]["rating_count"].as_u64().unwrap(),
        d0.iter().sum::<u64>() + 1
    );
    let list = app
        .get_json(&format!("/api/v1/courses/{course}/reviews"))
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["body"], "后来觉得不错");
    assert_eq!(list["items"][0]["rating"], 4);
    // The learner reads back their own review to edit it; another learner has none.
    let (s, _, mine) = call(&app, "GET", &uri, Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (mine["rating"].as_u64(), mine["body"].as_str()),
        (Some(4), Some("后来觉得不错"))
    );
    let other = guest(&app).await;
    assert_eq!(
        call(&app, "GET", &uri, Some(&other), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, "DELETE", &uri, Some(&token), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        dist(&app.get_json(&format!("/api/v1/courses/{course}")).await),
        d0
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/courses/{course}/reviews"))
            .await["total"],
        0
    );
    let (s, _) = app
        .get(&format!("/api/v1/courses/{course}/reviews?page=0"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_course_page_has_syllabus_sizes_and_distribution() {
    let app = test_app().await;
    let (s, _) = app.get("/api/v1/courses/no-such-course").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let summaries = app.get_json("/api/v1/courses?per_page=100").await;
    for c in summaries["items"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let d = app.get_json(&format!("/api/v1/courses/{id}")).await;
        assert_eq!(&d["course"], c, "{id}: the page repeats the card's facts");
        let lessons: Vec<&serde_json::Value> = d["chapters"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|ch| ch["lessons"].as_array().unwrap())
            .collect();
        assert_eq!(lessons.len() as u64, c["lesson_count"].as_u64().unwrap());
        let secs: u64 = lessons
            .iter()
            .map(|l| l["duration_s"].as_u64().unwrap())
            .sum();
        assert_eq!(secs, c["duration_minutes"].as_u64().unwrap() * 60);
        assert_eq!(d["default_rendition"], "240p", "{id}: {d}");
        for l in lessons {
            match l["kind"].as_str().unwrap() {
                // 128 or 120 kbps × the lesson's length.
                "video" => {
                    let kbps = if c["lang"] == "en" { 120 } else { 128 };
                    assert_eq!(
                        l["size_bytes"].as_u64().unwrap(),
                        kbps * 1000 / 8 * l["duration_s"].as_u64().unwrap(),
                        "{id}"
                    );
                }
                _ => assert!(l.get("size_bytes").is_none()),
            }
        }
        assert!(!d["outcomes"].as_array().unwrap().is_empty());
    }
    let _ = COURSE;
}

#[tokio::test]
async fn the_institution_page_computes_its_quality_index_from_the_data() {
    let app = test_app().await;
    let (s, _) = app.get("/api/v1/institutions/nope").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let cards = app.get_json("/api/v1/courses?per_page=100").await;
    let inst = cards["items"][0]["institution"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let v = app.get_json(&format!("/api/v1/institutions/{inst}")).await;
    let mine: Vec<&serde_json::Value> = cards["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["institution"]["id"] == inst.as_str())
        .collect();
    assert_eq!(v["course_count"].as_u64().unwrap(), mine.len() as u64);
    assert_eq!(
        v["learner_count"].as_u64().unwrap(),
        mine.iter()
            .map(|c| c["learner_count"].as_u64().unwrap())
            .sum::<u64>()
    );
    let q0 = v["quality"].clone();
    assert_eq!(q0["active_learners"], 0);
    // Rating: the count-weighted mean over its courses, as the formula says.
    let mut sum = 0.0;
    let mut n = 0u64;
    for c in &mine {
        let d = app
            .get_json(&format!("/api/v1/courses/{}", c["id"].as_str().unwrap()))
            .await;
        for (i, k) in d["rating_distribution"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            sum += (i as f64 + 1.0) * k.as_f64().unwrap();
            n += k.as_u64().unwrap();
        }
    }
    let rating = sum / n as f64;
    assert!((q0["rating"].as_f64().unwrap() - rating).abs() < 0.006);
    let employment = q0["employment_rate"].as_f64();
    // Completion: completed over learners, summed over its courses (from the database).
    let (done, learners): (i64, i64) = sqlx::query_as(
        "SELECT CAST(SUM(completed_count) AS BIGINT), CAST(SUM(learner_count) AS BIGINT) FROM courses WHERE institution_id = $1",
    )
    .bind(&inst)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let completion = done as f64 / learners as f64;
    assert!(completion > 0.1 && completion < 0.7, "{completion}");
    assert!((q0["completion_rate"].as_f64().unwrap() - completion).abs() < 1e-4);
    let parts: Vec<(f64, f64)> = [
        Some((completion, 0.30)),
        Some(((rating - 1.0) / 4.0, 0.30)),
        employment.map(|e| (e, 0.20)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let score = 100.0 * parts.iter().map(|(p, w)| p * w).sum::<f64>()
        / parts.iter().map(|(_, w)| w).sum::<f64>();
    assert_eq!(q0["score"].as_u64().unwrap(), score.round() as u64);
    // A learner enrolling makes the institution one active learner richer, and the index moves.
    let token = guest(&app).await;
    call(
        &app,
        "PUT",
        &format!(
            "/api/v1/courses/{}/enrollment",
            mine[0]["id"].as_str().unwrap()
        ),
        Some(&token),
        None,
    )
    .await;
    let q1 = app.get_json(&format!("/api/v1/institutions/{inst}")).await["quality"].clone();
    assert_eq!(q1["active_learners"], 1);
    // log10(2) / 4 ≈ 0.075 joins with weight 0.10: the score drops, as a near-empty class should count.
    assert!(q1["score"].as_u64().unwrap() < q0["score"].as_u64().unwrap());
}
