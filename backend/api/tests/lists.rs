//! `/admin/lists`: mailing lists and their members through the REST API, for the
//! administrators of their domains; every refusal changes nothing.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_list_is_made_changed_given_members_and_deleted() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/lists",
            Some(&admin),
            Some(json!({"address": "Team@example.com", "name": "The team"})),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.headers.get("location").unwrap(),
        &format!("/api/v1/admin/lists/{id}")
    );
    assert_eq!(r.body["address"], "team@example.com");
    assert_eq!(r.body["settings"]["posting"], "members", "the default");
    assert_eq!(r.body["settings"]["subject_prefix"], "[team]");
    assert!(
        r.body["companions"]
            .as_array()
            .unwrap()
            .contains(&json!("team-owner@example.com")),
        "{}",
        r.body
    );
    // Taken: by this list, by an account (ADMIN's address), by this list's companions.
    for address in ["team@example.com", ADMIN, "team-request@example.com"] {
        t.call(
            Method::POST,
            "/api/v1/admin/lists",
            Some(&admin),
            Some(json!({"address": address, "name": "x"})),
        )
        .await
        .expect(StatusCode::CONFLICT);
    }
    t.call(
        Method::POST,
        "/api/v1/admin/aliases",
        Some(&admin),
        Some(json!({"address": "team-owner@example.com", "targets": [ADMIN]})),
    )
    .await
    .expect(StatusCode::CONFLICT);
    let bad = t
        .call(
            Method::POST,
            "/api/v1/admin/lists",
            Some(&admin),
            Some(
                json!({"address": "nope", "name": " ", "settings": {"owners": ["x"], "footer": "ok",
                "allowed_attachment_types": ["image/*", "pdf"]}}),
            ),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.fields(),
        [
            "address",
            "name",
            "settings.allowed_attachment_types[1]",
            "settings.owners[0]"
        ]
    );
    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/lists/{id}"),
            Some(&admin),
            Some(
                json!({"settings": {"posting": "announce", "reply_to": "list", "owners": [ADMIN]}}),
            ),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["settings"]["posting"], "announce");
    assert_eq!(r.body["settings"]["reply_to"], "list");
    assert_eq!(r.body["name"], "The team", "unchanged");
    let members = format!("/api/v1/admin/lists/{id}/members");
    let r = t
        .call(
            Method::POST,
            &members,
            Some(&admin),
            Some(json!({"address": "bob@far.example", "display_name": "Bob", "delivery_mode": "nomail"})),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(r.body["delivery_mode"], "nomail");
    assert_eq!(r.body["status"], "active");
    t.call(
        Method::POST,
        &members,
        Some(&admin),
        Some(json!({"address": "BOB@far.example"})),
    )
    .await
    .expect(StatusCode::CONFLICT);
    t.call(
        Method::POST,
        &members,
        Some(&admin),
        Some(json!({"address": "eve@far.example", "delivery_mode": "weekly"})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .call(Method::GET, &format!("{members}?q=bob"), Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    let r = t
        .call(Method::GET, "/api/v1/admin/lists", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["items"][0]["member_count"], 1);
    t.call(
        Method::DELETE,
        &format!("{members}/bob@far.example"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/lists/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(
        Method::GET,
        &format!("/api/v1/admin/lists/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    // Its addresses are free again.
    t.call(
        Method::POST,
        "/api/v1/admin/aliases",
        Some(&admin),
        Some(json!({"address": "team-owner@example.com", "targets": [ADMIN]})),
    )
    .await
    .expect(StatusCode::CREATED);
}

#[tokio::test]
async fn a_moderated_lists_post_waits_until_a_moderator_approves_it_once() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.add_account("ann@example.com", osprey_core::Role::User, &[])
        .await;
    let ann = t.token("ann@example.com").await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/lists",
            Some(&admin),
            Some(json!({"address": "team@example.com", "name": "Team", "settings": {"posting": "moderated", "owners": [ADMIN]}})),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    t.call(
        Method::POST,
        &format!("/api/v1/admin/lists/{id}/members"),
        Some(&admin),
        Some(json!({"address": "ann@example.com"})),
    )
    .await
    .expect(StatusCode::CREATED);
    t.call(
        Method::POST,
        "/api/v1/messages/send",
        Some(&ann),
        Some(json!({"to": ["team@example.com"], "subject": "Held one", "text": "Please."})),
    )
    .await
    .expect(StatusCode::CREATED);
    let held = format!("/api/v1/admin/lists/{id}/held");
    let r = t
        .call(Method::GET, &held, Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    let posts = r.body.as_array().unwrap();
    assert_eq!(posts.len(), 1, "{}", r.body);
    assert_eq!(posts[0]["subject"], "Held one");
    assert_eq!(posts[0]["sender"], "ann@example.com");
    let post = posts[0]["id"].as_str().unwrap().to_owned();
    // Ann has her welcome and the note that her post waits, not the post.
    let inbox = t.mailbox_id(&ann, "INBOX").await;
    let subjects = |body: &serde_json::Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["subject"].as_str().unwrap().to_owned())
            .collect()
    };
    let list_path = format!("/api/v1/mailboxes/{inbox}/messages");
    let r = t
        .call(Method::GET, &list_path, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        subjects(&r.body),
        [
            "Welcome to team@example.com",
            "Your post to team@example.com waits for a moderator"
        ]
    );
    let decide = format!("{held}/{post}");
    t.call(
        Method::POST,
        &decide,
        Some(&admin),
        Some(json!({"action": "publish"})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    t.call(
        Method::POST,
        &decide,
        Some(&admin),
        Some(json!({"action": "approve"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let r = t
        .call(Method::GET, &list_path, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    // (The settings given name no subject prefix: the copy keeps the subject.)
    assert_eq!(
        subjects(&r.body),
        [
            "Welcome to team@example.com",
            "Your post to team@example.com waits for a moderator",
            "Held one"
        ]
    );
    // Decided once.
    t.call(
        Method::POST,
        &decide,
        Some(&admin),
        Some(json!({"action": "approve"})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_account_sees_its_own_lists_and_leaves_one() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.add_account("ann@example.com", osprey_core::Role::User, &[])
        .await;
    let ann = t.token("ann@example.com").await;
    let mut ids = Vec::new();
    for (address, name) in [("team@example.com", "Team"), ("all@example.com", "All")] {
        let r = t
            .call(
                Method::POST,
                "/api/v1/admin/lists",
                Some(&admin),
                Some(json!({"address": address, "name": name})),
            )
            .await
            .expect(StatusCode::CREATED);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    // Ann belongs to the team (her address in another case), not to "all".
    t.call(
        Method::POST,
        &format!("/api/v1/admin/lists/{}/members", ids[0]),
        Some(&admin),
        Some(json!({"address": "Ann@Example.com", "delivery_mode": "nomail"})),
    )
    .await
    .expect(StatusCode::CREATED);
    // She was told.
    let inbox = t.mailbox_id(&ann, "INBOX").await;
    let r = t
        .call(
            Method::GET,
            &format!("/api/v1/mailboxes/{inbox}/messages"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["items"][0]["subject"], "Welcome to team@example.com");
    let r = t
        .call(Method::GET, "/api/v1/me/lists", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    let mine = r.body.as_array().unwrap();
    assert_eq!(mine.len(), 1, "{}", r.body);
    assert_eq!(mine[0]["address"], "team@example.com");
    assert_eq!(mine[0]["delivery_mode"], "nomail");
    t.call(
        Method::DELETE,
        &format!("/api/v1/me/lists/{}", ids[1]),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    t.call(
        Method::DELETE,
        &format!("/api/v1/me/lists/{}", ids[0]),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let r = t
        .call(Method::GET, "/api/v1/me/lists", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body, json!([]));
}

/// Makes `team@example.com` with the defaults; its id.
async fn team(t: &TestApp, admin: &str) -> String {
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/lists",
            Some(admin),
            Some(json!({"address": "team@example.com", "name": "Team"})),
        )
        .await
        .expect(StatusCode::CREATED);
    r.body["id"].as_str().unwrap().to_owned()
}

/// Adds `address` to the list `id`; its token, as the list server puts it in its copies.
async fn join(t: &TestApp, admin: &str, id: &str, address: &str) -> String {
    t.call(
        Method::POST,
        &format!("/api/v1/admin/lists/{id}/members"),
        Some(admin),
        Some(json!({ "address": address })),
    )
    .await
    .expect(StatusCode::CREATED);
    let member = t.store.lists().member(id, address).await.unwrap();
    member.unwrap().token.unwrap()
}

/// A page of the one-click unsubscription: HTML, not problem+json, whatever its status.
fn page(reply: Reply, status: StatusCode) -> Reply {
    assert_eq!(reply.status, status, "{:?}", reply.body);
    assert_eq!(
        reply.headers.get("content-type").unwrap(),
        "text/html; charset=utf-8"
    );
    reply
}

#[tokio::test]
async fn one_click_unsubscription_takes_a_post_with_the_members_token_and_nothing_else() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let id = team(&t, &admin).await;
    let token = join(&t, &admin, &id, "bob@far.example").await;
    let path = format!("/lists/unsubscribe/{token}");
    let is_member = || async {
        t.store
            .lists()
            .member(&id, "bob@far.example")
            .await
            .unwrap()
            .is_some()
    };
    // RFC 8058 §3.2: a GET (a person opening the link, or a link checker) must not
    // unsubscribe; it asks, with the one-click form.
    let asked = page(
        t.raw(Method::GET, &path, None, None, "").await,
        StatusCode::OK,
    );
    let html = asked.body.as_str().unwrap();
    assert!(
        html.contains("team@example.com") && html.contains("bob@far.example"),
        "{html}"
    );
    assert!(
        html.contains("name=\"List-Unsubscribe\" value=\"One-Click\""),
        "{html}"
    );
    assert!(is_member().await);
    // RFC 8058 §3.1: the POST's body is "List-Unsubscribe=One-Click"; without it,
    // nothing changes.
    let form = Some("application/x-www-form-urlencoded");
    page(
        t.raw(Method::POST, &path, None, form, "").await,
        StatusCode::BAD_REQUEST,
    );
    page(
        t.raw(Method::POST, &path, None, form, "List-Unsubscribe=Later")
            .await,
        StatusCode::BAD_REQUEST,
    );
    // A forged token: refused, nothing changes.
    for forged in ["00000000000000000000", "x"] {
        page(
            t.raw(
                Method::POST,
                &format!("/lists/unsubscribe/{forged}"),
                None,
                form,
                "List-Unsubscribe=One-Click",
            )
            .await,
            StatusCode::NOT_FOUND,
        );
    }
    assert!(is_member().await);
    page(
        t.raw(
            Method::POST,
            &path,
            None,
            form,
            "List-Unsubscribe=One-Click",
        )
        .await,
        StatusCode::OK,
    );
    assert!(!is_member().await);
    // Used: the link is no member's any more.
    page(
        t.raw(
            Method::POST,
            &path,
            None,
            form,
            "List-Unsubscribe=One-Click",
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    page(
        t.raw(Method::GET, &path, None, None, "").await,
        StatusCode::NOT_FOUND,
    );
    // A multipart/form-data body is taken too.
    let carol = join(&t, &admin, &id, "carol@far.example").await;
    let multipart = "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n\
                     One-Click\r\n--b--\r\n";
    t.raw(
        Method::POST,
        &format!("/lists/unsubscribe/{carol}"),
        None,
        Some("multipart/form-data; boundary=b"),
        multipart,
    )
    .await
    .expect(StatusCode::OK);
    assert!(
        t.store
            .lists()
            .member(&id, "carol@far.example")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_lists_public_page_sends_a_confirmation_and_its_link_confirms_once() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    for (address, subscription) in [
        ("team@example.com", "confirm"),
        ("shut@example.com", "closed"),
    ] {
        t.call(
            Method::POST,
            "/api/v1/admin/lists",
            Some(&admin),
            Some(
                json!({"address": address, "name": "The team", "description": "Lunch & plans",
                "settings": {"subscription": subscription}}),
            ),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    let id = t
        .call(
            Method::GET,
            "/api/v1/admin/lists?q=team",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["address"] == "team@example.com")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    t.add_account("ann@example.com", osprey_core::Role::User, &[])
        .await;
    let ann = t.token("ann@example.com").await;
    let asked = page(
        t.raw(
            Method::GET,
            "/lists/subscribe/Team@Example.com",
            None,
            None,
            "",
        )
        .await,
        StatusCode::OK,
    );
    let html = asked.body.as_str().unwrap();
    assert!(
        html.contains("Lunch &amp; plans") && html.contains("name=\"email\""),
        "{html}"
    );
    // A list that takes no subscriptions, and no list, have no page.
    for nowhere in [
        "shut@example.com",
        "nobody@example.com",
        "not%20an%20address",
    ] {
        page(
            t.raw(
                Method::GET,
                &format!("/lists/subscribe/{nowhere}"),
                None,
                None,
                "",
            )
            .await,
            StatusCode::NOT_FOUND,
        );
    }
    let form = Some("application/x-www-form-urlencoded");
    let path = "/lists/subscribe/team@example.com";
    let bad = page(
        t.raw(Method::POST, path, None, form, "email=ann").await,
        StatusCode::BAD_REQUEST,
    );
    assert!(
        bad.body.as_str().unwrap().contains("value=\"ann\""),
        "{:?}",
        bad.body
    );
    let inbox = t.mailbox_id(&ann, "INBOX").await;
    let subjects = || async {
        let r = t
            .call(
                Method::GET,
                &format!("/api/v1/mailboxes/{inbox}/messages"),
                Some(&ann),
                None,
            )
            .await
            .expect(StatusCode::OK);
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["subject"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(subjects().await.is_empty());
    for _ in 0..2 {
        page(
            t.raw(Method::POST, path, None, form, "email=ann%40example.com")
                .await,
            StatusCode::OK,
        );
    }
    // One confirmation, whatever the page was asked twice in the hour; not a member yet.
    let got = subjects().await;
    assert_eq!(got.len(), 1, "{got:?}");
    let token = got[0].strip_prefix("confirm ").unwrap().to_owned();
    let member = || async {
        t.store
            .lists()
            .member(&id, "ann@example.com")
            .await
            .unwrap()
    };
    assert!(member().await.is_none());
    // The link asks first (a link checker's GET changes nothing), then confirms once.
    let link = format!("/lists/confirm/{token}");
    let asked = page(
        t.raw(Method::GET, &link, None, None, "").await,
        StatusCode::OK,
    );
    assert!(
        asked.body.as_str().unwrap().contains("wants to join"),
        "{:?}",
        asked.body
    );
    assert!(member().await.is_none());
    let done = page(
        t.raw(Method::POST, &link, None, None, "").await,
        StatusCode::OK,
    );
    assert!(member().await.is_some(), "{:?}", done.body);
    page(
        t.raw(Method::POST, &link, None, None, "").await,
        StatusCode::NOT_FOUND,
    );
    page(
        t.raw(Method::POST, "/lists/confirm/00ff", None, None, "")
            .await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test]
async fn members_are_imported_from_csv_after_a_dry_run_and_exported_as_csv() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let id = team(&t, &admin).await;
    join(&t, &admin, &id, "old@far.example").await;
    let csv = "address,name,mode\n\
               ann@far.example,\"Doe, Ann\",nomail\n\
               not-an-address\n\
               OLD@far.example\n\
               bob@far.example,,sometimes\n\
               ann@far.example\n\
               team@example.com\n\
               cy@far.example\n";
    let path = format!("/api/v1/admin/lists/{id}/members/import");
    let dry = t
        .call(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"csv": csv, "dry_run": true})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(dry.body["dry_run"], true);
    assert_eq!(
        dry.body["added"],
        json!(["ann@far.example", "cy@far.example"])
    );
    assert_eq!(dry.body["already_members"], json!(["OLD@far.example"]));
    let lines: Vec<u64> = dry.body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    // Each bad line by its number: not an address, a mode that is none, a repeat, the
    // list itself.
    assert_eq!(lines, [3, 5, 6, 7], "{}", dry.body);
    let members = || async {
        t.store
            .lists()
            .members(
                &id,
                &osprey_store::ListQuery {
                    limit: 100,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items
            .len()
    };
    assert_eq!(members().await, 1, "a dry run changes nothing");
    let done = t
        .call(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"csv": csv, "notify": false})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(done.body["added"], dry.body["added"]);
    assert_eq!(members().await, 3);
    // More than 10,000 lines: refused whole, nothing added.
    let many = (0..10_001)
        .map(|i| format!("m{i}@far.example\n"))
        .collect::<String>();
    t.call(
        Method::POST,
        &path,
        Some(&admin),
        Some(json!({"csv": many})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(members().await, 3);
    let export = t
        .raw(
            Method::GET,
            &format!("/api/v1/admin/lists/{id}/members/export"),
            Some(&admin),
            None,
            "",
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        export.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    let text = export.body.as_str().unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "address,name,mode,status,bounces,joined");
    assert!(
        rows[1].starts_with("ann@far.example,\"Doe, Ann\",nomail,active,0,"),
        "{text}"
    );
    assert_eq!(rows.len(), 4, "{text}");
}

#[tokio::test]
async fn an_owner_changes_a_members_mode_and_resumes_one_paused_for_bounces() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let id = team(&t, &admin).await;
    join(&t, &admin, &id, "bob@far.example").await;
    let path = format!("/api/v1/admin/lists/{id}/members/bob@far.example");
    let r = t
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"delivery_mode": "nomail"})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["delivery_mode"], "nomail");
    t.store
        .lists()
        .set_bounce_state(
            &id,
            "bob@far.example",
            osprey_store::BounceState {
                bounce_score: 5,
                last_bounce_at: Some(chrono::Utc::now()),
                status: "disabled".into(),
            },
        )
        .await
        .unwrap();
    let r = t
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"delivery_mode": "each", "resume": true})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (
            &r.body["delivery_mode"],
            &r.body["status"],
            &r.body["bounce_score"]
        ),
        (&json!("each"), &json!("active"), &json!(0))
    );
    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/lists/{id}/members/nobody@far.example"),
        Some(&admin),
        Some(json!({"resume": true})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
}
