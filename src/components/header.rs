//! The site header: brand, main navigation and the language menu.

use leptos::prelude::*;

use crate::app::href;
use crate::i18n::{native_name, Locale};
use crate::router::use_url;
use crate::state::{use_i18n, use_session};

/// The top bar of every page (same markup as the static shell in index.html).
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(locale) = Locale::parse(&event_target_value(&ev)) {
            i18n.set(locale);
        }
    };
    let url = use_url();
    let session = use_session();
    // Signed in: the learner's name, leading to the account page (which offers sign-out).
    let account = move || {
        session
            .me()
            .filter(|m| m.kind == jieti_api::LearnerKind::Account)
            .and_then(|m| m.display_name)
            .unwrap_or_else(|| i18n.t().nav_sign_in.to_owned())
    };
    // One closure type for every nav link's aria-current.
    let current = move |path: String| move || url.with(|u| u.path == path).then_some("page");
    view! {
        <a class="skip-link" href="#main" rel="external">{i18n.text(|t| t.skip_to_content)}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <a href=href::home() class="brand">
                    <svg class="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
                        <path fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round"
                            d="M9 4v24M23 4v24M9 9h14M9 16h14M9 23h14"/>
                    </svg>
                    <span>{i18n.text(|t| t.brand)}</span>
                </a>
                <nav class="site-nav" aria-label=i18n.text(|t| t.nav_label)>
                    <a href=href::search() class="nav-optional" aria-current=current(href::search())>{i18n.text(|t| t.nav_search)}</a>
                    <a href=href::dashboard() aria-current=current(href::dashboard())>{i18n.text(|t| t.nav_dashboard)}</a>
                    <a href=href::sign_in() class="nav-account" aria-current=current(href::sign_in())>{account}</a>
                    <select class="locale-select" aria-label=i18n.text(|t| t.language) on:change=on_change>
                        {Locale::ALL
                            .into_iter()
                            .map(|l| {
                                view! {
                                    <option value=l.as_str() lang=l.as_str() selected=move || i18n.locale() == l>
                                        {native_name(l)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </nav>
            </div>
        </header>
    }
}
