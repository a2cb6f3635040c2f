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
pub mod error;
pub mod extract;
mod observe;
mod routes;
pub mod state;
mod strict;
mod validate;

use axum::Router;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

pub use observe::metrics_handle;
pub use state::{ApiSettings, AppState};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Osprey API",
        description = "The REST API of the Osprey mail and calendar server: everything the web app does, a script can do.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Signing in and out"),
        (name = "me", description = "The signed-in account"),
        (name = "admin", description = "Domains, accounts and aliases"),
        (name = "ops", description = "Health and metrics"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or API key (osk_...)")
                    .build(),
            ),
        );
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .merge(routes::auth::router())
        .merge(routes::me::router())
        .merge(routes::mailboxes::router())
        .merge(routes::domains::router())
        .merge(routes::dkim::router())
        .merge(routes::accounts::router())
        .merge(routes::aliases::router())
        .merge(routes::access::router())
        .merge(routes::messages::router())
        .merge(routes::queue::router())
        .merge(routes::relay::router());
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", v1)
        .merge(routes::health::router())
}

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

/// The REST router: `/api/v1` (with a problem+json 404 for any other `/api/` path), the
/// OpenAPI document at `/api/v1/openapi.json`, Swagger UI at `/api/docs`, and `/healthz`,
/// `/readyz` and `/metrics`.
///
/// It carries no cross-cutting middleware: the server applies the security headers, the
/// request body limit and the request metrics to the composed application.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api_router().split_for_parts();
    let api = api
        .route("/api/{*rest}", axum::routing::any(error::api_not_found))
        .with_state(state);
    Router::new()
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", doc))
        .merge(api)
}
