//! Who may send as whom over REST: the send-as grants (`/admin/accounts/{id}/send-as`,
//! `/me/send-as`), the postmaster setting, and the REST half of the spoofing matrix
//! (`POST /messages/send` with a `from` the account may or may not use).

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::json;

use crate::support::{ADMIN, TestApp};

async fn second_domain(t: &TestApp, name: &str) {
    let admin = t.token(ADMIN).await;
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&admin),
        Some(json!({"name": name})),
    )
    .await
    .expect(StatusCode::CREATED);
}

#[tokio::test]
async fn administrators_grant_send_as_within_their_domains() {
    let t = TestApp::new().await;
    second_domain(&t, "other.example").await;
    let ann = t.add_account("ann@example.com", Role::User, &[]).await;
    t.add_account("dom@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let admin = t.token(ADMIN).await;
    let dom = t.token("dom@example.com").await;
    let me = t.token("ann@example.com").await;
    let path = format!("/api/v1/admin/accounts/{ann}/send-as");

    // A domain admin grants addresses of its own domains only.
    let g = t
        .call(
            Method::POST,
            &path,
            Some(&dom),
            Some(json!({"address": "Sales@Example.com"})),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(g.body["address"], "sales@example.com");
    t.call(
        Method::POST,
        &path,
        Some(&dom),
        Some(json!({"address": "x@other.example"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::POST,
        &path,
        Some(&dom),
        Some(json!({"address": "x@gmail.example"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    // A server admin grants any, a whole domain too; bad input is a 422 naming the field.
    t.call(
        Method::POST,
        &path,
        Some(&admin),
        Some(json!({"address": "@other.example"})),
    )
    .await
    .expect(StatusCode::CREATED);
    let bad = t
        .call(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"address": "not an address"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["address"]);
    let own = t
        .call(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"address": "ann@example.com"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(own.fields(), ["address"]);
    t.call(
        Method::POST,
        &path,
        Some(&admin),
        Some(json!({"address": "sales@example.com"})),
    )
    .await
    .expect(StatusCode::CONFLICT);
    // The user reads its grants but cannot grant itself anything.
    let mine = t
        .call(Method::GET, "/api/v1/me/send-as", Some(&me), None)
        .await
        .expect(StatusCode::OK);
    let listed: Vec<&str> = mine
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["address"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["@other.example", "sales@example.com"]);
    t.call(
        Method::POST,
        &path,
        Some(&me),
        Some(json!({"address": "boss@example.com"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    // Withdrawing: the domain admin may not withdraw what only a server admin could grant.
    let other_id = mine.body[0]["id"].as_str().unwrap().to_owned();
    t.call(
        Method::DELETE,
        &format!("{path}/{other_id}"),
        Some(&dom),
        None,
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    let sales_id = g.body["id"].as_str().unwrap();
    t.call(
        Method::DELETE,
        &format!("{path}/{sales_id}"),
        Some(&dom),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(
        Method::DELETE,
        &format!("{path}/{sales_id}"),
        Some(&dom),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let left = t
        .call(Method::GET, &path, Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(left.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_rest_send_uses_only_addresses_the_account_may_send_as() {
    let t = TestApp::new().await;
    second_domain(&t, "other.example").await;
    let ann = t.add_account("ann@example.com", Role::User, &[]).await;
    t.add_account("bob@example.com", Role::User, &[]).await;
    t.add_account("carol@other.example", Role::User, &[]).await;
    let admin = t.token(ADMIN).await;
    t.call(
        Method::POST,
        "/api/v1/admin/aliases",
        Some(&admin),
        Some(json!({"address": "sales@example.com", "targets": ["ann@example.com"]})),
    )
    .await
    .expect(StatusCode::CREATED);
    t.call(
        Method::POST,
        &format!("/api/v1/admin/accounts/{ann}/send-as"),
        Some(&admin),
        Some(json!({"address": "news@other.example"})),
    )
    .await
    .expect(StatusCode::CREATED);
    let me = t.token("ann@example.com").await;
    let send = |from: Option<&str>| {
        let mut body = json!({"to": ["bob@example.com", "far@elsewhere.example"], "subject": "s", "text": "t"});
        if let Some(f) = from {
            body["from"] = json!(f);
        }
        body
    };
    for from in [
        None,
        Some("ann@example.com"),
        Some("sales@example.com"),
        Some("news@other.example"),
    ] {
        t.call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&me),
            Some(send(from)),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    for from in [
        "bob@example.com",
        "carol@other.example",
        "ceo@elsewhere.example",
        "nobody@example.com",
    ] {
        let r = t
            .call(
                Method::POST,
                "/api/v1/messages/send",
                Some(&me),
                Some(send(Some(from))),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.fields(), ["from"], "{from}: {}", r.body);
        assert!(
            r.body.to_string().contains(from),
            "names the address: {}",
            r.body
        );
    }
    let r = t
        .call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&me),
            Some(send(Some("<>"))),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["from"]);
    // Four accepted messages queued (one each), none of the refused ones.
    let queued = t
        .store
        .queue()
        .queue_entries(&osprey_store::QueueFilter {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut senders: Vec<String> = queued.iter().map(|e| e.message.sender.clone()).collect();
    senders.sort();
    assert_eq!(
        senders,
        [
            "ann@example.com",
            "ann@example.com",
            "news@other.example",
            "sales@example.com"
        ]
    );
}

#[tokio::test]
async fn the_postmaster_is_the_first_admin_until_another_account_is_named() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    t.add_account("dom@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let admin = t.token(ADMIN).await;
    let dom = t.token("dom@example.com").await;
    let r = t
        .call(Method::GET, "/api/v1/admin/postmaster", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["address"], ADMIN);
    t.call(
        Method::PUT,
        "/api/v1/admin/postmaster",
        Some(&dom),
        Some(json!({"address": "ann@example.com"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    let r = t
        .call(
            Method::PUT,
            "/api/v1/admin/postmaster",
            Some(&admin),
            Some(json!({"address": "nobody@example.com"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["address"]);
    t.call(
        Method::PUT,
        "/api/v1/admin/postmaster",
        Some(&admin),
        Some(json!({"address": "ann@example.com"})),
    )
    .await
    .expect(StatusCode::OK);
    let r = t
        .call(Method::GET, "/api/v1/admin/postmaster", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["address"], "ann@example.com");
}
