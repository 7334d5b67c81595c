//! The catalog and search page: search box with instant results, category chips, filters (a
//! drawer on phones, a sidebar on desktops) with facet counts, sort, paging. Every piece of state
//! lives in the URL, so a search can be shared, reloaded, and walked with back and forward.

use jieti_api::{Category, CourseQuery, CourseSearch, FacetValue, Facets};
use leptos::either::Either;
use leptos::prelude::*;
use stylers_macro::style;

use super::course_card::CourseCard;
use crate::api::catalog::{get_categories, search_courses};
use crate::api::{use_fetch, Fetch};
use crate::components::{CourseListSkeleton, ErrorView};
use crate::i18n::{self, Locale, Messages};
use crate::router::{navigate, use_url, Url};
use crate::state::{use_i18n, use_title};

/// Courses per page.
const PER_PAGE: u32 = 20;

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
    CourseQuery {
        q: get("q"),
        category: get("category"),
        level: get("level"),
        price: get("price"),
        duration: get("duration"),
        min_rating: get("min_rating"),
        certificate: get("certificate"),
        institution: get("institution"),
        lang: get("lang"),
        sort: get("sort"),
        page: url.get("page").and_then(|p| p.parse().ok()),
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

/// The catalog home and search page.
#[component]
pub fn CatalogPage(
    /// Opened as search: the search box takes focus.
    search: bool,
) -> impl IntoView {
    let cls = style! {
        .searchbar {
            display: flex;
            gap: var(--space-2);
            margin-bottom: var(--space-3);
        }
        .searchbar input {
            flex: 1;
            min-width: 0;
            min-height: var(--touch);
            padding: 0 var(--space-3);
            border: 1px solid var(--text-3);
            border-radius: var(--radius);
            background: var(--surface);
            color: var(--text);
            font: inherit;
        }
        .toolbar {
            display: flex;
            flex-wrap: wrap;
            align-items: center;
            gap: var(--space-2);
            margin-bottom: var(--space-3);
        }
        .toolbar .results-count {
            flex: 1 1 100%;
            margin: 0;
        }
        .toolbar select {
            min-height: var(--touch);
            margin-left: auto;
            padding: 0 var(--space-2);
            border: 1px solid var(--text-3);
            border-radius: var(--radius);
            background: var(--surface);
            color: var(--text);
            font: inherit;
        }
        .layout {
            display: grid;
            gap: var(--space-5);
        }
        .active {
            display: flex;
            flex-wrap: wrap;
            gap: var(--space-2);
            margin-bottom: var(--space-3);
            list-style: none;
        }
        .active a {
            display: inline-flex;
            align-items: center;
            min-height: 36px;
            padding: 0 var(--space-3);
            border-radius: 999px;
            background: var(--accent-soft);
            color: var(--accent-strong);
            font-size: var(--text-s);
            text-decoration: none;
        }
        @media (min-width: 960px) {
            .layout {
                grid-template-columns: 240px 1fr;
                align-items: start;
            }
            .toolbar .results-count {
                flex: 1;
            }
            .filters-toggle {
                display: none;
            }
        }
    };
    let i18n = use_i18n();
    let url = use_url();
    let query = Memo::new(move |_| url.with(query_of));
    let categories = use_fetch(get_categories);
    let courses = use_fetch(move || {
        let q = query.get();
        async move { search_courses(&q).await }
    });
    let facets = Memo::new(move |_| {
        courses.get().and_then(Result::ok).map(|r| r.facets)
    });
    let drawer = RwSignal::new(false);
    use_title(move || query.with(|q| q.q.clone().unwrap_or_default()));
    let retry = Callback::new(move |_| {
        categories.refetch();
        courses.refetch();
    });
    let sort = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        navigate(&url.with_untracked(|u| u.with("sort", Some(&value))), false);
    };
    let has_q = move || query.with(|q| q.q.is_some());
    let sort_value = move || {
        query.with(|q| {
            q.sort
                .clone()
                .unwrap_or_else(|| if q.q.is_some() { "relevance" } else { "popular" }.into())
        })
    };
    let sorts = move || {
        let t = i18n.t();
        let mut list = vec![("popular", t.sort_popular), ("rating", t.sort_rating), ("newest", t.sort_newest)];
        if has_q() {
            list.insert(0, ("relevance", t.sort_relevance));
        }
        let current = sort_value();
        list.into_iter()
            .map(|(value, label)| view! { <option value=value selected=current == value>{label}</option> })
            .collect_view()
    };

    view! { class = cls,
        <div class="page">
            <h1 class="visually-hidden">{i18n.text(|t| t.catalog_title)}</h1>
            <SearchBox url=url autofocus=search/>
            {move || match categories.get() {
                Some(Ok(list)) => Either::Left(view! { <CategoryChips categories=list.items url=url/> }),
                // Without categories the list below still works; its error view offers the retry.
                _ => Either::Right(view! { <div class="skeleton-chips"></div> }),
            }}
            <ActiveFilters url=url/>
            <div class="toolbar">
                // One live region for the page's life, so screen readers announce each new count.
                <p class="results-count" aria-live="polite">
                    {move || match courses.get() {
                        Some(Ok(r)) => i18n::search_total(i18n.locale(), r.total, query.with(|q| q.q.clone())),
                        _ => String::new(),
                    }}
                </p>
                <button type="button" class="button button--quiet filters-toggle" aria-expanded=move || drawer.get().to_string()
                    aria-controls="filters" on:click=move |_| drawer.set(true)>
                    {i18n.text(|t| t.filters)}
                </button>
                <select aria-label=i18n.text(|t| t.sort_label) on:change=sort>{sorts}</select>
            </div>
            <div class="layout">
                <FilterPanel url=url facets=facets open=drawer courses=courses/>
                <section aria-label=i18n.text(|t| t.results_label)>
                    {move || match courses.get() {
                        None => view! { <CourseListSkeleton/> }.into_any(),
                        Some(Ok(r)) => view! { <Results results=r url=url loading=courses/> }.into_any(),
                        Some(Err(error)) => view! { <ErrorView error=error on_retry=retry/> }.into_any(),
                    }}
                </section>
            </div>
        </div>
    }
}

/// The search box: results follow the typing (debounced; the URL entry is replaced, so back
/// does not replay every keystroke), Enter searches at once, and the URL refills it on back.
#[component]
fn SearchBox(url: Memo<Url>, autofocus: bool) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(url.with_untracked(|u| u.get("q").unwrap_or("").to_owned()));
    // What this box last put in the URL: any other change came from outside (back, a link).
    let mine = StoredValue::new(text.get_untracked());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let q = url.with(|u| u.get("q").unwrap_or("").to_owned());
        if q != mine.get_value() {
            mine.set_value(q.clone());
            text.set(q);
        }
    });
    let commit = move |replace: bool| {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let q = text.get_untracked().trim().to_owned();
        if url.with_untracked(|u| u.get("q").unwrap_or("") == q) {
            return;
        }
        mine.set_value(q.clone());
        let href = url.with_untracked(|u| u.with("q", (!q.is_empty()).then_some(q.as_str())));
        navigate(&href, replace);
    };
    let on_input = move |ev: leptos::ev::Event| {
        text.set(event_target_value(&ev));
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || commit(true),
            std::time::Duration::from_millis(DEBOUNCE_MS),
        );
        pending.set_value(handle.ok());
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        commit(false);
        // Closes the phone keyboard so the results can be seen.
        if let Some(el) = document().active_element() {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.blur();
            }
        }
    };
    let input = NodeRef::<leptos::html::Input>::new();
    if autofocus {
        Effect::new(move |_| {
            if let Some(el) = input.get() {
                let _ = el.focus();
            }
        });
    }
    view! {
        <form class="searchbar" role="search" on:submit=on_submit>
            <input node_ref=input type="search" name="q" enterkeyhint="search" autocomplete="off"
                aria-label=i18n.text(|t| t.search_label) placeholder=i18n.text(|t| t.search_placeholder)
                prop:value=move || text.get() on:input=on_input/>
            <button type="submit" class="button">{i18n.text(|t| t.nav_search)}</button>
        </form>
    }
}

/// Category filter as a row of links that keep the rest of the search.
#[component]
fn CategoryChips(categories: Vec<Category>, url: Memo<Url>) -> impl IntoView {
    let cls = style! {
        .chips {
            display: flex;
            gap: var(--space-2);
            margin: 0 calc(-1 * var(--space-4)) var(--space-3);
            padding: 0 var(--space-4);
            overflow-x: auto;
            scrollbar-width: none;
            list-style: none;
        }
        .chip {
            display: inline-flex;
            align-items: center;
            min-height: var(--touch);
            padding: 0 var(--space-4);
            border-radius: 999px;
            border: 1px solid var(--border);
            background: var(--surface);
            color: var(--text-2);
            text-decoration: none;
            white-space: nowrap;
            font-size: var(--text-s);
        }
        .chip[aria-current="page"] {
            background: var(--accent);
            border-color: var(--accent);
            color: var(--on-accent);
            font-weight: 600;
        }
    };
    let i18n = use_i18n();
    let chip = move |id: Option<String>, name: Signal<String>| {
        let href = {
            let id = id.clone();
            move || url.with(|u| u.with("category", id.as_deref()))
        };
        let current = move || (url.with(|u| u.get("category").map(str::to_owned)) == id).then_some("page");
        view! { class = cls,
            <li><a class="chip" href=href aria-current=current>{name}</a></li>
        }
    };
    let all = chip(None, Signal::derive(move || i18n.t().all_categories.to_owned()));
    let rest = categories
        .into_iter()
        .map(|c| chip(Some(c.id.clone()), Signal::derive(move || c.name.get(i18n.locale()).to_owned())))
        .collect_view();
    view! { class = cls,
        <nav aria-label=i18n.text(|t| t.categories_label)>
            <ul class="chips">{all}{rest}</ul>
        </nav>
    }
}

/// The active filters (besides category and text) as chips that remove them, and "clear all".
#[component]
fn ActiveFilters(url: Memo<Url>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let t = i18n.t();
        let locale = i18n.locale();
        let u = url.get();
        let active: Vec<(String, String)> = FILTERS
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
                Some((label, u.with(param, None)))
            })
            .collect();
        (!active.is_empty()).then(|| {
            let mut clear = u.clone();
            clear.query.retain(|(k, _)| k == "q" || k == "category" || k == "sort");
            view! {
                <ul class="active" aria-label=t.active_filters>
                    {active
                        .into_iter()
                        .map(|(label, href)| {
                            let aria = i18n::remove_filter(locale, &label);
                            view! { <li><a href=href aria-label=aria>{label}" ×"</a></li> }
                        })
                        .collect_view()}
                    <li><a href=clear.href()>{t.clear_filters}</a></li>
                </ul>
            }
        })
    }
}

/// The filter panel: radio groups whose counts follow the results. The controls are built once,
/// so keyboard focus stays put while results change.
#[component]
fn FilterPanel(
    url: Memo<Url>,
    facets: Memo<Option<Facets>>,
    open: RwSignal<bool>,
    courses: Fetch<CourseSearch>,
) -> impl IntoView {
    let cls = style! {
        .filters {
            display: none;
        }
        .filters.open {
            display: block;
            position: fixed;
            inset: 0;
            z-index: 20;
            overflow-y: auto;
            padding: var(--space-4);
            background: var(--bg);
        }
        .head {
            display: flex;
            align-items: center;
            justify-content: space-between;
            margin-bottom: var(--space-3);
        }
        .head h2 {
            font-size: var(--text-l);
        }
        fieldset {
            margin: 0 0 var(--space-4);
            padding: 0;
            border: 0;
        }
        legend {
            margin-bottom: var(--space-1);
            font-weight: 700;
        }
        label {
            display: flex;
            align-items: center;
            gap: var(--space-2);
            min-height: var(--touch);
            cursor: pointer;
        }
        input {
            width: 20px;
            height: 20px;
            accent-color: var(--accent);
        }
        .count {
            margin-left: auto;
            color: var(--text-3);
            font-size: var(--text-s);
        }
        label.zero {
            color: var(--text-3);
        }
        .done {
            position: sticky;
            bottom: 0;
            width: 100%;
        }
        @media (min-width: 960px) {
            .filters,
            .filters.open {
                display: block;
                position: static;
                padding: 0;
                background: none;
                overflow: visible;
            }
            .head button,
            .done {
                display: none;
            }
        }
    };
    let i18n = use_i18n();
    let close = move |_| open.set(false);
    let groups = FILTERS
        .iter()
        .map(|&(param, values)| {
            let checkbox = param == "certificate";
            let any = (!checkbox).then(|| {
                let href = move || url.with(|u| u.with(param, None));
                view! { class = cls,
                    <label>
                        <input type="radio" name=param prop:checked=move || url.with(|u| u.get(param).is_none())
                            on:change=move |_| navigate(&href(), false)/>
                        <span>{i18n.text(|t| t.any)}</span>
                    </label>
                }
            });
            let options = values
                .iter()
                .map(|&value| {
                    let selected = move || url.with(|u| u.get(param) == Some(value));
                    let count = move || {
                        facets.with(|f| {
                            f.as_ref().map(|f| {
                                facet(f, param).iter().find(|v| v.value == value).map_or(0, |v| v.count)
                            })
                        })
                    };
                    let toggle = move |_| {
                        let next = if selected() { None } else { Some(value) };
                        navigate(&url.with_untracked(|u| u.with(param, next)), false);
                    };
                    view! { class = cls,
                        <label class:zero=move || count() == Some(0) && !selected()>
                            <input type=if checkbox { "checkbox" } else { "radio" } name=param
                                prop:checked=selected on:change=toggle/>
                            <span>{move || option_label(i18n.locale(), i18n.t(), param, value)}</span>
                            <span class="count">{count}</span>
                        </label>
                    }
                })
                .collect_view();
            view! { class = cls,
                <fieldset>
                    <legend>{move || legend(i18n.t(), param)}</legend>
                    {any}
                    {options}
                </fieldset>
            }
        })
        .collect_view();
    let done_label = move || match courses.get() {
        Some(Ok(r)) => i18n::show_results(i18n.locale(), r.total),
        _ => i18n.t().close.to_owned(),
    };
    view! { class = cls,
        <aside id="filters" class="filters" class:open=move || open.get() aria-label=i18n.text(|t| t.filters)>
            <div class="head">
                <h2>{i18n.text(|t| t.filters)}</h2>
                <button type="button" class="button button--quiet" on:click=close>{i18n.text(|t| t.close)}</button>
            </div>
            {groups}
            <button type="button" class="button done" on:click=close>{done_label}</button>
        </aside>
    }
}

/// The cards and paging links, or the empty state with suggestions.
#[component]
fn Results(results: CourseSearch, url: Memo<Url>, loading: Fetch<CourseSearch>) -> impl IntoView {
    let cls = style! {
        .results {
            transition: opacity 0.2s;
        }
        .results[aria-busy="true"] {
            opacity: 0.6;
        }
        .pager {
            display: flex;
            align-items: center;
            justify-content: space-between;
            gap: var(--space-3);
            margin-top: var(--space-5);
            color: var(--text-2);
            font-size: var(--text-s);
        }
        .pager__link {
            min-width: 96px;
        }
        .pager__link[aria-disabled="true"] {
            visibility: hidden;
        }
        .empty {
            padding: var(--space-6) var(--space-4);
            text-align: center;
            background: var(--surface);
            border-radius: var(--radius-l);
        }
        .empty ul {
            display: flex;
            flex-wrap: wrap;
            justify-content: center;
            gap: var(--space-2);
            margin-top: var(--space-3);
            list-style: none;
        }
    };
    let i18n = use_i18n();
    let (number, pages, has_next) = (results.page, results.page_count(), results.has_next());
    if results.items.is_empty() {
        let u = url.get_untracked();
        let filtered = u.query.iter().any(|(k, v)| k != "q" && k != "sort" && !v.is_empty());
        let clear = Url { path: u.path.clone(), query: vec![("q".into(), u.get("q").unwrap_or("").into())] };
        let suggestions = SUGGESTED
            .iter()
            .map(|s| view! { class = cls, <li><a class="button button--quiet" href=Url::default().with("q", Some(s))>{*s}</a></li> })
            .collect_view();
        return view! { class = cls,
            <div class="empty" role="status">
                <p>{i18n.text(|t| t.empty_courses)}</p>
                {filtered.then(|| view! { <p><a href=clear.href()>{i18n.text(|t| t.clear_filters)}</a></p> })}
                <p>{i18n.text(|t| t.try_searching)}</p>
                <ul>{suggestions}</ul>
            </div>
        }
        .into_any();
    }
    let link = move |n: u32| url.with_untracked(|u| u.at_page(n));
    view! { class = cls,
        <div class="results" aria-busy=move || loading.loading().to_string()>
            <ul class="course-list">
                {results.items.into_iter().map(|course| view! { <CourseCard course=course/> }).collect_view()}
            </ul>
            <nav class="pager" aria-label=i18n.text(|t| t.pagination_label)>
                <a class="pager__link button button--quiet" href=link(number.saturating_sub(1).max(1))
                    aria-disabled=(number <= 1).then_some("true") tabindex=(number <= 1).then_some("-1")>
                    {i18n.text(|t| t.prev_page)}
                </a>
                <span>{move || i18n::page_of(i18n.locale(), number, pages)}</span>
                <a class="pager__link button button--quiet" href=link(number + 1)
                    aria-disabled=(!has_next).then_some("true") tabindex=(!has_next).then_some("-1")>
                    {i18n.text(|t| t.next_page)}
                </a>
            </nav>
        </div>
    }
    .into_any()
}
