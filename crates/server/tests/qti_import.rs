//! Importing a QTI item bank into a quiz (`content import-qti`) and scoring items from the command
//! line (`content qti-score`): the report, the quiz learners then take, and exact QTI scores.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::StatusCode;
use common::{call, guest, test_app};
use jieti_api::{QuizMode, ReviewPolicy};
use jieti_server::content::{import_qti, item_files, QuizSettings};
use serde_json::json;

fn bank() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/qti")
}

fn settings(quiz: &str) -> QuizSettings {
    QuizSettings {
        quiz_id: quiz.into(),
        course_id: "python-basics".into(),
        title: Some("QTI bank".into()),
        mode: QuizMode::Graded,
        time_limit_s: None,
        max_attempts: 0,
        pass_pct: 60,
        review: ReviewPolicy::AfterSubmit,
    }
}

#[tokio::test]
async fn a_bank_imports_what_it_can_and_says_why_not_for_the_rest() {
    let app = test_app().await;
    let files = item_files(&[bank()]).unwrap();
    let report = import_qti(&app.db, &files, &settings("qti-bank"))
        .await
        .expect("items import");
    assert!(
        report.imported.contains(&"qti-bank.primes".to_owned()),
        "{report:?}"
    );
    assert_eq!(report.imported.len() + report.skipped.len(), files.len());
    let reasons: Vec<&str> = report.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("hotspotInteraction")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("selectPointInteraction")),
        "{reasons:?}"
    );

    // Learners take it like any quiz; the item XML (keys, mappings) never reaches them.
    let token = guest(&app).await;
    let (status, _, attempt) = call(
        &app,
        "POST",
        "/api/v1/quizzes/qti-bank/attempts",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{attempt}");
    let raw = attempt.to_string();
    for leak in [
        "mappedValue",
        "correctResponse",
        "mapEntry",
        "assessmentItem",
    ] {
        assert!(!raw.contains(leak), "{leak} in {raw}");
    }
    // 2 and 3 map to 1 + 0.75, 4 to −1: SCORE 0.75 of the item's maximum 2 (upperBound).
    let id = attempt["id"].as_str().unwrap();
    let body = json!({"submission_id": "qti-import-1", "answers": {"qti-bank.primes": {"choice": ["P2", "P3", "N4"]}}});
    let (status, _, done) = call(
        &app,
        "POST",
        &format!("/api/v1/attempts/{id}/submit"),
        Some(&token),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let fb = done["result"]["review"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["question_id"] == "qti-bank.primes")
        .unwrap()
        .clone();
    assert_eq!(fb["score"], json!(0.75), "{fb}");
    assert_eq!(fb["max"], json!(2.0), "{fb}");
    assert_eq!(fb["outcome"], "partial");

    // Importing again replaces the questions instead of adding to them.
    let again = import_qti(&app.db, &files, &settings("qti-bank"))
        .await
        .unwrap();
    assert_eq!(again.imported, report.imported);
    let (_, _, quiz) = call(&app, "GET", "/api/v1/quizzes/qti-bank", Some(&token), None).await;
    assert_eq!(quiz["quiz"]["question_count"], json!(report.imported.len()));
}

#[tokio::test]
async fn nothing_importable_is_an_error_with_every_reason() {
    let app = test_app().await;
    let files = vec![bank().join("hotspot_21.xml"), bank().join("missing.xml")];
    let (message, report) = import_qti(&app.db, &files, &settings("qti-none"))
        .await
        .unwrap_err();
    assert!(message.contains("no item"), "{message}");
    assert_eq!(report.skipped.len(), 2);
    assert!(
        report.skipped[1].reason.contains("cannot read"),
        "{report:?}"
    );
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jieti-server"))
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn qti_score_prints_the_outcomes() {
    let item = bank().join("choice_multiple_22.xml");
    let item = item.to_str().unwrap();
    // 1 + 0.75 + 0.75 = 2.5, clamped to the mapping's upperBound of 2.
    let (code, out, err) = cli(&[
        "content",
        "qti-score",
        item,
        "--response",
        r#"{"RESPONSE": ["P2", "P3", "P5"]}"#,
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
    assert_eq!(v["SCORE"], json!(2.0), "{v}");
    // Unmapped 9 scores the default −0.5: 1 − 0.5 = 0.5.
    let (_, out, _) = cli(&[
        "content",
        "qti-score",
        item,
        "--response",
        r#"{"RESPONSE": ["P2", "N9"]}"#,
    ]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
    assert_eq!(v["SCORE"], json!(0.5), "{v}");
    let (code, _, err) = cli(&["content", "qti-score", item, "--response", "not json"]);
    assert_eq!(code, 1);
    assert!(err.contains("not JSON"), "{err}");
}

#[test]
fn import_qti_refuses_an_exam_without_a_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let (code, _, err) = cli(&[
        "content",
        "import-qti",
        bank().join("choice_single_21.xml").to_str().unwrap(),
        "--course",
        "python-basics",
        "--quiz",
        "cli-exam",
        "--mode",
        "exam",
        "--database-url",
        db.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("time_limit"), "{err}");
}
