//! `/admin/audit`: the audit log of administrative changes, read by administrators (a
//! domain administrator sees its domains' entries only), and its retention.

use axum::extract::State;
use chrono::{DateTime, Utc};
use osprey_api_types::{
    AuditEntry, AuditField, AuditSettings, AuditVia, Page, Problem, UpdateAuditSettings,
};
use osprey_directory::{AuditFilter, field_changes};
use osprey_store::AuditRecord;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::page_limit;
use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(get_audit_settings, set_audit_settings))
}

/// Which entries of the audit log to read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Words each of which the actor, IP address, action or target holds.
    pub q: Option<String>,
    /// Actions starting with this: `account.` or `account.update`.
    pub action: Option<String>,
    /// Entries at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Entries before this time.
    pub until: Option<DateTime<Utc>>,
}

/// An entry as the API shows it.
fn entry(record: AuditRecord) -> AuditEntry {
    let changes = field_changes(&record)
        .into_iter()
        .map(|c| AuditField {
            field: c.field,
            before: c.before,
            after: c.after,
        })
        .collect();
    AuditEntry {
        via: match record.via.as_str() {
            "api" => AuditVia::Api,
            "cli" => AuditVia::Cli,
            _ => AuditVia::Web,
        },
        id: record.id,
        at: record.at,
        actor: record.actor,
        actor_id: record.actor_id,
        ip: record.ip,
        action: record.action,
        target: record.target,
        domain_id: record.domain_id,
        changes,
    }
}

/// The audit log, newest first: every change made by an administrator (or a list
/// owner) through the web app, the API or the command line.
#[utoipa::path(get, path = "/admin/audit", tag = "admin", security(("bearer" = [])), params(AuditParams),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_audit(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<AuditParams>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    user.admin_scope(false)?;
    let limit = page_limit(params.limit, 50)?;
    let page = state
        .directory
        .audit_log(
            &user.actor(),
            AuditFilter {
                q: params.q,
                action: params.action,
                since: params.since,
                until: params.until,
                cursor: params.cursor,
                limit: limit.into(),
            },
        )
        .await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(entry).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// How long the audit log keeps its entries.
#[utoipa::path(get, path = "/admin/audit/settings", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = AuditSettings), (status = 403, body = Problem)))]
pub async fn get_audit_settings(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<AuditSettings>, ApiError> {
    user.admin_scope(false)?;
    let retention_days = state.directory.audit_retention_days(&user.actor()).await?;
    Ok(Json(AuditSettings { retention_days }))
}

/// Sets how long the audit log keeps its entries (server administrators); older
/// entries are removed at once.
#[utoipa::path(put, path = "/admin/audit/settings", tag = "admin", security(("bearer" = [])), request_body = UpdateAuditSettings,
    responses((status = 200, body = AuditSettings), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_audit_settings(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<UpdateAuditSettings>,
) -> Result<Json<AuditSettings>, ApiError> {
    user.server_admin(true)?;
    let retention_days = state
        .directory
        .set_audit_retention_days(&user.actor(), req.retention_days)
        .await?;
    Ok(Json(AuditSettings { retention_days }))
}
