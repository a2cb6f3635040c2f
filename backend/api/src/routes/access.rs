//! `/admin/ip-rules` and `/admin/kill-file`: access control for the mail listeners,
//! server-wide, so for server administrators only.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use osprey_api_types::{
    CreateIpRule, CreateKillEntry, IpAction, IpRule, KillEntry, KillKind, MoveIpRule, Problem,
};
use osprey_directory::access::{IpRuleRequest, KillEntryRequest};
use osprey_store::{IpRuleRecord, KillEntryRecord};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::location;
use crate::{
    auth::{AdminScope, AuthUser},
    error::ApiError,
    extract::Json,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_ip_rules, create_ip_rule))
        .routes(routes!(delete_ip_rule))
        .routes(routes!(move_ip_rule))
        .routes(routes!(list_kill_entries, create_kill_entry))
        .routes(routes!(delete_kill_entry))
}

fn server_admin(user: &AuthUser, write: bool) -> Result<(), ApiError> {
    match user.admin_scope(write)? {
        AdminScope::All => Ok(()),
        AdminScope::Domains(_) => Err(ApiError::forbidden(
            "access rules are server-wide: this needs a server administrator",
        )),
    }
}

/// An IP rule as the API shows it.
pub fn ip_rule(r: IpRuleRecord) -> IpRule {
    IpRule {
        action: if r.action == "allow" {
            IpAction::Allow
        } else {
            IpAction::Deny
        },
        id: r.id,
        position: r.position,
        network: r.network,
        listener: r.listener,
        expires_at: r.expires_at,
        hits: r.hits,
        note: r.note,
        created_at: r.created_at,
    }
}

/// A kill-file entry as the API shows it, with its domain's name.
pub fn kill_entry(e: KillEntryRecord, domain: Option<String>) -> KillEntry {
    KillEntry {
        domain,
        kind: match e.kind.as_str() {
            "address" => KillKind::Address,
            "domain" => KillKind::Domain,
            _ => KillKind::Host,
        },
        id: e.id,
        value: e.value,
        hits: e.hits,
        note: e.note,
        created_at: e.created_at,
    }
}

/// IP rules in the order they are tried.
#[utoipa::path(get, path = "/admin/ip-rules", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<IpRule>), (status = 403, body = Problem)))]
pub async fn list_ip_rules(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<IpRule>>, ApiError> {
    server_admin(&user, false)?;
    Ok(Json(
        state
            .store
            .access()
            .ip_rules()
            .await?
            .into_iter()
            .map(ip_rule)
            .collect(),
    ))
}

/// Adds an IP rule after the existing ones.
#[utoipa::path(post, path = "/admin/ip-rules", tag = "admin", security(("bearer" = [])), request_body = CreateIpRule,
    responses((status = 201, body = IpRule), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_ip_rule(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<CreateIpRule>,
) -> Result<impl IntoResponse, ApiError> {
    server_admin(&user, true)?;
    let created = state
        .directory
        .create_ip_rule(
            &user.actor(),
            IpRuleRequest {
                action: match req.action {
                    IpAction::Allow => "allow",
                    IpAction::Deny => "deny",
                }
                .into(),
                network: req.network,
                listener: req.listener,
                expires_at: req.expires_at,
                note: req.note,
            },
        )
        .await?;
    let id = created.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/admin/ip-rules", &id),
        Json(ip_rule(created)),
    ))
}

/// Moves an IP rule to another place in the order they are tried; returns the rules in
/// their new order.
#[utoipa::path(put, path = "/admin/ip-rules/{id}/position", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The rule's id")), request_body = MoveIpRule,
    responses((status = 200, body = Vec<IpRule>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn move_ip_rule(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<MoveIpRule>,
) -> Result<Json<Vec<IpRule>>, ApiError> {
    server_admin(&user, true)?;
    let rules = state
        .directory
        .move_ip_rule(&user.actor(), &id, req.position)
        .await?;
    Ok(Json(rules.into_iter().map(ip_rule).collect()))
}

/// Removes an IP rule.
#[utoipa::path(delete, path = "/admin/ip-rules/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The rule's id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_ip_rule(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    server_admin(&user, true)?;
    state.directory.delete_ip_rule(&user.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The kill file.
#[utoipa::path(get, path = "/admin/kill-file", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<KillEntry>), (status = 403, body = Problem)))]
pub async fn list_kill_entries(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<KillEntry>>, ApiError> {
    server_admin(&user, false)?;
    let mut out = Vec::new();
    for e in state.store.access().kill_entries().await? {
        let domain = match &e.domain_id {
            Some(id) => Some(state.store.domains().domain(id).await?.name),
            None => None,
        };
        out.push(kill_entry(e, domain));
    }
    Ok(Json(out))
}

/// Adds a kill-file entry.
#[utoipa::path(post, path = "/admin/kill-file", tag = "admin", security(("bearer" = [])), request_body = CreateKillEntry,
    responses((status = 201, body = KillEntry), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_kill_entry(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<CreateKillEntry>,
) -> Result<impl IntoResponse, ApiError> {
    server_admin(&user, true)?;
    let (created, domain) = state
        .directory
        .create_kill_entry(
            &user.actor(),
            KillEntryRequest {
                kind: match req.kind {
                    KillKind::Address => "address",
                    KillKind::Domain => "domain",
                    KillKind::Host => "host",
                }
                .into(),
                value: req.value,
                domain: req.domain,
                note: req.note,
            },
        )
        .await?;
    let id = created.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/admin/kill-file", &id),
        Json(kill_entry(created, domain)),
    ))
}

/// Removes a kill-file entry.
#[utoipa::path(delete, path = "/admin/kill-file/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The entry's id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_kill_entry(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    server_admin(&user, true)?;
    state
        .directory
        .delete_kill_entry(&user.actor(), &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
