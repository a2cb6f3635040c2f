//! The web app's static files, with `index.html` for every client-side route.
//! (`web_dir`, or `frontend/dist` in the working directory, or `web/` next to the binary.)

use std::path::PathBuf;

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse},
    routing::{MethodRouter, get},
};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

/// What the browser may load on the web app's pages: only our own origin; wasm needs
/// `wasm-unsafe-eval`.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Serves `dir` (falling back to its `index.html`), or a plain page when the web app has
/// not been built.
pub fn service(dir: Option<PathBuf>) -> MethodRouter {
    let csp = SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    match dir.filter(|d| d.join("index.html").is_file()) {
        Some(dir) => {
            let index = dir.join("index.html");
            axum::routing::get_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
                .layer(csp)
        }
        None => get(not_built).layer(csp),
    }
}

async fn not_built() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            "<!doctype html><title>Osprey</title><h1>Osprey</h1>\
             <p>The web app is not built. Run <code>cargo xtask build</code>, or set <code>web_dir</code>.</p>\
             <p>The API works: see <a href=\"/api/docs\">/api/docs</a>.</p>",
        ),
    )
}
