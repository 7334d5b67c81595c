//! The catalog home: category filter, a page of course cards, paging.

use jieti_api::{Category, CourseQuery, CourseSummary, Page};
use leptos::either::Either;
use leptos::prelude::*;
use stylers_macro::style;

use super::course_card::CourseCard;
use crate::api::catalog::{get_categories, get_courses};
use crate::api::{use_fetch, Fetch};
use crate::app::href;
use crate::components::{CourseListSkeleton, EmptyState, ErrorView};
use crate::i18n;
use crate::router::use_url;
use crate::state::{use_i18n, use_title};

/// Courses per catalog page.
const PER_PAGE: u32 = 20;

/// The home page: popular courses, filterable by category, paged.
#[component]
pub fn CatalogPage(
    /// Opened as search: the search box takes focus.
    search: bool,
) -> impl IntoView {
    let _ = search;
    let i18n = use_i18n();
    let query = use_url();
    let category = Memo::new(move |_| query.with(|q| q.get("category").map(str::to_owned)));
    let page = Memo::new(move |_| {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1)
        })
    });
    let categories = use_fetch(get_categories);
    let courses = use_fetch(move || {
        let q = CourseQuery {
            category: category.get(),
            page: Some(page.get()),
            per_page: Some(PER_PAGE),
            ..Default::default()
        };
        async move { get_courses(&q).await }
    });
    use_title(String::new);
    let retry = Callback::new(move |_| {
        categories.refetch();
        courses.refetch();
    });

    view! {
        <div class="page">
            <h1 class="page-title">{i18n.text(|t| t.catalog_title)}</h1>
            {move || match categories.get() {
                Some(Ok(list)) => Either::Left(view! { <CategoryChips categories=list.items active=category/> }),
                // Without categories the list below still works; its error view offers the retry.
                _ => Either::Right(view! { <div class="skeleton-chips"></div> }),
            }}
            // One live region for the whole page life, so screen readers announce each new count.
            <p class="results-count" aria-live="polite">
                {move || match courses.get() {
                    Some(Ok(page)) if !page.items.is_empty() => i18n::course_total(i18n.locale(), page.total),
                    _ => String::new(),
                }}
            </p>
            {move || match courses.get() {
                None => view! { <CourseListSkeleton/> }.into_any(),
                Some(Ok(page)) => view! { <CourseResults page=page category=category loading=courses/> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error=error on_retry=retry/> }.into_any(),
            }}
        </div>
    }
}

/// Category filter as a row of links (plain links: they work before and without script state).
#[component]
fn CategoryChips(categories: Vec<Category>, active: Memo<Option<String>>) -> impl IntoView {
    let cls = style! {
        .chips {
            display: flex;
            gap: var(--space-2);
            margin: 0 calc(-1 * var(--space-4)) var(--space-4);
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
    let current = move |id: Option<&str>| {
        if active.get().as_deref() == id {
            Some("page")
        } else {
            None
        }
    };
    view! { class = cls,
        <nav aria-label=i18n.text(|t| t.categories_label)>
            <ul class="chips">
                <li>
                    <a class="chip" href=href::catalog(None, 1) aria-current=move || current(None)>
                        {i18n.text(|t| t.all_categories)}
                    </a>
                </li>
                {categories
                    .into_iter()
                    .map(|c| {
                        let id = c.id.clone();
                        view! { class = cls,
                            <li>
                                <a class="chip" href=href::catalog(Some(&c.id), 1) aria-current=move || current(Some(&id))>
                                    {move || c.name.get(i18n.locale()).to_owned()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// The result count, the cards, and paging links.
#[component]
fn CourseResults(
    page: Page<CourseSummary>,
    category: Memo<Option<String>>,
    loading: Fetch<Page<CourseSummary>>,
) -> impl IntoView {
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
    };
    let i18n = use_i18n();
    let (number, pages, has_next) = (page.page, page.page_count(), page.has_next());
    let link = move |n: u32| href::catalog(category.get_untracked().as_deref(), n);
    if page.items.is_empty() {
        return view! { <EmptyState message=Signal::derive(i18n.text(|t| t.empty_courses))/> }
            .into_any();
    }
    view! { class = cls,
        <div class="results" aria-busy=move || loading.loading().to_string()>
            <ul class="course-list">
                {page.items.into_iter().map(|course| view! { <CourseCard course=course/> }).collect_view()}
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
