//! Embed area: the player inside institutions' pages (arrives with a later issue).

use leptos::prelude::*;

use crate::components::ComingSoon;
use crate::state::use_i18n;

/// A whole course embedded in an institution's page (coming soon).
#[component]
pub fn EmbedCoursePage() -> impl IntoView {
    let i18n = use_i18n();
    view! { <ComingSoon title=Signal::derive(i18n.text(|t| t.page_embed))/> }
}

/// One lesson embedded in an institution's page (coming soon).
#[component]
pub fn EmbedLessonPage() -> impl IntoView {
    let i18n = use_i18n();
    view! { <ComingSoon title=Signal::derive(i18n.text(|t| t.page_embed))/> }
}
