//! A minimal Leptos 0.8 app of the kind Jieti started from: a router with two routes, one of
//! which fetches a page of courses from the API and lists their titles.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use serde::Deserialize;

/// One course, as much of it as the list shows.
#[derive(Clone, Deserialize)]
struct Course {
    id: String,
    title: String,
}

/// A page of courses.
#[derive(Clone, Deserialize)]
struct Page {
    items: Vec<Course>,
}

async fn courses() -> Result<Page, String> {
    let response = gloo_net::http::Request::get("/api/v1/courses?per_page=20")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    response.json::<Page>().await.map_err(|e| e.to_string())
}

#[component]
fn Catalog() -> impl IntoView {
    let page = LocalResource::new(courses);
    view! {
        <h1>"Courses"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Ok(p) => view! {
                    <ul>{p.items.into_iter().map(|c| view! {
                        <li><A href=format!("/courses/{}", c.id)>{c.title}</A></li>
                    }).collect_view()}</ul>
                }.into_any(),
                Err(e) => view! { <p role="alert">{e}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn About() -> impl IntoView {
    view! { <h1>"About"</h1><A href="/">"Back"</A> }
}

fn main() {
    mount_to_body(|| {
        view! {
            <Router>
                <nav><A href="/">"Catalog"</A>" "<A href="/about">"About"</A></nav>
                <main>
                    <Routes fallback=|| "Not found">
                        <Route path=path!("/") view=Catalog/>
                        <Route path=path!("/about") view=About/>
                    </Routes>
                </main>
            </Router>
        }
    })
}
