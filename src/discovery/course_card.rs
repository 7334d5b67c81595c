//! One course in a list: cover, title (with search matches marked), institution, rating,
//! learners, price. Built with components/dom.rs: a page shows dozens of cards.

use jieti_api::{CourseSummary, Locale};

use crate::app::href;
use crate::components::dom::{el, link, span, text, Node};
use crate::components::{icon, IconName};
use crate::i18n::{self, Messages};

/// Icon and hue of a category's drawn cover.
pub(crate) fn category_look(category_id: &str) -> (IconName, u16) {
    match category_id {
        "it" => (IconName::Code, 215),
        "design" => (IconName::Pen, 285),
        "ecommerce" => (IconName::Bag, 20),
        "exam" => (IconName::Exam, 160),
        "trades" => (IconName::Tool, 40),
        _ => (IconName::Certificate, 200),
    }
}

/// The title with the search's matches in `<mark>` (ranges are in characters, as the API sends them).
fn highlighted(title: &str, ranges: &[[u32; 2]]) -> Vec<Node> {
    let chars: Vec<char> = title.chars().collect();
    let mut parts = Vec::new();
    let mut at = 0;
    for &[start, end] in ranges {
        let (start, end) = (
            (start as usize).clamp(at, chars.len()),
            (end as usize).min(chars.len()),
        );
        if end <= start {
            continue;
        }
        if start > at {
            parts.push(text(chars[at..start].iter().collect::<String>()));
        }
        parts.push(el(
            "mark",
            "",
            vec![text(chars[start..end].iter().collect::<String>())],
        ));
        at = end;
    }
    parts.push(text(chars[at..].iter().collect::<String>()));
    parts
}

/// Learners, lessons and length, as spans (cards and the course page show them alike).
pub(crate) fn figures(c: &CourseSummary, locale: Locale) -> [Node; 3] {
    [
        span("", i18n::learners(locale, c.learner_count)),
        span("", i18n::lessons(locale, c.lesson_count)),
        span("", i18n::duration(locale, c.duration_minutes)),
    ]
}

/// A course card. The title is the link; the whole card is its tap target.
pub fn course_card(c: &CourseSummary, t: &Messages, locale: Locale) -> Node {
    let (cover_icon, hue) = category_look(&c.category_id);
    let mut meta = Vec::new();
    if c.rating_count > 0 {
        meta.push(el(
            "span",
            "card-rating",
            vec![
                icon(IconName::Star, 12),
                el("span", "", vec![text(i18n::tenths(c.rating))]).attr("aria-hidden", "true"),
                el(
                    "span",
                    "visually-hidden",
                    vec![text(i18n::rating_label(locale, c.rating, c.rating_count))],
                ),
            ],
        ));
    }
    meta.extend(figures(c, locale));
    let mut org = vec![el("span", "", vec![text(c.institution.name.clone())])];
    if c.institution.verified {
        org.push(
            el("span", "card-verified", vec![icon(IconName::Verified, 14)])
                .attr("title", t.verified),
        );
        org.push(el("span", "visually-hidden", vec![text(t.verified)]));
    }
    let mut tags = vec![el(
        "span",
        "card-tag",
        vec![text(i18n::level_name(t, c.level))],
    )];
    if c.certificate {
        tags.push(el(
            "span",
            "card-tag",
            vec![icon(IconName::Certificate, 12), text(t.certificate)],
        ));
    }
    let price = if c.is_free() {
        el("span", "card-free", vec![text(t.free)])
    } else {
        let mut p = vec![text(i18n::price(c.price_fen))];
        if let Some(fen) = c.list_price_fen {
            p.push(el(
                "s",
                "card-was",
                vec![
                    el(
                        "span",
                        "visually-hidden",
                        vec![text(i18n::list_price_label(locale, fen))],
                    ),
                    el("span", "", vec![text(i18n::price(fen))]).attr("aria-hidden", "true"),
                ],
            ));
        }
        el("span", "card-price", p)
    };
    // A published cover is a small image with its size set (no layout shift), loaded lazily;
    // without one, the category's drawn cover costs no request at all.
    let cover = match &c.cover_url {
        Some(src) => el("img", "card-cover", vec![])
            .attr("src", src.clone())
            .attr("width", "128")
            .attr("height", "72")
            .attr("loading", "lazy")
            .attr("decoding", "async")
            .attr("alt", ""),
        None => el("div", "card-cover", vec![icon(cover_icon, 36)])
            .attr("style", format!("--hue: {hue}"))
            .attr("aria-hidden", "true"),
    };
    // Keyed: a card is patched only into the same course's card (components/dom.rs), never
    // into another's or a skeleton's, which the browser would count as a layout shift.
    el(
        "li",
        "card",
        vec![
            cover,
            el(
                "div",
                "card-body",
                vec![
                    el(
                        "h3",
                        "card-title clamp-2",
                        vec![link(
                            "",
                            href::course(&c.id),
                            highlighted(&c.title, &c.highlights),
                        )
                        .attr("lang", c.lang.clone())],
                    ),
                    el("p", "card-org", org),
                    el("p", "card-meta", meta),
                    el(
                        "div",
                        "card-foot",
                        vec![el("span", "card-tags", tags), price],
                    ),
                ],
            ),
        ],
    )
    .attr("data-key", c.id.clone())
}

/// Cards built in each step: a list's first screen comes in two frames and the rest (off
/// screen, cheap to lay out) in a third, so that no one task lays out a page of cards.
const CARDS_PER_STEP: usize = 3;

/// A list of course cards, built over three frames (the first few at once).
pub fn course_list(items: &[CourseSummary], t: &Messages, locale: Locale) -> Node {
    let card = |c: &CourseSummary| course_card(c, t, locale);
    let (first, rest) = items.split_at(CARDS_PER_STEP.min(items.len()));
    let (second, rest) = rest.split_at(CARDS_PER_STEP.min(rest.len()));
    let mut cards: Vec<Node> = first.iter().map(card).collect();
    if !second.is_empty() {
        let mut next: Vec<Node> = second.iter().map(card).collect();
        if !rest.is_empty() {
            next.push(Node::Later(rest.iter().map(card).collect()));
        }
        cards.push(Node::Later(next));
    }
    el("ul", "course-list", cards)
}
