//! Learners, sessions, enrolments and reviews.

use jieti_api::{CourseSummary, Enrollment, Review, Session};
use sqlx::{Any, Transaction};

use super::catalog::{CourseRow, COURSE_COLUMNS};
use super::Db;
use crate::auth::{self, Learner, ACCOUNT_TTL_SECS, GUEST_TTL_SECS};
use crate::error::{AppError, AppResult};

async fn new_session(
    tx: &mut Transaction<'_, Any>,
    learner_id: &str,
    ttl: i64,
) -> Result<(String, i64), sqlx::Error> {
    let token = auth::new_token();
    let now = auth::now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, learner_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(auth::token_hash(&token))
    .bind(learner_id)
    .bind(now)
    .bind(now + ttl)
    .execute(&mut **tx)
    .await?;
    Ok((token, now + ttl))
}

async fn me(tx: &mut Transaction<'_, Any>, learner_id: &str) -> Result<jieti_api::Me, sqlx::Error> {
    let (id, email, display_name): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT id, email, display_name FROM learners WHERE id = $1")
            .bind(learner_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(Learner {
        id,
        email,
        display_name,
        token_hash: String::new(),
        role: jieti_api::Role::Learner,
        institution_id: None,
    }
    .me())
}

/// Issues a session for `learner_id`, commits, and returns it with the learner.
pub(crate) async fn finish_session(
    mut tx: Transaction<'_, Any>,
    learner_id: &str,
    ttl: i64,
) -> AppResult<Session> {
    let (token, expires_at) = new_session(&mut tx, learner_id, ttl).await?;
    let learner = me(&mut tx, learner_id).await?;
    tx.commit().await?;
    Ok(Session {
        token,
        expires_at,
        learner,
    })
}

/// Inserts a new guest learner (no email, no password) and returns its id.
pub(crate) async fn insert_guest(tx: &mut Transaction<'_, Any>) -> Result<String, sqlx::Error> {
    let id = auth::new_learner_id();
    sqlx::query("INSERT INTO learners (id, created_at) VALUES ($1, $2)")
        .bind(&id)
        .bind(auth::now())
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// A new guest learner and its token.
pub async fn create_guest(db: &Db) -> AppResult<Session> {
    let mut tx = super::write_tx(db).await?;
    let id = insert_guest(&mut tx).await?;
    finish_session(tx, &id, GUEST_TTL_SECS).await
}

/// Makes `guest` (or a new learner) an account; the guest's token is revoked, a new one issued.
pub async fn sign_up(
    db: &Db,
    guest: Option<&Learner>,
    email: &str,
    name: &str,
    hash: &str,
) -> AppResult<Session> {
    let mut tx = super::write_tx(db).await?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM learners WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict {
            message: "an account with this email exists; sign in instead".into(),
            field: Some("email".into()),
        });
    }
    let now = auth::now();
    let id = match guest {
        Some(g) => {
            sqlx::query("UPDATE learners SET email = $1, display_name = $2, password_hash = $3, upgraded_at = $4 WHERE id = $5")
                .bind(email)
                .bind(name)
                .bind(hash)
                .bind(now)
                .bind(&g.id)
                .execute(&mut *tx)
                .await?;
            super::certificates::name_holder(&mut tx, &g.id).await?;
            // A new session for the new privileges; the guest token stops working.
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&g.token_hash)
                .execute(&mut *tx)
                .await?;
            g.id.clone()
        }
        None => {
            let id = auth::new_learner_id();
            sqlx::query("INSERT INTO learners (id, created_at, email, display_name, password_hash, upgraded_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&id)
                .bind(now)
                .bind(email)
                .bind(name)
                .bind(hash)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    finish_session(tx, &id, ACCOUNT_TTL_SECS).await
}

/// The learner id and password hash of an account.
pub async fn credentials(db: &Db, email: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, password_hash FROM learners WHERE email = $1 AND password_hash IS NOT NULL",
    )
    .bind(email)
    .fetch_optional(db)
    .await
}

/// A new session for `learner_id`; a guest's enrolments, progress and notes move into the account.
pub async fn sign_in(db: &Db, learner_id: &str, guest: Option<&Learner>) -> AppResult<Session> {
    let mut tx = super::write_tx(db).await?;
    if let Some(g) = guest {
        sqlx::query(
            "INSERT INTO enrollments (learner_id, course_id, enrolled_at)
             SELECT $1, course_id, enrolled_at FROM enrollments WHERE learner_id = $2 ON CONFLICT DO NOTHING",
        )
        .bind(learner_id)
        .bind(&g.id)
        .execute(&mut *tx)
        .await?;
        // Certificates first: replaying the guest's progress for the account may issue one, and
        // the guest's own certificate for that course must be the one kept, not a second.
        super::certificates::adopt(&mut tx, &g.id, learner_id).await?;
        super::learning::adopt(&mut tx, &g.id, learner_id).await?;
        super::quiz::adopt(&mut tx, &g.id, learner_id).await?;
        // The guest's passed quizzes and the account's lessons may only now meet a course's rule.
        let courses: Vec<String> =
            sqlx::query_scalar("SELECT course_id FROM enrollments WHERE learner_id = $1")
                .bind(learner_id)
                .fetch_all(&mut *tx)
                .await?;
        for course in courses {
            super::certificates::issue_if_earned(&mut tx, learner_id, &course).await?;
        }
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2")
            .bind(auth::now())
            .bind(&g.token_hash)
            .execute(&mut *tx)
            .await?;
    }
    finish_session(tx, learner_id, ACCOUNT_TTL_SECS).await
}

/// Revokes one session.
pub async fn revoke(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
        .bind(auth::now())
        .bind(token_hash)
        .execute(db)
        .await
        .map(|_| ())
}

/// The courses a learner is enrolled in, most recent first.
pub async fn enrolled_courses(
    db: &Db,
    learner_id: &str,
) -> Result<Vec<CourseSummary>, sqlx::Error> {
    let sql = format!(
        "SELECT {COURSE_COLUMNS}
         FROM enrollments e JOIN courses c ON c.id = e.course_id JOIN institutions i ON i.id = c.institution_id
         WHERE e.learner_id = $1 ORDER BY e.enrolled_at DESC, c.id"
    );
    let rows: Vec<CourseRow> = sqlx::query_as(&sql).bind(learner_id).fetch_all(db).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The learner's enrolment in a course.
pub async fn enrollment(
    db: &Db,
    learner_id: &str,
    course_id: &str,
) -> Result<Option<Enrollment>, sqlx::Error> {
    let at: Option<i64> = sqlx::query_scalar(
        "SELECT enrolled_at FROM enrollments WHERE learner_id = $1 AND course_id = $2",
    )
    .bind(learner_id)
    .bind(course_id)
    .fetch_optional(db)
    .await?;
    Ok(at.map(|enrolled_at| Enrollment {
        course_id: course_id.to_owned(),
        enrolled_at,
    }))
}

/// Enrols (idempotent: enrolling again keeps the first date).
pub async fn enroll(db: &Db, learner_id: &str, course_id: &str) -> Result<Enrollment, sqlx::Error> {
    sqlx::query(
        "INSERT INTO enrollments (learner_id, course_id, enrolled_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(learner_id)
    .bind(course_id)
    .bind(auth::now())
    .execute(db)
    .await?;
    Ok(enrollment(db, learner_id, course_id)
        .await?
        .unwrap_or(Enrollment {
            course_id: course_id.to_owned(),
            enrolled_at: auth::now(),
        }))
}

/// Leaves a course (idempotent).
pub async fn unenroll(db: &Db, learner_id: &str, course_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM enrollments WHERE learner_id = $1 AND course_id = $2")
        .bind(learner_id)
        .bind(course_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Moves one rating between stars (`from`/`to` None: added/removed) and re-derives the average.
async fn shift_rating(
    tx: &mut Transaction<'_, Any>,
    course_id: &str,
    from: Option<u8>,
    to: Option<u8>,
) -> Result<(), sqlx::Error> {
    for (stars, delta) in [(from, -1i64), (to, 1i64)] {
        if let Some(s) = stars {
            let col = format!("ratings_{}", s.clamp(1, 5));
            sqlx::query(&format!(
                "UPDATE courses SET {col} = CASE WHEN {col} + $1 < 0 THEN 0 ELSE {col} + $1 END WHERE id = $2"
            ))
            .bind(delta)
            .bind(course_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    sqlx::query(
        "UPDATE courses SET
           rating_count = ratings_1 + ratings_2 + ratings_3 + ratings_4 + ratings_5,
           rating = CASE WHEN ratings_1 + ratings_2 + ratings_3 + ratings_4 + ratings_5 = 0 THEN 0 ELSE
             ROUND((ratings_1 + 2.0 * ratings_2 + 3.0 * ratings_3 + 4.0 * ratings_4 + 5.0 * ratings_5)
                   / (ratings_1 + ratings_2 + ratings_3 + ratings_4 + ratings_5), 2) END
         WHERE id = $1",
    )
    .bind(course_id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// The learner's own review of a course, if any.
pub async fn review_of(db: &Db, learner: &Learner, course_id: &str) -> AppResult<Option<Review>> {
    let row: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT rating, body, updated_at FROM reviews WHERE learner_id = $1 AND course_id = $2",
    )
    .bind(&learner.id)
    .bind(course_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(rating, body, updated_at)| Review {
        author: learner
            .display_name
            .clone()
            .unwrap_or_else(|| GUEST_NAME.into()),
        rating: rating.clamp(1, 5) as u8,
        body,
        updated_at,
    }))
}

/// Writes the learner's one review of a course (a second write edits it).
pub async fn upsert_review(
    db: &Db,
    learner: &Learner,
    course_id: &str,
    rating: u8,
    body: &str,
) -> AppResult<Review> {
    let mut tx = super::write_tx(db).await?;
    let old: Option<i64> =
        sqlx::query_scalar("SELECT rating FROM reviews WHERE learner_id = $1 AND course_id = $2")
            .bind(&learner.id)
            .bind(course_id)
            .fetch_optional(&mut *tx)
            .await?;
    let now = auth::now();
    sqlx::query(
        "INSERT INTO reviews (learner_id, course_id, rating, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (learner_id, course_id) DO UPDATE SET rating = excluded.rating, body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(&learner.id)
    .bind(course_id)
    .bind(i64::from(rating))
    .bind(body)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    shift_rating(
        &mut tx,
        course_id,
        old.map(|r| r.clamp(1, 5) as u8),
        Some(rating),
    )
    .await?;
    tx.commit().await?;
    Ok(Review {
        author: learner
            .display_name
            .clone()
            .unwrap_or_else(|| GUEST_NAME.into()),
        rating,
        body: body.to_owned(),
        updated_at: now,
    })
}

/// Name shown for reviews by learners who have not signed up.
pub const GUEST_NAME: &str = "学员";

/// Deletes the learner's review (idempotent).
pub async fn delete_review(db: &Db, learner_id: &str, course_id: &str) -> AppResult<()> {
    let mut tx = super::write_tx(db).await?;
    let old: Option<i64> = sqlx::query_scalar(
        "DELETE FROM reviews WHERE learner_id = $1 AND course_id = $2 RETURNING rating",
    )
    .bind(learner_id)
    .bind(course_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(r) = old {
        shift_rating(&mut tx, course_id, Some(r.clamp(1, 5) as u8), None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets an account's role (and for staff, their institution); errors name what is missing.
pub async fn set_role(
    db: &Db,
    email: &str,
    role: &str,
    institution_id: Option<&str>,
) -> Result<(), String> {
    if let Some(inst) = institution_id {
        if !super::catalog::institution_exists(db, inst)
            .await
            .map_err(|e| e.to_string())?
        {
            return Err(format!("no institution {inst:?}"));
        }
    }
    let done = sqlx::query("UPDATE learners SET role = $1, institution_id = $2 WHERE email = $3")
        .bind(role)
        .bind(institution_id)
        .bind(email.trim().to_lowercase())
        .execute(db)
        .await
        .map_err(|e| e.to_string())?;
    if done.rows_affected() == 0 {
        return Err(format!(
            "no account with the email {email:?}; sign up first"
        ));
    }
    Ok(())
}
