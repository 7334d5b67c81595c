//! The player's data, read by hand from the API's JSON (the shapes of `jieti_api`'s
//! `CourseDetail`, `LessonDetail`, `CourseProgress` and `Note`). Reading the few fields it needs
//! costs far less wasm than serde decoders for every type; a missing field reads as empty, and a
//! wasm test checks these readers against the contract types.

use js_sys::Array;
use wasm_bindgen::JsValue;

pub use crate::state::sync::{field, object};

/// A string field ("" when missing).
pub fn text_of(o: &JsValue, name: &str) -> String {
    field(o, name).as_string().unwrap_or_default()
}

/// An optional string field.
pub fn opt_text(o: &JsValue, name: &str) -> Option<String> {
    field(o, name).as_string()
}

/// A number field (0 when missing).
pub fn num(o: &JsValue, name: &str) -> f64 {
    field(o, name).as_f64().unwrap_or(0.0)
}

/// An array field (empty when missing).
pub fn list(o: &JsValue, name: &str) -> Vec<JsValue> {
    let v = field(o, name);
    if Array::is_array(&v) {
        Array::from(&v).iter().collect()
    } else {
        Vec::new()
    }
}

/// A lesson in the outline.
#[derive(Clone, Debug, PartialEq)]
pub struct OutlineLesson {
    /// Lesson id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Length, seconds.
    pub duration_s: u32,
    /// Bytes at the default rendition (video lessons with media).
    pub size_bytes: Option<u64>,
}

/// A chapter of the outline.
#[derive(Clone, Debug, PartialEq)]
pub struct Chapter {
    /// Title.
    pub title: String,
    /// Its lessons.
    pub lessons: Vec<OutlineLesson>,
}

/// The course as the player shows it: title and syllabus.
#[derive(Clone, Debug, PartialEq)]
pub struct Outline {
    /// Course id.
    pub course_id: String,
    /// Course title.
    pub title: String,
    /// Chapters in order.
    pub chapters: Vec<Chapter>,
    /// The course's quizzes and exams: id and title, in syllabus order.
    pub quizzes: Vec<(String, String)>,
}

impl Outline {
    /// Reads a `CourseDetail`.
    pub fn read(v: &JsValue) -> Outline {
        let course = field(v, "course");
        Outline {
            course_id: text_of(&course, "id"),
            title: text_of(&course, "title"),
            chapters: list(v, "chapters")
                .iter()
                .map(|c| Chapter {
                    title: text_of(c, "title"),
                    lessons: list(c, "lessons")
                        .iter()
                        .map(|l| OutlineLesson {
                            id: text_of(l, "id"),
                            title: text_of(l, "title"),
                            duration_s: num(l, "duration_s") as u32,
                            size_bytes: field(l, "size_bytes").as_f64().map(|b| b as u64),
                        })
                        .collect(),
                })
                .collect(),
            quizzes: list(v, "quizzes")
                .iter()
                .map(|q| (text_of(q, "id"), text_of(q, "title")))
                .collect(),
        }
    }

    /// The first lesson's id.
    pub fn first_lesson(&self) -> Option<&str> {
        self.chapters
            .iter()
            .flat_map(|c| &c.lessons)
            .map(|l| l.id.as_str())
            .next()
    }
}

/// One rung of the rendition ladder.
#[derive(Clone, Debug, PartialEq)]
pub struct Rung {
    /// `audio`, `144p`, …
    pub id: String,
    /// Sound only.
    pub audio: bool,
    /// Whole-file bitrate, kbit/s.
    pub kbps: u32,
    /// File size.
    pub bytes: u64,
    /// URL.
    pub url: String,
}

/// A caption track.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    /// Language tag.
    pub lang: String,
    /// Label in its language.
    pub label: String,
    /// URL of the WebVTT file.
    pub url: String,
}

/// A video lesson's media.
#[derive(Clone, Debug, PartialEq)]
pub struct Media {
    /// Real length, seconds.
    pub duration_s: f64,
    /// Poster URL.
    pub poster: Option<String>,
    /// Renditions, cheapest first.
    pub rungs: Vec<Rung>,
    /// Captions.
    pub tracks: Vec<Track>,
}

/// A lesson for the player.
#[derive(Clone, Debug)]
pub struct Lesson {
    /// Lesson id.
    pub id: String,
    /// Course id.
    pub course_id: String,
    /// Chapter title.
    pub chapter_title: String,
    /// Course title.
    pub course_title: String,
    /// Lesson title.
    pub title: String,
    /// A video lesson (else an article).
    pub is_video: bool,
    /// Length or reading time, seconds.
    pub duration_s: u32,
    /// The media of a video lesson, when available.
    pub media: Option<Media>,
    /// The article's blocks, as the API's JSON (rendered straight from it).
    pub blocks: Vec<JsValue>,
    /// The lesson before.
    pub prev: Option<String>,
    /// The lesson after.
    pub next: Option<String>,
}

impl Lesson {
    /// Reads a `LessonDetail`.
    pub fn read(v: &JsValue) -> Lesson {
        let video = field(v, "video");
        let media = video.is_object().then(|| Media {
            duration_s: num(&video, "duration_s"),
            poster: opt_text(&video, "poster_url"),
            rungs: list(&video, "renditions")
                .iter()
                .map(|r| Rung {
                    id: text_of(r, "id"),
                    audio: text_of(r, "kind") == "audio",
                    kbps: num(r, "bitrate_kbps") as u32,
                    bytes: num(r, "bytes") as u64,
                    url: text_of(r, "url"),
                })
                .collect(),
            tracks: list(&video, "captions")
                .iter()
                .map(|c| Track {
                    lang: text_of(c, "lang"),
                    label: text_of(c, "label"),
                    url: text_of(c, "url"),
                })
                .collect(),
        });
        Lesson {
            id: text_of(v, "id"),
            course_id: text_of(v, "course_id"),
            chapter_title: text_of(v, "chapter_title"),
            course_title: text_of(v, "course_title"),
            title: text_of(v, "title"),
            is_video: text_of(v, "kind") == "video",
            duration_s: num(v, "duration_s") as u32,
            media,
            blocks: list(v, "blocks"),
            prev: opt_text(v, "prev"),
            next: opt_text(v, "next"),
        }
    }
}

/// A lesson's progress: resume point and completion.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// Lesson id.
    pub lesson_id: String,
    /// Resume point (seconds, or block).
    pub position: f64,
    /// Complete.
    pub completed: bool,
}

/// Reads a `CourseProgress`'s lessons.
pub fn read_progress(v: &JsValue) -> Vec<Progress> {
    list(v, "lessons")
        .iter()
        .map(|l| Progress {
            lesson_id: text_of(l, "lesson_id"),
            position: num(l, "position"),
            completed: field(l, "completed").as_bool().unwrap_or(false),
        })
        .collect()
}

/// A note or bookmark.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// Client-made id.
    pub id: String,
    /// Lesson id.
    pub lesson_id: String,
    /// A bookmark (else a note).
    pub bookmark: bool,
    /// Seconds, or block.
    pub position: f64,
    /// Text.
    pub body: String,
    /// Last edit, Unix ms.
    pub updated_at_ms: f64,
}

impl Note {
    /// Reads a `Note`.
    pub fn read(v: &JsValue) -> Note {
        Note {
            id: text_of(v, "id"),
            lesson_id: text_of(v, "lesson_id"),
            bookmark: text_of(v, "kind") == "bookmark",
            position: num(v, "position"),
            body: text_of(v, "body"),
            updated_at_ms: num(v, "updated_at_ms"),
        }
    }

    /// The API's JSON of this note.
    pub fn to_js(&self) -> JsValue {
        object(&[
            ("id", JsValue::from_str(&self.id)),
            ("lesson_id", JsValue::from_str(&self.lesson_id)),
            (
                "kind",
                JsValue::from_str(if self.bookmark { "bookmark" } else { "note" }),
            ),
            ("position", JsValue::from_f64(self.position)),
            ("body", JsValue::from_str(&self.body)),
            (
                "updated_at_ms",
                JsValue::from_f64(self.updated_at_ms.floor()),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    //! The hand readers agree with the contract's serde types: each test serializes a
    //! `jieti_api` value the way the server does and reads it back.

    use jieti_api as api;
    use serde::Serialize;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn js<T: Serialize>(v: &T) -> JsValue {
        v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .expect("serializes")
    }

    #[wasm_bindgen_test]
    fn a_lesson_reads_as_the_contract_writes_it() {
        let lesson = api::LessonDetail {
            id: "c-1".into(),
            course_id: "c".into(),
            course_title: "课程".into(),
            chapter_title: "第一章".into(),
            title: "第一课".into(),
            kind: api::LessonKind::Video,
            duration_s: 480,
            min_read_s: None,
            video: Some(api::LessonVideo {
                duration_s: 56.5,
                poster_url: Some("/media/p.jpg".into()),
                renditions: vec![api::Rendition {
                    id: "audio".into(),
                    kind: api::RenditionKind::Audio,
                    height: 0,
                    bitrate_kbps: 34,
                    bytes: 238_238,
                    url: "/media/a.m4a".into(),
                    mime: "audio/mp4".into(),
                }],
                captions: vec![api::CaptionTrack {
                    lang: "zh-Hans".into(),
                    label: "简体中文".into(),
                    url: "/media/zh.vtt".into(),
                }],
            }),
            blocks: vec![],
            prev: None,
            next: Some("c-2".into()),
        };
        let l = Lesson::read(&js(&lesson));
        assert_eq!(
            (l.id.as_str(), l.course_id.as_str(), l.title.as_str()),
            ("c-1", "c", "第一课")
        );
        assert!(l.is_video);
        assert_eq!((l.prev, l.next.as_deref()), (None, Some("c-2")));
        let m = l.media.expect("media");
        assert_eq!(m.duration_s, 56.5);
        assert_eq!(m.poster.as_deref(), Some("/media/p.jpg"));
        assert_eq!(
            m.rungs,
            vec![Rung {
                id: "audio".into(),
                audio: true,
                kbps: 34,
                bytes: 238_238,
                url: "/media/a.m4a".into()
            }]
        );
        assert_eq!(m.tracks[0].label, "简体中文");
    }

    #[wasm_bindgen_test]
    fn article_blocks_render_as_text_never_html() {
        let blocks = [
            api::Block::Heading {
                level: 2,
                text: "<b>标题</b>".into(),
            },
            api::Block::Paragraph {
                spans: vec![
                    api::Span {
                        text: "粗".into(),
                        marks: vec![api::Mark::Bold],
                        link: None,
                    },
                    api::Span {
                        text: "链接".into(),
                        marks: vec![],
                        link: Some("javascript:alert(1)".into()),
                    },
                ],
            },
        ];
        let doc = crate::prelude::document();
        let html: Vec<String> = blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| super::super::article::block(&js(b), i))
            .map(|n| {
                let el: web_sys::Element = wasm_bindgen::JsCast::unchecked_into(n.build(&doc));
                el.outer_html()
            })
            .collect();
        assert_eq!(html[0], "<h2 data-block=\"0\">&lt;b&gt;标题&lt;/b&gt;</h2>");
        // Bold is kept; an unsafe link becomes plain text.
        assert_eq!(html[1], "<p data-block=\"1\"><strong>粗</strong>链接</p>");
    }

    #[wasm_bindgen_test]
    fn the_outline_progress_and_notes_read_as_written() {
        let progress = api::CourseProgress {
            course_id: "c".into(),
            lessons: vec![api::LessonProgress {
                lesson_id: "c-1".into(),
                position: 12.5,
                seconds: 40.0,
                completed: true,
                updated_at_ms: 1,
            }],
            completed: 1,
            total: 3,
            last_lesson_id: Some("c-1".into()),
        };
        assert_eq!(
            read_progress(&js(&progress)),
            vec![Progress {
                lesson_id: "c-1".into(),
                position: 12.5,
                completed: true
            }]
        );
        let note = api::Note {
            id: "note-0001".into(),
            lesson_id: "c-1".into(),
            kind: api::NoteKind::Bookmark,
            position: 3.5,
            body: "要点".into(),
            updated_at_ms: 1_795_000_000_000,
        };
        let read = Note::read(&js(&note));
        assert!(read.bookmark);
        // And back: what the app sends is what the contract reads.
        let back: api::Note = serde_wasm_bindgen::from_value(read.to_js()).expect("a Note");
        assert_eq!(back, note);
        let chapters = vec![api::ChapterOutline {
            title: "第一章".into(),
            lessons: vec![api::LessonOutline {
                id: "c-1".into(),
                title: "第一课".into(),
                kind: api::LessonKind::Video,
                duration_s: 480,
                size_bytes: Some(7_680_000),
            }],
        }];
        let v = object(&[
            (
                "course",
                object(&[("id", "c".into()), ("title", "课程".into())]),
            ),
            ("chapters", js(&chapters)),
        ]);
        let o = Outline::read(&v);
        assert_eq!(o.first_lesson(), Some("c-1"));
        assert_eq!(o.chapters[0].lessons[0].size_bytes, Some(7_680_000));
    }
}
