//! `/admin/accounts`: mail accounts. A server admin manages all; a domain admin manages
//! the plain user accounts of its domains and cannot hand out roles.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use osprey_api_types::{
    Account, AccountStats, CreateAccount, LoginFailure, Page, Problem, UpdateAccount,
};
use osprey_core::Role;
use osprey_directory::{AccountUpdate, NewAccountRequest};
use osprey_store::{AccountOrder, AccountRecord, StoreError};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ListParams, location};
use crate::{
    auth::{AdminScope, AuthUser},
    convert,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account, update_account, delete_account))
        .routes(routes!(list_account_login_failures))
        .routes(routes!(get_account_stats))
}

/// An account's mail figures: each folder's messages, unread ones and size, the totals
/// against its quota, and how many messages arrived in the last day, week and month.
#[utoipa::path(get, path = "/admin/accounts/{id}/stats", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses((status = 200, body = AccountStats), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_account_stats(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<AccountStats>, ApiError> {
    user.admin_scope(false)?;
    let s = state.directory.account_stats(&user.actor(), &id).await?;
    Ok(Json(convert::account_stats(s)))
}

/// An account's recent failed sign-ins (the last 20, newest first, kept in memory by
/// the node that answers): when, from which address, over which protocol.
#[utoipa::path(get, path = "/admin/accounts/{id}/login-failures", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses((status = 200, body = Page<LoginFailure>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_account_login_failures(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Page<LoginFailure>>, ApiError> {
    let target = managed(&state, &user, &id, false).await?;
    Ok(Json(convert::login_failures(
        state.auth.recent_failures(&target.id),
    )))
}

/// Restricts a listing to the caller's domains and the optional `domain` filter.
pub(crate) async fn domain_filter(
    state: &AppState,
    scope: &AdminScope,
    params: &ListParams,
) -> Result<Option<Vec<String>>, ApiError> {
    let Some(name) = params.domain.as_deref() else {
        return Ok(scope.restriction());
    };
    let domain = match state.store.domains().domain_by_name(name).await {
        Ok(d) => d,
        // An unknown domain filters everything out, as a search would.
        Err(StoreError::NotFound) => return Ok(Some(vec![])),
        Err(e) => return Err(e.into()),
    };
    if !scope.includes(&domain.id) {
        return Err(ApiError::forbidden("this domain is not one you administer"));
    }
    Ok(Some(vec![domain.id]))
}

/// Paging, search, filter and order of the account listing.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountListParams {
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page (of the same order).
    pub cursor: Option<String>,
    /// Keep accounts whose address or name contains this text.
    pub q: Option<String>,
    /// Keep accounts of this domain (by name).
    pub domain: Option<String>,
    /// `address` (the default), `newest` (the newest first) or `largest` (the most mail
    /// kept first).
    #[param(pattern = "^(address|newest|largest)$")]
    pub sort: Option<String>,
}

/// Accounts, by address, or the newest or largest first.
#[utoipa::path(get, path = "/admin/accounts", tag = "admin", security(("bearer" = [])), params(AccountListParams),
    responses((status = 200, body = Page<Account>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_accounts(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<AccountListParams>,
) -> Result<Json<Page<Account>>, ApiError> {
    let scope = user.admin_scope(false)?;
    let order = match params.sort.as_deref() {
        None | Some("address") => AccountOrder::Address,
        Some("newest") => AccountOrder::Newest,
        Some("largest") => AccountOrder::Largest,
        Some(other) => {
            return Err(ApiError::BadRequest {
                code: "bad_query",
                detail: format!("sort is address, newest or largest, not {other:?}"),
            });
        }
    };
    let list = ListParams {
        limit: params.limit,
        cursor: params.cursor,
        q: params.q,
        domain: params.domain,
        sort: None,
    };
    let mut query = list.to_query()?;
    query.domain_ids = domain_filter(&state, &scope, &list).await?;
    let page = state
        .store
        .accounts()
        .list_accounts_in(&query, order)
        .await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(convert::account).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Creates an account with its mailboxes.
#[utoipa::path(post, path = "/admin/accounts", tag = "admin", security(("bearer" = [])), request_body = CreateAccount,
    responses((status = 201, body = Account), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_account(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<CreateAccount>,
) -> Result<impl IntoResponse, ApiError> {
    user.admin_scope(true)?;
    let record = state
        .directory
        .create_account(
            &user.actor(),
            NewAccountRequest {
                address: req.address,
                password: req.password,
                role: req.role.map(convert::role_from_dto).unwrap_or(Role::User),
                display_name: req.display_name,
                quota_bytes: req.quota_bytes,
                admin_domains: req.admin_domains,
                enabled: req.enabled.unwrap_or(true),
                must_change_password: req.must_change_password.unwrap_or(false),
            },
        )
        .await?;
    let id = record.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/admin/accounts", &id),
        Json(convert::account(record)),
    ))
}

/// The account `id`, if the caller may manage it (`write`) or see it.
async fn managed(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    write: bool,
) -> Result<AccountRecord, ApiError> {
    user.admin_scope(write)?;
    let (_, target) = state
        .directory
        .managed_account(&user.actor(), id, write)
        .await?;
    Ok(target)
}

/// One account.
#[utoipa::path(get, path = "/admin/accounts/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses((status = 200, body = Account), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_account(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Account>, ApiError> {
    Ok(Json(convert::account(
        managed(&state, &user, &id, false).await?,
    )))
}

/// Changes an account: display name, role, quota, managed domains, state, password.
#[utoipa::path(patch, path = "/admin/accounts/{id}", tag = "admin", security(("bearer" = [])), request_body = UpdateAccount,
    params(("id" = String, Path, description = "The account's id")),
    responses((status = 200, body = Account), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_account(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<UpdateAccount>,
) -> Result<Json<Account>, ApiError> {
    user.admin_scope(true)?;
    let record = state
        .directory
        .update_account(
            &user.actor(),
            &id,
            AccountUpdate {
                display_name: req.display_name,
                password: req.password,
                role: req.role.map(convert::role_from_dto),
                quota_bytes: req.quota_bytes,
                admin_domains: req.admin_domains,
                enabled: req.enabled,
                pop3_mode: req.pop3.map(|p| convert::pop3_mode(p.mode)),
                pop3_retention_days: req.pop3.map(|p| p.retention_days),
                must_change_password: req.must_change_password,
            },
        )
        .await?;
    Ok(Json(convert::account(record)))
}

/// Deletes an account with its mailboxes and messages.
#[utoipa::path(delete, path = "/admin/accounts/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete_account(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.admin_scope(true)?;
    state.directory.delete_account(&user.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
