//! Accounts in bulk: a CSV import checked line by line (a dry run lists every bad line
//! and creates nothing; a real run with bad lines creates nothing unless asked to take
//! the good ones), by the rules of one new account — the domain's limits and a domain
//! administrator's domains included — and an export of the accounts one manages.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

const IMPORT: &str = "/api/v1/admin/accounts/import";

async fn import(t: &TestApp, token: &str, body: Value) -> Reply {
    t.call(Method::POST, IMPORT, Some(token), Some(body)).await
}

async fn exists(t: &TestApp, address: &str) -> bool {
    t.store
        .accounts()
        .account_by_address(&osprey_core::Address::parse(address).unwrap())
        .await
        .is_ok()
}

const CSV: &str = "address,name,password,quota_mib\r\n\
ann@example.com,\"Doe, Ann\",Quiet-Lantern-77k,50\r\n\
not-an-address,Bad,Quiet-Lantern-77k,\r\n\
bob@example.com,Bob,,\r\n\
ann@example.com,Ann again,Quiet-Lantern-77k,\r\n\
eve@nowhere.example,Eve,Quiet-Lantern-77k,\r\n\
dee@example.com,Dee,short,\r\n\
cy@example.com,Cy,Quiet-Lantern-77k,lots\r\n";

#[tokio::test]
async fn a_dry_run_says_what_each_line_would_do_and_creates_nothing() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let r = import(&t, &admin, json!({"csv": CSV, "dry_run": true}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(r["dry_run"], true);
    assert_eq!(r["added"], 2, "{r}");
    assert_eq!(r["problems"], 5, "{r}");
    let lines = r["lines"].as_array().unwrap();
    let at = |n: u64| lines.iter().find(|l| l["line"] == n).unwrap();
    assert_eq!(at(2)["added"], true);
    assert!(
        at(3)["problem"].as_str().unwrap().starts_with("address:"),
        "{r}"
    );
    assert_eq!(at(4)["added"], true);
    // A dry run shows no password: nothing is created to use it.
    assert!(at(4).get("generated_password").is_none(), "{r}");
    assert_eq!(at(5)["problem"], "ann@example.com is on an earlier line");
    assert_eq!(
        at(6)["problem"],
        "address: the domain nowhere.example does not exist"
    );
    assert!(
        at(7)["problem"].as_str().unwrap().starts_with("password:"),
        "{r}"
    );
    assert_eq!(
        at(8)["problem"],
        "quota: 'lots' is not a whole number of MiB"
    );
    assert!(!exists(&t, "ann@example.com").await);
    assert!(!exists(&t, "bob@example.com").await);
}

#[tokio::test]
async fn a_real_run_with_bad_lines_creates_nothing_unless_asked_to_skip_them() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let refused = import(&t, &admin, json!({"csv": CSV}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let messages: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 5, "{}", refused.body);
    assert!(messages[0].starts_with("line 3: "), "{messages:?}");
    assert_eq!(refused.fields(), ["csv"; 5]);
    assert!(!exists(&t, "ann@example.com").await);

    let r = import(&t, &admin, json!({"csv": CSV, "skip_invalid": true}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(r["added"], 2, "{r}");
    let ann = t
        .store
        .accounts()
        .account_by_address(&osprey_core::Address::parse("ann@example.com").unwrap())
        .await
        .unwrap();
    assert_eq!(ann.display_name, "Doe, Ann");
    assert_eq!(ann.quota_bytes, Some(50 * 1024 * 1024));
    // Bob had no password: the server drew one, shown once, and it signs him in.
    let bob = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["address"] == "bob@example.com")
        .unwrap();
    let password = bob["generated_password"].as_str().unwrap();
    t.login("bob@example.com", password)
        .await
        .expect(StatusCode::OK);
    t.login("ann@example.com", "Quiet-Lantern-77k")
        .await
        .expect(StatusCode::OK);
    // Again: both exist now, so both lines are problems.
    let again = import(
        &t,
        &admin,
        json!({"csv": "ann@example.com\r\nbob@example.com\r\n", "dry_run": true}),
    )
    .await
    .expect(StatusCode::OK)
    .body;
    assert_eq!(again["added"], 0, "{again}");
    assert_eq!(
        again["lines"][0]["problem"],
        "the account ann@example.com already exists"
    );
}

#[tokio::test]
async fn the_domains_limit_counts_the_lines_before() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&admin),
        Some(json!({"name": "small.example", "settings": {"max_accounts": 2}})),
    )
    .await
    .expect(StatusCode::CREATED);
    let csv = "a@small.example,A,Quiet-Lantern-77k\r\nb@small.example,B,Quiet-Lantern-77k\r\nc@small.example,C,Quiet-Lantern-77k\r\n";
    let r = import(&t, &admin, json!({"csv": csv, "skip_invalid": true}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(r["added"], 2, "{r}");
    assert_eq!(
        r["lines"][2]["problem"],
        "address: the domain small.example holds its limit of 2 accounts"
    );
    assert!(!exists(&t, "c@small.example").await);
}

#[tokio::test]
async fn a_domain_administrator_imports_and_exports_its_own_domains_only() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&admin),
        Some(json!({"name": "shop.example"})),
    )
    .await
    .expect(StatusCode::CREATED);
    t.add_account("boss@shop.example", Role::DomainAdmin, &["shop.example"])
        .await;
    t.add_account("kim@example.com", Role::User, &[]).await;
    let boss = t.token("boss@shop.example").await;
    let csv =
        "new@shop.example,New,Quiet-Lantern-77k\r\nsneak@example.com,Sneak,Quiet-Lantern-77k\r\n";
    let r = import(&t, &boss, json!({"csv": csv, "skip_invalid": true}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(r["added"], 1, "{r}");
    assert_eq!(
        r["lines"][1]["problem"],
        "the domain example.com is not one you administer"
    );
    assert!(!exists(&t, "sneak@example.com").await);

    let export = t
        .raw(
            Method::GET,
            "/api/v1/admin/accounts/export",
            Some(&boss),
            None,
            "",
        )
        .await;
    assert_eq!(export.status, StatusCode::OK);
    let text = export.body.as_str().unwrap().to_owned();
    assert!(
        text.starts_with("address,name,role,quota_mib,used_bytes,enabled,pop3_mode,created\r\n"),
        "{text}"
    );
    assert!(
        text.contains("\r\nnew@shop.example,New,user,,0,true,offline,"),
        "{text}"
    );
    assert!(!text.contains("kim@example.com"), "{text}");
    // The export imports again as it is: its lines are taken (as existing accounts).
    let r = import(&t, &boss, json!({"csv": text, "dry_run": true}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(r["problems"], r["lines"].as_array().unwrap().len(), "{r}");
    // Another domain's export is refused.
    t.call(
        Method::GET,
        "/api/v1/admin/accounts/export?domain=example.com",
        Some(&boss),
        None,
    )
    .await
    .expect(StatusCode::FORBIDDEN);
}
