//! The embeddable player: what an embed shows before it loads, its institution's settings, and
//! the exchange of a host site's signed learner token for a session.

use serde::{Deserialize, Serialize};

use crate::LessonKind;

/// What an embed shows: one lesson, a whole course, or one quiz.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmbedKind {
    /// One lesson.
    Lesson,
    /// A whole course.
    Course,
    /// One quiz.
    Quiz,
}

/// `GET /api/v1/embed/{lessons,courses,quizzes}/{id}`: the public facts an embed's static poster
/// shows before any wasm loads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbedInfo {
    /// What is embedded.
    pub kind: EmbedKind,
    /// The course (of the lesson or quiz, or the course itself).
    pub course_id: String,
    /// The course's title.
    pub course_title: String,
    /// The lesson, for lesson embeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson_id: Option<String>,
    /// The quiz, for quiz embeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiz_id: Option<String>,
    /// The lesson's, course's or quiz's title.
    pub title: String,
    /// Video or article, for lesson embeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson_kind: Option<LessonKind>,
    /// Seconds: the lesson's length, the sum of the course's lessons, or a quiz's time limit (0: none).
    pub duration_s: u32,
    /// Download size at the default rendition, bytes: the lesson's, or the sum over the course's
    /// lessons that have media; absent without media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    /// Lessons shown: the course's count, 1 for a lesson, 0 for a quiz.
    pub lessons: u32,
    /// Poster image: the lesson's video poster, or the course's first video lesson's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poster_url: Option<String>,
    /// The institution that owns the course.
    pub institution_id: String,
    /// Its name.
    pub institution_name: String,
    /// Origins allowed to frame the embed (also sent in the page's CSP header).
    pub allowed_origins: Vec<String>,
}

/// `GET /api/v1/institutions/{id}/embed`: an institution's embed settings, for its staff.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbedSettings {
    /// The institution.
    pub institution_id: String,
    /// Origins allowed to frame the embed (`https://host[:port]`).
    pub origins: Vec<String>,
    /// HMAC-SHA256 key for learner tokens: its UTF-8 bytes are the key. Keep it on the server.
    pub secret: String,
    /// Last change of the origins or the secret, Unix seconds.
    pub updated_at: i64,
}

/// `PUT /api/v1/institutions/{id}/embed`: the new allowlist (replaces the old one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbedOrigins {
    /// `scheme://host[:port]` origins; at most 20.
    pub origins: Vec<String>,
}

/// `POST /api/v1/embed/session`: a host site's signed learner token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbedTokenExchange {
    /// A JWT signed HS256 with the institution's embed secret.
    pub token: String,
}

/// `GET /api/v1/embed/context?course=…`: opaque identifiers for the host's own records
/// (xAPI-style actor and registration), stable per learner and institution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbedContext {
    /// 32 hex characters naming the learner to this institution only.
    pub actor_name: String,
    /// A UUID (RFC 9562 version 8) naming this learner's registration in the course.
    pub registration: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_info_is_snake_case_and_omits_what_does_not_apply() {
        let info = EmbedInfo {
            kind: EmbedKind::Quiz,
            course_id: "c".into(),
            course_title: "C".into(),
            lesson_id: None,
            quiz_id: Some("q".into()),
            title: "Q".into(),
            lesson_kind: None,
            duration_s: 0,
            size_bytes: None,
            lessons: 0,
            poster_url: None,
            institution_id: "i".into(),
            institution_name: "I".into(),
            allowed_origins: vec!["https://a.example".into()],
        };
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "quiz", "course_id": "c", "course_title": "C", "quiz_id": "q",
                "title": "Q", "duration_s": 0, "lessons": 0, "institution_id": "i",
                "institution_name": "I", "allowed_origins": ["https://a.example"]})
        );
        assert_eq!(serde_json::from_value::<EmbedInfo>(json).unwrap(), info);
        let lesson: EmbedKind = serde_json::from_str("\"lesson\"").unwrap();
        assert_eq!(lesson, EmbedKind::Lesson);
    }
}
