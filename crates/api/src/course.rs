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
