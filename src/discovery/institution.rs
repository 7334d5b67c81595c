//! An institution's page: profile, the quality index with its parts and its formula in one
//! sentence, and its courses.

use jieti_api::{CourseQuery, InstitutionDetail};
use leptos::prelude::*;
use stylers_macro::style;

use super::course_card::course_list;
use crate::api::catalog::{get_institution, search_courses};
use crate::api::use_fetch;
use crate::components::dom::{link, text, Dom};
use crate::components::{loaded_page, CourseListSkeleton, ErrorView};
use crate::i18n;
use crate::router::Url;
use crate::state::use_i18n;

/// Courses listed on the page; the rest are a search away.
const LISTED: u32 = 12;

/// The institution page.
#[component]
pub fn InstitutionPage(
    /// The institution id.
    id: String,
) -> impl IntoView {
    let institution = use_fetch({
        let id = id.clone();
        move || {
            let id = id.clone();
            async move { get_institution(&id).await }
        }
    });
    loaded_page(
        institution,
        |i| i.name.clone(),
        |detail| view! { <InstitutionView detail=detail/> }.into_any(),
    )
}

/// A share as a whole percentage (`0.823` → `82%`), without float formatting.
fn percent(share: f32) -> String {
    format!("{}%", (share.clamp(0.0, 1.0) * 100.0).round() as u32)
}

#[component]
fn InstitutionView(detail: InstitutionDetail) -> impl IntoView {
    let cls = style! {
        header {
            margin-bottom: var(--space-4);
        }
        h1 {
            font-size: var(--text-xl);
        }
        .facts {
            color: var(--text-2);
            font-size: var(--text-s);
        }
        section {
            margin-bottom: var(--space-5);
        }
        h2 {
            font-size: var(--text-l);
            margin-bottom: var(--space-2);
        }
        .quality {
            padding: var(--space-4);
            background: var(--surface);
            border-radius: var(--radius-l);
            box-shadow: var(--shadow);
        }
        .score {
            display: flex;
            align-items: baseline;
            gap: var(--space-2);
        }
        .score strong {
            font-size: 40px;
            line-height: 1;
            color: var(--accent);
        }
        .formula {
            margin: var(--space-2) 0 var(--space-3);
            color: var(--text-2);
            font-size: var(--text-s);
        }
        dl {
            display: grid;
            grid-template-columns: repeat(2, 1fr);
            gap: var(--space-3);
        }
        dt {
            color: var(--text-2);
            font-size: var(--text-xs);
        }
        dd {
            margin: 0;
            font-weight: 700;
        }
        .all {
            display: inline-block;
            margin-top: var(--space-3);
        }
    };
    let i18n = use_i18n();
    let q = detail.quality;
    let dash = || "—".to_owned();
    let parts = [
        (
            i18n.text(|t| t.completion_rate),
            q.completion_rate.map(percent).unwrap_or_else(dash),
        ),
        (
            i18n.text(|t| t.filter_rating),
            q.rating.map(i18n::tenths).unwrap_or_else(dash),
        ),
        (
            i18n.text(|t| t.active_learners),
            q.active_learners.to_string(),
        ),
        (
            i18n.text(|t| t.employment_rate),
            q.employment_rate.map(percent).unwrap_or_else(dash),
        ),
    ]
    .into_iter()
    .map(|(label, value)| view! { class = cls, <div><dt>{label}</dt><dd>{value}</dd></div> })
    .collect_view();
    let id = detail.id.clone();
    let courses = use_fetch(move || {
        let query = CourseQuery {
            institution: Some(id.clone()),
            per_page: Some(LISTED),
            ..Default::default()
        };
        async move { search_courses(&query).await }
    });
    let all = Url::default().with("institution", Some(&detail.id));
    let total = detail.course_count;
    let retry = Callback::new(move |_| courses.refetch());
    view! { class = cls,
        <article class="page">
            <header>
                <h1>{detail.name}</h1>
                <p class="facts">
                    {detail.name_en}" · "{detail.city}
                    {detail.founded.map(|y| move || i18n::founded(i18n.locale(), y))}
                    {detail.verified.then(|| view! { " · " {i18n.text(|t| t.verified)} })}
                </p>
                <p class="facts">{i18n.format(detail.learner_count, i18n::learners_total)}</p>
            </header>
            <section class="quality" aria-labelledby="quality-title">
                <h2 id="quality-title">{i18n.text(|t| t.quality_index)}</h2>
                <p class="score">
                    <strong>{q.score.map(|s| s.to_string()).unwrap_or_else(dash)}</strong>
                    <span>"/ 100"</span>
                </p>
                <p class="formula">{i18n.text(|t| t.quality_formula)}</p>
                <dl>{parts}</dl>
            </section>
            <section>
                <h2>{i18n.text(|t| t.about_institution)}</h2>
                <p>{detail.description}</p>
            </section>
            <section>
                <h2>{i18n.format(total, i18n::course_total)}</h2>
                {move || match courses.get() {
                    None => view! { <CourseListSkeleton count=3/> }.into_any(),
                    Some(Ok(r)) => {
                        // The link to all courses follows the cards in the same tree: it stays
                        // hidden while later cards come (no layout shift), see base.css.
                        let all = all.clone();
                        let cards = move || {
                            let mut out = vec![course_list(&r.items, i18n.t(), i18n.locale())];
                            if total > u64::from(LISTED) {
                                out.push(link(
                                    &format!("all button button--quiet {cls}"),
                                    all.clone(),
                                    vec![text(i18n.t().all_courses)],
                                ));
                            }
                            out
                        };
                        view! { <Dom tree=Box::new(cards)/> }.into_any()
                    }
                    Some(Err(error)) => view! { <ErrorView error=error on_retry=retry/> }.into_any(),
                }}
            </section>
        </article>
    }
}
