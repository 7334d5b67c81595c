//! The learner's identity: a bearer token kept in `localStorage`; a guest learner is made silently
//! on the first visit, so enrolling needs no sign-up, and signing up later keeps everything.

use jieti_api::{LearnerKind, Me, Session};
use leptos::prelude::*;

use super::storage;
use crate::api::{account, ApiError};

/// Storage key of the bearer token.
pub const TOKEN_KEY: &str = "jieti.token";

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

/// Whom the app acts for: None until the token is checked (or while offline).
#[derive(Clone, Copy)]
pub struct SessionState(RwSignal<Option<Me>>);

impl SessionState {
    /// The learner (tracked).
    pub fn me(&self) -> Option<Me> {
        self.0.get()
    }

    /// Whether the learner has an account (tracked).
    pub fn is_account(&self) -> bool {
        self.0
            .with(|m| m.as_ref().is_some_and(|m| m.kind == LearnerKind::Account))
    }

    /// Keeps a new session (after sign-up or sign-in).
    pub fn start(&self, session: Session) {
        // A guest who signs up stays the same learner, and one who signs in is adopted by the
        // account (the server moves their progress): either way their queued progress follows.
        if let Some(old) = token() {
            super::sync::move_outbox(&old, &session.token);
        }
        storage::set(TOKEN_KEY, &session.token);
        self.0.set(Some(session.learner));
    }

    /// A token to act with, making a guest first when there is none.
    pub async fn ensure(self) -> Result<(), ApiError> {
        if token().is_some() {
            return Ok(());
        }
        let session = account::start_guest().await?;
        self.start(session);
        Ok(())
    }

    /// Signs out: revokes the token on the server and continues as a new guest.
    pub async fn sign_out(self) {
        // Even if the server cannot be reached, this device forgets the token.
        let _ = account::sign_out().await;
        storage::remove(TOKEN_KEY);
        self.0.set(None);
        let _ = self.ensure().await;
    }
}

/// Provides [`SessionState`] and checks (or makes) the learner in the background.
pub fn provide_session() {
    let state = SessionState(RwSignal::new(None));
    provide_context(state);
    leptos::task::spawn_local(async move {
        if token().is_some() {
            match account::me().await {
                Ok(me) => return state.0.set(Some(me)),
                // Expired or revoked: start over as a guest rather than fail every call.
                Err(ApiError::Status { status: 401, .. }) => storage::remove(TOKEN_KEY),
                // Offline: keep the token and try again on the next visit.
                Err(_) => return,
            }
        }
        let _ = state.ensure().await;
    });
}

/// The app's [`SessionState`].
pub fn use_session() -> SessionState {
    // provide_session runs in App before any page; a view used alone acts for no one.
    use_context::<SessionState>().unwrap_or_else(|| SessionState(RwSignal::new(None)))
}
