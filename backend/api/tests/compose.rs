//! Writing mail over REST: replies and forwards (`/messages/{id}/reply`), Bcc kept only
//! in the sender's copy, attachments uploaded ahead (`/uploads`) or taken from stored
//! messages, drafts saved and replaced under one key (`/drafts`), and sending from a
//! draft. Every rule is `osprey_mail::Composer`'s; these tests drive it through HTTP.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

const ANN: &str = "ann@example.com";
const BOB: &str = "bob@example.com";
const CY: &str = "cy@example.com";

struct Three {
    t: TestApp,
    bob: String,
    bob_id: String,
}

async fn three() -> Three {
    let t = TestApp::new().await;
    t.add_account(ANN, Role::User, &[]).await;
    let bob_id = t.add_account(BOB, Role::User, &[]).await;
    t.add_account(CY, Role::User, &[]).await;
    let bob = t.token(BOB).await;
    Three { t, bob, bob_id }
}

impl Three {
    async fn post(&self, token: &str, path: &str, body: Value) -> Value {
        self.t
            .call(Method::POST, path, Some(token), Some(body))
            .await
            .expect_success()
            .body
    }

    async fn get(&self, token: &str, path: &str) -> Value {
        self.t
            .call(Method::GET, path, Some(token), None)
            .await
            .expect(StatusCode::OK)
            .body
    }

    /// The items of a mailbox of `token`'s account, newest first.
    async fn items(&self, token: &str, mailbox: &str) -> Vec<Value> {
        let id = self.t.mailbox_id(token, mailbox).await;
        let list = self
            .get(
                token,
                &format!("/api/v1/mailboxes/{id}/messages?newest_first=true"),
            )
            .await;
        list["items"].as_array().unwrap().clone()
    }

    /// The stored octets of message `id`.
    async fn raw(&self, id: &str) -> String {
        let m = self.t.store.messages().message(id).await.unwrap();
        let bytes = self
            .t
            .submission
            .delivery()
            .blobs()
            .get(&m.blob_hash)
            .await
            .unwrap();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    async fn upload(&self, token: &str, name: &str, content: &str) -> Value {
        let (ct, body) = form(name, content);
        self.t
            .raw(
                Method::POST,
                "/api/v1/uploads",
                Some(token),
                Some(&ct),
                &body,
            )
            .await
            .expect(StatusCode::CREATED)
            .body
    }
}

trait Success {
    fn expect_success(self) -> Self;
}

impl Success for Reply {
    fn expect_success(self) -> Self {
        assert!(self.status.is_success(), "{} {}", self.status, self.body);
        self
    }
}

fn form(name: &str, content: &str) -> (String, String) {
    let b = "compose-test-boundary";
    (
        format!("multipart/form-data; boundary={b}"),
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: text/plain\r\n\r\n{content}\r\n--{b}--\r\n"
        ),
    )
}

/// The header section of `raw`, its folded lines joined.
fn header(raw: &str) -> String {
    let end = raw.find("\r\n\r\n").unwrap_or(raw.len());
    raw[..end].replace("\r\n ", " ").replace("\r\n\t", " ")
}

const ORIGINAL: &str = "From: Ann <ann@example.com>\r\n\
    To: bob@example.com, Dee <dee@elsewhere.example>\r\n\
    Cc: cy@example.com\r\n\
    Subject: Re: Q3 report\r\n\
    Message-ID: <q3-2@example.com>\r\n\
    References: <q3-1@example.com>\r\n\
    Date: Thu, 3 Dec 2026 10:00:00 +0000\r\n\
    MIME-Version: 1.0\r\n\
    Content-Type: multipart/mixed; boundary=\"b\"\r\n\
    \r\n\
    --b\r\n\
    Content-Type: text/plain\r\n\
    \r\n\
    The numbers are in.\r\n\
    > Are they?\r\n\
    --b\r\n\
    Content-Type: text/csv; name=\"q3.csv\"\r\n\
    Content-Disposition: attachment; filename=\"q3.csv\"\r\n\
    \r\n\
    region,total\r\n\
    north,12\r\n\
    --b--\r\n";

#[tokio::test]
async fn reply_all_answers_everyone_but_oneself_and_threads_under_the_original() {
    let s = three().await;
    let original =
        s.t.deliver_to_inbox(&s.bob_id, &s.bob, ORIGINAL.as_bytes())
            .await;

    let draft = s
        .get(
            &s.bob,
            &format!("/api/v1/messages/{original}/reply?mode=reply_all"),
        )
        .await;
    let m = &draft["message"];
    // RFC 5322 §3.6.5: a reply's subject is the original's with "Re: " before it,
    // once: "Re: Re: " is not added to a subject that already has it.
    assert_eq!(m["subject"], "Re: Q3 report");
    assert_eq!(
        m["to"],
        json!(["Ann <ann@example.com>", "Dee <dee@elsewhere.example>"])
    );
    assert_eq!(m["cc"], json!([CY]), "Bob's own address left out");
    assert_eq!(m["in_reply_to"], original);
    let text = m["text"].as_str().unwrap();
    assert!(
        text.contains("Ann <ann@example.com> wrote:\n> The numbers are in.\n>> Are they?"),
        "{text}"
    );
    // A plain reply goes to the sender only.
    let plain = s
        .get(
            &s.bob,
            &format!("/api/v1/messages/{original}/reply?mode=reply"),
        )
        .await;
    assert_eq!(plain["message"]["to"], json!(["Ann <ann@example.com>"]));
    assert_eq!(plain["message"]["cc"], json!([]));

    // Sent as it came, to the local recipients only (the relay would queue Dee).
    let mut answer = m.clone();
    answer["to"] = json!(["Ann <ann@example.com>"]);
    answer["text"] = json!(format!("Thanks!{text}"));
    let sent = s.post(&s.bob, "/api/v1/messages/send", answer).await;
    assert_eq!(sent["delivered"], json!([ANN, CY]));

    // RFC 5322 §3.6.4: "the 'In-Reply-To:' field will contain the contents of the
    // 'Message-ID:' field of the message to which this one is a reply"; "the
    // 'References:' field will contain the contents of the parent's 'References:'
    // field (if any) followed by the contents of the parent's 'Message-ID:' field".
    let ann = s.t.token(ANN).await;
    let got = s.items(&ann, "INBOX").await;
    let raw = s.raw(got[0]["id"].as_str().unwrap()).await;
    let h = header(&raw);
    assert!(h.contains("In-Reply-To: <q3-2@example.com>"), "{h}");
    assert!(
        h.contains("References: <q3-1@example.com> <q3-2@example.com>"),
        "{h}"
    );
    // The original is answered (RFC 9051 §2.3.2: "\Answered Message has been answered").
    let read = s.get(&s.bob, &format!("/api/v1/messages/{original}")).await;
    assert!(
        read["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("\\Answered"))
    );

    // Another account cannot start from Bob's message.
    s.t.call(
        Method::GET,
        &format!("/api/v1/messages/{original}/reply?mode=reply"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    s.t.call(
        Method::GET,
        &format!("/api/v1/messages/{original}/reply?mode=sideways"),
        Some(&s.bob),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_forward_carries_the_attachments_and_bcc_stays_in_the_senders_copy() {
    let s = three().await;
    let original =
        s.t.deliver_to_inbox(&s.bob_id, &s.bob, ORIGINAL.as_bytes())
            .await;
    let draft = s
        .get(
            &s.bob,
            &format!("/api/v1/messages/{original}/reply?mode=forward"),
        )
        .await;
    assert_eq!(draft["message"]["subject"], "Fwd: Q3 report");
    assert_eq!(draft["attachments"][0]["name"], "q3.csv");
    assert!(
        draft["message"]["text"]
            .as_str()
            .unwrap()
            .contains("---------- Forwarded message ----------\nFrom: Ann <ann@example.com>")
    );
    let upload = s.upload(&s.bob, "notes ü.txt", "my notes").await;
    let mut m = draft["message"].clone();
    m["to"] = json!([ANN]);
    m["bcc"] = json!([CY]);
    m["uploads"] = json!([upload["id"]]);
    let sent = s.post(&s.bob, "/api/v1/messages/send", m).await;

    let ann = s.t.token(ANN).await;
    let got = &s.items(&ann, "INBOX").await[0];
    let read = s
        .get(
            &ann,
            &format!("/api/v1/messages/{}", got["id"].as_str().unwrap()),
        )
        .await;
    let names: Vec<&str> = read["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["notes ü.txt", "q3.csv"]);
    // Bcc: "the 'Bcc:' line is removed" from the copies sent to the To and Cc
    // recipients (RFC 5322 §3.6.3); the sender's own copy keeps it.
    let delivered = s.raw(got["id"].as_str().unwrap()).await;
    // (A field named Bcc, not the letters: a random boundary or Message-ID may hold them.)
    let has_bcc = |h: &str| {
        h.lines()
            .any(|l| l.len() >= 4 && l[..4].eq_ignore_ascii_case("bcc:"))
    };
    assert!(!has_bcc(&header(&delivered)), "{}", header(&delivered));
    let cy = s.t.token(CY).await;
    let blind = &s.items(&cy, "INBOX").await[0];
    assert!(!has_bcc(&header(
        &s.raw(blind["id"].as_str().unwrap()).await
    )));
    let own = s.raw(sent["sent_id"].as_str().unwrap()).await;
    assert!(
        header(&own).contains("Bcc: <cy@example.com>")
            || header(&own).contains("Bcc: cy@example.com"),
        "{}",
        header(&own)
    );
    // The original is $Forwarded, and the upload was used up.
    let read = s.get(&s.bob, &format!("/api/v1/messages/{original}")).await;
    assert!(
        read["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("$Forwarded"))
    );
    s.t.call(
        Method::DELETE,
        &format!("/api/v1/uploads/{}", upload["id"].as_str().unwrap()),
        Some(&s.bob),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);

    // Forwarding as an attachment attaches the whole message as message/rfc822.
    let whole = s
        .get(
            &s.bob,
            &format!("/api/v1/messages/{original}/reply?mode=forward_attached"),
        )
        .await;
    assert_eq!(whole["attachments"][0]["content_type"], "message/rfc822");
    let mut m = whole["message"].clone();
    m["to"] = json!([ANN]);
    s.post(&s.bob, "/api/v1/messages/send", m).await;
    let got = &s.items(&ann, "INBOX").await[0];
    let raw = s.raw(got["id"].as_str().unwrap()).await;
    assert!(raw.contains("Content-Type: message/rfc822"), "{raw}");
    assert!(raw.contains("Message-ID: <q3-2@example.com>"));

    // A stored message of another account cannot be attached.
    let mut m = json!({"to": [BOB], "subject": "x", "text": "x"});
    m["attached"] = json!([{"message": original, "index": 0}]);
    s.t.call(Method::POST, "/api/v1/messages/send", Some(&ann), Some(m))
        .await
        .expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_draft_is_saved_replaced_under_its_key_opened_and_sent() {
    let s = three().await;
    let upload = s.upload(&s.bob, "plan.txt", "the plan").await;
    let first = s
        .post(
            &s.bob,
            "/api/v1/drafts",
            json!({"to": [ANN], "bcc": ["Cy <cy@example.com>"], "subject": "Plan", "text": "v1", "uploads": [upload["id"]]}),
        )
        .await;
    let key = first["draft"].as_str().unwrap().to_owned();
    assert_eq!(first["attachments"][0]["name"], "plan.txt");
    let drafts = s.items(&s.bob, "\\Drafts").await;
    assert_eq!(drafts.len(), 1);
    // RFC 9051 §2.3.2: "\Draft Message has not completed composition (marked as a
    // draft)."
    assert!(
        drafts[0]["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("\\Draft"))
    );

    // Two editors of the draft: each save names the key and the last one wins; no
    // second copy is left.
    let attached = json!([first["attachments"][0]["at"]]);
    for text in ["v2 from tab one", "v2 from tab two"] {
        s.post(
            &s.bob,
            "/api/v1/drafts",
            json!({"to": [ANN], "bcc": [CY], "subject": "Plan", "text": text, "draft": key, "attached": attached}),
        )
        .await;
    }
    let drafts = s.items(&s.bob, "\\Drafts").await;
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    let id = drafts[0]["id"].as_str().unwrap();
    let opened = s.get(&s.bob, &format!("/api/v1/drafts/{id}")).await;
    assert_eq!(
        opened["message"]["text"].as_str().unwrap().trim_end(),
        "v2 from tab two"
    );
    assert_eq!(opened["message"]["bcc"], json!([CY]));
    assert_eq!(opened["message"]["draft"], key.as_str());
    assert_eq!(opened["attachments"][0]["name"], "plan.txt");
    assert_eq!(
        opened["message"]["html"],
        serde_json::Value::Null,
        "a plain draft"
    );

    // Half-typed recipients are refused by name; nothing is replaced.
    let r =
        s.t.call(
            Method::POST,
            "/api/v1/drafts",
            Some(&s.bob),
            Some(json!({"to": ["ann@"], "draft": key})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "to[0]");
    assert_eq!(s.items(&s.bob, "\\Drafts").await.len(), 1);

    // Another account does not open it.
    let ann = s.t.token(ANN).await;
    s.t.call(
        Method::GET,
        &format!("/api/v1/drafts/{id}"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);

    // Sending from the draft removes it; the attachment goes with the message.
    let mut m = opened["message"].clone();
    m["attached"] = json!([opened["attachments"][0]["at"]]);
    s.post(&s.bob, "/api/v1/messages/send", m).await;
    assert!(s.items(&s.bob, "\\Drafts").await.is_empty());
    let got = &s.items(&ann, "INBOX").await[0];
    let read = s
        .get(
            &ann,
            &format!("/api/v1/messages/{}", got["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(read["attachments"][0]["name"], "plan.txt");

    // A draft written as rich text opens with its HTML again, made safe (no script
    // survives the sanitiser).
    let rich = s
        .post(
            &s.bob,
            "/api/v1/drafts",
            json!({"to": [ANN], "subject": "Rich", "html": "<p><b>Bold</b> plans<script>alert(1)</script></p>"}),
        )
        .await;
    let rich_id = s
        .items(&s.bob, "\\Drafts")
        .await
        .into_iter()
        .find(|m| m["subject"] == "Rich")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reopened = s.get(&s.bob, &format!("/api/v1/drafts/{rich_id}")).await;
    let html = reopened["message"]["html"].as_str().unwrap();
    assert!(html.contains("<b>Bold</b> plans"), "{html}");
    assert!(!html.contains("script"), "{html}");
    assert!(
        reopened["message"]["text"]
            .as_str()
            .unwrap()
            .contains("Bold plans")
    );
    let _ = rich;
}

#[tokio::test]
async fn uploads_over_the_limit_or_of_another_account_are_refused_and_nothing_is_sent() {
    let s = three().await;
    let big = "x".repeat(MAX_MESSAGE_SIZE + 1);
    let (ct, body) = form("big.bin", &big);
    s.t.raw(
        Method::POST,
        "/api/v1/uploads",
        Some(&s.bob),
        Some(&ct),
        &body,
    )
    .await
    .expect(StatusCode::PAYLOAD_TOO_LARGE);
    // Nothing was kept: a sweep of everything finds no upload.
    assert_eq!(
        s.t.uploads.sweep(std::time::Duration::ZERO).await.unwrap(),
        0
    );
    let sent = s.items(&s.bob, "\\Sent").await.len();

    let ann = s.t.token(ANN).await;
    let hers = s.upload(&ann, "hers.txt", "private").await;
    s.t.call(
        Method::POST,
        "/api/v1/messages/send",
        Some(&s.bob),
        Some(json!({"to": [ANN], "subject": "s", "text": "t", "uploads": [hers["id"]]})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    // A form without a file field names it.
    let r =
        s.t.raw(
            Method::POST,
            "/api/v1/uploads",
            Some(&s.bob),
            Some("multipart/form-data; boundary=q"),
            "--q\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--q--\r\n",
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "file");
    // Several files that together pass the limit make a message that does not fit.
    let half = "y".repeat(MAX_MESSAGE_SIZE / 2 + 10);
    let a = s.upload(&s.bob, "a.bin", &half).await;
    let b = s.upload(&s.bob, "b.bin", &half).await;
    s.t.call(
        Method::POST,
        "/api/v1/messages/send",
        Some(&s.bob),
        Some(json!({"to": [ANN], "subject": "s", "text": "t", "uploads": [a["id"], b["id"]]})),
    )
    .await
    .expect(StatusCode::PAYLOAD_TOO_LARGE);
    // An unknown local recipient is named; nothing went out.
    let r =
        s.t.call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&s.bob),
            Some(json!({"to": [ANN, "nobody@example.com"], "subject": "s", "text": "t"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "to[1]");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nobody@example.com")
    );
    assert_eq!(s.items(&s.bob, "\\Sent").await.len(), sent);
    assert!(s.items(&ann, "INBOX").await.is_empty());
}

#[tokio::test]
async fn identities_name_the_sender_and_only_sendable_addresses_are_kept() {
    let s = three().await;
    let admin = s.t.token(ADMIN).await;
    s.t.call(
        Method::POST,
        "/api/v1/admin/aliases",
        Some(&admin),
        Some(json!({"address": "help@example.com", "targets": [BOB]})),
    )
    .await
    .expect(StatusCode::CREATED);
    let mut prefs = s.get(&s.bob, "/api/v1/me/preferences").await;
    // Ann's address is not Bob's to send as: refused by name, nothing kept.
    prefs["identities"] = json!([
        {"address": "help@example.com", "name": "Example Help Desk", "signature": "Example Ltd."},
        {"address": ANN, "name": "Not Ann"},
    ]);
    let r =
        s.t.call(
            Method::PUT,
            "/api/v1/me/preferences",
            Some(&s.bob),
            Some(prefs.clone()),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "identities[1].address");
    assert_eq!(
        s.get(&s.bob, "/api/v1/me/preferences").await["identities"],
        json!([])
    );
    prefs["identities"] = json!([
        {"address": "help@example.com", "name": "Example Help Desk", "signature": "Example Ltd."},
        {"address": BOB, "name": "Bob Builder"},
    ]);
    s.t.call(
        Method::PUT,
        "/api/v1/me/preferences",
        Some(&s.bob),
        Some(prefs),
    )
    .await
    .expect(StatusCode::OK);

    // Without a sender the first identity is used, with its name; a sender given is
    // written with its identity's name.
    s.post(
        &s.bob,
        "/api/v1/messages/send",
        json!({"to": [ANN], "subject": "one", "text": "x"}),
    )
    .await;
    s.post(
        &s.bob,
        "/api/v1/messages/send",
        json!({"from": BOB, "to": [ANN], "subject": "two", "text": "x"}),
    )
    .await;
    let ann = s.t.token(ANN).await;
    let got = s.items(&ann, "INBOX").await;
    let from_of = |subject: &str| {
        let m = got.iter().find(|m| m["subject"] == subject).unwrap();
        m["id"].as_str().unwrap().to_owned()
    };
    let one = s
        .get(&ann, &format!("/api/v1/messages/{}", from_of("one")))
        .await;
    assert_eq!(
        one["from"][0],
        json!({"name": "Example Help Desk", "address": "help@example.com"})
    );
    let two = s
        .get(&ann, &format!("/api/v1/messages/{}", from_of("two")))
        .await;
    assert_eq!(two["from"][0]["name"], "Bob Builder");
}

#[tokio::test]
async fn a_contact_group_named_as_a_recipient_is_its_members() {
    let s = three().await;
    let mut members = Vec::new();
    for (name, address) in [("Ann", ANN), ("Cy", CY)] {
        let c = s
            .post(
                &s.bob,
                "/api/v1/contacts",
                json!({"full_name": name, "emails": [{"label": "", "value": address}]}),
            )
            .await;
        members.push(c["id"].clone());
    }
    s.post(
        &s.bob,
        "/api/v1/contact-groups",
        json!({"name": "Book Club", "members": members}),
    )
    .await;
    let sent = s
        .post(
            &s.bob,
            "/api/v1/messages/send",
            json!({"to": ["book club"], "subject": "Next book", "text": "Dune."}),
        )
        .await;
    assert_eq!(sent["delivered"], json!([ANN, CY]));
    // A name that is no group of the account is named back.
    let r =
        s.t.call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&s.bob),
            Some(json!({"to": ["Chess Club"], "subject": "s", "text": "t"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "to[0]");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("group")
    );
}

#[tokio::test]
async fn suggestions_add_addresses_written_to_lately_and_the_domains_directory_when_shown() {
    let s = three().await;
    let suggest = |token: String, q: &'static str| {
        let t = &s.t;
        async move {
            t.call(
                Method::GET,
                &format!("/api/v1/contacts/suggest?q={q}"),
                Some(&token),
                None,
            )
            .await
            .expect(StatusCode::OK)
            .body
        }
    };
    // Recently written to: the recipients of Bob's Sent mail.
    s.post(
        &s.bob,
        "/api/v1/messages/send",
        json!({"to": [ANN, "Far@Elsewhere.example"], "subject": "s", "text": "t"}),
    )
    .await;
    let got = suggest(s.bob.clone(), "elsew").await;
    assert_eq!(got[0]["kind"], "recent");
    assert_eq!(got[0]["addresses"], json!(["far@elsewhere.example"]));

    // The domain's directory is off by default; once shown, Cy is offered to Bob (and
    // Bob's own account never is).
    assert!(
        !suggest(s.bob.clone(), "cy")
            .await
            .to_string()
            .contains("directory"),
        "directory shown before the domain allows it"
    );
    let admin = s.t.token(ADMIN).await;
    let domains = s.get(&admin, "/api/v1/admin/domains").await;
    let id = domains["items"][0]["id"].as_str().unwrap().to_owned();
    s.t.call(
        Method::PATCH,
        &format!("/api/v1/admin/domains/{id}"),
        Some(&admin),
        Some(json!({"settings": {"directory_visible": true}})),
    )
    .await
    .expect(StatusCode::OK);
    let got = suggest(s.bob.clone(), "cy").await;
    assert_eq!(got[0]["kind"], "directory", "{got}");
    assert_eq!(got[0]["addresses"], json!([CY]));
    assert!(
        !suggest(s.bob.clone(), "bob")
            .await
            .to_string()
            .contains("directory")
    );
}
