//! The public set-up answers, outside the REST API, that mail clients and other mail
//! servers fetch by well-known addresses:
//!
//! - `/.well-known/autoconfig/mail/config-v1.1.xml` and `/mail/config-v1.1.xml` (at
//!   `autoconfig.<domain>`): Mozilla's autoconfig file for the domain of the
//!   `emailaddress` asked about, else of the host asked.
//! - `POST /autodiscover/autodiscover.xml` (at `autodiscover.<domain>` or the domain):
//!   Outlook's plain-XML autodiscover for the `EMailAddress` of the request.
//! - `/.well-known/mta-sts.txt` (at `mta-sts.<domain>`): the domain's MTA-STS policy
//!   (RFC 8461 §3.2).
//!
//! Each answers only for this server's domains (404 otherwise) and says nothing about
//! accounts: the same answer comes for any address of a domain.

use axum::{
    Router,
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use osprey_directory::{MailDomain, branding::host_name};
use osprey_mail::{client_setup, dns::mta_sts::Policy};
use serde::Deserialize;

use crate::state::AppState;

/// The largest autodiscover request read.
const MAX_REQUEST: usize = 16 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/.well-known/autoconfig/mail/config-v1.1.xml",
            get(autoconfig),
        )
        .route("/mail/config-v1.1.xml", get(autoconfig))
        .route("/autodiscover/autodiscover.xml", post(autodiscover))
        .route("/Autodiscover/Autodiscover.xml", post(autodiscover))
        .route("/.well-known/mta-sts.txt", get(mta_sts))
}

fn host(headers: &HeaderMap) -> String {
    host_name(crate::extract::host_header(headers))
}

fn reply(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn text(status: StatusCode, body: &str) -> Response {
    reply(status, "text/plain; charset=utf-8", format!("{body}\n"))
}

/// The domain `name` names, or the reply that says why there is none.
async fn domain(state: &AppState, name: &str) -> Result<MailDomain, Response> {
    match state.directory.mail_domain(name).await {
        Ok(Some(d)) => Ok(d),
        Ok(None) => Err(text(
            StatusCode::NOT_FOUND,
            "This server keeps no mail for that domain.",
        )),
        Err(e) => {
            tracing::warn!(error = %e, "a mail domain could not be read");
            Err(text(
                StatusCode::SERVICE_UNAVAILABLE,
                "The server cannot answer now; try again later.",
            ))
        }
    }
}

#[derive(Deserialize)]
struct AutoconfigParams {
    emailaddress: Option<String>,
}

/// Mozilla autoconfig: for the address's domain, else the host's (`autoconfig.`
/// dropped).
async fn autoconfig(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<AutoconfigParams>,
) -> Response {
    let host = host(&headers);
    let name = match params
        .emailaddress
        .as_deref()
        .and_then(|a| a.rsplit_once('@'))
    {
        Some((_, domain)) => domain.to_owned(),
        None => host.strip_prefix("autoconfig.").unwrap_or(&host).to_owned(),
    };
    match domain(&state, &name).await {
        Ok(d) => reply(
            StatusCode::OK,
            "application/xml; charset=utf-8",
            client_setup::autoconfig(
                &d.domain.name,
                &d.product_name,
                &state.settings.hostname,
                &state.settings.services,
            ),
        ),
        Err(r) => r,
    }
}

/// Outlook's autodiscover: the request names the address.
async fn autodiscover(State(state): State<AppState>, body: Bytes) -> Response {
    if body.len() > MAX_REQUEST {
        return text(StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.");
    }
    let Some(address) = std::str::from_utf8(&body)
        .ok()
        .and_then(client_setup::autodiscover_address)
    else {
        return text(
            StatusCode::BAD_REQUEST,
            "The request names no address (EMailAddress).",
        );
    };
    let name = address.rsplit_once('@').map_or("", |(_, d)| d);
    match domain(&state, name).await {
        Ok(_) => reply(
            StatusCode::OK,
            "application/xml; charset=utf-8",
            client_setup::autodiscover(
                &address,
                &state.settings.hostname,
                &state.settings.services,
            ),
        ),
        Err(r) => r,
    }
}

/// The MTA-STS policy of the domain of `mta-sts.<domain>`.
async fn mta_sts(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let host = host(&headers);
    let Some(name) = host.strip_prefix("mta-sts.") else {
        return text(
            StatusCode::NOT_FOUND,
            "The policy is served at mta-sts.<domain>.",
        );
    };
    // With no policy set the file says `mode: none`, which withdraws one that senders
    // still keep (RFC 8461 §8.3); they fetch it only while a `_mta-sts` record exists.
    let mode = state.directory.mta_sts_mode();
    match domain(&state, name).await {
        // RFC 8461 §3.3: "the HTTP response body is ... served with a Content-Type of
        // text/plain".
        Ok(_) => reply(
            StatusCode::OK,
            "text/plain; charset=utf-8",
            Policy::new(mode, &state.settings.hostname).text(),
        ),
        Err(r) => r,
    }
}
