//! Administration of domains, accounts and aliases, and who may do what.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn domain_crud_with_location_conflict_and_not_found() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let r = t
        .call(Method::POST, "/api/v1/admin/domains", Some(&admin), Some(json!({"name": "Shop.Example", "aliases": ["shop.example.net"], "settings": {"max_accounts": 2}})))
        .await
        .expect(StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["name"], "shop.example");
    assert_eq!(
        r.headers.get("location").unwrap(),
        &format!("/api/v1/admin/domains/{id}")
    );
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(json!({"name": "shop.example.net"})),
        )
        .await
        .expect(StatusCode::CONFLICT);
    assert_eq!(r.body["code"], "conflict");
    t.call(
        Method::GET,
        &format!("/api/v1/admin/domains/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::OK);
    t.call(
        Method::GET,
        "/api/v1/admin/domains/01234567-no-such",
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/domains/{id}"),
            Some(&admin),
            Some(json!({"enabled": false, "settings": {"description": "Shop", "max_accounts": 2}})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["enabled"], false);
    assert_eq!(r.body["settings"]["description"], "Shop");
    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/domains/{id}"),
            Some(&admin),
            Some(json!({"settings": {"colour": "red"}})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.fields(),
        vec!["settings.colour"],
        "an unknown setting is named"
    );
    // max_accounts is enforced: 422 naming the limit.
    for (i, status) in [
        (1, StatusCode::CREATED),
        (2, StatusCode::CREATED),
        (3, StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = t
            .call(
                Method::POST,
                "/api/v1/admin/accounts",
                Some(&admin),
                Some(json!({"address": format!("u{i}@shop.example"), "password": "Bright-Canyon-88r"})),
            )
            .await
            .expect(status);
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(r.body["errors"][0]["field"], "address");
            assert!(
                r.body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("holds its limit of 2 accounts"),
                "{}",
                r.body
            );
        }
    }
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/domains/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::CONFLICT);
    let page = t
        .call(
            Method::GET,
            "/api/v1/admin/accounts?domain=shop.example",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK);
    for a in page.body["items"].as_array().unwrap() {
        t.call(
            Method::DELETE,
            &format!("/api/v1/admin/accounts/{}", a["id"].as_str().unwrap()),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::NO_CONTENT);
    }
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/domains/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/domains/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn malformed_and_invalid_bodies_name_the_field() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let r = t
        .raw(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some("application/json"),
            "{\"name\": ",
        )
        .await
        .expect(StatusCode::BAD_REQUEST);
    assert_eq!(r.body["code"], "malformed_json");
    t.raw(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&admin),
        Some("text/plain"),
        "{}",
    )
    .await
    .expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(json!({})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["name"]);
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(json!({"name": "bad_name.example", "aliases": ["ok.example", "-x.example"]})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["name", "aliases[1]"]);
    let r = t
        .call(Method::POST, "/api/v1/admin/accounts", Some(&admin), Some(json!({"address": "x@example.com", "password": "Bright-Canyon-88r", "role": "king"})))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["role"]);
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&admin),
            Some(json!({"address": "x@example.com", "password": 12})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["password"]);
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&admin),
            Some(json!({"address": "x y@example.com", "password": "abc"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.fields().contains(&"address".to_string()) && r.fields().contains(&"password".to_string()),
        "{}",
        r.body
    );
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&admin),
            Some(json!({"address": "x@nowhere.example", "password": "Bright-Canyon-88r"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["address"]);
    let r = t
        .call(Method::POST, "/api/v1/admin/aliases", Some(&admin), Some(json!({"address": "team@example.com", "targets": ["ok@example.com", "not an address"]})))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["targets[1]"]);
    t.call(
        Method::GET,
        "/api/v1/admin/accounts?limit=0",
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    // A query that does not parse is a problem+json answer too.
    t.call(
        Method::GET,
        "/api/v1/admin/queue?limit=x",
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    t.call(
        Method::GET,
        "/api/v1/admin/accounts?cursor=%21%21",
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    t.call(Method::GET, "/api/v1/no-such-thing", Some(&admin), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    // Nothing was created by any of the refused requests.
    let domains = t
        .call(Method::GET, "/api/v1/admin/domains", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(domains.body["items"].as_array().unwrap().len(), 1);
    let accounts = t
        .call(Method::GET, "/api/v1/admin/accounts", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(accounts.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn accounts_and_aliases_crud_with_conflicts() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let r = t
        .call(Method::POST, "/api/v1/admin/accounts", Some(&admin), Some(json!({"address": "Frank@example.com", "password": "Bright-Canyon-88r", "display_name": "Frank", "quota_bytes": 1048576})))
        .await
        .expect(StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["role"], "user");
    assert_eq!(r.body["quota_bytes"], 1048576);
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&admin),
            Some(json!({"address": "frank@EXAMPLE.com", "password": "Bright-Canyon-88r"})),
        )
        .await
        .expect(StatusCode::CONFLICT);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("frank@example.com")
    );
    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/accounts/{id}"),
            Some(&admin),
            Some(json!({"quota_bytes": null, "password": "Fresh-Orchard-31k"})),
        )
        .await
        .expect(StatusCode::OK);
    assert!(r.body.get("quota_bytes").is_none());
    t.login("frank@example.com", "Fresh-Orchard-31k")
        .await
        .expect(StatusCode::OK);
    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/accounts/{id}"),
            Some(&admin),
            Some(json!({"password": "weak"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.fields().iter().all(|f| f == "password"));
    let r = t
        .call(Method::POST, "/api/v1/admin/aliases", Some(&admin), Some(json!({"address": "sales@example.com", "targets": ["frank@example.com", "partner@remote.example"]})))
        .await
        .expect(StatusCode::CREATED);
    let alias = r.body["id"].as_str().unwrap().to_owned();
    t.call(
        Method::POST,
        "/api/v1/admin/aliases",
        Some(&admin),
        Some(json!({"address": "frank@example.com", "targets": ["x@remote.example"]})),
    )
    .await
    .expect(StatusCode::CONFLICT);
    t.call(
        Method::POST,
        "/api/v1/admin/aliases",
        Some(&admin),
        Some(json!({"address": "sales@example.com", "targets": ["x@remote.example"]})),
    )
    .await
    .expect(StatusCode::CONFLICT);
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/aliases",
            Some(&admin),
            Some(json!({"address": "@example.com", "targets": ["frank@example.com"]})),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(r.body["catch_all"], true);
    let r = t
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/aliases/{alias}"),
            Some(&admin),
            Some(json!({"targets": ["frank@example.com"]})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["targets"], json!(["frank@example.com"]));
    let list = t
        .call(
            Method::GET,
            "/api/v1/admin/aliases?q=sales",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/aliases/{alias}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(
        Method::GET,
        &format!("/api/v1/admin/aliases/{alias}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/accounts/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(
        Method::GET,
        &format!("/api/v1/admin/accounts/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_last_server_admin_cannot_be_removed_or_demoted() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let me = t.call(Method::GET, "/api/v1/me", Some(&admin), None).await;
    let id = me.body["id"].as_str().unwrap();
    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/accounts/{id}"),
        Some(&admin),
        Some(json!({"role": "user"})),
    )
    .await
    .expect(StatusCode::CONFLICT);
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/accounts/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::CONFLICT);
}

#[tokio::test]
async fn users_get_403_on_admin_endpoints() {
    let t = TestApp::new().await;
    t.add_account("gina@example.com", Role::User, &[]).await;
    let user = t.token("gina@example.com").await;
    for path in [
        "/api/v1/admin/domains",
        "/api/v1/admin/accounts",
        "/api/v1/admin/aliases",
    ] {
        let r = t
            .call(Method::GET, path, Some(&user), None)
            .await
            .expect(StatusCode::FORBIDDEN);
        assert_eq!(r.body["code"], "forbidden");
    }
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&user),
        Some(json!({"name": "mine.example"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::POST,
        "/api/v1/admin/accounts",
        Some(&user),
        Some(json!({"address": "x@example.com", "password": "Bright-Canyon-88r"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_domain_admin_manages_only_its_domains_and_only_users() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    for name in ["mine.example", "theirs.example"] {
        t.call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(json!({"name": name})),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    let theirs_user = t
        .add_account("victim@theirs.example", Role::User, &[])
        .await;
    t.add_account("boss@mine.example", Role::DomainAdmin, &["mine.example"])
        .await;
    let boss = t.token("boss@mine.example").await;
    let domains = t
        .call(Method::GET, "/api/v1/admin/domains", Some(&boss), None)
        .await
        .expect(StatusCode::OK);
    let names: Vec<&str> = domains.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["mine.example"]);
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&boss),
            Some(json!({"address": "staff@mine.example", "password": "Bright-Canyon-88r"})),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(r.body["domain"], "mine.example");
    t.call(
        Method::POST,
        "/api/v1/admin/accounts",
        Some(&boss),
        Some(json!({"address": "staff@theirs.example", "password": "Bright-Canyon-88r"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.call(Method::POST, "/api/v1/admin/accounts", Some(&boss), Some(json!({"address": "root2@mine.example", "password": "Bright-Canyon-88r", "role": "admin"})))
        .await
        .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::GET,
        &format!("/api/v1/admin/accounts/{theirs_user}"),
        Some(&boss),
        None,
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/accounts/{theirs_user}"),
        Some(&boss),
        Some(json!({"enabled": false})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/accounts/{theirs_user}"),
        Some(&boss),
        None,
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::GET,
        "/api/v1/admin/accounts?domain=theirs.example",
        Some(&boss),
        None,
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::POST,
        "/api/v1/admin/aliases",
        Some(&boss),
        Some(json!({"address": "x@theirs.example", "targets": ["a@b.example"]})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&boss),
        Some(json!({"name": "new.example"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    let accounts = t
        .call(Method::GET, "/api/v1/admin/accounts", Some(&boss), None)
        .await
        .expect(StatusCode::OK);
    assert!(
        accounts.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["domain"] == "mine.example")
    );
    // The victim is untouched.
    let v = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/accounts/{theirs_user}"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(v.body["enabled"], true);
}

#[tokio::test]
async fn pop3_settings_are_shown_and_replaced_as_a_whole() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&admin),
            Some(json!({"address": "gail@example.com", "password": "Silver-Rapids-24m"})),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["pop3"], json!({"mode": "offline"}));
    let url = format!("/api/v1/admin/accounts/{id}");
    let r = t
        .call(
            Method::PATCH,
            &url,
            Some(&admin),
            Some(json!({"pop3": {"mode": "trash", "retention_days": 14}})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        r.body["pop3"],
        json!({"mode": "trash", "retention_days": 14})
    );
    let r = t
        .call(
            Method::PATCH,
            &url,
            Some(&admin),
            Some(json!({"pop3": {"mode": "keep"}})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        r.body["pop3"],
        json!({"mode": "keep"}),
        "absent retention clears it"
    );
    for bad in [
        json!({"pop3": {"mode": "keep", "retention_days": 0}}),
        json!({"pop3": {"mode": "keep", "retention_days": 4000}}),
    ] {
        let r = t
            .call(Method::PATCH, &url, Some(&admin), Some(bad))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body["errors"][0]["field"], "pop3.retention_days");
    }
    t.call(
        Method::PATCH,
        &url,
        Some(&admin),
        Some(json!({"pop3": {"mode": "delete"}})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .call(Method::GET, &url, Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        r.body["pop3"],
        json!({"mode": "keep"}),
        "refused changes changed nothing"
    );
}

#[tokio::test]
async fn ip_rules_and_kill_file_are_for_server_admins_and_validated() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let r = t
        .call(Method::POST, "/api/v1/admin/ip-rules", Some(&admin), Some(json!({"action": "deny", "network": "203.0.113.0/24", "listener": "smtp", "note": "spam source"})))
        .await
        .expect(StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["position"], 1);
    assert_eq!(r.body["hits"], 0);
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/ip-rules",
            Some(&admin),
            Some(json!({"action": "allow", "network": "2001:db8::1"})),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(r.body["network"], "2001:db8::1/128");
    assert_eq!(r.body["position"], 2);
    for (bad, field) in [
        (
            json!({"action": "deny", "network": "203.0.113.0/33"}),
            "network",
        ),
        (
            json!({"action": "deny", "network": "10.0.0.1", "listener": "imap"}),
            "listener",
        ),
        (
            json!({"action": "deny", "network": "10.0.0.1", "expires_at": "2001-01-01T00:00:00Z"}),
            "expires_at",
        ),
    ] {
        let r = t
            .call(
                Method::POST,
                "/api/v1/admin/ip-rules",
                Some(&admin),
                Some(bad),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body["errors"][0]["field"], field);
    }
    let r = t
        .call(Method::GET, "/api/v1/admin/ip-rules", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        r.body.as_array().unwrap().len(),
        2,
        "refusals added nothing"
    );
    // The second rule moves to the front: the first that matches decides.
    let second = r.body[1]["id"].as_str().unwrap().to_owned();
    let moved = t
        .call(
            Method::PUT,
            &format!("/api/v1/admin/ip-rules/{second}/position"),
            Some(&admin),
            Some(json!({"position": 1})),
        )
        .await
        .expect(StatusCode::OK);
    let order: Vec<(&str, i64)> = moved
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["network"].as_str().unwrap(),
                r["position"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(order, [("2001:db8::1/128", 1), ("203.0.113.0/24", 2)]);
    let listed = t
        .call(Method::GET, "/api/v1/admin/ip-rules", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(listed.body, moved.body, "the new order is kept");
    // Past the end is last; 0 is refused and changes nothing.
    let last = t
        .call(
            Method::PUT,
            &format!("/api/v1/admin/ip-rules/{second}/position"),
            Some(&admin),
            Some(json!({"position": 99})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(last.body[1]["id"], second.as_str());
    assert_eq!(last.body[1]["position"], 2);
    let bad = t
        .call(
            Method::PUT,
            &format!("/api/v1/admin/ip-rules/{second}/position"),
            Some(&admin),
            Some(json!({"position": 0})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["errors"][0]["field"], "position");
    t.call(
        Method::PUT,
        "/api/v1/admin/ip-rules/nope/position",
        Some(&admin),
        Some(json!({"position": 1})),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let audit = t
        .call(
            Method::GET,
            "/api/v1/admin/audit?action=ip_rule.move",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        audit.body["items"].as_array().unwrap().len(),
        2,
        "{}",
        audit.body
    );
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/ip-rules/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/ip-rules/{id}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);

    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/kill-file",
            Some(&admin),
            Some(json!({"kind": "address", "value": "Spam@Bad.Example"})),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(r.body["value"], "spam@bad.example");
    t.call(
        Method::POST,
        "/api/v1/admin/kill-file",
        Some(&admin),
        Some(json!({"kind": "address", "value": "spam@bad.example"})),
    )
    .await
    .expect(StatusCode::CONFLICT);
    t.call(
        Method::POST,
        "/api/v1/admin/kill-file",
        Some(&admin),
        Some(json!({"kind": "host", "value": "198.51.100.7"})),
    )
    .await
    .expect(StatusCode::CREATED);
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/kill-file",
            Some(&admin),
            Some(json!({"kind": "domain", "value": "not a domain"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "value");
    // The same sender again, for one local domain's recipients only.
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/kill-file",
            Some(&admin),
            Some(json!({"kind": "address", "value": "spam@bad.example", "domain": "EXAMPLE.com"})),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(r.body["domain"], "example.com");
    let r = t
        .call(
            Method::POST,
            "/api/v1/admin/kill-file",
            Some(&admin),
            Some(json!({"kind": "address", "value": "x@bad.example", "domain": "nowhere.example"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "domain");
    let r = t
        .call(Method::GET, "/api/v1/admin/kill-file", Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    let entries = r.body.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["domain"] == "example.com")
            .count(),
        1
    );

    // Domain admins and users may not touch server-wide rules.
    t.add_account("da@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let da = t.token("da@example.com").await;
    t.call(Method::GET, "/api/v1/admin/ip-rules", Some(&da), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::POST,
        "/api/v1/admin/kill-file",
        Some(&da),
        Some(json!({"kind": "domain", "value": "x.example"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
}

/// A domain's limits bind its administrator: accounts, aliases and quotas beyond them are
/// refused with 422 naming the limit, and nothing changes.
#[tokio::test]
async fn a_domain_admin_stays_within_the_domains_limits() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let mib = 1024 * 1024;
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&admin),
        Some(json!({"name": "small.example", "settings": {
            "max_accounts": 3, "max_aliases": 1, "max_quota_bytes": 100 * mib}})),
    )
    .await
    .expect(StatusCode::CREATED);
    // A default quota above the largest is refused.
    let bad = t
        .call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(json!({"name": "odd.example", "settings": {
                "default_quota_bytes": 200 * mib, "max_quota_bytes": 100 * mib}})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.body["errors"][0]["field"],
        "settings.default_quota_bytes"
    );
    t.add_account("boss@small.example", Role::DomainAdmin, &["small.example"])
        .await;
    let boss = t.token("boss@small.example").await;
    let message = |r: &Reply| r.body["errors"][0]["message"].as_str().unwrap().to_owned();

    // No quota named: the largest applies; a larger one is refused.
    let one = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&boss),
            Some(json!({"address": "one@small.example", "password": PASSWORD})),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(one.body["quota_bytes"], 100 * mib);
    let big = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&boss),
            Some(json!({"address": "two@small.example", "password": PASSWORD,
                "quota_bytes": 101 * mib})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(big.body["errors"][0]["field"], "quota_bytes");
    assert!(message(&big).contains("at most 100 MiB"), "{}", big.body);
    let id = one.body["id"].as_str().unwrap();
    for quota in [json!(200 * mib), json!(null)] {
        let r = t
            .call(
                Method::PATCH,
                &format!("/api/v1/admin/accounts/{id}"),
                Some(&boss),
                Some(json!({"quota_bytes": quota})),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body["errors"][0]["field"], "quota_bytes", "{quota}");
    }
    let same = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/accounts/{id}"),
            Some(&boss),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        same.body["quota_bytes"],
        100 * mib,
        "refusals changed nothing"
    );

    // The boss, one and two: the domain is full.
    t.call(
        Method::POST,
        "/api/v1/admin/accounts",
        Some(&boss),
        Some(json!({"address": "two@small.example", "password": PASSWORD, "quota_bytes": mib})),
    )
    .await
    .expect(StatusCode::CREATED);
    let full = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&boss),
            Some(json!({"address": "three@small.example", "password": PASSWORD})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&full).contains("its limit of 3 accounts"),
        "{}",
        full.body
    );

    // One alias, not two.
    t.call(
        Method::POST,
        "/api/v1/admin/aliases",
        Some(&boss),
        Some(json!({"address": "info@small.example", "targets": ["one@small.example"]})),
    )
    .await
    .expect(StatusCode::CREATED);
    let second = t
        .call(
            Method::POST,
            "/api/v1/admin/aliases",
            Some(&boss),
            Some(json!({"address": "sales@small.example", "targets": ["one@small.example"]})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(second.body["errors"][0]["field"], "address");
    assert!(
        message(&second).contains("its limit of 1 alias"),
        "{}",
        second.body
    );
}

/// An account's figures: each folder with its messages, unread ones and size (INBOX
/// first, empty folders too), the totals, and what arrived lately; another domain's
/// administrator does not see them.
#[tokio::test]
async fn an_accounts_mail_figures_count_its_folders() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let kim = t.add_account("kim@example.com", Role::User, &[]).await;
    let kim_token = t.token("kim@example.com").await;
    let raw = b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n";
    t.deliver_to_inbox(&kim, &kim_token, raw).await;
    t.deliver_to_inbox(&kim, &kim_token, raw).await;
    let stats = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/accounts/{kim}/stats"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(stats["messages"], 2, "{stats}");
    assert_eq!(stats["unread"], 2);
    assert_eq!(stats["arrived_day"], 2);
    assert_eq!(stats["arrived_month"], 2);
    let inbox = &stats["folders"][0];
    assert_eq!(inbox["name"], "INBOX");
    assert_eq!(inbox["messages"], 2);
    assert_eq!(inbox["bytes"], 2 * raw.len());
    let sent = stats["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["special_use"] == "\\Sent")
        .unwrap();
    assert_eq!(sent["messages"], 0);
}
