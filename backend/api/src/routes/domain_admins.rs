//! `/admin/domains/{id}/admins`: a server administrator delegates a domain to existing
//! accounts, and withdraws it. The rules are the directory's.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use osprey_api_types::{Account, AddDomainAdmin, Problem};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, convert, error::ApiError, extract::Json, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_domain_admins, add_domain_admin))
        .routes(routes!(remove_domain_admin))
}

/// The accounts that administer the domain (server administrators, who administer
/// every domain, are not listed).
#[utoipa::path(get, path = "/admin/domains/{id}/admins", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The domain's id")),
    responses((status = 200, body = Vec<Account>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_domain_admins(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<Account>>, ApiError> {
    user.server_admin(false)?;
    let admins = state.directory.domain_admins(&user.actor(), &id).await?;
    Ok(Json(admins.into_iter().map(convert::account).collect()))
}

/// Makes an existing account an administrator of the domain: a plain user becomes a
/// domain administrator, a domain administrator gains the domain. 422 for an address
/// that is no account; 409 for a server administrator or an administrator of it already.
#[utoipa::path(post, path = "/admin/domains/{id}/admins", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The domain's id")), request_body = AddDomainAdmin,
    responses((status = 200, description = "The account as it is now", body = Account), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_domain_admin(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<AddDomainAdmin>,
) -> Result<Json<Account>, ApiError> {
    user.server_admin(true)?;
    let account = state
        .directory
        .add_domain_admin(&user.actor(), &id, &req.address)
        .await?;
    Ok(Json(convert::account(account)))
}

/// Withdraws the domain from one of its administrators; one left without a domain
/// becomes a plain user.
#[utoipa::path(delete, path = "/admin/domains/{id}/admins/{account_id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The domain's id"), ("account_id" = String, Path, description = "The administrator's account id")),
    responses((status = 204, description = "Withdrawn"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove_domain_admin(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, account_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    user.server_admin(true)?;
    state
        .directory
        .remove_domain_admin(&user.actor(), &id, &account_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
