//! `/admin/domains/{id}/dkim`: a domain's DKIM key as the DNS record to publish, and a
//! new key on demand (which also rotates it). Server admins and the domain's admins.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use osprey_api_types::{DkimRecord, Problem};
use osprey_mail::auth::{dns_record, ensure_dkim_key, rotate_dkim_key_by};
use osprey_store::{DkimKeyRecord, DomainRecord};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_dkim, rotate_dkim))
}

pub(crate) fn record(domain: &DomainRecord, key: &DkimKeyRecord) -> DkimRecord {
    DkimRecord {
        dns_name: format!("{}._domainkey.{}", key.selector, domain.name),
        dns_value: dns_record(&key.public_key),
        selector: key.selector.clone(),
        created_at: key.created_at,
    }
}

pub(crate) async fn visible(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    write: bool,
) -> Result<DomainRecord, ApiError> {
    let scope = user.admin_scope(write)?;
    let domain = state.store.domains().domain(id).await?;
    if !scope.includes(&domain.id) {
        return Err(ApiError::forbidden("this domain is not one you administer"));
    }
    Ok(domain)
}

/// The domain's DKIM key as a DNS TXT record (a key is made if the domain has none).
#[utoipa::path(get, path = "/admin/domains/{id}/dkim", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The domain's id")),
    responses((status = 200, body = DkimRecord), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_dkim(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<DkimRecord>, ApiError> {
    let domain = visible(&state, &user, &id, false).await?;
    let key = ensure_dkim_key(&state.store, &domain.id).await?;
    Ok(Json(record(&domain, &key)))
}

/// Makes a new DKIM key under a new selector; publish its record before mail signed
/// with it reaches receivers, and keep the old record for a few days.
#[utoipa::path(post, path = "/admin/domains/{id}/dkim", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The domain's id")),
    responses((status = 201, body = DkimRecord), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn rotate_dkim(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<DkimRecord>), ApiError> {
    let domain = visible(&state, &user, &id, true).await?;
    let key = rotate_dkim_key_by(&state.store, &user.actor(), &domain).await?;
    Ok((StatusCode::CREATED, Json(record(&domain, &key))))
}
