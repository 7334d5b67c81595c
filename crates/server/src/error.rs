//! The one error type of the HTTP layer and its JSON body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jieti_api::{ErrorBody, ErrorCode, ErrorDetail};

/// Every way a request can fail; each maps to a status and the contract's JSON error body.
#[derive(Debug)]
pub enum AppError {
    /// Malformed or out-of-range input (400), naming the field at fault when known.
    BadRequest {
        /// What is wrong, for people.
        message: String,
        /// The parameter or field at fault.
        field: Option<String>,
    },
    /// The resource does not exist (404).
    NotFound(String),
    /// No API route has this path (404).
    RouteNotFound(String),
    /// The route exists, not for this method (405).
    MethodNotAllowed,
    /// No valid bearer token, or wrong credentials (401).
    Unauthorized(String),
    /// Authenticated, but not allowed (403).
    Forbidden(String),
    /// Conflicts with existing data (409), naming the field when there is one.
    Conflict {
        /// What conflicts, for people.
        message: String,
        /// The field at fault.
        field: Option<String>,
    },
    /// Too many attempts (429); retry after this many seconds.
    RateLimited(u64),
    /// A failure of ours (500): logged in full, shown to the client only as "internal error".
    Internal(String),
}

impl AppError {
    /// A 400 about one field.
    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    /// The status code this error is sent with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) | AppError::RouteNotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The contract's error body for this error.
    pub fn body(&self) -> ErrorBody {
        let (code, message, field) = match self {
            AppError::BadRequest { message, field } => {
                (ErrorCode::BadRequest, message.clone(), field.clone())
            }
            AppError::NotFound(m) => (ErrorCode::NotFound, m.clone(), None),
            AppError::RouteNotFound(path) => (
                ErrorCode::RouteNotFound,
                format!("no API route {path}"),
                None,
            ),
            AppError::MethodNotAllowed => (
                ErrorCode::MethodNotAllowed,
                "this route does not accept that method".into(),
                None,
            ),
            AppError::Unauthorized(m) => (ErrorCode::Unauthorized, m.clone(), None),
            AppError::Forbidden(m) => (ErrorCode::Forbidden, m.clone(), None),
            AppError::Conflict { message, field } => {
                (ErrorCode::Conflict, message.clone(), field.clone())
            }
            AppError::RateLimited(secs) => (
                ErrorCode::RateLimited,
                format!("too many attempts; try again in {secs} s"),
                None,
            ),
            AppError::Internal(_) => (ErrorCode::Internal, "internal error".into(), None),
        };
        ErrorBody {
            error: ErrorDetail {
                code,
                message,
                field,
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let mut res = (self.status(), Json(self.body())).into_response();
        match &self {
            AppError::RateLimited(secs) => {
                if let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string()) {
                    res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
                }
            }
            AppError::Unauthorized(_) => {
                res.headers_mut().insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    axum::http::HeaderValue::from_static("Bearer"),
                );
            }
            _ => {}
        }
        res
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(format!("database: {e}"))
    }
}

/// Result of a handler.
pub type AppResult<T> = Result<T, AppError>;
