//! sign_in area: the page exists in the route table; its content arrives with a later issue.

use leptos::prelude::*;

use crate::components::ComingSoon;
use crate::state::use_i18n;

/// The sign_in page (coming soon).
#[component]
pub fn AccountPage(
    /// Sign up rather than sign in.
    sign_up: bool,
) -> impl IntoView {
    let _ = sign_up;
    let i18n = use_i18n();
    view! { <ComingSoon title=Signal::derive(i18n.text(|t| t.page_sign_in))/> }
}
