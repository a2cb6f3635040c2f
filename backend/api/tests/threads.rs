//! Conversations: `GET /mailboxes/{id}/messages?threads=true` lists one row per
//! conversation (its newest message in the mailbox, how many of its messages are there
//! and how many unread) and `GET /threads/{id}` shows the conversation. RFC 5322 §3.6.4:
//! "The "References:" field will contain the contents of the parent's "References:"
//! field (if any) followed by the contents of the parent's "Message-ID:" field (if
//! any)" — the links a conversation is built from.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

const ANN: &str = "ann@example.com";

fn mail(id: &str, refs: &str, subject: &str, day: u32) -> Vec<u8> {
    let refs = if refs.is_empty() {
        String::new()
    } else {
        format!(
            "References: {refs}\r\nIn-Reply-To: {}\r\n",
            refs.rsplit(' ').next().unwrap()
        )
    };
    format!(
        "From: bob@example.org\r\nTo: ann@example.com\r\nMessage-ID: {id}\r\n{refs}\
         Date: Mon, {day} Nov 2026 09:00:00 +0000\r\nSubject: {subject}\r\n\r\nHi.\r\n"
    )
    .into_bytes()
}

async fn get(t: &TestApp, token: &str, path: &str) -> Value {
    t.call(Method::GET, path, Some(token), None)
        .await
        .expect(StatusCode::OK)
        .body
}

/// (subject, count, unread) of each row.
fn rows(page: &Value) -> Vec<(String, u64, u64)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["subject"].as_str().unwrap().to_owned(),
                m["thread_count"].as_u64().unwrap(),
                m["thread_unread"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_mailbox_lists_one_row_per_conversation_and_a_conversation_opens_whole() {
    let t = TestApp::new().await;
    let ann_id = t.add_account(ANN, Role::User, &[]).await;
    let ann = t.token(ANN).await;
    // Arrival order: a reply that names a message not yet seen (<p@x>) comes before it.
    let plan = [
        ("<a@x>", "", "Plans", 1),
        ("<c@x>", "", "Lunch", 2),
        ("<b@x>", "<a@x>", "Re: Plans", 3),
        ("<q@x>", "<p@x>", "Re: Budget", 4),
        ("<d@x>", "<a@x> <b@x>", "Re: Plans", 5),
        ("<p@x>", "", "Budget", 6),
    ];
    let mut ids = Vec::new();
    for (id, refs, subject, day) in plan {
        ids.push(
            t.deliver_to_inbox(&ann_id, &ann, &mail(id, refs, subject, day))
                .await,
        );
    }
    let inbox = t.mailbox_id(&ann, "INBOX").await;
    // Ann reads "Re: Plans" (b).
    t.call(
        Method::PATCH,
        &format!("/api/v1/messages/{}/flags", ids[2]),
        Some(&ann),
        Some(json!({"add": ["\\Seen"]})),
    )
    .await
    .expect(StatusCode::OK);

    let list = format!("/api/v1/mailboxes/{inbox}/messages?threads=true");
    let page = get(&t, &ann, &list).await;
    assert_eq!(
        rows(&page),
        [
            ("Budget".to_owned(), 2, 2),
            ("Re: Plans".to_owned(), 3, 2),
            ("Lunch".to_owned(), 1, 1),
        ],
        "newest conversation first, each once with its newest message"
    );
    assert_eq!(page["next_cursor"], Value::Null);

    // Pages of one keep their place while a reply to the oldest conversation arrives.
    let first = get(&t, &ann, &format!("{list}&limit=1")).await;
    assert_eq!(rows(&first)[0].0, "Budget");
    t.deliver_to_inbox(&ann_id, &ann, &mail("<e@x>", "<c@x>", "Re: Lunch", 7))
        .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = get(&t, &ann, &format!("{list}&limit=1&cursor={cursor}")).await;
    assert_eq!(rows(&second)[0].0, "Re: Plans");
    assert_eq!(
        second["next_cursor"],
        Value::Null,
        "Lunch moved above the cursor with its new reply"
    );
    // Oldest first.
    let oldest = get(&t, &ann, &format!("{list}&descending=false")).await;
    assert_eq!(
        rows(&oldest),
        [
            ("Re: Plans".to_owned(), 3, 2),
            ("Budget".to_owned(), 2, 2),
            ("Re: Lunch".to_owned(), 2, 2),
        ]
    );

    // The conversation, oldest first; a message deleted to Trash leaves it.
    let plans = page["items"][1]["thread_id"].as_str().unwrap().to_owned();
    let subjects = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| m["subject"].as_str().unwrap().to_owned())
            .collect()
    };
    let whole = get(&t, &ann, &format!("/api/v1/threads/{plans}")).await;
    assert_eq!(subjects(&whole), ["Plans", "Re: Plans", "Re: Plans"]);
    t.call(
        Method::POST,
        "/api/v1/messages/delete",
        Some(&ann),
        Some(json!({"ids": [ids[0]]})),
    )
    .await
    .expect(StatusCode::OK);
    let whole = get(&t, &ann, &format!("/api/v1/threads/{plans}")).await;
    assert_eq!(subjects(&whole), ["Re: Plans", "Re: Plans"]);

    // Threads as a sort of their own only by arrival; another account's conversation is
    // not found.
    let r = t
        .call(
            Method::GET,
            &format!("{list}&sort=subject"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::BAD_REQUEST);
    assert_eq!(r.body["code"], "bad_query");
    t.add_account("cid@example.com", Role::User, &[]).await;
    let cid = t.token("cid@example.com").await;
    t.call(
        Method::GET,
        &format!("/api/v1/threads/{plans}"),
        Some(&cid),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
}
