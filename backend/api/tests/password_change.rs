//! "Must change the password at the next sign-in": an administrator sets it on a new or
//! existing account; its owner signs in to the web app, may read who it is and choose a
//! new password, and nothing else until then; the new password clears it.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_forced_change_allows_only_the_change_until_it_is_made() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let created = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&admin),
            Some(json!({"address": "new@example.com", "password": PASSWORD, "must_change_password": true})),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(created["must_change_password"], true);
    // The web sign-in works: it is where the new password is chosen.
    let token = t.token("new@example.com").await;
    let me = t
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(me["must_change_password"], true);
    // Anything else is refused with a code the app recognises.
    let refused = t
        .call(Method::GET, "/api/v1/mailboxes", Some(&token), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    assert_eq!(refused.body["code"], "password_change_required");
    // The same password again is not a new one.
    let same = t
        .call(
            Method::POST,
            "/api/v1/me/password",
            Some(&token),
            Some(json!({"current_password": PASSWORD, "new_password": PASSWORD})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(same.fields(), ["new_password"]);
    t.call(
        Method::POST,
        "/api/v1/me/password",
        Some(&token),
        Some(json!({"current_password": PASSWORD, "new_password": "Copper-Meadow-58q"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let fresh = t
        .login("new@example.com", "Copper-Meadow-58q")
        .await
        .expect(StatusCode::OK)
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    t.call(Method::GET, "/api/v1/mailboxes", Some(&fresh), None)
        .await
        .expect(StatusCode::OK);
    let me = t
        .call(Method::GET, "/api/v1/me", Some(&fresh), None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(me["must_change_password"], false);
}

#[tokio::test]
async fn an_administrator_demands_and_withdraws_a_new_password() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let id = t
        .add_account("kim@example.com", osprey_core::Role::User, &[])
        .await;
    let path = format!("/api/v1/admin/accounts/{id}");
    let body = t
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"password": "Amber-Falcon-63t", "must_change_password": true})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(body["must_change_password"], true);
    let kim = t
        .login("kim@example.com", "Amber-Falcon-63t")
        .await
        .expect(StatusCode::OK)
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    t.call(Method::GET, "/api/v1/me/preferences", Some(&kim), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::PATCH,
        &path,
        Some(&admin),
        Some(json!({"must_change_password": false})),
    )
    .await
    .expect(StatusCode::OK);
    t.call(Method::GET, "/api/v1/me/preferences", Some(&kim), None)
        .await
        .expect(StatusCode::OK);
    // The audit log records the demand.
    let audit = t
        .call(
            Method::GET,
            "/api/v1/admin/audit?q=kim%40example.com",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let changed: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["changes"].as_array().unwrap())
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(changed.contains(&"must_change_password"), "{audit}");
}
