//! Delegating a domain: a server administrator makes an existing user an administrator
//! of a domain (a plain user becomes a domain administrator, one already gains the
//! domain), lists them, and withdraws the domain (one left without a domain is a plain
//! user again). Bad input changes nothing.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

async fn domain(t: &TestApp, admin: &str, name: &str) -> String {
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(admin),
        Some(json!({ "name": name })),
    )
    .await
    .expect(StatusCode::CREATED)
    .body["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn addresses(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["address"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_user_is_made_an_administrator_of_domains_and_withdrawn_from_them() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let shop = domain(&t, &admin, "shop.example").await;
    let blog = domain(&t, &admin, "blog.example").await;
    let kim = t.add_account("kim@example.com", Role::User, &[]).await;
    let add = |d: &str, address: &str| {
        let (path, body) = (
            format!("/api/v1/admin/domains/{d}/admins"),
            json!({ "address": address }),
        );
        let (t, admin) = (&t, admin.clone());
        async move { t.call(Method::POST, &path, Some(&admin), Some(body)).await }
    };
    let r = add(&shop, "kim@example.com")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(r["role"], "domain_admin");
    assert_eq!(r["admin_domains"], json!(["shop.example"]));
    let r = add(&blog, "Kim@Example.com")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(r["admin_domains"], json!(["blog.example", "shop.example"]));
    let list = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/domains/{shop}/admins"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(addresses(&list), ["kim@example.com"]);
    // Bad input: no such account, a server administrator, twice the same.
    let r = add(&shop, "nobody@example.com")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["address"]);
    add(&shop, ADMIN).await.expect(StatusCode::CONFLICT);
    add(&shop, "kim@example.com")
        .await
        .expect(StatusCode::CONFLICT);
    // The new administrator manages the domain now.
    let kim_token = t.token("kim@example.com").await;
    t.call(
        Method::POST,
        "/api/v1/admin/accounts",
        Some(&kim_token),
        Some(json!({"address": "new@shop.example", "password": PASSWORD})),
    )
    .await
    .expect(StatusCode::CREATED);
    // Withdrawn from one domain, then the last: a plain user again.
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/domains/{shop}/admins/{kim}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let a = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/accounts/{kim}"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(a["admin_domains"], json!(["blog.example"]));
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/domains/{shop}/admins/{kim}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/domains/{blog}/admins/{kim}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let a = t
        .call(
            Method::GET,
            &format!("/api/v1/admin/accounts/{kim}"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(a["role"], "user");
    assert_eq!(a["admin_domains"], json!([]));
}
