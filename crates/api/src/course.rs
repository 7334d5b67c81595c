//! Course and institution detail types.

use serde::{Deserialize, Serialize};

use crate::CourseSummary;

/// What a lesson is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LessonKind {
    /// A video (with renditions and captions).
    Video,
    /// A text article.
    Article,
}

/// A lesson in a syllabus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonOutline {
    /// Lesson id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Video or article.
    pub kind: LessonKind,
    /// Length in seconds.
    pub duration_s: u32,
    /// Download size at the default rendition, bytes (video lessons with media).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
}

/// A chapter of a syllabus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChapterOutline {
    /// Title.
    pub title: String,
    /// Its lessons, in order.
    pub lessons: Vec<LessonOutline>,
}

/// `GET /api/v1/courses/{id}`: everything a learner needs to decide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseDetail {
    /// The card-level facts.
    pub course: CourseSummary,
    /// Longer description (plain text).
    pub description: String,
    /// What the learner will be able to do.
    pub outcomes: Vec<String>,
    /// What the learner should bring.
    pub requirements: Vec<String>,
    /// Keywords.
    pub tags: Vec<String>,
    /// The syllabus.
    pub chapters: Vec<ChapterOutline>,
    /// Number of ratings with 1, 2, 3, 4 and 5 stars.
    pub rating_distribution: [u64; 5],
    /// The rendition the sizes are given for (e.g. `240p`), when the course has video media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_rendition: Option<String>,
    /// The course's quizzes, in syllabus order.
    ///
    /// The wasm app reads this field by hand: a derived decoder for it cost every catalog page
    /// about 5 KB, so on wasm it is skipped by serde and filled by `api::catalog::get_course`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub quizzes: Vec<crate::QuizSummary>,
}

/// `GET /api/v1/courses/{id}/reviews`: one page of reviews, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewPage {
    /// The reviews.
    pub items: Vec<crate::Review>,
    /// All written reviews of the course.
    pub total: u64,
    /// This page, from 1.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

/// The institution quality index, in the spirit of Tencent Classroom's TSCI, computed from data.
///
/// `score` = 100 × the weighted mean of the components that have data: completion rate (35 %),
/// rating scaled to 0–1 as (average − 1) / 4 (30 %), active learners in the last 30 days scaled as
/// log10(1 + n) / 4 capped at 1 (15 %), and the employment rate the institution reports (20 %).
/// Components without data are left out and the weights of the rest are scaled up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityIndex {
    /// 0–100; absent when no component has data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    /// Share of its courses' learners who completed them (every lesson complete), absent when it
    /// has no learners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_rate: Option<f32>,
    /// Average rating over all its courses' ratings (absent under 20 ratings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<f32>,
    /// Learners who enrolled or studied in the last 30 days.
    pub active_learners: u64,
    /// Share of graduates employed, as the institution reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment_rate: Option<f32>,
    /// Share of its analysed quiz questions that item analysis does not flag.
    ///
    /// The app does not show it on the public page yet, so its wasm decoder skips it (bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub assessment_quality: Option<f32>,
}

/// `GET /api/v1/institutions/{id}`: an institution's profile and quality index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstitutionDetail {
    /// Stable id.
    pub id: String,
    /// Name (Chinese).
    pub name: String,
    /// English name.
    pub name_en: String,
    /// City.
    pub city: String,
    /// Year founded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded: Option<i32>,
    /// Licence verified by the platform.
    pub verified: bool,
    /// About the institution (plain text).
    pub description: String,
    /// Published courses (list them with `GET /courses?institution=ID`).
    pub course_count: u64,
    /// Learners over all its courses.
    pub learner_count: u64,
    /// The quality index and its parts.
    pub quality: QualityIndex,
}
