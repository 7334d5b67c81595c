//! Sign-up and sign-in. Signing up upgrades the current guest in place, so the courses joined as a
//! guest stay; signing in brings a guest's enrolments along. Signed in, the page offers sign-out.

use leptos::prelude::*;
use stylers_macro::style;

use crate::api::account::{sign_in, sign_up};
use crate::api::ApiError;
use crate::app::href;
use crate::components::dom::focus_selector;
use crate::i18n::{self, Messages};
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
            MyPage::SignIn => view! { <AccountPage sign_up=false/> }.into_any(),
            MyPage::SignUp => view! { <AccountPage sign_up=true/> }.into_any(),
            MyPage::Dashboard(kind, id) => crate::dashboard::page(kind, id),
        }
    }
);

/// Picks a message.
type Pick = fn(&Messages) -> &'static str;

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

/// Sign in, or sign up.
#[component]
pub fn AccountPage(
    /// Sign up rather than sign in.
    sign_up: bool,
) -> impl IntoView {
    let cls = style! {
        .narrow {
            max-width: 440px;
        }
        form {
            display: grid;
            gap: var(--space-3);
            margin: var(--space-4) 0;
        }
        label {
            display: grid;
            gap: var(--space-1);
            font-weight: 600;
        }
        input {
            min-height: var(--touch);
            padding: 0 var(--space-3);
            border: 1px solid var(--text-3);
            border-radius: var(--radius);
            background: var(--surface);
            color: var(--text);
            font: inherit;
            font-weight: 400;
        }
        input[aria-invalid="true"] {
            border-color: var(--danger);
        }
        .hint {
            color: var(--text-2);
            font-size: var(--text-s);
            font-weight: 400;
        }
        .error {
            color: var(--danger);
            font-size: var(--text-s);
            font-weight: 400;
        }
        .alert {
            padding: var(--space-3);
            border-radius: var(--radius);
            background: var(--danger-soft);
            color: var(--danger);
        }
        .note {
            color: var(--text-2);
            font-size: var(--text-s);
        }
    };
    let i18n = use_i18n();
    let session = use_session();
    let url = use_url();
    use_title(move || {
        let t = i18n.t();
        if sign_up { t.sign_up } else { t.sign_in }.to_owned()
    });
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Errors::default());
    let busy = RwSignal::new(false);
    // Where to go afterwards: an app path only, never another site.
    let next = move || {
        url.with_untracked(|u| u.get("next").map(str::to_owned))
            .filter(|n| n.starts_with('/') && !n.starts_with("//"))
            .unwrap_or_else(href::home)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (n, e, p) = (
            name.get_untracked(),
            email.get_untracked(),
            password.get_untracked(),
        );
        let found = check(i18n.t(), sign_up, &n, &e, &p);
        if found.any() {
            errors.set(found);
            focus_first_invalid();
            return;
        }
        errors.set(Errors::default());
        busy.set(true);
        leptos::task::spawn_local(async move {
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
                    navigate(&next(), false);
                }
                Err(error) => {
                    let _ = errors.try_set(from_server(i18n.t(), error));
                    focus_first_invalid();
                }
            }
        });
    };
    let field = move |pick: fn(&Errors) -> Option<String>| move || errors.with(pick);
    let invalid = move |pick: fn(&Errors) -> Option<String>| {
        move || errors.with(|e| pick(e).is_some()).to_string()
    };
    let (ask, target, go): (Pick, _, Pick) = if sign_up {
        (|t| t.have_account, href::sign_in(), |t| t.sign_in)
    } else {
        (|t| t.no_account, href::sign_up(), |t| t.sign_up)
    };
    let other = view! { <p>{i18n.text(ask)}" "<a href=move || with_next(target.clone(), url)>{i18n.text(go)}</a></p> };
    let signed_in = move || {
        session.me().filter(|m| m.kind == jieti_api::LearnerKind::Account).map(|me| {
            let out = move |_| {
                leptos::task::spawn_local(async move { session.sign_out().await });
            };
            let who = me.display_name.or(me.email).unwrap_or_default();
            view! {
                <p role="status">{move || i18n::signed_in_as(i18n.locale(), &who)}</p>
                <button type="button" class="button button--quiet" on:click=out>{i18n.text(|t| t.sign_out)}</button>
            }
        })
    };
    view! { class = cls,
        <section class="page narrow">
            <h1 class="page-title">{move || { let t = i18n.t(); if sign_up { t.sign_up } else { t.sign_in } }}</h1>
            {signed_in}
            <form novalidate on:submit=submit>
                {move || errors.with(|e| e.form.clone()).map(|m| view! { class = cls, <p class="alert" role="alert">{m}</p> })}
                {sign_up.then(|| view! { class = cls,
                    <label>{i18n.text(|t| t.display_name)}
                        <input name="display_name" autocomplete="nickname" maxlength="40" aria-describedby="name-error"
                            aria-invalid=invalid(|e| e.display_name.clone())
                            prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                        <span class="error" id="name-error">{field(|e| e.display_name.clone())}</span>
                    </label>
                })}
                <label>{i18n.text(|t| t.email)}
                    <input type="email" name="email" autocomplete="email" inputmode="email" aria-describedby="email-error"
                        aria-invalid=invalid(|e| e.email.clone())
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                    <span class="error" id="email-error">{field(|e| e.email.clone())}</span>
                </label>
                <label>{i18n.text(|t| t.password)}
                    <input type="password" name="password" aria-describedby="password-hint password-error"
                        autocomplete=if sign_up { "new-password" } else { "current-password" }
                        aria-invalid=invalid(|e| e.password.clone())
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                    {sign_up.then(|| view! { class = cls, <span class="hint" id="password-hint">{i18n.text(|t| t.password_hint)}</span> })}
                    <span class="error" id="password-error">{field(|e| e.password.clone())}</span>
                </label>
                <button type="submit" class="button" disabled=move || busy.get()>
                    {move || { let t = i18n.t(); if sign_up { t.sign_up } else { t.sign_in } }}
                </button>
            </form>
            {other}
            <p class="note">{i18n.text(|t| t.guest_note)}</p>
        </section>
    }
}

/// `path` carrying on the current page's `next`.
fn with_next(path: String, url: Memo<crate::router::Url>) -> String {
    match url.with(|u| u.get("next").map(jieti_api::encode_component)) {
        Some(next) => format!("{path}?next={next}"),
        None => path,
    }
}

/// Moves focus to the first field marked invalid, once the view has marked it.
fn focus_first_invalid() {
    request_animation_frame(|| focus_selector("[aria-invalid=true]"));
}
