//! Providers and the one route table: the only file that knows the app's paths.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;
use wasm_bindgen::JsCast;

use crate::components::Header;
use crate::state::{provide_i18n, use_i18n, use_title};
use crate::{account, dashboard, discovery, embed, player, quiz};

/// Links into the app; pages build URLs only through these.
pub mod href {
    use jieti_api::encode_component;

    /// The catalog home.
    pub fn home() -> String {
        "/".into()
    }

    /// The catalog filtered to a category (None: all), at a page.
    pub fn catalog(category: Option<&str>, page: u32) -> String {
        let mut parts = Vec::new();
        if let Some(c) = category {
            parts.push(format!("category={}", encode_component(c)));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            "/".into()
        } else {
            format!("/?{}", parts.join("&"))
        }
    }

    /// Search.
    pub fn search() -> String {
        "/search".into()
    }

    /// A course's page.
    pub fn course(id: &str) -> String {
        format!("/courses/{}", encode_component(id))
    }

    /// An institution's page.
    pub fn institution(id: &str) -> String {
        format!("/institutions/{}", encode_component(id))
    }

    /// The learner's dashboard.
    pub fn dashboard() -> String {
        "/dashboard".into()
    }

    /// Sign in.
    pub fn sign_in() -> String {
        "/sign-in".into()
    }
}

/// The whole app: providers, the header, and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    view! {
        <Router>
            <Chrome/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=discovery::CatalogPage/>
                    <Route path=path!("/search") view=discovery::SearchPage/>
                    <Route path=path!("/courses/:id") view=discovery::CoursePage/>
                    <Route path=path!("/institutions/:id") view=discovery::InstitutionPage/>
                    <Route path=path!("/learn/:course/:lesson") view=player::LearnPage/>
                    <Route path=path!("/quiz/:id") view=quiz::QuizPage/>
                    <Route path=path!("/dashboard") view=dashboard::DashboardPage/>
                    <Route path=path!("/sign-in") view=account::SignInPage/>
                    <Route path=path!("/embed/course/:id") view=embed::EmbedCoursePage/>
                    <Route path=path!("/embed/lesson/:id") view=embed::EmbedLessonPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// The header, except inside embeds, which show only the player.
///
/// Also moves focus to the main content after each navigation, so keyboard and screen-reader
/// users land on the new page instead of on a link that no longer exists.
#[component]
fn Chrome() -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<(String, String)>| {
        let now = (location.pathname.get(), location.search.get());
        if previous.is_some_and(|p| p != now) {
            if let Some(main) = document().get_element_by_id("main") {
                let _ = main.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
        now
    });
    move || (!location.pathname.get().starts_with("/embed/")).then(Header)
}

/// Shown for any path the route table does not know.
#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || i18n.t().not_found_title.to_owned());
    view! {
        <section class="page crash-view">
            <h1 class="page-title">{i18n.text(|t| t.not_found_title)}</h1>
            <p>{i18n.text(|t| t.not_found_body)}</p>
            <a href=href::home() class="button">{i18n.text(|t| t.back_to_catalog)}</a>
        </section>
    }
}
