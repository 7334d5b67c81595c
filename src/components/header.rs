//! The site header: brand, main navigation and the language menu.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::href;
use crate::i18n::{native_name, Locale};
use crate::state::use_i18n;

/// The top bar of every page (same markup as the static shell in index.html).
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(locale) = Locale::parse(&event_target_value(&ev)) {
            i18n.set(locale);
        }
    };
    view! {
        <a class="skip-link" href="#main">{move || i18n.t().skip_to_content}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <A href=href::home() attr:class="brand">
                    <svg class="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
                        <path fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round"
                            d="M9 4v24M23 4v24M9 9h14M9 16h14M9 23h14"/>
                    </svg>
                    <span>{move || i18n.t().brand}</span>
                </A>
                <nav class="site-nav" aria-label=move || i18n.t().nav_label>
                    <A href=href::search() attr:class="nav-optional">{move || i18n.t().nav_search}</A>
                    <A href=href::dashboard()>{move || i18n.t().nav_dashboard}</A>
                    <A href=href::sign_in() attr:class="nav-optional">{move || i18n.t().nav_sign_in}</A>
                    <select class="locale-select" aria-label=move || i18n.t().language on:change=on_change>
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
