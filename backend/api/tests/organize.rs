//! Moving, copying and deleting messages over REST: delete goes to Trash, delete in
//! Trash expunges; another account's messages or mailboxes are 404 and nothing moves.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

async fn boxes(t: &TestApp, token: &str) -> Vec<Value> {
    t.call(Method::GET, "/api/v1/mailboxes", Some(token), None)
        .await
        .expect(StatusCode::OK)
        .body
        .as_array()
        .unwrap()
        .clone()
}

fn id_of(list: &[Value], name: &str) -> String {
    list.iter().find(|m| m["name"] == name).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn total(list: &[Value], name: &str) -> u64 {
    list.iter().find(|m| m["name"] == name).unwrap()["total"]
        .as_u64()
        .unwrap()
}

async fn ids_in(t: &TestApp, token: &str, mailbox: &str) -> Vec<String> {
    t.call(
        Method::GET,
        &format!("/api/v1/mailboxes/{mailbox}/messages"),
        Some(token),
        None,
    )
    .await
    .expect(StatusCode::OK)
    .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn messages_move_copy_and_delete_through_trash() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    for subject in ["one", "two", "three"] {
        t.call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&ann),
            Some(json!({"to": ["ann@example.com"], "subject": subject, "text": "Hi.\r\n"})),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    let list = boxes(&t, &ann).await;
    let (inbox, archive) = (id_of(&list, "INBOX"), id_of(&list, "Archive"));
    let ids = ids_in(&t, &ann, &inbox).await;
    assert_eq!(ids.len(), 3);
    let post = |path: &'static str, body: Value| {
        let (t, ann) = (&t, ann.clone());
        async move { t.call(Method::POST, path, Some(&ann), Some(body)).await }
    };
    let r = post(
        "/api/v1/messages/move",
        json!({"ids": [ids[0]], "mailbox_id": archive}),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(r.body["moved"], 1);
    let r = post(
        "/api/v1/messages/copy",
        json!({"ids": [ids[1]], "mailbox_id": archive}),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(r.body["copied"], 1);
    let list = boxes(&t, &ann).await;
    assert_eq!((total(&list, "INBOX"), total(&list, "Archive")), (2, 2));
    // Delete: to Trash; delete again from Trash: gone.
    let r = post("/api/v1/messages/delete", json!({"ids": [ids[2]]}))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (&r.body["moved"], &r.body["expunged"]),
        (&json!(1), &json!(0))
    );
    let trash = id_of(&list, "Trash");
    let in_trash = ids_in(&t, &ann, &trash).await;
    assert_eq!(in_trash.len(), 1);
    let r = post("/api/v1/messages/delete", json!({"ids": in_trash}))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (&r.body["moved"], &r.body["expunged"]),
        (&json!(0), &json!(1))
    );
    let list = boxes(&t, &ann).await;
    assert_eq!((total(&list, "INBOX"), total(&list, "Trash")), (1, 0));
    // Bad input changes nothing: no ids (422), another account's message or mailbox (404).
    post("/api/v1/messages/delete", json!({"ids": []}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    t.add_account("bob@example.com", Role::User, &[]).await;
    let bob = t.token("bob@example.com").await;
    let bob_inbox = id_of(&boxes(&t, &bob).await, "INBOX");
    let remaining = ids_in(&t, &ann, &inbox).await;
    post(
        "/api/v1/messages/move",
        json!({"ids": remaining, "mailbox_id": bob_inbox}),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    t.call(
        Method::POST,
        "/api/v1/messages/delete",
        Some(&bob),
        Some(json!({"ids": remaining})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    assert_eq!(total(&boxes(&t, &ann).await, "INBOX"), 1);
}
