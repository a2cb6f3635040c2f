//! Logging in, refreshing and logging out, and the failed sign-ins an account had.

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The full address of the account, e.g. `alice@example.com`.
    pub username: String,
    pub password: String,
}

/// Tokens issued by login and refresh.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Exchanges once for new tokens at `/auth/refresh`; reusing a spent one revokes the
    /// whole family of tokens descended from the same login.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until `access_token` expires.
    pub expires_in: u64,
}

/// `POST /api/v1/auth/refresh` and `POST /api/v1/auth/logout`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The way a client signed in, or tried to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LoginProtocol {
    Imap,
    Pop3,
    Smtp,
    /// ManageSieve (RFC 5804), where Sieve editors sign in.
    #[serde(rename = "managesieve")]
    ManageSieve,
    /// The REST API's sign-in (the web app and other API clients).
    Web,
}

/// A failed sign-in on an account: a wrong password, or a sign-in while it was disabled.
/// The server keeps the last 20 per account, in memory (a restart forgets them).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginFailure {
    pub at: chrono::DateTime<chrono::Utc>,
    /// The client's address; absent when the server did not know it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    pub protocol: LoginProtocol,
}
