//! The embeddable player: public embed facts, institutions' embed settings and who may change
//! them, the CSP that decides who may frame the embed pages, the exchange of a host site's signed
//! learner token for a session (and the learner it maps to across visits), and the opaque ids a
//! host keeps records by — over a real SQLite file and the whole app.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use common::{body_text, call, embed_token, guest, sign_jws, test_app, unix_now, TestApp};
use jieti_server::db::learners::set_role;
use serde_json::{json, Value};

/// mabu-code's course: video lessons on the test manifest's 50 s `zh1`, articles, two quizzes.
const PY: &str = "python-basics";
const PY_VIDEO: &str = "python-basics-1";
const PY_ARTICLE: &str = "python-basics-7";
const PY_QUIZ: &str = "python-basics-quiz";
const MABU: &str = "mabu-code";
/// Another institution's course (xinghe-vocational).
const OTHER_COURSE: &str = "java-spring-boot";
const XINGHE: &str = "xinghe-vocational";
/// A timed exam (1,200 s) of jinzhang-accounting.
const EXAM: &str = "accountant-mock-exam";

/// Signs up an account; with a role, makes it staff of `institution` or an admin. Returns its token.
async fn account(app: &TestApp, email: &str, role: Option<(&str, Option<&str>)>) -> String {
    let (s, _, v) = call(
        app,
        "POST",
        "/api/v1/account",
        None,
        Some(json!({"email": email, "password": "embed-pass-1", "display_name": "Staff"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    if let Some((role, institution)) = role {
        set_role(&app.db, email, role, institution)
            .await
            .expect("set role");
    }
    v["token"].as_str().expect("token").to_owned()
}

/// Tokens of mabu-code staff, xinghe staff and an admin.
async fn staff(app: &TestApp) -> (String, String, String) {
    (
        account(app, "staff@mabu.example", Some(("staff", Some(MABU)))).await,
        account(app, "staff@xinghe.example", Some(("staff", Some(XINGHE)))).await,
        account(app, "admin@jieti.example", Some(("admin", None))).await,
    )
}

/// mabu-code's embed secret, read as its staff.
async fn secret(app: &TestApp, staff: &str) -> String {
    let (s, _, v) = call(
        app,
        "GET",
        &format!("/api/v1/institutions/{MABU}/embed"),
        Some(staff),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["secret"].as_str().expect("secret").to_owned()
}

async fn exchange(app: &TestApp, token: &str) -> (StatusCode, HeaderMap, Value) {
    call(
        app,
        "POST",
        "/api/v1/embed/session",
        None,
        Some(json!({ "token": token })),
    )
    .await
}

/// Exchanges `token`, expecting a session; returns (session token, learner id).
async fn session(app: &TestApp, token: &str) -> (String, String) {
    let (s, h, v) = exchange(app, token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    (
        v["token"].as_str().expect("token").to_owned(),
        v["learner"]["id"].as_str().expect("learner").to_owned(),
    )
}

/// Asserts a 401 with the contract's error body whose message does not give the token back.
fn assert_refused(status: StatusCode, body: &Value, token: &str, why: &str) {
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{why}: {body}");
    assert_eq!(body["error"]["code"], "unauthorized", "{why}: {body}");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(
        message.starts_with("embed token refused"),
        "{why}: {message}"
    );
    for part in token.split('.').filter(|p| p.len() >= 8) {
        assert!(
            !message.contains(part),
            "{why}: the message echoes the token"
        );
    }
}

fn lessons_of(detail: &Value) -> Vec<Value> {
    detail["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .flat_map(|c| c["lessons"].as_array().expect("lessons").clone())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Public embed facts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn embed_info_describes_lessons_courses_and_quizzes() {
    let app = test_app().await;
    // The test manifest's videos have no poster; give zh1 one.
    sqlx::query("UPDATE videos SET poster = 'videos/zh1/poster.jpg' WHERE id = 'zh1'")
        .execute(&app.db)
        .await
        .expect("poster");
    let detail = app.get_json(&format!("/api/v1/courses/{PY}")).await;
    let outline = lessons_of(&detail);
    let of = |id: &str| {
        outline
            .iter()
            .find(|l| l["id"] == id)
            .cloned()
            .expect("lesson in outline")
    };

    // A video lesson: the outline's duration and size, its poster, and no allowlist yet.
    let (s, h, video) = call(
        &app,
        "GET",
        &format!("/api/v1/embed/lessons/{PY_VIDEO}"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{video}");
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    assert!(h.contains_key(header::ETAG));
    assert!(h.get(header::CONTENT_SECURITY_POLICY).is_none());
    let v_outline = of(PY_VIDEO);
    assert!(v_outline["size_bytes"].as_u64() > Some(0), "{v_outline}");
    assert_eq!(
        video,
        json!({
            "kind": "lesson",
            "course_id": PY,
            "course_title": detail["course"]["title"],
            "lesson_id": PY_VIDEO,
            "title": v_outline["title"],
            "lesson_kind": "video",
            "duration_s": v_outline["duration_s"],
            "size_bytes": v_outline["size_bytes"],
            "lessons": 1,
            "poster_url": "/media/videos/zh1/poster.jpg",
            "institution_id": MABU,
            "institution_name": detail["course"]["institution"]["name"],
            "allowed_origins": []
        })
    );

    // An article: no media, so no size and no poster.
    let article = app
        .get_json(&format!("/api/v1/embed/lessons/{PY_ARTICLE}"))
        .await;
    let a_outline = of(PY_ARTICLE);
    assert_eq!(article["lesson_kind"], "article");
    assert_eq!(article["title"], a_outline["title"]);
    assert_eq!(article["duration_s"], a_outline["duration_s"]);
    assert_eq!(article["lessons"], 1);
    for absent in ["size_bytes", "poster_url", "quiz_id"] {
        assert!(article.get(absent).is_none(), "{absent} in {article}");
    }

    // The course: sums over its lessons, the first video lesson's poster.
    let course = app.get_json(&format!("/api/v1/embed/courses/{PY}")).await;
    let total_s: u64 = outline
        .iter()
        .map(|l| l["duration_s"].as_u64().unwrap())
        .sum();
    let total_bytes: u64 = outline
        .iter()
        .filter_map(|l| l["size_bytes"].as_u64())
        .sum();
    assert_eq!(course["kind"], "course");
    assert_eq!(course["title"], detail["course"]["title"]);
    assert_eq!(course["course_title"], detail["course"]["title"]);
    assert_eq!(course["duration_s"], total_s);
    assert_eq!(course["size_bytes"], total_bytes);
    assert_eq!(course["lessons"], outline.len());
    assert_eq!(course["poster_url"], "/media/videos/zh1/poster.jpg");
    for absent in ["lesson_id", "quiz_id", "lesson_kind"] {
        assert!(course.get(absent).is_none(), "{absent} in {course}");
    }

    // Every course of the catalog agrees with its own page.
    let list = app.get_json("/api/v1/courses?per_page=100").await;
    for c in list["items"].as_array().expect("items") {
        let id = c["id"].as_str().expect("id");
        let d = app.get_json(&format!("/api/v1/courses/{id}")).await;
        let ls = lessons_of(&d);
        let info = app.get_json(&format!("/api/v1/embed/courses/{id}")).await;
        let sizes: Vec<u64> = ls.iter().filter_map(|l| l["size_bytes"].as_u64()).collect();
        assert_eq!(info["lessons"], ls.len(), "{id}");
        assert_eq!(
            info["duration_s"],
            ls.iter()
                .map(|l| l["duration_s"].as_u64().unwrap())
                .sum::<u64>(),
            "{id}"
        );
        match sizes.is_empty() {
            true => assert!(info.get("size_bytes").is_none(), "{id}: {info}"),
            false => assert_eq!(info["size_bytes"], sizes.iter().sum::<u64>(), "{id}"),
        }
        assert_eq!(info["institution_id"], c["institution"]["id"], "{id}");
    }

    // Quizzes: the time limit (0 without one), no lessons, no media.
    let quiz = app
        .get_json(&format!("/api/v1/embed/quizzes/{PY_QUIZ}"))
        .await;
    let listed = detail["quizzes"]
        .as_array()
        .expect("quizzes")
        .iter()
        .find(|q| q["id"] == PY_QUIZ)
        .cloned()
        .expect("quiz listed");
    assert_eq!(
        quiz,
        json!({
            "kind": "quiz",
            "course_id": PY,
            "course_title": detail["course"]["title"],
            "quiz_id": PY_QUIZ,
            "title": listed["title"],
            "duration_s": 0,
            "lessons": 0,
            "institution_id": MABU,
            "institution_name": detail["course"]["institution"]["name"],
            "allowed_origins": []
        })
    );
    let exam = app.get_json(&format!("/api/v1/embed/quizzes/{EXAM}")).await;
    assert_eq!(exam["duration_s"], 1200);
    assert_eq!(exam["institution_id"], "jinzhang-accounting");

    // Unknown ids: the JSON 404.
    for uri in [
        "/api/v1/embed/lessons/no-such-lesson",
        "/api/v1/embed/courses/no-such-course",
        "/api/v1/embed/quizzes/no-such-quiz",
    ] {
        let (s, _, v) = call(&app, "GET", uri, None, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(v["error"]["code"], "not_found", "{uri}: {v}");
    }
}

// ---------------------------------------------------------------------------------------------
// Settings: who may see and change them, origin rules
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn only_the_institutions_staff_and_admins_manage_its_embed_settings() {
    let app = test_app().await;
    let (mabu, xinghe, admin) = staff(&app).await;
    let learner = guest(&app).await;
    let base = format!("/api/v1/institutions/{MABU}/embed");
    let secret_uri = format!("{base}/secret");
    let origins = json!({"origins": ["https://school.example.edu"]});
    // The save first, so every 200 after it shows the saved list.
    let routes: [(&str, &str, Option<Value>); 3] = [
        ("PUT", &base, Some(origins.clone())),
        ("GET", &base, None),
        ("POST", &secret_uri, None),
    ];
    for (method, uri, body) in &routes {
        for (token, want) in [
            (None, StatusCode::UNAUTHORIZED),
            (Some(learner.as_str()), StatusCode::FORBIDDEN),
            (Some(xinghe.as_str()), StatusCode::FORBIDDEN),
            (Some(mabu.as_str()), StatusCode::OK),
            (Some(admin.as_str()), StatusCode::OK),
        ] {
            let (s, h, v) = call(&app, method, uri, token, body.clone()).await;
            assert_eq!(s, want, "{method} {uri}: {v}");
            if want == StatusCode::OK {
                assert_eq!(v["institution_id"], MABU);
                assert_eq!(v["origins"], json!(["https://school.example.edu"]));
                assert_eq!(
                    h[header::CACHE_CONTROL],
                    "no-store",
                    "the secret is never cached"
                );
            } else {
                assert!(v["error"]["code"].is_string(), "{v}");
            }
        }
    }
    // Unknown institutions: 404 for admins; staff elsewhere learn nothing (403).
    for (method, suffix, body) in [
        ("GET", "", None),
        ("PUT", "", Some(origins.clone())),
        ("POST", "/secret", None),
    ] {
        let uri = format!("/api/v1/institutions/no-such-place/embed{suffix}");
        let (s, _, v) = call(&app, method, &uri, Some(&admin), body.clone()).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {uri}: {v}");
        assert_eq!(v["error"]["code"], "not_found");
        let (s, _, _) = call(&app, method, &uri, Some(&mabu), body).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{method} {uri}");
    }
}

#[tokio::test]
async fn settings_are_made_on_first_use_and_the_secret_rotates() {
    let app = test_app().await;
    let (mabu, _, admin) = staff(&app).await;
    let uri = format!("/api/v1/institutions/{MABU}/embed");
    let (s, _, first) = call(&app, "GET", &uri, Some(&mabu), None).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    let secret = first["secret"].as_str().expect("secret").to_owned();
    assert_eq!(secret.len(), 43, "base64url of 32 bytes");
    assert!(secret
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(first["origins"], json!([]));
    assert!((unix_now() - first["updated_at"].as_i64().expect("updated_at")).abs() < 60);
    // Read again (by an admin too): the same settings, not new ones.
    let (_, _, again) = call(&app, "GET", &uri, Some(&admin), None).await;
    assert_eq!(again, first);
    let (s, _, rotated) = call(&app, "POST", &format!("{uri}/secret"), Some(&mabu), None).await;
    assert_eq!(s, StatusCode::OK, "{rotated}");
    assert_ne!(rotated["secret"], first["secret"]);
    assert_eq!(rotated["secret"].as_str().map(str::len), Some(43));
    let (_, _, after) = call(&app, "GET", &uri, Some(&mabu), None).await;
    assert_eq!(after, rotated);
    // The salt is never shown.
    assert!(!after.to_string().contains("salt"));
}

#[tokio::test]
async fn origins_are_validated_normalised_and_round_trip() {
    let app = test_app().await;
    let (mabu, _, _) = staff(&app).await;
    let uri = format!("/api/v1/institutions/{MABU}/embed");
    let put = |body: Value| {
        let (app, mabu, uri) = (&app, mabu.clone(), uri.clone());
        async move { call(app, "PUT", &uri, Some(&mabu), Some(body)).await }
    };

    for (list, field, problem) in [
        (
            json!(["https://ok.example", "https://ok.example/path"]),
            "origins[1]",
            "no path",
        ),
        (json!(["*"]), "origins[0]", "any page"),
        (json!(["null"]), "origins[0]", "any page"),
        (
            json!(["https://a.example", "https://b.example", "ftp://c.example"]),
            "origins[2]",
            "http or https",
        ),
        (json!(["https://*.example.edu"]), "origins[0]", "wildcard"),
        (json!(["school.example.edu"]), "origins[0]", "scheme://host"),
        (
            json!(["https://user@school.example.edu"]),
            "origins[0]",
            "user info",
        ),
        (
            json!(["https://school.example.edu:99999"]),
            "origins[0]",
            "port",
        ),
        (
            json!(["https://school.example.edu?x=1"]),
            "origins[0]",
            "query",
        ),
        (
            json!(["https://school.example.edu#x"]),
            "origins[0]",
            "fragment",
        ),
        (
            json!(["https://sch ool.example.edu"]),
            "origins[0]",
            "whitespace",
        ),
        (json!(["https://学校.example"]), "origins[0]", "punycode"),
        (json!(["http://300.1.2.3"]), "origins[0]", "IPv4"),
        (json!(["http://[::zz]"]), "origins[0]", "IPv6"),
        (json!([""]), "origins[0]", "empty"),
        (
            json!([format!("https://{}.example", "a".repeat(200))]),
            "origins[0]",
            "200",
        ),
        (
            Value::Array(
                (0..21)
                    .map(|i| json!(format!("https://s{i}.example")))
                    .collect(),
            ),
            "origins",
            "20",
        ),
    ] {
        let (s, _, v) = put(json!({ "origins": list })).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{list}: {v}");
        assert_eq!(v["error"]["code"], "bad_request");
        assert_eq!(v["error"]["field"], field, "{list}: {v}");
        let message = v["error"]["message"].as_str().expect("message");
        assert!(message.contains(problem), "{list}: {message}");
    }
    // Not a list of strings, or no list: the JSON 400.
    for body in [
        json!({}),
        json!({"origins": "https://a.example"}),
        json!({"origins": [1]}),
    ] {
        let (s, _, v) = put(body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(v["error"]["code"], "bad_request");
    }
    // Nothing was stored by the refused saves.
    let (_, _, settings) = call(&app, "GET", &uri, Some(&mabu), None).await;
    assert_eq!(settings["origins"], json!([]));

    let (s, _, saved) = put(json!({"origins": [
        " HTTPS://School.Example.EDU:443/ ",
        "http://localhost:3000",
        "https://school.example.edu",
        "http://Example.COM:80",
        "https://example.com:8443/",
        "http://[0:0::1]:8080",
        "http://127.0.0.1:80"
    ]}))
    .await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    let want = json!([
        "https://school.example.edu",
        "http://localhost:3000",
        "http://example.com",
        "https://example.com:8443",
        "http://[::1]:8080",
        "http://127.0.0.1"
    ]);
    assert_eq!(saved["origins"], want);
    let (_, _, read) = call(&app, "GET", &uri, Some(&mabu), None).await;
    assert_eq!(read, saved, "PUT then GET round trip");
    // The public facts list the allowlist too; other institutions' embeds do not.
    let info = app
        .get_json(&format!("/api/v1/embed/lessons/{PY_VIDEO}"))
        .await;
    assert_eq!(info["allowed_origins"], want);
    let other = app
        .get_json(&format!("/api/v1/embed/courses/{OTHER_COURSE}"))
        .await;
    assert_eq!(other["allowed_origins"], json!([]));
    // A save replaces the list; an empty one clears it.
    let (_, _, replaced) = put(json!({"origins": ["https://new.example"]})).await;
    assert_eq!(replaced["origins"], json!(["https://new.example"]));
    let (_, _, cleared) = put(json!({"origins": []})).await;
    assert_eq!(cleared["origins"], json!([]));
    assert_eq!(
        cleared["secret"], saved["secret"],
        "saving origins keeps the secret"
    );
}

// ---------------------------------------------------------------------------------------------
// The embed pages and their CSP
// ---------------------------------------------------------------------------------------------

async fn page(app: &TestApp, uri: &str, accept: Option<&str>) -> (StatusCode, HeaderMap, String) {
    let mut req = Request::get(uri);
    if let Some(a) = accept {
        req = req.header(header::ACCEPT_ENCODING, a);
    }
    let res = app.send(req.body(Body::empty()).expect("request")).await;
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, body_text(res).await)
}

/// The page's `frame-ancestors` directive, after checking that the rest of its policy is the
/// strict one every HTML page gets (scripts from this origin only: no inline script, no eval).
fn csp(h: &HeaderMap) -> Option<&str> {
    let policy = h
        .get(header::CONTENT_SECURITY_POLICY)?
        .to_str()
        .expect("ascii");
    let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
    for strict in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "connect-src 'self'",
    ] {
        assert!(
            directives.contains(&strict),
            "{strict:?} missing in {policy}"
        );
    }
    assert_eq!(
        directives
            .iter()
            .filter(|d| d.starts_with("script-src"))
            .count(),
        1,
        "{policy}"
    );
    directives
        .into_iter()
        .find(|d| d.starts_with("frame-ancestors"))
}

#[tokio::test]
async fn embed_pages_may_be_framed_only_by_the_institutions_allowlist() {
    let app = test_app().await;
    let (mabu, _, _) = staff(&app).await;
    let lesson_page = format!("/embed/lesson/{PY_VIDEO}");

    // Not built yet: answered like the app when it is not built.
    let (s, h, body) = page(&app, &lesson_page, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    common::assert_error(&body, "not_found");

    let dist = app.path("dist");
    std::fs::write(
        dist.join("embed.html"),
        "<!doctype html><title>Jieti embed</title><div id=embed></div>",
    )
    .expect("embed.html");
    std::fs::write(dist.join("embed.html.br"), b"brotli-embed").expect("embed.html.br");
    // Quizzes have their own page (the same bridge with the quiz's wasm).
    std::fs::write(
        dist.join("embed-quiz.html"),
        "<!doctype html><title>Jieti quiz embed</title><div id=embed></div><i id=quiz-page></i>",
    )
    .expect("embed-quiz.html");

    let pages = [
        format!("/embed/lesson/{PY_VIDEO}"),
        format!("/embed/course/{PY}"),
        format!("/embed/course/{PY}/{PY_ARTICLE}"),
        format!("/embed/quiz/{PY_QUIZ}"),
        format!("/embed/quiz/{PY_QUIZ}/some-attempt"),
    ];
    for uri in &pages {
        let (s, h, body) = page(&app, uri, None).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert!(
            h[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{uri}"
        );
        assert_eq!(h[header::CACHE_CONTROL], "no-cache", "{uri}");
        assert_eq!(
            csp(&h),
            Some("frame-ancestors 'self'"),
            "{uri}: no allowlist yet"
        );
        assert!(body.contains("<div id=embed>"), "{uri}");
        assert_eq!(body.contains("quiz-page"), uri.contains("/quiz/"), "{uri}");
    }

    let (s, _, v) = call(
        &app,
        "PUT",
        &format!("/api/v1/institutions/{MABU}/embed"),
        Some(&mabu),
        Some(json!({"origins": ["https://school.example.edu/", "http://localhost:3000"]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The edit applies at once, to every embed of the institution.
    for uri in &pages {
        let (_, h, _) = page(&app, uri, None).await;
        assert_eq!(
            csp(&h),
            Some("frame-ancestors 'self' https://school.example.edu http://localhost:3000"),
            "{uri}"
        );
    }
    // Precompressed like the app's files, with the same policy.
    let (s, h, body) = page(&app, &lesson_page, Some("br, gzip")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_ENCODING], "br");
    assert_eq!(body, "brotli-embed");
    assert_eq!(
        csp(&h),
        Some("frame-ancestors 'self' https://school.example.edu http://localhost:3000")
    );

    // Unknown ids and other institutions' embeds: only we may frame them; the page still loads.
    for uri in [
        "/embed/lesson/no-such-lesson".to_owned(),
        "/embed/course/no-such-course".to_owned(),
        "/embed/quiz/no-such-quiz".to_owned(),
        format!("/embed/course/{OTHER_COURSE}"),
    ] {
        let (s, h, body) = page(&app, &uri, None).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert_eq!(csp(&h), Some("frame-ancestors 'self'"), "{uri}");
        assert!(body.contains("<div id=embed>"), "{uri}");
    }

    // Every other HTML document: only we may frame it.
    for uri in ["/", "/courses/python-basics", "/learn/a/b", "/index.html"] {
        let (s, h, body) = page(&app, uri, None).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert_eq!(csp(&h), Some("frame-ancestors 'self'"), "{uri}");
        assert!(body.contains("<div id=app>"), "{uri}");
    }
    // No CSP on API JSON, assets or media.
    for uri in [
        "/api/v1/health",
        &format!("/api/v1/embed/lessons/{PY_VIDEO}"),
        "/jieti-0123456789abcdef_bg.wasm",
        "/media/videos/sample/clip.bin",
        "/api/v1/no-such-route",
    ] {
        let (_, h, _) = page(&app, uri, None).await;
        assert!(csp(&h).is_none(), "{uri}");
    }
}

// ---------------------------------------------------------------------------------------------
// Token exchange
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_host_token_maps_its_user_to_one_learner_across_visits() {
    let app = test_app().await;
    let (mabu, _, _) = staff(&app).await;
    let secret = secret(&app, &mabu).await;

    let (s, _, v) = exchange(&app, &embed_token(&secret, MABU, "user-1")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["learner"]["kind"], "guest");
    let first = v["token"].as_str().expect("token").to_owned();
    let learner = v["learner"]["id"].as_str().expect("id").to_owned();
    let expires = v["expires_at"].as_i64().expect("expires_at");
    assert!(expires > unix_now() + 3600, "{v}");
    // The session works like any other.
    let (s, _, me) = call(&app, "GET", "/api/v1/me", Some(&first), None).await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["id"], learner.as_str());

    // The same user again: a new session for the same learner.
    let (second, again) = session(&app, &embed_token(&secret, MABU, "user-1")).await;
    assert_eq!(again, learner);
    assert_ne!(second, first);
    // Another user of the host: another learner.
    let (_, other) = session(&app, &embed_token(&secret, MABU, "user-2")).await;
    assert_ne!(other, learner);

    // A name sets the learner's display name.
    let now = unix_now();
    let named = sign_jws(
        &json!({"alg": "HS256"}),
        &json!({"iss": MABU, "sub": "user-1", "aud": ["jieti-embed", "other"], "exp": now + 60, "name": " Li Hua "}),
        &secret,
    );
    let (s, _, v) = exchange(&app, &named).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["learner"]["id"], learner.as_str());
    assert_eq!(v["learner"]["display_name"], "Li Hua");

    // Rotating the secret voids the old tokens; tokens signed with the new one map as before.
    let old = embed_token(&secret, MABU, "user-1");
    let (s, _, v) = call(
        &app,
        "POST",
        &format!("/api/v1/institutions/{MABU}/embed/secret"),
        Some(&mabu),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let rotated = v["secret"].as_str().expect("secret").to_owned();
    let (s, _, v) = exchange(&app, &old).await;
    assert_refused(s, &v, &old, "signed with the old secret");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("signature"));
    let (_, same) = session(&app, &embed_token(&rotated, MABU, "user-1")).await;
    assert_eq!(same, learner);

    // A host user is per institution: the same `sub` elsewhere is someone else.
    let xinghe_staff = account(&app, "staff2@xinghe.example", Some(("staff", Some(XINGHE)))).await;
    let (s, _, v) = call(
        &app,
        "GET",
        &format!("/api/v1/institutions/{XINGHE}/embed"),
        Some(&xinghe_staff),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let xinghe_secret = v["secret"].as_str().expect("secret").to_owned();
    let (_, elsewhere) = session(&app, &embed_token(&xinghe_secret, XINGHE, "user-1")).await;
    assert_ne!(elsewhere, learner);
    // And one institution's secret cannot sign for another.
    let forged = embed_token(&rotated, XINGHE, "user-1");
    let (s, _, v) = exchange(&app, &forged).await;
    assert_refused(s, &v, &forged, "another institution's secret");
}

#[tokio::test]
async fn bad_tokens_are_refused_with_401_and_bad_bodies_with_400() {
    let app = test_app().await;
    let (mabu, _, _) = staff(&app).await;
    let secret = secret(&app, &mabu).await;
    let now = unix_now();
    let hs = json!({"alg": "HS256", "typ": "JWT"});
    let claims = |changes: Value| {
        let mut c = json!({"iss": MABU, "sub": "user-1", "aud": "jieti-embed", "iat": now, "exp": now + 300});
        for (k, v) in changes.as_object().expect("object") {
            match v {
                Value::Null => {
                    c.as_object_mut().expect("object").remove(k);
                }
                _ => c[k] = v.clone(),
            }
        }
        c
    };
    let good = sign_jws(&hs, &claims(json!({})), &secret);
    let (h, rest) = good.split_once('.').expect("header");
    let (_, sig) = rest.split_once('.').expect("signature");
    use base64::Engine;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let tampered = format!("{h}.{}.{sig}", b64(&claims(json!({"sub": "someone-else"}))));
    let unsigned = format!(
        "{}.{}.",
        b64(&json!({"alg": "none"})),
        b64(&claims(json!({})))
    );

    let cases = [
        (tampered, "tampered payload"),
        (
            sign_jws(&hs, &claims(json!({})), "not-the-secret"),
            "wrong secret",
        ),
        (
            sign_jws(&hs, &claims(json!({"exp": now - 31})), &secret),
            "expired",
        ),
        (
            sign_jws(&hs, &claims(json!({"exp": now - 86_400})), &secret),
            "long expired",
        ),
        (
            sign_jws(&hs, &claims(json!({"exp": now + 86_400 + 120})), &secret),
            "exp too far ahead",
        ),
        (
            sign_jws(&hs, &claims(json!({"exp": null})), &secret),
            "no exp",
        ),
        (unsigned, "alg none, no signature"),
        (
            sign_jws(&json!({"alg": "none"}), &claims(json!({})), &secret),
            "alg none",
        ),
        (
            sign_jws(&json!({"alg": "HS384"}), &claims(json!({})), &secret),
            "alg HS384",
        ),
        (
            sign_jws(
                &json!({"alg": "HS256", "typ": "at+jwt"}),
                &claims(json!({})),
                &secret,
            ),
            "typ",
        ),
        (
            sign_jws(&hs, &claims(json!({"aud": "someone-else"})), &secret),
            "wrong aud",
        ),
        (
            sign_jws(&hs, &claims(json!({"aud": null})), &secret),
            "no aud",
        ),
        (
            sign_jws(&hs, &claims(json!({"iss": "no-such-institution"})), &secret),
            "unknown iss",
        ),
        (
            sign_jws(&hs, &claims(json!({"iss": XINGHE})), &secret),
            "iss without embedding",
        ),
        (
            sign_jws(&hs, &claims(json!({"iss": null})), &secret),
            "no iss",
        ),
        (
            sign_jws(&hs, &claims(json!({"sub": null})), &secret),
            "no sub",
        ),
        (
            sign_jws(&hs, &claims(json!({"sub": ""})), &secret),
            "empty sub",
        ),
        (
            sign_jws(&hs, &claims(json!({"sub": "x".repeat(129)})), &secret),
            "long sub",
        ),
        (
            sign_jws(&hs, &claims(json!({"name": "x".repeat(61)})), &secret),
            "long name",
        ),
        (format!("{good}="), "padded"),
        (good.replace('.', ".."), "extra dots"),
        ("garbage".to_owned(), "garbage"),
        ("".to_owned(), "empty"),
        ("a.b.c".to_owned(), "not base64 JSON"),
        (format!("{good}{}", "A".repeat(4096)), "too long"),
    ];
    for (token, why) in &cases {
        let (s, h, v) = exchange(&app, token).await;
        assert_refused(s, &v, token, why);
        assert_eq!(h[header::WWW_AUTHENTICATE], "Bearer", "{why}");
    }
    // 30 s of leeway for the host's clock; exactly 24 hours ahead is still fine.
    for (exp, why) in [
        (now - 20, "within leeway"),
        (now + 86_400 - 5, "a day ahead"),
    ] {
        let token = sign_jws(&hs, &claims(json!({ "exp": exp })), &secret);
        let (s, _, v) = exchange(&app, &token).await;
        assert_eq!(s, StatusCode::OK, "{why}: {v}");
    }
    // Not a token exchange body: 400.
    for body in [json!({}), json!({"token": 5}), json!({"jwt": good})] {
        let (s, _, v) = call(
            &app,
            "POST",
            "/api/v1/embed/session",
            None,
            Some(body.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(v["error"]["code"], "bad_request");
    }
    let res = app
        .send(
            Request::post("/api/v1/embed/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"token\": "))
                .expect("request"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    common::assert_error(&body_text(res).await, "bad_request");
    // No learner was made by any refused token.
    let mapped: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM embed_learners")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(mapped, 1, "only user-1, from the two good tokens");
}

#[tokio::test]
async fn progress_made_in_an_embed_follows_the_user_to_the_next_visit() {
    let app = test_app().await;
    let (mabu, _, _) = staff(&app).await;
    let secret = secret(&app, &mabu).await;
    let (token, learner) = session(&app, &embed_token(&secret, MABU, "student-42")).await;
    let now_ms = unix_now() * 1000;
    let events: Vec<Value> = (0..5)
        .map(|i| {
            json!({"id": format!("embed-{i:04}"), "lesson_id": PY_VIDEO, "at_ms": now_ms - (5 - i) * 10_000,
                   "action": {"watched": {"from_s": (i * 10) as f64, "to_s": (i * 10 + 10) as f64, "rate": 1.0}}})
        })
        .collect();
    let (s, _, receipt) = call(
        &app,
        "POST",
        "/api/v1/progress/events",
        Some(&token),
        Some(json!({ "events": events })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{receipt}");
    let progress_uri = format!("/api/v1/courses/{PY}/progress");
    let lesson_of = |p: &Value| {
        p["lessons"]
            .as_array()
            .expect("lessons")
            .iter()
            .find(|l| l["lesson_id"] == PY_VIDEO)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let (s, _, before) = call(&app, "GET", &progress_uri, Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{before}");
    let watched = lesson_of(&before);
    assert!(
        watched["completed"] == true,
        "50 of 50 s watched: {watched}"
    );

    // The next visit: a new token from the host, a new session, the same progress.
    let (next, same) = session(&app, &embed_token(&secret, MABU, "student-42")).await;
    assert_eq!(same, learner);
    assert_ne!(next, token);
    let (s, _, after) = call(&app, "GET", &progress_uri, Some(&next), None).await;
    assert_eq!(s, StatusCode::OK, "{after}");
    assert_eq!(lesson_of(&after), watched);
    // Another user of the host sees none of it.
    let (stranger, _) = session(&app, &embed_token(&secret, MABU, "student-43")).await;
    let (_, _, theirs) = call(&app, "GET", &progress_uri, Some(&stranger), None).await;
    assert_eq!(lesson_of(&theirs), Value::Null, "{theirs}");
}

#[tokio::test]
async fn a_token_never_opens_a_personal_account_or_a_session_with_staff_rights() {
    let app = test_app().await;
    let (mabu, _, _) = staff(&app).await;
    let secret = secret(&app, &mabu).await;
    let (token, _) = session(&app, &embed_token(&secret, MABU, "teacher-1")).await;
    // The embedded guest signs up in place, and is later made an admin.
    let (s, _, v) = call(
        &app,
        "POST",
        "/api/v1/account",
        Some(&token),
        Some(json!({"email": "teacher@example.edu", "password": "embed-pass-1", "display_name": "Teacher"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // Now a personal account: the institution's secret no longer opens it, even as a learner.
    let (s, _, v) = exchange(&app, &embed_token(&secret, MABU, "teacher-1")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("account"),
        "{v}"
    );
    set_role(&app.db, "teacher@example.edu", "admin", None)
        .await
        .expect("admin");
    let (s, _, v) = exchange(&app, &embed_token(&secret, MABU, "teacher-1")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"]["code"], "forbidden");
}

// ---------------------------------------------------------------------------------------------
// Context ids
// ---------------------------------------------------------------------------------------------

fn is_uuid_v8(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            14 => *c == b'8',
            19 => b"89ab".contains(c),
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        })
}

#[tokio::test]
async fn context_ids_are_stable_per_learner_and_opaque_across_institutions() {
    let app = test_app().await;
    let (mabu, _, _) = staff(&app).await;
    let secret = secret(&app, &mabu).await;
    let (first, learner) = session(&app, &embed_token(&secret, MABU, "user-1")).await;
    let (second, same) = session(&app, &embed_token(&secret, MABU, "user-1")).await;
    assert_eq!(same, learner);
    let (other, _) = session(&app, &embed_token(&secret, MABU, "user-2")).await;
    let get = |token: Option<String>, uri: String| {
        let app = &app;
        async move { call(app, "GET", &uri, token.as_deref(), None).await }
    };
    let ctx = |course: &str| format!("/api/v1/embed/context?course={course}");

    let (s, _, a) = get(Some(first.clone()), ctx(PY)).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let actor = a["actor_name"].as_str().expect("actor_name").to_owned();
    let registration = a["registration"].as_str().expect("registration").to_owned();
    assert_eq!(actor.len(), 32);
    assert!(
        actor
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{actor}"
    );
    assert!(
        !actor.contains(&learner[2..]),
        "the learner id does not show through"
    );
    assert!(is_uuid_v8(&registration), "{registration}");

    // The same learner through another session: the same ids.
    let (_, _, b) = get(Some(second), ctx(PY)).await;
    assert_eq!(b, a);
    // Another learner: other ids.
    let (_, _, c) = get(Some(other), ctx(PY)).await;
    assert_ne!(c["actor_name"], a["actor_name"]);
    assert_ne!(c["registration"], a["registration"]);
    // Another course of the same institution: the same actor, another registration.
    let (s, _, d) = get(Some(first.clone()), ctx("react-frontend")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["actor_name"], a["actor_name"]);
    assert_ne!(d["registration"], a["registration"]);
    assert!(is_uuid_v8(d["registration"].as_str().unwrap()));
    // Another institution's course: the same learner is someone else there.
    let (s, _, e) = get(Some(first.clone()), ctx(OTHER_COURSE)).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_ne!(e["actor_name"], a["actor_name"]);
    assert!(is_uuid_v8(e["registration"].as_str().unwrap()));
    // Rotating the secret does not change actor ids (the salt is separate and never rotated).
    call(
        &app,
        "POST",
        &format!("/api/v1/institutions/{MABU}/embed/secret"),
        Some(&mabu),
        None,
    )
    .await;
    let (_, _, f) = get(Some(first.clone()), ctx(PY)).await;
    assert_eq!(f, a);
    // Any learner may ask, a plain guest too.
    let g = guest(&app).await;
    let (s, _, v) = get(Some(g), ctx(PY)).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Errors.
    let (s, _, v) = get(None, ctx(PY)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["error"]["code"], "unauthorized");
    for uri in ["/api/v1/embed/context", "/api/v1/embed/context?course="] {
        let (s, _, v) = get(Some(first.clone()), uri.to_owned()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert_eq!(v["error"]["field"], "course", "{v}");
    }
    let (s, _, v) = get(Some(first), ctx("no-such-course")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["error"]["code"], "not_found");
}
