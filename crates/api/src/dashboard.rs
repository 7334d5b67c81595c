//! The learner's dashboard, certificates, and institution analytics.

use serde::{Deserialize, Serialize};

use crate::QualityIndex;

/// What a learner may see and do beyond their own learning.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Learns; sees only their own data.
    #[default]
    Learner,
    /// Staff of one institution: its analytics and certificates.
    Staff,
    /// Every institution's analytics and certificates.
    Admin,
}

/// Where the learner left off: one tap resumes there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResumePoint {
    /// The course.
    pub course_id: String,
    /// Its title.
    pub course_title: String,
    /// The lesson.
    pub lesson_id: String,
    /// Its title.
    pub lesson_title: String,
    /// Seconds (video) or block index (article) to resume at.
    pub position: f64,
    /// When the learner was last there, Unix ms.
    pub at_ms: i64,
}

/// Where a learner stands in one enrolled course.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseStatus {
    /// Enrolled, nothing studied yet.
    NotStarted,
    /// Some lessons studied.
    InProgress,
    /// Every lesson complete.
    Completed,
}

/// A lesson to go to next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextLesson {
    /// Lesson id.
    pub id: String,
    /// Title.
    pub title: String,
}

/// One enrolled course on the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnrolledCourse {
    /// Course id.
    pub course_id: String,
    /// Title.
    pub title: String,
    /// The institution's name.
    pub institution_name: String,
    /// Not started, in progress or completed.
    pub status: CourseStatus,
    /// Lessons in the course.
    pub lesson_count: u32,
    /// Lessons complete.
    pub completed_lessons: u32,
    /// Completed lessons as a whole percentage, 0–100.
    pub percent: u8,
    /// The first lesson in course order not yet complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_lesson: Option<NextLesson>,
    /// Last progress in this course, Unix ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity_ms: Option<i64>,
    /// Enrolled, Unix seconds.
    pub enrolled_at: i64,
    /// The certificate earned in it, when one was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_code: Option<String>,
}

/// Active study time, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyTime {
    /// Today (learner's time zone).
    pub today_s: u32,
    /// This week, from Monday (learner's time zone).
    pub week_s: u32,
    /// Ever.
    pub total_s: u64,
}

/// The learner's goals and the time zone their days are counted in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StudyGoal {
    /// Minutes per week, 10–3,000.
    pub weekly_minutes: u32,
    /// Minutes that make a day count for the streak, 1–600.
    pub daily_minutes: u32,
    /// IANA time zone name, e.g. `Asia/Shanghai` (the default).
    pub time_zone: String,
}

/// Consecutive days with at least the daily minimum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Streak {
    /// Days up to today, or up to yesterday while today is not met yet.
    pub current: u32,
    /// The longest run ever.
    pub best: u32,
    /// Today already counts.
    pub today_met: bool,
}

/// Study time on one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StudyDay {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Active seconds.
    pub seconds: u32,
}

/// A submitted quiz attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuizResult {
    /// The quiz.
    pub quiz_id: String,
    /// Its title.
    pub quiz_title: String,
    /// Its course's title.
    pub course_title: String,
    /// The attempt.
    pub attempt_id: String,
    /// Score, percent.
    pub pct: f32,
    /// Reached the pass mark.
    pub passed: bool,
    /// Submitted, Unix ms.
    pub submitted_at: i64,
}

/// Quiz figures for the dashboard.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QuizStats {
    /// Mean of the best score in each graded quiz or exam taken (absent before the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_pct: Option<f32>,
    /// Graded quizzes and exams with a submitted attempt.
    pub quizzes_taken: u32,
    /// The latest submitted attempts of any mode, newest first (at most 5).
    pub recent: Vec<QuizResult>,
}

/// `GET /api/v1/me/dashboard`: everything the progress dashboard shows, in one response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The learner's role.
    pub role: Role,
    /// For staff: the institution they work for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_id: Option<String>,
    /// Today's local date, `YYYY-MM-DD`.
    pub today: String,
    /// Where to continue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<ResumePoint>,
    /// Enrolled courses, latest activity first.
    pub courses: Vec<EnrolledCourse>,
    /// Active study time.
    pub time: StudyTime,
    /// Goals and time zone.
    pub goal: StudyGoal,
    /// The streak.
    pub streak: Streak,
    /// The last 28 days, oldest first, ending today.
    pub days: Vec<StudyDay>,
    /// Quiz figures.
    pub quizzes: QuizStats,
    /// Wrong-answer-book questions due for review now.
    pub mistakes_due: u32,
    /// Certificates earned, newest first.
    pub certificates: Vec<Certificate>,
}

/// A certificate of completion, as anyone with its code may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    /// The verification code (unguessable).
    pub code: String,
    /// The holder's name at issue, or absent for a learner who had not signed up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// The course.
    pub course_id: String,
    /// Its title.
    pub course_title: String,
    /// The institution that awards it.
    pub institution_id: String,
    /// Its name.
    pub institution_name: String,
    /// Issued, Unix seconds.
    pub issued_at: i64,
    /// Revoked, Unix seconds: the certificate is no longer valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
    /// Why it was revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_reason: Option<String>,
}

/// `POST /api/v1/certificates/{code}/revoke` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevokeCertificate {
    /// Why, 1–200 characters; shown on the verification page.
    pub reason: String,
}

/// Enrolments in one week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekCount {
    /// The week's Monday, `YYYY-MM-DD` (Asia/Shanghai).
    pub week: String,
    /// Enrolments that week.
    pub count: u32,
}

/// One lesson of the completion funnel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunnelStep {
    /// Lesson id.
    pub lesson_id: String,
    /// Title.
    pub title: String,
    /// Enrolled learners who started it.
    pub started: u32,
    /// Enrolled learners who completed it.
    pub completed: u32,
}

/// Why an item is flagged for review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemFlag {
    /// Fewer than 20 % answer it right.
    TooHard,
    /// More than 95 % answer it right: it separates no one.
    TooEasy,
    /// Learners with lower totals do better on it than stronger ones.
    NegativeDiscrimination,
    /// Discrimination under 0.2: it barely tells strong from weak.
    LowDiscrimination,
}

/// Item analysis of one question over learners' first submitted attempts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemStats {
    /// Question id.
    pub question_id: String,
    /// Its prompt, plain text, shortened.
    pub prompt: String,
    /// Its kind (`single`, `multiple`, …).
    pub kind: String,
    /// Responses analysed.
    pub responses: u32,
    /// Mean share of the marks earned (the proportion correct for right/wrong items), 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<f32>,
    /// Point-biserial correlation of the item with the rest of the quiz, −1–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discrimination: Option<f32>,
    /// Upper–lower 27 % index: the upper group's difficulty minus the lower group's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper_lower: Option<f32>,
    /// Flags, empty under 10 responses.
    pub flags: Vec<ItemFlag>,
}

/// One quiz's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuizAnalytics {
    /// Quiz id.
    pub quiz_id: String,
    /// Title.
    pub title: String,
    /// `practice`, `graded` or `exam`.
    pub mode: String,
    /// Learners with a submitted attempt (their first is analysed).
    pub learners: u32,
    /// Mean first-attempt score, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_pct: Option<f32>,
    /// Share of those first attempts that passed, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_rate: Option<f32>,
    /// First-attempt scores in ten bands: 0–9 %, 10–19 %, …, 90–100 %.
    pub histogram: Vec<u32>,
    /// Per-question figures, in quiz order (unscored questions left out).
    pub items: Vec<ItemStats>,
}

/// `GET /api/v1/courses/{id}/analytics`: one course's figures (staff of its institution, admins).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseAnalytics {
    /// Course id.
    pub course_id: String,
    /// Title.
    pub title: String,
    /// Its institution.
    pub institution_id: String,
    /// Enrolments recorded.
    pub enrolled: u32,
    /// Of those, completed (every lesson complete).
    pub completed: u32,
    /// Mean days from enrolment to completion (absent before the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_days_to_complete: Option<f32>,
    /// Enrolments per week, the last 12 weeks, oldest first.
    pub enrolments: Vec<WeekCount>,
    /// Every lesson in course order: who started and who completed it.
    pub funnel: Vec<FunnelStep>,
    /// Each quiz's figures.
    pub quizzes: Vec<QuizAnalytics>,
    /// Certificates issued, newest first (at most 100).
    pub certificates: Vec<Certificate>,
}

/// One course in an institution's overview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseFigures {
    /// Course id.
    pub course_id: String,
    /// Title.
    pub title: String,
    /// Enrolments recorded.
    pub enrolled: u32,
    /// Of those, completed.
    pub completed: u32,
    /// Quiz questions flagged by item analysis.
    pub flagged_items: u32,
}

/// `GET /api/v1/institutions/{id}/analytics`: an institution's courses and quality index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstitutionAnalytics {
    /// Institution id.
    pub institution_id: String,
    /// Its name.
    pub name: String,
    /// The quality index, from the same figures as below.
    pub quality: QualityIndex,
    /// Quiz questions with enough responses to analyse.
    pub items_analysed: u32,
    /// Of those, flagged.
    pub items_flagged: u32,
    /// Its courses, most enrolments first.
    pub courses: Vec<CourseFigures>,
}
