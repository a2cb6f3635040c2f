//! `/admin/ip-rules` and `/admin/kill-file`: access control for the mail listeners,
//! server-wide, so for server administrators only.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use osprey_api_types::{
    CreateIpRule, CreateKillEntry, IpAction, IpRule, KillEntry, KillKind, Problem,
};
use osprey_core::{Address, DomainName, IpNet};
use osprey_store::{IpRuleRecord, KillEntryRecord, NewIpRule};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::location;
use crate::{
    auth::{AdminScope, AuthUser},
    error::ApiError,
    extract::Json,
    state::AppState,
    validate::Checks,
};

/// The listeners an IP rule may name.
const LISTENERS: [&str; 3] = ["smtp", "submission", "submissions"];
/// Longest note.
const MAX_NOTE: usize = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_ip_rules, create_ip_rule))
        .routes(routes!(delete_ip_rule))
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

fn ip_rule(r: IpRuleRecord) -> IpRule {
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

fn kill_entry(e: KillEntryRecord, domain: Option<String>) -> KillEntry {
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

fn check_note(checks: &mut Checks, note: &Option<String>) -> String {
    let note = note.as_deref().unwrap_or("").trim().to_owned();
    if note.len() > MAX_NOTE {
        checks.fail("note", format!("at most {MAX_NOTE} bytes"));
    }
    note
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
    let mut checks = Checks::default();
    let network = match req.network.parse::<IpNet>() {
        Ok(n) => Some(n),
        Err(e) => {
            checks.fail("network", e.to_string());
            None
        }
    };
    if let Some(l) = &req.listener
        && !LISTENERS.contains(&l.as_str())
    {
        checks.fail("listener", format!("one of {}", LISTENERS.join(", ")));
    }
    if req.expires_at.is_some_and(|at| at <= chrono::Utc::now()) {
        checks.fail("expires_at", "must be in the future");
    }
    let note = check_note(&mut checks, &req.note);
    checks.finish()?;
    let record = state
        .store
        .access()
        .create_ip_rule(NewIpRule {
            action: match req.action {
                IpAction::Allow => "allow",
                IpAction::Deny => "deny",
            }
            .into(),
            network: network.expect("checked").to_string(),
            listener: req.listener,
            expires_at: req.expires_at,
            note,
        })
        .await?;
    let id = record.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/admin/ip-rules", &id),
        Json(ip_rule(record)),
    ))
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
    state.store.access().delete_ip_rule(&id).await?;
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
    let mut checks = Checks::default();
    let raw = req.value.trim();
    let value = match req.kind {
        KillKind::Address => Address::parse(raw)
            .map(|a| a.key())
            .map_err(|e| e.to_string()),
        KillKind::Domain => DomainName::parse(raw)
            .map(|d| d.as_str().to_owned())
            .map_err(|e| e.to_string()),
        KillKind::Host => match raw.parse::<IpNet>() {
            Ok(n) => Ok(n.to_string()),
            Err(_) => DomainName::parse(raw)
                .map(|d| d.as_str().to_owned())
                .map_err(|_| "an IP address, network or host name".to_owned()),
        },
    };
    let value = match value {
        Ok(v) => Some(v),
        Err(e) => {
            checks.fail("value", e);
            None
        }
    };
    let note = check_note(&mut checks, &req.note);
    let domain = match req.domain.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => match state.store.domains().domain_by_name(name).await {
            Ok(d) => Some(d),
            Err(osprey_store::StoreError::NotFound) => {
                checks.fail("domain", "not a local domain");
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    checks.finish()?;
    let kind = match req.kind {
        KillKind::Address => "address",
        KillKind::Domain => "domain",
        KillKind::Host => "host",
    };
    let record = state
        .store
        .access()
        .create_kill_entry(
            kind,
            &value.expect("checked"),
            &note,
            domain.as_ref().map(|d| d.id.as_str()),
        )
        .await?;
    let id = record.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/admin/kill-file", &id),
        Json(kill_entry(record, domain.map(|d| d.name))),
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
    state.store.access().delete_kill_entry(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}
