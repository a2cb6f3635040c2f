//! Per-host look over REST: a look checked field by field (plain texts, `#rrggbb`
//! colours, custom CSS that loads nothing from another host), a bad one changing nothing;
//! a domain's look shown at its name and its alias names over the server's look, field by
//! field; images only of the kinds a browser shows safely; a domain administrator kept to
//! its domains' looks.

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use osprey_core::Role;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::{authorization::UPLOAD_BOUNDARY, support::*};

const LOOK: &str = "/api/v1/admin/branding";

/// What a page reached at `host` gets from `path`: status, content type and body.
async fn by_host(t: &TestApp, path: &str, host: &str) -> (StatusCode, String, Vec<u8>) {
    let res = t
        .app
        .clone()
        .oneshot(
            Request::builder()
                .uri(path)
                .header("host", host)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let kind = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, kind, bytes.to_vec())
}

async fn page(t: &TestApp, host: &str) -> Value {
    let (status, _, body) = by_host(t, "/api/v1/branding", host).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_slice(&body).unwrap()
}

fn upload(content: &str) -> String {
    format!(
        "--{UPLOAD_BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{content}\r\n--{UPLOAD_BOUNDARY}--\r\n"
    )
}

async fn put_image(t: &TestApp, token: &str, path: &str, content: &str) -> Reply {
    t.raw(
        Method::PUT,
        path,
        Some(token),
        Some(&format!("multipart/form-data; boundary={UPLOAD_BOUNDARY}")),
        &upload(content),
    )
    .await
}

#[tokio::test]
async fn a_bad_look_is_refused_field_by_field_and_changes_nothing() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let reply = t
        .call(
            Method::PUT,
            LOOK,
            Some(&admin),
            Some(json!({
                "product_name": "<script>Mail</script>",
                "accent_color": "red",
                "login_title": "x".repeat(101),
                "custom_css": "body { background: url(https://tracker.example/p.gif) }\n@import 'x.css';"
            })),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = reply.fields();
    fields.sort();
    fields.dedup();
    assert_eq!(
        fields,
        ["accent_color", "custom_css", "login_title", "product_name"]
    );
    let detail = reply.body.to_string();
    assert!(
        detail.contains("line 1: loads from another host"),
        "{detail}"
    );
    assert!(
        detail.contains("line 2: @import is not allowed"),
        "{detail}"
    );
    let look = t
        .call(Method::GET, LOOK, Some(&admin), None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(look["look"], json!({}));
    assert_eq!(page(&t, "example.com").await["product_name"], "Osprey");
    // An unknown field is a mistake, not something to ignore.
    t.call(Method::PUT, LOOK, Some(&admin), Some(json!({"logo": "x"})))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_domain_look_shows_at_its_names_over_the_server_look() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&admin),
        Some(json!({"name": "shop.example", "aliases": ["mail.shop.example"]})),
    )
    .await
    .expect(StatusCode::CREATED);
    t.call(
        Method::PUT,
        LOOK,
        Some(&admin),
        Some(json!({"product_name": "Example Mail", "footer": "Example Inc.", "header_color": "#0B1F3A"})),
    )
    .await
    .expect(StatusCode::OK);
    let shop = t
        .call(
            Method::PUT,
            &format!("{LOOK}?domain=shop.example"),
            Some(&admin),
            Some(json!({
                "product_name": "  Shop Mail ", "accent_color": "#AA0000",
                "login_title": "Welcome to the shop", "login_text": "Use your shop address.\r\nAsk Ann for help.",
                "custom_css": ".brand { letter-spacing: 1px }"
            })),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(shop["domain"], "shop.example");
    assert_eq!(shop["look"]["product_name"], "Shop Mail", "trimmed");
    assert_eq!(shop["look"]["accent_color"], "#aa0000");
    assert_eq!(shop["inherited"]["footer"], "Example Inc.");

    for host in ["shop.example", "MAIL.shop.example:8443"] {
        let p = page(&t, host).await;
        assert_eq!(p["product_name"], "Shop Mail", "{host}");
        assert_eq!(p["login_text"], "Use your shop address.\nAsk Ann for help.");
        assert_eq!(
            p["footer"], "Example Inc.",
            "the server's, where the domain sets none"
        );
        let (status, kind, css) = by_host(&t, "/api/v1/branding/style.css", host).await;
        assert_eq!(
            (status, kind.as_str()),
            (StatusCode::OK, "text/css; charset=utf-8")
        );
        let css = String::from_utf8(css).unwrap();
        assert!(css.contains("--accent:#aa0000;"), "{css}");
        assert!(css.contains("--header-bg:#0b1f3a;"), "inherited: {css}");
        assert!(!css.contains("letter-spacing"), "custom CSS apart: {css}");
        // The custom CSS is a stylesheet of its own, which the app keeps off /admin.
        assert!(
            p["custom_stylesheet_url"]
                .as_str()
                .unwrap()
                .starts_with("/api/v1/branding/custom.css?v="),
            "{p}"
        );
        let (status, kind, custom) = by_host(&t, "/api/v1/branding/custom.css", host).await;
        assert_eq!(
            (status, kind.as_str()),
            (StatusCode::OK, "text/css; charset=utf-8")
        );
        assert_eq!(
            String::from_utf8(custom).unwrap(),
            ".brand { letter-spacing: 1px }"
        );
    }
    let other = page(&t, "example.com").await;
    assert_eq!(other["product_name"], "Example Mail");
    assert!(other.get("login_title").is_none());
    assert!(other.get("custom_stylesheet_url").is_none(), "{other}");
    // A preview names the domain instead of reaching it by its host.
    let preview = t
        .call(
            Method::GET,
            "/api/v1/branding?domain=shop.example",
            None,
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(preview["product_name"], "Shop Mail");
    assert!(
        preview["stylesheet_url"]
            .as_str()
            .unwrap()
            .starts_with("/api/v1/branding/style.css?domain=shop.example&v=")
    );
    // A name that is no domain of the server's gets the server's look, as an unknown
    // host does: the answer does not tell which domains the server keeps.
    let nowhere = t
        .call(
            Method::GET,
            "/api/v1/branding?domain=nowhere.example",
            None,
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(nowhere["product_name"], "Example Mail");

    // Forgotten: the server's look again.
    t.call(
        Method::DELETE,
        &format!("{LOOK}?domain=shop.example"),
        Some(&admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert_eq!(
        page(&t, "shop.example").await["product_name"],
        "Example Mail"
    );
}

#[tokio::test]
async fn logos_and_favicons_are_images_a_browser_shows_safely() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let logo = format!("{LOOK}/images/logo?domain=example.com");
    let reply = put_image(&t, &admin, &logo, "<svg onload=alert(1)></svg>")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.fields(), ["file"]);
    // A picture of over a megabyte is refused by the rule, naming the limit.
    let big = format!("GIF89a{}", "x".repeat(1_100_000));
    let reply = put_image(&t, &admin, &logo, &big)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.fields(), ["file"]);
    assert!(reply.body.to_string().contains("256 KiB"), "{}", reply.body);
    let (status, ..) = by_host(&t, "/api/v1/branding/images/logo", "example.com").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let look = put_image(&t, &admin, &logo, "GIF89a tiny")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(look["logo_type"], "image/gif");
    let (status, kind, bytes) = by_host(&t, "/api/v1/branding/images/logo", "example.com").await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/gif"));
    assert_eq!(bytes, b"GIF89a tiny");
    assert!(
        page(&t, "example.com").await["logo_url"]
            .as_str()
            .unwrap()
            .starts_with("/api/v1/branding/images/logo?v=")
    );

    // A favicon may be an ICO file; the server's shows where a domain has none.
    put_image(
        &t,
        &admin,
        &format!("{LOOK}/images/favicon"),
        "\u{0}\u{0}\u{1}\u{0}icon",
    )
    .await
    .expect(StatusCode::OK);
    let (status, kind, _) = by_host(&t, "/api/v1/branding/images/favicon", "example.com").await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/x-icon"));
    put_image(
        &t,
        &admin,
        &format!("{LOOK}/images/banner?domain=example.com"),
        "GIF89a tiny",
    )
    .await
    .expect(StatusCode::NOT_FOUND);

    t.call(Method::DELETE, &logo, Some(&admin), None)
        .await
        .expect(StatusCode::OK);
    let (status, ..) = by_host(&t, "/api/v1/branding/images/logo", "example.com").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_domain_administrator_changes_only_its_domains_looks() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.call(
        Method::POST,
        "/api/v1/admin/domains",
        Some(&admin),
        Some(json!({"name": "other.example"})),
    )
    .await
    .expect(StatusCode::CREATED);
    t.call(
        Method::PUT,
        LOOK,
        Some(&admin),
        Some(json!({"product_name": "Example Mail"})),
    )
    .await
    .expect(StatusCode::OK);
    t.add_account("boss@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let boss = t.token("boss@example.com").await;
    for (method, path) in [
        (Method::GET, LOOK.to_owned()),
        (Method::PUT, LOOK.to_owned()),
        (Method::PUT, format!("{LOOK}?domain=other.example")),
        (Method::DELETE, format!("{LOOK}?domain=other.example")),
    ] {
        t.call(method.clone(), &path, Some(&boss), Some(json!({})))
            .await
            .expect(StatusCode::FORBIDDEN);
    }
    let mine = t
        .call(
            Method::PUT,
            &format!("{LOOK}?domain=example.com"),
            Some(&boss),
            Some(json!({"footer": "Run by Boss"})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(mine["inherited"]["product_name"], "Example Mail");
    assert_eq!(page(&t, "example.com").await["footer"], "Run by Boss");
    // Every change is in the audit log.
    let log = t
        .call(
            Method::GET,
            "/api/v1/admin/audit?action=branding.update",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(log["items"].as_array().map(Vec::len), Some(2), "{log}");
}
