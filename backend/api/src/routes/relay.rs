//! `/admin/relay`: the relay policy and the "would this relay?" check, server-wide, so
//! for server administrators only. The policy takes effect at the next `RCPT TO`.

use axum::extract::State;
use osprey_api_types::{Problem, RelayCheck, RelayMode, RelayPolicy, RelayVerdict};
use osprey_core as core;
use osprey_mail::{Refusal, Verdict};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState, validate::Checks};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_relay_policy, set_relay_policy))
        .routes(routes!(check_relay))
}

/// The relay policy as the API shows it.
pub fn to_api(p: core::RelayPolicy) -> RelayPolicy {
    RelayPolicy {
        mode: match p.mode {
            core::RelayMode::LocalHosts => RelayMode::LocalHosts,
            core::RelayMode::LocalUsers => RelayMode::LocalUsers,
            core::RelayMode::ListedAddresses => RelayMode::ListedAddresses,
            core::RelayMode::NoRelay => RelayMode::NoRelay,
        },
        networks: p.networks.iter().map(ToString::to_string).collect(),
        destinations: p.destinations.iter().map(ToString::to_string).collect(),
    }
}

/// The relay policy.
#[utoipa::path(get, path = "/admin/relay", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = RelayPolicy), (status = 403, body = Problem)))]
pub async fn get_relay_policy(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<RelayPolicy>, ApiError> {
    user.server_admin(false)?;
    Ok(Json(to_api(state.store.settings().relay_policy().await?)))
}

/// Replaces the relay policy.
#[utoipa::path(put, path = "/admin/relay", tag = "admin", security(("bearer" = [])), request_body = RelayPolicy,
    responses((status = 200, body = RelayPolicy), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_relay_policy(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<RelayPolicy>,
) -> Result<Json<RelayPolicy>, ApiError> {
    user.server_admin(true)?;
    let mode = match req.mode {
        RelayMode::LocalHosts => core::RelayMode::LocalHosts,
        RelayMode::LocalUsers => core::RelayMode::LocalUsers,
        RelayMode::ListedAddresses => core::RelayMode::ListedAddresses,
        RelayMode::NoRelay => core::RelayMode::NoRelay,
    };
    let policy = state
        .directory
        .set_relay_policy(&user.actor(), mode, &req.networks, &req.destinations)
        .await?;
    Ok(Json(to_api(policy)))
}

/// Answers whether a recipient would be accepted for this client, and which rule
/// decides. Nothing is sent and no counter changes.
#[utoipa::path(post, path = "/admin/relay/check", tag = "admin", security(("bearer" = [])), request_body = RelayCheck,
    responses((status = 200, body = RelayVerdict), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn check_relay(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<RelayCheck>,
) -> Result<Json<RelayVerdict>, ApiError> {
    user.server_admin(false)?;
    let mut checks = Checks::default();
    let ip = match req.client_ip.trim().parse::<std::net::IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) => {
            checks.fail("client_ip", "an IPv4 or IPv6 address");
            None
        }
    };
    if let Some(sender) = req.sender.as_deref().filter(|s| !s.is_empty()) {
        checks.address("sender", sender);
    }
    let recipient = checks.address("recipient", &req.recipient);
    checks.finish()?;
    let (ip, recipient) = (ip.expect("checked"), recipient.expect("checked"));
    let verdict = state
        .submission
        .verdict(Some(ip), req.authenticated, &recipient, 0)
        .await?;
    Ok(Json(relay_verdict(verdict)))
}

/// The submission service's verdict in the checker's words.
fn relay_verdict(verdict: Verdict) -> RelayVerdict {
    let (accepted, local, rule) = match verdict {
        Verdict::Accepted { .. } => (
            true,
            true,
            "the recipient is local: delivered here, no relaying".to_owned(),
        ),
        Verdict::Relayed { rule } => (true, false, rule),
        Verdict::Refused(Refusal::RelayDenied { rule }) => (false, false, rule),
        Verdict::Refused(Refusal::Unknown | Refusal::Disabled) => (
            false,
            true,
            "the domain is local but the recipient does not exist (550 5.1.1)".to_owned(),
        ),
        Verdict::Refused(Refusal::AliasLoop) => (
            false,
            true,
            "the recipient is an alias loop (550 5.4.6)".to_owned(),
        ),
        Verdict::Refused(Refusal::MailboxFull) => (
            false,
            true,
            "the recipient's mailbox is full (452 4.2.2)".to_owned(),
        ),
        Verdict::List(target) => (
            true,
            true,
            format!(
                "{} is a mailing list's address: no relaying",
                target.address
            ),
        ),
        Verdict::Refused(Refusal::List { reason }) => (false, true, reason),
        Verdict::Refused(Refusal::ListTooLarge { limit }) => (
            false,
            true,
            format!("the list takes messages up to {limit} octets (552 5.3.4)"),
        ),
    };
    RelayVerdict {
        accepted,
        local,
        rule,
    }
}
