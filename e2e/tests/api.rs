//! The REST API over real HTTP: an admin sets up a domain, a user and an alias; the user
//! and a domain admin meet the limits of their roles.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

pub(crate) async fn login(c: &Client, url: &str, user: &str, password: &str) -> String {
    let r = c
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "login {user}");
    let body: Value = r.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

pub(crate) async fn post(
    c: &Client,
    url: &str,
    token: &str,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let r = c
        .post(format!("{url}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn get(c: &Client, url: &str, token: &str, path: &str) -> (StatusCode, Value) {
    let r = c
        .get(format!("{url}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

/// The messages of the INBOX of `token`'s account, as the REST listing gives them.
pub(crate) async fn inbox_items(
    c: &reqwest::Client,
    url: &str,
    token: &str,
) -> Vec<serde_json::Value> {
    let (_, boxes) = get(c, url, token, "/api/v1/mailboxes").await;
    let inbox = boxes
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "INBOX")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, list) = get(
        c,
        url,
        token,
        &format!("/api/v1/mailboxes/{inbox}/messages"),
    )
    .await;
    list["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn admin_sets_up_a_domain_and_roles_are_enforced() {
    let s = Server::start(false).await;
    let c = Client::new();
    let admin = login(&c, &s.url, &Server::admin(), ADMIN_PASSWORD).await;
    let (st, dom) = post(
        &c,
        &s.url,
        &admin,
        "/api/v1/admin/domains",
        json!({"name": "corp.example"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{dom}");
    post(
        &c,
        &s.url,
        &admin,
        "/api/v1/admin/domains",
        json!({"name": "other.example"}),
    )
    .await;
    let (st, user) = post(
        &c,
        &s.url,
        &admin,
        "/api/v1/admin/accounts",
        json!({"address": "ann@corp.example", "password": "Amber-Falcon-63t", "display_name": "Ann"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{user}");
    let (st, alias) = post(
        &c,
        &s.url,
        &admin,
        "/api/v1/admin/aliases",
        json!({"address": "info@corp.example", "targets": ["ann@corp.example"]}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{alias}");
    let (st, other_user) = post(
        &c,
        &s.url,
        &admin,
        "/api/v1/admin/accounts",
        json!({"address": "otto@other.example", "password": "Amber-Falcon-63t"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = post(
        &c,
        &s.url,
        &admin,
        "/api/v1/admin/accounts",
        json!({"address": "dana@corp.example", "password": "Amber-Falcon-63t", "role": "domain_admin", "admin_domains": ["corp.example"]}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);

    // The user sees itself, and no admin endpoint.
    let ann = login(&c, &s.url, "ann@corp.example", "Amber-Falcon-63t").await;
    let (st, me) = get(&c, &s.url, &ann, "/api/v1/me").await;
    assert_eq!(
        (st, me["display_name"].as_str()),
        (StatusCode::OK, Some("Ann"))
    );
    for path in [
        "/api/v1/admin/domains",
        "/api/v1/admin/accounts",
        "/api/v1/admin/aliases",
    ] {
        let (st, problem) = get(&c, &s.url, &ann, path).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(problem["code"], "forbidden");
    }

    // The domain admin manages corp.example and cannot touch other.example.
    let dana = login(&c, &s.url, "dana@corp.example", "Amber-Falcon-63t").await;
    let (st, list) = get(&c, &s.url, &dana, "/api/v1/admin/accounts").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["domain"] == "corp.example")
    );
    let (st, _) = post(
        &c,
        &s.url,
        &dana,
        "/api/v1/admin/accounts",
        json!({"address": "new@corp.example", "password": "Amber-Falcon-63t"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = post(
        &c,
        &s.url,
        &dana,
        "/api/v1/admin/accounts",
        json!({"address": "new@other.example", "password": "Amber-Falcon-63t"}),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let other_id = other_user["id"].as_str().unwrap();
    let (st, _) = get(
        &c,
        &s.url,
        &dana,
        &format!("/api/v1/admin/accounts/{other_id}"),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let r = c
        .delete(format!("{}/api/v1/admin/accounts/{other_id}", s.url))
        .bearer_auth(&dana)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The SPA shell and the API docs are served; unknown API paths are problem+json.
    let r = c
        .get(format!("{}/api/v1/nope", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = c.get(format!("{}/api/docs/", s.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c.get(format!("{}/metrics", s.url)).send().await.unwrap();
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("osprey_http_requests_total")
    );
}
