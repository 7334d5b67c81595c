//! Identity, enrolment and review types.

use serde::{Deserialize, Serialize};

use crate::CourseSummary;

/// Whether a learner has signed up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LearnerKind {
    /// Made silently on first visit; owns everything done so far.
    Guest,
    /// Signed up with an email and password.
    Account,
}

/// The signed-in (or guest) learner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    /// Opaque learner id.
    pub id: String,
    /// Guest or account.
    pub kind: LearnerKind,
    /// Email, for accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name, for accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// A bearer token for `Authorization: Bearer …`, and whom it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The bearer token; keep it secret.
    pub token: String,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
    /// The learner.
    pub learner: Me,
}

/// `POST /api/v1/account`: sign up, upgrading the current guest in place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignUp {
    /// Email address (sign-in name).
    pub email: String,
    /// At least 8 characters.
    pub password: String,
    /// Name shown on reviews, 1–40 characters.
    pub display_name: String,
}

/// `POST /api/v1/session`: sign in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignIn {
    /// Email address.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A learner's enrolment in a course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The course.
    pub course_id: String,
    /// When, Unix seconds.
    pub enrolled_at: i64,
}

/// `GET /api/v1/me/courses`: the courses a learner is enrolled in, most recent first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyCourses {
    /// The courses.
    pub items: Vec<CourseSummary>,
}

/// `PUT /api/v1/courses/{id}/review`: a learner's rating and review of a course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewInput {
    /// 1–5 stars.
    pub rating: u8,
    /// Up to 2,000 characters; may be empty.
    #[serde(default)]
    pub body: String,
}

/// A review as listed on a course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// The author's display name.
    pub author: String,
    /// 1–5 stars.
    pub rating: u8,
    /// The text (plain text; never HTML).
    pub body: String,
    /// Last edit, Unix seconds.
    pub updated_at: i64,
}
