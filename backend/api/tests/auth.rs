//! Signing in, tokens, throttling, API keys and the caller's own settings.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn login_issues_tokens_and_me_answers() {
    let t = TestApp::new().await;
    let r = t.login(ADMIN, PASSWORD).await.expect(StatusCode::OK);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 900);
    assert!(
        r.body["refresh_token"]
            .as_str()
            .unwrap()
            .starts_with("ort_")
    );
    let token = r.body["access_token"].as_str().unwrap();
    let me = t
        .call(Method::GET, "/api/v1/me", Some(token), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.body["address"], ADMIN);
    assert_eq!(me.body["role"], "admin");
    assert!(me.body.get("password_hash").is_none());
}

#[tokio::test]
async fn wrong_credentials_are_401_and_throttled_to_429() {
    let t = TestApp::with_limits(short_window()).await;
    t.login(ADMIN, "Wrong-Password-1")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    let r = t
        .login("nobody@example.com", PASSWORD)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    assert_eq!(r.body["code"], "invalid_credentials");
    t.login(ADMIN, "Wrong-Password-2")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    t.login(ADMIN, "Wrong-Password-3")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    let r = t
        .login(ADMIN, PASSWORD)
        .await
        .expect(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.body["code"], "rate_limited");
    let secs: u64 = r
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(secs > 0 && secs <= 60);
    let r = t
        .login("", "")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["username"]);
}

#[tokio::test]
async fn missing_tampered_and_garbage_tokens_are_401() {
    let t = TestApp::new().await;
    let r = t
        .call(Method::GET, "/api/v1/me", None, None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers.get("www-authenticate").unwrap(), "Bearer");
    let token = t.token(ADMIN).await;
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    let r = t
        .call(Method::GET, "/api/v1/me", Some(&tampered), None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    assert_eq!(r.body["code"], "invalid_token");
    t.call(Method::GET, "/api/v1/me", Some("garbage"), None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    // A token signed with another key, or expired, is refused the same way.
    let other = osprey_api::auth::JwtKeys::from_secret(&[9u8; 32], 900).issue("x");
    t.call(Method::GET, "/api/v1/me", Some(&other), None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    let id = t
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Correctly signed, but expired a minute ago (beyond the 5 s leeway).
    let now = chrono::Utc::now().timestamp();
    let stale = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &osprey_api::auth::Claims {
            sub: id,
            iat: now - 960,
            exp: now - 60,
            iss: "osprey".into(),
        },
        &jsonwebtoken::EncodingKey::from_secret(&[7u8; 32]),
    )
    .unwrap();
    let r = t
        .call(Method::GET, "/api/v1/me", Some(&stale), None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    assert!(r.body["detail"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_login() {
    let t = TestApp::new().await;
    let first = t.login(ADMIN, PASSWORD).await.expect(StatusCode::OK);
    let r1 = first.body["refresh_token"].as_str().unwrap().to_owned();
    let second = t
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": r1})),
        )
        .await
        .expect(StatusCode::OK);
    let r2 = second.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    t.call(
        Method::GET,
        "/api/v1/me",
        second.body["access_token"].as_str(),
        None,
    )
    .await
    .expect(StatusCode::OK);
    let reuse = t
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": r1})),
        )
        .await
        .expect(StatusCode::UNAUTHORIZED);
    assert_eq!(reuse.body["code"], "refresh_token_reused");
    t.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": r2})),
    )
    .await
    .expect(StatusCode::UNAUTHORIZED);
    // Logout revokes a fresh login's refresh token.
    let third = t.login(ADMIN, PASSWORD).await.expect(StatusCode::OK);
    let r3 = third.body["refresh_token"].as_str().unwrap().to_owned();
    t.call(
        Method::POST,
        "/api/v1/auth/logout",
        None,
        Some(json!({"refresh_token": r3})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": r3})),
    )
    .await
    .expect(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn disabled_accounts_cannot_sign_in_or_use_tokens() {
    let t = TestApp::new().await;
    let id = t.add_account("carol@example.com", Role::User, &[]).await;
    let token = t.token("carol@example.com").await;
    let admin = t.token(ADMIN).await;
    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/accounts/{id}"),
        Some(&admin),
        Some(json!({"enabled": false})),
    )
    .await
    .expect(StatusCode::OK);
    t.call(Method::GET, "/api/v1/me", Some(&token), None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    t.login("carol@example.com", PASSWORD)
        .await
        .expect(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn api_keys_carry_scopes_and_can_be_revoked() {
    let t = TestApp::new().await;
    t.add_account("dave@example.com", Role::User, &[]).await;
    let token = t.token("dave@example.com").await;
    let created = t
        .call(
            Method::POST,
            "/api/v1/me/api-keys",
            Some(&token),
            Some(json!({"name": "backup", "scopes": ["account:read"]})),
        )
        .await
        .expect(StatusCode::CREATED);
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    let id = created.body["key"]["id"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("osk_"));
    assert!(
        created
            .headers
            .get("location")
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with(&id)
    );
    let me = t
        .call(Method::GET, "/api/v1/me", Some(&secret), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.body["address"], "dave@example.com");
    t.call(
        Method::PATCH,
        "/api/v1/me",
        Some(&secret),
        Some(json!({"display_name": "D"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::POST,
        "/api/v1/me/api-keys",
        Some(&secret),
        Some(json!({"name": "x", "scopes": ["account:read"]})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    let list = t
        .call(Method::GET, "/api/v1/me/api-keys", Some(&token), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert!(list.body["items"][0].get("secret").is_none());
    let bad = t
        .call(
            Method::POST,
            "/api/v1/me/api-keys",
            Some(&token),
            Some(json!({"name": "", "scopes": ["root"]})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), vec!["scopes[0]"]);
    t.call(
        Method::DELETE,
        &format!("/api/v1/me/api-keys/{id}"),
        Some(&token),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(Method::GET, "/api/v1/me", Some(&secret), None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn users_change_their_own_name_and_password() {
    let t = TestApp::new().await;
    t.add_account("erin@example.com", Role::User, &[]).await;
    let login = t
        .login("erin@example.com", PASSWORD)
        .await
        .expect(StatusCode::OK);
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    let r = t
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&token),
            Some(json!({"display_name": "Erin E."})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["display_name"], "Erin E.");
    let r = t
        .call(
            Method::POST,
            "/api/v1/me/password",
            Some(&token),
            Some(json!({"current_password": "nope", "new_password": "Quiet-Meadow-19z"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["current_password"]);
    let r = t
        .call(
            Method::POST,
            "/api/v1/me/password",
            Some(&token),
            Some(json!({"current_password": PASSWORD, "new_password": "erin"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.fields().iter().all(|f| f == "new_password") && r.fields().len() >= 2,
        "{}",
        r.body
    );
    t.call(
        Method::POST,
        "/api/v1/me/password",
        Some(&token),
        Some(json!({"current_password": PASSWORD, "new_password": "Quiet-Meadow-19z"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.login("erin@example.com", PASSWORD)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    t.login("erin@example.com", "Quiet-Meadow-19z")
        .await
        .expect(StatusCode::OK);
    // The refresh token of the old session is revoked by the change.
    t.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": login.body["refresh_token"]})),
    )
    .await
    .expect(StatusCode::UNAUTHORIZED);
}

/// A key carries at most what its owner may do: a plain user cannot make one with an
/// administration scope (it would do nothing today, and much if the role changed).
#[tokio::test]
async fn a_user_cannot_give_a_key_administration_scopes() {
    let t = TestApp::new().await;
    t.add_account("erin@example.com", Role::User, &[]).await;
    let token = t.token("erin@example.com").await;
    for scope in ["admin:read", "admin:write"] {
        let refused = t
            .call(
                Method::POST,
                "/api/v1/me/api-keys",
                Some(&token),
                Some(json!({"name": "too much", "scopes": ["account:read", scope]})),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.body["errors"][0]["field"], "scopes");
    }
    let admin = t.token(ADMIN).await;
    t.call(
        Method::POST,
        "/api/v1/me/api-keys",
        Some(&admin),
        Some(json!({"name": "ops", "scopes": ["admin:read"]})),
    )
    .await
    .expect(StatusCode::CREATED);
}

/// Request bodies are JSON objects (as the OpenAPI document says): an array in its
/// place, which serde would read as the struct's fields in order, is 422 and changes
/// nothing.
#[tokio::test]
async fn an_array_where_an_object_belongs_is_refused() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let refused = t
        .raw(
            Method::PATCH,
            "/api/v1/me",
            Some(&admin),
            Some("application/json"),
            "[\"Array Name\"]",
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["errors"][0]["field"], "body");
    let me = t
        .call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_ne!(me.body["display_name"], "Array Name");
}
