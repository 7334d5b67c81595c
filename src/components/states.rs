//! The states every data view has besides "loaded": loading, failed, empty, not built yet.

use leptos::either::Either;
use leptos::prelude::*;
use stylers_macro::style;

use super::{Icon, IconName};
use crate::api::{ApiError, Fetch};
use crate::app::href;
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

/// What went wrong, in the learner's words, and a retry button that really retries.
#[component]
pub fn ErrorView(
    /// The failure.
    error: ApiError,
    /// Called when the learner taps retry.
    on_retry: Callback<()>,
) -> impl IntoView {
    let cls = style! {
        .error-view {
            display: grid;
            justify-items: center;
            gap: var(--space-3);
            padding: var(--space-6) var(--space-4);
            text-align: center;
            background: var(--surface);
            border-radius: var(--radius-l);
            border: 1px solid var(--border);
        }
        .error-view__icon {
            color: var(--danger);
        }
        .error-view__title {
            font-size: var(--text-l);
            font-weight: 700;
        }
        .error-view__body {
            color: var(--text-2);
            max-width: 480px;
        }
    };
    let i18n = use_i18n();
    let transient = error.is_transient();
    let is_network = matches!(error, ApiError::Network(_));
    web_sys::console::warn_1(&format!("Jieti: {error}").into());
    view! { class = cls,
        <section class="error-view" role="alert">
            <span class="error-view__icon"><Icon name=IconName::Warning size=40/></span>
            <h2 class="error-view__title">{i18n.text(|t| t.error_title)}</h2>
            <p class="error-view__body">
                {move || {
                    let t = i18n.t();
                    if is_network {
                        t.error_network
                    } else if transient {
                        t.error_server
                    } else {
                        t.error_request
                    }
                }}
            </p>
            {if transient {
                Either::Left(view! {
                    <button type="button" class="button" on:click=move |_| on_retry.run(())>
                        {i18n.text(|t| t.retry)}
                    </button>
                })
            } else {
                // Retrying a request the server refused as bad cannot help; going back can.
                Either::Right(view! { <a href=href::home() class="button">{i18n.text(|t| t.back_to_catalog)}</a> })
            }}
        </section>
    }
}

/// A friendly note when a list has nothing in it.
#[component]
pub fn EmptyState(
    /// The note.
    message: Signal<&'static str>,
) -> impl IntoView {
    let cls = style! {
        .empty-state {
            padding: var(--space-6) var(--space-4);
            text-align: center;
            color: var(--text-2);
            background: var(--surface);
            border-radius: var(--radius-l);
        }
    };
    view! { class = cls, <p class="empty-state">{message}</p> }
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
