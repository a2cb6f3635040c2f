//! `/admin/domains`: virtual hosts. Server admins manage them; a domain admin may read
//! the domains it manages.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use osprey_api_types::{CreateDomain, Domain, DomainSettings, Page, Problem, UpdateDomain};
use osprey_core::DomainName;
use osprey_store::{DomainChanges, NewDomain};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ListParams, location};
use crate::{
    auth::AuthUser,
    convert,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
    validate::Checks,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_domains, create_domain))
        .routes(routes!(get_domain, update_domain, delete_domain))
}

fn check_aliases(checks: &mut Checks, aliases: &[String]) -> Vec<DomainName> {
    aliases
        .iter()
        .enumerate()
        .filter_map(|(i, a)| checks.domain(&format!("aliases[{i}]"), a))
        .collect()
}

fn check_settings(checks: &mut Checks, s: &DomainSettings) {
    if s.description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 500)
    {
        checks.fail(
            "settings.description",
            "must be at most 500 characters long",
        );
    }
    if s.max_message_bytes == Some(0) {
        checks.fail("settings.max_message_bytes", "must be greater than 0");
    }
}

/// Domains, by name.
#[utoipa::path(get, path = "/admin/domains", tag = "admin", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Page<Domain>), (status = 403, body = Problem)))]
pub async fn list_domains(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<Domain>>, ApiError> {
    let scope = user.admin_scope(false)?;
    let mut query = params.to_query()?;
    query.domain_ids = scope.restriction();
    let page = state.store.list_domains(&query).await?;
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
    let mut checks = Checks::default();
    let name = checks.domain("name", &req.name);
    let aliases = check_aliases(&mut checks, &req.aliases);
    let settings = req.settings.unwrap_or_default();
    check_settings(&mut checks, &settings);
    checks.finish()?;
    let record = state
        .store
        .create_domain(NewDomain {
            name: name.expect("checked"),
            aliases,
            settings: serde_json::to_value(&settings)
                .map_err(|e| ApiError::Internal(e.to_string()))?,
            enabled: req.enabled.unwrap_or(true),
        })
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

async fn visible(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    write: bool,
) -> Result<osprey_store::DomainRecord, ApiError> {
    let scope = user.admin_scope(write)?;
    let record = state.store.domain(id).await?;
    if !scope.includes(&record.id) {
        return Err(ApiError::forbidden("this domain is not one you administer"));
    }
    Ok(record)
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
    Ok(Json(convert::domain(
        visible(&state, &user, &id, false).await?,
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
    let mut checks = Checks::default();
    let aliases = req.aliases.as_ref().map(|a| check_aliases(&mut checks, a));
    if let Some(s) = &req.settings {
        check_settings(&mut checks, s);
    }
    checks.finish()?;
    let settings = req
        .settings
        .map(|s| serde_json::to_value(&s))
        .transpose()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let record = state
        .store
        .update_domain(
            &id,
            DomainChanges {
                aliases,
                settings,
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
    state.store.delete_domain(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}
