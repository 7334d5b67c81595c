//! An institution's embed settings, for its staff (`/analytics/institution/:id/embed`): the
//! origins allowed to frame the player, the secret that signs learner tokens, and a snippet
//! generator with a live preview that runs the real loader (`public/embed.js`).
//!
//! Plain DOM code (ADR 0011) in the institution page's chunk. The snippet form keeps no state of
//! its own: every change reads the form and rewrites the snippet and the preview, so what is
//! shown is always what would be pasted.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use jieti_api::Locale;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{embed as api, json_body, ApiError};
use crate::components::dom::{
    closest_data, el, element, error_nodes, keep_page, link, listen, replace_page, text, unlisten,
    DomPage, Listener, Node, PageSlot,
};
use crate::player::data::{field, list, object, text_of};
use crate::player::fill;
use crate::prelude::*;
use crate::state::{use_i18n, use_session, I18n};

/// The page's styles, injected with its chunk.
const CSS: &str = "\
.es{max-width:960px;margin:0 auto;padding:var(--space-4);display:grid;gap:var(--space-4)}\
.es-card{background:var(--surface);border:1px solid var(--border);border-radius:var(--radius-l);padding:var(--space-4);display:grid;gap:var(--space-2);min-width:0}\
.es h1{font-size:var(--text-xl)}.es h2,.es h3{font-size:var(--text-m)}\
.es-note,.es-status{color:var(--text-2);font-size:var(--text-s)}.es-status{min-height:1.5em}\
.es-field{display:grid;gap:var(--space-1)}\
.es-code{width:100%;min-height:var(--touch);padding:var(--space-2);border:1px solid var(--border);border-radius:var(--radius-s);background:var(--surface);font:var(--text-s)/1.5 var(--font-mono)}\
.es-grid{display:grid;gap:var(--space-2);grid-template-columns:repeat(auto-fill,minmax(150px,1fr));align-items:end}\
.es-grid select,.es-grid input{min-height:var(--touch);width:100%}\
.es-card .button{justify-self:start}\
.es-preview{display:block;width:100%;height:640px;border:1px solid var(--border);border-radius:var(--radius);background:#fff}";

/// The fixed strings of the page in one locale.
struct Text {
    embed: &'static str,
    back: &'static str,
    intro: &'static str,
    origins: &'static str,
    origins_hint: &'static str,
    save: &'static str,
    saved: &'static str,
    secret: &'static str,
    secret_note: &'static str,
    rotate: &'static str,
    rotate_confirm: &'static str,
    rotated: &'static str,
    snippet: &'static str,
    what: &'static str,
    course: &'static str,
    whole_course: &'static str,
    lesson: &'static str,
    accent: &'static str,
    radius: &'static str,
    font: &'static str,
    lang: &'static str,
    copy: &'static str,
    copied: &'static str,
    copy_failed: &'static str,
    preview: &'static str,
    events: &'static str,
    forbidden: &'static str,
}

const ZH_HANS: Text = Text {
    embed: "嵌入设置",
    back: "机构数据分析",
    intro: "学习事件（xAPI）只发给下列网站。",
    origins: "允许嵌入的网站",
    origins_hint: "每行一个，如 https://www.example.edu.cn",
    save: "保存",
    saved: "已保存。",
    secret: "学员令牌密钥",
    secret_note: "在贵机构服务器上签发学员令牌（HS256，见 README），勿放入网页。",
    rotate: "更换密钥",
    rotate_confirm: "旧令牌将全部失效，确定吗？",
    rotated: "已更换，旧令牌已失效。",
    snippet: "嵌入代码",
    what: "嵌入内容",
    course: "课程",
    whole_course: "整门课程",
    lesson: "单节课",
    accent: "主题色",
    radius: "圆角（像素）",
    font: "字号（像素）",
    lang: "语言",
    copy: "复制代码",
    copied: "已复制。",
    copy_failed: "已选中代码，请手动复制。",
    preview: "实时预览",
    events: "收到的学习事件",
    forbidden: "此页面仅限该机构的教务人员和管理员查看。",
};

const ZH_HANT: Text = Text {
    embed: "嵌入設定",
    back: "機構數據分析",
    intro: "學習事件（xAPI）只傳給下列網站。",
    origins: "允許嵌入的網站",
    origins_hint: "每行一個，如 https://www.example.edu.tw",
    save: "儲存",
    saved: "已儲存。",
    secret: "學員權杖金鑰",
    secret_note: "在貴機構伺服器上簽發學員權杖（HS256，見 README），勿放入網頁。",
    rotate: "更換金鑰",
    rotate_confirm: "舊權杖將全部失效，確定嗎？",
    rotated: "已更換，舊權杖已失效。",
    snippet: "嵌入程式碼",
    what: "嵌入內容",
    course: "課程",
    whole_course: "整門課程",
    lesson: "單節課",
    accent: "主題色",
    radius: "圓角（像素）",
    font: "字號（像素）",
    lang: "語言",
    copy: "複製程式碼",
    copied: "已複製。",
    copy_failed: "已選取程式碼，請手動複製。",
    preview: "即時預覽",
    events: "收到的學習事件",
    forbidden: "此頁面僅限該機構的教務人員和管理員檢視。",
};

const EN: Text = Text {
    embed: "Embed settings",
    back: "Institution analytics",
    intro: "Learning events (xAPI) go only to the sites below.",
    origins: "Sites allowed to embed",
    origins_hint: "One per line, e.g. https://www.example.edu",
    save: "Save",
    saved: "Saved.",
    secret: "Learner token secret",
    secret_note: "Sign learner tokens on your server (HS256, see the README); never in a page.",
    rotate: "New secret",
    rotate_confirm: "Old tokens will stop working. Go on?",
    rotated: "Done; old tokens no longer work.",
    snippet: "Embed code",
    what: "What to embed",
    course: "Course",
    whole_course: "A whole course",
    lesson: "One lesson",
    accent: "Accent colour",
    radius: "Corner radius (px)",
    font: "Font size (px)",
    lang: "Language",
    copy: "Copy code",
    copied: "Copied.",
    copy_failed: "The code is selected: copy it by hand.",
    preview: "Live preview",
    events: "Learning events received",
    forbidden: "Only staff of this institution and admins can see this page.",
};

fn strings(locale: Locale) -> &'static Text {
    match locale {
        Locale::ZhHans => &ZH_HANS,
        Locale::ZhHant => &ZH_HANT,
        Locale::En => &EN,
    }
}

/// The href of an institution's embed settings.
pub fn href(id: &str) -> String {
    format!(
        "/analytics/institution/{}/embed",
        jieti_api::encode_component(id)
    )
}

/// The page for institution `id`.
/// Mounts the settings once the staff member's session is known.
pub fn page(id: String) -> web_sys::Element {
    crate::components::dom::inject_css("es-css", CSS);
    let i18n = use_i18n();
    let session = use_session();
    // Loads again only when the learner changes (sign-out, sign-in), not on every session update.
    let subject = Memo::new(move |_| session.subject());
    let root = element("div", "es");
    let holder = root.clone();
    let slot: PageSlot<Settings> = Rc::new(RefCell::new(None));
    {
        let slot = slot.clone();
        Effect::new(move |_| {
            let root = holder.clone();
            if subject.get().is_none() {
                return;
            }
            let s = Settings::new(root, i18n, id.clone());
            replace_page(&slot, s.clone());
            s.load();
        });
    }
    keep_page(i18n, slot);
    root
}

/// The page: its data (`{settings, analytics}`) and listeners.
struct Settings {
    i18n: I18n,
    root: web_sys::Element,
    id: String,
    data: RefCell<Option<Result<JsValue, ApiError>>>,
    listeners: RefCell<Vec<Listener>>,
    gone: Cell<bool>,
}

impl DomPage for Settings {
    fn render(&self) {
        Settings::render(self);
    }

    fn dispose(&self) {
        self.gone.set(true);
        unlisten(&self.root, self.listeners.borrow_mut().drain(..).collect());
    }
}

/// The origin the snippet loads `embed.js` from: the API's server (it serves the embed pages).
fn jieti_origin() -> String {
    let base = crate::api::api_base();
    match base.strip_suffix(jieti_api::API_BASE) {
        Some(origin) if !origin.is_empty() => origin.to_owned(),
        _ => web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default(),
    }
}

/// `&`, `<`, `>` and `"` as entities: ids and colours go into HTML attributes.
///
/// A loop over chars, not `str::replace`: the pattern searchers it brings cost every route's
/// first load (wasm-split keeps code shared with the shell in the shell).
fn attr_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The snippet for the form's choice: kind, id, and the theme options that differ from the default.
fn snippet(kind: &str, id: &str, theme: &[(&str, String)]) -> String {
    let mut attrs = format!("data-jieti-{kind}=\"{}\"", attr_escape(id));
    for (name, value) in theme {
        attrs.push_str(&format!(" data-jieti-{name}=\"{}\"", attr_escape(value)));
    }
    format!(
        "<div {attrs}></div>\n<script async src=\"{}/embed.js\"></script>",
        attr_escape(&jieti_origin())
    )
}

/// The preview document: the snippet on an otherwise empty page that lists the events it hears
/// (public/embed-preview.js: the app's CSP, which a srcdoc frame inherits, allows no inline script).
fn preview_doc(snippet: &str, events: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-Hans\"><meta charset=\"utf-8\"><title>preview</title>\
<style>body{{font:14px system-ui,sans-serif;margin:8px;color:#1b1f27;background:#fff}}</style>\
<body>{snippet}<h2 style=\"font-size:14px\">{events}</h2><ol id=\"log\"></ol>\
<script src=\"/embed-preview.js\"></script></body></html>"
    )
}

impl Settings {
    fn t(&self) -> &'static Text {
        strings(self.i18n.locale())
    }

    fn new(root: web_sys::Element, i18n: I18n, id: String) -> Rc<Settings> {
        let s = Rc::new(Settings {
            i18n,
            root,
            id,
            data: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
            gone: Cell::new(false),
        });
        *s.listeners.borrow_mut() = listen(&s.root, &s, Settings::on_event);
        s
    }

    fn load(self: &Rc<Self>) {
        let s = self.clone();
        crate::prelude::spawn_local(async move {
            let res = match api::get_settings(&s.id).await {
                Ok(settings) => crate::api::dashboard::get_institution_analytics(&s.id)
                    .await
                    .map(|analytics| object(&[("settings", settings), ("analytics", analytics)])),
                Err(e) => Err(e),
            };
            if s.gone.get() {
                return;
            }
            *s.data.borrow_mut() = Some(res);
            s.render();
            s.load_lessons();
        });
    }

    fn render(&self) {
        let t = self.t();
        crate::state::set_title(self.i18n, t.embed);
        let nodes = match &*self.data.borrow() {
            None => vec![el("div", "es-card", vec![]).attr("aria-busy", "true")],
            Some(Err(ApiError::Status { status: 403, .. })) => {
                vec![el(
                    "section",
                    "pl-error",
                    vec![el("h1", "", vec![text(t.forbidden)])],
                )
                .attr("role", "alert")]
            }
            Some(Err(e)) => error_nodes(self.i18n, e),
            Some(Ok(v)) => self.page(v),
        };
        fill(&self.root, nodes);
        self.refresh();
    }

    fn page(&self, v: &JsValue) -> Vec<Node> {
        let t = self.t();
        let settings = field(v, "settings");
        let analytics = field(v, "analytics");
        let origins = list(&settings, "origins")
            .iter()
            .filter_map(JsValue::as_string)
            .collect::<Vec<_>>()
            .join("\n");
        let options = |items: Vec<(String, String)>| -> Vec<Node> {
            items
                .into_iter()
                .map(|(value, label)| el("option", "", vec![text(label)]).attr("value", value))
                .collect()
        };
        let courses = list(&analytics, "courses")
            .iter()
            .map(|c| (text_of(c, "course_id"), text_of(c, "title")))
            .collect();
        let row = |label: &str, control: Node| {
            el(
                "label",
                "es-field",
                vec![el("span", "", vec![text(label)]), control],
            )
        };
        let number = |name: &'static str, value: &'static str, max: &'static str| {
            el("input", "", vec![])
                .attr("type", "number")
                .attr("name", name)
                .attr("value", value)
                .attr("min", if name == "radius" { "0" } else { "12" })
                .attr("max", max)
        };
        let status = |id: &'static str| {
            el("p", "es-status", vec![])
                .attr("id", id)
                .attr("role", "status")
                .attr("tabindex", "-1")
        };
        let pair = |v: &str, l: &str| (v.to_owned(), l.to_owned());
        vec![
            link(
                "",
                format!(
                    "/analytics/institution/{}",
                    jieti_api::encode_component(&self.id)
                ),
                vec![text(format!("← {}", t.back))],
            ),
            el(
                "h1",
                "",
                vec![text(format!(
                    "{} · {}",
                    text_of(&analytics, "name"),
                    t.embed
                ))],
            ),
            el("p", "es-note", vec![text(t.intro)]),
            el(
                "form",
                "es-card",
                vec![
                    el("h2", "", vec![text(t.origins)]),
                    row(
                        t.origins_hint,
                        el("textarea", "es-code", vec![text(origins)])
                            .attr("name", "origins")
                            .attr("rows", "4")
                            .attr("spellcheck", "false"),
                    ),
                    el("button", "button", vec![text(t.save)]).attr("type", "submit"),
                    status("es-origins-status"),
                ],
            )
            .attr("data-form", "origins"),
            el(
                "section",
                "es-card",
                vec![
                    el("h2", "", vec![text(t.secret)]),
                    el("p", "es-note", vec![text(t.secret_note)]),
                    row(
                        t.secret,
                        el("input", "es-code", vec![])
                            .attr("id", "es-secret")
                            .attr("readonly", "")
                            .attr("value", text_of(&settings, "secret")),
                    ),
                    el("button", "button button--quiet", vec![text(t.rotate)])
                        .attr("type", "button")
                        .attr("data-act", "rotate"),
                    status("es-secret-status"),
                ],
            ),
            el(
                "section",
                "es-card",
                vec![
                    el("h2", "", vec![text(t.snippet)]),
                    el(
                        "form",
                        "es-grid",
                        vec![
                            row(
                                t.what,
                                el(
                                    "select",
                                    "",
                                    options(vec![
                                        pair("course", t.whole_course),
                                        pair("lesson", t.lesson),
                                    ]),
                                )
                                .attr("name", "kind"),
                            ),
                            row(
                                t.course,
                                el("select", "", options(courses)).attr("name", "course"),
                            ),
                            row(
                                t.lesson,
                                el("select", "", vec![])
                                    .attr("name", "lesson")
                                    .attr("disabled", ""),
                            ),
                            row(
                                t.accent,
                                el("input", "", vec![])
                                    .attr("type", "color")
                                    .attr("name", "accent")
                                    .attr("value", "#1a56db"),
                            ),
                            row(t.radius, number("radius", "10", "32")),
                            row(t.font, number("font-size", "15", "24")),
                            row(
                                t.lang,
                                el(
                                    "select",
                                    "",
                                    options(vec![
                                        pair("zh-Hans", "简体中文"),
                                        pair("zh-Hant", "繁體中文"),
                                        pair("en", "English"),
                                    ]),
                                )
                                .attr("name", "lang"),
                            ),
                        ],
                    )
                    .attr("data-form", "snippet"),
                    row(
                        t.snippet,
                        el("textarea", "es-code", vec![])
                            .attr("id", "es-snippet")
                            .attr("rows", "4")
                            .attr("readonly", ""),
                    ),
                    el("button", "button", vec![text(t.copy)])
                        .attr("type", "button")
                        .attr("data-act", "copy"),
                    status("es-snippet-status"),
                    el("h3", "", vec![text(t.preview)]),
                    el("iframe", "es-preview", vec![])
                        .attr("id", "es-preview")
                        .attr("title", t.preview),
                ],
            ),
        ]
    }

    /// An element of the page by selector.
    fn find<T: JsCast>(&self, selector: &str) -> Option<T> {
        self.root
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into().ok())
    }

    /// A field of the snippet form, as text.
    fn value(&self, name: &str) -> String {
        self.find::<web_sys::Element>(&format!("[data-form=snippet] [name={name}]"))
            .and_then(|e| js_sys::Reflect::get(&e, &"value".into()).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }

    /// Rewrites the snippet and the live preview from the form.
    fn refresh(&self) {
        let kind = self.value("kind");
        if kind.is_empty() {
            return;
        }
        let id = self.value(if kind == "lesson" { "lesson" } else { "course" });
        // Defaults stay out of the snippet: shorter, and the app's own look.
        let theme: Vec<(&str, String)> = [
            ("accent", "#1a56db"),
            ("radius", "10"),
            ("font-size", "15"),
            ("lang", "zh-Hans"),
        ]
        .into_iter()
        .map(|(name, default)| (name, self.value(name), default))
        .filter(|(_, v, default)| !v.is_empty() && v != default)
        .map(|(name, v, _)| (name, v))
        .collect();
        let code = if id.is_empty() {
            String::new()
        } else {
            snippet(&kind, &id, &theme)
        };
        if let Some(area) = self.find::<web_sys::HtmlTextAreaElement>("#es-snippet") {
            area.set_value(&code);
        }
        if let Some(frame) = self.find::<web_sys::Element>("#es-preview") {
            let _ = frame.set_attribute("srcdoc", &preview_doc(&code, self.t().events));
        }
    }

    /// Lists the chosen course's lessons (enabled for a lesson embed), then refreshes.
    fn load_lessons(self: &Rc<Self>) {
        let course = self.value("course");
        if course.is_empty() {
            return;
        }
        let s = self.clone();
        crate::prelude::spawn_local(async move {
            let Ok(v) = crate::api::learn::get_course(&course).await else {
                return;
            };
            if s.gone.get() {
                return;
            }
            if let Some(select) = s.find::<web_sys::Element>("[data-form=snippet] [name=lesson]") {
                let lessons = list(&v, "chapters")
                    .iter()
                    .flat_map(|c| list(c, "lessons"))
                    .map(|l| {
                        el("option", "", vec![text(text_of(&l, "title"))])
                            .attr("value", text_of(&l, "id"))
                    })
                    .collect();
                fill(&select, lessons);
                if s.value("kind") == "lesson" {
                    let _ = select.remove_attribute("disabled");
                }
            }
            s.refresh();
        });
    }

    fn on_event(self: &Rc<Self>, ev: &web_sys::Event) {
        match ev.type_().as_str() {
            "submit" => {
                ev.prevent_default();
                if closest_data(ev, "data-form").as_deref() == Some("origins") {
                    self.save_origins();
                }
            }
            "input" | "change" => {
                let name = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|e| e.get_attribute("name"))
                    .unwrap_or_default();
                match name.as_str() {
                    "course" | "kind" => self.load_lessons(),
                    "origins" => {}
                    _ => self.refresh(),
                }
            }
            "click" => match closest_data(ev, "data-act").as_deref() {
                Some("rotate") => self.rotate(),
                Some("copy") => self.copy(),
                Some("reload") => {
                    *self.data.borrow_mut() = None;
                    self.render();
                    self.load();
                }
                _ => {}
            },
            _ => {}
        }
    }

    /// Writes `text` in a status line and moves focus there; forms keep what was typed.
    fn tell(&self, selector: &str, text: &str) {
        if let Some(status) = self.find::<web_sys::HtmlElement>(selector) {
            status.set_text_content(Some(text));
            let _ = status.focus();
        }
    }

    fn save_origins(self: &Rc<Self>) {
        let Some(area) = self.find::<web_sys::HtmlTextAreaElement>("[name=origins]") else {
            return;
        };
        let origins: js_sys::Array = area
            .value()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|o| !o.is_empty())
            .map(JsValue::from_str)
            .collect();
        let body = json_body(&[("origins", origins.into())]);
        let s = self.clone();
        crate::prelude::spawn_local(async move {
            let res = api::put_origins(&s.id, body).await;
            if s.gone.get() {
                return;
            }
            match res {
                Ok(settings) => {
                    // The server's normalised list replaces what was typed.
                    area.set_value(
                        &list(&settings, "origins")
                            .iter()
                            .filter_map(JsValue::as_string)
                            .collect::<Vec<_>>()
                            .join("\n"),
                    );
                    s.tell("#es-origins-status", s.t().saved);
                }
                Err(e) => s.tell("#es-origins-status", &message(s.i18n, &e)),
            }
        });
    }

    fn rotate(self: &Rc<Self>) {
        let sure = window().confirm_with_message(self.t().rotate_confirm);
        if !sure.unwrap_or(false) {
            return;
        }
        let s = self.clone();
        crate::prelude::spawn_local(async move {
            let res = api::rotate_secret(&s.id).await;
            if s.gone.get() {
                return;
            }
            match res {
                Ok(settings) => {
                    if let Some(input) = s.find::<web_sys::HtmlInputElement>("#es-secret") {
                        input.set_value(&text_of(&settings, "secret"));
                    }
                    s.tell("#es-secret-status", s.t().rotated);
                }
                Err(e) => s.tell("#es-secret-status", &message(s.i18n, &e)),
            }
        });
    }

    fn copy(self: &Rc<Self>) {
        let Some(area) = self.find::<web_sys::HtmlTextAreaElement>("#es-snippet") else {
            return;
        };
        let write = window().navigator().clipboard().write_text(&area.value());
        let s = self.clone();
        crate::prelude::spawn_local(async move {
            let done = wasm_bindgen_futures::JsFuture::from(write).await.is_ok();
            if !done {
                // No clipboard here (an insecure origin, or refused): select it to copy by hand.
                area.select();
            }
            let t = s.t();
            // Only the status: focus stays on the copy button.
            if let Some(status) = s.find::<web_sys::Element>("#es-snippet-status") {
                status.set_text_content(Some(if done { t.copied } else { t.copy_failed }));
            }
        });
    }
}

/// What went wrong, for a status line.
fn message(i18n: I18n, e: &ApiError) -> String {
    match e {
        ApiError::Status { message, .. } => message.clone(),
        _ => crate::i18n::messages(i18n.locale())
            .error_network
            .to_owned(),
    }
}
