//! The states every data view has besides "loaded": loading, failed, not built yet.

use super::dom::{dom, el, element, error_nodes, on_reload, put, Node};
use crate::api::Fetch;
use crate::i18n::Messages;
use crate::prelude::*;
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

/// A page showing one fetched resource: a skeleton while it loads, the error view with a retry
/// when it fails, `show(data)` once it is in; the document title follows `title(data)`.
pub fn loaded_page<T: Clone + Send + Sync + 'static>(
    fetch: Fetch<T>,
    title: fn(&T) -> String,
    show: fn(T) -> web_sys::Element,
) -> web_sys::Element {
    crate::state::use_title(move || {
        fetch.with(|r| {
            r.and_then(|r| r.as_ref().ok())
                .map(title)
                .unwrap_or_default()
        })
    });
    let i18n = use_i18n();
    // Loading and failed are one tree; the page itself replaces it once the data is in.
    let waiting = dom("page", move || {
        fetch.with(|r| match r {
            Some(Err(e)) => error_nodes(i18n, e),
            _ => vec![el("div", "skeleton-line skeleton-line--w80", vec![]).attr("aria-busy", "true")],
        })
    });
    on_reload(&waiting, move || fetch.refetch());
    let host = element("div", "contents");
    let slot = host.clone();
    // The page is built in the effect's own owner, so new data disposes the page it replaces.
    Effect::new(move |_| {
        let shown = match fetch.get() {
            Some(Ok(data)) => untrack(|| show(data)),
            _ => waiting.clone(),
        };
        put(&slot, &shown);
    });
    host
}
