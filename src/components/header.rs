//! The site header: brand, main navigation and the language menu.

use wasm_bindgen::JsCast;

use super::dom::{dom, el, link, on, span, text};
use crate::app::href;
use crate::i18n::{native_name, Locale};
use crate::prelude::*;
use crate::router::use_url;
use crate::state::{use_i18n, use_session};

/// The top bar of every page (same markup as the static shell in index.html), built as one
/// patched tree: the locale, the URL (which link is current) and the learner's name redraw it.
pub fn header() -> web_sys::Element {
    let i18n = use_i18n();
    let url = use_url();
    // Only the path marks the current link: typing a search (a query change) leaves it alone.
    let path = Memo::new(move |_| url.with(|u| u.path.clone()));
    let session = use_session();
    let tree = move || {
        let (t, locale) = (i18n.t(), i18n.locale());
        // Signed in: the learner's name, leading to the account page (which offers sign-out).
        let account = session
            .me()
            .filter(|m| m.kind == jieti_api::LearnerKind::Account)
            .and_then(|m| m.display_name)
            .unwrap_or_else(|| t.nav_sign_in.to_owned());
        let path = path.get();
        let nav = |class: &str, href: String, label: String| {
            let current = (path == href).then_some("page");
            link(class, href, vec![text(label)]).attr_if("aria-current", current)
        };
        let options = Locale::ALL
            .into_iter()
            .map(|l| {
                el("option", "", vec![text(native_name(l))])
                    .attr("value", l.as_str())
                    .attr("lang", l.as_str())
                    .attr_if("selected", (l == locale).then_some(""))
            })
            .collect();
        let mark = el(
            "svg",
            "brand__mark",
            vec![el("path", "", vec![])
                .attr("fill", "none")
                .attr("stroke", "currentColor")
                .attr("stroke-width", "3")
                .attr("stroke-linecap", "round")
                .attr("d", "M9 4v24M23 4v24M9 9h14M9 16h14M9 23h14")],
        )
        .attr("viewBox", "0 0 32 32")
        .attr("aria-hidden", "true");
        vec![
            link("skip-link", "#main".into(), vec![text(t.skip_to_content)])
                .attr("rel", "external"),
            el(
                "header",
                "site-header",
                vec![el(
                    "div",
                    "site-header__inner",
                    vec![
                        link("brand", href::home(), vec![mark, span("", t.brand)]),
                        el(
                            "nav",
                            "site-nav",
                            vec![
                                nav("nav-optional", href::search(), t.nav_search.to_owned()),
                                nav("", href::dashboard(), t.nav_dashboard.to_owned()),
                                nav("nav-account", href::sign_in(), account),
                                el("select", "locale-select", options)
                                    .attr("aria-label", t.language),
                            ],
                        )
                        .attr("aria-label", t.nav_label),
                    ],
                )],
            ),
        ]
    };
    // No box of its own: the header stays sticky to the page, as in the static shell.
    let host = dom("contents", tree);
    on(&host, "change", move |ev: web_sys::Event| {
        let select = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok());
        if let Some(locale) = select.and_then(|s| Locale::parse(&s.value())) {
            i18n.set(locale);
        }
    });
    host
}
