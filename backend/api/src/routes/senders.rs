//! Who may send as whom: `/admin/accounts/{id}/send-as` (the addresses administrators
//! grant an account besides its own and its aliases), `/me/send-as` (the signed-in
//! account's grants), and `/admin/postmaster` (the account that receives postmaster
//! mail). The rules are the directory's.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use osprey_api_types::{CreateSendAsGrant, Postmaster, Problem, Scope, SendAsGrant};
use osprey_store::SendAsGrantRecord;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::location;
use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_send_as, grant_send_as))
        .routes(routes!(revoke_send_as))
        .routes(routes!(my_send_as))
        .routes(routes!(get_postmaster, set_postmaster))
}

fn grant(r: SendAsGrantRecord) -> SendAsGrant {
    SendAsGrant {
        id: r.id,
        address: r.address,
        created_at: r.created_at,
    }
}

/// The addresses an account was granted to send as.
#[utoipa::path(get, path = "/admin/accounts/{id}/send-as", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses((status = 200, body = Vec<SendAsGrant>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_send_as(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<SendAsGrant>>, ApiError> {
    user.admin_scope(false)?;
    let grants = state.directory.send_as_grants(&user.actor(), &id).await?;
    Ok(Json(grants.into_iter().map(grant).collect()))
}

/// Lets an account send as an address, or as every address of a domain (`@domain`).
/// A domain admin grants addresses of its own domains only.
#[utoipa::path(post, path = "/admin/accounts/{id}/send-as", tag = "admin", security(("bearer" = [])),
    request_body = CreateSendAsGrant,
    params(("id" = String, Path, description = "The account's id")),
    responses((status = 201, body = SendAsGrant), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn grant_send_as(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<CreateSendAsGrant>,
) -> Result<impl IntoResponse, ApiError> {
    user.admin_scope(true)?;
    let g = state
        .directory
        .grant_send_as(&user.actor(), &id, &req.address)
        .await?;
    let path = format!("/admin/accounts/{id}/send-as");
    Ok((StatusCode::CREATED, location(&path, &g.id), Json(grant(g))))
}

/// Withdraws a grant.
#[utoipa::path(delete, path = "/admin/accounts/{id}/send-as/{grant_id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id"), ("grant_id" = String, Path, description = "The grant's id")),
    responses((status = 204, description = "Withdrawn"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke_send_as(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, grant_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    user.admin_scope(true)?;
    state
        .directory
        .revoke_send_as(&user.actor(), &id, &grant_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The addresses the signed-in account was granted to send as.
#[utoipa::path(get, path = "/me/send-as", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = Vec<SendAsGrant>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn my_send_as(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<SendAsGrant>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let grants = state
        .directory
        .send_as_grants(&user.actor(), &user.account.id)
        .await?;
    Ok(Json(grants.into_iter().map(grant).collect()))
}

/// The account that receives mail for `postmaster@` every local domain: the one named,
/// or the first enabled server administrator (server admins).
#[utoipa::path(get, path = "/admin/postmaster", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Postmaster), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_postmaster(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Postmaster>, ApiError> {
    user.admin_scope(false)?;
    user.actor().server_admin()?;
    let account = state.directory.postmaster().await?;
    Ok(Json(Postmaster {
        address: account.map(|a| a.address()),
    }))
}

/// Names the account that receives postmaster mail (server admins).
#[utoipa::path(put, path = "/admin/postmaster", tag = "admin", security(("bearer" = [])),
    request_body = Postmaster,
    responses((status = 200, body = Postmaster), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_postmaster(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<Postmaster>,
) -> Result<Json<Postmaster>, ApiError> {
    user.admin_scope(true)?;
    let Some(address) = req.address else {
        return Err(ApiError::field("address", "name the account's address"));
    };
    let account = state
        .directory
        .set_postmaster(&user.actor(), &address)
        .await?;
    Ok(Json(Postmaster {
        address: Some(account.address()),
    }))
}
