//! Learning player types: lessons with their media or article blocks, progress events, notes.

use serde::{Deserialize, Serialize};

use crate::LessonKind;

/// Whether a rendition carries pictures or only sound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenditionKind {
    /// Video with sound.
    Video,
    /// Sound only: the cheapest rung.
    Audio,
}

/// One rung of a lesson video's rendition ladder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rendition {
    /// Rung id (`audio`, `144p`, `240p`, …).
    pub id: String,
    /// Video or audio only.
    pub kind: RenditionKind,
    /// Picture height in pixels (0 for audio).
    pub height: u32,
    /// Whole-file bitrate (video + audio), kbit/s.
    pub bitrate_kbps: u32,
    /// File size in bytes.
    pub bytes: u64,
    /// Where to fetch it (supports HTTP ranges).
    pub url: String,
    /// MIME type.
    pub mime: String,
}

/// A WebVTT caption track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaptionTrack {
    /// BCP 47 language tag.
    pub lang: String,
    /// Label in its own language.
    pub label: String,
    /// Where to fetch the `.vtt` file.
    pub url: String,
}

/// A video lesson's media.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonVideo {
    /// Real length of the media, seconds.
    pub duration_s: f32,
    /// Poster image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poster_url: Option<String>,
    /// The ladder, cheapest first (audio-only first when it exists).
    pub renditions: Vec<Rendition>,
    /// Captions, one per language.
    pub captions: Vec<CaptionTrack>,
}

/// Inline formatting of a run of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Strong emphasis.
    Bold,
    /// Emphasis.
    Italic,
    /// Inline code.
    Code,
}

/// A run of text with the same marks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// Plain text (never HTML).
    pub text: String,
    /// Formatting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<Mark>,
    /// Link target (`https:` or a path on this site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// One block of an article lesson. Text travels as spans, so no raw HTML reaches the page.
///
/// Externally tagged (`{"paragraph": {"spans": […]}}`): a client decodes it without buffering,
/// which keeps the wasm small (an internally tagged enum costs ~18 KB of decoder).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// A section heading (level 2 or 3).
    Heading {
        /// 2 or 3.
        level: u8,
        /// Heading text.
        text: String,
    },
    /// A paragraph.
    Paragraph {
        /// Its text runs.
        spans: Vec<Span>,
    },
    /// A bulleted or numbered list.
    List {
        /// Numbered.
        ordered: bool,
        /// Each item's text runs.
        items: Vec<Vec<Span>>,
    },
    /// A code listing.
    Code {
        /// Language name for people (`python`, `text`).
        lang: String,
        /// The code, verbatim.
        code: String,
    },
    /// An image with its intrinsic size (so the layout never shifts).
    Image {
        /// Image URL.
        url: String,
        /// Text alternative.
        alt: String,
        /// Width in CSS pixels.
        width: u32,
        /// Height in CSS pixels.
        height: u32,
        /// Caption under it.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        caption: String,
    },
    /// A quotation or call-out.
    Quote {
        /// Its text runs.
        spans: Vec<Span>,
    },
}

/// `GET /api/v1/lessons/{id}`: what the player needs to show one lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonDetail {
    /// Lesson id.
    pub id: String,
    /// The course it belongs to.
    pub course_id: String,
    /// The course's title.
    pub course_title: String,
    /// Its chapter's title.
    pub chapter_title: String,
    /// Lesson title.
    pub title: String,
    /// Video or article.
    pub kind: LessonKind,
    /// Length (video) or reading time (article), seconds.
    pub duration_s: u32,
    /// Seconds an article must stay open before reaching its end counts as read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_read_s: Option<u32>,
    /// Media of a video lesson (absent when the video is not available yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<LessonVideo>,
    /// Blocks of an article lesson.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<Block>,
    /// The lesson before, in course order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// The lesson after, in course order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// What a progress event records, externally tagged: `{"watched": {"from_s": 0, …}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressAction {
    /// Where the learner is in a video (saved every few seconds, on pause and on leaving).
    Position {
        /// Seconds from the start.
        position_s: f32,
    },
    /// A stretch of video actually played (a seek ends one stretch and starts the next).
    Watched {
        /// Start, seconds.
        from_s: f32,
        /// End, seconds.
        to_s: f32,
        /// Playback rate while it played (above 2 does not count).
        rate: f32,
    },
    /// Time spent on an article, and whether its end was reached.
    Read {
        /// Seconds open and visible since the last event.
        open_s: f32,
        /// The last block was on screen.
        reached_end: bool,
        /// Index of the block at the top of the screen (where to resume).
        block: u32,
    },
}

/// One learning action, made and kept by the client until the server has it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressEvent {
    /// Client-made id (8–64 of `A-Za-z0-9_-`); the server stores each id once per learner.
    pub id: String,
    /// The lesson.
    pub lesson_id: String,
    /// When it happened on the client, Unix milliseconds.
    pub at_ms: i64,
    /// What happened.
    pub action: ProgressAction,
}

/// `POST /api/v1/progress/events` body: up to [`MAX_EVENTS_PER_BATCH`] events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressBatch {
    /// Events, oldest first.
    pub events: Vec<ProgressEvent>,
}

/// Most events in one batch.
pub const MAX_EVENTS_PER_BATCH: usize = 200;

/// `POST /api/v1/progress/events` answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressReceipt {
    /// Events stored now.
    pub accepted: u32,
    /// Events the server already had (resent by the client): ignored.
    pub duplicates: u32,
}

/// A learner's progress in one lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// The lesson.
    pub lesson_id: String,
    /// Where to resume: seconds (video) or block index (article).
    pub position: f32,
    /// Distinct seconds played (video) or seconds open (article).
    pub seconds: f32,
    /// Whether the lesson counts as complete.
    pub completed: bool,
    /// Last activity, Unix milliseconds (client clock).
    pub updated_at_ms: i64,
}

/// `GET /api/v1/courses/{id}/progress`: the learner's progress through a course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseProgress {
    /// The course.
    pub course_id: String,
    /// Lessons with any progress.
    pub lessons: Vec<LessonProgress>,
    /// Lessons complete.
    pub completed: u32,
    /// Lessons in the course.
    pub total: u32,
    /// The lesson studied most recently (where "continue" goes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_lesson_id: Option<String>,
}

/// A note or a bookmark at a point in a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Text the learner wrote.
    Note,
    /// A marked place, optionally labelled.
    Bookmark,
}

/// `PUT /api/v1/notes/{id}` body and list item: a learner's note, keyed by a client-made id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// Client-made id (8–64 of `A-Za-z0-9_-`).
    pub id: String,
    /// The lesson.
    pub lesson_id: String,
    /// Note or bookmark.
    pub kind: NoteKind,
    /// Seconds into the video, or the article block index.
    pub position: f32,
    /// The text (up to 2,000 characters; may be empty for a bookmark).
    pub body: String,
    /// Last edit on the client, Unix milliseconds: an older edit arriving late never wins.
    pub updated_at_ms: i64,
}

/// Most characters in a note.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Whether `id` is a valid client-made id (event or note).
pub fn is_client_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
