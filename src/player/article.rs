//! An article lesson: its blocks built as DOM nodes straight from the API's JSON (text is always
//! text, never parsed as HTML; links only to http(s) or this site), images lazy with their size,
//! and reading progress: time open and visible, the block at the top of the screen, and whether
//! the end was reached.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::data::{field, list, num, text_of, Lesson};
use super::{fill, make, Player};
use crate::components::dom::{el, text, Node};
use crate::i18n;
use crate::prelude::*;
use crate::state::sync::{self, record, Action};
use crate::state::I18n;

/// Reading time is reported this often while the page is visible (ms).
const TICK_MS: i32 = 10_000;

/// Whether a link target is safe to put in `href` (no `javascript:` or `data:`).
pub fn safe_link(href: &str) -> bool {
    let h = href.trim().to_ascii_lowercase();
    h.starts_with("https://")
        || h.starts_with("http://")
        || (h.starts_with('/') && !h.starts_with("//"))
}

/// Text runs with their marks (`{"text", "marks": ["bold"], "link"}`).
fn spans(spans: &[JsValue]) -> Vec<Node> {
    spans
        .iter()
        .map(|s| {
            let mut node = text(text_of(s, "text"));
            for m in list(s, "marks") {
                let tag = match m.as_string().as_deref() {
                    Some("bold") => "strong",
                    Some("italic") => "em",
                    Some("code") => "code",
                    _ => continue,
                };
                node = el(tag, "", vec![node]);
            }
            match field(s, "link").as_string() {
                Some(href) if safe_link(&href) => el("a", "", vec![node])
                    .attr("href", href)
                    .attr("rel", "noopener"),
                _ => node,
            }
        })
        .collect()
}

/// The DOM tree of one block (externally tagged: `{"paragraph": {"spans": […]}}`); unknown
/// kinds are skipped, so a newer server never breaks an older app.
pub fn block(b: &JsValue, index: usize) -> Option<Node> {
    let obj: &js_sys::Object = b.dyn_ref()?;
    let kind = js_sys::Object::keys(obj).get(0).as_string()?;
    let v = field(b, &kind);
    let node = match kind.as_str() {
        "heading" => el(
            if num(&v, "level") <= 2.0 { "h2" } else { "h3" },
            "",
            vec![text(text_of(&v, "text"))],
        ),
        "paragraph" => el("p", "", spans(&list(&v, "spans"))),
        "list" => el(
            if field(&v, "ordered").as_bool() == Some(true) {
                "ol"
            } else {
                "ul"
            },
            "",
            list(&v, "items")
                .iter()
                .map(|i| {
                    let runs: Vec<JsValue> = js_sys::Array::from(i).iter().collect();
                    el("li", "", spans(&runs))
                })
                .collect(),
        ),
        "code" => el(
            "pre",
            "pl-code",
            vec![el("code", "", vec![text(text_of(&v, "code"))])
                .attr("data-lang", text_of(&v, "lang"))],
        )
        .attr("tabindex", "0"),
        "image" => {
            let img = el("img", "", vec![])
                .attr("src", text_of(&v, "url"))
                .attr("alt", text_of(&v, "alt"))
                .attr("width", (num(&v, "width") as u32).to_string())
                .attr("height", (num(&v, "height") as u32).to_string())
                .attr("loading", "lazy")
                .attr("decoding", "async");
            let caption = text_of(&v, "caption");
            let mut children = vec![img];
            if !caption.is_empty() {
                children.push(el("figcaption", "", vec![text(caption)]));
            }
            el("figure", "", children)
        }
        "quote" => el(
            "blockquote",
            "",
            vec![el("p", "", spans(&list(&v, "spans")))],
        ),
        _ => return None,
    };
    Some(node.attr("data-block", index.to_string()))
}

/// The article of one lesson and its reading tracker.
pub(crate) struct Reader {
    player: Weak<Player>,
    i18n: I18n,
    lesson: Rc<Lesson>,
    root: web_sys::Element,
    meta: web_sys::Element,
    blocks: web_sys::Element,
    last_ms: Cell<f64>,
    reached: Cell<bool>,
    timer: Cell<Option<i32>>,
    listeners: RefCell<Vec<Closure<dyn Fn()>>>,
}

impl Reader {
    /// The article's elements, with its blocks built.
    pub fn new(player: &Rc<Player>, lesson: Rc<Lesson>) -> Rc<Reader> {
        let root = make(el("div", "pl-article", vec![]));
        let meta = make(el("p", "pl-meta", vec![]));
        let blocks = make(el("div", "pl-blocks", vec![]));
        let _ = root.append_child(&meta);
        let _ = root.append_child(&blocks);
        fill(
            &blocks,
            lesson
                .blocks
                .iter()
                .enumerate()
                .filter_map(|(i, b)| block(b, i))
                .collect(),
        );
        Rc::new(Reader {
            player: Rc::downgrade(player),
            i18n: player.i18n,
            lesson,
            root,
            meta,
            blocks,
            last_ms: Cell::new(js_sys::Date::now()),
            reached: Cell::new(false),
            timer: Cell::new(None),
            listeners: RefCell::new(Vec::new()),
        })
    }

    /// The article's element.
    pub fn element(&self) -> &web_sys::Element {
        &self.root
    }

    /// Starts tracking reading and goes to where the learner was.
    pub fn start(self: &Rc<Self>) {
        self.relabel();
        let weak = Rc::downgrade(self);
        let tick = Closure::<dyn Fn()>::new(move || {
            if let Some(r) = weak.upgrade() {
                r.report();
            }
        });
        self.timer.set(
            window()
                .set_interval_with_callback_and_timeout_and_arguments_0(
                    tick.as_ref().unchecked_ref(),
                    TICK_MS,
                )
                .ok(),
        );
        // Reaching the end is reported at once; the rest waits for the tick.
        let weak = Rc::downgrade(self);
        let scroll = Closure::<dyn Fn()>::new(move || {
            if let Some(r) = weak.upgrade() {
                if !r.reached.get() && r.end_visible() {
                    r.report();
                }
            }
        });
        let _ =
            window().add_event_listener_with_callback("scroll", scroll.as_ref().unchecked_ref());
        self.listeners.borrow_mut().extend([tick, scroll]);
        let resume = self
            .player
            .upgrade()
            .map_or(0.0, |p| p.resume_point(&self.lesson.id));
        if resume >= 1.0 {
            self.scroll_to(resume);
        }
    }

    /// Reports what is left and stops tracking (the lesson is left).
    pub fn dispose(&self) {
        if let Some(id) = self.timer.take() {
            window().clear_interval_with_handle(id);
        }
        for l in self.listeners.borrow_mut().drain(..) {
            let _ =
                window().remove_event_listener_with_callback("scroll", l.as_ref().unchecked_ref());
        }
        self.report();
        sync::flush();
    }

    /// Re-renders its texts.
    pub fn relabel(&self) {
        let t = super::text::text(self.i18n.locale());
        let minutes = self.lesson.duration_s.div_ceil(60);
        self.meta.set_text_content(Some(&format!(
            "{} {}",
            t.reading_time,
            i18n::duration(self.i18n.locale(), minutes)
        )));
    }

    /// Index of the first block whose bottom is below the top of the screen.
    pub fn block_at_top(&self) -> f64 {
        let children = self.blocks.children();
        for i in 0..children.length() {
            if let Some(b) = children.item(i) {
                if b.get_bounding_client_rect().bottom() > 0.0 {
                    return f64::from(i);
                }
            }
        }
        0.0
    }

    /// Scrolls to block `at`.
    pub fn scroll_to(&self, at: f64) {
        if let Some(b) = self.blocks.children().item(at as u32) {
            b.scroll_into_view();
        }
    }

    /// Whether the last block is on screen.
    fn end_visible(&self) -> bool {
        let Some(last) = self.blocks.last_element_child() else {
            return false;
        };
        let height = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        last.get_bounding_client_rect().top() < height
    }

    /// Queues the time open (while visible) since the last report, the end and the position.
    fn report(&self) {
        let now = js_sys::Date::now();
        let visible = document().visibility_state() == web_sys::VisibilityState::Visible;
        let open = if visible {
            (now - self.last_ms.get()) / 1000.0
        } else {
            0.0
        };
        self.last_ms.set(now);
        let end = self.end_visible();
        let newly_reached = end && !self.reached.get();
        if open >= 1.0 || newly_reached {
            self.reached.set(self.reached.get() || end);
            record(
                &self.lesson.id,
                Action::Read(open.min(600.0), end, self.block_at_top() as u32),
            );
        }
    }
}
