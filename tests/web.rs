//! Client logic that needs a real browser, run by wasm-bindgen-test in headless Chromium.

#![cfg(target_arch = "wasm32")]

use jieti::api::{self, ApiError};
use jieti::components::dom::{dom, error_nodes, on_reload};
use jieti::components::dom::{el, link, text};
use jieti::components::header;
use jieti::i18n::{self, Locale, LOCALE_KEY};
use jieti::prelude::*;
use jieti::state::{provide_i18n, storage, use_i18n};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Lets queued effects and fetches run.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20);
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Builds a view under an owner of its own into `el`; cleaning the owner up ends the view.
fn mount(el: &web_sys::HtmlElement, build: impl FnOnce() -> web_sys::Element) -> Owner {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new();
    let view = owner.with(build);
    el.append_child(&view).unwrap();
    owner
}

fn container() -> web_sys::HtmlElement {
    let doc = document();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

#[wasm_bindgen_test]
fn storage_round_trips_and_removes() {
    assert!(storage::set("jieti.test", "值"));
    assert_eq!(storage::get("jieti.test").as_deref(), Some("值"));
    storage::remove("jieti.test");
    assert_eq!(storage::get("jieti.test"), None);
}

#[wasm_bindgen_test]
fn the_saved_locale_wins_and_garbage_is_ignored() {
    storage::set(LOCALE_KEY, "zh-Hant");
    assert_eq!(i18n::stored_locale(), Locale::ZhHant);
    storage::set(LOCALE_KEY, "klingon");
    // Falls back to the browser's languages, then zh-Hans: never a locale we have no strings for.
    assert!(Locale::ALL.contains(&i18n::stored_locale()));
    storage::remove(LOCALE_KEY);
}

#[wasm_bindgen_test]
fn api_base_comes_from_the_meta_tag() {
    let doc = document();
    let meta = doc.create_element("meta").unwrap();
    meta.set_attribute("name", "jieti-api-base").unwrap();
    meta.set_attribute("content", "https://api.example.edu/")
        .unwrap();
    doc.head().unwrap().append_child(&meta).unwrap();
    assert_eq!(api::api_base(), "https://api.example.edu/api/v1");
    meta.set_attribute("content", "").unwrap();
    assert_eq!(api::api_base(), "/api/v1");
    meta.remove();
}

#[wasm_bindgen_test]
async fn http_errors_and_network_failures_are_told_apart() {
    // The test runner's own server has no API: a real 404 that is not the JSON error body.
    let err = api::get_json::<jieti_api::Health>("/health")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::Status {
                status: 404,
                code: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_transient());

    let doc = document();
    let meta = doc.create_element("meta").unwrap();
    meta.set_attribute("name", "jieti-api-base").unwrap();
    // Nothing listens on the discard port: the fetch itself fails.
    meta.set_attribute("content", "http://127.0.0.1:9").unwrap();
    doc.head().unwrap().append_child(&meta).unwrap();
    let err = api::get_json::<jieti_api::Health>("/health")
        .await
        .unwrap_err();
    meta.remove();
    assert!(matches!(err, ApiError::Network(_)), "{err:?}");
    assert!(err.is_transient());
}

#[wasm_bindgen_test]
async fn error_view_explains_and_retries() {
    storage::set(LOCALE_KEY, "zh-Hans");
    let el = container();
    let retries = RwSignal::new(0);
    let handle = mount(&el, move || {
        provide_i18n();
        let i18n = use_i18n();
        let error = ApiError::Network("offline".into());
        let view = dom("", move || error_nodes(i18n, &error));
        on_reload(&view, move || retries.update(|n| *n += 1));
        view
    });
    settle().await;
    let text = el.text_content().unwrap_or_default();
    assert!(text.contains("加载失败") && text.contains("网络"), "{text}");
    let button: web_sys::HtmlElement = el
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    button.click();
    assert_eq!(retries.get_untracked(), 2);
    handle.cleanup();
    storage::remove(LOCALE_KEY);
}

#[wasm_bindgen_test]
async fn switching_the_locale_rewrites_the_header_and_persists() {
    storage::set(LOCALE_KEY, "zh-Hans");
    let el = container();
    let i18n_out = RwSignal::new(None);
    let handle = mount(&el, move || {
        provide_i18n();
        i18n_out.set(Some(use_i18n()));
        header()
    });
    settle().await;
    assert!(el.text_content().unwrap_or_default().contains("学习中心"));
    let i18n = i18n_out.get_untracked().unwrap();
    i18n.set(Locale::En);
    settle().await;
    let text = el.text_content().unwrap_or_default();
    assert!(
        text.contains("My learning") && !text.contains("学习中心"),
        "{text}"
    );
    assert_eq!(
        document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("en")
    );
    assert_eq!(storage::get(LOCALE_KEY).as_deref(), Some("en"));
    handle.cleanup();
    storage::remove(LOCALE_KEY);
}

#[wasm_bindgen_test]
fn contract_json_decodes_through_the_browser_parser() {
    // The app decodes with JSON.parse + serde-wasm-bindgen: absent optionals, unknown fields and
    // unknown error codes must behave as with serde_json.
    let parse = |s: &str| js_sys::JSON::parse(s).unwrap();
    let e: jieti_api::ErrorBody = serde_wasm_bindgen::from_value(parse(
        r#"{"error":{"code":"quota_exceeded","message":"x","extra":1}}"#,
    ))
    .unwrap();
    assert_eq!(e.error.code, jieti_api::ErrorCode::Unknown);
    assert_eq!(e.error.field, None);
    let page: jieti_api::Page<jieti_api::CourseSummary> = serde_wasm_bindgen::from_value(parse(
        r#"{"items":[{"id":"c","title":"电商","subtitle":"","category_id":"it","institution":{"id":"i","name":"n","verified":true},
            "level":"beginner","lang":"zh-Hans","price_fen":990,"duration_minutes":60,"lesson_count":3,"rating":4.75,
            "rating_count":12,"learner_count":3000000000,"certificate":false,"published":"2026-01-01","highlights":[[0,2]],"new_field":true}],
            "total":1,"page":1,"per_page":20,"facets":{"category":[]}}"#,
    ))
    .unwrap();
    let c = &page.items[0];
    assert_eq!(c.list_price_fen, None);
    assert_eq!(c.highlights, vec![[0, 2]]);
    assert_eq!(c.learner_count, 3_000_000_000);
    assert!((c.rating - 4.75).abs() < 1e-6);
}

#[wasm_bindgen_test]
fn the_dom_builder_never_parses_text_as_html() {
    let doc = document();
    let payload = "<img src=x onerror=alert(1)><script>alert(2)</script>";
    let tree = el(
        "div",
        "box",
        vec![
            el("h3", "", vec![text(payload)]),
            link("go", "/courses/a?b=\"><script>".into(), vec![text("课程")])
                .attr("title", payload),
        ],
    );
    let node: web_sys::Element = tree.build(&doc).unchecked_into();
    assert_eq!(node.class_name(), "box");
    assert_eq!(
        node.query_selector("h3")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        payload
    );
    // Only the elements the tree names exist: the payload stayed text and attribute values.
    assert!(node.query_selector("img, script").unwrap().is_none());
    let a = node.query_selector("a.go").unwrap().unwrap();
    assert_eq!(a.get_attribute("href").unwrap(), "/courses/a?b=\"><script>");
    assert_eq!(a.get_attribute("title").unwrap(), payload);
    assert_eq!(a.text_content().unwrap(), "课程");
}

/// Waits for `frames` animation frames, each followed by a zero timeout: the timing of what
/// `Node::Later` defers (its own timeouts were set first, so they have run by then).
async fn frames(frames: u32) {
    for _ in 0..frames {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = web_sys::window().unwrap().request_animation_frame(&resolve);
        });
        wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
        jieti::components::dom::next_task().await;
    }
}

#[wasm_bindgen_test]
async fn later_parts_come_after_a_frame_in_their_places_and_never_into_a_replaced_list() {
    use jieti::components::dom::Node;
    let doc = document();
    let li = |s: &str| el("li", "", vec![text(s)]);
    let items = |ul: &web_sys::Element| {
        let all = ul.query_selector_all("li").unwrap();
        (0..all.length())
            .map(|i| all.item(i).unwrap().text_content().unwrap())
            .collect::<Vec<_>>()
    };
    let tree = el(
        "ul",
        "",
        vec![
            Node::Later(vec![li("a")]),
            li("b"),
            Node::Later(vec![li("c"), Node::Later(vec![li("d"), li("e")])]),
        ],
    );
    let ul: web_sys::Element = tree.build(&doc).unchecked_into();
    container().append_child(&ul).unwrap();
    // At first only what is not deferred, and the list says it is still filling.
    assert_eq!(items(&ul), ["b"]);
    assert_eq!(ul.get_attribute("aria-busy").as_deref(), Some("true"));
    frames(1).await;
    assert_eq!(items(&ul), ["a", "b", "c"]);
    frames(1).await;
    assert_eq!(items(&ul), ["a", "b", "c", "d", "e"]);
    assert_eq!(ul.get_attribute("aria-busy"), None);
    // No empty place-holding nodes are left behind.
    assert_eq!(ul.child_nodes().length(), 5);

    // A list replaced before its later part came: that part is never built, anywhere.
    let host = container();
    let stale: web_sys::Element = el("ul", "", vec![li("x"), Node::Later(vec![li("late")])])
        .build(&doc)
        .unchecked_into();
    host.append_child(&stale).unwrap();
    host.set_text_content(None);
    frames(2).await;
    assert_eq!(items(&stale), ["x"]);
    let all = doc.query_selector_all("li").unwrap();
    assert!(
        (0..all.length()).all(|i| all.item(i).unwrap().text_content().as_deref() != Some("late"))
    );
}

#[wasm_bindgen_test]
async fn dom_updates_its_tree_in_place_and_keeps_focus() {
    use jieti::components::dom::{next_task, Node};
    let el_root = container();
    let n = RwSignal::new(1u32);
    let handle = mount(&el_root, move || {
        let tree = move || {
            let n = n.get();
            // What a step shows: a text whose words change, a tag that changes, a list that
            // fills, and radios (matched by position: more of them come at the end).
            let li = |i: u32| el("li", "", vec![text(format!("{n}.{i}"))]);
            let mut out = vec![
                el("p", "", vec![text(format!("step {n}"))]),
                el(if n == 1 { "span" } else { "strong" }, "", vec![]),
                el(
                    "ul",
                    "",
                    vec![li(0), Node::Later((1..n + 1).map(li).collect())],
                ),
                // Keyed: kept only for the same key (a card stays only for the same course).
                el("em", "", vec![]).attr("data-key", format!("k{}", n.min(2))),
            ];
            out.extend((0..n).map(|i| {
                el("input", "", vec![])
                    .attr("id", format!("dom-test-{i}"))
                    .attr("type", "radio")
                    .attr("name", "dom-test")
                    .attr_if("checked", (i == n - 1).then_some(""))
                    .attr_if("data-first", (n == 1).then_some("yes"))
            }));
            out
        };
        dom("", tree)
    });
    settle().await;
    frames(1).await;
    let input = |i: u32| -> web_sys::HtmlInputElement {
        document()
            .get_element_by_id(&format!("dom-test-{i}"))
            .unwrap()
            .unchecked_into()
    };
    let first = input(0);
    let p = el_root.query_selector("p").unwrap().unwrap();
    let ul = el_root.query_selector("ul").unwrap().unwrap();
    let first_li = ul.first_element_child().unwrap();
    let keyed = el_root.query_selector("em").unwrap().unwrap();
    assert_eq!(ul.text_content().unwrap(), "1.01.1");
    first.focus().unwrap();
    n.set(3);
    // The effect runs in a microtask: a zero timeout set now comes after it, and before any
    // frame's deferred build (that build's own timeout is set later).
    next_task().await;
    // The same elements, brought up to date: the focused input keeps focus, an attribute the
    // tree no longer has is gone, the tree decides which radio is checked, the text is new.
    assert_eq!(el_root.get_elements_by_tag_name("input").length(), 3);
    assert!(first.is_connected());
    assert_eq!(document().active_element().unwrap().id(), "dom-test-0");
    assert_eq!(first.get_attribute("data-first"), None);
    assert!(!first.checked());
    assert!(input(2).checked());
    assert!(p.is_connected());
    assert_eq!(p.text_content().unwrap(), "step 3");
    // Another tag is another element.
    assert_eq!(el_root.get_elements_by_tag_name("span").length(), 0);
    assert_eq!(el_root.get_elements_by_tag_name("strong").length(), 1);
    // The list keeps its first item; what came later is built again, later.
    assert!(first_li.is_connected());
    assert_eq!(ul.text_content().unwrap(), "3.0");
    assert_eq!(ul.get_attribute("aria-busy").as_deref(), Some("true"));
    frames(1).await;
    assert_eq!(ul.text_content().unwrap(), "3.03.13.23.3");
    assert_eq!(ul.get_attribute("aria-busy"), None);
    // Another key: another element.
    assert!(!keyed.is_connected());
    let keyed = el_root.query_selector("em").unwrap().unwrap();
    assert_eq!(keyed.get_attribute("data-key").as_deref(), Some("k2"));

    // A learner's tap checks another radio; a rebuild from the same state puts the tree's back.
    input(0).click();
    assert!(input(0).checked());
    n.set(2);
    settle().await;
    assert!(input(1).checked());
    assert!(!input(0).checked());
    assert!(document().get_element_by_id("dom-test-2").is_none());
    // The same key: the same element.
    assert!(keyed.is_connected());
    // A rebuild before the later part came: the old part is never built, the new one is.
    n.set(4);
    next_task().await;
    n.set(2);
    next_task().await;
    frames(2).await;
    assert_eq!(ul.text_content().unwrap(), "2.02.12.2");
    handle.cleanup();
}

#[wasm_bindgen_test]
fn queued_progress_events_are_what_the_contract_reads() {
    use jieti::state::sync::{self, Action};
    let _ = any_spawner::Executor::init_wasm_bindgen();
    storage::set(jieti::state::session::TOKEN_KEY, "test-token-outbox");
    sync::record("lesson-1", Action::Watched(1.5, 11.5, 1.25));
    sync::record("lesson-1", Action::Position(11.5));
    let ops = sync::queued();
    let events: Vec<jieti_api::ProgressEvent> = ops
        .iter()
        .map(|op| {
            serde_wasm_bindgen::from_value(sync::field(op, "event")).expect("a ProgressEvent")
        })
        .collect();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| jieti_api::is_client_id(&e.id)));
    assert_ne!(events[0].id, events[1].id);
    assert_eq!(
        events[0].action,
        jieti_api::ProgressAction::Watched {
            from_s: 1.5,
            to_s: 11.5,
            rate: 1.25
        }
    );
    assert_eq!(sync::queued_position("lesson-1"), Some(11.5));
    assert_eq!(sync::queued_position("lesson-2"), None);
    // Signing up moves the queue to the new token; nothing is left under the old one.
    sync::move_outbox("test-token-outbox", "test-token-new");
    assert!(sync::queued().is_empty());
    // What is done before the device has a learner waits, and joins the learner it then gets,
    // after what that learner had queued.
    storage::remove(jieti::state::session::TOKEN_KEY);
    sync::record("lesson-2", Action::Position(3.0));
    assert_eq!(sync::queued_position("lesson-2"), Some(3.0));
    sync::move_outbox("", "test-token-new");
    assert!(sync::queued().is_empty());
    storage::set(jieti::state::session::TOKEN_KEY, "test-token-new");
    let lessons: Vec<String> = sync::queued()
        .iter()
        .map(|op| {
            sync::field(&sync::field(op, "event"), "lesson_id")
                .as_string()
                .unwrap()
        })
        .collect();
    assert_eq!(lessons, ["lesson-1", "lesson-1", "lesson-2"]);
    storage::remove(jieti::state::session::TOKEN_KEY);
}

#[wasm_bindgen_test]
fn a_left_accounts_queue_waits_for_that_account() {
    use jieti::state::sync::{self, Action};
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let token = jieti::state::session::TOKEN_KEY;
    // Bo's progress waits under Bo's token; another account signs in on the device.
    storage::set(token, "test-token-bo-1");
    sync::record("lesson-bo", Action::Position(7.0));
    sync::set_aside("test-token-bo-1", "learner-bo");
    // Amy's session takes none of it.
    sync::adopt("learner-amy", "test-token-amy");
    storage::set(token, "test-token-amy");
    assert!(sync::queued().is_empty());
    // Bo's next session, with a new token, takes it all.
    sync::adopt("learner-bo", "test-token-bo-2");
    storage::set(token, "test-token-bo-2");
    assert_eq!(sync::queued_position("lesson-bo"), Some(7.0));
    storage::set(token, "test-token-bo-1");
    assert!(
        sync::queued().is_empty(),
        "nothing is left under the old token"
    );
    sync::set_aside("test-token-bo-2", "learner-bo-test-end");
    storage::remove(token);
}
