//! `/admin/accounts`: mail accounts. A server admin manages all; a domain admin manages
//! the plain user accounts of its domains and cannot hand out roles.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use osprey_api_types::{Account, CreateAccount, DomainSettings, Page, Problem, UpdateAccount};
use osprey_core::{Address, Role};
use osprey_store::{AccountChanges, AccountRecord, NewAccount, StoreError};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ListParams, location};
use crate::{
    auth::{AdminScope, AuthUser},
    convert,
    error::{ApiError, invalid_as_field},
    extract::{Json, Query},
    state::AppState,
    validate::{Checks, hash_password},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account, update_account, delete_account))
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
    let domain = match state.store.domain_by_name(name).await {
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

/// Accounts, by address.
#[utoipa::path(get, path = "/admin/accounts", tag = "admin", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Page<Account>), (status = 403, body = Problem)))]
pub async fn list_accounts(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<Account>>, ApiError> {
    let scope = user.admin_scope(false)?;
    let mut query = params.to_query()?;
    query.domain_ids = domain_filter(&state, &scope, &params).await?;
    let page = state.store.list_accounts(&query).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(convert::account).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Only a server admin hands out roles other than `user`.
fn check_role_grant(scope: &AdminScope, role: Role) -> Result<(), ApiError> {
    if role != Role::User && *scope != AdminScope::All {
        return Err(ApiError::forbidden(
            "only a server administrator can grant administrator roles",
        ));
    }
    Ok(())
}

/// Creates an account with its mailboxes.
#[utoipa::path(post, path = "/admin/accounts", tag = "admin", security(("bearer" = [])), request_body = CreateAccount,
    responses((status = 201, body = Account), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_account(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<CreateAccount>,
) -> Result<impl IntoResponse, ApiError> {
    let scope = user.admin_scope(true)?;
    let mut checks = Checks::default();
    let address = checks.address("address", &req.address);
    checks.password(
        "password",
        &req.password,
        &req.address,
        &state.settings.password_policy,
    );
    let display_name = req.display_name.as_deref().unwrap_or("").trim().to_owned();
    checks.display_name("display_name", &display_name);
    let role = req.role.map(convert::role_from_dto).unwrap_or(Role::User);
    if role != Role::DomainAdmin && !req.admin_domains.is_empty() {
        checks.fail("admin_domains", "only a domain_admin manages domains");
    }
    checks.finish()?;
    let address = address.expect("checked");
    let domain = match state.store.domain_by_name(address.domain().as_str()).await {
        Ok(d) => d,
        Err(StoreError::NotFound) => {
            return Err(ApiError::field(
                "address",
                format!("the domain {} does not exist", address.domain()),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if !scope.includes(&domain.id) {
        return Err(ApiError::forbidden("this domain is not one you administer"));
    }
    check_role_grant(&scope, role)?;
    let settings: DomainSettings =
        serde_json::from_value(domain.settings.clone()).unwrap_or_default();
    if settings
        .max_accounts
        .is_some_and(|max| domain.account_count >= u64::from(max))
    {
        return Err(ApiError::Conflict(format!(
            "the domain {} holds its maximum number of accounts",
            domain.name
        )));
    }
    let admin_domain_ids = state
        .store
        .domain_ids_by_names(&req.admin_domains)
        .await
        .map_err(invalid_as_field("admin_domains"))?;
    // An address given under a domain alias is stored under the domain's own name.
    let domain_name = osprey_core::DomainName::parse(&domain.name)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let address = Address::from_parts(address.local(), &domain_name)
        .map_err(|e| ApiError::field("address", e.to_string()))?;
    let record = state
        .store
        .create_account(NewAccount {
            address,
            credentials: hash_password(req.password).await?,
            role,
            display_name,
            quota_bytes: req.quota_bytes.or(settings.default_quota_bytes),
            admin_domain_ids,
            enabled: req.enabled.unwrap_or(true),
        })
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
) -> Result<(AdminScope, AccountRecord), ApiError> {
    let scope = user.admin_scope(write)?;
    let target = state.store.account(id).await?;
    if !scope.includes(&target.domain_id) {
        return Err(ApiError::forbidden(
            "this account is not in a domain you administer",
        ));
    }
    if write && scope != AdminScope::All && target.role != Role::User {
        return Err(ApiError::forbidden(
            "only a server administrator can change administrators",
        ));
    }
    Ok((scope, target))
}

/// Refuses to leave the server without an enabled server admin.
async fn keep_an_admin(state: &AppState, target: &AccountRecord) -> Result<(), ApiError> {
    if target.role == Role::Admin
        && target.enabled
        && state.store.count_accounts_with_role(Role::Admin).await? <= 1
    {
        return Err(ApiError::Conflict(
            "this is the last server administrator".into(),
        ));
    }
    Ok(())
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
    let (_, target) = managed(&state, &user, &id, false).await?;
    Ok(Json(convert::account(target)))
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
    let (scope, target) = managed(&state, &user, &id, true).await?;
    let mut checks = Checks::default();
    if let Some(name) = &req.display_name {
        checks.display_name("display_name", name);
    }
    if let Some(pw) = &req.password {
        checks.password(
            "password",
            pw,
            &target.address(),
            &state.settings.password_policy,
        );
    }
    if let Some(days) = req.pop3.and_then(|p| p.retention_days)
        && !(1..=3650).contains(&days)
    {
        checks.fail("pop3.retention_days", "must be between 1 and 3650 days");
    }
    let role = req.role.map(convert::role_from_dto);
    let final_role = role.unwrap_or(target.role);
    if final_role != Role::DomainAdmin && req.admin_domains.as_ref().is_some_and(|d| !d.is_empty())
    {
        checks.fail("admin_domains", "only a domain_admin manages domains");
    }
    checks.finish()?;
    if let Some(r) = role {
        check_role_grant(&scope, r)?;
    }
    if (role.is_some_and(|r| r != Role::Admin) || req.enabled == Some(false))
        && target.role == Role::Admin
    {
        keep_an_admin(&state, &target).await?;
    }
    if (req.admin_domains.is_some()) && scope != AdminScope::All {
        return Err(ApiError::forbidden(
            "only a server administrator can change managed domains",
        ));
    }
    let admin_domain_ids = match &req.admin_domains {
        Some(names) => Some(
            state
                .store
                .domain_ids_by_names(names)
                .await
                .map_err(invalid_as_field("admin_domains"))?,
        ),
        None => None,
    };
    let credentials = match req.password {
        Some(pw) => Some(hash_password(pw).await?),
        None => None,
    };
    let reset = credentials.is_some();
    let record = state
        .store
        .update_account(
            &id,
            AccountChanges {
                display_name: req.display_name.map(|n| n.trim().to_owned()),
                role,
                quota_bytes: req.quota_bytes,
                admin_domain_ids,
                enabled: req.enabled,
                credentials,
                pop3_mode: req.pop3.map(|p| convert::pop3_mode(p.mode)),
                pop3_retention_days: req.pop3.map(|p| p.retention_days),
            },
        )
        .await?;
    if reset || req.enabled == Some(false) {
        state.store.revoke_account_refresh_tokens(&id).await?;
    }
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
    let (_, target) = managed(&state, &user, &id, true).await?;
    if target.id == user.account.id {
        return Err(ApiError::Conflict(
            "you cannot delete your own account".into(),
        ));
    }
    keep_an_admin(&state, &target).await?;
    state.store.delete_account(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}
