//! learn area: the page exists in the route table; its content arrives with a later issue.

use leptos::prelude::*;

use crate::components::ComingSoon;
use crate::state::use_i18n;

/// The learn page (coming soon).
#[component]
pub fn LearnPage() -> impl IntoView {
    let i18n = use_i18n();
    view! { <ComingSoon title=Signal::derive(i18n.text(|t| t.page_learn))/> }
}
