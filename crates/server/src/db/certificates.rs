//! Certificates: issued when a course's completion rule is met, verified by anyone, revoked by
//! staff of the awarding institution.
//!
//! The rule: the course awards a certificate, every lesson is complete (lessons are all
//! required), and every graded quiz and exam of the course has a passed attempt.

use jieti_api::Certificate;
use rand_core::{OsRng, RngCore};
use sqlx::AnyConnection;

use super::Db;
use crate::auth;

/// Crockford's base32 alphabet: no I, L, O or U to misread when a code is typed in.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Length of a code: 20 characters carry 100 random bits.
pub const CODE_LEN: usize = 20;

/// A new random code.
pub fn new_code() -> String {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    // One byte per character, 5 of its bits: 100 bits in all.
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect()
}

/// A typed or pasted code in canonical form (upper case, no separators, look-alikes mapped),
/// or None when it cannot be one.
pub fn canonical(code: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_LEN);
    for c in code.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() || out.len() >= CODE_LEN {
            return None;
        }
        out.push(c);
    }
    (out.len() == CODE_LEN).then_some(out)
}

/// Issues the learner's certificate for `course_id` when the rule is met and none exists.
/// Returns whether one was issued now. Runs inside the caller's transaction.
pub async fn issue_if_earned(
    conn: &mut AnyConnection,
    learner_id: &str,
    course_id: &str,
) -> Result<bool, sqlx::Error> {
    let earned: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM enrollments e JOIN courses c ON c.id = e.course_id
         WHERE e.learner_id = $1 AND e.course_id = $2 AND c.certificate = 1
           -- Every lesson complete now (not the enrolment's flag, which a lesson added later or
           -- a re-enrolment leaves out of date).
           AND EXISTS (SELECT 1 FROM lessons WHERE course_id = $2)
           AND NOT EXISTS (
             SELECT 1 FROM lessons l
             LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.learner_id = $1
             WHERE l.course_id = $2 AND p.completed_at IS NULL)
           AND NOT EXISTS (
             SELECT 1 FROM quizzes q WHERE q.course_id = $2 AND q.mode IN ('graded', 'exam')
               AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.quiz_id = q.id
                                 AND a.learner_id = $1 AND a.passed = 1))
           AND NOT EXISTS (SELECT 1 FROM certificates WHERE learner_id = $1 AND course_id = $2)",
    )
    .bind(learner_id)
    .bind(course_id)
    .fetch_optional(&mut *conn)
    .await?;
    if earned.is_none() {
        return Ok(false);
    }
    let done = sqlx::query(
        "INSERT INTO certificates (code, learner_id, course_id, holder, issued_at)
         SELECT $1, id, $2, display_name, $3 FROM learners WHERE id = $4 ON CONFLICT DO NOTHING",
    )
    .bind(new_code())
    .bind(course_id)
    .bind(auth::now())
    .bind(learner_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Issues the certificates that learners already earned before certificates existed (once per
/// database: a `meta` key records it).
pub async fn backfill(db: &Db) -> Result<(), sqlx::Error> {
    const KEY: &str = "certificates_backfilled";
    if super::get_meta(db, KEY).await?.is_some() {
        return Ok(());
    }
    let pairs: Vec<(String, String)> = sqlx::query_as(
        "SELECT e.learner_id, e.course_id FROM enrollments e JOIN courses c ON c.id = e.course_id
         WHERE c.certificate = 1 AND e.completed_at IS NOT NULL",
    )
    .fetch_all(db)
    .await?;
    let mut tx = super::write_tx(db).await?;
    for (learner, course) in pairs {
        issue_if_earned(&mut tx, &learner, &course).await?;
    }
    super::set_meta(&mut *tx, KEY, "1").await?;
    tx.commit().await
}

/// Columns of a [`Certificate`], from `certificates t JOIN courses c JOIN institutions i`.
const COLUMNS: &str =
    "t.code, t.holder, t.course_id, c.title, c.institution_id, i.name, t.issued_at,
    t.revoked_at, t.revoked_reason";

/// The joins the columns come from.
const FROM: &str = "certificates t JOIN courses c ON c.id = t.course_id
    JOIN institutions i ON i.id = c.institution_id";

type Row = (
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
);

fn certificate(r: Row) -> Certificate {
    Certificate {
        code: r.0,
        holder: r.1,
        course_id: r.2,
        course_title: r.3,
        institution_id: r.4,
        institution_name: r.5,
        issued_at: r.6,
        revoked_at: r.7,
        revoked_reason: r.8,
    }
}

/// A certificate by its canonical code.
pub async fn get(db: &Db, code: &str) -> Result<Option<Certificate>, sqlx::Error> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM {FROM} WHERE t.code = $1"))
            .bind(code)
            .fetch_optional(db)
            .await?;
    Ok(row.map(certificate))
}

/// A learner's certificates, newest first.
pub async fn of_learner(db: &Db, learner_id: &str) -> Result<Vec<Certificate>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE t.learner_id = $1 ORDER BY t.issued_at DESC, t.code"
    ))
    .bind(learner_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(certificate).collect())
}

/// A course's certificates, newest first (at most 100).
pub async fn of_course(db: &Db, course_id: &str) -> Result<Vec<Certificate>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE t.course_id = $1
         ORDER BY t.issued_at DESC, t.code LIMIT 100"
    ))
    .bind(course_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(certificate).collect())
}

/// Revokes a certificate (a second revocation keeps the first one's time and reason).
pub async fn revoke(db: &Db, code: &str, by: &str, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE certificates SET revoked_at = $1, revoked_by = $2, revoked_reason = $3
         WHERE code = $4 AND revoked_at IS NULL",
    )
    .bind(auth::now())
    .bind(by)
    .bind(reason)
    .bind(code)
    .execute(db)
    .await?;
    Ok(())
}

/// Gives a guest's certificates to the account that adopts the guest, and names the holder.
pub async fn adopt(
    conn: &mut AnyConnection,
    guest_id: &str,
    learner_id: &str,
) -> Result<(), sqlx::Error> {
    // Skips the guest's certificates for courses the account already has one for (one per course).
    sqlx::query(
        "UPDATE certificates SET learner_id = $1 WHERE learner_id = $2
         AND course_id NOT IN (SELECT course_id FROM certificates WHERE learner_id = $1)",
    )
    .bind(learner_id)
    .bind(guest_id)
    .execute(&mut *conn)
    .await?;
    // What stays with the guest duplicates a certificate the account holds for the same course:
    // one person, one valid certificate per course; the old code says where it went.
    sqlx::query(
        "UPDATE certificates SET revoked_at = $1, revoked_by = $2,
             revoked_reason = 'replaced by ' || (SELECT a.code FROM certificates a
                 WHERE a.learner_id = $2 AND a.course_id = certificates.course_id)
         WHERE learner_id = $3 AND revoked_at IS NULL",
    )
    .bind(auth::now())
    .bind(learner_id)
    .bind(guest_id)
    .execute(&mut *conn)
    .await?;
    name_holder(conn, learner_id).await
}

/// Fills in the holder's name on certificates issued while the learner was a guest.
pub async fn name_holder(conn: &mut AnyConnection, learner_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE certificates SET holder = (SELECT display_name FROM learners WHERE id = $1)
         WHERE learner_id = $1 AND holder IS NULL",
    )
    .bind(learner_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
