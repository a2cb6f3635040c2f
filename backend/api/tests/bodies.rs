//! Request bodies are read as the OpenAPI document describes them: objects at every
//! depth, with only the fields their schema names (`additionalProperties: false`).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn unknown_fields_are_refused_at_every_depth_and_change_nothing() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(json!({"name": "new.example", "colour": "red"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["colour"], "{}", r.body);
    let domains = t
        .call(Method::GET, "/api/v1/admin/domains", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(domains.body["items"].as_array().unwrap().len(), 1);
    let id = domains.body["items"][0]["id"].as_str().unwrap().to_owned();

    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/domains/{id}"),
            Some(&admin),
            Some(json!({"settings": {"max_accounts": 5, "colour": 1}})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["settings.colour"], "{}", r.body);

    let r = t
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&admin),
            Some(json!({"display_name": "Changed", "nickname": "x"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["nickname"], "{}", r.body);
    let r = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": ADMIN, "password": PASSWORD, "remember": true})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["remember"], "{}", r.body);

    let domain = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/domains/{id}"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert!(domain.body["settings"].get("max_accounts").is_none());
    let me = t
        .call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_ne!(me.body["display_name"], "Changed");
}

/// serde reads a struct from an array (its fields in order); a nested object given as an
/// array is refused like a top-level one.
#[tokio::test]
async fn a_nested_object_given_as_an_array_is_refused() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let domains = t
        .call(Method::GET, "/api/v1/admin/domains", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    let id = domains.body["items"][0]["id"].as_str().unwrap().to_owned();
    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/domains/{id}"),
            Some(&admin),
            Some(json!({"settings": [null, 5]})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["settings"], "{}", r.body);

    let me = t
        .call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    let account = me.body["id"].as_str().unwrap().to_owned();
    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/accounts/{account}"),
            Some(&admin),
            Some(json!({"pop3": ["keep", 30]})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["pop3"], "{}", r.body);

    let domain = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/domains/{id}"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert!(domain.body["settings"].get("max_accounts").is_none());
    let me = t
        .call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.body["pop3"]["mode"], "offline");
}

/// Every object schema a request body reaches says `additionalProperties: false`, as the
/// server reads it: a new request type without `#[serde(deny_unknown_fields)]` fails here.
#[test]
fn every_request_body_schema_is_closed() {
    let doc = serde_json::to_value(osprey_api::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let mut open = Vec::new();
    let mut seen = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for media in op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flat_map(|c| c.values())
            {
                let at = format!("{} {path}", method.to_uppercase());
                closed(&media["schema"], schemas, &at, &mut seen, &mut open);
            }
        }
    }
    assert!(!seen.is_empty(), "request bodies were found");
    assert!(
        open.is_empty(),
        "schemas that allow unknown fields: {open:?}"
    );
}

fn closed(
    schema: &Value,
    schemas: &Value,
    at: &str,
    seen: &mut Vec<String>,
    open: &mut Vec<String>,
) {
    if let Some(target) = schema["$ref"].as_str() {
        let name = target.rsplit('/').next().unwrap().to_owned();
        if !seen.contains(&name) {
            seen.push(name.clone());
            closed(&schemas[&name], schemas, &name, seen, open);
        }
        return;
    }
    if schema.get("properties").is_some() && schema["additionalProperties"] != json!(false) {
        open.push(at.to_owned());
    }
    for key in ["properties"] {
        for (name, sub) in schema[key].as_object().into_iter().flatten() {
            closed(sub, schemas, &format!("{at}.{name}"), seen, open);
        }
    }
    for key in ["items", "additionalProperties"] {
        if schema[key].is_object() {
            closed(&schema[key], schemas, at, seen, open);
        }
    }
    for key in ["oneOf", "allOf", "anyOf"] {
        for sub in schema[key].as_array().into_iter().flatten() {
            closed(sub, schemas, at, seen, open);
        }
    }
}
