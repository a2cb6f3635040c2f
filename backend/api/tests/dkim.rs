//! `/admin/domains/{id}/dkim`: every new domain has a key; its TXT record is shown to the
//! domain's administrators and a new key replaces it on demand.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn new_domains_get_a_key_shown_as_a_dns_record_and_rotated_on_demand() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let created = t
        .call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(json!({"name": "signed.example"})),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert!(
        t.store.dkim().dkim_key(&id).await.unwrap().is_some(),
        "the key is made with the domain"
    );
    let path = format!("/api/v1/admin/domains/{id}/dkim");
    let first = t
        .call(Method::GET, &path, Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    let selector = first.body["selector"].as_str().unwrap().to_owned();
    assert_eq!(
        first.body["dns_name"],
        format!("{selector}._domainkey.signed.example")
    );
    let value = first.body["dns_value"].as_str().unwrap();
    assert!(value.starts_with("v=DKIM1; k=rsa; p=MII"), "{value}");
    assert!(
        !first.body.to_string().contains("private"),
        "no private key leaves"
    );

    // Another domain's administrator sees nothing; this domain's may rotate.
    t.add_account("other@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let other = t.token("other@example.com").await;
    t.call(Method::GET, &path, Some(&other), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    t.call(Method::POST, &path, Some(&other), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let rotated = t
        .call(Method::POST, &path, Some(&admin), None)
        .await
        .expect(StatusCode::CREATED);
    assert_ne!(
        rotated.body["selector"],
        selector.as_str(),
        "a new selector"
    );
    assert_ne!(rotated.body["dns_value"], first.body["dns_value"]);
    let now = t
        .call(Method::GET, &path, Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(now.body, rotated.body);
    t.call(
        Method::GET,
        "/api/v1/admin/domains/nope/dkim",
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
}
