//! Live updates over Server-Sent Events: a ticket opens the account's stream; new mail
//! of the account arrives as `appended` with its mailbox and MODSEQ, other accounts'
//! changes never do; a client that resumes (`Last-Event-ID`) is told to `resync`; a
//! forged ticket opens nothing.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use osprey_core::Role;
use tower::ServiceExt;

use crate::support::*;

/// Reads the stream until an event whose name is `name`; returns its data line.
async fn next_event(body: &mut Body, name: &str) -> String {
    let mut text = String::new();
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .unwrap_or_else(|_| panic!("no `{name}` event in 5 s; the stream so far: {text}"))
            .expect("the stream goes on")
            .expect("a frame");
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
        // One event: lines up to an empty line (the WHATWG event stream format).
        while let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            if event.lines().any(|l| l == format!("event: {name}")) {
                return event
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .unwrap_or("")
                    .to_owned();
            }
        }
    }
}

async fn open(t: &TestApp, token: &str, resumed: bool) -> (StatusCode, Body) {
    let ticket = t
        .call(Method::POST, "/api/v1/events/ticket", Some(token), None)
        .await
        .expect(StatusCode::OK)
        .body;
    let mut req = Request::builder().uri(ticket["url"].as_str().unwrap());
    if resumed {
        req = req.header("last-event-id", "7");
    }
    let res = t
        .app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    (res.status(), res.into_body())
}

#[tokio::test]
async fn new_mail_of_the_account_and_only_its_own_arrives_on_the_stream() {
    let t = TestApp::new().await;
    let ann_id = t.add_account("ann@example.com", Role::User, &[]).await;
    let bob_id = t.add_account("bob@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let bob = t.token("bob@example.com").await;
    let (status, mut stream) = open(&t, &ann, false).await;
    assert_eq!(status, StatusCode::OK);

    // Bob's mail first, then Ann's: the first event Ann hears is her own.
    t.deliver_to_inbox(&bob_id, &bob, b"Subject: for Bob\r\n\r\nx\r\n")
        .await;
    let id = t
        .deliver_to_inbox(&ann_id, &ann, b"Subject: for Ann\r\n\r\nx\r\n")
        .await;
    let data: serde_json::Value =
        serde_json::from_str(&next_event(&mut stream, "appended").await).unwrap();
    let inbox = t.mailbox_id(&ann, "INBOX").await;
    assert_eq!(data["mailbox_id"], inbox.as_str());
    assert!(data["modseq"].as_u64().unwrap() >= 1);

    // A flag change is heard too.
    t.call(
        Method::PATCH,
        &format!("/api/v1/messages/{id}/flags"),
        Some(&ann),
        Some(serde_json::json!({"add": ["\\Flagged"]})),
    )
    .await;
    next_event(&mut stream, "flags").await;

    // A client that resumes is told to load again first.
    let (_, mut resumed) = open(&t, &ann, true).await;
    next_event(&mut resumed, "resync").await;

    // When the server stops, the stream ends (graceful shutdown waits for it).
    t.stop.fire();
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(frame) = stream.frame().await {
            frame.expect("a frame");
        }
    })
    .await;
    assert!(end.is_ok(), "the stream went on after shutdown");

    // A forged or foreign ticket opens nothing.
    for path in [
        "/api/v1/events/not-a-ticket",
        "/api/v1/events/eyJhbGciOiJIUzI1NiJ9.e30.x",
    ] {
        t.call(Method::GET, path, None, None)
            .await
            .expect(StatusCode::NOT_FOUND);
    }
}
