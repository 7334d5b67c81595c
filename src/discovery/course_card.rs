//! One course in a list: cover, title, institution, rating, learners, price.

use jieti_api::CourseSummary;
use leptos::either::Either;
use leptos::prelude::*;
use stylers_macro::style;

use crate::app::href;
use crate::components::{Icon, IconName};
use crate::i18n;
use crate::state::use_i18n;

/// Icon and hue of a category's drawn cover.
fn category_look(category_id: &str) -> (IconName, u16) {
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
fn highlighted(title: &str, ranges: &[[u32; 2]]) -> impl IntoView {
    let chars: Vec<char> = title.chars().collect();
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut at = 0;
    for &[start, end] in ranges {
        let (start, end) = ((start as usize).clamp(at, chars.len()), (end as usize).min(chars.len()));
        if end <= start {
            continue;
        }
        if start > at {
            parts.push((chars[at..start].iter().collect(), false));
        }
        parts.push((chars[start..end].iter().collect(), true));
        at = end;
    }
    parts.push((chars[at..].iter().collect(), false));
    parts
        .into_iter()
        .map(|(text, hit)| if hit { Either::Left(view! { <mark>{text}</mark> }) } else { Either::Right(text) })
        .collect_view()
}

/// A course card. The title is the link; the whole card is its tap target.
#[component]
pub fn CourseCard(
    /// The course.
    course: CourseSummary,
) -> impl IntoView {
    let cls = style! {
        .card {
            position: relative;
            display: flex;
            gap: var(--space-3);
            padding: var(--space-3);
            background: var(--surface);
            border-radius: var(--radius);
            box-shadow: var(--shadow);
            min-height: 112px;
        }
        .card:focus-within {
            outline: 3px solid var(--focus);
            outline-offset: 2px;
        }
        .cover {
            flex: 0 0 128px;
            height: 72px;
            border-radius: var(--radius-s);
            display: flex;
            align-items: center;
            justify-content: center;
            color: var(--on-cover);
            background: linear-gradient(135deg, hsl(var(--hue) 62% 42%), hsl(calc(var(--hue) + 35) 70% 30%));
        }
        .body {
            flex: 1;
            min-width: 0;
            display: flex;
            flex-direction: column;
            gap: 2px;
        }
        .title {
            font-size: var(--text-m);
            font-weight: 600;
            line-height: 1.35;
        }
        .title a {
            color: var(--text);
            text-decoration: none;
        }
        .title a::after {
            content: raw_str("");
            position: absolute;
            inset: 0;
        }
        .title a:focus-visible {
            outline: none;
        }
        .org {
            display: flex;
            align-items: center;
            gap: var(--space-1);
            color: var(--text-2);
            font-size: var(--text-s);
            white-space: nowrap;
            overflow: hidden;
            text-overflow: ellipsis;
        }
        .verified {
            display: inline-flex;
            flex: none;
            color: var(--accent);
        }
        .meta {
            display: flex;
            flex-wrap: wrap;
            align-items: center;
            gap: 0 var(--space-2);
            color: var(--text-3);
            font-size: var(--text-xs);
        }
        .rating {
            display: inline-flex;
            align-items: center;
            gap: 2px;
            color: var(--star);
            font-weight: 600;
        }
        .foot {
            display: flex;
            flex-wrap: wrap;
            align-items: baseline;
            justify-content: space-between;
            gap: var(--space-1) var(--space-2);
            margin-top: auto;
        }
        .tags {
            display: flex;
            gap: var(--space-1);
            font-size: var(--text-xs);
            color: var(--text-2);
        }
        .tag {
            display: inline-flex;
            align-items: center;
            gap: 2px;
            padding: 0 6px;
            border-radius: var(--radius-s);
            background: var(--surface-2);
            white-space: nowrap;
        }
        .price {
            margin-left: auto;
            font-weight: 700;
            color: var(--price);
            white-space: nowrap;
        }
        .price-free {
            font-weight: 700;
            color: var(--free);
        }
        .was {
            margin-left: var(--space-1);
            color: var(--text-3);
            font-weight: 400;
            font-size: var(--text-xs);
            text-decoration: line-through;
        }
        @media (min-width: 720px) {
            .card {
                flex-direction: column;
                min-height: 260px;
            }
            .cover {
                flex: 0 0 auto;
                height: 128px;
            }
        }
    };
    let i18n = use_i18n();
    let (icon, hue) = category_look(&course.category_id);
    let lang = course.lang.clone();
    let href = href::course(&course.id);
    // The card is redrawn whole when the locale changes: one closure instead of one per text.
    let content = move || {
        let locale = i18n.locale();
        let t = i18n.t();
        let c = &course;
        let rating = (c.rating_count > 0).then(|| {
            view! { class = cls,
                <span class="rating">
                    <Icon name=IconName::Star size=12/>
                    <span aria-hidden="true">{i18n::tenths(c.rating)}</span>
                    <span class="visually-hidden">{i18n::rating_label(locale, c.rating, c.rating_count)}</span>
                </span>
            }
        });
        let verified = c.institution.verified.then(|| {
            view! { class = cls,
                <span class="verified" title=t.verified><Icon name=IconName::Verified size=14/></span>
                <span class="visually-hidden">{t.verified}</span>
            }
        });
        let certificate = c.certificate.then(|| {
            view! { class = cls, <span class="tag"><Icon name=IconName::Certificate size=12/>{t.certificate}</span> }
        });
        let price = if c.is_free() {
            Either::Left(view! { class = cls, <span class="price-free">{t.free}</span> })
        } else {
            let was = c.list_price_fen.map(|fen| {
                view! { class = cls,
                    <s class="was"><span class="visually-hidden">{i18n::list_price_label(locale, fen)}</span>
                    <span aria-hidden="true">{i18n::price(fen)}</span></s>
                }
            });
            Either::Right(
                view! { class = cls, <span class="price">{i18n::price(c.price_fen)}{was}</span> },
            )
        };
        view! { class = cls,
            <div class="body">
                <h3 class="title clamp-2"><a href=href.clone() lang=lang.clone()>{highlighted(&c.title, &c.highlights)}</a></h3>
                <p class="org"><span>{c.institution.name.clone()}</span>{verified}</p>
                <p class="meta">
                    {rating}
                    <span>{i18n::learners(locale, c.learner_count)}</span>
                    <span>{i18n::lessons(locale, c.lesson_count)}</span>
                    <span>{i18n::duration(locale, c.duration_minutes)}</span>
                </p>
                <div class="foot">
                    <span class="tags"><span class="tag">{i18n::level_name(t, c.level)}</span>{certificate}</span>
                    {price}
                </div>
            </div>
        }
    };
    view! { class = cls,
        <li class="card">
            <div class="cover" style=format!("--hue: {hue}") aria-hidden="true">
                <Icon name=icon size=36/>
            </div>
            {content}
        </li>
    }
}
