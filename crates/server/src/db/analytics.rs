//! Institution analytics: enrolments, the completion funnel, quiz scores and item analysis.
//! The institution's quality index reads the same figures (see [`institution_figures`]).

use std::collections::{BTreeMap, HashMap};

use jieti_api::{
    CourseAnalytics, CourseFigures, FunnelStep, InstitutionAnalytics, ItemStats, QuizAnalytics,
    WeekCount,
};

use super::Db;
use crate::error::AppResult;
use crate::quiz::QuestionDef;
use crate::stats::{self, ItemFigures, Response};

/// Weeks of enrolments shown.
pub const WEEKS: i64 = 12;

/// Longest prompt shown in item analysis, in characters.
const PROMPT_CHARS: usize = 80;

/// A course's institution, or None when the course does not exist.
pub async fn course_institution(db: &Db, course_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT institution_id FROM courses WHERE id = $1")
        .bind(course_id)
        .fetch_optional(db)
        .await
}

/// One quiz's analysis: its row, first-attempt scores, and per-item figures in quiz order.
struct QuizFigures {
    analytics: QuizAnalytics,
    flagged: u32,
    analysed: u32,
}

async fn quiz_figures(
    db: &Db,
    quiz_id: &str,
    title: String,
    mode: String,
) -> AppResult<QuizFigures> {
    // Each learner's first submitted attempt (later ones are practised, not measured), with
    // its answers' scores.
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        String,
        f64,
        super::Flag,
        Option<String>,
        Option<f64>,
        Option<f64>,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT a.id, COALESCE(a.pct, 0.0), COALESCE(a.passed, 0),
                    aa.question_id, aa.score, aa.max_score, aa.outcome
             FROM attempts a LEFT JOIN attempt_answers aa ON aa.attempt_id = a.id
             WHERE a.quiz_id = $1 AND a.submitted_at IS NOT NULL
               AND a.number = (SELECT MIN(b.number) FROM attempts b WHERE b.quiz_id = $1
                                 AND b.learner_id = a.learner_id AND b.submitted_at IS NOT NULL)",
    )
    .bind(quiz_id)
    .fetch_all(db)
    .await?;
    // Ordered by attempt id, so ties at the 27 % cut-offs always fall the same way.
    let mut firsts: BTreeMap<String, (f64, bool)> = BTreeMap::new();
    let mut responses: BTreeMap<String, Response> = BTreeMap::new();
    for (attempt, pct, passed, question, score, max, outcome) in rows {
        firsts.insert(attempt.clone(), (pct, passed.0));
        let (Some(question), Some(score), Some(max)) = (question, score, max) else {
            continue;
        };
        // Unmarked free text has no score to analyse.
        if outcome.as_deref() == Some("ungraded") || max <= 0.0 {
            continue;
        }
        responses
            .entry(attempt)
            .or_default()
            .items
            .insert(question, (score, max));
    }
    let firsts: Vec<(f64, bool)> = firsts.into_values().collect();
    let responses: Vec<Response> = responses.into_values().collect();
    let questions: Vec<(String, String)> =
        sqlx::query_as("SELECT id, def FROM questions WHERE quiz_id = $1 ORDER BY position")
            .bind(quiz_id)
            .fetch_all(db)
            .await?;
    let (mut flagged, mut analysed) = (0, 0);
    let mut items = Vec::new();
    for (id, def) in questions {
        let Ok(def) = serde_json::from_str::<QuestionDef>(&def) else {
            continue;
        };
        let f: ItemFigures = stats::item_figures(&id, &responses);
        if f.responses == 0 && matches!(def.kind, jieti_api::QuestionKind::Essay) {
            continue;
        }
        if f.responses >= stats::MIN_FLAG_RESPONSES {
            analysed += 1;
            flagged += u32::from(!f.flags.is_empty());
        }
        let kind = serde_json::to_value(def.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        items.push(ItemStats {
            question_id: id,
            prompt: shorten(&def.prompt),
            kind,
            responses: f.responses as u32,
            difficulty: f.difficulty.map(stats::round3),
            discrimination: f.discrimination.map(stats::round3),
            upper_lower: f.upper_lower.map(stats::round3),
            flags: f.flags,
        });
    }
    let n = firsts.len();
    let pcts: Vec<f64> = firsts.iter().map(|f| f.0).collect();
    Ok(QuizFigures {
        analytics: QuizAnalytics {
            quiz_id: quiz_id.to_owned(),
            title,
            mode,
            learners: n as u32,
            mean_pct: (n > 0).then(|| {
                let m = pcts.iter().sum::<f64>() / n as f64;
                ((m * 10.0).round() / 10.0) as f32
            }),
            pass_rate: (n > 0)
                .then(|| stats::round3(firsts.iter().filter(|f| f.1).count() as f64 / n as f64)),
            histogram: stats::histogram(&pcts),
            items,
        },
        flagged,
        analysed,
    })
}

fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(PROMPT_CHARS).collect();
    if text.chars().count() > PROMPT_CHARS {
        out.push('…');
    }
    out
}

/// One course's analytics, or None when the course does not exist.
pub async fn course(db: &Db, course_id: &str) -> AppResult<Option<CourseAnalytics>> {
    let Some((title, institution_id)): Option<(String, String)> =
        sqlx::query_as("SELECT title, institution_id FROM courses WHERE id = $1")
            .bind(course_id)
            .fetch_optional(db)
            .await?
    else {
        return Ok(None);
    };
    let (enrolled, completed, avg_s): (i64, i64, Option<f64>) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN completed_at IS NOT NULL THEN 1 ELSE 0 END), 0),
                CAST(AVG(CASE WHEN completed_at IS NOT NULL THEN completed_at - enrolled_at END) AS DOUBLE PRECISION)
         FROM enrollments WHERE course_id = $1",
    )
    .bind(course_id)
    .fetch_one(db)
    .await?;
    // Weeks from Monday, in the platform's default time zone.
    let tz = stats::time_zone("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC);
    let this_week = stats::week_start(stats::local_date(crate::auth::now_ms(), &tz));
    let first_week = stats::add_days(this_week, -7 * (WEEKS - 1));
    let since = stats::day_start_ms(first_week, &tz) / 1000;
    let times: Vec<i64> = sqlx::query_scalar(
        "SELECT enrolled_at FROM enrollments WHERE course_id = $1 AND enrolled_at >= $2",
    )
    .bind(course_id)
    .bind(since)
    .fetch_all(db)
    .await?;
    let mut weeks: BTreeMap<jiff::civil::Date, u32> = (0..WEEKS)
        .map(|i| (stats::add_days(first_week, 7 * i), 0))
        .collect();
    for t in times {
        let w = stats::week_start(stats::local_date(t * 1000, &tz));
        if let Some(c) = weeks.get_mut(&w) {
            *c += 1;
        }
    }
    let funnel: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT l.id, l.title, COALESCE(f.started, 0), COALESCE(f.completed, 0)
         FROM lessons l LEFT JOIN (
            SELECT p.lesson_id, COUNT(*) AS started, SUM(CASE WHEN p.completed_at IS NOT NULL THEN 1 ELSE 0 END) AS completed
            FROM lesson_progress p JOIN enrollments e
              ON e.learner_id = p.learner_id AND e.course_id = p.course_id
            WHERE p.course_id = $1 GROUP BY p.lesson_id) f ON f.lesson_id = l.id
         WHERE l.course_id = $1 ORDER BY l.position",
    )
    .bind(course_id)
    .fetch_all(db)
    .await?;
    let quizzes: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, title, mode FROM quizzes WHERE course_id = $1 ORDER BY position, id",
    )
    .bind(course_id)
    .fetch_all(db)
    .await?;
    let mut quiz_analytics = Vec::new();
    for (id, title, mode) in quizzes {
        quiz_analytics.push(quiz_figures(db, &id, title, mode).await?.analytics);
    }
    Ok(Some(CourseAnalytics {
        course_id: course_id.to_owned(),
        title,
        institution_id,
        enrolled: enrolled.max(0) as u32,
        completed: completed.max(0) as u32,
        avg_days_to_complete: avg_s.map(|s| ((s / 86_400.0 * 10.0).round() / 10.0) as f32),
        enrolments: weeks
            .into_iter()
            .map(|(week, count)| WeekCount {
                week: week.to_string(),
                count,
            })
            .collect(),
        funnel: funnel
            .into_iter()
            .map(|(lesson_id, title, started, completed)| FunnelStep {
                lesson_id,
                title,
                started: started.max(0) as u32,
                completed: completed.max(0) as u32,
            })
            .collect(),
        quizzes: quiz_analytics,
        certificates: super::certificates::of_course(db, course_id).await?,
    }))
}

/// An institution's figures that its analytics show and its quality index reads.
pub struct InstitutionFigures {
    /// Quiz items with enough responses to analyse.
    pub items_analysed: u32,
    /// Of those, flagged.
    pub items_flagged: u32,
    /// Flagged items per course.
    pub flagged_by_course: HashMap<String, u32>,
}

impl InstitutionFigures {
    /// Share of analysed items not flagged (None before any item has enough responses).
    pub fn assessment_quality(&self) -> Option<f64> {
        (self.items_analysed > 0)
            .then(|| 1.0 - f64::from(self.items_flagged) / f64::from(self.items_analysed))
    }
}

/// What the institution's figures depend on: its submitted attempts and its quizzes' last edit.
pub async fn figures_key(db: &Db, institution_id: &str) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(a.id), COALESCE(MAX(q.updated_at), 0)
         FROM quizzes q JOIN courses c ON c.id = q.course_id
         LEFT JOIN attempts a ON a.quiz_id = q.id AND a.submitted_at IS NOT NULL
         WHERE c.institution_id = $1",
    )
    .bind(institution_id)
    .fetch_one(db)
    .await
}

/// Item analysis over every quiz of the institution that has submitted attempts.
pub async fn institution_figures(db: &Db, institution_id: &str) -> AppResult<InstitutionFigures> {
    let quizzes: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT q.id, q.title, q.mode, q.course_id FROM quizzes q JOIN courses c ON c.id = q.course_id
         WHERE c.institution_id = $1
           AND EXISTS (SELECT 1 FROM attempts a WHERE a.quiz_id = q.id AND a.submitted_at IS NOT NULL)
         ORDER BY q.id",
    )
    .bind(institution_id)
    .fetch_all(db)
    .await?;
    let mut out = InstitutionFigures {
        items_analysed: 0,
        items_flagged: 0,
        flagged_by_course: HashMap::new(),
    };
    for (id, title, mode, course) in quizzes {
        let f = quiz_figures(db, &id, title, mode).await?;
        out.items_analysed += f.analysed;
        out.items_flagged += f.flagged;
        *out.flagged_by_course.entry(course).or_default() += f.flagged;
    }
    Ok(out)
}

/// An institution's analytics overview from its `figures`, or None when it does not exist.
pub async fn institution(
    db: &Db,
    institution_id: &str,
    figures: &InstitutionFigures,
) -> AppResult<Option<InstitutionAnalytics>> {
    let Some(detail) = super::catalog::institution_detail_with(db, institution_id, figures).await?
    else {
        return Ok(None);
    };
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT c.id, c.title, COUNT(e.learner_id), COALESCE(SUM(CASE WHEN e.completed_at IS NOT NULL THEN 1 ELSE 0 END), 0)
         FROM courses c LEFT JOIN enrollments e ON e.course_id = c.id
         WHERE c.institution_id = $1 GROUP BY c.id, c.title ORDER BY 3 DESC, c.id LIMIT 200",
    )
    .bind(institution_id)
    .fetch_all(db)
    .await?;
    Ok(Some(InstitutionAnalytics {
        institution_id: detail.id,
        name: detail.name,
        quality: detail.quality,
        items_analysed: figures.items_analysed,
        items_flagged: figures.items_flagged,
        courses: rows
            .into_iter()
            .map(|(course_id, title, enrolled, completed)| CourseFigures {
                flagged_items: figures
                    .flagged_by_course
                    .get(&course_id)
                    .copied()
                    .unwrap_or(0),
                course_id,
                title,
                enrolled: enrolled.max(0) as u32,
                completed: completed.max(0) as u32,
            })
            .collect(),
    }))
}
