//! The one error body every API error carries.

use serde::{Deserialize, Serialize};

/// Machine-readable error codes. Clients branch on these, never on messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A parameter or body is malformed or out of range.
    BadRequest,
    /// The resource does not exist.
    NotFound,
    /// No API route has this path.
    RouteNotFound,
    /// The route exists but not for this method.
    MethodNotAllowed,
    /// The request needs a valid bearer token.
    Unauthorized,
    /// The caller may not do this.
    Forbidden,
    /// The request conflicts with the resource's state.
    Conflict,
    /// Too many requests; retry later.
    RateLimited,
    /// Something failed on the server; the details are in its log.
    Internal,
    /// A code this client does not know yet (a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The wire name (`not_found`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::NotFound => "not_found",
            ErrorCode::RouteNotFound => "route_not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Conflict => "conflict",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }
}

/// What went wrong, for programs (`code`) and for people (`message`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Machine-readable code.
    pub code: ErrorCode,
    /// A human-readable explanation in English.
    pub message: String,
    /// The parameter or field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The JSON body of every error response: `{"error": {"code": …, "message": …}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

impl ErrorBody {
    /// An error body with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code,
                message: message.into(),
                field: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_shape_and_unknown_codes() {
        let body = ErrorBody::new(ErrorCode::NotFound, "no such course");
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "not_found", "message": "no such course"}})
        );
        let newer: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"quota_exceeded","message":"x"}}"#).unwrap();
        assert_eq!(newer.error.code, ErrorCode::Unknown);
        for code in [
            ErrorCode::BadRequest,
            ErrorCode::RouteNotFound,
            ErrorCode::RateLimited,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
