//! The states every data view has besides "loaded": loading, failed, not built yet.

use leptos::prelude::*;

use super::dom::{closest_data, error_nodes, Dom};
use crate::api::{ApiError, Fetch};
use crate::state::use_i18n;

/// Grey placeholder cards in the shape of the course list (same markup as the static shell).
#[component]
pub fn CourseListSkeleton(
    /// How many cards.
    #[prop(default = 6)]
    count: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="course-list" aria-busy="true" aria-label=i18n.text(|t| t.loading)>
            {(0..count)
                .map(|_| {
                    view! {
                        <li class="skeleton-card">
                            <div class="skeleton-card__cover"></div>
                            <div class="skeleton-card__lines">
                                <div class="skeleton-line skeleton-line--w80"></div>
                                <div class="skeleton-line skeleton-line--w50"></div>
                                <div class="skeleton-line skeleton-line--w30"></div>
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// What went wrong, in the learner's words ([`error_nodes`]); its retry button calls `on_retry`.
#[component]
pub fn ErrorView(
    /// The failure.
    error: ApiError,
    /// Called when the learner taps retry.
    on_retry: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if closest_data(&ev, "data-act").as_deref() == Some("reload") {
            on_retry.run(());
        }
    };
    let tree = move || error_nodes(i18n, &error);
    view! { <div on:click=on_click><Dom tree=Box::new(tree)/></div> }
}

/// A page showing one fetched resource: a skeleton while it loads, the error view with a retry
/// when it fails, `show(data)` once it is in; the document title follows `title(data)`.
pub fn loaded_page<T: Clone + Send + Sync + 'static>(
    fetch: Fetch<T>,
    title: fn(&T) -> String,
    show: fn(T) -> AnyView,
) -> impl IntoView {
    crate::state::use_title(move || {
        fetch.with(|r| {
            r.and_then(|r| r.as_ref().ok())
                .map(title)
                .unwrap_or_default()
        })
    });
    let retry = Callback::new(move |_| fetch.refetch());
    move || {
        match fetch.get() {
        None => view! { <div class="page" aria-busy="true"><div class="skeleton-line skeleton-line--w80"></div></div> }
            .into_any(),
        Some(Ok(data)) => show(data),
        Some(Err(error)) => view! { <div class="page"><ErrorView error=error on_retry=retry/></div> }.into_any(),
    }
    }
}
