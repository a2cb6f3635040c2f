//! The public set-up answers: Mozilla autoconfig and Outlook autodiscover for a domain
//! of the server (by its name, an alias name or an address), and the MTA-STS policy at
//! `mta-sts.<domain>` with the `_mta-sts` record of the DNS page naming its id — and
//! nothing for a name the server keeps no mail for.

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::*;

/// Status, content type and body of a request at `host`.
async fn at_host(
    t: &TestApp,
    method: Method,
    path: &str,
    host: &str,
    body: &str,
) -> (StatusCode, String, String) {
    let res = t
        .app
        .clone()
        .oneshot(
            Request::builder()
                .method(method)
                .uri(path)
                .header("host", host)
                .header(header::CONTENT_TYPE, "text/xml")
                .body(Body::from(body.to_owned()))
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
    (status, kind, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn shop(t: &TestApp) -> (String, String) {
    let admin = t.token(ADMIN).await;
    let created = t
        .call(
            Method::POST,
            "/api/v1/admin/domains",
            Some(&admin),
            Some(json!({"name": "shop.example", "aliases": ["shop-mail.example"]})),
        )
        .await
        .expect(StatusCode::CREATED);
    t.call(
        Method::PUT,
        "/api/v1/admin/branding?domain=shop.example",
        Some(&admin),
        Some(json!({"product_name": "Shop & Co Mail"})),
    )
    .await
    .expect(StatusCode::OK);
    (admin, created.body["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn autoconfig_answers_for_a_domain_by_host_or_address_and_for_no_other() {
    let t = TestApp::new().await;
    shop(&t).await;
    let (status, kind, xml) = at_host(
        &t,
        Method::GET,
        "/mail/config-v1.1.xml",
        "autoconfig.shop.example",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    assert!(kind.starts_with("application/xml"), "{kind}");
    assert!(xml.contains("<domain>shop.example</domain>"), "{xml}");
    assert!(
        xml.contains("<displayName>Shop &amp; Co Mail</displayName>"),
        "{xml}"
    );
    assert!(xml.contains("<hostname>mx.example.com</hostname>"), "{xml}");
    assert!(xml.contains("<port>993</port>") && xml.contains("<socketType>SSL</socketType>"));
    assert!(xml.contains("<username>%EMAILADDRESS%</username>"));

    // The address's domain counts (an alias name is its domain), at any host.
    let (status, _, xml) = at_host(
        &t,
        Method::GET,
        "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=ann%40Shop-Mail.example",
        "mx.example.com",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    assert!(xml.contains("<domain>shop.example</domain>"), "{xml}");

    for (path, host) in [
        ("/mail/config-v1.1.xml", "autoconfig.other.example"),
        (
            "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=ann@other.example",
            "autoconfig.shop.example",
        ),
    ] {
        let (status, _, body) = at_host(&t, Method::GET, path, host, "").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} at {host}: {body}");
        assert!(!body.contains("clientConfig"));
    }
}

#[tokio::test]
async fn autodiscover_answers_the_address_asked_about_and_refuses_a_request_without_one() {
    let t = TestApp::new().await;
    shop(&t).await;
    let request = |address: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request><EMailAddress>{address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>"
        )
    };
    for path in [
        "/autodiscover/autodiscover.xml",
        "/Autodiscover/Autodiscover.xml",
    ] {
        let (status, kind, xml) = at_host(
            &t,
            Method::POST,
            path,
            "autodiscover.shop.example",
            &request("bob@shop.example"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{path}: {xml}");
        assert!(kind.starts_with("application/xml"));
        assert!(xml.contains("<AccountType>email</AccountType>"), "{xml}");
        assert!(xml.contains("<Type>IMAP</Type>") && xml.contains("<Type>SMTP</Type>"));
        assert_eq!(
            xml.matches("<LoginName>bob@shop.example</LoginName>")
                .count(),
            2
        );
        assert!(xml.contains("<Server>mx.example.com</Server>"));
    }
    // An address of no domain of ours, and a request without one.
    let (status, _, body) = at_host(
        &t,
        Method::POST,
        "/autodiscover/autodiscover.xml",
        "autodiscover.shop.example",
        &request("bob@other.example"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _, body) = at_host(
        &t,
        Method::POST,
        "/autodiscover/autodiscover.xml",
        "autodiscover.shop.example",
        "<Request/>",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("EMailAddress"));
}

fn mta_sts_record(dns: &Value) -> Option<String> {
    dns["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "_mta-sts.shop.example")
        .map(|r| r["value"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_mta_sts_policy_follows_the_setting_and_its_record_names_its_id() {
    let t = TestApp::new().await;
    let (admin, id) = shop(&t).await;
    let dns_path = format!("/api/v1/admin/domains/{id}/dns");
    let policy = |host: &'static str| {
        let t = &t;
        async move { at_host(t, Method::GET, "/.well-known/mta-sts.txt", host, "").await }
    };

    // No policy set: no record to publish, and the file withdraws any (mode none).
    let dns = t
        .call(Method::GET, &dns_path, Some(&admin), None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(mta_sts_record(&dns), None, "{dns}");
    let (status, kind, text) = policy("mta-sts.shop.example").await;
    assert_eq!(status, StatusCode::OK);
    // RFC 8461 §3.3: the policy is "served with a Content-Type of text/plain".
    assert!(kind.starts_with("text/plain"), "{kind}");
    assert_eq!(text, "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n");

    let mut ids = Vec::new();
    for mode in ["testing", "enforce"] {
        t.call(
            Method::PATCH,
            "/api/v1/admin/settings",
            Some(&admin),
            Some(json!({"mta_sts_mode": mode})),
        )
        .await
        .expect(StatusCode::OK);
        // At the domain's alias name too, with a port and in capitals.
        for host in ["mta-sts.shop.example", "MTA-STS.shop-mail.example:443"] {
            let (status, _, text) = policy(host).await;
            assert_eq!(status, StatusCode::OK, "{host}");
            assert!(text.starts_with("version: STSv1\r\n"), "{text}");
            assert!(text.contains(&format!("mode: {mode}\r\n")), "{text}");
            assert!(text.contains("mx: mx.example.com\r\n"), "{text}");
        }
        let dns = t
            .call(Method::GET, &dns_path, Some(&admin), None)
            .await
            .expect(StatusCode::OK)
            .body;
        let record = mta_sts_record(&dns).expect("a record once a policy is set");
        assert!(record.starts_with("v=STSv1; id="), "{record}");
        ids.push(record);
    }
    // RFC 8461 §3.1: the id changes whenever the policy does.
    assert_ne!(ids[0], ids[1]);

    let (status, _, text) = policy("mta-sts.other.example").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    let (status, _, _) = policy("shop.example").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only at mta-sts.<domain>");

    t.call(
        Method::PATCH,
        "/api/v1/admin/settings",
        Some(&admin),
        Some(json!({"mta_sts_mode": "sometimes"})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
}
