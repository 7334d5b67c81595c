//! The learner's identity: a bearer token kept in `localStorage`; a guest learner is made silently
//! on the first visit, so enrolling needs no sign-up, and signing up later keeps everything.

use jieti_api::{LearnerKind, Me, Session};

use super::storage;
use crate::api::{account, ApiError};
use crate::prelude::*;

/// Storage key of the bearer token.
pub const TOKEN_KEY: &str = "jieti.token";

/// Storage key of the account the stored token is for (absent for a guest's): what happens to
/// this device's unsent progress at a sign-in must not wait on `/me` having answered.
const ACCOUNT_KEY: &str = "jieti.token-account";

/// How long signing out waits for unsent progress to go (a sign-out must not hang on a dead
/// link; what is left is set aside for the account's next sign-in here).
const SEND_BEFORE_SIGN_OUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Remembers whether (and whose account) the stored token is, beside it.
fn keep_owner(me: &Me) {
    if crate::embed::active() {
        return;
    }
    if me.kind == LearnerKind::Account {
        storage::set(ACCOUNT_KEY, &me.id);
    } else {
        storage::remove(ACCOUNT_KEY);
    }
}

/// The account the stored token is for, if it is an account's (the checked learner, else what
/// was stored beside the token).
fn stored_account(me: Option<&Me>) -> Option<String> {
    match me {
        Some(me) => (me.kind == LearnerKind::Account).then(|| me.id.clone()),
        None => storage::get(ACCOUNT_KEY),
    }
}

/// Storage key of the embed's bearer token (set by `public/embed-frame.js`): an embed acts for
/// its own learner (a guest, or the host's user), never for whoever uses the app on this origin.
pub const EMBED_TOKEN_KEY: &str = "jieti.embed.token";

/// The stored bearer token.
pub fn token() -> Option<String> {
    let key = if crate::embed::active() {
        EMBED_TOKEN_KEY
    } else {
        TOKEN_KEY
    };
    storage::get(key).filter(|t| !t.is_empty())
}

/// Whom the app acts for: the learner once the token is checked (or a guest made), and whether
/// that could not be done (offline, a sick server).
#[derive(Clone, Copy)]
pub struct SessionState {
    me: RwSignal<Option<Me>>,
    unsure: RwSignal<bool>,
    /// Signing out (unsent progress goes first): one sign-out at a time, whatever the page.
    leaving: RwSignal<bool>,
}

impl SessionState {
    fn new() -> Self {
        SessionState {
            me: RwSignal::new(None),
            unsure: RwSignal::new(false),
            leaving: RwSignal::new(false),
        }
    }

    /// The learner (tracked).
    pub fn me(&self) -> Option<Me> {
        self.me.get()
    }

    /// Whom a page loads for (tracked; read it through a `Memo`): the learner's id; "" when the
    /// learner could not be checked, so pages load with the token there is and show their own
    /// error view with retry rather than wait for ever; None while checking.
    pub fn subject(&self) -> Option<String> {
        match self.me.with(|m| m.as_ref().map(|m| m.id.clone())) {
            Some(id) => Some(id),
            None if self.unsure.get() => Some(String::new()),
            None => None,
        }
    }

    /// Whether the learner has an account (tracked).
    pub fn is_account(&self) -> bool {
        self.me
            .with(|m| m.as_ref().is_some_and(|m| m.kind == LearnerKind::Account))
    }

    /// Keeps a new session (after sign-up or sign-in).
    pub fn start(&self, session: Session) {
        // A guest who signs up stays the same learner, and one who signs in is adopted by the
        // account (the server moves their progress): either way their queued progress follows;
        // so does what was done before this device had a learner at all. An account's queue
        // stays its own: signing in as another account must not hand it over.
        let old = token().unwrap_or_default();
        match self.me.with_untracked(|m| stored_account(m.as_ref())) {
            // Another account's queue waits for that account's next session on this device.
            Some(account) if account != session.learner.id => {
                super::sync::set_aside(&old, &account)
            }
            _ => super::sync::move_outbox(&old, &session.token),
        }
        // What this learner left here under an earlier session comes along.
        super::sync::adopt(&session.learner.id, &session.token);
        storage::set(TOKEN_KEY, &session.token);
        keep_owner(&session.learner);
        self.me.set(Some(session.learner));
        self.unsure.set(false);
        super::sync::flush();
    }

    /// A token to act with, making a guest first when there is none.
    pub async fn ensure(self) -> Result<(), ApiError> {
        if token().is_some() {
            return Ok(());
        }
        let session = account::start_guest().await?;
        // Signed in meanwhile (a slow first visit): that session stays, this guest goes unused.
        if token().is_none() {
            self.start(session);
        }
        Ok(())
    }

    /// Whether a sign-out is under way (tracked).
    pub fn leaving(&self) -> bool {
        self.leaving.get()
    }

    /// Signs out: sends unsent progress (a few seconds at most), revokes the token on the server
    /// and continues as a new guest. A second call while one runs does nothing.
    pub async fn sign_out(self) {
        if self.leaving.get_untracked() {
            return;
        }
        self.leaving.set(true);
        super::sync::send_within(SEND_BEFORE_SIGN_OUT).await;
        // Even if the server cannot be reached, this device forgets the token.
        let _ = account::sign_out().await;
        // What could not be sent waits for this learner's next session on this device.
        if let (Some(old), Some(account)) = (
            token(),
            self.me.with_untracked(|m| stored_account(m.as_ref())),
        ) {
            super::sync::set_aside(&old, &account);
        }
        storage::remove(TOKEN_KEY);
        storage::remove(ACCOUNT_KEY);
        self.me.set(None);
        self.unsure.set(false);
        // Signed out: the forms are free again while the next guest is made (a sign-in meanwhile
        // keeps its own session: `ensure`).
        self.leaving.set(false);
        if self.ensure().await.is_err() {
            check_later(self, 0);
        }
    }

    /// Checks the token, or makes a guest; false on trouble worth trying again.
    async fn check(self) -> bool {
        if let Some(asked) = token() {
            let answer = account::me().await;
            if token().as_ref() != Some(&asked) {
                // A sign-in or sign-up started another session meanwhile: this answer is stale.
                return true;
            }
            match answer {
                Ok(me) => {
                    keep_owner(&me);
                    self.me.set(Some(me));
                    self.unsure.set(false);
                    return true;
                }
                // Expired or revoked: start over as a guest rather than fail every call.
                Err(ApiError::Status { status: 401, .. }) => {
                    // An account's unsent progress waits for its next sign-in here.
                    if let Some(account) = storage::get(ACCOUNT_KEY) {
                        super::sync::set_aside(&asked, &account);
                    }
                    storage::remove(TOKEN_KEY);
                    storage::remove(ACCOUNT_KEY);
                }
                // Offline or a sick server: keep the token.
                Err(_) => return false,
            }
        }
        self.ensure().await.is_ok()
    }
}

/// Checks (or makes) the learner now, and again further apart each time (2 s to a minute) while
/// that fails, meanwhile letting pages load with the token there is.
fn check_later(state: SessionState, attempt: u32) {
    crate::prelude::spawn_local(async move {
        if attempt == 0 {
            // Not in the app's first task: that one builds the frame and asks for the page.
            crate::components::dom::next_task().await;
        }
        if state.check().await {
            return;
        }
        let _ = state.unsure.try_set(true);
        let wait = 2000u64 << attempt.min(5);
        set_timeout(
            move || check_later(state, attempt + 1),
            std::time::Duration::from_millis(wait),
        );
    });
}

/// Provides [`SessionState`] and checks (or makes) the learner in the background.
pub fn provide_session() {
    let state = SessionState::new();
    provide_context(state);
    check_later(state, 0);
}

/// The app's [`SessionState`].
pub fn use_session() -> SessionState {
    // provide_session runs in App before any page; a view used alone acts for no one.
    use_context::<SessionState>().unwrap_or_else(SessionState::new)
}
