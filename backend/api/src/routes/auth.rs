//! `POST /auth/login`, `/auth/refresh`, `/auth/logout`.

use axum::{extract::State, http::StatusCode};
use chrono::{DateTime, Duration, Utc};
use osprey_api_types::{LoginRequest, Problem, RefreshRequest, TokenResponse};
use osprey_directory::{AuthError, LoginOrigin, Protocol};
use osprey_store::{AccountRecord, RefreshOutcome};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::{hash_secret, new_secret},
    error::ApiError,
    extract::{Json, PeerIp},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
}

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized {
        code: "invalid_credentials",
        detail: "the address or the password is wrong".into(),
    }
}

/// When a refresh token issued now expires.
fn refresh_expiry(state: &AppState) -> DateTime<Utc> {
    Utc::now() + Duration::days((*state.settings.refresh_ttl_days.get()).into())
}

/// The answer to a login or refresh: a new access token beside `refresh_token`.
fn token_response(
    state: &AppState,
    account: &AccountRecord,
    refresh_token: String,
) -> TokenResponse {
    TokenResponse {
        access_token: state.jwt.issue(&account.id, account.token_generation),
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: state.jwt.ttl_secs(),
    }
}

/// Signs in with an address and password.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong address or password", body = Problem),
        (status = 422, description = "Invalid input", body = Problem),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem),
    ))]
pub async fn login(
    State(state): State<AppState>,
    PeerIp(ip): PeerIp,
    Json(req): Json<LoginRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    // Forwarded headers are not trusted: any client can send them.
    let username = req.username.trim().to_owned();
    if username.is_empty() {
        return Err(ApiError::field("username", "is required"));
    }
    if req.password.is_empty() {
        return Err(ApiError::field("password", "is required"));
    }
    let from = LoginOrigin {
        protocol: Protocol::Web,
        ip,
    };
    // The Authenticator logs and counts failures and refusals.
    let account = match state
        .auth
        .verify_password(&username, &req.password, from)
        .await
    {
        Ok(account) => account,
        Err(AuthError::Throttled { retry_after_secs }) => {
            return Err(ApiError::RateLimited { retry_after_secs });
        }
        Err(AuthError::Failed) => return Err(invalid_credentials()),
        // The web sign-in is where a new password is chosen: not refused here.
        Err(AuthError::PasswordChangeRequired) => return Err(ApiError::PasswordChangeRequired),
        Err(AuthError::Unavailable) => {
            return Err(ApiError::Unavailable(
                "the account store is unavailable".into(),
            ));
        }
    };
    let family = uuid::Uuid::now_v7().to_string();
    let refresh = new_secret("ort_");
    state
        .store
        .credentials()
        .insert_refresh_token(
            &account.id,
            &family,
            &hash_secret(&refresh),
            refresh_expiry(&state),
        )
        .await?;
    Ok(Json(token_response(&state, &account, refresh)))
}

/// Exchanges a refresh token for new tokens. Each refresh token works once; presenting
/// a spent one revokes every token of that login.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = Problem),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    Json(req): Json<RefreshRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let successor = new_secret("ort_");
    let outcome = state
        .store
        .credentials()
        .rotate_refresh_token(
            &hash_secret(&req.refresh_token),
            &hash_secret(&successor),
            refresh_expiry(&state),
        )
        .await?;
    match outcome {
        RefreshOutcome::Rotated { account_id } => {
            let account = state.store.accounts().account(&account_id).await?;
            if !account.enabled {
                return Err(ApiError::Unauthorized {
                    code: "account_disabled",
                    detail: "the account is disabled".into(),
                });
            }
            Ok(Json(token_response(&state, &account, successor)))
        }
        RefreshOutcome::Reused => {
            tracing::warn!("a spent refresh token was presented again; its family is revoked");
            Err(ApiError::Unauthorized {
                code: "refresh_token_reused",
                detail: "this refresh token was already used; sign in again".into(),
            })
        }
        RefreshOutcome::Invalid => Err(ApiError::Unauthorized {
            code: "invalid_token",
            detail: "the refresh token is unknown, expired or revoked".into(),
        }),
    }
}

/// Signs out the account of the refresh token: every access and refresh token it holds
/// stops working at once, on every device (API keys and mail sessions stay).
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "Signed out (also when the token was unknown)")))]
pub async fn logout(
    State(state): State<AppState>,
    Json(req): Json<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .directory
        .sign_out(&hash_secret(&req.refresh_token))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
