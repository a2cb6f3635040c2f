//! `ApiError`: every failure of a handler, rendered as RFC 9457 problem+json.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use osprey_api_types::{FieldError, Problem};
use osprey_directory::DirectoryError;
use osprey_store::StoreError;

/// A failed request. Each variant names its status; internal details are logged, never
/// sent to the client.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the body or query could not be read (malformed JSON, a bad cursor).
    BadRequest { code: &'static str, detail: String },
    /// 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// 422: fields are invalid; each one is named.
    Validation(Vec<FieldError>),
    /// 401: no credentials, or they are expired, tampered with or revoked.
    Unauthorized { code: &'static str, detail: String },
    /// 403: authenticated, but not allowed to do this.
    Forbidden(String),
    /// 403: the account must choose a new password before anything else
    /// (`password_change_required`).
    PasswordChangeRequired,
    /// 404: no such resource (or route).
    NotFound,
    /// 409: the request conflicts with existing data.
    Conflict(String),
    /// 413: the body is larger than the operation takes.
    TooLarge(String),
    /// 429: too many attempts; retry after this many seconds.
    RateLimited { retry_after_secs: u64 },
    /// 503: a dependency (the database) is unavailable.
    Unavailable(String),
    /// 500: our fault; the detail goes to the log only.
    Internal(String),
}

impl ApiError {
    /// A 422 naming one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// A 403 with a reason.
    pub fn forbidden(why: impl Into<String>) -> Self {
        ApiError::Forbidden(why.into())
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code, "Bad request"),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
            ),
            ApiError::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "Invalid input",
            ),
            ApiError::Unauthorized { code, .. } => (StatusCode::UNAUTHORIZED, code, "Unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Forbidden"),
            ApiError::PasswordChangeRequired => (
                StatusCode::FORBIDDEN,
                "password_change_required",
                "Password change required",
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found", "Not found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            ApiError::TooLarge(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "Payload too large",
            ),
            ApiError::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many requests",
            ),
            ApiError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal server error",
            ),
        }
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let (status, code, title) = self.parts();
        let (detail, errors) = match self {
            ApiError::BadRequest { detail, .. } | ApiError::Unauthorized { detail, .. } => {
                (Some(detail.clone()), vec![])
            }
            ApiError::Forbidden(d) | ApiError::Conflict(d) | ApiError::TooLarge(d) => {
                (Some(d.clone()), vec![])
            }
            ApiError::Validation(errors) => (
                Some(
                    errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                errors.clone(),
            ),
            ApiError::RateLimited { retry_after_secs } => (
                Some(format!("try again in {retry_after_secs} seconds")),
                vec![],
            ),
            ApiError::Unavailable(_) => (Some("the database is unreachable".into()), vec![]),
            ApiError::PasswordChangeRequired => (
                Some(
                    "an administrator asks this account for a new password: choose one (POST /api/v1/me/password) before anything else".into(),
                ),
                vec![],
            ),
            ApiError::NotFound | ApiError::UnsupportedMediaType | ApiError::Internal(_) => {
                (None, vec![])
            }
        };
        Problem {
            kind: "about:blank".into(),
            title: title.into(),
            status: status.as_u16(),
            detail,
            code: code.into(),
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(d) => tracing::error!(detail = %d, "internal error"),
            ApiError::Unavailable(d) => tracing::warn!(detail = %d, "unavailable"),
            other => tracing::debug!(error = ?other, "request refused"),
        }
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let ApiError::RateLimited { retry_after_secs } = self {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if matches!(self, ApiError::Unauthorized { .. }) {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict(d) => ApiError::Conflict(d),
            StoreError::OverQuota => ApiError::Conflict("the account is over its quota".into()),
            StoreError::Invalid(d) => ApiError::BadRequest {
                code: "invalid",
                detail: d,
            },
            StoreError::Database(e) => {
                let text = e.to_string();
                if text.contains("PoolTimedOut") || text.contains("Connection") {
                    ApiError::Unavailable(text)
                } else {
                    ApiError::Internal(text)
                }
            }
            StoreError::Io(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<DirectoryError> for ApiError {
    fn from(e: DirectoryError) -> Self {
        match e {
            DirectoryError::Invalid(problems) => ApiError::Validation(
                problems
                    .into_iter()
                    .map(|p| FieldError {
                        field: p.field,
                        message: p.message,
                    })
                    .collect(),
            ),
            DirectoryError::Forbidden(why) => ApiError::Forbidden(why),
            DirectoryError::NotFound => ApiError::NotFound,
            DirectoryError::Conflict(why) => ApiError::Conflict(why),
            DirectoryError::Store(e) => e.into(),
            DirectoryError::Internal(d) => ApiError::Internal(d),
        }
    }
}

impl From<osprey_mail::RulesError> for ApiError {
    fn from(e: osprey_mail::RulesError) -> Self {
        use osprey_mail::RulesError;
        match e {
            RulesError::Invalid(errors) => ApiError::Validation(
                errors
                    .into_iter()
                    .map(|e| FieldError {
                        field: e.path,
                        message: e.reason,
                    })
                    .collect(),
            ),
            RulesError::Sieve(e) => ApiError::field("script", e.to_string()),
            RulesError::Unreadable(d) => ApiError::Internal(d),
            RulesError::Directory(e) => e.into(),
            RulesError::Store(e) => e.into(),
        }
    }
}

impl From<osprey_mail::MailboxError> for ApiError {
    fn from(e: osprey_mail::MailboxError) -> Self {
        use osprey_mail::MailboxError;
        match e {
            MailboxError::InvalidName(_) | MailboxError::BelowItself => {
                ApiError::field("name", e.to_string())
            }
            MailboxError::SpecialUse(_) => ApiError::field("special_use", e.to_string()),
            MailboxError::Exists | MailboxError::Protected(_) | MailboxError::HasChildren => {
                ApiError::Conflict(e.to_string())
            }
            MailboxError::NotFound => ApiError::NotFound,
            MailboxError::Store(e) => e.into(),
        }
    }
}

/// Maps `StoreError::Invalid` to a 422 on `field`, everything else as usual. Use where
/// the store's "invalid" is about one input field (a domain that does not exist).
pub fn invalid_as_field(field: &'static str) -> impl FnOnce(StoreError) -> ApiError {
    move |e| match e {
        StoreError::Invalid(d) => ApiError::field(field, d),
        other => other.into(),
    }
}

/// The answer for an unknown route under `/api`.
pub async fn api_not_found() -> ApiError {
    ApiError::NotFound
}
