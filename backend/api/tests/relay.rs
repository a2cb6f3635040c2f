//! `/admin/relay` and `/admin/queue`: server administrators only; bad input changes
//! nothing.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use osprey_store::{NewQueuedMessage, NewQueuedRecipient};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn relay_policy_round_trips_and_the_check_names_the_rule() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.add_account("dom@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let dom = t.token("dom@example.com").await;
    let r = t
        .call(Method::GET, "/api/v1/admin/relay", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["mode"], "local_users", "the default");
    t.call(Method::GET, "/api/v1/admin/relay", Some(&dom), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    let bad = t
        .call(Method::PUT, "/api/v1/admin/relay", Some(&admin), Some(json!({"mode": "local_hosts", "networks": ["10.0.0.0/8", "not-a-net"], "destinations": ["@@"]})))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), vec!["networks[1]", "destinations[0]"]);
    t.call(
        Method::PUT,
        "/api/v1/admin/relay",
        Some(&admin),
        Some(json!({"mode": "open"})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .call(Method::GET, "/api/v1/admin/relay", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["mode"], "local_users", "refusals changed nothing");
    let r = t
        .call(Method::PUT, "/api/v1/admin/relay", Some(&admin), Some(json!({"mode": "local_hosts", "networks": ["10.0.0.0/8", "10.0.0.0/8", "2001:db8::/32"], "destinations": []})))
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["networks"], json!(["10.0.0.0/8", "2001:db8::/32"]));
    let check = |ip: &str, auth: bool, rcpt: &str| json!({"client_ip": ip, "authenticated": auth, "sender": "s@x.example", "recipient": rcpt});
    for (body, accepted, local, rule) in [
        (
            check("10.1.2.3", false, "a@far.example"),
            true,
            false,
            "local network 10.0.0.0/8",
        ),
        (
            check("192.0.2.1", false, "a@far.example"),
            false,
            false,
            "not in a local network",
        ),
        (
            check("192.0.2.1", true, "a@far.example"),
            true,
            false,
            "authenticated",
        ),
        (
            check("192.0.2.1", false, "root@example.com"),
            true,
            true,
            "local",
        ),
        (
            check("192.0.2.1", false, "ghost@example.com"),
            false,
            true,
            "does not exist",
        ),
    ] {
        let r = t
            .call(
                Method::POST,
                "/api/v1/admin/relay/check",
                Some(&admin),
                Some(body.clone()),
            )
            .await
            .expect(StatusCode::OK);
        assert_eq!(r.body["accepted"], accepted, "{body} -> {}", r.body);
        assert_eq!(r.body["local"], local, "{body}");
        assert!(
            r.body["rule"].as_str().unwrap().contains(rule),
            "{}",
            r.body
        );
    }
    let bad = t
        .call(
            Method::POST,
            "/api/v1/admin/relay/check",
            Some(&admin),
            Some(check("nope", false, "x")),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), vec!["client_ip", "recipient"]);
}

#[tokio::test]
async fn the_queue_is_listed_inspected_retried_and_deleted_by_server_admins() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.add_account("u@example.com", Role::User, &[]).await;
    let user = t.token("u@example.com").await;
    let id = t
        .store
        .queue()
        .enqueue(NewQueuedMessage {
            sender: "u@example.com".into(),
            account_id: None,
            blob_hash: "b".repeat(64),
            size: 10,
            envelope_id: None,
            return_full: false,
            is_bounce: false,
            subject: "Queued".into(),
            message_id: None,
            recipients: vec![NewQueuedRecipient::to("x@far.example")],
        })
        .await
        .unwrap();
    t.call(Method::GET, "/api/v1/admin/queue", Some(&user), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    let list = t
        .call(
            Method::GET,
            "/api/v1/admin/queue?state=pending&domain=far.example",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(list.body[0]["id"], id.as_str());
    assert_eq!(list.body[0]["recipients"][0]["state"], "pending");
    let none = t
        .call(
            Method::GET,
            "/api/v1/admin/queue?domain=near.example",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert!(none.body.as_array().unwrap().is_empty());
    t.call(
        Method::GET,
        "/api/v1/admin/queue?state=lost",
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    let path = format!("/api/v1/admin/queue/{id}");
    let one = t
        .call(Method::GET, &path, Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(one.body["subject"], "Queued");
    let retry = t
        .call(Method::POST, &format!("{path}/retry"), Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(retry.body["recipients"], 1);
    t.call(Method::POST, &format!("{path}/bounce"), Some(&user), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    let bounced = t
        .call(Method::POST, &format!("{path}/bounce"), Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(bounced.body["recipients"], 1);
    let audit = t
        .call(
            Method::GET,
            "/api/v1/admin/audit?action=queue.bounce",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        audit.body["items"][0]["target"],
        id.as_str(),
        "{}",
        audit.body
    );
    t.call(Method::DELETE, &path, Some(&user), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    t.call(Method::DELETE, &path, Some(&admin), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    t.call(Method::GET, &path, Some(&admin), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    t.call(Method::POST, &format!("{path}/retry"), Some(&admin), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    t.call(Method::POST, &format!("{path}/bounce"), Some(&admin), None)
        .await
        .expect(StatusCode::NOT_FOUND);
}
