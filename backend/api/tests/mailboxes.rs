//! `/api/v1/mailboxes`, `/api/v1/mailboxes/{id}/messages` and
//! `/api/v1/messages/{id}/flags`: the signed-in user's own mail only, paged listings,
//! flag changes that the change bus carries to IMAP, and refusals that change nothing.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

async fn send(t: &TestApp, from: &str, to: &str, subject: &str) {
    t.call(
        Method::POST,
        "/api/v1/messages/send",
        Some(from),
        Some(json!({"to": [to], "subject": subject, "text": "Hi.\r\n"})),
    )
    .await
    .expect(StatusCode::CREATED);
}

fn inbox_id(mailboxes: &Value) -> String {
    mailboxes
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "INBOX")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn mailboxes_messages_and_flags_of_the_signed_in_user() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    t.add_account("bob@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let bob = t.token("bob@example.com").await;
    for subject in ["one", "two", "three"] {
        send(&t, &bob, "ann@example.com", subject).await;
    }

    let r = t
        .call(Method::GET, "/api/v1/mailboxes", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    let names: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"INBOX") && names.contains(&"Sent"),
        "{names:?}"
    );
    let sent = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Sent")
        .unwrap();
    assert_eq!(sent["special_use"], "\\Sent");
    let inbox = inbox_id(&r.body);

    // Two pages: the cursor goes on where the first stopped.
    let path = format!("/api/v1/mailboxes/{inbox}/messages?limit=2");
    let r = t
        .call(Method::GET, &path, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (items[0]["uid"].as_u64(), items[0]["subject"].as_str()),
        (Some(1), Some("one"))
    );
    assert_eq!(items[0]["from"], "bob@example.com");
    assert_eq!(items[0]["flags"], json!([]));
    let cursor = r.body["next_cursor"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/mailboxes/{inbox}/messages?limit=2&cursor={cursor}");
    let r = t
        .call(Method::GET, &path, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["items"][0]["subject"], "three");
    assert!(r.body.get("next_cursor").is_none(), "{}", r.body);

    // Flags: added and removed, with a MODSEQ that grows; the change bus is told, so
    // IMAP sessions with the mailbox selected hear of it.
    let id = items[0]["id"].as_str().unwrap().to_owned();
    let mut bus = t.store.subscribe();
    let path = format!("/api/v1/messages/{id}/flags");
    let r = t
        .call(
            Method::PATCH,
            &path,
            Some(&ann),
            Some(json!({"add": ["\\Seen", "\\flagged", "$Work"]})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["flags"], json!(["\\Seen", "\\Flagged", "$Work"]));
    let first_modseq = r.body["modseq"].as_u64().unwrap();
    let change = bus.try_recv().expect("a change on the bus");
    assert_eq!(change.mailbox_id, inbox);
    assert_eq!(change.kind, osprey_store::ChangeKind::Flags);
    let r = t
        .call(
            Method::PATCH,
            &path,
            Some(&ann),
            Some(json!({"remove": ["\\Seen", "$work"]})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["flags"], json!(["\\Flagged"]));
    assert!(r.body["modseq"].as_u64().unwrap() > first_modseq);

    // Someone else's mailbox and message do not exist for bob.
    let path = format!("/api/v1/mailboxes/{inbox}/messages");
    t.call(Method::GET, &path, Some(&bob), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    let path = format!("/api/v1/messages/{id}/flags");
    t.call(
        Method::PATCH,
        &path,
        Some(&bob),
        Some(json!({"add": ["\\Deleted"]})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    t.call(Method::GET, "/api/v1/mailboxes", None, None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_listings_and_flag_changes_are_refused_and_change_nothing() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    send(&t, &ann, "ann@example.com", "to myself").await;
    let r = t
        .call(Method::GET, "/api/v1/mailboxes", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    let inbox = inbox_id(&r.body);
    for query in ["limit=0", "limit=501", "cursor=abc", "limit=x"] {
        let path = format!("/api/v1/mailboxes/{inbox}/messages?{query}");
        t.call(Method::GET, &path, Some(&ann), None)
            .await
            .expect(StatusCode::BAD_REQUEST);
    }
    t.call(
        Method::GET,
        "/api/v1/mailboxes/nope/messages",
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let path = format!("/api/v1/mailboxes/{inbox}/messages");
    let r = t
        .call(Method::GET, &path, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    let id = r.body["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/messages/{id}/flags");
    for (body, field) in [
        (json!({"add": ["\\Recent"]}), "add[0]"),
        (json!({"add": ["two words"]}), "add[0]"),
        (json!({"add": ["\\Seen"], "remove": ["x(y"]}), "remove[0]"),
        (json!({"add": ["$A"], "remove": ["$a"]}), "remove"),
        (json!({"add": [""]}), "add[0]"),
    ] {
        let r = t
            .call(Method::PATCH, &path, Some(&ann), Some(body.clone()))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.fields(), [field], "{body}");
    }
    t.call(
        Method::PATCH,
        &path,
        Some(&ann),
        Some(json!({"set": ["\\Seen"]})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    t.call(
        Method::PATCH,
        "/api/v1/messages/nope/flags",
        Some(&ann),
        Some(json!({"add": ["\\Seen"]})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    // Nothing changed.
    let path = format!("/api/v1/mailboxes/{inbox}/messages");
    let r = t
        .call(Method::GET, &path, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["items"][0]["flags"], json!([]));
}
