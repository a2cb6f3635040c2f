//! Osprey's REST API (`/api/v1`), its OpenAPI document, Swagger UI, health and metrics
//! endpoints, and the static files of the web app.
//!
//! Entry points: [`app`] builds the whole HTTP application from an [`AppState`];
//! [`openapi`] returns the OpenAPI document (what `osprey openapi` prints). Each resource
//! module under `routes` owns its router and handlers; authentication is the
//! [`auth::AuthUser`] extractor, so a handler cannot forget it. This crate does not open
//! sockets or read configuration: the server passes everything in.

pub mod auth;
mod convert;
pub mod error;
pub mod extract;
mod observe;
mod routes;
pub mod state;
mod validate;
mod web;

use axum::{Router, extract::DefaultBodyLimit, http::HeaderValue, middleware};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

pub use observe::metrics_handle;
pub use state::{ApiSettings, AppState};

/// Largest request body accepted by the API.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

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

/// The whole HTTP application: API, docs, health, metrics and the web app.
pub fn app(state: AppState) -> Router {
    let (api, doc) = api_router().split_for_parts();
    let web_dir = state.settings.web_dir.clone();
    let api = api
        .route("/api/{*rest}", axum::routing::any(error::api_not_found))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);
    Router::new()
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", doc))
        .merge(api)
        .fallback_service(web::service(web_dir))
        .layer(middleware::from_fn(observe::track))
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}
