//! The composed application: the REST router and the web app under the shared middleware.
//! The web app here is a directory of hand-made files (the files `cargo xtask build`
//! makes are checked end to end in `e2e/tests/web.rs`).

use std::{path::Path, sync::Arc};

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use osprey_api::{
    ApiSettings, AppState,
    auth::{JwtKeys, LoginThrottle, ThrottleLimits, install_crypto_provider},
};
use osprey_store::testing::TestDb;
use tower::ServiceExt;

use super::{MAX_BODY_BYTES, WebApp, app};

const INDEX: &str = "<!doctype html><title>Osprey</title>";
const JS: &str = "app-0123456789abcdef.js";

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }
}

struct Fixture {
    app: Router,
    _db: TestDb,
    _web: tempfile::TempDir,
}

/// A scratch directory holding `web/`, the web app: `index.html` (with a `.gz`), a hashed
/// script with `.br` and `.gz` siblings (marked, so that a test sees which was sent), an
/// unhashed file, a directory; and `secret.txt` next to `web/`, which must stay out of
/// reach.
fn web_dir(with_app: bool) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let web = root.path().join("web");
    std::fs::create_dir(&web).unwrap();
    std::fs::write(root.path().join("secret.txt"), "secret").unwrap();
    if with_app {
        let put = |name: &str, data: &str| std::fs::write(web.join(name), data).unwrap();
        put("index.html", INDEX);
        put("index.html.gz", "gzip of index.html");
        put(JS, "export default function init() {}");
        put(&format!("{JS}.br"), "brotli of the script");
        put(&format!("{JS}.gz"), "gzip of the script");
        put("robots.txt", "User-agent: *");
        std::fs::create_dir(web.join("nested")).unwrap();
    }
    root
}

async fn fixture(web: &Path) -> (Router, TestDb) {
    install_crypto_provider();
    let db = TestDb::new().await;
    let store = db.store().await;
    let blobs: Arc<dyn osprey_store::blob::BlobStore> =
        Arc::new(osprey_store::blob::FsBlobStore::open(db.dir.join("blobs")).unwrap());
    let throttle = Arc::new(LoginThrottle::new(ThrottleLimits::default()));
    let submission = osprey_mail::Submission::new(
        osprey_mail::LocalDelivery::new(store.clone(), blobs.clone()),
        osprey_mail::Outbox::new(store.clone(), blobs),
        8,
    )
    .with_rules(osprey_mail::DeliveryRules::new(store.clone(), "localhost"));
    let state = AppState {
        store: store.clone(),
        jwt: Arc::new(JwtKeys::from_secret(&[7u8; 32], 900)),
        directory: crate::serve::directory(&store),
        auth: Arc::new(osprey_directory::Authenticator::new(
            store.clone(),
            throttle,
            Default::default(),
        )),
        settings: Arc::new(ApiSettings::default()),
        metrics: osprey_api::metrics_handle(),
        submission: submission.clone(),
        composer: osprey_mail::Composer::new(
            submission,
            osprey_mail::outgoing::Uploads::open(db.dir.join("uploads")).unwrap(),
            "localhost",
            1024 * 1024,
        ),
        shutdown: osprey_net::Shutdown::new().1,
        spell: osprey_spell::SpellChecker::new(
            store.clone(),
            osprey_spell::Dictionaries::new("/usr/share/hunspell"),
        ),
        calendar: osprey_calendar::CalendarService::new(store),
        dns: Arc::new(osprey_mail::dns::StaticResolver::default()),
    };
    (app(state, WebApp::Dir(web.to_owned())), db)
}

impl Fixture {
    async fn new(with_app: bool) -> Fixture {
        let web = web_dir(with_app);
        let (app, db) = fixture(&web.path().join("web")).await;
        Fixture {
            app,
            _db: db,
            _web: web,
        }
    }

    async fn request(&self, req: Request<Body>) -> Reply {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req = Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.request(req.body(Body::empty()).unwrap()).await
    }
}

fn assert_security_headers(r: &Reply) {
    assert_eq!(r.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(r.header(header::X_FRAME_OPTIONS), "DENY");
    assert_eq!(r.header(header::REFERRER_POLICY), "no-referrer");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let t = Fixture::new(true).await;
    let js = format!("/{JS}");
    for path in [
        "/healthz",
        "/api/v1/openapi.json",
        "/api/v1/no-such-thing",
        "/api/v1/me",
        "/",
        "/admin/domains",
        js.as_str(),
    ] {
        let r = t.get(path, &[]).await;
        assert_security_headers(&r);
        let is_web = !path.starts_with("/api/") && path != "/healthz";
        assert_eq!(
            r.headers.get(header::CONTENT_SECURITY_POLICY).is_some(),
            is_web,
            "{path}: the CSP is the web app's"
        );
    }
    let r = t
        .request(
            Request::post("/")
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_security_headers(&r);
}

#[tokio::test]
async fn request_bodies_are_limited() {
    let t = Fixture::new(false).await;
    let login = |padding: usize| {
        let body = format!(
            r#"{{"username":"nobody@example.com","password":"{}"}}"#,
            "x".repeat(padding)
        );
        Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    // RFC 9110 §15.5.14: 413 "indicates that the server is refusing to process a
    // request because the request content is larger than the server is willing or able
    // to process".
    let r = t.request(login(MAX_BODY_BYTES)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["code"], "too_large", "{body}");
    let r = t.request(login(1000)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a small body is read");
}

#[tokio::test]
async fn requests_are_counted_by_route() {
    let t = Fixture::new(true).await;
    t.get("/healthz", &[]).await;
    t.get("/admin/domains", &[]).await;
    let r = t.get("/metrics", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let text = String::from_utf8(r.body).unwrap();
    assert!(
        text.contains(
            "osprey_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(
        text.contains("osprey_http_requests_total{method=\"GET\",route=\"static\",status=\"200\"}"),
        "{text}"
    );
    assert!(
        text.contains("osprey_http_request_duration_seconds"),
        "{text}"
    );
}

#[tokio::test]
async fn the_web_app_sends_the_variant_the_client_accepts() {
    let t = Fixture::new(true).await;
    let path = format!("/{JS}");
    for (accept, body, encoding) in [
        (None, "export default function init() {}", None),
        (Some("identity"), "export default function init() {}", None),
        (Some("gzip"), "gzip of the script", Some("gzip")),
        (
            Some("gzip, deflate, br"),
            "brotli of the script",
            Some("br"),
        ),
        (Some("br;q=0, gzip"), "gzip of the script", Some("gzip")),
        (Some("*"), "brotli of the script", Some("br")),
    ] {
        let headers: Vec<_> = accept.map(|a| ("accept-encoding", a)).into_iter().collect();
        let r = t.get(&path, &headers).await;
        assert_eq!(r.status, StatusCode::OK, "{accept:?}");
        assert_eq!(String::from_utf8_lossy(&r.body), body, "{accept:?}");
        assert_eq!(
            r.headers
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accept:?}"
        );
        assert_eq!(r.header(header::VARY), "accept-encoding");
        assert_eq!(
            r.header(header::CONTENT_TYPE),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            r.header(header::CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(r.header(header::CONTENT_LENGTH), body.len().to_string());
    }
    // index.html is made for the host it is asked for: sent as made, never a stored
    // compressed variant (which would not carry the host's look).
    let r = t.get("/", &[("accept-encoding", "br, gzip")]).await;
    assert!(r.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(r.body, INDEX.as_bytes());
    let r = t.get("/", &[("accept-encoding", "br")]).await;
    assert!(r.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(r.body, INDEX.as_bytes());
}

#[tokio::test]
async fn index_html_answers_client_routes_and_is_revalidated() {
    let t = Fixture::new(true).await;
    for path in [
        "/",
        "/index.html",
        "/admin/domains",
        "/admin/domains/example.com",
        "/no-such-file.js",
        "/nested",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
    ] {
        let r = t.get(path, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.body, INDEX.as_bytes(), "{path}");
        assert_eq!(r.header(header::CONTENT_TYPE), "text/html; charset=utf-8");
        assert_eq!(r.header(header::CACHE_CONTROL), "no-cache", "{path}");
        assert_eq!(r.header(header::VARY), "accept-encoding");
        assert!(
            r.header(header::CONTENT_SECURITY_POLICY)
                .contains("'wasm-unsafe-eval'")
        );
    }
    let r = t.get("/robots.txt", &[]).await;
    assert_eq!(r.body, b"User-agent: *");
    assert_eq!(
        r.header(header::CACHE_CONTROL),
        "no-cache",
        "no hash in the name"
    );
    assert_eq!(r.header(header::CONTENT_TYPE), "text/plain; charset=utf-8");
}

#[tokio::test]
async fn etags_answer_conditional_requests() {
    let t = Fixture::new(true).await;
    let r = t.get("/admin/accounts", &[]).await;
    let etag = r.header(header::ETAG).to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let r = t.get("/", &[("if-none-match", etag.as_str())]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.body.is_empty());
    assert_eq!(r.header(header::ETAG), etag);
    assert_eq!(r.header(header::CACHE_CONTROL), "no-cache");
    let weak = format!("\"other\", W/{etag}");
    let r = t.get("/", &[("if-none-match", weak.as_str())]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    // Each variant of a file is its own representation with its own tag.
    let js = format!("/{JS}");
    let plain = t.get(&js, &[]).await.header(header::ETAG).to_owned();
    let r = t
        .get(
            &js,
            &[
                ("accept-encoding", "gzip"),
                ("if-none-match", plain.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_ne!(r.header(header::ETAG), plain);
    let r = t.get("/", &[("if-none-match", "\"stale\"")]).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn head_answers_headers_only() {
    let t = Fixture::new(true).await;
    let r = t
        .request(
            Request::builder()
                .method(Method::HEAD)
                .uri(format!("/{JS}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.is_empty());
    assert_eq!(r.header(header::CONTENT_LENGTH), "33");
}

#[tokio::test]
async fn without_a_web_app_every_page_explains_how_to_build_it() {
    let t = Fixture::new(false).await;
    for path in ["/", "/admin/domains", "/app.js"] {
        let r = t.get(path, &[]).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(
            r.header(header::CONTENT_SECURITY_POLICY)
                .contains("default-src 'self'")
        );
        assert_security_headers(&r);
        let text = String::from_utf8(r.body).unwrap();
        assert!(text.contains("cargo xtask build"), "{text}");
    }
    // The API does not depend on the web app.
    let r = t.get("/healthz", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
}

/// The page of a host carries that host's look: its domain's (reached by the domain's
/// name or an alias name) over the server's; any other host shows the server's look.
#[tokio::test]
async fn the_page_carries_the_look_of_the_host_it_is_reached_at() {
    let root = tempfile::tempdir().unwrap();
    let web = root.path().join("web");
    std::fs::create_dir(&web).unwrap();
    std::fs::write(
        web.join("index.html"),
        "<!doctype html><html><head><title>Osprey</title>\
         <link rel=\"icon\" href=\"data:,built-in\"></head><body></body></html>",
    )
    .unwrap();
    let (app, db) = fixture(&web).await;
    let store = db.store().await;
    let domain = store
        .domains()
        .create_domain(osprey_store::NewDomain {
            name: osprey_core::DomainName::parse("shop.example").unwrap(),
            aliases: vec![osprey_core::DomainName::parse("mail.shop.example").unwrap()],
            settings: serde_json::json!({}),
            enabled: true,
        })
        .await
        .unwrap();
    let server = osprey_core::look::Look {
        product_name: Some("Example Mail".into()),
        footer: Some("Example Inc. & friends".into()),
        ..Default::default()
    };
    store
        .brandings()
        .save_look(osprey_store::SERVER_SCOPE, &server)
        .await
        .unwrap();
    let shop = osprey_core::look::Look {
        product_name: Some("Shop \"Mail\"".into()),
        accent_color: Some("#aa0000".into()),
        login_text: Some("Welcome.\nSign in.".into()),
        custom_css: Some(".brand{letter-spacing:1px}".into()),
        ..Default::default()
    };
    store
        .brandings()
        .save_look(&domain.id, &shop)
        .await
        .unwrap();
    store
        .brandings()
        .set_image(
            &domain.id,
            osprey_store::BrandImage::Favicon,
            Some((vec![0, 0, 1, 0], "image/x-icon".into())),
        )
        .await
        .unwrap();
    let page_at = |host: &'static str, path: &'static str| {
        let app = app.clone();
        async move {
            let req = Request::get(path)
                .header(header::HOST, host)
                .body(Body::empty())
                .unwrap();
            let res = app.oneshot(req).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            let body = res.into_body().collect().await.unwrap().to_bytes();
            String::from_utf8(body.to_vec()).unwrap()
        }
    };
    let page = |host: &'static str| page_at(host, "/admin/domains");
    for host in ["shop.example", "MAIL.shop.example:8443"] {
        let html = page(host).await;
        assert!(
            html.contains("<title>Shop &quot;Mail&quot;</title>"),
            "{html}"
        );
        assert!(
            html.contains("<meta name=\"application-name\" content=\"Shop &quot;Mail&quot;\">")
        );
        assert!(
            html.contains("<meta name=\"osprey:login-text\" content=\"Welcome.&#10;Sign in.\">")
        );
        // The footer the domain leaves unset is the server's.
        assert!(
            html.contains("<meta name=\"osprey:footer\" content=\"Example Inc. &amp; friends\">")
        );
        assert!(html.contains("<link rel=\"stylesheet\" href=\"/api/v1/branding/style.css?v="));
        assert!(html.contains("<link rel=\"icon\" href=\"/api/v1/branding/images/favicon?v="));
        // The custom CSS is off on the administration pages (the app switches it as it
        // moves between them and the others).
        assert!(
            html.contains("<link id=\"look-custom\" rel=\"stylesheet\" media=\"not all\" href=\"/api/v1/branding/custom.css?v="),
            "{html}"
        );
        assert!(
            !html.contains("built-in"),
            "the app's own icon is replaced: {html}"
        );
    }
    let mail = page_at("shop.example", "/mail").await;
    assert!(
        mail.contains("<link id=\"look-custom\" rel=\"stylesheet\" media=\"all\" href=\"/api/v1/branding/custom.css?v="),
        "{mail}"
    );
    let html = page("other.example").await;
    assert!(html.contains("<title>Example Mail</title>"), "{html}");
    assert!(html.contains("data:,built-in"));
    assert!(
        !html.contains("style.css") && !html.contains("custom.css"),
        "the server's look sets no colours and no CSS"
    );

    // The stylesheet the page links: the domain's colours.
    let req = Request::get("/api/v1/branding/style.css")
        .header(header::HOST, "shop.example")
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/css; charset=utf-8"
    );
    let css = res.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&css).contains("--accent:#aa0000;"));
}
