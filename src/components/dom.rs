//! Every view of the app: markup described as a plain tree, built straight into the DOM and
//! patched in place when the signals its tree reads change (ADR 0009).
//!
//! Leptos' typed views generated code for every distinct view type (build, rebuild, mount, drop),
//! which made a course page cost 40 KB of brotli'd wasm; here one small function builds and
//! patches every tree, for a few bytes per element. Text always becomes text nodes and values
//! attributes: nothing is ever parsed as HTML. Controls are handled by one delegated listener
//! per event type on their element ([`on`]), removed with the owner that added it.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::prelude::*;
use crate::state::I18n;

/// An element or a text.
pub enum Node {
    /// An element: tag, attributes, children.
    El(&'static str, Vec<(&'static str, String)>, Vec<Node>),
    /// A text node.
    Text(String),
    /// Children of the enclosing element built after the browser has painted what comes before
    /// them: a long list lays out its first screen in one frame and the rest in a later task, so
    /// that no single task blocks input for long on a slow phone.
    Later(Vec<Node>),
}

/// An element with a class (empty for none) and children.
pub fn el(tag: &'static str, class: &str, children: Vec<Node>) -> Node {
    let attrs = if class.is_empty() {
        Vec::new()
    } else {
        vec![("class", class.to_owned())]
    };
    Node::El(tag, attrs, children)
}

/// A text node.
pub fn text(s: impl Into<String>) -> Node {
    Node::Text(s.into())
}

/// A `<span>` holding a text.
pub fn span(class: &str, s: impl Into<String>) -> Node {
    el("span", class, vec![text(s)])
}

/// A `<div><dt/><dd/></div>` pair of a definition list.
pub fn fact(class: &str, label: &str, value: impl Into<String>) -> Node {
    el(
        "div",
        class,
        vec![
            el("dt", "", vec![text(label)]),
            el("dd", "", vec![text(value)]),
        ],
    )
}

/// A link.
pub fn link(class: &str, href: String, children: Vec<Node>) -> Node {
    el("a", class, children).attr("href", href)
}

impl Node {
    /// Adds an attribute (to an element; a text ignores it).
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Node {
        if let Node::El(_, attrs, _) = &mut self {
            attrs.push((name, value.into()));
        }
        self
    }

    /// Adds an attribute when `value` is Some.
    pub fn attr_if(self, name: &'static str, value: Option<impl Into<String>>) -> Node {
        match value {
            Some(v) => self.attr(name, v),
            None => self,
        }
    }

    /// Builds the DOM for this tree.
    pub fn build(self, doc: &web_sys::Document) -> web_sys::Node {
        match self {
            Node::Text(s) => doc.create_text_node(&s).into(),
            // On its own (a page's top level) there is no parent to keep its place in: built now.
            Node::Later(nodes) => {
                let fragment = doc.create_document_fragment();
                append_all(&fragment, nodes, doc);
                fragment.into()
            }
            Node::El(tag, attrs, children) => {
                // Only SVG needs its namespace; everything else is HTML.
                let el = if matches!(tag, "svg" | "path" | "rect" | "circle" | "g") {
                    doc.create_element_ns(Some("http://www.w3.org/2000/svg"), tag)
                } else {
                    doc.create_element(tag)
                };
                let Ok(el) = el else {
                    return doc.create_text_node("").into();
                };
                for (name, value) in attrs {
                    let _ = el.set_attribute(name, &value);
                }
                if append_all(&el, children, doc) {
                    // Assistive technology (and tests) wait until the rest has come.
                    let _ = el.set_attribute("aria-busy", "true");
                }
                el.into()
            }
        }
    }
}

/// Builds `children` into `parent`; a [`Node::Later`] among them leaves an empty comment that
/// keeps its place, and is built there after the next frame (one inside it, a frame later still).
/// True when something was left for later.
fn append_all(parent: &web_sys::Node, children: Vec<Node>, doc: &web_sys::Document) -> bool {
    let mut deferred = false;
    for child in children {
        match child {
            Node::Later(nodes) => {
                // A comment, not an empty text: `patch_children` never reuses it for a text.
                let anchor = doc.create_comment("");
                let _ = parent.append_child(&anchor);
                build_later(anchor.into(), nodes);
                deferred = true;
            }
            child => {
                let _ = parent.append_child(&child.build(doc));
            }
        }
    }
    deferred
}

/// Makes `parent`'s children match `nodes`, reusing the elements and texts already there where
/// position, tag and key agree (attributes and texts are set in place): a rebuilt tree costs the
/// browser only the layout of what changed, and a control that is still there keeps its focus.
/// From a [`Node::Later`] on, the old children go and the rest is built as [`append_all`] does.
/// True when something was left for later.
fn patch_children(parent: &web_sys::Node, nodes: Vec<Node>, doc: &web_sys::Document) -> bool {
    let mut next = parent.first_child();
    let mut nodes = nodes.into_iter();
    while let Some(node) = nodes.next() {
        let old = match (next.take(), &node) {
            (Some(old), Node::Later(_)) => {
                remove_from(parent, Some(old));
                None
            }
            (old, _) => old,
        };
        let Some(old) = old else {
            let mut rest = vec![node];
            rest.extend(nodes);
            return append_all(parent, rest, doc);
        };
        next = old.next_sibling();
        match node {
            Node::Text(s) if old.node_type() == web_sys::Node::TEXT_NODE => {
                if old.node_value().as_deref() != Some(&s) {
                    old.set_node_value(Some(&s));
                }
            }
            // A textarea's text is its value only until typed in: it is always built anew.
            Node::El(tag, attrs, children)
                if tag != "textarea"
                    && old
                        .dyn_ref::<web_sys::Element>()
                        .is_some_and(|e| e.local_name() == tag && same_key(e, &attrs)) =>
            {
                let el: &web_sys::Element = old.unchecked_ref();
                sync_attributes(el, tag, &attrs);
                if patch_children(&old, children, doc) {
                    let _ = el.set_attribute("aria-busy", "true");
                }
            }
            node => {
                let _ = parent.replace_child(&node.build(doc), &old);
            }
        }
    }
    remove_from(parent, next);
    false
}

/// Whether `el` may become the element `attrs` describe: a `data-key` (a card's course) must be
/// the same on both, or absent from both. Another course's card, or a skeleton, is replaced: the
/// browser counts an element that stays and moves as a layout shift, a new one not.
fn same_key(el: &web_sys::Element, attrs: &[(&'static str, String)]) -> bool {
    let key = attrs
        .iter()
        .find(|(n, _)| *n == "data-key")
        .map(|(_, v)| v.as_str());
    el.get_attribute("data-key").as_deref() == key
}

/// Removes `first` and every sibling after it.
fn remove_from(parent: &web_sys::Node, mut first: Option<web_sys::Node>) {
    while let Some(old) = first {
        first = old.next_sibling();
        let _ = parent.remove_child(&old);
    }
}

/// Gives a reused element exactly the attributes `attrs`. A checkbox's or an option's state
/// follows its attribute only until the learner changes it: the property is set too.
fn sync_attributes(el: &web_sys::Element, tag: &str, attrs: &[(&'static str, String)]) {
    for name in el.get_attribute_names().iter() {
        let name = name.as_string().unwrap_or_default();
        if !attrs.iter().any(|(n, _)| *n == name) {
            let _ = el.remove_attribute(&name);
        }
    }
    for (name, value) in attrs {
        if el.get_attribute(name).as_deref() != Some(value.as_str()) {
            let _ = el.set_attribute(name, value);
        }
    }
    let state = match tag {
        "input" => "checked",
        "option" => "selected",
        _ => return,
    };
    let on = attrs.iter().any(|(n, _)| *n == state);
    let _ = js_sys::Reflect::set(el, &state.into(), &on.into());
}

/// Builds `nodes` in place of `anchor` in a task after the next frame. When the anchor has left
/// the page meanwhile (its list was rebuilt, the page changed), nothing is built.
fn build_later(anchor: web_sys::Node, nodes: Vec<Node>) {
    after_frame(Box::new(move || {
        let Some(parent) = anchor.parent_node().filter(|_| anchor.is_connected()) else {
            return;
        };
        let doc = document();
        let fragment = doc.create_document_fragment();
        let more = append_all(&fragment, nodes, &doc);
        let _ = parent.insert_before(&fragment, Some(&anchor));
        let _ = parent.remove_child(&anchor);
        if !more {
            if let Some(el) = parent.dyn_ref::<web_sys::Element>() {
                let _ = el.remove_attribute("aria-busy");
            }
        }
    }));
}

/// Calls `f` in a task after the next frame has been painted: the animation frame callback runs
/// before that frame's layout, the zero timeout it sets after the paint. (Boxed: one closure type
/// for every caller keeps the wasm small.)
fn after_frame(f: Box<dyn FnOnce()>) {
    let f = Closure::once_into_js(f);
    let later = Closure::once_into_js(move || {
        let _ = window().set_timeout_with_callback(f.unchecked_ref());
    });
    let _ = window().request_animation_frame(later.unchecked_ref());
}

/// Focuses the first element matching `selector` once the next frame has been painted: a focus
/// right after building a screen forces its layout inside the same (already long) task.
pub fn focus_after_frame(selector: String) {
    after_frame(Box::new(move || focus_selector(&selector)));
}

/// A new element with a class (empty for none).
pub fn element(tag: &str, class: &str) -> web_sys::Element {
    let el = document()
        .create_element(tag)
        .expect("the document makes elements");
    if !class.is_empty() {
        el.set_class_name(class);
    }
    el
}

/// `host` with `children` appended.
pub fn holding(host: web_sys::Element, children: &[&web_sys::Element]) -> web_sys::Element {
    for child in children {
        let _ = host.append_child(child);
    }
    host
}

/// `host`, its content built from `tree` and brought up to date in place whenever the signals
/// `tree` reads change (the locale, new data), while the current owner lives.
pub fn patched(host: web_sys::Element, tree: impl Fn() -> Vec<Node> + 'static) -> web_sys::Element {
    let root = host.clone();
    Effect::new(move |_| {
        // Patched, not rebuilt: a control the learner is using stays, with its focus.
        let busy = patch_children(&root, tree(), &document());
        let _ = if busy {
            root.set_attribute("aria-busy", "true")
        } else {
            root.remove_attribute("aria-busy")
        };
    });
    host
}

/// Makes `child` the only content of `host` (a no-op when it already is).
pub fn put(host: &web_sys::Element, child: &web_sys::Element) {
    if host.child_element_count() == 1 && host.first_child().as_ref() == Some(child.as_ref()) {
        return;
    }
    host.set_text_content(None);
    let _ = host.append_child(child);
}

/// A `<div>` with a class, patched from `tree` (see [`patched`]).
pub fn dom(class: &str, tree: impl Fn() -> Vec<Node> + 'static) -> web_sys::Element {
    patched(element("div", class), tree)
}

/// A `display: contents` box holding what `build` makes while `when` is true, built anew (under
/// an owner of its own, ended when it goes) each time `when` turns true.
pub fn shown_when(
    when: impl Fn() -> bool + Send + Sync + 'static,
    build: impl Fn() -> web_sys::Element + 'static,
) -> web_sys::Element {
    let when = Memo::new(move |_| when());
    let host = element("div", "contents");
    let slot = host.clone();
    // The effect's owner is cleaned up before each run: what the last build made goes with it.
    Effect::new(move |_| {
        slot.set_text_content(None);
        if when.get() {
            let _ = slot.append_child(&untrack(&build));
        }
    });
    host
}

/// Calls `f` on each `event` at `target` until the current owner is cleaned up (the page goes).
pub fn on<E: JsCast + 'static>(
    target: &web_sys::Element,
    event: &'static str,
    f: impl Fn(E) + 'static,
) {
    let listener =
        Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| f(ev.unchecked_into()));
    let _ = target.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    let kept = send_wrapper::SendWrapper::new((target.clone(), listener));
    if Owner::current().is_none() {
        // Nothing will ever end it (not expected): it must still stay callable.
        return std::mem::forget(kept);
    }
    on_cleanup(move || {
        let (target, listener) = kept.take();
        let _ =
            target.remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    });
}

/// Calls `f` when a click lands on (or in) an element with `data-act="reload"` in `target`: the
/// retry of every error view.
pub fn on_reload(target: &web_sys::Element, f: impl Fn() + 'static) {
    on(target, "click", move |ev: web_sys::Event| {
        if closest_data(&ev, "data-act").as_deref() == Some("reload") {
            f();
        }
    });
}

/// The value of `attr` on the nearest element (from the event's target up) that has it: how a
/// delegated listener learns which builder-made control was used.
pub fn closest_data(ev: &web_sys::Event, attr: &str) -> Option<String> {
    let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
    target
        .closest(&format!("[{attr}]"))
        .ok()??
        .get_attribute(attr)
}

/// Focuses the first element matching `selector`, if any.
pub fn focus_selector(selector: &str) {
    if let Some(el) = document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// A JS callback kept alive while the page listens.
pub type Listener = Closure<dyn Fn(web_sys::Event)>;

/// Adds one delegated listener per event type (click, change, input, submit) on `root`, calling
/// `f` with a weak owner: builder-made pages handle every control through these.
pub fn listen<T: 'static>(
    root: &web_sys::Element,
    owner: &Rc<T>,
    f: fn(&Rc<T>, &web_sys::Event),
) -> Vec<Listener> {
    ["click", "change", "input", "submit"]
        .into_iter()
        .map(|name| {
            let weak = Rc::downgrade(owner);
            let on = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
                if let Some(o) = weak.upgrade() {
                    f(&o, &ev);
                }
            });
            let _ = root.add_event_listener_with_callback(name, on.as_ref().unchecked_ref());
            on
        })
        .collect()
}

/// Removes the listeners [`listen`] added.
pub fn unlisten(root: &web_sys::Element, listeners: Vec<Listener>) {
    for on in listeners {
        for name in ["click", "change", "input", "submit"] {
            let _ = root.remove_event_listener_with_callback(name, on.as_ref().unchecked_ref());
        }
    }
}

/// What went wrong, in the learner's words: with a retry button (`data-act="reload"`) when trying
/// again can help, with a way back to the catalog when it cannot (the request was refused).
pub fn error_nodes(i18n: I18n, error: &ApiError) -> Vec<Node> {
    let m = crate::i18n::messages(i18n.locale());
    web_sys::console::warn_1(&format!("Jieti: {error}").into());
    let (body, action) = match error {
        ApiError::Network(_) => (m.error_network, None),
        e if e.is_transient() => (m.error_server, None),
        _ => (
            m.error_request,
            Some(link(
                "button",
                crate::app::href::home(),
                vec![text(m.back_to_catalog)],
            )),
        ),
    };
    let action = action.unwrap_or_else(|| {
        el("button", "button", vec![text(m.retry)])
            .attr("type", "button")
            .attr("data-act", "reload")
    });
    vec![el(
        "section",
        "pl-error",
        vec![
            super::icon(super::IconName::Warning, 40),
            el("h2", "", vec![text(m.error_title)]),
            el("p", "", vec![text(body)]),
            action,
        ],
    )
    .attr("role", "alert")]
}

/// Adds a page's stylesheet to the document once (`id` names it): page CSS travels in its page's
/// wasm chunk instead of the shell every route loads.
pub fn inject_css(id: &str, css: &str) {
    let doc = document();
    if doc.get_element_by_id(id).is_some() {
        return;
    }
    if let (Ok(style), Some(head)) = (doc.create_element("style"), doc.head()) {
        style.set_id(id);
        style.set_text_content(Some(css));
        let _ = head.append_child(&style);
    }
}

/// A page made by plain DOM code (quizzes, the wrong-answer book, the dashboard): drawn again
/// when the locale changes, and told when its view goes.
pub trait DomPage {
    /// Draws the page from its state.
    fn render(&self);
    /// Stops listening: the view is gone or the page replaced.
    fn dispose(&self);
}

/// The page a view shows once it is made, shared by the view's effects.
pub type PageSlot<T> = Rc<RefCell<Option<Rc<T>>>>;

/// Puts `page` in `slot`, disposing the page it replaces.
pub fn replace_page<T: DomPage>(slot: &PageSlot<T>, page: Rc<T>) {
    if let Some(old) = slot.borrow_mut().replace(page) {
        old.dispose();
    }
}

/// Redraws the page in `slot` when the locale changes, and disposes it when the view goes.
pub fn keep_page<T: DomPage + 'static>(i18n: I18n, slot: PageSlot<T>) {
    {
        let slot = slot.clone();
        Effect::new(move |_| {
            i18n.locale();
            if let Some(page) = slot.borrow().clone() {
                page.render();
            }
        });
    }
    let slot = send_wrapper::SendWrapper::new(slot);
    on_cleanup(move || {
        if let Some(page) = slot.borrow_mut().take() {
            page.dispose();
        }
    });
}

/// Resolves in a later task (a zero timeout), so the browser can paint and handle input first.
pub async fn next_task() {
    wait_ms(0).await;
}

/// Resolves after `ms` milliseconds (a timeout), in a task of its own.
pub async fn wait_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    // Only ever polled on the browser's one thread.
    let _ = send_wrapper::SendWrapper::new(wasm_bindgen_futures::JsFuture::from(promise)).await;
}
