//! The HTTP application: every router the server offers, merged in one place, under the
//! middleware they all share.
//!
//! - `osprey_api::router`: the REST API (`/api/v1`), its OpenAPI document and Swagger UI
//!   (`/api/v1/openapi.json`, `/api/docs`), `/healthz`, `/readyz`, `/metrics`.
//! - CalDAV and CardDAV, when they come, are merged next to it (see [`app`]).
//! - The web app ([`web`]) answers every other path: its files, and `index.html` for the
//!   client-side routes.
//!
//! The middleware here wraps all of them: the security headers, the request body limit
//! and the request metrics and logs.

pub mod web;

use std::time::Instant;

use axum::{
    Router,
    extract::{DefaultBodyLimit, MatchedPath, Request},
    http::{HeaderValue, header},
    middleware::{self, Next},
    response::Response,
};
use osprey_api::AppState;
use tower_http::set_header::SetResponseHeaderLayer;

pub use web::WebApp;

/// Largest request body an extractor accepts. A router that needs more (DAV uploads)
/// sets its own `DefaultBodyLimit` on its routes, which takes precedence.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The whole HTTP application.
pub fn app(state: AppState, web: WebApp) -> Router {
    let directory = state.directory.clone();
    Router::new()
        .merge(osprey_api::router(state))
        // CalDAV and CardDAV go here, as `.merge(osprey_dav::router(..))`: their routes
        // (`/.well-known/caldav`, `/.well-known/carddav`, `/dav/...`) answer XML with
        // Basic authentication and are not part of the OpenAPI document; their paths must
        // not overlap the REST router's (axum refuses overlapping routes at start-up).
        .fallback_service(web::service(web, directory))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(track))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

/// Counts and times each request by route template (never by raw path, which would
/// put ids into label values), and logs it.
async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| {
            if req.uri().path().starts_with("/api/") {
                "/api/*".into()
            } else {
                "static".into()
            }
        });
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let elapsed = start.elapsed();
    metrics::counter!("osprey_http_requests_total", "method" => method.to_string(), "route" => route.clone(), "status" => status.clone()).increment(1);
    metrics::histogram!("osprey_http_request_duration_seconds", "route" => route.clone())
        .record(elapsed.as_secs_f64());
    tracing::debug!(%method, route, status, ms = elapsed.as_millis() as u64, "http");
    res
}

#[cfg(test)]
mod tests;
