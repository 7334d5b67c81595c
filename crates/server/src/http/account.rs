//! Identity, enrolment and review routes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jieti_api::{Enrollment, MyCourses, Review, ReviewInput, Session, SignIn, SignUp};

use super::{ApiJson, ApiPath, ApiRoutes, ClientAddr};
use crate::auth::{self, Learner, MaybeLearner};
use crate::db::learners as q;
use crate::error::{AppError, AppResult};
use crate::AppState;

pub(super) fn routes(r: ApiRoutes) -> ApiRoutes {
    r.post("/session/guest", start_guest)
        .post("/session", sign_in)
        .delete("/session", sign_out)
        .post("/account", sign_up)
        .get("/me", me)
        .get("/me/courses", my_courses)
        .get("/courses/{id}/enrollment", get_enrollment)
        .put("/courses/{id}/enrollment", enroll)
        .delete("/courses/{id}/enrollment", unenroll)
        .get("/courses/{id}/review", get_my_review)
        .put("/courses/{id}/review", put_review)
        .delete("/courses/{id}/review", delete_review)
}

/// Most characters of a review.
pub const MAX_REVIEW_CHARS: usize = 2000;

async fn start_guest(State(state): State<AppState>) -> AppResult<Response> {
    let session = q::create_guest(&state.db).await?;
    Ok((StatusCode::CREATED, Json(session)).into_response())
}

/// Counts an attempt against the client's address and the email; 429 past the limit.
fn limit(state: &AppState, addr: &ClientAddr, email: &str) -> AppResult<()> {
    if let Some(ip) = addr.0 {
        state
            .address_limiter()
            .check(&ip.to_string())
            .map_err(AppError::RateLimited)?;
    }
    state
        .email_limiter()
        .check(email)
        .map_err(AppError::RateLimited)
}

fn normalize_email(email: &str) -> AppResult<String> {
    let e = email.trim().to_lowercase();
    let valid = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(e)
    } else {
        Err(AppError::bad_field(
            "email",
            "enter an email address like name@example.com",
        ))
    }
}

fn check_password(password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < 8 {
        return Err(AppError::bad_field(
            "password",
            "the password needs at least 8 characters",
        ));
    }
    if n > 128 {
        return Err(AppError::bad_field(
            "password",
            "the password can have at most 128 characters",
        ));
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(AppError::bad_field(
            "password",
            "the password cannot be one character repeated",
        ));
    }
    Ok(())
}

fn check_display_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > 40 || name.chars().any(char::is_control) {
        return Err(AppError::bad_field(
            "display_name",
            "the name needs 1 to 40 characters",
        ));
    }
    Ok(name.to_owned())
}

async fn sign_up(
    State(state): State<AppState>,
    addr: ClientAddr,
    MaybeLearner(current): MaybeLearner,
    ApiJson(body): ApiJson<SignUp>,
) -> AppResult<Response> {
    let email = normalize_email(&body.email)?;
    limit(&state, &addr, &email)?;
    check_password(&body.password)?;
    let name = check_display_name(&body.display_name)?;
    if current.as_ref().is_some_and(|l| l.email.is_some()) {
        return Err(AppError::Conflict {
            message: "you are already signed in to an account".into(),
            field: None,
        });
    }
    let hash = auth::hash_password(&body.password)?;
    // The guest becomes the account: same learner id, so everything done as a guest stays.
    let session = q::sign_up(&state.db, current.as_ref(), &email, &name, &hash).await?;
    Ok((StatusCode::CREATED, Json(session)).into_response())
}

async fn sign_in(
    State(state): State<AppState>,
    addr: ClientAddr,
    MaybeLearner(current): MaybeLearner,
    ApiJson(body): ApiJson<SignIn>,
) -> AppResult<Json<Session>> {
    let email = body.email.trim().to_lowercase();
    limit(&state, &addr, &email)?;
    let wrong = || AppError::Unauthorized("the email or the password is wrong".into());
    let Some((learner_id, hash)) = q::credentials(&state.db, &email).await? else {
        // Same work as a real check, so the time taken does not tell which emails exist.
        let _ = auth::verify_password(&body.password, auth::dummy_hash());
        return Err(wrong());
    };
    if !auth::verify_password(&body.password, &hash) {
        return Err(wrong());
    }
    // A guest who signs in to an existing account brings their enrolments along.
    let guest = current.filter(|l| l.email.is_none());
    Ok(Json(
        q::sign_in(&state.db, &learner_id, guest.as_ref()).await?,
    ))
}

async fn sign_out(State(state): State<AppState>, learner: Learner) -> AppResult<StatusCode> {
    q::revoke(&state.db, &learner.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(learner: Learner) -> Json<jieti_api::Me> {
    Json(learner.me())
}

async fn my_courses(State(state): State<AppState>, learner: Learner) -> AppResult<Json<MyCourses>> {
    Ok(Json(MyCourses {
        items: q::enrolled_courses(&state.db, &learner.id).await?,
    }))
}

async fn existing_course(state: &AppState, id: &str) -> AppResult<()> {
    if crate::db::catalog::course_exists(&state.db, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("no course {id:?}")))
    }
}

async fn get_enrollment(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<Enrollment>> {
    existing_course(&state, &id).await?;
    q::enrollment(&state.db, &learner.id, &id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::NotFound("not enrolled in this course".into()))
}

async fn enroll(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<Enrollment>> {
    existing_course(&state, &id).await?;
    Ok(Json(q::enroll(&state.db, &learner.id, &id).await?))
}

async fn unenroll(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<StatusCode> {
    existing_course(&state, &id).await?;
    q::unenroll(&state.db, &learner.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Keeps the search index's copy of the course's rating in step.
async fn rating_changed(state: &AppState, course_id: &str) -> AppResult<()> {
    if let Some((doc, rating)) = crate::db::catalog::doc_and_rating(&state.db, course_id).await? {
        state.rating_changed(doc, rating);
    }
    Ok(())
}

async fn get_my_review(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Response> {
    existing_course(&state, &id).await?;
    // No review yet is a normal state, not an error: 204, so clients need not treat a 404 as "none".
    Ok(match q::review_of(&state.db, &learner, &id).await? {
        Some(review) => Json(review).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

async fn put_review(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> AppResult<Json<Review>> {
    existing_course(&state, &id).await?;
    if !(1..=5).contains(&input.rating) {
        return Err(AppError::bad_field("rating", "the rating is 1 to 5 stars"));
    }
    let body = input.body.trim().to_owned();
    if body.chars().count() > MAX_REVIEW_CHARS {
        return Err(AppError::bad_field(
            "body",
            format!("a review can have at most {MAX_REVIEW_CHARS} characters"),
        ));
    }
    if q::enrollment(&state.db, &learner.id, &id).await?.is_none() {
        return Err(AppError::Forbidden(
            "only learners enrolled in the course can review it".into(),
        ));
    }
    let review = q::upsert_review(&state.db, &learner, &id, input.rating, &body).await?;
    rating_changed(&state, &id).await?;
    Ok(Json(review))
}

async fn delete_review(
    State(state): State<AppState>,
    learner: Learner,
    ApiPath(id): ApiPath<String>,
) -> AppResult<StatusCode> {
    existing_course(&state, &id).await?;
    q::delete_review(&state.db, &learner.id, &id).await?;
    rating_changed(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
