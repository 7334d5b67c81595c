//! The learner's dashboard: one read of everything it shows, and the study goal.

use jieti_api::{
    CourseStatus, Dashboard, EnrolledCourse, NextLesson, QuizResult, QuizStats, ResumePoint,
    StudyDay, StudyGoal, StudyTime,
};

use super::Db;
use crate::auth::{self, Learner};
use crate::error::AppResult;
use crate::stats;

/// Days the chart covers, ending today.
pub const CHART_DAYS: i64 = 28;

/// The learner's goal and time zone.
pub async fn goal(db: &Db, learner_id: &str) -> Result<StudyGoal, sqlx::Error> {
    let (weekly, daily, tz): (i64, i64, String) = sqlx::query_as(
        "SELECT weekly_goal_minutes, daily_goal_minutes, time_zone FROM learners WHERE id = $1",
    )
    .bind(learner_id)
    .fetch_one(db)
    .await?;
    Ok(StudyGoal {
        weekly_minutes: weekly.max(0) as u32,
        daily_minutes: daily.max(0) as u32,
        time_zone: tz,
    })
}

/// Stores a validated goal.
pub async fn set_goal(db: &Db, learner_id: &str, goal: &StudyGoal) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE learners SET weekly_goal_minutes = $1, daily_goal_minutes = $2, time_zone = $3
         WHERE id = $4",
    )
    .bind(i64::from(goal.weekly_minutes))
    .bind(i64::from(goal.daily_minutes))
    .bind(&goal.time_zone)
    .bind(learner_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Every span of active study the learner's progress events claim (see [`stats`]).
pub async fn study_spans(db: &Db, learner_id: &str) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    // Times before 2020 come from a broken clock (or a forgery): they are no one's study days.
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT at_ms, action FROM progress_events WHERE learner_id = $1 AND at_ms >= 1577836800000",
    )
    .bind(learner_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(at, action)| {
            let action = serde_json::from_str(&action).ok()?;
            stats::event_span(at, &action)
        })
        .collect())
}

type CourseRow = (
    String,
    String,
    String,
    i64,
    Option<i64>,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

async fn courses(db: &Db, learner_id: &str) -> Result<Vec<EnrolledCourse>, sqlx::Error> {
    let rows: Vec<CourseRow> = sqlx::query_as(
        "SELECT e.course_id, c.title, i.name, e.enrolled_at, e.completed_at,
            (SELECT COUNT(*) FROM lessons l WHERE l.course_id = e.course_id),
            (SELECT COUNT(*) FROM lesson_progress p WHERE p.learner_id = e.learner_id
               AND p.course_id = e.course_id AND p.completed_at IS NOT NULL),
            (SELECT MAX(p.updated_at_ms) FROM lesson_progress p WHERE p.learner_id = e.learner_id
               AND p.course_id = e.course_id),
            n.id, n.title,
            (SELECT t.code FROM certificates t WHERE t.learner_id = e.learner_id
               AND t.course_id = e.course_id)
         FROM enrollments e
         JOIN courses c ON c.id = e.course_id
         JOIN institutions i ON i.id = c.institution_id
         LEFT JOIN lessons n ON n.id = (
            SELECT l.id FROM lessons l
            LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.learner_id = e.learner_id
            WHERE l.course_id = e.course_id AND p.completed_at IS NULL
            ORDER BY l.position LIMIT 1)
         WHERE e.learner_id = $1
         ORDER BY 8 DESC NULLS LAST, e.enrolled_at DESC, e.course_id",
    )
    .bind(learner_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (lessons, done) = (r.5.max(0) as u32, r.6.max(0) as u32);
            // Lessons added after completion make a course in progress again.
            let status = if (lessons > 0 && done >= lessons) || (lessons == 0 && r.4.is_some()) {
                CourseStatus::Completed
            } else if r.7.is_some() {
                CourseStatus::InProgress
            } else {
                CourseStatus::NotStarted
            };
            EnrolledCourse {
                course_id: r.0,
                title: r.1,
                institution_name: r.2,
                status,
                lesson_count: lessons,
                completed_lessons: done,
                percent: if lessons == 0 {
                    0
                } else {
                    (u64::from(done.min(lessons)) * 100 / u64::from(lessons)) as u8
                },
                next_lesson: r.8.zip(r.9).map(|(id, title)| NextLesson { id, title }),
                last_activity_ms: r.7,
                enrolled_at: r.3,
                certificate_code: r.10,
            }
        })
        .collect())
}

/// Where to continue: the lesson studied last, or when it is complete, the course's next lesson.
async fn resume(
    db: &Db,
    learner_id: &str,
    courses: &[EnrolledCourse],
) -> Result<Option<ResumePoint>, sqlx::Error> {
    #[allow(clippy::type_complexity)]
    let last: Option<(String, String, String, String, f64, i64, super::Flag)> = sqlx::query_as(
        "SELECT p.course_id, c.title, p.lesson_id, l.title, p.position, p.updated_at_ms,
                p.completed_at IS NOT NULL
         FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
         JOIN courses c ON c.id = p.course_id
         JOIN enrollments e ON e.learner_id = p.learner_id AND e.course_id = p.course_id
         WHERE p.learner_id = $1 ORDER BY p.updated_at_ms DESC LIMIT 1",
    )
    .bind(learner_id)
    .fetch_optional(db)
    .await?;
    let Some((course_id, course_title, lesson_id, lesson_title, position, at_ms, done)) = last
    else {
        return Ok(None);
    };
    let next = courses
        .iter()
        .find(|c| c.course_id == course_id)
        .and_then(|c| c.next_lesson.clone());
    Ok(Some(match next {
        Some(n) if done.0 => ResumePoint {
            course_id,
            course_title,
            lesson_id: n.id,
            lesson_title: n.title,
            position: 0.0,
            at_ms,
        },
        _ => ResumePoint {
            course_id,
            course_title,
            lesson_id,
            lesson_title,
            position,
            at_ms,
        },
    }))
}

async fn quiz_stats(db: &Db, learner_id: &str) -> Result<QuizStats, sqlx::Error> {
    let (average, taken): (Option<f64>, i64) = sqlx::query_as(
        "SELECT CAST(AVG(best) AS DOUBLE PRECISION), COUNT(*) FROM (
           SELECT MAX(a.pct) AS best FROM attempts a JOIN quizzes q ON q.id = a.quiz_id
           WHERE a.learner_id = $1 AND a.submitted_at IS NOT NULL AND q.mode IN ('graded', 'exam')
           GROUP BY a.quiz_id) AS firsts",
    )
    .bind(learner_id)
    .fetch_one(db)
    .await?;
    #[allow(clippy::type_complexity)]
    let recent: Vec<(String, String, String, String, f64, super::Flag, i64)> = sqlx::query_as(
        "SELECT a.quiz_id, q.title, c.title, a.id, COALESCE(a.pct, 0.0), COALESCE(a.passed, 0),
                a.submitted_at
         FROM attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN courses c ON c.id = q.course_id
         WHERE a.learner_id = $1 AND a.submitted_at IS NOT NULL
         ORDER BY a.submitted_at DESC LIMIT 5",
    )
    .bind(learner_id)
    .fetch_all(db)
    .await?;
    Ok(QuizStats {
        average_pct: average.map(|a| ((a * 10.0).round() / 10.0) as f32),
        quizzes_taken: taken.max(0) as u32,
        recent: recent
            .into_iter()
            .map(|r| QuizResult {
                quiz_id: r.0,
                quiz_title: r.1,
                course_title: r.2,
                attempt_id: r.3,
                pct: r.4 as f32,
                passed: r.5 .0,
                submitted_at: r.6,
            })
            .collect(),
    })
}

/// The whole dashboard for `learner`, with days counted in their time zone.
pub async fn dashboard(db: &Db, learner: &Learner) -> AppResult<Dashboard> {
    let goal = goal(db, &learner.id).await?;
    let tz = stats::time_zone(&goal.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let now = auth::now_ms();
    let today = stats::local_date(now, &tz);
    let spans = stats::union(study_spans(db, &learner.id).await?);
    let total_ms: i64 = spans.iter().map(|(a, b)| b - a).sum();
    let days = stats::per_day(&spans, &tz);
    let day_s = |d| (days.get(&d).copied().unwrap_or(0) / 1000) as u32;
    let week_start = stats::week_start(today);
    let week_ms: i64 = days.range(week_start..=today).map(|(_, ms)| ms).sum();
    let chart = (0..CHART_DAYS)
        .rev()
        .map(|back| {
            let d = stats::add_days(today, -back);
            StudyDay {
                date: d.to_string(),
                seconds: day_s(d),
            }
        })
        .collect();
    let streak = stats::streak(&days, today, i64::from(goal.daily_minutes) * 60_000);
    let courses = courses(db, &learner.id).await?;
    let resume = resume(db, &learner.id, &courses).await?;
    let mistakes = super::quiz::mistake_summary(db, &learner.id).await?;
    Ok(Dashboard {
        role: learner.role,
        institution_id: learner.institution_id.clone(),
        today: today.to_string(),
        resume,
        courses,
        time: StudyTime {
            today_s: day_s(today),
            week_s: (week_ms / 1000) as u32,
            total_s: (total_ms / 1000).max(0) as u64,
        },
        goal,
        streak,
        days: chart,
        quizzes: quiz_stats(db, &learner.id).await?,
        mistakes_due: mistakes.due,
        certificates: super::certificates::of_learner(db, &learner.id).await?,
    })
}
