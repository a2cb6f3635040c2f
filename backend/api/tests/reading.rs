//! `GET /api/v1/messages/{id}`: a message for reading, decoded, with its attachments
//! listed; marking it read as it opens; another account's message is 404.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::json;

use crate::support::*;

const MIME: &[u8] = b"From: =?UTF-8?Q?J=C3=BCrgen?= <juergen@far.example>\r\n\
To: Ann <ann@example.com>, team@example.com\r\n\
Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and the report\r\n\
Date: Tue, 10 Mar 2026 12:00:00 +0000\r\n\
Message-ID: <read-1@far.example>\r\n\
List-Id: Reports <reports.far.example>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Die Zahlen f=C3=BCr M=C3=A4rz.\r\n\
--b\r\n\
Content-Type: application/pdf; name=\"q3.pdf\"\r\n\
Content-Disposition: attachment; filename=\"q3.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQK\r\n\
--b--\r\n";

#[tokio::test]
async fn a_message_opens_decoded_with_its_attachments_and_can_be_marked_read() {
    let t = TestApp::new().await;
    let ann_id = t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    t.submission
        .delivery()
        .deliver(std::slice::from_ref(&ann_id), "INBOX", MIME, 0)
        .await
        .unwrap();
    let boxes = t
        .call(Method::GET, "/api/v1/mailboxes", Some(&ann), None)
        .await
        .expect(StatusCode::OK)
        .body;
    let inbox = boxes
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "INBOX")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let list = t
        .call(
            Method::GET,
            &format!("/api/v1/mailboxes/{inbox}/messages"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let m = t
        .call(
            Method::GET,
            &format!("/api/v1/messages/{id}"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(m["subject"], "Grüße and the report");
    assert_eq!(
        m["from"],
        json!([{"name": "Jürgen", "address": "juergen@far.example"}])
    );
    assert_eq!(m["to"][1], json!({"address": "team@example.com"}));
    assert_eq!(m["list_id"], "reports.far.example");
    assert_eq!(m["message_id"], "read-1@far.example");
    assert_eq!(m["sent_at"], "2026-03-10T12:00:00Z");
    assert!(
        m["text"].as_str().unwrap().contains("Die Zahlen für März."),
        "{m}"
    );
    assert_eq!(
        m["attachments"],
        json!([{"index": 0, "name": "q3.pdf", "content_type": "application/pdf", "size": 9}])
    );
    assert_eq!(m["flags"], json!([]));
    // Opening with mark_read adds \Seen (and tells IMAP, through the store).
    let m = t
        .call(
            Method::GET,
            &format!("/api/v1/messages/{id}?mark_read=true"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(m["flags"], json!(["\\Seen"]));
    // Another account: 404; a bad parameter: 400, nothing changed.
    t.add_account("bob@example.com", Role::User, &[]).await;
    let bob = t.token("bob@example.com").await;
    t.call(
        Method::GET,
        &format!("/api/v1/messages/{id}"),
        Some(&bob),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    t.call(
        Method::GET,
        &format!("/api/v1/messages/{id}?mark_read=maybe"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
}
