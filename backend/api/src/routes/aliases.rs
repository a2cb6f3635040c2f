//! `/admin/aliases`: addresses that forward to other addresses; `@domain` is the
//! domain's catch-all.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use osprey_api_types::{Alias, CreateAlias, Page, Problem, UpdateAlias};
use osprey_core::{Address, DomainName};
use osprey_store::{AliasRecord, StoreError};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ListParams, accounts::domain_filter, location};
use crate::{
    auth::AuthUser,
    convert,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
    validate::Checks,
};

/// Most targets one alias may have.
const MAX_TARGETS: usize = 1000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_aliases, create_alias))
        .routes(routes!(get_alias, update_alias, delete_alias))
}

fn check_targets(checks: &mut Checks, targets: &[String]) -> Vec<String> {
    if targets.is_empty() {
        checks.fail("targets", "name at least one target address");
    }
    if targets.len() > MAX_TARGETS {
        checks.fail("targets", format!("at most {MAX_TARGETS} targets"));
    }
    let mut out: Vec<String> = targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| checks.address(&format!("targets[{i}]"), t))
        .map(|a| a.to_string())
        .collect();
    out.dedup();
    out
}

/// Aliases, by address.
#[utoipa::path(get, path = "/admin/aliases", tag = "admin", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Page<Alias>), (status = 403, body = Problem)))]
pub async fn list_aliases(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<Alias>>, ApiError> {
    let scope = user.admin_scope(false)?;
    let mut query = params.to_query()?;
    query.domain_ids = domain_filter(&state, &scope, &params).await?;
    let page = state.store.list_aliases(&query).await?;
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
    let scope = user.admin_scope(true)?;
    let mut checks = Checks::default();
    let raw = req.address.trim();
    let (local, domain) = match raw.strip_prefix('@') {
        Some(d) => (None, checks.domain("address", d)),
        None => match checks.address("address", raw) {
            Some(a) => (Some(a.local().to_owned()), Some(a.domain().clone())),
            None => (None, None),
        },
    };
    let targets = check_targets(&mut checks, &req.targets);
    checks.finish()?;
    let domain: DomainName = domain.expect("checked");
    let record = match state.store.domain_by_name(domain.as_str()).await {
        Ok(d) => d,
        Err(StoreError::NotFound) => {
            return Err(ApiError::field(
                "address",
                format!("the domain {domain} does not exist"),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if !scope.includes(&record.id) {
        return Err(ApiError::forbidden("this domain is not one you administer"));
    }
    if let Some(l) = &local {
        let own = Address::parse(&format!("{l}@{}", record.name))
            .map_err(|e| ApiError::field("address", e.to_string()))?;
        if targets
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&own.to_string()))
        {
            return Err(ApiError::field(
                "targets",
                "an alias cannot deliver to itself",
            ));
        }
    }
    let alias = state
        .store
        .create_alias(local.as_deref(), &record.name, targets)
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
    let scope = user.admin_scope(write)?;
    let alias = state.store.alias(id).await?;
    if !scope.includes(&alias.domain_id) {
        return Err(ApiError::forbidden(
            "this alias is not in a domain you administer",
        ));
    }
    Ok(alias)
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
    let mut checks = Checks::default();
    let targets = check_targets(&mut checks, &targets);
    if targets
        .iter()
        .any(|t| t.eq_ignore_ascii_case(&alias.address))
    {
        checks.fail("targets", "an alias cannot deliver to itself");
    }
    checks.finish()?;
    Ok(Json(convert::alias(
        state.store.update_alias_targets(&id, targets).await?,
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
    managed(&state, &user, &id, true).await?;
    state.store.delete_alias(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}
