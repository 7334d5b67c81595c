//! Providers and the one route table: the only file that knows the app's paths.

use std::rc::Rc;

use wasm_bindgen::JsCast;

use crate::account::MyPage;
use crate::components::dom::{dom, el, element, link, text};
use crate::components::header;
use crate::dashboard::Kind;
use crate::lazy::{Loader, Outlet};
use crate::prelude::*;
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

/// Mounts the whole app into `root`: providers, the header, and the page for the URL in `<main>`.
pub fn mount(root: &web_sys::Element) {
    // Effects and tasks run on wasm-bindgen-futures' executor.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    // The app's owner lives as long as the page: every context and signal of the app hangs on it.
    let owner = Owner::new();
    owner.set();
    provide_i18n();
    provide_router();
    provide_session();
    let main = element("main", "");
    main.set_id("main");
    let _ = main.set_attribute("tabindex", "-1");
    let _ = root.append_child(&header());
    let _ = root.append_child(&main);
    let outlet = Outlet::new(main.clone(), owner.clone());
    let url = use_url();
    // A page is rebuilt only when the path names another page; query changes are the page's own.
    let page = Memo::new(move |_| url.with(Page::parse));
    Effect::new(move |previous: Option<Page>| {
        let now = page.get();
        if previous.as_ref() != Some(&now) {
            // After each navigation, move focus to the new page, so keyboard and screen-reader
            // users land there instead of on a link that no longer exists.
            if previous.is_some() {
                let _ = main.unchecked_ref::<web_sys::HtmlElement>().focus();
            }
            // Untracked: what the old page reads as it is cleaned up is no reason to run again.
            untrack(|| outlet.show(loader(now.clone())));
        }
        now
    });
    std::mem::forget(owner);
}

/// What makes the page (from its chunk).
fn loader(page: Page) -> Loader {
    match page {
        Page::Catalog => Rc::new(|| discovery::catalog_page(false)),
        Page::Search => Rc::new(|| discovery::catalog_page(true)),
        Page::Course(id) => Rc::new(move || discovery::course_page(id.clone())),
        Page::Institution(id) => Rc::new(move || discovery::institution_page(id.clone(), false)),
        Page::EmbedSettings(id) => Rc::new(move || discovery::institution_page(id.clone(), true)),
        Page::Learn(course) => Rc::new(move || player::learn_page(course.clone())),
        Page::Quiz(id) => Rc::new(move || quiz::quiz_page(id.clone())),
        Page::Mistakes => Rc::new(|| quiz::quiz_page(String::new())),
        Page::Mine(page) => Rc::new(move || account::account_page(page.clone())),
        Page::NotFound => Rc::new(|| Box::pin(std::future::ready(Ok(not_found())))),
    }
}

/// Shown for any path the route table does not know.
fn not_found() -> web_sys::Element {
    let i18n = use_i18n();
    use_title(move || i18n.t().not_found_title.to_owned());
    dom("page crash-view", move || {
        let t = i18n.t();
        vec![
            el("h1", "page-title", vec![text(t.not_found_title)]),
            el("p", "", vec![text(t.not_found_body)]),
            link("button", href::home(), vec![text(t.back_to_catalog)]),
        ]
    })
}
