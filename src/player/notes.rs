//! Notes and bookmarks at the current point of a lesson: add, edit, delete, list, jump. Every
//! change goes through the outbox, so notes written offline reach the server later; the list
//! shows the server's notes with the changes still queued applied on top.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use jieti_api::MAX_NOTE_CHARS;
use wasm_bindgen::JsCast;

use super::data::{field, Note};
use super::{fill, make, Player};
use crate::api::learn::get_notes;
use crate::components::dom::{closest_data, el, text, Node};
use crate::i18n::clock;
use crate::state::sync::{self, now_ms};
use crate::state::I18n;

/// The server's notes with the queued changes applied, in lesson order.
fn merged(lesson: &str, server: &[Note]) -> Vec<Note> {
    let mut notes: Vec<Note> = server.to_vec();
    for op in sync::queued() {
        let put = field(&op, "put_note");
        if put.is_object() {
            let n = Note::read(&put);
            if n.lesson_id != lesson {
                continue;
            }
            match notes.iter_mut().find(|m| m.id == n.id) {
                Some(m) => *m = n,
                None => notes.push(n),
            }
        } else if let Some(id) = field(&op, "delete_note").as_string() {
            notes.retain(|m| m.id != id);
        }
    }
    // Insertion sort: a lesson has few notes, and the standard library's sorts cost ~2 KB of wasm.
    for i in 1..notes.len() {
        let mut j = i;
        while j > 0 && notes[j - 1].position.total_cmp(&notes[j].position).is_gt() {
            notes.swap(j - 1, j);
            j -= 1;
        }
    }
    notes
}

/// The notes panel of one lesson: a disclosure button, then the form and the list.
pub(crate) struct Notes {
    lesson: String,
    is_video: bool,
    i18n: I18n,
    head: web_sys::Element,
    form: web_sys::Element,
    list: web_sys::Element,
    open: Cell<bool>,
    loaded: Cell<bool>,
    server: RefCell<Vec<Note>>,
    editing: RefCell<Option<Note>>,
}

impl Notes {
    /// The panel in `root` (collapsed until opened).
    pub fn new(root: web_sys::Element, lesson: String, is_video: bool, i18n: I18n) -> Rc<Notes> {
        root.set_text_content(None);
        let head = make(el("h2", "", vec![]).attr("id", "pl-notes-h"));
        let form = make(el("form", "pl-note-form", vec![]).attr("data-act", "note-form"));
        let list = make(el("div", "", vec![]));
        for e in [&head, &form, &list] {
            let _ = root.append_child(e);
        }
        let notes = Rc::new(Notes {
            lesson,
            is_video,
            i18n,
            head,
            form,
            list,
            open: Cell::new(false),
            loaded: Cell::new(false),
            server: RefCell::new(Vec::new()),
            editing: RefCell::new(None),
        });
        notes.relabel();
        notes
    }

    fn t(&self) -> &'static super::text::PlayerText {
        super::text::text(self.i18n.locale())
    }

    /// Re-renders the panel's texts.
    pub fn relabel(&self) {
        let t = self.t();
        fill(
            &self.head,
            vec![el("button", "pl-disclose", vec![text(t.notes)])
                .attr("type", "button")
                .attr("data-act", "notes")
                .attr(
                    "aria-expanded",
                    if self.open.get() { "true" } else { "false" },
                )],
        );
        if self.open.get() {
            self.render_form();
            self.render_list();
        } else {
            self.form.set_text_content(None);
            self.list.set_text_content(None);
        }
    }

    fn textarea(&self) -> Option<web_sys::HtmlTextAreaElement> {
        self.form
            .query_selector("textarea")
            .ok()
            .flatten()
            .and_then(|t| t.dyn_into().ok())
    }

    fn render_form(&self) {
        let t = self.t();
        let draft = self.textarea().map(|t| t.value()).unwrap_or_default();
        let editing = self.editing.borrow().is_some();
        fill(
            &self.form,
            vec![
                el("textarea", "", vec![])
                    .attr("id", "pl-note-text")
                    .attr("rows", "2")
                    .attr("maxlength", MAX_NOTE_CHARS.to_string())
                    .attr("aria-label", t.notes)
                    .attr("placeholder", t.note_placeholder),
                el(
                    "div",
                    "pl-note-actions",
                    vec![
                        el(
                            "button",
                            "button",
                            vec![text(if editing { t.save } else { t.add_note })],
                        )
                        .attr("type", "submit"),
                        el("button", "button button--quiet", vec![text(t.add_bookmark)])
                            .attr("type", "button")
                            .attr("data-act", "bookmark"),
                    ],
                ),
            ],
        );
        if let Some(area) = self.textarea() {
            area.set_value(&draft);
        }
    }

    fn render_list(&self) {
        let t = self.t();
        let notes = merged(&self.lesson, &self.server.borrow());
        if notes.is_empty() {
            fill(
                &self.list,
                vec![el("p", "pl-empty", vec![text(t.no_notes)])],
            );
            return;
        }
        let items: Vec<Node> = notes
            .iter()
            .map(|n| {
                let at = if self.is_video {
                    clock(n.position as u32)
                } else {
                    format!("¶{}", n.position as u32 + 1)
                };
                let body = if n.body.is_empty() && n.bookmark {
                    t.bookmark.to_owned()
                } else {
                    n.body.clone()
                };
                let mark = if n.bookmark { "🔖 " } else { "" };
                let button = |label: &'static str, act: &'static str| {
                    el("button", "button button--quiet", vec![text(label)])
                        .attr("type", "button")
                        .attr("data-act", act)
                        .attr("data-note", n.id.clone())
                };
                el(
                    "li",
                    "pl-note-item",
                    vec![
                        el("button", "pl-note-at", vec![text(format!("{mark}{at}"))])
                            .attr("type", "button")
                            .attr("data-act", "jump")
                            // Tenths, as an integer: no float formatting in the wasm.
                            .attr("data-at", ((n.position * 10.0) as u32).to_string()),
                        el("p", "pl-note-body", vec![text(body)]),
                        button(t.edit, "edit-note"),
                        button(t.delete, "delete-note"),
                    ],
                )
            })
            .collect();
        fill(&self.list, vec![el("ul", "pl-notes-list", items)]);
    }

    fn toggle(self: &Rc<Self>) {
        let open = !self.open.get();
        self.open.set(open);
        // The button stays (and keeps focus); only its state and the panel change.
        if let Some(b) = self.head.query_selector("button").ok().flatten() {
            let _ = b.set_attribute("aria-expanded", if open { "true" } else { "false" });
        }
        if open {
            self.render_form();
            self.render_list();
        } else {
            self.form.set_text_content(None);
            self.list.set_text_content(None);
        }
        if self.open.get() && !self.loaded.get() {
            self.loaded.set(true);
            // Offline, the list is what the queue holds; it fills in when the server answers.
            let n = self.clone();
            crate::prelude::spawn_local(async move {
                if let Ok(v) = get_notes(&n.lesson).await {
                    let js: js_sys::Array = v.unchecked_into();
                    *n.server.borrow_mut() = js.iter().map(|x| Note::read(&x)).collect();
                    n.render_list();
                }
            });
        }
    }

    fn save(&self, player: &Player, bookmark: bool) {
        let Some(area) = self.textarea() else { return };
        let body: String = area.value().trim().chars().take(MAX_NOTE_CHARS).collect();
        if !bookmark && body.is_empty() {
            return;
        }
        let note = match self.editing.borrow_mut().take() {
            Some(n) => Note {
                body,
                updated_at_ms: now_ms(),
                ..n
            },
            None => Note {
                id: sync::new_id(),
                lesson_id: self.lesson.clone(),
                bookmark,
                position: player.position().max(0.0),
                body,
                updated_at_ms: now_ms(),
            },
        };
        sync::put_note(note.to_js());
        // Kept in the snapshot too: once sent, the op leaves the queue but the note must stay.
        {
            let mut server = self.server.borrow_mut();
            match server.iter_mut().find(|m| m.id == note.id) {
                Some(m) => *m = note,
                None => server.push(note),
            }
        }
        area.set_value("");
        self.render_form();
        self.render_list();
        if let Some(area) = self.textarea() {
            let _ = area.focus();
        }
    }

    /// A control of the panel was used.
    pub fn on_control(self: &Rc<Self>, player: &Player, ev: &web_sys::Event, act: &str) {
        let note_id = || closest_data(ev, "data-note");
        match (ev.type_().as_str(), act) {
            ("click", "notes") => self.toggle(),
            ("submit", "note-form") => {
                ev.prevent_default();
                self.save(player, false);
            }
            ("click", "bookmark") => self.save(player, true),
            ("click", "jump") => {
                if let Some(tenths) =
                    closest_data(ev, "data-at").and_then(|a| a.parse::<u32>().ok())
                {
                    player.seek(f64::from(tenths) / 10.0);
                }
            }
            ("click", "edit-note") => {
                let Some(id) = note_id() else { return };
                let found = merged(&self.lesson, &self.server.borrow())
                    .into_iter()
                    .find(|n| n.id == id);
                if let Some(n) = found {
                    let body = n.body.clone();
                    *self.editing.borrow_mut() = Some(n);
                    self.render_form();
                    if let Some(area) = self.textarea() {
                        area.set_value(&body);
                        let _ = area.focus();
                    }
                }
            }
            ("click", "delete-note") => {
                if let Some(id) = note_id() {
                    sync::delete_note(&id);
                    self.server.borrow_mut().retain(|m| m.id != id);
                    self.render_list();
                    // The deleted note's buttons are gone: focus goes back to the panel's heading.
                    if let Some(b) = self.head.query_selector("button").ok().flatten() {
                        let _ = b.unchecked_into::<web_sys::HtmlElement>().focus();
                    }
                }
            }
            _ => {}
        }
    }
}
