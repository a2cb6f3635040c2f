//! `GET /api/v1/messages/{id}`: a message for reading, decoded, with its attachments
//! listed; marking it read as it opens; another account's message is 404.

use axum::http::{Method, StatusCode, header};
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

const NEWSLETTER: &[u8] =
    b"From: News <news@far.example>\r\nSubject: News\r\nMIME-Version: 1.0\r\n\
Content-Type: text/html; charset=utf-8\r\n\r\n\
<p>Hello</p><img src=\"https://tracker.far.example/p.gif\"><script>alert(1)</script>\r\n";

#[tokio::test]
async fn html_is_sanitised_and_remote_images_load_as_asked_or_for_contacts() {
    let t = TestApp::new().await;
    let ann_id = t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let id = t.deliver_to_inbox(&ann_id, &ann, NEWSLETTER).await;
    let open = |query: &'static str| {
        let (t, ann, id) = (&t, ann.clone(), id.clone());
        async move {
            t.call(
                Method::GET,
                &format!("/api/v1/messages/{id}{query}"),
                Some(&ann),
                None,
            )
            .await
            .expect(StatusCode::OK)
            .body
        }
    };
    // Without ?html=true there is no HTML, only the text.
    let m = open("").await;
    assert_eq!(m["has_html"], true);
    assert!(m.get("html").is_none());
    let m = open("?html=true").await;
    let html = m["html"].as_str().unwrap();
    assert!(
        html.contains("<p>Hello</p>") && !html.contains("script") && !html.contains("tracker"),
        "{html}"
    );
    assert_eq!(m["blocked_images"], 1);
    let m = open("?html=true&remote_images=true").await;
    assert!(
        m["html"]
            .as_str()
            .unwrap()
            .contains("tracker.far.example/p.gif")
    );
    assert_eq!(m["blocked_images"], 0);
    // A sender in the address book: its images load when the account prefers so.
    t.call(
        Method::POST,
        "/api/v1/contacts",
        Some(&ann),
        Some(json!({"full_name": "News", "emails": [{"value": "NEWS@far.example"}]})),
    )
    .await
    .expect(StatusCode::CREATED);
    assert_eq!(
        open("?html=true").await["blocked_images"],
        1,
        "not preferred yet"
    );
    let r = t
        .call(
            Method::PUT,
            "/api/v1/me/preferences",
            Some(&ann),
            Some(json!({"show_remote_images_from_contacts": true, "mark_read_delay_secs": null})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        r.body["messages_per_page"], 50,
        "absent fields take their defaults"
    );
    assert_eq!(r.body["mark_read_delay_secs"], serde_json::Value::Null);
    let m = open("?html=true").await;
    assert_eq!(m["blocked_images"], 0);
    assert!(m["html"].as_str().unwrap().contains("tracker.far.example"));
    // The request can still say no.
    assert_eq!(
        open("?html=true&remote_images=false").await["blocked_images"],
        1
    );
    let r = t
        .call(Method::GET, "/api/v1/me/preferences", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["show_remote_images_from_contacts"], true);
}

#[tokio::test]
async fn bad_preferences_are_422_naming_each_field_and_change_nothing() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let r = t
        .call(
            Method::PUT,
            "/api/v1/me/preferences",
            Some(&ann),
            Some(json!({"messages_per_page": 7, "mark_read_delay_secs": 600, "language": "xx", "spell_language": "../x"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "language",
            "mark_read_delay_secs",
            "messages_per_page",
            "spell_language"
        ]
    );
    let r = t
        .call(Method::GET, "/api/v1/me/preferences", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["messages_per_page"], 50);
    assert_eq!(r.body["mark_read_delay_secs"], 0);
}

#[tokio::test]
async fn a_listing_row_has_its_recipients_a_preview_and_the_attachment_mark() {
    let t = TestApp::new().await;
    let ann_id = t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    t.deliver_to_inbox(&ann_id, &ann, MIME).await;
    let inbox = t.mailbox_id(&ann, "INBOX").await;
    for query in ["", "?newest_first=true"] {
        let list = t
            .call(
                Method::GET,
                &format!("/api/v1/mailboxes/{inbox}/messages{query}"),
                Some(&ann),
                None,
            )
            .await
            .expect(StatusCode::OK)
            .body;
        let row = &list["items"][0];
        assert_eq!(row["to"], "ann@example.com, team@example.com");
        // The decoded text, its line breaks folded: what a list shows under the subject.
        assert_eq!(row["preview"], "Die Zahlen für März.");
        assert_eq!(row["has_attachments"], true);
    }
}

#[tokio::test]
async fn download_links_serve_the_message_and_its_attachments_as_attachments() {
    let t = TestApp::new().await;
    let ann_id = t.add_account("ann@example.com", Role::User, &[]).await;
    t.add_account("bob@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let bob = t.token("bob@example.com").await;
    let named = MIME_WITH_NAMES;
    let id = t.deliver_to_inbox(&ann_id, &ann, named).await;
    let link = |token: String, body: serde_json::Value| {
        let (t, id) = (&t, id.clone());
        async move {
            t.call(
                Method::POST,
                &format!("/api/v1/messages/{id}/download"),
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    // Another account gets no link; a missing attachment neither.
    link(bob.clone(), json!({}))
        .await
        .expect(StatusCode::NOT_FOUND);
    link(ann.clone(), json!({"attachment": 5}))
        .await
        .expect(StatusCode::NOT_FOUND);
    let url = link(ann.clone(), json!({}))
        .await
        .expect(StatusCode::OK)
        .body["url"]
        .as_str()
        .unwrap()
        .to_owned();
    // The link is its own credential: no bearer token.
    let r = t
        .call(Method::GET, &url, None, None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "message/rfc822");
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        r.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"Gr__e.eml\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe.eml"
    );
    assert_eq!(
        r.body.as_str().unwrap().as_bytes(),
        named,
        "the message as received"
    );
    // An attachment, decoded, under its (RFC 2231) name.
    let url = link(ann.clone(), json!({"attachment": 0}))
        .await
        .expect(StatusCode::OK)
        .body["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = t
        .call(Method::GET, &url, None, None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        r.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"Bericht M_rz.pdf\"; filename*=UTF-8''Bericht%20M%C3%A4rz.pdf"
    );
    assert_eq!(r.body.as_str().unwrap(), "%PDF-1.4\n");
    // A forged or altered token, or an access token, is no link.
    let token = url.rsplit('/').next().unwrap();
    let mut forged = token.to_owned();
    forged.pop();
    for bad in [forged, ann.clone(), "x.y.z".to_owned()] {
        t.call(Method::GET, &format!("/api/v1/download/{bad}"), None, None)
            .await
            .expect(StatusCode::NOT_FOUND);
    }
    // And a download token is no access token.
    t.call(Method::GET, "/api/v1/me", Some(token), None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
}

const MIME_WITH_NAMES: &[u8] = b"From: a@far.example\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
--b\r\nContent-Type: application/pdf\r\n\
Content-Disposition: attachment; filename*=UTF-8''Bericht%20M%C3%A4rz.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";
