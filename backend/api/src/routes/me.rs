//! The signed-in account: `/me`, its password and its API keys.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use chrono::{Duration, Utc};
use osprey_api_types::{
    Account, ApiKey, ChangePassword, CreateApiKey, CreatedApiKey, LoginFailure, Page, Preferences,
    Problem, Scope, UpdateMe,
};
use osprey_store::NewApiKey;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::location;
use crate::{
    auth::{API_KEY_PREFIX, AuthUser, hash_secret, new_secret},
    convert,
    error::ApiError,
    extract::Json,
    state::AppState,
    validate::Checks,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_me, update_me))
        .routes(routes!(get_preferences, put_preferences))
        .routes(routes!(change_password))
        .routes(routes!(list_api_keys, create_api_key))
        .routes(routes!(delete_api_key))
        .routes(routes!(list_my_login_failures))
}

/// The signed-in account's recent failed sign-ins (the last 20, newest first, kept in
/// memory by the node that answers): when, from which address, over which protocol.
#[utoipa::path(get, path = "/me/login-failures", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = Page<LoginFailure>), (status = 401, body = Problem)))]
pub async fn list_my_login_failures(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Page<LoginFailure>>, ApiError> {
    user.require(Scope::AccountRead)?;
    Ok(Json(convert::login_failures(
        state.auth.recent_failures(&user.account.id),
    )))
}

/// The signed-in account.
#[utoipa::path(get, path = "/me", tag = "me", security(("bearer" = [])),
    responses((status = 200, description = "The signed-in account", body = Account), (status = 403, description = "An API key without account:read", body = Problem)))]
pub async fn get_me(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Account>, ApiError> {
    user.require(Scope::AccountRead)?;
    let ads = state
        .directory
        .ads_for(&user.account.id, &user.account.domain_id)
        .await?;
    Ok(Json(Account {
        ads: Some(ads),
        ..convert::account(user.account)
    }))
}

/// Changes the signed-in account's own settings.
#[utoipa::path(patch, path = "/me", tag = "me", security(("bearer" = [])), request_body = UpdateMe,
    responses((status = 200, description = "The account as it is now", body = Account), (status = 403, description = "An API key without account:write", body = Problem), (status = 422, body = Problem)))]
pub async fn update_me(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<UpdateMe>,
) -> Result<Json<Account>, ApiError> {
    user.require(Scope::AccountWrite)?;
    Ok(Json(convert::account(
        state
            .directory
            .update_own_profile(&user.account, req.display_name, req.time_zone)
            .await?,
    )))
}

fn preferences(p: osprey_directory::Preferences) -> Preferences {
    Preferences {
        language: p.language,
        messages_per_page: p.messages_per_page,
        mark_read_delay_secs: p.mark_read_delay_secs,
        show_remote_images_from_contacts: p.show_remote_images_from_contacts,
        spell_language: p.spell_language,
        conversation_view: p.conversation_view,
        identities: p
            .identities
            .into_iter()
            .map(|i| osprey_api_types::Identity {
                address: i.address,
                name: i.name,
                signature: i.signature,
            })
            .collect(),
    }
}

/// The signed-in account's preferences (the defaults until it changes them).
#[utoipa::path(get, path = "/me/preferences", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = Preferences), (status = 403, description = "An API key without account:read", body = Problem)))]
pub async fn get_preferences(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Preferences>, ApiError> {
    user.require(Scope::AccountRead)?;
    Ok(Json(preferences(
        state.directory.preferences(&user.account.id).await?,
    )))
}

/// Replaces the signed-in account's preferences (absent fields take their defaults).
#[utoipa::path(put, path = "/me/preferences", tag = "me", security(("bearer" = [])), request_body = Preferences,
    responses((status = 200, body = Preferences), (status = 403, description = "An API key without account:write", body = Problem), (status = 422, body = Problem)))]
pub async fn put_preferences(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<Preferences>,
) -> Result<Json<Preferences>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let p = osprey_directory::Preferences {
        language: req.language,
        messages_per_page: req.messages_per_page,
        mark_read_delay_secs: req.mark_read_delay_secs,
        show_remote_images_from_contacts: req.show_remote_images_from_contacts,
        spell_language: req.spell_language,
        conversation_view: req.conversation_view,
        identities: req
            .identities
            .into_iter()
            .map(|i| osprey_directory::Identity {
                address: i.address.trim().to_owned(),
                name: i.name,
                signature: i.signature,
            })
            .collect(),
    };
    // Each identity must be an address the account may send as (the mail service's
    // rule); the rest is the directory's.
    state
        .composer
        .check_identities(&user.account, &p.identities)
        .await?;
    Ok(Json(preferences(
        state
            .directory
            .set_own_preferences(&user.account, p)
            .await?,
    )))
}

/// Changes the signed-in account's password; every session of the account is signed out,
/// this one too (sign in again with the new password), and its mail sessions end.
#[utoipa::path(post, path = "/me/password", tag = "me", security(("bearer" = [])), request_body = ChangePassword,
    responses((status = 204, description = "Changed"), (status = 403, description = "An API key: this needs a signed-in session", body = Problem), (status = 422, description = "Wrong current password or weak new one", body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    user.require_session()?;
    state
        .directory
        .change_own_password(&user.account, req.current_password, req.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account's API keys, newest first.
#[utoipa::path(get, path = "/me/api-keys", tag = "me", security(("bearer" = [])),
    responses((status = 200, description = "Every key of the account, on one page", body = Page<ApiKey>), (status = 403, description = "An API key without account:read", body = Problem)))]
pub async fn list_api_keys(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Page<ApiKey>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let keys = state
        .store
        .credentials()
        .list_api_keys(&user.account.id)
        .await?;
    Ok(Json(Page {
        items: keys.into_iter().map(convert::api_key).collect(),
        next_cursor: None,
    }))
}

/// Creates an API key; its secret is in this answer only. Needs a signed-in session.
#[utoipa::path(post, path = "/me/api-keys", tag = "me", security(("bearer" = [])), request_body = CreateApiKey,
    responses((status = 201, description = "The key, with its secret", body = CreatedApiKey), (status = 403, description = "An API key: this needs a signed-in session", body = Problem), (status = 422, body = Problem)))]
pub async fn create_api_key(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<CreateApiKey>,
) -> Result<impl IntoResponse, ApiError> {
    user.require_session()?;
    let mut checks = Checks::default();
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        checks.fail("name", "must be 1 to 100 characters long");
    }
    if req.scopes.is_empty() {
        checks.fail("scopes", "name at least one scope");
    }
    if req.expires_in_days.is_some_and(|d| d == 0 || d > 3650) {
        checks.fail("expires_in_days", "must be between 1 and 3650");
    }
    // A key carries at most what its owner may do: administration scopes only for
    // administrators.
    if user.account.role == osprey_core::Role::User
        && req
            .scopes
            .iter()
            .any(|s| matches!(s, Scope::AdminRead | Scope::AdminWrite))
    {
        checks.fail(
            "scopes",
            "admin:read and admin:write are for administrators' keys only",
        );
    }
    checks.finish()?;
    let secret = new_secret(API_KEY_PREFIX);
    let mut scopes: Vec<String> = req.scopes.iter().map(|s| s.as_str().to_owned()).collect();
    scopes.sort();
    scopes.dedup();
    let record = state
        .store
        .credentials()
        .create_api_key(NewApiKey {
            account_id: user.account.id.clone(),
            name: name.to_owned(),
            prefix: secret[..12].to_owned(),
            key_hash: hash_secret(&secret),
            scopes,
            expires_at: req
                .expires_in_days
                .map(|d| Utc::now() + Duration::days(d.into())),
        })
        .await?;
    let id = record.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/me/api-keys", &id),
        Json(CreatedApiKey {
            key: convert::api_key(record),
            secret,
        }),
    ))
}

/// Revokes one of the signed-in account's API keys.
#[utoipa::path(delete, path = "/me/api-keys/{id}", tag = "me", security(("bearer" = [])),
    params(("id" = String, Path, description = "The key's id")),
    responses((status = 204, description = "Revoked"), (status = 403, description = "An API key without account:write", body = Problem), (status = 404, description = "No such key of the signed-in account", body = Problem)))]
pub async fn delete_api_key(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    state
        .store
        .credentials()
        .delete_api_key(&user.account.id, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    /// A field left out of a `PUT` takes the wire type's default; the service's
    /// defaults are what an account has before it sets any. They must be the same.
    #[test]
    fn the_wire_defaults_are_the_services() {
        assert_eq!(
            super::preferences(osprey_directory::Preferences::default()),
            osprey_api_types::Preferences::default()
        );
    }
}
