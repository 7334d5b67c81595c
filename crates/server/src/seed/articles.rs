//! Article lessons of the demo catalog: a few hand-written ones, and for the rest a reading
//! sheet made from the course's own outcomes and requirements.

use std::collections::HashMap;

use jieti_api::{Block, Mark, Span};
use serde::Deserialize;
use sqlx::{Any, Transaction};

use super::demo::{DemoCourse, ManifestVideo};

/// Hand-written articles keyed by `course id/lesson title`.
pub(super) const ARTICLES_JSON: &str = include_str!("../../seed/articles.json");

/// Poster frames made by `scripts/gen-media.sh` are this size.
const POSTER_SIZE: (u32, u32) = (480, 270);

/// A block as written in `articles.json`: images name a demo video whose poster they show.
#[derive(Deserialize)]
#[serde(untagged)]
enum SeedBlock {
    Image { image: SeedImage },
    Block(Block),
}

/// An image block of `articles.json`.
#[derive(Deserialize)]
struct SeedImage {
    video: String,
    alt: String,
    #[serde(default)]
    caption: String,
}

fn hand_written() -> &'static HashMap<String, Vec<SeedBlock>> {
    static ARTICLES: std::sync::OnceLock<HashMap<String, Vec<SeedBlock>>> =
        std::sync::OnceLock::new();
    // A malformed file is caught by the seed test; at run time it means no hand-written articles.
    ARTICLES.get_or_init(|| serde_json::from_str(ARTICLES_JSON).unwrap_or_default())
}

fn text(t: &str) -> Vec<Span> {
    vec![Span {
        text: t.to_owned(),
        marks: Vec::new(),
        link: None,
    }]
}

fn bold(t: &str) -> Span {
    Span {
        text: t.to_owned(),
        marks: vec![Mark::Bold],
        link: None,
    }
}

/// The blocks of an article lesson.
pub(super) fn article(
    course: &DemoCourse,
    chapter: &str,
    lesson: &str,
    videos: &[ManifestVideo],
) -> Vec<Block> {
    if let Some(blocks) = hand_written().get(&format!("{}/{}", course.id, lesson)) {
        return blocks
            .iter()
            .filter_map(|b| match b {
                SeedBlock::Block(b) => Some(b.clone()),
                // Without the media folder there is no poster to show: leave the image out.
                SeedBlock::Image {
                    image:
                        SeedImage {
                            video,
                            alt,
                            caption,
                        },
                } => videos
                    .iter()
                    .find(|v| &v.id == video)
                    .and_then(|v| v.poster.as_ref())
                    .map(|poster| Block::Image {
                        url: format!("/media/{poster}"),
                        alt: alt.clone(),
                        width: POSTER_SIZE.0,
                        height: POSTER_SIZE.1,
                        caption: caption.clone(),
                    }),
            })
            .collect();
    }
    let en = course.lang == "en";
    let mut blocks = vec![Block::Paragraph {
        spans: if en {
            vec![
                Span {
                    text: "This reading belongs to the chapter ".into(),
                    marks: vec![],
                    link: None,
                },
                bold(chapter),
                Span {
                    text: format!(
                        " of “{}”. Read it through, then try the points below on your own.",
                        course.title
                    ),
                    marks: vec![],
                    link: None,
                },
            ]
        } else {
            vec![
                Span {
                    text: "本节是第".into(),
                    marks: vec![],
                    link: None,
                },
                bold(&format!("「{chapter}」")),
                Span {
                    text: format!(
                        "章的阅读材料，属于《{}》。请通读全文，再对照下面的要点自己动手练一练。",
                        course.title
                    ),
                    marks: vec![],
                    link: None,
                },
            ]
        },
    }];
    blocks.push(Block::Heading {
        level: 2,
        text: lesson.to_owned(),
    });
    blocks.push(Block::Paragraph {
        spans: text(&course.description),
    });
    if !course.outcomes.is_empty() {
        blocks.push(Block::Heading {
            level: 3,
            text: if en {
                "What this builds towards"
            } else {
                "学完能做到"
            }
            .into(),
        });
        blocks.push(Block::List {
            ordered: false,
            items: course.outcomes.iter().map(|o| text(o)).collect(),
        });
    }
    if !course.requirements.is_empty() {
        blocks.push(Block::Heading {
            level: 3,
            text: if en {
                "Before you start"
            } else {
                "学习前请准备"
            }
            .into(),
        });
        blocks.push(Block::List {
            ordered: true,
            items: course.requirements.iter().map(|o| text(o)).collect(),
        });
    }
    blocks.push(Block::Quote {
        spans: text(if en {
            "Tip: write down one question this reading raised, and look for its answer in the next lesson."
        } else {
            "小提示：读完后写下一个你仍有疑问的地方，带着问题学习下一节，效果会更好。"
        }),
    });
    blocks
}

/// Characters of readable text in `blocks` (sets the minimum reading time).
pub(crate) fn text_chars(blocks: &[Block]) -> usize {
    let spans = |s: &[Span]| s.iter().map(|s| s.text.chars().count()).sum::<usize>();
    blocks
        .iter()
        .map(|b| match b {
            Block::Heading { text, .. } => text.chars().count(),
            Block::Paragraph { spans: s } | Block::Quote { spans: s } => spans(s),
            Block::List { items, .. } => items.iter().map(|i| spans(i)).sum(),
            Block::Code { code, .. } => code.chars().count(),
            Block::Image { caption, .. } => caption.chars().count(),
        })
        .sum()
}

/// Stores an article lesson's blocks.
pub(super) async fn write(
    tx: &mut Transaction<'_, Any>,
    lesson_id: &str,
    blocks: &[Block],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO lesson_articles (lesson_id, blocks, text_chars) VALUES ($1, $2, $3)
         ON CONFLICT (lesson_id) DO UPDATE SET blocks = excluded.blocks, text_chars = excluded.text_chars",
    )
    .bind(lesson_id)
    .bind(serde_json::to_string(blocks).unwrap_or_else(|_| "[]".into()))
    .bind(text_chars(blocks) as i64)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_articles_parse() {
        let parsed: HashMap<String, Vec<SeedBlock>> =
            serde_json::from_str(ARTICLES_JSON).expect("seed/articles.json parses");
        assert!(parsed.len() >= 4);
        assert!(parsed.values().all(|b| b.len() >= 5));
    }
}
