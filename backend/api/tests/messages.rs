//! `POST /api/v1/messages/send`: local delivery with a Sent copy; refusals change nothing.

use axum::http::{Method, StatusCode};
use osprey_core::{Address, Role};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn sending_delivers_to_local_recipients_and_keeps_a_sent_copy() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    t.add_account("bob@example.com", Role::User, &[]).await;
    t.add_account("cy@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let r = t
        .call(Method::POST, "/api/v1/messages/send", Some(&ann), Some(json!({"to": ["bob@example.com"], "bcc": ["cy@example.com"], "subject": "Grüße", "text": "Hello Bob.\r\n"})))
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(
        r.body["delivered"],
        json!(["bob@example.com", "cy@example.com"])
    );
    assert_eq!(r.body["sent_uid"], 1);
    let count = |who: &'static str, mailbox: &'static str| {
        let store = t.store.clone();
        async move {
            let a = store
                .accounts()
                .account_by_address(&Address::parse(who).unwrap())
                .await
                .unwrap();
            let mb = store
                .messages()
                .mailbox_by_name(&a.id, mailbox)
                .await
                .unwrap();
            store.messages().in_mailbox(&mb.id).await.unwrap()
        }
    };
    let inbox = count("bob@example.com", "INBOX").await;
    assert_eq!(inbox.len(), 1);
    // The subject went out as encoded words and reads back as written.
    assert_eq!(inbox[0].summary.subject.as_deref(), Some("Grüße"));
    assert_eq!(
        inbox[0].summary.from_addr.as_deref(),
        Some("ann@example.com")
    );
    assert_eq!(
        inbox[0].summary.to_addrs.as_deref(),
        Some("bob@example.com")
    );
    assert_eq!(
        count("cy@example.com", "INBOX").await.len(),
        1,
        "Bcc delivered"
    );
    let sent = count("ann@example.com", "Sent").await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].flags & osprey_store::flags::SEEN != 0);

    // Unknown recipients, and remote ones when the server relays for nobody, are
    // refused before anything is delivered.
    t.store
        .settings()
        .set_relay_policy(&osprey_core::RelayPolicy {
            mode: osprey_core::RelayMode::NoRelay,
            ..Default::default()
        })
        .await
        .unwrap();
    for (to, field) in [
        ("x@elsewhere.example", "to[1]"),
        ("nobody@example.com", "to[1]"),
    ] {
        let r = t
            .call(
                Method::POST,
                "/api/v1/messages/send",
                Some(&ann),
                Some(json!({"to": ["bob@example.com", to], "subject": "s", "text": "t"})),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body["errors"][0]["field"], field);
    }
    t.call(
        Method::POST,
        "/api/v1/messages/send",
        Some(&ann),
        Some(json!({"subject": "s", "text": "t"})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    t.call(
        Method::POST,
        "/api/v1/messages/send",
        Some(&ann),
        Some(json!({"to": ["bob@example.com"], "subject": "a\r\nBcc: x@y.example", "text": "t"})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    t.call(
        Method::POST,
        "/api/v1/messages/send",
        None,
        Some(json!({"to": ["bob@example.com"], "subject": "s", "text": "t"})),
    )
    .await
    .expect(StatusCode::UNAUTHORIZED);
    assert_eq!(
        count("bob@example.com", "INBOX").await.len(),
        1,
        "refusals delivered nothing"
    );
    assert_eq!(count("ann@example.com", "Sent").await.len(), 1);
}

#[tokio::test]
async fn remote_recipients_are_queued_and_the_sender_sees_their_state() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    t.add_account("bob@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let bob = t.token("bob@example.com").await;
    let r = t
        .call(Method::POST, "/api/v1/messages/send", Some(&ann), Some(json!({"to": ["bob@example.com", "Far@Elsewhere.example"], "subject": "Out", "text": "Hi.\r\n"})))
        .await
        .expect(StatusCode::CREATED);
    let queue_id = r.body["queue_id"].as_str().unwrap().to_owned();
    // The copy in Sent finds its recipients' states by its Message-ID.
    let message_id = r.body["message_id"].as_str().unwrap().to_owned();
    for (id, found) in [(message_id.as_str(), 1), ("other@mx.example.com", 0)] {
        let list = t
            .call(
                Method::GET,
                &format!("/api/v1/messages/outbound?message_id={id}"),
                Some(&ann),
                None,
            )
            .await
            .expect(StatusCode::OK);
        assert_eq!(list.body.as_array().unwrap().len(), found, "{id}");
    }
    let mine = t
        .call(Method::GET, "/api/v1/messages/outbound", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(mine.body.as_array().unwrap().len(), 1);
    assert_eq!(mine.body[0]["subject"], "Out");
    assert_eq!(
        mine.body[0]["recipients"][0]["address"],
        "Far@elsewhere.example"
    );
    assert_eq!(mine.body[0]["recipients"][0]["state"], "pending");
    let one = format!("/api/v1/messages/outbound/{queue_id}");
    t.call(Method::GET, &one, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    // Nobody else sees it, not even through the per-user listing.
    t.call(Method::GET, &one, Some(&bob), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    let theirs = t
        .call(Method::GET, "/api/v1/messages/outbound", Some(&bob), None)
        .await
        .expect(StatusCode::OK);
    assert!(theirs.body.as_array().unwrap().is_empty());
}
