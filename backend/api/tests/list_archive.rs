//! A list's archive, statistics and a member's own delivery mode through the REST API,
//! and the public archive pages; who may read is the list's to say.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

/// `team@example.com` with Ann as a member (and ADMIN its owner); its id and Ann's token.
async fn team_with_ann(t: &TestApp, admin: &str) -> (String, String) {
    t.add_account("ann@example.com", osprey_core::Role::User, &[])
        .await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/lists",
            Some(admin),
            Some(json!({"address": "team@example.com", "name": "Team", "settings": {"owners": [ADMIN]}})),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    t.call(
        Method::POST,
        &format!("/api/v1/admin/lists/{id}/members"),
        Some(admin),
        Some(json!({"address": "ann@example.com"})),
    )
    .await
    .expect(StatusCode::CREATED);
    (id, t.token("ann@example.com").await)
}

/// A page outside the API (HTML, or the mbox file): its status and text.
async fn get_page(t: &TestApp, path: &str) -> (StatusCode, String) {
    let r = t.raw(Method::GET, path, None, None, "").await;
    (r.status, r.body.as_str().unwrap_or_default().to_owned())
}

async fn send(t: &TestApp, token: &str, subject: &str, text: &str) {
    t.call(
        Method::POST,
        "/api/v1/messages/send",
        Some(token),
        Some(json!({"to": ["team@example.com"], "subject": subject, "text": text})),
    )
    .await
    .expect(StatusCode::CREATED);
}

#[tokio::test]
async fn a_member_reads_the_threads_searches_opens_one_and_downloads_the_mbox() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let (id, ann) = team_with_ann(&t, &admin).await;
    let archive = format!("/api/v1/lists/{id}/archive");
    let r = t
        .call(Method::GET, &archive, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["threads"], json!([]), "nothing posted yet");
    assert_eq!(r.body["list_address"], "team@example.com");
    send(&t, &ann, "Picnic", "Saturday at noon <b>sharp</b>.").await;
    send(&t, &admin, "Budget", "The numbers are in.").await;
    let r = t
        .call(Method::GET, &archive, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    let threads = r.body["threads"].as_array().unwrap();
    let subjects: Vec<&str> = threads
        .iter()
        .map(|t| t["first"]["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["Budget", "Picnic"], "{}", r.body);
    assert_eq!(threads[1]["first"]["author_address"], "ann@example.com");
    assert_eq!(threads[1]["posts"], 1);
    assert!(r.body.get("next_offset").is_none(), "{}", r.body);
    // A page of one has a next one.
    let r = t
        .call(Method::GET, &format!("{archive}?limit=1"), Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["next_offset"], 1);

    let r = t
        .call(Method::GET, &format!("{archive}?q=noon"), Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    let found = r.body["posts"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{}", r.body);
    let thread = found[0]["thread_id"].as_str().unwrap().to_owned();
    let bad = t
        .call(
            Method::GET,
            &format!("{archive}?q=a+b+c+d+e+f+g+h+i"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["q"]);

    let r = t
        .call(
            Method::GET,
            &format!("{archive}/threads/{thread}"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    let posts = r.body["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["depth"], 0);
    // Text, as sent: markup in it stays text for the page to escape.
    assert!(
        posts[0]["text"]
            .as_str()
            .unwrap()
            .contains("Saturday at noon <b>sharp</b>."),
        "{}",
        r.body
    );
    t.call(
        Method::GET,
        &format!("{archive}/threads/no-such"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);

    let r = t
        .call(Method::GET, &format!("{archive}/mbox"), Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/octet-stream");
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("team.mbox")
    );
}

#[tokio::test]
async fn a_members_archive_is_refused_to_others_and_a_public_one_has_pages_for_anyone() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let (id, ann) = team_with_ann(&t, &admin).await;
    t.add_account("dan@example.com", osprey_core::Role::User, &[])
        .await;
    let dan = t.token("dan@example.com").await;
    send(&t, &ann, "Picnic", "Bring <script>alert(1)</script> cake.").await;
    let archive = format!("/api/v1/lists/{id}/archive");
    let r = t
        .call(Method::GET, &archive, Some(&dan), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("for its members")
    );
    t.call(Method::GET, &archive, None, None)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    // The public pages say nothing of a members' archive.
    let (status, _) = get_page(&t, "/lists/archive/team@example.com").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/lists/{id}"),
        Some(&admin),
        Some(json!({"settings": {"archive": "public", "owners": [ADMIN]}})),
    )
    .await
    .expect(StatusCode::OK);
    t.call(Method::GET, &archive, Some(&dan), None)
        .await
        .expect(StatusCode::OK);
    let (status, html) = get_page(&t, "/lists/archive/team@example.com").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(">Picnic</a>"), "{html}");
    let thread = html
        .split("/threads/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let (status, html) = get_page(
        &t,
        &format!("/lists/archive/team@example.com/threads/{thread}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // A post's text is escaped, never markup.
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "{html}");
    let (status, html) = get_page(&t, "/lists/archive/team@example.com?q=cake").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(">Picnic</a>"), "{html}");
    let (status, html) = get_page(&t, "/lists/archive/team@example.com?q=nothing+like+it").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No post holds all these words."), "{html}");
    let (status, mbox) = get_page(&t, "/lists/archive/team@example.com/mbox").await;
    assert_eq!(status, StatusCode::OK);
    assert!(mbox.starts_with("From ann@example.com "), "{mbox}");

    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/lists/{id}"),
        Some(&admin),
        Some(json!({"settings": {"archive": "off", "owners": [ADMIN]}})),
    )
    .await
    .expect(StatusCode::OK);
    for token in [&ann, &admin] {
        t.call(Method::GET, &archive, Some(token), None)
            .await
            .expect(StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_member_chooses_digests_for_itself_and_an_owner_reads_the_lists_days() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let (id, ann) = team_with_ann(&t, &admin).await;
    let mine = format!("/api/v1/me/lists/{id}");
    let r = t
        .call(
            Method::PATCH,
            &mine,
            Some(&ann),
            Some(json!({"delivery_mode": "digest_plain"})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["delivery_mode"], "digest_plain");
    assert_eq!(r.body["archive"], "members");
    assert_eq!(r.body["digest"], true);
    t.call(
        Method::PATCH,
        &mine,
        Some(&ann),
        Some(json!({"delivery_mode": "weekly"})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    t.call(
        Method::PATCH,
        &mine,
        Some(&ann),
        Some(json!({"delivery_mode": "each", "resume": true})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    // Not a member of it: nothing to change.
    t.call(
        Method::PATCH,
        &mine,
        Some(&admin),
        Some(json!({"delivery_mode": "nomail"})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let member = t
        .store
        .lists()
        .member(&id, "ann@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(member.delivery_mode, "digest_plain");
    // Every change is confirmed by mail to the member.
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
    let subjects: Vec<&str> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert!(
        subjects.contains(&"Your mail from team@example.com"),
        "{subjects:?}"
    );

    send(&t, &ann, "Hello", "Hi all.").await;
    let r = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/lists/{id}/statistics?days=7"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK);
    let days = r.body.as_array().unwrap();
    assert_eq!(days.len(), 7);
    let today = &days[6];
    assert_eq!(today["day"], chrono::Utc::now().date_naive().to_string());
    assert_eq!(
        (&today["posts"], &today["joined"], &today["members"]),
        (&json!(1), &json!(1), &json!(1))
    );
    let bad = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/lists/{id}/statistics?days=400"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["days"]);
}
