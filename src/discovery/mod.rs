//! Discovery: the catalog home, and (with later issues) search, course and institution pages.

mod catalog;
mod course_card;

pub use catalog::CatalogPage;

use leptos::prelude::*;

use crate::components::ComingSoon;
use crate::state::use_i18n;

crate::split_page!(course_chunk, fn course_page(id: String) {
    view! { <CoursePage id/> }.into_any()
});

/// A course's page (coming soon).
#[component]
pub fn CoursePage(
    /// The course id.
    id: String,
) -> impl IntoView {
    let _ = id;
    let i18n = use_i18n();
    view! { <ComingSoon title=Signal::derive(i18n.text(|t| t.page_course))/> }
}

/// An institution's page (coming soon).
#[component]
pub fn InstitutionPage(
    /// The institution id.
    id: String,
) -> impl IntoView {
    let _ = id;
    let i18n = use_i18n();
    view! { <ComingSoon title=Signal::derive(i18n.text(|t| t.page_institution))/> }
}
