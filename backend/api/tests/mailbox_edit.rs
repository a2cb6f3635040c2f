//! Creating, renaming, moving, subscribing and deleting mailboxes over REST, with their
//! counts; the rules are the ones IMAP follows (the service both call).

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

async fn mailboxes(t: &TestApp, token: &str) -> Vec<Value> {
    t.call(Method::GET, "/api/v1/mailboxes", Some(token), None)
        .await
        .expect(StatusCode::OK)
        .body
        .as_array()
        .unwrap()
        .clone()
}

fn named<'a>(list: &'a [Value], name: &str) -> Option<&'a Value> {
    list.iter().find(|m| m["name"] == name)
}

#[tokio::test]
async fn folders_are_made_renamed_moved_and_deleted_with_their_counts() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    // Nested: the parent is made too; new folders are subscribed.
    let r = t
        .call(
            Method::POST,
            "/api/v1/mailboxes",
            Some(&ann),
            Some(json!({"name": "Projects/2026"})),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(r.body["name"], "Projects/2026");
    assert_eq!(r.body["subscribed"], true);
    assert_eq!(r.body["total"], 0);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let list = mailboxes(&t, &ann).await;
    assert!(named(&list, "Projects").is_some());
    // Counts: two messages to herself, one read.
    for subject in ["one", "two"] {
        t.call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&ann),
            Some(json!({"to": ["ann@example.com"], "subject": subject, "text": "Hi.\r\n"})),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    let inbox = named(&mailboxes(&t, &ann).await, "INBOX").unwrap().clone();
    assert_eq!((&inbox["total"], &inbox["unread"]), (&json!(2), &json!(2)));
    assert!(inbox["size"].as_u64().unwrap() > 0);
    // Rename and move in one: the new full name.
    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/mailboxes/{id}"),
            Some(&ann),
            Some(json!({"name": "Archive/Projects 2026", "subscribed": false})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["name"], "Archive/Projects 2026");
    assert_eq!(r.body["subscribed"], false);
    // Refusals, each changing nothing: a name taken (409), a name IMAP refuses (422),
    // a special-use mailbox (409), one with children without `children` (409).
    let cases = [
        (
            Method::POST,
            "/api/v1/mailboxes".to_owned(),
            Some(json!({"name": "projects"})),
            StatusCode::CREATED,
        ),
        (
            Method::POST,
            "/api/v1/mailboxes".to_owned(),
            Some(json!({"name": "projects"})),
            StatusCode::CONFLICT,
        ),
        (
            Method::POST,
            "/api/v1/mailboxes".to_owned(),
            Some(json!({"name": "Lists/*"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/api/v1/mailboxes".to_owned(),
            Some(json!({"name": "Out", "special_use": "\\Sent"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (method, path, body, status) in cases {
        t.call(method, &path, Some(&ann), body).await.expect(status);
    }
    let list = mailboxes(&t, &ann).await;
    assert!(named(&list, "Lists/*").is_none() && named(&list, "Out").is_none());
    let sent = named(&list, "Sent").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    t.call(
        Method::DELETE,
        &format!("/api/v1/mailboxes/{sent}"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::CONFLICT);
    let projects = named(&list, "Projects").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/mailboxes/{projects}"),
            Some(&ann),
            Some(json!({"name": "Archive"})),
        )
        .await
        .expect(StatusCode::CONFLICT);
    assert!(
        r.body["detail"].as_str().unwrap().contains("exists"),
        "{}",
        r.body
    );
    // A parent with a child: 409 without children=true, gone with it.
    t.call(
        Method::POST,
        "/api/v1/mailboxes",
        Some(&ann),
        Some(json!({"name": "Projects/Q3"})),
    )
    .await
    .expect(StatusCode::CREATED);
    t.call(
        Method::DELETE,
        &format!("/api/v1/mailboxes/{projects}"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::CONFLICT);
    t.call(
        Method::DELETE,
        &format!("/api/v1/mailboxes/{projects}?children=true"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let list = mailboxes(&t, &ann).await;
    assert!(
        !list
            .iter()
            .any(|m| m["name"].as_str().unwrap().starts_with("Projects")),
        "{list:?}"
    );
    // Another account's mailbox is not there (404), whatever the verb.
    t.add_account("bob@example.com", Role::User, &[]).await;
    let bob = t.token("bob@example.com").await;
    t.call(
        Method::DELETE,
        &format!("/api/v1/mailboxes/{id}"),
        Some(&bob),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_folder_lists_newest_first_a_page_at_a_time() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    for subject in ["1", "2", "3", "4", "5"] {
        t.call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&ann),
            Some(json!({"to": ["ann@example.com"], "subject": subject, "text": "."})),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    let inbox = named(&mailboxes(&t, &ann).await, "INBOX").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = |cursor: Option<String>| {
        let (t, ann, inbox) = (&t, ann.clone(), inbox.clone());
        async move {
            let path = match cursor {
                None => format!("/api/v1/mailboxes/{inbox}/messages?limit=2&newest_first=true"),
                Some(c) => format!(
                    "/api/v1/mailboxes/{inbox}/messages?limit=2&newest_first=true&cursor={c}"
                ),
            };
            t.call(Method::GET, &path, Some(&ann), None)
                .await
                .expect(StatusCode::OK)
                .body
        }
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let p = page(cursor).await;
        for m in p["items"].as_array().unwrap() {
            seen.push(m["subject"].as_str().unwrap().to_owned());
        }
        cursor = p["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["5", "4", "3", "2", "1"]);
}
