//! The states every data view has besides "loaded": loading, failed, not built yet.

use leptos::prelude::*;

use super::dom::{closest_data, el, error_nodes, Dom, Node};
use crate::api::{ApiError, Fetch};
use crate::i18n::Messages;
use crate::state::use_i18n;

/// Grey placeholder cards in the shape of the course list (same markup as the static shell).
pub fn skeleton_list(t: &Messages, count: usize) -> Node {
    let line = |width: &str| {
        el(
            "div",
            &format!("skeleton-line skeleton-line--{width}"),
            vec![],
        )
    };
    let card = || {
        el(
            "li",
            "skeleton-card",
            vec![
                el("div", "skeleton-card__cover", vec![]),
                el(
                    "div",
                    "skeleton-card__lines",
                    vec![line("w80"), line("w50"), line("w30")],
                ),
            ],
        )
    };
    el("ul", "course-list", (0..count).map(|_| card()).collect())
        .attr("aria-busy", "true")
        .attr("aria-label", t.loading)
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
    let i18n = use_i18n();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if closest_data(&ev, "data-act").as_deref() == Some("reload") {
            fetch.refetch();
        }
    };
    // Loading and failed are one tree; the page itself replaces it once the data is in.
    let waiting = move || {
        fetch.with(|r| match r {
            Some(Err(e)) => error_nodes(i18n, e),
            _ => vec![el("div", "skeleton-line skeleton-line--w80", vec![]).attr("aria-busy", "true")],
        })
    };
    move || match fetch.get() {
        Some(Ok(data)) => show(data),
        _ => view! { <div class="page" on:click=on_click><Dom tree=Box::new(waiting)/></div> }
            .into_any(),
    }
}
