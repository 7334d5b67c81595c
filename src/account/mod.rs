//! Sign-up and sign-in. Signing up upgrades the current guest in place, so the courses joined as a
//! guest stay; signing in brings a guest's enrolments along. Signed in, the page offers sign-out.

use wasm_bindgen::JsCast;

use crate::api::account::{sign_in, sign_up};
use crate::api::ApiError;
use crate::app::href;
use crate::components::dom::{
    closest_data, dom, el, element, focus_selector, holding, link, on, span, text, Node,
};
use crate::i18n::{self, Messages};
use crate::prelude::*;
use crate::router::{navigate, use_url};
use crate::state::{use_i18n, use_session, use_title};

/// A page of the account chunk: the learner's own pages travel together.
#[derive(Clone, PartialEq)]
pub enum MyPage {
    /// Sign in.
    SignIn,
    /// Sign up.
    SignUp,
    /// The dashboard, a certificate, or staff analytics, and the id it shows.
    Dashboard(crate::dashboard::Kind, String),
}

// The dashboard pages share this chunk rather than having their own: every split point adds
// shared chunks to every route (ADR 0009), which cost the catalog 2.7 KB as a separate chunk.
crate::split_page!(
    account_chunk,
    fn account_page(page: MyPage) {
        match page {
            MyPage::SignIn => form_page(false),
            MyPage::SignUp => form_page(true),
            MyPage::Dashboard(kind, id) => crate::dashboard::page(kind, id),
        }
    }
);

/// Field errors of the form, by field; `None` is the form as a whole.
#[derive(Clone, Default, PartialEq)]
struct Errors {
    display_name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    form: Option<String>,
}

impl Errors {
    fn any(&self) -> bool {
        self.display_name.is_some()
            || self.email.is_some()
            || self.password.is_some()
            || self.form.is_some()
    }
}

/// The checks the server makes, made first here so the learner hears at once.
fn check(t: &Messages, sign_up: bool, name: &str, email: &str, password: &str) -> Errors {
    let mut e = Errors::default();
    if sign_up && !(1..=40).contains(&name.trim().chars().count()) {
        e.display_name = Some(t.err_name.into());
    }
    let email = email.trim();
    if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        e.email = Some(t.err_email.into());
    }
    if sign_up && password.chars().count() < 8 {
        e.password = Some(t.err_password_short.into());
    } else if password.is_empty() {
        e.password = Some(t.err_password_empty.into());
    }
    e
}

/// The server's refusal, on the field it names when it names one.
fn from_server(t: &Messages, error: ApiError) -> Errors {
    let mut e = Errors::default();
    match error {
        ApiError::Status { status: 429, .. } => e.form = Some(t.err_rate_limited.into()),
        ApiError::Status { status: 401, .. } => e.form = Some(t.err_credentials.into()),
        ApiError::Status {
            message,
            field,
            status,
            ..
        } if status < 500 => match field.as_deref() {
            Some("email") => e.email = Some(message),
            Some("password") => e.password = Some(message),
            Some("display_name") => e.display_name = Some(message),
            _ => e.form = Some(message),
        },
        ApiError::Network(_) => e.form = Some(t.error_network.into()),
        _ => e.form = Some(t.error_server.into()),
    }
    e
}

/// Sign in, or sign up: one patched tree (the fields keep what was typed while errors come and
/// go), with delegated submit and sign-out.
/// (`sign_up`: sign up rather than sign in.)
fn form_page(sign_up: bool) -> web_sys::Element {
    let i18n = use_i18n();
    let session = use_session();
    let url = use_url();
    use_title(move || {
        let t = i18n.t();
        if sign_up { t.sign_up } else { t.sign_in }.to_owned()
    });
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    // Signing out first sends unsent progress, which can take a few seconds.
    let leaving = move || session.leaving();
    // Where to go afterwards: an app path only, never another site.
    let next = move || {
        url.with_untracked(|u| u.get("next").map(str::to_owned))
            .filter(|n| n.starts_with('/') && !n.starts_with("//"))
            .unwrap_or_else(href::home)
    };
    let on_submit = move |ev: web_sys::Event| {
        ev.prevent_default();
        if busy.get_untracked() || untrack(leaving) {
            return;
        }
        let (n, e, p) = (
            field_value("display_name"),
            field_value("email"),
            field_value("password"),
        );
        let found = check(i18n.t(), sign_up, &n, &e, &p);
        if found.any() {
            errors.set(found);
            focus_first_invalid();
            return;
        }
        errors.set(Errors::default());
        busy.set(true);
        let dest = next();
        crate::prelude::spawn_local(async move {
            // Sign-up upgrades the current guest, so make sure there is one to upgrade.
            let _ = session.ensure().await;
            let result = if sign_up {
                self::sign_up(e.trim(), &p, n.trim()).await
            } else {
                sign_in(e.trim(), &p).await
            };
            let _ = busy.try_set(false);
            match result {
                Ok(s) => {
                    session.start(s);
                    // Only from this page: a learner who went elsewhere meanwhile stays there.
                    if busy.try_get_untracked().is_some() {
                        navigate(&dest, false);
                    }
                }
                Err(error) => {
                    let _ = errors.try_set(from_server(i18n.t(), error));
                    focus_first_invalid();
                }
            }
        });
    };
    let on_click = move |ev: web_sys::Event| {
        if closest_data(&ev, "data-act").as_deref() == Some("sign-out") && !busy.get_untracked() {
            crate::prelude::spawn_local(async move { session.sign_out().await });
        }
    };
    let tree = move || {
        let (t, locale) = (i18n.t(), i18n.locale());
        // Signed in: who, and sign-out.
        let me = session
            .me()
            .filter(|m| m.kind == jieti_api::LearnerKind::Account)
            .map(|me| {
                let who = me.display_name.or(me.email).unwrap_or_default();
                vec![
                    el("p", "", vec![text(i18n::signed_in_as(locale, &who))])
                        .attr("role", "status"),
                    el(
                        "button",
                        "button button--quiet",
                        vec![text(if leaving() { t.signing_out } else { t.sign_out })],
                    )
                    .attr("type", "button")
                    .attr("data-act", "sign-out")
                    .attr_if("disabled", (busy.get() || leaving()).then_some("")),
                ]
            })
            .unwrap_or_default();
        let (ask, target, go) = if sign_up {
            (t.have_account, href::sign_in(), t.sign_in)
        } else {
            (t.no_account, href::sign_up(), t.sign_up)
        };
        let other = url.with(|u| match u.get("next") {
            Some(next) => format!("{target}?next={}", jieti_api::encode_component(next)),
            None => target,
        });
        // Every part keeps its place whether shown or not: the fields after it stay the same
        // elements, with what was typed in them.
        vec![
            el(
                "h1",
                "page-title",
                vec![text(if sign_up { t.sign_up } else { t.sign_in })],
            ),
            el("div", "", me),
            errors.with(|e| form(t, sign_up, e, busy.get() || leaving())),
            el(
                "p",
                "",
                vec![text(ask), text(" "), link("", other, vec![text(go)])],
            ),
            el("p", "ac-note", vec![text(t.guest_note)]),
        ]
    };
    let page = holding(element("section", "page ac"), &[&dom("", tree)]);
    on(&page, "submit", on_submit);
    on(&page, "click", on_click);
    page
}

/// The form: its alert, the fields with their errors, and the submit button.
fn form(t: &Messages, sign_up: bool, e: &Errors, busy: bool) -> Node {
    let field = |label: &str, name: &'static str, error: &Option<String>, hint: Option<&str>| {
        let error_id = format!("{name}-error");
        let described = match hint {
            Some(_) => format!("{name}-hint {error_id}"),
            None => error_id.clone(),
        };
        let input = el("input", "", vec![])
            .attr("name", name)
            .attr("aria-describedby", described)
            .attr("aria-invalid", error.is_some().to_string());
        let input = match name {
            "display_name" => input
                .attr("autocomplete", "nickname")
                .attr("maxlength", "40"),
            "email" => input
                .attr("type", "email")
                .attr("autocomplete", "email")
                .attr("inputmode", "email"),
            _ => input.attr("type", "password").attr(
                "autocomplete",
                if sign_up {
                    "new-password"
                } else {
                    "current-password"
                },
            ),
        };
        let mut children = vec![text(label.to_owned()), input];
        children.extend(hint.map(|h| span("ac-hint", h).attr("id", format!("{name}-hint"))));
        children.push(span("ac-error", error.clone().unwrap_or_default()).attr("id", error_id));
        el("label", "", children)
    };
    let mut fields = vec![el(
        "p",
        "ac-alert",
        vec![text(e.form.clone().unwrap_or_default())],
    )
    .attr("role", "alert")
    .attr_if("hidden", e.form.is_none().then_some(""))];
    if sign_up {
        fields.push(field(t.display_name, "display_name", &e.display_name, None));
    }
    fields.push(field(t.email, "email", &e.email, None));
    fields.push(field(
        t.password,
        "password",
        &e.password,
        sign_up.then_some(t.password_hint),
    ));
    fields.push(
        el(
            "button",
            "button",
            vec![text(if sign_up { t.sign_up } else { t.sign_in })],
        )
        .attr("type", "submit")
        .attr_if("disabled", busy.then_some("")),
    );
    el("form", "", fields).attr("novalidate", "")
}

/// The current value of the account form's field `name` (empty when the page has none).
fn field_value(name: &str) -> String {
    document()
        .query_selector(&format!(".ac input[name={name}]"))
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|el| el.value())
        .unwrap_or_default()
}

/// Moves focus to the first field marked invalid, once the view has marked it.
fn focus_first_invalid() {
    request_animation_frame(|| focus_selector("[aria-invalid=true]"));
}
