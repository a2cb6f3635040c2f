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

/// An attacker's failures slow the attacker down, not the owner: three wrong passwords
/// from one address for one account, then 429 with Retry-After there, while the right
/// password from another address signs in at once. The owner and an administrator see
/// the failures.
#[tokio::test]
async fn wrong_credentials_are_401_and_the_attacker_alone_is_throttled() {
    let t = TestApp::with_limits(short_window()).await;
    let attacker = "203.0.113.66";
    for pw in ["Wrong-Password-1", "Wrong-Password-2", "Wrong-Password-3"] {
        let r = t
            .login_from(attacker, ADMIN, pw)
            .await
            .expect(StatusCode::UNAUTHORIZED);
        assert_eq!(r.body["code"], "invalid_credentials");
    }
    t.login_from(attacker, "nobody@example.com", PASSWORD)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    let r = t
        .login_from(attacker, ADMIN, PASSWORD)
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
    // The refusal is counted.
    let metrics = t.call(Method::GET, "/metrics", None, None).await;
    let text = metrics.body.as_str().unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("osprey_login_refusals_total")
                && l.contains("limit=\"ip_account\"")
                && l.contains("protocol=\"web\"")),
        "{text}"
    );
    // The owner, elsewhere, is not held back.
    let owner = t
        .login_from("198.51.100.7", ADMIN, PASSWORD)
        .await
        .expect(StatusCode::OK);
    let token = owner.body["access_token"].as_str().unwrap();
    let seen = t
        .call(Method::GET, "/api/v1/me/login-failures", Some(token), None)
        .await
        .expect(StatusCode::OK);
    let items = seen.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{}", seen.body);
    assert_eq!(items[0]["ip"], attacker);
    assert_eq!(items[0]["protocol"], "web");
    assert!(items[0]["at"].as_str().unwrap().starts_with("20"));
    // An administrator sees them per account; a plain user cannot.
    let admin_id = t
        .call(Method::GET, "/api/v1/me", Some(token), None)
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/admin/accounts/{admin_id}/login-failures");
    let r = t
        .call(Method::GET, &path, Some(token), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 3);
    t.add_account("fred@example.com", Role::User, &[]).await;
    let fred = t.token("fred@example.com").await;
    t.call(Method::GET, &path, Some(&fred), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    let none = t
        .call(Method::GET, "/api/v1/me/login-failures", Some(&fred), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(none.body["items"], json!([]));
    let r = t
        .login("", "")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["username"]);
}

/// Signing out, a new password, and a change of role each end every session of the
/// account at once: its access tokens are refused on the next request, and its
/// refresh tokens with them.
#[tokio::test]
async fn logout_password_change_and_role_change_revoke_access_tokens_at_once() {
    let t = TestApp::new().await;
    let id = t.add_account("gina@example.com", Role::User, &[]).await;
    let admin = t.token(ADMIN).await;
    let revoked = |r: Reply| {
        let r = r.expect(StatusCode::UNAUTHORIZED);
        assert_eq!(r.body["code"], "session_revoked", "{}", r.body);
    };
    // Logout: the access token of that login and of another one stop working.
    let phone = t
        .login("gina@example.com", PASSWORD)
        .await
        .expect(StatusCode::OK);
    let laptop = t
        .login("gina@example.com", PASSWORD)
        .await
        .expect(StatusCode::OK);
    t.call(
        Method::POST,
        "/api/v1/auth/logout",
        None,
        Some(json!({"refresh_token": phone.body["refresh_token"]})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    for login in [&phone, &laptop] {
        revoked(
            t.call(
                Method::GET,
                "/api/v1/me",
                login.body["access_token"].as_str(),
                None,
            )
            .await,
        );
        t.call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": login.body["refresh_token"]})),
        )
        .await
        .expect(StatusCode::UNAUTHORIZED);
    }
    // A new login works again.
    let token = t.token("gina@example.com").await;
    t.call(Method::GET, "/api/v1/me", Some(&token), None)
        .await
        .expect(StatusCode::OK);
    // An administrator resets the password.
    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/accounts/{id}"),
        Some(&admin),
        Some(json!({"password": "Quiet-Meadow-19z"})),
    )
    .await
    .expect(StatusCode::OK);
    revoked(t.call(Method::GET, "/api/v1/me", Some(&token), None).await);
    // A change of role; a change of name alone revokes nothing.
    let token = t
        .login("gina@example.com", "Quiet-Meadow-19z")
        .await
        .expect(StatusCode::OK)
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/accounts/{id}"),
        Some(&admin),
        Some(json!({"display_name": "Gina"})),
    )
    .await
    .expect(StatusCode::OK);
    t.call(Method::GET, "/api/v1/me", Some(&token), None)
        .await
        .expect(StatusCode::OK);
    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/accounts/{id}"),
        Some(&admin),
        Some(json!({"role": "admin"})),
    )
    .await
    .expect(StatusCode::OK);
    revoked(t.call(Method::GET, "/api/v1/me", Some(&token), None).await);
    // Other accounts' sessions are untouched.
    t.call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
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
    let other = osprey_api::auth::JwtKeys::from_secret(&[9u8; 32], 900).issue("x", 0);
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
            generation: 0,
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
    // This session is signed out too.
    let r = t
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    assert_eq!(r.body["code"], "session_revoked");
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

#[tokio::test]
async fn the_account_sets_its_time_zone_by_name() {
    let t = TestApp::new().await;
    t.add_account("tz@example.com", Role::User, &[]).await;
    let me = t.token("tz@example.com").await;
    let patch = |body: serde_json::Value| {
        let (t, me) = (&t, me.clone());
        async move {
            t.call(Method::PATCH, "/api/v1/me", Some(&me), Some(body))
                .await
        }
    };
    let r = patch(json!({"time_zone": "europe/berlin"}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["time_zone"]);
    let r = patch(json!({"time_zone": "Europe/Berlin"}))
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["time_zone"], "Europe/Berlin");
    // A bad name changes nothing; empty goes back to UTC.
    patch(json!({"time_zone": "Mars/Olympus"}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let me_now = t
        .call(Method::GET, "/api/v1/me", Some(&me), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(me_now.body["time_zone"], "Europe/Berlin");
    let r = patch(json!({"time_zone": ""})).await.expect(StatusCode::OK);
    assert!(r.body.get("time_zone").is_none(), "{}", r.body);
}
