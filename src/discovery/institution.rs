//! An institution's page: profile, the quality index with its parts and its formula in one
//! sentence, and its courses.

use jieti_api::{CourseQuery, CourseSearch, InstitutionDetail};

use super::course_card::course_list;
use crate::api::catalog::{get_institution, search_courses};
use crate::api::{use_fetch, ApiError};
use crate::components::dom::{
    dom, el, element, error_nodes, fact, holding, link, on_reload, span, text, Node,
};
use crate::components::{loaded_page, skeleton_list};
use crate::i18n;
use crate::router::Url;
use crate::state::{use_i18n, I18n};

/// Courses listed on the page; the rest are a search away.
const LISTED: u32 = 12;

/// The institution page of `id`.
pub fn page(id: String) -> web_sys::Element {
    let institution = use_fetch({
        let id = id.clone();
        move || {
            let id = id.clone();
            async move { get_institution(&id).await }
        }
    });
    loaded_page(institution, |i| i.name.clone(), institution_view)
}

/// A share as a whole percentage (`0.823` → `82%`), without float formatting.
fn percent(share: f32) -> String {
    format!("{}%", (share.clamp(0.0, 1.0) * 100.0).round() as u32)
}

/// The profile, its courses (listed once they come) and the delegated retry of the list.
fn institution_view(detail: InstitutionDetail) -> web_sys::Element {
    let i18n = use_i18n();
    let id = detail.id.clone();
    let courses = use_fetch(move || {
        let query = CourseQuery {
            institution: Some(id.clone()),
            per_page: Some(LISTED),
            ..Default::default()
        };
        async move { search_courses(&query).await }
    });
    let tree = move || courses.with(|r| institution_tree(&detail, r, i18n));
    let page = holding(element("article", "page"), &[&dom("", tree)]);
    on_reload(&page, move || courses.refetch());
    page
}

/// The profile, the quality index with its parts and formula, the description, and the courses
/// (a skeleton while they come, the error view if they fail).
fn institution_tree(
    d: &InstitutionDetail,
    courses: Option<&Result<CourseSearch, ApiError>>,
    i18n: I18n,
) -> Vec<Node> {
    let (t, locale) = (i18n.t(), i18n.locale());
    let q = &d.quality;
    let dash = || "—".to_owned();
    let parts = [
        (
            t.completion_rate,
            q.completion_rate.map(percent).unwrap_or_else(dash),
        ),
        (
            t.filter_rating,
            q.rating.map(i18n::tenths).unwrap_or_else(dash),
        ),
        (t.active_learners, q.active_learners.to_string()),
        (
            t.employment_rate,
            q.employment_rate.map(percent).unwrap_or_else(dash),
        ),
    ]
    .into_iter()
    .map(|(label, value)| fact("", label, value))
    .collect();
    let mut facts = format!("{} · {}", d.name_en, d.city);
    if let Some(year) = d.founded {
        facts.push_str(&i18n::founded(locale, year));
    }
    if d.verified {
        facts.push_str(" · ");
        facts.push_str(t.verified);
    }
    let h2 = |s: String| el("h2", "", vec![text(s)]);
    let mut listed = vec![h2(i18n::course_total(locale, d.course_count))];
    match courses {
        None => listed.push(skeleton_list(t, 3)),
        Some(Ok(r)) => {
            listed.push(course_list(&r.items, t, locale));
            // The link follows the cards in their tree: it stays hidden while later cards
            // come (no layout shift), see base.css.
            if d.course_count > u64::from(LISTED) {
                let all = Url::default().with("institution", Some(&d.id));
                listed.push(link(
                    "in-all button button--quiet",
                    all,
                    vec![text(t.all_courses)],
                ));
            }
        }
        Some(Err(e)) => listed.extend(error_nodes(i18n, e)),
    }
    vec![
        el(
            "header",
            "in-head",
            vec![
                el("h1", "", vec![text(d.name.clone())]),
                el("p", "in-facts", vec![text(facts)]),
                el(
                    "p",
                    "in-facts",
                    vec![text(i18n::learners_total(locale, d.learner_count))],
                ),
            ],
        ),
        el(
            "section",
            "in-section in-quality",
            vec![
                h2(t.quality_index.to_owned()).attr("id", "quality-title"),
                el(
                    "p",
                    "in-score",
                    vec![
                        el(
                            "strong",
                            "",
                            vec![text(q.score.map(|s| s.to_string()).unwrap_or_else(dash))],
                        ),
                        span("", "/ 100"),
                    ],
                ),
                el("p", "in-formula", vec![text(t.quality_formula)]),
                el("dl", "", parts),
            ],
        )
        .attr("aria-labelledby", "quality-title"),
        el(
            "section",
            "in-section",
            vec![
                h2(t.about_institution.to_owned()),
                el("p", "", vec![text(d.description.clone())]),
            ],
        ),
        el("section", "in-section", listed),
    ]
}
