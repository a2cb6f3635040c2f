//! `GET /mailboxes/{id}/messages?sort=…`: the web app's sorted lists — server-side order
//! by each key either way, ties in arrival order, and cursors that keep their place
//! while mail arrives.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::Value;

use crate::support::*;

const ANN: &str = "ann@example.com";

/// (From, Date, Subject, body padding) of the mail delivered, in arrival order.
const MAIL: [(&str, &str, Option<&str>, usize); 5] = [
    (
        "Zed <zed@example.net>",
        "Mon, 2 Nov 2026 09:00:00 +0000",
        Some("Re: banana"),
        10,
    ),
    (
        "amy@example.org",
        "Wed, 4 Nov 2026 09:00:00 +0000",
        Some("Apple"),
        300,
    ),
    (
        "Bob <BOB@example.com>",
        "Sun, 1 Nov 2026 09:00:00 +0000",
        Some("[team] Fwd: Cherry"),
        50,
    ),
    (
        "carl@example.com",
        "Tue, 3 Nov 2026 09:00:00 +0000",
        Some("apple pie"),
        1000,
    ),
    (
        "dora@example.com",
        "Thu, 5 Nov 2026 09:00:00 +0000",
        None,
        0,
    ),
];

fn raw(from: &str, date: &str, subject: Option<&str>, pad: usize) -> Vec<u8> {
    let subject = subject
        .map(|s| format!("Subject: {s}\r\n"))
        .unwrap_or_default();
    format!(
        "From: {from}\r\nTo: ann@example.com\r\nDate: {date}\r\n{subject}\r\n{}\r\n",
        "x".repeat(pad)
    )
    .into_bytes()
}

async fn page(t: &TestApp, token: &str, inbox: &str, query: &str) -> (Vec<String>, Option<String>) {
    let r = t
        .call(
            Method::GET,
            &format!("/api/v1/mailboxes/{inbox}/messages?{query}"),
            Some(token),
            None,
        )
        .await
        .expect(StatusCode::OK);
    let subjects = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap_or("").to_owned())
        .collect();
    (subjects, r.body["next_cursor"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn every_key_sorts_both_ways_and_a_cursor_keeps_its_place_while_mail_arrives() {
    let t = TestApp::new().await;
    let ann_id = t.add_account(ANN, Role::User, &[]).await;
    let ann = t.token(ANN).await;
    for (from, date, subject, pad) in MAIL {
        t.deliver_to_inbox(&ann_id, &ann, &raw(from, date, subject, pad))
            .await;
    }
    let inbox = t.mailbox_id(&ann, "INBOX").await;
    let all = |query: &'static str| {
        let (t, ann, inbox) = (&t, ann.clone(), inbox.clone());
        async move { page(t, &ann, &inbox, &format!("{query}&limit=100")).await.0 }
    };
    // Base subjects, case-folded. RFC 5256 §2.1: "Subject sorting and threading use the
    // "base subject", which has specific subject artifacts removed": "Re: banana" sorts
    // as "banana", "[team] Fwd: Cherry" as "cherry"; no subject sorts as empty text, first.
    assert_eq!(
        all("sort=subject").await,
        ["", "Apple", "apple pie", "Re: banana", "[team] Fwd: Cherry"]
    );
    assert_eq!(
        all("sort=subject&descending=true").await,
        ["[team] Fwd: Cherry", "Re: banana", "apple pie", "Apple", ""]
    );
    // The Date field, not arrival.
    assert_eq!(
        all("sort=sent").await,
        ["[team] Fwd: Cherry", "Re: banana", "apple pie", "Apple", ""]
    );
    // Senders by address, case-folded.
    assert_eq!(
        all("sort=from").await,
        ["Apple", "[team] Fwd: Cherry", "apple pie", "", "Re: banana"]
    );
    assert_eq!(
        all("sort=size&descending=true").await,
        ["apple pie", "Apple", "[team] Fwd: Cherry", "Re: banana", ""]
    );
    // Arrival, newest first.
    assert_eq!(
        all("sort=received&descending=true").await,
        ["", "apple pie", "[team] Fwd: Cherry", "Apple", "Re: banana"]
    );

    // Pages of two by subject; mail that arrives before the cursor's place does not
    // shift the next page (nothing is shown twice or skipped).
    let (first, cursor) = page(&t, &ann, &inbox, "sort=subject&limit=2").await;
    assert_eq!(first, ["", "Apple"]);
    let cursor = cursor.unwrap();
    t.deliver_to_inbox(
        &ann_id,
        &ann,
        &raw(
            "eve@example.com",
            "Fri, 6 Nov 2026 09:00:00 +0000",
            Some("aardvark"),
            1,
        ),
    )
    .await;
    let (second, cursor) = page(
        &t,
        &ann,
        &inbox,
        &format!("sort=subject&limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(second, ["apple pie", "Re: banana"]);
    let (third, end) = page(
        &t,
        &ann,
        &inbox,
        &format!("sort=subject&limit=2&cursor={}", cursor.clone().unwrap()),
    )
    .await;
    assert_eq!(third, ["[team] Fwd: Cherry"]);
    assert_eq!(end, None);

    // An unknown key, and a cursor of another sort, are refused by name.
    for query in [
        "sort=colour".to_owned(),
        format!("sort=from&cursor={}", cursor.unwrap()),
        "sort=subject&cursor=not-a-cursor".to_owned(),
    ] {
        let r: Value = t
            .call(
                Method::GET,
                &format!("/api/v1/mailboxes/{inbox}/messages?{query}"),
                Some(&ann),
                None,
            )
            .await
            .expect(StatusCode::BAD_REQUEST)
            .body;
        assert_eq!(r["code"], "bad_query", "{query}: {r}");
    }
}

/// Every address of a paged account listing in `sort` order, one account per page (so
/// every cursor is used).
async fn accounts_in(t: &TestApp, token: &str, sort: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/admin/accounts?limit=1&domain=sorted.example&sort={sort}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = t
            .call(Method::GET, &path, Some(token), None)
            .await
            .expect(StatusCode::OK)
            .body;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["address"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return seen,
        }
    }
}

#[tokio::test]
async fn accounts_list_by_address_the_newest_or_the_largest_first_page_by_page() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&admin),
        Some(serde_json::json!({"name": "sorted.example"})),
    )
    .await
    .expect(StatusCode::CREATED);
    // Made in this order; c and d keep the same amount of mail (a tie: by address).
    let sizes = [("b", 100), ("d", 5000), ("a", 300), ("c", 5000)];
    for (name, size) in sizes {
        let address = format!("{name}@sorted.example");
        let id = t.add_account(&address, Role::User, &[]).await;
        let token = t.token(&address).await;
        let raw = format!(
            "From: x@example.net\r\nSubject: {name}\r\n\r\n{}\r\n",
            "x".repeat(size)
        );
        t.deliver_to_inbox(&id, &token, raw.as_bytes()).await;
        // Creation times apart, whatever the clock's resolution.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let at = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .map(|n| format!("{n}@sorted.example"))
            .collect()
    };
    assert_eq!(
        accounts_in(&t, &admin, "address").await,
        at(&["a", "b", "c", "d"])
    );
    assert_eq!(
        accounts_in(&t, &admin, "newest").await,
        at(&["c", "a", "d", "b"])
    );
    assert_eq!(
        accounts_in(&t, &admin, "largest").await,
        at(&["c", "d", "a", "b"])
    );
    t.call(
        Method::GET,
        "/api/v1/admin/accounts?sort=oldest",
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    // A cursor of one order is no cursor of another, either way.
    let page = t
        .call(
            Method::GET,
            "/api/v1/admin/accounts?limit=1&domain=sorted.example&sort=largest",
            Some(&admin),
            None,
        )
        .await
        .body;
    let cursor = page["next_cursor"].as_str().unwrap();
    t.call(
        Method::GET,
        &format!("/api/v1/admin/accounts?limit=1&sort=address&cursor={cursor}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    let page = t
        .call(
            Method::GET,
            "/api/v1/admin/accounts?limit=1&domain=sorted.example&sort=address",
            Some(&admin),
            None,
        )
        .await
        .body;
    let cursor = page["next_cursor"].as_str().unwrap();
    t.call(
        Method::GET,
        &format!("/api/v1/admin/accounts?limit=1&sort=largest&cursor={cursor}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn domains_aliases_and_lists_list_by_name_or_the_newest_first() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    for name in ["m.example", "z.example", "a.example"] {
        t.call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(serde_json::json!({ "name": name })),
        )
        .await
        .expect(StatusCode::CREATED);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    for local in ["m", "z", "a"] {
        t.call(
            Method::POST,
            "/api/v1/admin/aliases",
            Some(&admin),
            Some(serde_json::json!({ "address": format!("{local}@a.example"), "targets": ["x@far.example"] })),
        )
        .await
        .expect(StatusCode::CREATED);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // One item per page: every cursor is used.
    let names = |path: &'static str, field: &'static str, sort: &'static str| {
        let t = &t;
        let admin = admin.clone();
        async move {
            let mut seen = Vec::new();
            let mut cursor = String::new();
            loop {
                let page = t
                    .call(
                        Method::GET,
                        &format!("{path}?limit=1&sort={sort}{cursor}"),
                        Some(&admin),
                        None,
                    )
                    .await
                    .expect(StatusCode::OK)
                    .body;
                for item in page["items"].as_array().unwrap() {
                    seen.push(item[field].as_str().unwrap().to_owned());
                }
                match page["next_cursor"].as_str() {
                    Some(c) => cursor = format!("&cursor={c}"),
                    None => return seen,
                }
            }
        }
    };
    let newest = names("/api/v1/admin/domains", "name", "newest").await;
    assert_eq!(
        &newest[..3],
        ["a.example", "z.example", "m.example"],
        "{newest:?}"
    );
    let by_name = names("/api/v1/admin/domains", "name", "name").await;
    let mut sorted = by_name.clone();
    sorted.sort();
    assert_eq!(by_name, sorted);
    assert_eq!(
        names("/api/v1/admin/aliases", "address", "newest").await,
        ["a@a.example", "z@a.example", "m@a.example"]
    );
    assert_eq!(
        names("/api/v1/admin/aliases", "address", "name").await,
        ["a@a.example", "m@a.example", "z@a.example"]
    );
    for address in ["lm@a.example", "lz@a.example", "la@m.example"] {
        t.call(
            Method::POST,
            "/api/v1/admin/lists",
            Some(&admin),
            Some(serde_json::json!({ "address": address, "name": format!("List {address}") })),
        )
        .await
        .expect(StatusCode::CREATED);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(
        names("/api/v1/admin/lists", "address", "newest").await,
        ["la@m.example", "lz@a.example", "lm@a.example"]
    );
    assert_eq!(
        names("/api/v1/admin/lists", "address", "name").await,
        ["la@m.example", "lm@a.example", "lz@a.example"],
        "by local part"
    );
    t.call(
        Method::GET,
        "/api/v1/admin/lists?sort=largest",
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
}
