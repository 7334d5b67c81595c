//! Demo learning activity, so that an institution's analytics show something on a fresh machine:
//! 60 simulated learners on one course (`junior-accountant-practice` of `jinzhang-accounting`),
//! who enrol over twelve weeks, drop off lesson by lesson, and sit its mock exam once. Exam
//! answers follow a simple item-response model (stronger learners answer more items right),
//! except one item whose answers run the other way, as a miskeyed question would: item analysis
//! must flag it. The demo staff and admin accounts, whose password is public, are separate
//! ([`seed_demo_accounts`]) and only made when asked for (`serve --demo-accounts`).
//!
//! Written once per database (a `meta` key), deterministic, and only into the demo catalog.

use sqlx::{Any, Transaction};

use crate::auth;
use crate::db::{self, Db};

const DONE_KEY: &str = "demo_activity_version";
const VERSION: &str = "1";
const COURSE: &str = "junior-accountant-practice";
const QUIZ: &str = "accountant-mock-exam";
const INSTITUTION: &str = "jinzhang-accounting";
const LEARNERS: u64 = 60;

/// The demo staff account (staff of jinzhang-accounting) and admin account, and their password.
pub const DEMO_ACCOUNTS: [(&str, &str, Option<&str>); 2] = [
    ("staff@jinzhang.demo", "staff", Some(INSTITUTION)),
    ("admin@jieti.demo", "admin", None),
];

/// The demo accounts' password (demo data only: never seeded outside the demo catalog).
pub const DEMO_PASSWORD: &str = "jieti-demo-2026";

/// A small deterministic generator (SplitMix64): the same demo on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Seeds the demo activity once; a database that has it is left alone.
pub async fn seed_activity(pool: &Db) -> Result<(), String> {
    let err = |e: sqlx::Error| format!("seeding demo activity: {e}");
    if db::get_meta(pool, DONE_KEY).await.map_err(err)?.as_deref() == Some(VERSION) {
        return Ok(());
    }
    let lessons: Vec<(String, i64)> =
        sqlx::query_as("SELECT id, duration_s FROM lessons WHERE course_id = $1 ORDER BY position")
            .bind(COURSE)
            .fetch_all(pool)
            .await
            .map_err(err)?;
    let questions: Vec<(String, String)> =
        sqlx::query_as("SELECT id, def FROM questions WHERE quiz_id = $1 ORDER BY position")
            .bind(QUIZ)
            .fetch_all(pool)
            .await
            .map_err(err)?;
    let pass_pct: Option<i64> = sqlx::query_scalar("SELECT pass_pct FROM quizzes WHERE id = $1")
        .bind(QUIZ)
        .fetch_optional(pool)
        .await
        .map_err(err)?;
    let (Some(pass_pct), false) = (pass_pct, lessons.is_empty()) else {
        return Ok(());
    };
    let points: Vec<(String, f64)> = questions
        .into_iter()
        .filter_map(|(id, def)| {
            let d: crate::quiz::QuestionDef = serde_json::from_str(&def).ok()?;
            // Free text is not scored: it has no place in simulated answers.
            (!matches!(d.kind, jieti_api::QuestionKind::Essay)).then_some((id, d.points))
        })
        .collect();
    let mut tx = crate::db::write_tx(pool).await.map_err(err)?;
    write(&mut tx, &lessons, &points, pass_pct as f64)
        .await
        .map_err(err)?;
    db::set_meta(&mut *tx, DONE_KEY, VERSION)
        .await
        .map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(())
}

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
];
const GIVEN: [&str; 10] = [
    "晓燕", "建国", "丽娟", "海涛", "婷婷", "志强", "秀英", "俊杰", "雪梅", "宇航",
];

async fn write(
    tx: &mut Transaction<'_, Any>,
    lessons: &[(String, i64)],
    points: &[(String, f64)],
    pass_pct: f64,
) -> Result<(), sqlx::Error> {
    let now = auth::now();
    let mut rng = Rng(20_261_129);
    let n = lessons.len();
    let max: f64 = points.iter().map(|p| p.1).sum();
    for i in 0..LEARNERS {
        let id = format!("l_demo_{i:03}");
        let name = format!(
            "{}{}",
            SURNAMES[(rng.next() * 12.0) as usize % 12],
            GIVEN[(rng.next() * 10.0) as usize % 10]
        );
        // Enrolments spread over twelve weeks, more of them recently.
        let enrolled_at = now - ((1.0 - rng.next().sqrt()) * 84.0 * 86_400.0) as i64 - 3_600;
        sqlx::query(
            "INSERT INTO learners (id, created_at, display_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(enrolled_at)
        .bind(&name)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO enrollments (learner_id, course_id, enrolled_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(COURSE)
        .bind(enrolled_at)
        .execute(&mut **tx)
        .await?;
        let ability = (rng.next() + rng.next() + rng.next() - 1.5) * 1.6;
        // Each lesson keeps most learners; the weaker ones and lesson 4 (a long one) lose more.
        let mut done = 0;
        while done < n {
            let keep = 0.93 + 0.03 * ability - if done == 3 { 0.15 } else { 0.0 };
            if rng.next() > keep {
                break;
            }
            done += 1;
        }
        let mut t = enrolled_at;
        for (k, (lesson, duration)) in lessons.iter().enumerate().take((done + 1).min(n)) {
            let complete = k < done;
            t += 3_600 + (rng.next() * 2.0 * 86_400.0) as i64;
            let t_at = t.min(now);
            sqlx::query(
                "INSERT INTO lesson_progress (learner_id, lesson_id, course_id, position,
                     position_at_ms, seconds, reached_end, completed_at, updated_at_ms)
                 VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            )
            .bind(&id)
            .bind(lesson)
            .bind(COURSE)
            .bind(t_at * 1000)
            .bind(if complete {
                *duration as f64
            } else {
                *duration as f64 * 0.3
            })
            .bind(i64::from(complete))
            .bind(complete.then_some(t_at))
            .bind(t_at * 1000)
            .execute(&mut **tx)
            .await?;
        }
        if done == n {
            sqlx::query(
                "UPDATE enrollments SET completed_at = $1 WHERE learner_id = $2 AND course_id = $3",
            )
            .bind(t.min(now))
            .bind(&id)
            .bind(COURSE)
            .execute(&mut **tx)
            .await?;
        }
        // Learners well into the course sit the mock exam once.
        if done * 10 < n * 6 || max <= 0.0 {
            continue;
        }
        let attempt = format!("a_demo_{i:03}");
        let mut score = 0.0;
        let mut rows = Vec::new();
        for (q, (question, pts)) in points.iter().enumerate() {
            let difficulty = (q as f64 - 2.0) * 0.35;
            // Item 3 runs against ability, like a question with a wrong key.
            let p = if q == 2 {
                logistic(-1.8 * ability - 0.2)
            } else {
                logistic(1.8 * ability - difficulty + 0.6)
            };
            let right = rng.next() < p;
            let s = if right { *pts } else { 0.0 };
            score += s;
            rows.push((
                question.clone(),
                s,
                *pts,
                if right { "correct" } else { "wrong" },
            ));
        }
        let pct = (score / max * 10_000.0).round() / 100.0;
        let submitted = (t + 86_400).min(now) * 1000;
        let ids: Vec<&str> = points.iter().map(|p| p.0.as_str()).collect();
        sqlx::query(
            "INSERT INTO attempts (id, quiz_id, learner_id, number, started_at,
                 question_ids, submitted_at, score, max_score, pct, passed, review)
             VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10, '[]') ON CONFLICT DO NOTHING",
        )
        .bind(&attempt)
        .bind(QUIZ)
        .bind(&id)
        .bind(submitted - 40 * 60_000)
        .bind(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()))
        .bind(submitted)
        .bind(score)
        .bind(max)
        .bind(pct)
        .bind(i64::from(pct >= pass_pct))
        .execute(&mut **tx)
        .await?;
        for (question, s, pts, outcome) in rows {
            sqlx::query(
                "INSERT INTO attempt_answers (attempt_id, question_id, score, max_score, outcome)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(&attempt)
            .bind(question)
            .bind(s)
            .bind(pts)
            .bind(outcome)
            .execute(&mut **tx)
            .await?;
        }
        if db::certificates::issue_if_earned(tx, &id, COURSE).await? {
            // Dated when the simulated learner met the rule, not when the demo was seeded.
            sqlx::query(
                "UPDATE certificates SET issued_at = $1 WHERE learner_id = $2 AND course_id = $3",
            )
            .bind(t.min(now).max(submitted / 1000))
            .bind(&id)
            .bind(COURSE)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Creates the demo staff and admin accounts ([`DEMO_ACCOUNTS`], password [`DEMO_PASSWORD`]) when
/// missing. Their password is public: only for a demo on one's own machine, never a deployment.
pub async fn seed_demo_accounts(pool: &Db) -> Result<(), String> {
    let err = |e: sqlx::Error| format!("seeding demo accounts: {e}");
    let hash = auth::hash_password(DEMO_PASSWORD).map_err(|e| format!("{e:?}"))?;
    let now = auth::now();
    for (email, role, institution) in DEMO_ACCOUNTS {
        sqlx::query(
            // Staff only where their institution exists (a database without the demo catalog).
            "INSERT INTO learners (id, created_at, email, display_name, password_hash,
                 upgraded_at, role, institution_id)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8
             WHERE $8 IS NULL OR EXISTS (SELECT 1 FROM institutions WHERE id = $8) ON CONFLICT DO NOTHING",
        )
        .bind(auth::new_learner_id())
        .bind(now)
        .bind(email)
        .bind(if role == "admin" {
            "管理员"
        } else {
            "金账财会 教务"
        })
        .bind(&hash)
        .bind(now)
        .bind(role)
        .bind(institution)
        .execute(pool)
        .await
        .map_err(err)?;
    }
    Ok(())
}
