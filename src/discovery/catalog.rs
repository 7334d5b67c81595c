//! The catalog and search page: search box with instant results, category chips, filters (a
//! drawer on phones, a sidebar on desktops) with facet counts, sort, paging. Every piece of state
//! lives in the URL, so a search can be shared, reloaded, and walked with back and forward.

use jieti_api::{Category, CourseQuery, CourseSearch, FacetValue, Facets};

use super::course_card::course_list;
use crate::api::catalog::{get_categories, search_courses};
use crate::api::{use_fetch, ApiError};
use crate::components::dom::{
    closest_data, dom, el, element, error_nodes, focus_after_frame, focus_selector, holding, link,
    on, patched, text, Node,
};
use crate::components::skeleton_list;
use crate::i18n::{self, Locale, Messages};
use crate::prelude::*;
use crate::router::{navigate, use_url, Url};
use crate::state::{use_i18n, use_title};

/// Results per page (index.html prefetches the first page of `/` with `per_page=20`: keep both).
const PER_PAGE: u32 = 20;

/// Longest search text the API takes, in characters.
const MAX_Q_CHARS: usize = 64;

/// Deepest page the API serves.
const MAX_PAGE: u32 = 10_000;

/// Milliseconds of typing pause before a search runs.
const DEBOUNCE_MS: u64 = 250;

/// Filters in the panel, in order: (URL parameter, values). Categories are the chips above.
const FILTERS: [(&str, &[&str]); 6] = [
    ("level", &["beginner", "intermediate", "advanced"]),
    ("price", &["free", "paid", "0-100", "100-500", "500-"]),
    ("duration", &["short", "medium", "long"]),
    ("min_rating", &["4.5", "4", "3.5"]),
    ("lang", &["zh-Hans", "zh-Hant", "en"]),
    ("certificate", &["true"]),
];

/// Searches people often make; offered when nothing matches.
const SUGGESTED: [&str; 5] = ["电商", "Python", "会计", "PS", "短视频"];

/// The API query for the page's URL.
fn query_of(url: &Url) -> CourseQuery {
    let get = |name: &str| url.get(name).map(str::to_owned);
    // A hand-edited or stale URL must not turn into an error page: values the panel does not
    // offer are dropped (the server would refuse them with a 400).
    let known = |name: &str| {
        let values = FILTERS
            .iter()
            .find(|(p, _)| *p == name)
            .map_or(&[][..], |(_, v)| *v);
        url.get(name)
            .filter(|v| values.contains(v))
            .map(str::to_owned)
    };
    let sort = url
        .get("sort")
        .filter(|s| ["relevance", "popular", "rating", "newest", "completion"].contains(s));
    CourseQuery {
        q: url.get("q").map(|q| q.chars().take(MAX_Q_CHARS).collect()),
        category: get("category"),
        level: known("level"),
        price: known("price"),
        duration: known("duration"),
        min_rating: known("min_rating"),
        certificate: known("certificate"),
        institution: get("institution"),
        lang: known("lang"),
        sort: sort.map(str::to_owned),
        page: url
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .map(|p| p.clamp(1, MAX_PAGE)),
        per_page: Some(PER_PAGE),
    }
}

/// The facet counts of one filter.
fn facet<'a>(facets: &'a Facets, param: &str) -> &'a [FacetValue] {
    match param {
        "level" => &facets.level,
        "price" => &facets.price,
        "duration" => &facets.duration,
        "min_rating" => &facets.min_rating,
        "lang" => &facets.lang,
        "certificate" => &facets.certificate,
        "category" => &facets.category,
        _ => &facets.institution,
    }
}

/// A filter's legend.
fn legend(t: &Messages, param: &str) -> &'static str {
    match param {
        "level" => t.filter_level,
        "price" => t.filter_price,
        "duration" => t.filter_duration,
        "min_rating" => t.filter_rating,
        "lang" => t.filter_lang,
        "institution" => t.filter_institution,
        _ => t.certificate,
    }
}

/// A filter value as the learner reads it.
fn option_label(locale: Locale, t: &Messages, param: &str, value: &str) -> String {
    match (param, value) {
        ("level", v) => jieti_api::Level::parse(v)
            .map(|l| i18n::level_name(t, l))
            .unwrap_or(v)
            .to_owned(),
        ("price", "free") => t.free.to_owned(),
        ("price", "paid") => t.paid.to_owned(),
        ("price", range) => i18n::price_range(locale, range),
        ("duration", "short") => t.duration_short.to_owned(),
        ("duration", "medium") => t.duration_medium.to_owned(),
        ("duration", "long") => t.duration_long.to_owned(),
        ("min_rating", v) => i18n::rating_at_least(locale, v),
        ("lang", v) => Locale::parse(v)
            .map(i18n::native_name)
            .unwrap_or(v)
            .to_owned(),
        ("certificate", _) => t.with_certificate.to_owned(),
        (_, v) => v.to_owned(),
    }
}

/// The catalog home and search page (`search`: opened as search, the search box takes focus).
pub fn page(search: bool) -> web_sys::Element {
    let i18n = use_i18n();
    let url = use_url();
    let query = Memo::new(move |_| url.with(query_of));
    let categories = use_fetch(get_categories);
    let courses = use_fetch(move || {
        let q = query.get();
        async move { search_courses(&q).await }
    });
    // A filter the server does not know (a removed category, a stale shared link) is dropped
    // from the URL and the search runs without it, instead of showing an error.
    Effect::new(move |_| {
        let refused = courses.with(|r| match r {
            Some(Err(ApiError::Status {
                status: 400,
                field: Some(f),
                ..
            })) => Some(f.clone()),
            _ => None,
        });
        if let Some(field) = refused.filter(|f| url.with_untracked(|u| u.get(f).is_some())) {
            navigate(&url.with_untracked(|u| u.with(&field, None)), true);
        }
    });
    let drawer = RwSignal::new(false);
    let search_box = SearchBox::new(url, search);
    let search_tree = move || vec![search_box.tree(i18n.t())];
    // Skeleton, error view or results: one tree, patched from one to the next.
    let results = move || {
        courses.with(|r| match r {
            None => vec![skeleton_list(i18n.t(), 6)],
            Some(Ok(r)) => url.with_untracked(|u| results_tree(r, u, i18n.t(), i18n.locale())),
            Some(Err(e)) => error_nodes(i18n, e),
        })
    };
    use_title(move || query.with(|q| q.q.clone().unwrap_or_default()));
    let chips = move || {
        let list = categories.with(|c| match c {
            None => Categories::Loading,
            Some(Ok(c)) => Categories::Ready(c.items.clone()),
            // When the courses failed too, their error view's retry fetches both: one retry.
            Some(Err(_)) if courses.with(|r| matches!(r, Some(Err(_)))) => Categories::Hidden,
            Some(Err(_)) => Categories::Failed,
        });
        url.with(|u| chips_tree(&list, u, i18n.t(), i18n.locale()))
    };
    // The count (one live region for the page's life, so screen readers announce each new
    // count: patching keeps it), the drawer's toggle and the sort menu.
    let toolbar = move || {
        let t = i18n.t();
        let count = courses.with(|r| match r {
            Some(Ok(r)) => i18n::search_total(i18n.locale(), r.total, query.with(|q| q.q.clone())),
            _ => String::new(),
        });
        vec![
            el("p", "results-count", vec![text(count)]).attr("aria-live", "polite"),
            el(
                "button",
                "button button--quiet filters-toggle",
                vec![text(t.filters)],
            )
            .attr("type", "button")
            .attr("aria-expanded", drawer.get().to_string())
            .attr("aria-controls", "filters")
            .attr("data-act", "open-filters"),
            el("div", "sort", query.with(|q| sort_tree(q, t))),
        ]
    };
    // The filter panel: radio groups whose counts follow the results.
    let filters = move || {
        let t = i18n.t();
        let mut panel = vec![el(
            "div",
            "filters__head",
            vec![
                el("h2", "", vec![text(t.filters)]),
                el("button", "button button--quiet", vec![text(t.close)])
                    .attr("type", "button")
                    .attr("data-act", "close-filters"),
            ],
        )];
        let done = courses.with(|r| {
            panel.extend(url.with(|u| {
                let facets = r.and_then(|r| r.as_ref().ok()).map(|r| &r.facets);
                filter_tree(u, facets, t, i18n.locale())
            }));
            match r {
                Some(Ok(r)) => i18n::show_results(i18n.locale(), r.total),
                _ => t.close.to_owned(),
            }
        });
        panel.push(
            el("button", "button filters__done", vec![text(done)])
                .attr("type", "button")
                .attr("data-act", "close-filters"),
        );
        let class = if drawer.get() {
            "filters open"
        } else {
            "filters"
        };
        vec![el("aside", class, panel)
            .attr("id", "filters")
            .attr("aria-label", t.filters)]
    };
    let heading = |tag, class, pick: fn(&'static Messages) -> &'static str| {
        patched(element(tag, class), move || vec![text(pick(i18n.t()))])
    };
    // The course cards' titles are h3: the list gets its h2, so headings never skip a level.
    let results_h = heading("h2", "visually-hidden", |t| t.results_label);
    results_h.set_id("results-h");
    let results_box = holding(element("div", "results"), &[&dom("", results)]);
    {
        // Dimmed while new results come (not the first skeleton: it is busy itself).
        let results_box = results_box.clone();
        Effect::new(move |_| {
            let busy = courses.loading() && courses.with(|r| r.is_some());
            let _ = results_box.set_attribute("aria-busy", if busy { "true" } else { "false" });
        });
    }
    let section = holding(element("section", ""), &[&results_h, &results_box]);
    let _ = section.set_attribute("aria-labelledby", "results-h");
    let page = holding(
        element("div", "page"),
        &[
            &heading("h1", "visually-hidden", |t| t.catalog_title),
            &dom("", search_tree),
            &dom("", chips),
            &dom("toolbar", toolbar),
            &holding(
                element("div", "search-layout"),
                &[&dom("contents", filters), &section],
            ),
        ],
    );
    // One listener per event type for everything the trees above hold.
    on(&page, "click", move |ev: web_sys::Event| {
        match closest_data(&ev, "data-act").as_deref() {
            // The chip row's own retry, when only the categories failed.
            Some("categories") => categories.refetch(),
            // The list's error view retries both (when both failed, the chips wait for it).
            Some("reload") => {
                categories.refetch();
                courses.refetch();
            }
            Some("open-filters") => {
                drawer.set(true);
                // On phones the drawer covers the page: keyboard focus goes into it.
                request_animation_frame(|| focus_selector(".filters.open fieldset input"));
            }
            Some("close-filters") => shut(drawer),
            _ => {}
        }
    });
    on(&page, "change", move |ev: web_sys::Event| {
        if let Some(select) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok())
        {
            let href = url.with_untracked(|u| u.with("sort", Some(&select.value())));
            return navigate(&href, false);
        }
        let (Some(param), Some(value)) = (
            closest_data(&ev, "data-param"),
            closest_data(&ev, "data-value"),
        ) else {
            return;
        };
        let next = url.with_untracked(|u| {
            // A checked box clicked again, or "any": the filter goes.
            let clear = value.is_empty() || u.get(&param) == Some(value.as_str());
            u.with(&param, (!clear).then_some(value.as_str()))
        });
        navigate(&next, false);
    });
    on(&page, "input", move |ev: web_sys::Event| {
        if closest_data(&ev, "data-search").is_some() {
            search_box.input();
        }
    });
    on(&page, "submit", move |ev: web_sys::Event| {
        ev.prevent_default();
        search_box.submit();
    });
    on(&page, "keydown", move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            shut(drawer);
        }
    });
    page
}

/// The search box: results follow the typing (debounced; the URL entry is replaced, so back
/// does not replay every keystroke), Enter searches at once, and the URL refills it on back.
/// A builder tree: its input keeps what is typed (a patch never replaces it); the page's
/// delegated listeners call [`SearchBox::input`] and [`SearchBox::submit`].
#[derive(Clone, Copy)]
struct SearchBox {
    url: Memo<Url>,
    /// What this box last put in the URL: any other change came from outside (back, a link).
    mine: StoredValue<String>,
    pending: StoredValue<Option<TimeoutHandle>>,
}

impl SearchBox {
    fn new(url: Memo<Url>, autofocus: bool) -> SearchBox {
        let q = url.with_untracked(|u| u.get("q").unwrap_or("").to_owned());
        let b = SearchBox {
            url,
            mine: StoredValue::new(q),
            pending: StoredValue::new(None),
        };
        Effect::new(move |_| {
            let q = url.with(|u| u.get("q").unwrap_or("").to_owned());
            if q != b.mine.get_value() {
                b.mine.set_value(q.clone());
                if let Some(input) = search_input() {
                    input.set_value(&q);
                }
            }
        });
        if autofocus {
            // Once the box is built (its tree's effect runs after this one is made).
            focus_after_frame("form[role=search] input".into());
        }
        // Leaving the page within the pause after a key: the search must not run for a page
        // that is gone (its values are disposed).
        on_cleanup(move || {
            if let Some(Some(h)) = b.pending.try_get_value() {
                h.clear();
            }
        });
        b
    }

    /// The form: its input starts from the URL's query.
    fn tree(self, t: &Messages) -> Node {
        let q = self.mine.get_value();
        el(
            "form",
            "searchbar",
            vec![
                el("input", "", vec![])
                    .attr("type", "search")
                    .attr("name", "q")
                    .attr("data-search", "")
                    .attr("enterkeyhint", "search")
                    .attr("autocomplete", "off")
                    .attr("maxlength", "64")
                    .attr("aria-label", t.search_label)
                    .attr("placeholder", t.search_placeholder)
                    .attr("value", q),
                el("button", "button", vec![text(t.nav_search)]).attr("type", "submit"),
            ],
        )
        .attr("role", "search")
    }

    /// Puts the typed query in the URL (replacing the entry while typing).
    fn commit(self, replace: bool) {
        if let Some(h) = self.pending.get_value() {
            h.clear();
        }
        let q = search_input()
            .map(|i| i.value())
            .unwrap_or_default()
            .trim()
            .to_owned();
        if self.url.with_untracked(|u| u.get("q").unwrap_or("") == q) {
            return;
        }
        self.mine.set_value(q.clone());
        let href = self
            .url
            .with_untracked(|u| u.with("q", (!q.is_empty()).then_some(q.as_str())));
        navigate(&href, replace);
    }

    /// A key typed: the search runs after a pause.
    fn input(self) {
        if let Some(h) = self.pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || self.commit(true),
            std::time::Duration::from_millis(DEBOUNCE_MS),
        );
        self.pending.set_value(handle.ok());
    }

    /// Enter: the search runs at once, and the phone keyboard closes so the results show.
    fn submit(self) {
        self.commit(false);
        if let Some(input) = search_input() {
            let _ = input.blur();
        }
    }
}

/// The search box's input, when on the page.
fn search_input() -> Option<web_sys::HtmlInputElement> {
    document()
        .query_selector("form[role=search] input")
        .ok()
        .flatten()
        .and_then(|el| wasm_bindgen::JsCast::dyn_into(el).ok())
}

/// The sort menu for the query (best match only when there is search text).
fn sort_tree(q: &CourseQuery, t: &Messages) -> Vec<Node> {
    let current = q.sort.as_deref().unwrap_or(if q.q.is_some() {
        "relevance"
    } else {
        "popular"
    });
    let mut list = vec![
        ("popular", t.sort_popular),
        ("rating", t.sort_rating),
        ("newest", t.sort_newest),
        ("completion", t.sort_completion),
    ];
    if q.q.is_some() {
        list.insert(0, ("relevance", t.sort_relevance));
    }
    let options = list
        .into_iter()
        .map(|(value, label)| {
            el("option", "", vec![text(label)])
                .attr("value", value)
                .attr_if("selected", (current == value).then_some(""))
        })
        .collect();
    vec![el("select", "", options).attr("aria-label", t.sort_label)]
}

/// The category chips' data: on its way, here, failed (with its own retry: the list is fine), or
/// failed with the list (whose error view has the page's one retry).
enum Categories {
    Loading,
    Ready(Vec<Category>),
    Failed,
    Hidden,
}

/// Category chips (links that keep the rest of the search), then the other active filters as
/// chips that remove them, and "clear filters" (shown whatever became of the categories).
fn chips_tree(categories: &Categories, u: &Url, t: &Messages, locale: Locale) -> Vec<Node> {
    let current = u.get("category");
    let chip = |id: Option<&str>, name: &str| {
        let a = link("chip", u.with("category", id), vec![text(name.to_owned())])
            .attr_if("aria-current", (current == id).then_some("page"));
        el("li", "", vec![a])
    };
    let mut out = vec![match categories {
        Categories::Loading => el("div", "skeleton-chips", vec![]),
        Categories::Hidden => el("div", "", vec![]),
        Categories::Failed => el(
            "p",
            "chips-failed",
            vec![
                text(t.categories_failed),
                el("button", "button button--quiet", vec![text(t.retry)])
                    .attr("type", "button")
                    .attr("data-act", "categories"),
            ],
        )
        .attr("role", "status"),
        Categories::Ready(list) => {
            let mut chips = vec![chip(None, t.all_categories)];
            chips.extend(list.iter().map(|c| chip(Some(&c.id), c.name.get(locale))));
            el("nav", "", vec![el("ul", "chips", chips)]).attr("aria-label", t.categories_label)
        }
    }];
    let active: Vec<Node> = FILTERS
        .iter()
        .map(|(param, _)| *param)
        .chain(["institution"])
        .filter_map(|param| {
            let value = u.get(param)?;
            let label = if param == "institution" {
                format!("{}: {value}", legend(t, param))
            } else {
                option_label(locale, t, param, value)
            };
            let aria = i18n::remove_filter(locale, &label);
            Some(el(
                "li",
                "",
                vec![
                    link("", u.with(param, None), vec![text(format!("{label} ×"))])
                        .attr("aria-label", aria),
                ],
            ))
        })
        .collect();
    if !active.is_empty() {
        let mut clear = u.clone();
        clear
            .query
            .retain(|(k, _)| k == "q" || k == "category" || k == "sort");
        let mut items = active;
        items.push(el(
            "li",
            "",
            vec![link("", clear.href(), vec![text(t.clear_filters)])],
        ));
        out.push(el("ul", "active-filters", items).attr("aria-label", t.active_filters));
    }
    out
}

/// Closes the filter drawer and gives focus back to the button that opened it.
fn shut(open: RwSignal<bool>) {
    if open.get_untracked() {
        open.set(false);
        focus_selector(".filters-toggle");
    }
}

/// The filter groups for the URL's current choices, with facet counts when known.
fn filter_tree(u: &Url, facets: Option<&Facets>, t: &Messages, locale: Locale) -> Vec<Node> {
    let option =
        |param: &'static str, value: &str, label: String, count: Option<u64>, selected: bool| {
            let id = format!("f-{param}-{value}");
            let input = el("input", "", vec![])
                .attr(
                    "type",
                    if param == "certificate" {
                        "checkbox"
                    } else {
                        "radio"
                    },
                )
                .attr("name", param)
                .attr("id", id.clone())
                .attr("data-param", param)
                .attr("data-value", value)
                .attr_if("checked", selected.then_some(""));
            let mut children = vec![input, el("span", "", vec![text(label)])];
            children.extend(count.map(|n| el("span", "filters__count", vec![text(n.to_string())])));
            el(
                "label",
                if count == Some(0) && !selected {
                    "zero"
                } else {
                    ""
                },
                children,
            )
            .attr("for", id)
        };
    FILTERS
        .iter()
        .map(|&(param, values)| {
            let current = u.get(param);
            let mut group = vec![el("legend", "", vec![text(legend(t, param))])];
            if param != "certificate" {
                group.push(option(param, "", t.any.to_owned(), None, current.is_none()));
            }
            for &value in values {
                let count = facets.map(|f| {
                    facet(f, param)
                        .iter()
                        .find(|v| v.value == value)
                        .map_or(0, |v| v.count)
                });
                group.push(option(
                    param,
                    value,
                    option_label(locale, t, param, value),
                    count,
                    current == Some(value),
                ));
            }
            el("fieldset", "", group)
        })
        .collect()
}

/// The cards and paging links, or the empty state with suggestions.
fn results_tree(r: &CourseSearch, u: &Url, t: &Messages, locale: Locale) -> Vec<Node> {
    if r.items.is_empty() {
        let mut out = vec![el("p", "", vec![text(t.empty_courses)])];
        if u.query
            .iter()
            .any(|(k, v)| k != "q" && k != "sort" && !v.is_empty())
        {
            let clear = Url {
                path: u.path.clone(),
                query: vec![("q".into(), u.get("q").unwrap_or("").into())],
            };
            out.push(el(
                "p",
                "",
                vec![link("", clear.href(), vec![text(t.clear_filters)])],
            ));
        }
        out.push(el("p", "", vec![text(t.try_searching)]));
        let suggestions = SUGGESTED
            .iter()
            .map(|s| {
                el(
                    "li",
                    "",
                    vec![link(
                        "button button--quiet",
                        Url::default().with("q", Some(s)),
                        vec![text(*s)],
                    )],
                )
            })
            .collect();
        out.push(el("ul", "", suggestions));
        return vec![el("div", "empty", out).attr("role", "status")];
    }
    let (number, pages, has_next) = (r.page, r.page_count(), r.has_next());
    let mut out = Vec::new();
    let picks = suggestions(r, u.get("q").unwrap_or(""));
    if !picks.is_empty() {
        let mut line = vec![text(t.suggestions)];
        line.extend(
            picks
                .into_iter()
                .map(|s| link("", u.with("q", Some(&s)), vec![text(s)])),
        );
        out.push(el("p", "suggest", line));
    }
    let pager_link = |label: &str, n: u32, disabled: bool| {
        link(
            "pager__link button button--quiet",
            u.at_page(n),
            vec![text(label.to_owned())],
        )
        .attr_if("aria-disabled", disabled.then_some("true"))
        .attr_if("tabindex", disabled.then_some("-1"))
    };
    out.push(course_list(&r.items, t, locale));
    out.push(
        el(
            "nav",
            "pager",
            vec![
                pager_link(t.prev_page, number.saturating_sub(1).max(1), number <= 1),
                el("span", "", vec![text(i18n::page_of(locale, number, pages))]),
                pager_link(t.next_page, number + 1, !has_next),
            ],
        )
        .attr("aria-label", t.pagination_label),
    );
    out
}

/// For a query typed in pinyin or initials (`ds`, `kuaiji`), the characters it matched in the
/// results (`电商`, `短视`, `会计`), most frequent first: one tap searches in characters.
fn suggestions(r: &CourseSearch, q: &str) -> Vec<String> {
    if q.is_empty() || !q.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') {
        return Vec::new();
    }
    let mut seen: Vec<(String, usize)> = Vec::new();
    for c in &r.items {
        let chars: Vec<char> = c.title.chars().collect();
        for &[start, end] in &c.highlights {
            let (start, end) = (start as usize, (end as usize).min(chars.len()));
            let han = |ch: &char| ('\u{4e00}'..='\u{9fff}').contains(ch);
            if start >= end || !chars[start..end].iter().all(han) {
                continue;
            }
            let s: String = chars[start..end].iter().collect();
            match seen.iter_mut().find(|(x, _)| *x == s) {
                Some((_, n)) => *n += 1,
                None => seen.push((s, 1)),
            }
        }
    }
    // Most frequent first (a few dozen entries: picking beats pulling a sort into the wasm).
    let mut picks = Vec::new();
    while picks.len() < 5 {
        let Some(best) = (0..seen.len()).max_by_key(|&i| (seen[i].1, usize::MAX - i)) else {
            break;
        };
        picks.push(seen.remove(best).0);
    }
    picks
}
