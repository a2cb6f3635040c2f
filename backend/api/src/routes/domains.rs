//! `/admin/domains`: virtual hosts. Server admins manage them; a domain admin may read
//! the domains it manages.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use osprey_api_types::{CreateDomain, Domain, DomainSettings, Page, Problem, UpdateDomain};
use osprey_directory::{DomainUpdate, NewDomainRequest};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ListParams, location};
use crate::{
    auth::AuthUser,
    convert,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_domains, create_domain))
        .routes(routes!(get_domain, update_domain, delete_domain))
}

/// The directory's form of the settings a request carries.
fn settings(s: DomainSettings) -> osprey_directory::DomainSettings {
    osprey_directory::DomainSettings {
        description: s.description,
        max_accounts: s.max_accounts,
        max_aliases: s.max_aliases,
        max_quota_bytes: s.max_quota_bytes,
        default_quota_bytes: s.default_quota_bytes,
        max_message_bytes: s.max_message_bytes,
        any_sender: s.any_sender,
        directory_visible: s.directory_visible,
        no_ads: s.no_ads,
    }
}

/// Domains, by name or the newest first.
#[utoipa::path(get, path = "/admin/domains", tag = "admin", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Page<Domain>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_domains(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<Domain>>, ApiError> {
    let scope = user.admin_scope(false)?;
    let mut query = params.to_query()?;
    query.domain_ids = scope.restriction();
    let page = state
        .store
        .domains()
        .list_domains_in(&query, params.order()?)
        .await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(convert::domain).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Creates a domain (server admins).
#[utoipa::path(post, path = "/admin/domains", tag = "admin", security(("bearer" = [])), request_body = CreateDomain,
    responses((status = 201, body = Domain), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_domain(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<CreateDomain>,
) -> Result<impl IntoResponse, ApiError> {
    user.server_admin(true)?;
    let record = state
        .directory
        .create_domain(
            &user.actor(),
            NewDomainRequest {
                name: req.name,
                aliases: req.aliases,
                settings: settings(req.settings.unwrap_or_default()),
                enabled: req.enabled.unwrap_or(true),
            },
        )
        .await?;
    // Every domain gets its DKIM key at once, so its DNS record can be published.
    osprey_mail::auth::ensure_dkim_key(&state.store, &record.id).await?;
    let id = record.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/admin/domains", &id),
        Json(convert::domain(record)),
    ))
}

/// One domain.
#[utoipa::path(get, path = "/admin/domains/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The domain's id")),
    responses((status = 200, body = Domain), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_domain(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Domain>, ApiError> {
    user.admin_scope(false)?;
    Ok(Json(convert::domain(
        state.directory.visible_domain(&user.actor(), &id).await?,
    )))
}

/// Changes a domain's alias names, settings or state (server admins).
#[utoipa::path(patch, path = "/admin/domains/{id}", tag = "admin", security(("bearer" = [])), request_body = UpdateDomain,
    params(("id" = String, Path, description = "The domain's id")),
    responses((status = 200, body = Domain), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_domain(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<UpdateDomain>,
) -> Result<Json<Domain>, ApiError> {
    user.server_admin(true)?;
    let record = state
        .directory
        .update_domain(
            &user.actor(),
            &id,
            DomainUpdate {
                aliases: req.aliases,
                settings: req.settings.map(settings),
                enabled: req.enabled,
            },
        )
        .await?;
    Ok(Json(convert::domain(record)))
}

/// Deletes a domain with its aliases (server admins). Refused while it has accounts.
#[utoipa::path(delete, path = "/admin/domains/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The domain's id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, description = "The domain still has accounts", body = Problem)))]
pub async fn delete_domain(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.server_admin(true)?;
    state.directory.delete_domain(&user.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
