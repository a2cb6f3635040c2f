//! `/admin/domains/{id}/dns`: the DNS records a domain publishes for this server (MX,
//! SPF, its DKIM key, DMARC, the mail clients' service records and set-up names, the
//! MTA-STS policy's records when the server publishes one), and with `check=true`
//! what the DNS answers for each, looked up through the server's resolver.

use std::sync::Arc;

use axum::extract::{Path, State};
use chrono::Utc;
use osprey_api_types::{DnsRecord, DnsStatus, DomainDns, Problem};
use osprey_core::MtaStsMode;
use osprey_mail::auth::{dns_record, ensure_dkim_key};
use osprey_mail::dns::{
    Resolver,
    setup::{self, Checked, DomainSetup, Expected, Services, Status},
};
use osprey_store::{DkimKeyRecord, DomainRecord};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::dkim::visible;
use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_domain_dns))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DnsParams {
    /// Look each record up and say how what is published compares.
    #[serde(default)]
    pub check: bool,
}

/// The records the domain should publish; with `check=true`, each with what the DNS
/// answers for it now (the server's resolver, uncached).
#[utoipa::path(get, path = "/admin/domains/{id}/dns", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The domain's id"), DnsParams),
    responses((status = 200, body = DomainDns), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_domain_dns(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(params): Query<DnsParams>,
) -> Result<Json<DomainDns>, ApiError> {
    let domain = visible(&state, &user, &id, false).await?;
    let key = ensure_dkim_key(&state.store, &domain.id).await?;
    let host = &state.settings.hostname;
    let mta_sts = state.directory.mta_sts_mode();
    let expected = expected(&domain, &key, host, &state.settings.services, mta_sts);
    Ok(Json(
        report(
            &domain.name,
            host,
            expected,
            params.check.then(|| state.dns.clone()),
        )
        .await,
    ))
}

/// The records `domain` should publish for this server (`mail_host`, its `services`,
/// the mode of its MTA-STS policy) with its DKIM `key`.
pub fn expected(
    domain: &DomainRecord,
    key: &DkimKeyRecord,
    mail_host: &str,
    services: &Services,
    mta_sts: MtaStsMode,
) -> Vec<Expected> {
    let dkim_value = dns_record(&key.public_key);
    setup::expected(&DomainSetup {
        domain: &domain.name,
        mail_host,
        dkim: Some((&key.selector, &dkim_value)),
        services,
        mta_sts,
    })
}

/// The records as the API shows them; checked through `check` when given.
pub async fn report(
    domain: &str,
    mail_host: &str,
    expected: Vec<Expected>,
    check: Option<Arc<dyn Resolver>>,
) -> DomainDns {
    let (records, checked_at) = match check {
        Some(dns) => {
            let checked = setup::check(dns, mail_host, expected).await;
            (
                checked.into_iter().map(checked_record).collect(),
                Some(Utc::now()),
            )
        }
        None => (expected.into_iter().map(record).collect(), None),
    };
    DomainDns {
        domain: domain.to_owned(),
        mail_host: mail_host.to_owned(),
        records,
        checked_at,
    }
}

fn record(e: Expected) -> DnsRecord {
    DnsRecord {
        purpose: e.purpose.as_str().to_owned(),
        zone_line: e.zone_line(),
        name: e.name,
        record_type: e.kind.as_str().to_owned(),
        value: e.value,
        required: e.required,
        about: e.about,
        status: None,
        found: Vec::new(),
        advice: None,
    }
}

fn checked_record(c: Checked) -> DnsRecord {
    DnsRecord {
        status: Some(match c.status {
            Status::Ok => DnsStatus::Ok,
            Status::Missing => DnsStatus::Missing,
            Status::Different => DnsStatus::Different,
            Status::Unknown => DnsStatus::Unknown,
        }),
        found: c.found,
        advice: c.advice,
        ..record(c.expected)
    }
}
