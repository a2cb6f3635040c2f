//! Delivery rules over REST: the account's list with its revision, invalid rules named
//! by path, Sieve both ways (an unsupported command named by its line), the vacation
//! shortcut, the dry run against a stored message, and domain rules running before the
//! account's at delivery.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::{ADMIN, TestApp};

const ANN: &str = "ann@example.com";

async fn ann(t: &TestApp) -> String {
    t.add_account(ANN, Role::User, &[]).await;
    t.token(ANN).await
}

async fn put(t: &TestApp, token: &str, path: &str, body: Value) -> crate::support::Reply {
    t.call(Method::PUT, path, Some(token), Some(body)).await
}

async fn get(t: &TestApp, token: &str, path: &str) -> Value {
    t.call(Method::GET, path, Some(token), None)
        .await
        .expect(StatusCode::OK)
        .body
}

fn work_rule() -> Value {
    json!({
        "name": "work",
        "conditions": [{"field": "subject", "op": "contains", "value": "report"}],
        "actions": [
            {"type": "set_flags", "flags": ["\\Flagged"]},
            {"type": "file_into", "mailbox": "Work", "create_if_missing": true}
        ]
    })
}

#[tokio::test]
async fn the_rule_list_is_replaced_at_its_revision_and_read_back() {
    let t = TestApp::new().await;
    let me = ann(&t).await;
    let empty = get(&t, &me, "/api/v1/rules").await;
    assert_eq!(empty, json!({"revision": 0, "rules": []}));
    let saved = put(
        &t,
        &me,
        "/api/v1/rules",
        json!({"revision": 0, "rules": [work_rule()]}),
    )
    .await
    .expect(StatusCode::OK)
    .body;
    assert_eq!(saved["revision"], 1);
    let read = get(&t, &me, "/api/v1/rules").await;
    assert_eq!(read["rules"][0]["name"], "work");
    assert_eq!(read["rules"][0]["actions"][1]["mailbox"], "Work");
    // A second writer that read revision 0 is refused and changes nothing.
    put(
        &t,
        &me,
        "/api/v1/rules",
        json!({"revision": 0, "rules": []}),
    )
    .await
    .expect(StatusCode::CONFLICT);
    assert_eq!(get(&t, &me, "/api/v1/rules").await["revision"], 1);
}

#[tokio::test]
async fn invalid_rules_are_refused_naming_each_field_by_its_path() {
    let t = TestApp::new().await;
    let me = ann(&t).await;
    let bad = json!({"rules": [
        work_rule(),
        {
            "name": "bad",
            "conditions": [{"field": "subject", "op": "regex", "value": "(unclosed"}],
            "actions": [{"type": "file_into", "mailbox": "a//b"}]
        }
    ]});
    let r = put(&t, &me, "/api/v1/rules", bad)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let fields = r.fields();
    assert!(
        fields.contains(&"rules[1].conditions[0].value".to_owned()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"rules[1].actions[0].mailbox".to_owned()),
        "{fields:?}"
    );
    assert_eq!(get(&t, &me, "/api/v1/rules").await["revision"], 0);
    // A member the row's kind does not use, and a redirect to two addresses.
    let r = put(
        &t,
        &me,
        "/api/v1/rules",
        json!({"rules": [{"name": "x", "actions": [
            {"type": "mark_read", "mailbox": "Work"},
            {"type": "redirect", "to": ["a@example.net", "b@example.net"]}
        ]}]}),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["rules[0].actions[0]", "rules[0].actions[1]"]);
    let message = r.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("mailbox"), "{message}");
    assert_eq!(get(&t, &me, "/api/v1/rules").await["revision"], 0);
}

#[tokio::test]
async fn sieve_export_and_import_and_an_unsupported_command_named_by_line() {
    let t = TestApp::new().await;
    let me = ann(&t).await;
    put(&t, &me, "/api/v1/rules", json!({"rules": [work_rule()]}))
        .await
        .expect(StatusCode::OK);
    let exported = get(&t, &me, "/api/v1/rules/sieve").await;
    let script = exported["script"].as_str().unwrap();
    assert!(script.contains("fileinto"), "{script}");
    assert_eq!(exported["revision"], 1);
    // The script goes back in as the same rules.
    let back = put(&t, &me, "/api/v1/rules/sieve", json!({"script": script}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(back["revision"], 2);
    assert_eq!(back["rules"][0]["actions"][1]["mailbox"], "Work");
    let r = put(
        &t,
        &me,
        "/api/v1/rules/sieve",
        json!({"script": "require \"fileinto\";\nnotify \"mailto:x@example.com\";\n"}),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["script"]);
    let message = r.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("line 2"), "{message}");
    assert_eq!(get(&t, &me, "/api/v1/rules").await["revision"], 2);
}

#[tokio::test]
async fn the_vacation_shortcut_edits_one_rule_first_in_the_list() {
    let t = TestApp::new().await;
    let me = ann(&t).await;
    assert_eq!(
        get(&t, &me, "/api/v1/rules/vacation").await,
        json!({"enabled": false, "revision": 0})
    );
    put(&t, &me, "/api/v1/rules", json!({"rules": [work_rule()]}))
        .await
        .expect(StatusCode::OK);
    let on = json!({"enabled": true, "vacation": {"body": "Back on Monday.", "days": 3}});
    put(&t, &me, "/api/v1/rules/vacation", on)
        .await
        .expect(StatusCode::OK);
    let v = get(&t, &me, "/api/v1/rules/vacation").await;
    assert_eq!(v["enabled"], true);
    assert_eq!(v["vacation"]["days"], 3);
    let rules = get(&t, &me, "/api/v1/rules").await;
    assert_eq!(rules["rules"][0]["name"], "Vacation");
    assert_eq!(rules["rules"][1]["name"], "work");
    // Off keeps the text, and the rule stays one.
    let off = json!({"enabled": false, "vacation": {"body": "Back on Monday."}});
    put(&t, &me, "/api/v1/rules/vacation", off)
        .await
        .expect(StatusCode::OK);
    let rules = get(&t, &me, "/api/v1/rules").await;
    assert_eq!(rules["rules"].as_array().unwrap().len(), 2);
    assert_eq!(rules["rules"][0]["enabled"], false);
}

#[tokio::test]
async fn a_dry_run_says_which_rules_match_a_stored_message_and_what_they_would_do() {
    let t = TestApp::new().await;
    let me = ann(&t).await;
    t.call(
        Method::POST,
        "/api/v1/messages/send",
        Some(&me),
        Some(json!({"to": [ANN], "subject": "Q3 report", "text": "numbers"})),
    )
    .await
    .expect(StatusCode::CREATED);
    let inbox = get(&t, &me, "/api/v1/mailboxes").await;
    let inbox = inbox
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "INBOX")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let list = get(&t, &me, &format!("/api/v1/mailboxes/{inbox}/messages")).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    put(&t, &me, "/api/v1/rules", json!({"rules": [work_rule()]}))
        .await
        .expect(StatusCode::OK);
    let r = t
        .call(
            Method::POST,
            "/api/v1/rules/test",
            Some(&me),
            Some(json!({"message_id": id})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(r["rules"][0]["result"], "matched");
    assert_eq!(r["rules"][0]["owner"], "account");
    assert_eq!(
        r["deliveries"],
        json!([{"mailbox": "Work", "flags": ["\\Flagged"]}])
    );
    // Nothing moved.
    let list = get(&t, &me, &format!("/api/v1/mailboxes/{inbox}/messages")).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn domain_rules_run_before_the_accounts_at_delivery() {
    let t = TestApp::new().await;
    let me = ann(&t).await;
    t.add_account("dom@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let dom = t.token("dom@example.com").await;
    let admin = t.token(ADMIN).await;
    let domains = get(&t, &admin, "/api/v1/admin/domains?q=example.com").await;
    let domain = domains["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "example.com")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/admin/domains/{domain}/rules");
    let tag = json!({"rules": [{
        "name": "tag everything",
        "actions": [{"type": "set_flags", "flags": ["$Company"]}]
    }]});
    put(&t, &dom, &path, tag).await.expect(StatusCode::OK);
    assert_eq!(
        get(&t, &dom, &path).await["rules"][0]["name"],
        "tag everything"
    );
    // The user's own rule files; the domain's flag goes with it.
    put(&t, &me, "/api/v1/rules", json!({"rules": [work_rule()]}))
        .await
        .expect(StatusCode::OK);
    t.call(
        Method::POST,
        "/api/v1/messages/send",
        Some(&me),
        Some(json!({"to": [ANN], "subject": "weekly report", "text": "."})),
    )
    .await
    .expect(StatusCode::CREATED);
    let boxes = get(&t, &me, "/api/v1/mailboxes").await;
    let work = boxes
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Work")
        .expect("the rule made Work")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let list = get(&t, &me, &format!("/api/v1/mailboxes/{work}/messages")).await;
    let flags = &list["items"][0]["flags"];
    assert_eq!(flags, &json!(["\\Flagged", "$Company"]), "{list}");
}

#[tokio::test]
async fn run_now_files_the_stored_mail_in_the_background_and_reports_progress() {
    let t = TestApp::new().await;
    let me = ann(&t).await;
    for subject in ["Q3 report", "Lunch", "Q4 report"] {
        t.call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&me),
            Some(json!({"to": [ANN], "subject": subject, "text": "text"})),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    let mailboxes = get(&t, &me, "/api/v1/mailboxes").await;
    let inbox = mailboxes
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "INBOX")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    put(&t, &me, "/api/v1/rules", json!({"rules": [work_rule()]}))
        .await
        .expect(StatusCode::OK);
    let r = t
        .call(
            Method::POST,
            "/api/v1/rules/runs",
            Some(&me),
            Some(json!({"mailbox_id": inbox})),
        )
        .await
        .expect(StatusCode::ACCEPTED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["total"], 3);
    let mut run = r.body;
    for _ in 0..200 {
        if run["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        run = get(&t, &me, &format!("/api/v1/rules/runs/{id}")).await;
    }
    assert_eq!(run["state"], "finished", "{run}");
    assert_eq!(
        (
            &run["processed"],
            &run["matched"],
            &run["moved"],
            &run["flagged"]
        ),
        (&json!(3), &json!(2), &json!(2), &json!(2)),
        "{run}"
    );
    let list = get(&t, &me, &format!("/api/v1/mailboxes/{inbox}/messages")).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // Bad input: a rule that does not exist (422 naming the field), a mailbox that is
    // not the account's (404), members the request does not have (422).
    let r = t
        .call(
            Method::POST,
            "/api/v1/rules/runs",
            Some(&me),
            Some(json!({"mailbox_id": inbox, "rule_index": 4})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.to_string().contains("rule_index"), "{}", r.body);
    t.call(
        Method::POST,
        "/api/v1/rules/runs",
        Some(&me),
        Some(json!({"mailbox_id": "no-such-mailbox"})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    t.call(
        Method::POST,
        "/api/v1/rules/runs",
        Some(&me),
        Some(json!({"mailbox_id": inbox, "all": true})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    // Another account does not see the run.
    let admin = t.token(ADMIN).await;
    t.call(
        Method::GET,
        &format!("/api/v1/rules/runs/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_rules_read_back_are_taken_back_unchanged() {
    // What the web app does with every change: read the list, change one member, send
    // the whole list back. The vacation shortcut's rule must survive that.
    let t = TestApp::new().await;
    let me = ann(&t).await;
    put(&t, &me, "/api/v1/rules", json!({"rules": [work_rule()]}))
        .await
        .expect(StatusCode::OK);
    put(
        &t,
        &me,
        "/api/v1/rules/vacation",
        json!({"enabled": true, "vacation": {"body": "Away", "days": 3}}),
    )
    .await
    .expect(StatusCode::OK);
    let doc = get(&t, &me, "/api/v1/rules").await;
    let mut rules = doc["rules"].clone();
    rules[0]["enabled"] = json!(false);
    let r = put(
        &t,
        &me,
        "/api/v1/rules",
        json!({"revision": doc["revision"], "rules": rules}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["rules"], rules);
}
