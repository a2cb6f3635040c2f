//! `/admin/aliases`: addresses that forward to other addresses; `@domain` is the
//! domain's catch-all.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use osprey_api_types::{Alias, CreateAlias, Page, Problem, UpdateAlias};
use osprey_store::AliasRecord;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ListParams, accounts::domain_filter, location};
use crate::{
    auth::AuthUser,
    convert,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_aliases, create_alias))
        .routes(routes!(get_alias, update_alias, delete_alias))
}

/// Aliases, by address.
#[utoipa::path(get, path = "/admin/aliases", tag = "admin", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Page<Alias>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_aliases(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<Alias>>, ApiError> {
    let scope = user.admin_scope(false)?;
    let mut query = params.to_query()?;
    query.domain_ids = domain_filter(&state, &scope, &params).await?;
    let page = state
        .store
        .aliases()
        .list_aliases_in(&query, params.order()?)
        .await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(convert::alias).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Creates an alias.
#[utoipa::path(post, path = "/admin/aliases", tag = "admin", security(("bearer" = [])), request_body = CreateAlias,
    responses((status = 201, body = Alias), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_alias(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<CreateAlias>,
) -> Result<impl IntoResponse, ApiError> {
    user.admin_scope(true)?;
    let alias = state
        .directory
        .create_alias(&user.actor(), &req.address, &req.targets)
        .await?;
    let id = alias.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/admin/aliases", &id),
        Json(convert::alias(alias)),
    ))
}

async fn managed(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    write: bool,
) -> Result<AliasRecord, ApiError> {
    user.admin_scope(write)?;
    Ok(state.directory.managed_alias(&user.actor(), id).await?)
}

/// One alias.
#[utoipa::path(get, path = "/admin/aliases/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The alias's id")),
    responses((status = 200, body = Alias), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_alias(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Alias>, ApiError> {
    Ok(Json(convert::alias(
        managed(&state, &user, &id, false).await?,
    )))
}

/// Replaces an alias's targets.
#[utoipa::path(patch, path = "/admin/aliases/{id}", tag = "admin", security(("bearer" = [])), request_body = UpdateAlias,
    params(("id" = String, Path, description = "The alias's id")),
    responses((status = 200, body = Alias), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_alias(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<UpdateAlias>,
) -> Result<Json<Alias>, ApiError> {
    let alias = managed(&state, &user, &id, true).await?;
    let Some(targets) = req.targets else {
        return Ok(Json(convert::alias(alias)));
    };
    Ok(Json(convert::alias(
        state
            .directory
            .update_alias(&user.actor(), &alias.id, &targets)
            .await?,
    )))
}

/// Deletes an alias.
#[utoipa::path(delete, path = "/admin/aliases/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The alias's id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_alias(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.admin_scope(true)?;
    state.directory.delete_alias(&user.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
