//! The `AuthUser` extractor: who is calling, from a bearer JWT or an API key.

use std::collections::HashSet;

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};
use osprey_api_types::Scope;
pub use osprey_directory::AdminScope;
use osprey_directory::{Actor, Origin, Via};
use osprey_store::{AccountRecord, StoreError};

use super::{API_KEY_PREFIX, hash_secret};
use crate::{error::ApiError, state::AppState};

/// The authenticated caller. A handler that takes it cannot run unauthenticated.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub account: AccountRecord,
    /// The scopes of the API key used; `None` for a signed-in session, which may do all
    /// its role allows.
    pub key_scopes: Option<HashSet<Scope>>,
    /// The client's address, when the listener knows it (the audit log records it).
    pub ip: Option<std::net::IpAddr>,
}

fn unauthorized(code: &'static str, detail: &str) -> ApiError {
    ApiError::Unauthorized {
        code,
        detail: detail.to_owned(),
    }
}

impl AuthUser {
    /// Refuses an API key without `scope`; sessions pass.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        match &self.key_scopes {
            Some(scopes) if !scopes.contains(&scope) => Err(ApiError::forbidden(format!(
                "this API key lacks the scope {}",
                scope.as_str()
            ))),
            _ => Ok(()),
        }
    }

    /// Refuses API keys: for acts that must be done by a person signed in.
    pub fn require_session(&self) -> Result<(), ApiError> {
        if self.key_scopes.is_some() {
            return Err(ApiError::forbidden(
                "this needs a signed-in session, not an API key",
            ));
        }
        Ok(())
    }

    /// The domains this caller administers, checking the admin scope of an API key
    /// (`write` selects `admin:write` over `admin:read`). Users get 403.
    pub fn admin_scope(&self, write: bool) -> Result<AdminScope, ApiError> {
        self.require(if write {
            Scope::AdminWrite
        } else {
            Scope::AdminRead
        })?;
        Ok(self.actor().admin_scope()?)
    }

    /// The caller as the directory sees it.
    pub fn actor(&self) -> Actor {
        Actor::account_from(
            &self.account,
            Origin {
                ip: self.ip,
                via: if self.key_scopes.is_some() {
                    Via::Api
                } else {
                    Via::Web
                },
            },
        )
    }

    /// Like [`admin_scope`](Self::admin_scope), for server-wide acts: server admins only.
    pub fn server_admin(&self, write: bool) -> Result<(), ApiError> {
        self.admin_scope(write)?;
        Ok(self.actor().server_admin()?)
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| unauthorized("unauthorized", "sign in: no Authorization header"))?
            .to_str()
            .map_err(|_| unauthorized("unauthorized", "the Authorization header is malformed"))?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| {
                unauthorized("unauthorized", "expected 'Authorization: Bearer <token>'")
            })?
            .trim();
        let (account_id, key_scopes, generation) = if token.starts_with(API_KEY_PREFIX) {
            let key = state
                .store
                .credentials()
                .use_api_key(&hash_secret(token))
                .await?
                .ok_or_else(|| {
                    unauthorized("invalid_token", "the API key is unknown or revoked")
                })?;
            if key.expires_at.is_some_and(|t| t <= chrono::Utc::now()) {
                return Err(unauthorized("invalid_token", "the API key has expired"));
            }
            let scopes = key.scopes.iter().filter_map(|s| Scope::parse(s)).collect();
            (key.account_id, Some(scopes), None)
        } else {
            let claims = state
                .jwt
                .verify(token)
                .map_err(|why| unauthorized("invalid_token", &why))?;
            (claims.sub, None, Some(claims.generation))
        };
        let account = match state.store.accounts().account(&account_id).await {
            Ok(a) => a,
            Err(StoreError::NotFound) => {
                return Err(unauthorized(
                    "invalid_token",
                    "the account no longer exists",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if !account.enabled {
            return Err(unauthorized("account_disabled", "the account is disabled"));
        }
        // The generation is read with the account the request needs anyway: revocation
        // takes effect on the next request, on every node, without a query of its own.
        if generation.is_some_and(|g| g != account.token_generation) {
            return Err(unauthorized(
                "session_revoked",
                "this session was signed out (sign-out, new password, or a change to the account); sign in again",
            ));
        }
        // An account that must choose a new password may read who it is and choose one;
        // nothing else until then. (Paths are as seen inside `/api/v1`, or whole.)
        if account.must_change_password {
            let path = parts.uri.path();
            let allowed = path.ends_with("/me") || path.ends_with("/me/password");
            if !allowed {
                return Err(ApiError::PasswordChangeRequired);
            }
        }
        Ok(AuthUser {
            account,
            key_scopes,
            ip: crate::extract::peer_ip(parts),
        })
    }
}
