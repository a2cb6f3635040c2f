//! `/admin/audit`: the changes administrators made, who made them, through which door
//! and what they changed; a domain administrator reads only its domains' changes; the
//! retention is a server administrator's setting. Bad input changes nothing.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

async fn entries(t: &TestApp, token: &str, query: &str) -> Vec<Value> {
    t.call(
        Method::GET,
        &format!("/api/v1/admin/audit{query}"),
        Some(token),
        None,
    )
    .await
    .expect(StatusCode::OK)
    .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn changes_through_the_api_are_recorded_with_their_fields() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let alias = t
        .call(
            Method::POST,
            "/api/v1/admin/aliases",
            Some(&admin),
            Some(json!({"address": "sales@example.com", "targets": ["a@remote.example"]})),
        )
        .await
        .expect(StatusCode::CREATED)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/aliases/{alias}"),
        Some(&admin),
        Some(json!({"targets": ["b@remote.example"]})),
    )
    .await
    .expect(StatusCode::OK);
    // An API key's change says so.
    let key = t
        .call(
            Method::POST,
            "/api/v1/me/api-keys",
            Some(&admin),
            Some(json!({"name": "ops", "scopes": ["admin:write", "admin:read"]})),
        )
        .await
        .expect(StatusCode::CREATED)
        .body["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    t.call(
        Method::POST,
        "/api/v1/admin/ip-rules",
        Some(&key),
        Some(json!({"action": "deny", "network": "198.51.100.0/24", "note": "scanner"})),
    )
    .await
    .expect(StatusCode::CREATED);

    let log = entries(&t, &admin, "").await;
    let summary: Vec<(&str, &str, &str)> = log[..3]
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["target"].as_str().unwrap(),
                e["via"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("ip_rule.create", "198.51.100.0/24", "api"),
            ("alias.update", "sales@example.com", "web"),
            ("alias.create", "sales@example.com", "web"),
        ]
    );
    assert_eq!(log[1]["actor"], ADMIN);
    assert_eq!(
        log[1]["changes"],
        json!([{"field": "targets", "before": "[\"a@remote.example\"]", "after": "[\"b@remote.example\"]"}])
    );
    assert!(
        log[0]["changes"]
            .as_array()
            .unwrap()
            .contains(&json!({"field": "note", "after": "scanner"}))
    );
    // Filters: an action prefix, words.
    let aliases = entries(&t, &admin, "?action=alias.").await;
    assert_eq!(aliases.len(), 2);
    assert_eq!(
        entries(&t, &admin, "?q=scanner").await.len(),
        0,
        "notes are not searched"
    );
    assert_eq!(entries(&t, &admin, "?q=198.51.100").await.len(), 1);
}

#[tokio::test]
async fn a_domain_administrator_reads_its_domains_changes_only() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&admin),
        Some(json!({"name": "other.example"})),
    )
    .await
    .expect(StatusCode::CREATED);
    for address in ["team@example.com", "team@other.example"] {
        t.call(
            Method::POST,
            "/api/v1/admin/aliases",
            Some(&admin),
            Some(json!({"address": address, "targets": ["x@remote.example"]})),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    t.add_account("boss@other.example", Role::DomainAdmin, &["other.example"])
        .await;
    let boss = t.token("boss@other.example").await;
    let seen: Vec<String> = entries(&t, &boss, "")
        .await
        .iter()
        .map(|e| e["target"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, ["team@other.example", "other.example"]);
    // Its retention it may read, not set.
    let r = t
        .call(
            Method::GET,
            "/api/v1/admin/audit/settings",
            Some(&boss),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["retention_days"], 365);
    t.call(
        Method::PUT,
        "/api/v1/admin/audit/settings",
        Some(&boss),
        Some(json!({"retention_days": 30})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    t.call(Method::GET, "/api/v1/admin/audit", Some(&ann), None)
        .await
        .expect(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_queries_and_settings_are_refused_and_change_nothing() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    for bad in [
        "?limit=0",
        "?limit=501",
        "?cursor=%21%21",
        "?since=yesterday",
    ] {
        let status = t
            .call(
                Method::GET,
                &format!("/api/v1/admin/audit{bad}"),
                Some(&admin),
                None,
            )
            .await
            .status;
        assert!(status.is_client_error(), "{bad}: {status}");
    }
    let r = t
        .call(
            Method::GET,
            "/api/v1/admin/audit?since=2026-12-05T10:00:00Z&until=2026-12-05T09:00:00Z",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["until"]);
    for days in [0, 3651] {
        let r = t
            .call(
                Method::PUT,
                "/api/v1/admin/audit/settings",
                Some(&admin),
                Some(json!({"retention_days": days})),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.fields(), ["retention_days"]);
    }
    let r = t
        .call(
            Method::PUT,
            "/api/v1/admin/audit/settings",
            Some(&admin),
            Some(json!({"retention_days": 30, "extra": true})),
        )
        .await;
    assert!(r.status.is_client_error());
    assert!(entries(&t, &admin, "?action=audit.").await.is_empty());
    let r = t
        .call(
            Method::PUT,
            "/api/v1/admin/audit/settings",
            Some(&admin),
            Some(json!({"retention_days": 90})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["retention_days"], 90);
    assert_eq!(entries(&t, &admin, "?action=audit.").await.len(), 1);
}
