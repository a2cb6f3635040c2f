//! The published contract: the committed OpenAPI document, docs, health and metrics.

use axum::http::{Method, StatusCode};

use crate::support::*;

#[test]
fn committed_openapi_matches_the_code() {
    let generated = osprey_api::openapi().to_pretty_json().unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed.trim_end() == generated.trim_end(),
        "openapi/openapi.json is stale: regenerate it with `cargo run -p osprey -- openapi > openapi/openapi.json`"
    );
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/auth/login",
        "/api/v1/admin/domains",
        "/api/v1/admin/accounts/{id}",
        "/api/v1/admin/aliases",
        "/api/v1/me/api-keys",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
}

#[tokio::test]
async fn docs_health_and_metrics_are_served() {
    let t = TestApp::new().await;
    let r = t
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["info"]["title"], "Osprey API");
    let r = t
        .call(Method::GET, "/api/docs/", None, None)
        .await
        .expect(StatusCode::OK);
    assert!(
        r.body.as_str().unwrap().contains("swagger"),
        "Swagger UI page"
    );
    let r = t
        .call(Method::GET, "/healthz", None, None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["status"], "ok");
    let r = t
        .call(Method::GET, "/readyz", None, None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["status"], "ok");
    t.login(ADMIN, "Wrong-Password-1").await;
    let r = t
        .call(Method::GET, "/metrics", None, None)
        .await
        .expect(StatusCode::OK);
    let text = r.body.as_str().unwrap();
    assert!(text.contains("osprey_http_requests_total"), "{text}");
    assert!(text.contains("osprey_logins_total"), "{text}");
    let r = t.call(Method::GET, "/admin/domains", None, None).await;
    assert_eq!(
        r.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "no web app built in tests: an explanatory page"
    );
    assert!(r.headers.get("content-security-policy").is_some());
}
