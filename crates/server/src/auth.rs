//! Identity: bearer tokens (stored only as SHA-256), argon2id passwords, the learner extractors,
//! and a small rate limiter for sign-in and sign-up.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use jieti_api::{LearnerKind, Me, Role};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::AppState;

/// A guest token lives a year: the guest has nothing else to get back in with.
pub const GUEST_TTL_SECS: i64 = 365 * 24 * 3600;
/// A signed-in session lives 30 days.
pub const ACCOUNT_TTL_SECS: i64 = 30 * 24 * 3600;

/// Now, in Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A new unguessable token: 32 random bytes, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// A new opaque learner id.
pub fn new_learner_id() -> String {
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    format!("l_{}", hex(&bytes))
}

/// A new unguessable id with a prefix (`a_` for attempts), so ids cannot be enumerated.
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}_{}", hex(&bytes))
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// An argon2id hash (PHC string) of a password.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing password: {e}")))
}

/// Whether `password` matches `hash` (constant-time inside argon2).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the email is unknown, so that the answer takes as long either way.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// The learner a valid bearer token belongs to.
#[derive(Clone, Debug)]
pub struct Learner {
    /// Learner id.
    pub id: String,
    /// Email, for accounts.
    pub email: Option<String>,
    /// Display name, for accounts.
    pub display_name: Option<String>,
    /// Hash of the token used for this request.
    pub token_hash: String,
    /// Learner, staff or admin.
    pub role: Role,
    /// For staff: their institution.
    pub institution_id: Option<String>,
}

impl Learner {
    /// Whether this learner may see and manage `institution_id`'s analytics and certificates.
    pub fn manages(&self, institution_id: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Staff => self.institution_id.as_deref() == Some(institution_id),
            Role::Learner => false,
        }
    }

    /// [`Learner::manages`] as a 403 for handlers.
    pub fn require_manages(&self, institution_id: &str) -> Result<(), AppError> {
        if self.manages(institution_id) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only staff of this institution or an admin may do this".into(),
            ))
        }
    }

    /// The wire form.
    pub fn me(&self) -> Me {
        Me {
            id: self.id.clone(),
            kind: if self.email.is_some() {
                LearnerKind::Account
            } else {
                LearnerKind::Guest
            },
            email: self.email.clone(),
            display_name: self.display_name.clone(),
        }
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty() && t.len() <= 256)
}

async fn lookup(state: &AppState, token: &str) -> Result<Option<Learner>, AppError> {
    let hash = token_hash(token);
    #[allow(clippy::type_complexity)]
    let row: Option<(
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT l.id, l.email, l.display_name, l.role, l.institution_id
         FROM sessions s JOIN learners l ON l.id = s.learner_id
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2",
    )
    .bind(&hash)
    .bind(now())
    .fetch_optional(&state.db)
    .await?;
    Ok(
        row.map(|(id, email, display_name, role, institution_id)| Learner {
            id,
            email,
            display_name,
            token_hash: hash,
            role: match role.as_str() {
                "admin" => Role::Admin,
                "staff" => Role::Staff,
                _ => Role::Learner,
            },
            institution_id,
        }),
    )
}

impl FromRequestParts<AppState> for Learner {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| {
            AppError::Unauthorized("sign in or start a guest session first".into())
        })?;
        lookup(state, token).await?.ok_or_else(|| {
            AppError::Unauthorized("the session has expired or was signed out".into())
        })
    }
}

/// The learner, when the request carries a valid token; `None` otherwise (never an error).
pub struct MaybeLearner(pub Option<Learner>);

impl FromRequestParts<AppState> for MaybeLearner {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match bearer(parts) {
            Some(token) => Ok(MaybeLearner(lookup(state, token).await?)),
            None => Ok(MaybeLearner(None)),
        }
    }
}

/// Fixed-window attempt counter per key (client address, email). Per process: behind several API
/// instances, each limits on its own, which still bounds guessing.
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (u32, Instant)>>,
    limit: u32,
    window: Duration,
}

impl RateLimiter {
    /// At most `limit` attempts per key per `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            windows: Mutex::new(HashMap::new()),
            limit,
            window,
        }
    }

    /// Counts an attempt for `key`; `Err(seconds)` when over the limit.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, start)| now.duration_since(*start) < self.window);
        }
        let entry = map.entry(key.to_owned()).or_insert((0, now));
        if now.duration_since(entry.1) >= self.window {
            *entry = (0, now);
        }
        entry.0 += 1;
        if entry.0 > self.limit {
            let left = self.window.saturating_sub(now.duration_since(entry.1));
            return Err(left.as_secs().max(1));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn passwords_verify_only_when_right() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsE", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn rate_limiter_blocks_past_the_limit() {
        let r = RateLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(r.check("k").is_ok());
        }
        assert!(r.check("k").is_err());
        assert!(r.check("other").is_ok());
    }
}
