//! Osprey's REST API (`/api/v1`), its OpenAPI document, Swagger UI, and the health and
//! metrics endpoints.
//!
//! Entry points: [`router`] builds the REST router from an [`AppState`]; [`openapi`]
//! returns the OpenAPI document (what `osprey openapi` prints). Each resource module under
//! `routes` owns its router and handlers; authentication is the [`auth::AuthUser`]
//! extractor, so a handler cannot forget it. This crate does not open sockets, read
//! configuration or serve the web app: the server composes the HTTP application (this
//! router, the web app, later DAV) and applies the middleware every response shares
//! (security headers, the body limit, request metrics).

pub mod auth;
mod convert;
mod document;
pub mod error;
pub mod extract;
mod observe;
mod routes;
mod rule_wire;
pub mod state;
mod strict;
mod validate;

use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

pub use observe::metrics_handle;
pub use routes::authorization::{AUTHORIZATION, Access, Rule};
/// A domain's DNS records as the API shows them, for the CLI.
pub use routes::domain_dns;
/// Records as the API shows them (domains, accounts, aliases, access rules, the queue,
/// lists, server settings), for the CLI's `--json`.
pub mod dto {
    pub use crate::convert::{account, account_stats, alias, domain, server_stats, stats_range};
    pub use crate::routes::access::{ip_rule, kill_entry};
    pub use crate::routes::account_import::report_view as account_import_report;
    pub use crate::routes::ads::to_api as ad_campaign;
    pub use crate::routes::branding::to_api as branding;
    pub use crate::routes::lists::{list as mailing_list, member as list_member};
    pub use crate::routes::queue::to_api as queued_message;
    pub use crate::routes::relay::to_api as relay_policy;
    pub use crate::routes::server_settings::settings_view;
}
pub use state::{ApiSettings, AppState};

fn api_router() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .merge(routes::auth::router())
        .merge(routes::me::router())
        .merge(routes::mailboxes::router())
        .merge(routes::mailbox_edit::router())
        .merge(routes::reading::router())
        .merge(routes::organize::router())
        .merge(routes::domains::router())
        .merge(routes::dkim::router())
        .merge(routes::domain_dns::router())
        .merge(routes::domain_admins::router())
        .merge(routes::account_import::router())
        .merge(routes::accounts::router())
        .merge(routes::aliases::router())
        .merge(routes::lists::router())
        .merge(routes::list_archive::router())
        .merge(routes::access::router())
        .merge(routes::audit::router())
        .merge(routes::server_settings::router())
        .merge(routes::stats::router())
        .merge(routes::ads::router())
        .merge(routes::branding::router())
        .merge(routes::messages::router())
        .merge(routes::drafts::router())
        .merge(routes::events::router())
        .merge(routes::uploads::router())
        .merge(routes::queue::router())
        .merge(routes::relay::router())
        .merge(routes::senders::router())
        .merge(routes::rules::router())
        .merge(routes::rule_runs::router())
        .merge(routes::contacts::router())
        .merge(routes::calendars::router())
        .merge(routes::calendar_items::router())
        .merge(routes::calendar_reminders::router())
        .merge(routes::calendar_search::router())
        .merge(routes::message_invitation::router())
        .merge(routes::spell::router())
        .merge(routes::downloads::router())
        .merge(routes::search::router());
    OpenApiRouter::with_openapi(document::ApiDoc::openapi())
        .nest("/api/v1", v1)
        .merge(routes::health::router())
}

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    document::finish(api_router().split_for_parts().1)
}

/// The REST router: `/api/v1` (with a problem+json 404 for any other `/api/` path), the
/// OpenAPI document at `/api/v1/openapi.json`, Swagger UI at `/api/docs`, `/healthz`,
/// `/readyz` and `/metrics`, and the lists' one-click unsubscription pages
/// (`/lists/unsubscribe/{token}`, RFC 8058).
///
/// It carries no cross-cutting middleware: the server applies the security headers, the
/// request body limit and the request metrics to the composed application.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api_router().split_for_parts();
    let doc = document::finish(doc);
    let api = api
        .route("/api/{*rest}", axum::routing::any(error::api_not_found))
        .merge(routes::list_pages::router())
        .merge(routes::client_setup::router())
        .merge(routes::archive_pages::router())
        .with_state(state);
    Router::new()
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", doc))
        .merge(api)
}
