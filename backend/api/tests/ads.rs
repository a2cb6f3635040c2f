//! Banner ads over REST: campaigns checked field by field (no script links, no HTML),
//! shown by weight only while they run and only where they target, never to an exempt
//! account or on a domain that turned them off; a click counted and sent only to the
//! campaign's own link; images only of the kinds a browser shows safely; a domain
//! administrator kept to its domains.

use axum::{
    body::Body,
    http::{Method, Request, StatusCode},
};
use http_body_util::BodyExt;
use osprey_core::Role;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::{authorization::UPLOAD_BOUNDARY, support::*};

const ADS: &str = "/api/v1/admin/ads";

fn campaign(name: &str, targets: &[&str]) -> Value {
    json!({
        "domain": "example.com", "name": name, "text": format!("{name}: half price"),
        "link_url": "https://shop.example/spring", "targets": targets
    })
}

async fn create(t: &TestApp, token: &str, body: Value) -> Value {
    t.call(Method::POST, ADS, Some(token), Some(body))
        .await
        .expect(StatusCode::CREATED)
        .body
}

async fn slot(t: &TestApp, token: &str, target: &str) -> Value {
    t.call(
        Method::GET,
        &format!("/api/v1/ads/slot?target={target}"),
        Some(token),
        None,
    )
    .await
    .expect(StatusCode::OK)
    .body["ad"]
        .clone()
}

#[tokio::test]
async fn bad_campaigns_are_refused_field_by_field_and_nothing_is_kept() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let reply = t
        .call(
            Method::POST,
            ADS,
            Some(&admin),
            Some(json!({
                "name": "", "text": "<b>Sale</b>", "link_url": "javascript:alert(1)",
                "targets": ["sidebar"], "weight": 0,
                "starts_at": "2026-06-02T00:00:00Z", "ends_at": "2026-06-01T00:00:00Z"
            })),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = reply.fields();
    fields.sort();
    assert_eq!(
        fields,
        ["ends_at", "link_url", "name", "targets", "text", "weight"]
    );
    let list = t.call(Method::GET, ADS, Some(&admin), None).await;
    assert_eq!(list.body, json!([]));
    // A link with a user name in it is another host in disguise.
    let reply = t
        .call(
            Method::POST,
            ADS,
            Some(&admin),
            Some(json!({"name": "x", "text": "x", "link_url": "https://shop.example@evil.example/", "targets": ["webmail"]})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.fields(), ["link_url"]);
}

fn with(mut body: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// A request with a `Host` header, as a browser sends it to the login page.
async fn login_ad(t: &TestApp, host: &str) -> Value {
    let res = t
        .app
        .clone()
        .oneshot(
            Request::builder()
                .uri("/api/v1/ads/login")
                .header("host", host)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice::<Value>(&bytes).unwrap()["ad"].clone()
}

#[tokio::test]
async fn ads_show_by_weight_where_they_target_while_they_run_and_clicks_go_only_to_their_link() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.add_account("reader@example.com", Role::User, &[]).await;
    let reader = t.token("reader@example.com").await;
    // Nothing runs yet: no ad, and the account's pages keep no place for one.
    assert_eq!(slot(&t, &reader, "webmail").await, Value::Null);
    let me = t.call(Method::GET, "/api/v1/me", Some(&reader), None).await;
    assert_eq!(me.body["ads"], false);

    let heavy = create(
        &t,
        &admin,
        with(campaign("Heavy", &["webmail"]), json!({"weight": 3})),
    )
    .await;
    let light = create(&t, &admin, campaign("Light", &["webmail", "calendar"])).await;
    let later = create(
        &t,
        &admin,
        with(
            campaign("Later", &["webmail"]),
            json!({"starts_at": "2099-01-01T00:00:00Z"}),
        ),
    )
    .await;
    let off = create(
        &t,
        &admin,
        with(campaign("Off", &["webmail"]), json!({"enabled": false})),
    )
    .await;
    let me = t.call(Method::GET, "/api/v1/me", Some(&reader), None).await;
    assert_eq!(
        me.body["ads"], true,
        "a campaign runs: the pages keep its place"
    );
    let (mut heavy_n, mut light_n) = (0, 0);
    for _ in 0..200 {
        let ad = slot(&t, &reader, "webmail").await;
        assert!(
            ad["click_url"].as_str().unwrap().ends_with("/click"),
            "{ad}"
        );
        if ad["id"] == heavy["id"] {
            heavy_n += 1;
        } else if ad["id"] == light["id"] {
            light_n += 1;
        } else {
            panic!("{ad} is not running");
        }
    }
    // Weights 3 and 1: about 150 and 50.
    assert!(
        light_n > 0 && heavy_n > 2 * light_n,
        "{heavy_n} / {light_n}"
    );
    for _ in 0..5 {
        assert_eq!(slot(&t, &reader, "calendar").await["id"], light["id"]);
    }
    let reply = t
        .call(
            Method::GET,
            "/api/v1/ads/slot?target=login",
            Some(&reader),
            None,
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.fields(), ["target"]);

    // A click is counted and leads to the campaign's link, and only there.
    let id = light["id"].as_str().unwrap();
    let click = t
        .call(Method::GET, &format!("/api/v1/ads/{id}/click"), None, None)
        .await
        .expect(StatusCode::SEE_OTHER);
    assert_eq!(click.headers["location"], "https://shop.example/spring");
    t.call(Method::GET, "/api/v1/ads/nothing/click", None, None)
        .await
        .expect(StatusCode::NOT_FOUND);
    // A stopped campaign's link is no redirector for anyone to use.
    let stopped = off["id"].as_str().unwrap();
    t.call(
        Method::GET,
        &format!("/api/v1/ads/{stopped}/click"),
        None,
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let list = t.call(Method::GET, ADS, Some(&admin), None).await.body;
    let find = |id: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == *id)
            .unwrap()
            .clone()
    };
    assert_eq!(find(&light["id"])["impressions"], light_n + 5);
    assert_eq!(find(&light["id"])["clicks"], 1);
    assert_eq!(find(&heavy["id"])["impressions"], heavy_n);
    assert_eq!(find(&later["id"])["impressions"], 0);
    assert_eq!(find(&off["id"])["impressions"], 0);
    let days = t
        .call(
            Method::GET,
            &format!("{ADS}/{id}/days?days=7"),
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(days.as_array().unwrap().len(), 1);
    assert_eq!(days[0]["clicks"], 1);
    assert_eq!(days[0]["impressions"], light_n + 5);

    // An exempt account sees none, and its pages keep no place for them.
    t.call(
        Method::POST,
        &format!("{ADS}/exemptions"),
        Some(&admin),
        Some(json!({"address": "Reader@example.com"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert_eq!(slot(&t, &reader, "webmail").await, Value::Null);
    let me = t.call(Method::GET, "/api/v1/me", Some(&reader), None).await;
    assert_eq!(me.body["ads"], false);
    let exempt = t
        .call(
            Method::GET,
            &format!("{ADS}/exemptions"),
            Some(&admin),
            None,
        )
        .await
        .body;
    assert_eq!(exempt[0]["address"], "reader@example.com");
    let account = exempt[0]["account_id"].as_str().unwrap().to_owned();
    t.call(
        Method::DELETE,
        &format!("{ADS}/exemptions/{account}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert_ne!(slot(&t, &reader, "webmail").await, Value::Null);

    // The login page: the host's domain's campaigns and the server-wide ones.
    let everywhere = create(
        &t,
        &admin,
        json!({"name": "Everywhere", "text": "Try it", "link_url": "https://osprey.example/", "targets": ["login"]}),
    )
    .await;
    assert_eq!(everywhere["domain"], Value::Null);
    assert_eq!(
        login_ad(&t, "unknown.example:8080").await["id"],
        everywhere["id"]
    );
    assert_eq!(login_ad(&t, "example.com").await["id"], everywhere["id"]);

    // A domain that turns ads off shows none, server-wide ones included.
    let domain = t
        .store
        .domains()
        .domain_by_name("example.com")
        .await
        .unwrap()
        .id;
    t.call(
        Method::PATCH,
        &format!("/api/v1/admin/domains/{domain}"),
        Some(&admin),
        Some(json!({"settings": {"no_ads": true}})),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(slot(&t, &reader, "webmail").await, Value::Null);
    assert_eq!(login_ad(&t, "example.com").await, Value::Null);
    let me = t.call(Method::GET, "/api/v1/me", Some(&reader), None).await;
    assert_eq!(me.body["ads"], false);
}

/// A multipart form with the file `bytes`.
fn image_form(bytes: &[u8]) -> String {
    let mut body = format!(
        "--{UPLOAD_BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ad\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    );
    body.push_str(&String::from_utf8_lossy(bytes));
    body.push_str(&format!("\r\n--{UPLOAD_BOUNDARY}--\r\n"));
    body
}

#[tokio::test]
async fn images_are_kept_only_of_kinds_a_browser_shows_safely() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let c = create(&t, &admin, campaign("Pictured", &["webmail"])).await;
    let id = c["id"].as_str().unwrap();
    let ct = format!("multipart/form-data; boundary={UPLOAD_BOUNDARY}");
    let put = |bytes: &'static [u8]| {
        let (t, admin, ct) = (&t, &admin, &ct);
        async move {
            t.raw(
                Method::PUT,
                &format!("{ADS}/{id}/image"),
                Some(admin),
                Some(ct),
                &image_form(bytes),
            )
            .await
        }
    };
    let svg = put(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(svg.fields(), ["image"]);
    // A picture of over a megabyte is refused by the rule, naming the limit.
    let big: &'static [u8] = Box::leak(
        [b"GIF89a".as_slice(), &[b'x'; 1_100_000]]
            .concat()
            .into_boxed_slice(),
    );
    let large = put(big).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(large.fields(), ["image"]);
    assert!(large.body.to_string().contains("KiB"), "{}", large.body);
    let gif = put(b"GIF89a-tiny").await.expect(StatusCode::OK);
    assert_eq!(gif.body["image_url"], format!("/api/v1/ads/{id}/image"));
    let image = t
        .call(Method::GET, &format!("/api/v1/ads/{id}/image"), None, None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(image.headers["content-type"], "image/gif");
    assert_eq!(image.headers["x-content-type-options"], "nosniff");
    assert_eq!(image.body, "GIF89a-tiny");
    let ad = slot(&t, &admin, "webmail").await;
    assert_eq!(ad["image_url"], format!("/api/v1/ads/{id}/image"));
    t.call(
        Method::DELETE,
        &format!("{ADS}/{id}/image"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::OK);
    t.call(Method::GET, &format!("/api/v1/ads/{id}/image"), None, None)
        .await
        .expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_domain_administrator_runs_campaigns_of_its_domains_only() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let other = t
        .call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(json!({"name": "other.example"})),
        )
        .await
        .expect(StatusCode::CREATED)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    t.add_account("boss@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let boss = t.token("boss@example.com").await;
    let everywhere = create(
        &t,
        &admin,
        json!({"name": "Everywhere", "text": "Try it", "link_url": "https://osprey.example/", "targets": ["webmail"]}),
    )
    .await;
    let reply = t
        .call(
            Method::POST,
            ADS,
            Some(&boss),
            Some(json!({"name": "Mine", "text": "x", "link_url": "https://a.example/", "targets": ["webmail"]})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.fields(), ["domain"]);
    t.call(
        Method::POST,
        ADS,
        Some(&boss),
        Some(with(
            campaign("Theirs", &["webmail"]),
            json!({"domain": "other.example"}),
        )),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    let mine = create(&t, &boss, campaign("Mine", &["webmail"])).await;
    let list = t.call(Method::GET, ADS, Some(&boss), None).await.body;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Mine"]);
    let id = everywhere["id"].as_str().unwrap();
    t.call(Method::DELETE, &format!("{ADS}/{id}"), Some(&boss), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    let id = mine["id"].as_str().unwrap();
    t.call(Method::DELETE, &format!("{ADS}/{id}"), Some(&boss), None)
        .await
        .expect(StatusCode::NO_CONTENT);

    // A domain's campaigns go with the domain (left, they would read as server-wide).
    create(
        &t,
        &admin,
        with(
            campaign("Theirs", &["webmail"]),
            json!({"domain": "other.example"}),
        ),
    )
    .await;
    t.call(
        Method::DELETE,
        &format!("/api/v1/admin/domains/{other}"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let list = t.call(Method::GET, ADS, Some(&admin), None).await.body;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Everywhere"]);
}
