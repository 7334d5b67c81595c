//! Providers and the one route table: the only file that knows the app's paths.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::account::MyPage;
use crate::components::dom::{el, link, text, Dom};
use crate::components::Header;
use crate::dashboard::Kind;
use crate::lazy::LazyPage;
use crate::router::{provide_router, use_url, Url};
use crate::state::{provide_i18n, provide_session, use_i18n, use_title};
use crate::{account, discovery, player, quiz};

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

    /// Sign up.
    pub fn sign_up() -> String {
        "/sign-up".into()
    }
}

/// A page of the app, parsed from the URL's path.
#[derive(Clone, PartialEq)]
enum Page {
    Catalog,
    Search,
    Course(String),
    Institution(String),
    /// The player of a course; the lesson is read from the URL by the page itself.
    Learn(String),
    /// A quiz; the attempt is read from the URL by the page itself.
    Quiz(String),
    /// The wrong-answer book.
    Mistakes,
    /// The learner's own pages (account chunk): sign in and up, the dashboard, a certificate,
    /// staff analytics. One variant, so one loader in the shell.
    Mine(MyPage),
    /// An institution's embed settings (staff).
    EmbedSettings(String),
    NotFound,
}

impl Page {
    fn parse(url: &Url) -> Page {
        let segments = url.segments();
        let s: Vec<&str> = segments.iter().map(String::as_str).collect();
        match s.as_slice() {
            [] => Page::Catalog,
            ["search"] => Page::Search,
            ["courses", id] => Page::Course((*id).into()),
            ["institutions", id] => Page::Institution((*id).into()),
            ["learn", course] | ["learn", course, _] => Page::Learn((*course).into()),
            ["quiz", id] | ["quiz", id, _] => Page::Quiz((*id).into()),
            ["mistakes"] => Page::Mistakes,
            ["dashboard"] => Page::Mine(MyPage::Dashboard(Kind::Dashboard, String::new())),
            ["verify", code] => Page::Mine(MyPage::Dashboard(Kind::Certificate, (*code).into())),
            ["analytics", "institution", id] => {
                Page::Mine(MyPage::Dashboard(Kind::Institution, (*id).into()))
            }
            ["analytics", "institution", id, "embed"] => Page::EmbedSettings((*id).into()),
            ["analytics", "course", id] => {
                Page::Mine(MyPage::Dashboard(Kind::Course, (*id).into()))
            }
            ["sign-in"] => Page::Mine(MyPage::SignIn),
            ["sign-up"] => Page::Mine(MyPage::SignUp),
            _ => Page::NotFound,
        }
    }
}

/// The whole app: providers, the header, and the page for the URL.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    provide_router();
    provide_session();
    let url = use_url();
    // A page is rebuilt only when the path names another page; query changes are the page's own.
    let page = Memo::new(move |_| url.with(Page::parse));
    // After each navigation, move focus to the new page, so keyboard and screen-reader users land
    // there instead of on a link that no longer exists.
    Effect::new(move |previous: Option<Page>| {
        let now = page.get();
        if previous.is_some_and(|p| p != now) {
            if let Some(main) = document().get_element_by_id("main") {
                let _ = main.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
        now
    });
    let view = move || match page.get() {
        Page::Catalog => lazy(|| discovery::catalog_page(false)),
        Page::Search => lazy(|| discovery::catalog_page(true)),
        Page::Course(id) => lazy(move || discovery::course_page(id.clone())),
        Page::Institution(id) => lazy(move || discovery::institution_page(id.clone(), false)),
        Page::EmbedSettings(id) => lazy(move || discovery::institution_page(id.clone(), true)),
        Page::Learn(course) => lazy(move || player::learn_page(course.clone())),
        Page::Quiz(id) => lazy(move || quiz::quiz_page(id.clone())),
        Page::Mistakes => lazy(|| quiz::quiz_page(String::new())),
        Page::Mine(page) => lazy(move || account::account_page(page.clone())),
        Page::NotFound => NotFound().into_any(),
    };
    view! {
        <Header/>
        <main id="main" tabindex="-1">{view}</main>
    }
}

/// A page from its chunk.
fn lazy(load: impl Fn() -> crate::lazy::PageFuture + 'static) -> AnyView {
    view! { <LazyPage load=Box::new(load)/> }.into_any()
}

/// Shown for any path the route table does not know.
#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || i18n.t().not_found_title.to_owned());
    let tree = move || {
        let t = i18n.t();
        vec![
            el("h1", "page-title", vec![text(t.not_found_title)]),
            el("p", "", vec![text(t.not_found_body)]),
            link("button", href::home(), vec![text(t.back_to_catalog)]),
        ]
    };
    view! { <Dom tree=Box::new(tree) class="page crash-view"/> }
}
