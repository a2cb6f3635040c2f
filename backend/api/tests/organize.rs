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

#[tokio::test]
async fn junk_reports_mark_all_read_and_emptying_trash() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    for subject in ["one", "two", "three"] {
        t.call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&ann),
            Some(json!({"to": ["ann@example.com"], "subject": subject, "text": "t"})),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    let inbox = t.mailbox_id(&ann, "INBOX").await;
    let junk = t.mailbox_id(&ann, "\\Junk").await;
    let trash = t.mailbox_id(&ann, "\\Trash").await;
    let listing = |mailbox: String| {
        let (t, ann) = (&t, ann.clone());
        async move {
            t.call(
                Method::GET,
                &format!("/api/v1/mailboxes/{mailbox}/messages"),
                Some(&ann),
                None,
            )
            .await
            .expect(StatusCode::OK)
            .body["items"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let ids: Vec<String> = listing(inbox.clone())
        .await
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 3);
    // Junk: keyword $Junk (RFC 5788's registry), moved to Junk; and back.
    let r = t
        .call(
            Method::POST,
            "/api/v1/messages/junk",
            Some(&ann),
            Some(json!({"ids": [ids[0]]})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["moved"], 1);
    let in_junk = listing(junk.clone()).await;
    assert_eq!(in_junk.len(), 1);
    assert!(
        in_junk[0]["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("$Junk"))
    );
    let moved_id = in_junk[0]["id"].as_str().unwrap().to_owned();
    t.call(
        Method::POST,
        "/api/v1/messages/not-junk",
        Some(&ann),
        Some(json!({"ids": [moved_id]})),
    )
    .await
    .expect(StatusCode::OK);
    let back = listing(inbox.clone()).await;
    assert_eq!(back.len(), 3);
    assert!(back.iter().any(|m| {
        let f = m["flags"].as_array().unwrap();
        f.contains(&json!("$NotJunk")) && !f.contains(&json!("$Junk"))
    }));
    // Mark all read.
    let r = t
        .call(
            Method::POST,
            &format!("/api/v1/mailboxes/{inbox}/read"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["marked_read"], 3);
    assert!(
        listing(inbox.clone())
            .await
            .iter()
            .all(|m| m["flags"].as_array().unwrap().contains(&json!("\\Seen")))
    );
    // Only Trash and Junk are emptied.
    t.call(
        Method::POST,
        &format!("/api/v1/mailboxes/{inbox}/empty"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::CONFLICT);
    let all: Vec<String> = listing(inbox.clone())
        .await
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    t.call(
        Method::POST,
        "/api/v1/messages/delete",
        Some(&ann),
        Some(json!({"ids": all})),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(listing(trash.clone()).await.len(), 3);
    let r = t
        .call(
            Method::POST,
            &format!("/api/v1/mailboxes/{trash}/empty"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["expunged"], 3);
    assert!(listing(trash).await.is_empty());
}

#[tokio::test]
async fn search_finds_by_filters_and_words_and_refuses_a_bad_query() {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    t.add_account("bob@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let bob = t.token("bob@example.com").await;
    for (subject, text) in [
        ("Q3 report", "the quarterly invoice figures"),
        ("Lunch", "noodles at noon"),
        ("Q4 plan", "no money talk"),
    ] {
        t.call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&bob),
            Some(json!({"to": ["ann@example.com"], "subject": subject, "text": text})),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    let search = |q: &'static str, token: String| {
        let t = &t;
        async move {
            let r = t
                .call(
                    Method::GET,
                    &format!(
                        "/api/v1/messages/search?q={}",
                        q.replace(' ', "%20").replace('"', "%22")
                    ),
                    Some(&token),
                    None,
                )
                .await
                .expect(StatusCode::OK);
            let mut subjects: Vec<String> = r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["subject"].as_str().unwrap().to_owned())
                .collect();
            subjects.sort();
            subjects
        }
    };
    assert_eq!(search("subject:q3", ann.clone()).await, ["Q3 report"]);
    // A word is looked for in the text (the full-text index, or the message itself).
    assert_eq!(search("invoice", ann.clone()).await, ["Q3 report"]);
    assert_eq!(
        search("from:bob in:INBOX", ann.clone()).await,
        ["Lunch", "Q3 report", "Q4 plan"]
    );
    assert_eq!(
        search("from:bob body:noodles", ann.clone()).await,
        ["Lunch"]
    );
    assert!(search("after:2999-01-01", ann.clone()).await.is_empty());
    // Bob's Sent copies are his, not Ann's: his search finds them in Sent.
    assert_eq!(search("subject:lunch", bob.clone()).await, ["Lunch"]);
    assert!(
        search("subject:lunch in:Archive", bob.clone())
            .await
            .is_empty()
    );
    let r = t
        .call(
            Method::GET,
            "/api/v1/messages/search?q=colour:red",
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["q".to_string()]);
    assert!(r.body.to_string().contains("colour: is not a filter"));
}

/// A selection in two mailboxes flagged and marked read at once, then unread again; a
/// bad flag or another account's message changes nothing.
#[tokio::test]
async fn a_selection_across_mailboxes_is_flagged_at_once() {
    let t = TestApp::new().await;
    let ann_id = t.add_account("ann@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let raw = format!("From: b@example.org\r\nSubject: n{n}\r\n\r\nHi\r\n");
        ids.push(t.deliver_to_inbox(&ann_id, &ann, raw.as_bytes()).await);
    }
    let list = boxes(&t, &ann).await;
    t.call(
        Method::POST,
        "/api/v1/messages/move",
        Some(&ann),
        Some(json!({"ids": [ids[2]], "mailbox_id": id_of(&list, "Archive")})),
    )
    .await
    .expect(StatusCode::OK);
    let archived = ids_in(&t, &ann, &id_of(&list, "Archive")).await;
    let selection = [ids[0].clone(), archived[0].clone()];
    let flag = |body: Value| {
        let (t, ann) = (&t, ann.clone());
        async move {
            t.call(
                Method::POST,
                "/api/v1/messages/flags",
                Some(&ann),
                Some(body),
            )
            .await
        }
    };
    let r = flag(json!({"ids": selection, "add": ["\\Seen", "\\Flagged", "$Later"]}))
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["flagged"], 2);
    let flags_of = |mailbox: String| {
        let (t, ann) = (&t, ann.clone());
        async move {
            t.call(
                Method::GET,
                &format!("/api/v1/mailboxes/{mailbox}/messages"),
                Some(&ann),
                None,
            )
            .await
            .expect(StatusCode::OK)
            .body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| (m["id"].as_str().unwrap().to_owned(), m["flags"].clone()))
                .collect::<Vec<_>>()
        }
    };
    let inbox = flags_of(id_of(&list, "INBOX")).await;
    let archive = flags_of(id_of(&list, "Archive")).await;
    let of =
        |list: &[(String, Value)], id: &str| list.iter().find(|m| m.0 == id).unwrap().1.clone();
    assert_eq!(
        of(&inbox, &ids[0]),
        json!(["\\Seen", "\\Flagged", "$Later"])
    );
    assert_eq!(
        of(&archive, &archived[0]),
        json!(["\\Seen", "\\Flagged", "$Later"])
    );
    assert_eq!(of(&inbox, &ids[1]), json!([]), "not selected");
    // Marked unread again.
    flag(json!({"ids": selection, "remove": ["\\Seen"]}))
        .await
        .expect(StatusCode::OK);
    let inbox = flags_of(id_of(&list, "INBOX")).await;
    assert_eq!(of(&inbox, &ids[0]), json!(["\\Flagged", "$Later"]));

    // A system flag the server does not keep, an empty selection, another account's
    // message: refused, nothing changed.
    let r = flag(json!({"ids": [ids[1]], "add": ["\\Recent"]}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "add[0]", "{}", r.body);
    flag(json!({"ids": [], "add": ["\\Seen"]}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    t.add_account("cid@example.com", Role::User, &[]).await;
    let cid = t.token("cid@example.com").await;
    t.call(
        Method::POST,
        "/api/v1/messages/flags",
        Some(&cid),
        Some(json!({"ids": [ids[1]], "add": ["\\Seen"]})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let inbox = flags_of(id_of(&list, "INBOX")).await;
    assert_eq!(of(&inbox, &ids[1]), json!([]));
}
