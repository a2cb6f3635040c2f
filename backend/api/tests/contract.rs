//! The published contract: the committed OpenAPI document, docs, health and metrics, and
//! the paths the REST router owns.

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
    assert!(text.contains("osprey_logins_total"), "{text}");
}

/// The REST router answers only its own paths: an unknown `/api/` path is a problem+json
/// 404, anything else is left to the application that merges it (the web app's files).
#[tokio::test]
async fn the_router_owns_api_paths_only() {
    let t = TestApp::new().await;
    let r = t
        .call(Method::GET, "/api/v1/no-such-thing", None, None)
        .await
        .expect(StatusCode::NOT_FOUND);
    assert_eq!(r.body["code"], "not_found");
    let r = t.call(Method::GET, "/admin/domains", None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.headers.get("content-security-policy").is_none(),
        "the web app's headers are not the REST router's"
    );
}

/// The document says what the server does: every response is described; a secured
/// operation declares 401; errors are `application/problem+json`; `limit` is 1 to 500;
/// a page references its item schema; there is a server to call.
#[test]
fn the_document_describes_what_the_server_answers() {
    let doc = serde_json::to_value(osprey_api::openapi()).unwrap();
    assert_eq!(doc["servers"][0]["url"], "/");
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let at = format!("{} {path}", method.to_uppercase());
            let responses = op["responses"].as_object().unwrap();
            for (status, response) in responses {
                let description = response["description"].as_str().unwrap_or("");
                assert!(!description.is_empty(), "{at} {status} has no description");
                // A redirect (an ad's click) has no body.
                if !status.starts_with('2') && !status.starts_with('3') && path.starts_with("/api/")
                {
                    let media: Vec<&String> =
                        response["content"].as_object().unwrap().keys().collect();
                    assert_eq!(media, ["application/problem+json"], "{at} {status}");
                }
            }
            let secured = op["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().unwrap().contains_key("bearer"))
            });
            if secured {
                assert!(responses.contains_key("401"), "{at} declares no 401");
            }
            if path.starts_with("/api/") {
                assert!(responses.contains_key("5XX"), "{at} declares no 5XX");
            }
            if op.get("requestBody").is_some() {
                for status in ["400", "415", "422"] {
                    assert!(responses.contains_key(status), "{at} declares no {status}");
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["name"] == "limit" {
                    assert_eq!(p["schema"]["minimum"], 1, "{at}");
                    assert_eq!(p["schema"]["maximum"], 500, "{at}");
                }
            }
        }
    }
    assert!(operations > 40);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let pages: Vec<&String> = schemas.keys().filter(|k| k.starts_with("Page_")).collect();
    assert!(!pages.is_empty());
    for name in pages {
        let item = name.strip_prefix("Page_").unwrap();
        assert_eq!(
            schemas[name]["properties"]["items"]["items"]["$ref"],
            format!("#/components/schemas/{item}"),
            "{name} references {item} instead of copying it"
        );
    }
}
