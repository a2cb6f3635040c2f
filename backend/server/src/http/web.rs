//! The web app's files: the ones embedded in the binary, or a directory's (`web_dir`).
//!
//! `cargo xtask build` (`xtask/src/spa.rs`) writes the web app to `frontend/dist`:
//! `index.html`, and assets whose names carry a hash of their content
//! (`app-<16 hex>.js`, `app-<16 hex>_bg.wasm`, `style-<16 hex>.css`, ...), each text or wasm
//! file with `.br` and `.gz` siblings compressed at build time. A release build embeds that
//! directory as it was when the binary was built; a debug build reads it at run time, so a
//! rebuilt web app shows without rebuilding the server. If there was no web app when a
//! release binary was built, every path here answers 503 with a page that says how to get
//! one (so the server builds, and its tests run, before the web app is built).
//!
//! Every file goes out with the variant the client accepts (`br`, then `gzip`, then the
//! file itself; `Vary: Accept-Encoding`), its content type, a strong `ETag` (answering
//! `If-None-Match` with 304), and `Cache-Control`: a year and `immutable` for names with a
//! content hash, `no-cache` (revalidate every time) for the rest, `index.html` first among
//! them. Paths that name no file (the client-side routes, such as `/admin/domains`) get
//! `index.html`. Every response carries the web app's Content-Security-Policy.
//!
//! `index.html` is made for the host it is asked for: the look of the domain that host
//! names (or the server's) goes into its head — the title, the favicon, the look's
//! stylesheet, and `<meta>` elements the app reads its product name, sign-in texts,
//! footer and logo from — so the first paint already shows it (no request, no shift).
//! It is small and sent as it is made, without a compressed variant.

use std::{borrow::Cow, path::PathBuf, sync::Arc};

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    response::{Html, IntoResponse, Response},
    routing::{MethodRouter, get},
};
use osprey_directory::Directory;
use osprey_store::EffectiveBranding;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

/// What the browser may load on the web app's pages: only our own origin; wasm needs
/// `wasm-unsafe-eval`. Images may also come from anywhere: a message's HTML, shown in a
/// sandboxed `srcdoc` frame that inherits this policy, shows remote images when its reader
/// asks for them (the server leaves them out otherwise); an image runs nothing.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Files whose name changes with their content never change: a year, never revalidated.
const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else, `index.html` first: kept, but revalidated (by `ETag`) before each use.
const CACHE_REVALIDATE: &str = "no-cache";

/// The hash in an asset's name: this many lowercase hex digits after a `-`, followed by
/// `.` or `_` (`app-0123456789abcdef_bg.wasm`). `xtask/src/spa.rs` makes these names.
const NAME_HASH_DIGITS: usize = 16;

/// `frontend/dist`, embedded by a release build; read from the checkout by a debug build.
/// Empty when it did not exist at build time (`build.rs` explains).
#[derive(rust_embed::Embed)]
#[folder = "../../frontend/dist/"]
#[allow_missing = true]
struct Dist;

/// Where the web app's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebApp {
    /// The files the binary carries.
    Embedded,
    /// A directory (the `web_dir` setting), read on every request: for development.
    Dir(PathBuf),
}

impl std::fmt::Display for WebApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebApp::Embedded => f.write_str("embedded"),
            WebApp::Dir(dir) => write!(f, "{}", dir.display()),
        }
    }
}

/// One file and the SHA-256 of its bytes.
struct Asset {
    data: Cow<'static, [u8]>,
    sha256: [u8; 32],
}

impl WebApp {
    /// Whether there is a web app to serve (an `index.html`).
    pub fn is_built(&self) -> bool {
        match self {
            WebApp::Embedded => Dist::get("index.html").is_some(),
            WebApp::Dir(dir) => dir.join("index.html").is_file(),
        }
    }

    /// The file at `path`, a relative path that [`is_safe`] accepted.
    async fn read(&self, path: &str) -> Option<Asset> {
        match self {
            WebApp::Embedded => {
                let file = if cfg!(debug_assertions) {
                    // A debug build reads the file from disk: off the runtime's threads.
                    let path = path.to_owned();
                    tokio::task::spawn_blocking(move || Dist::get(&path))
                        .await
                        .ok()
                        .flatten()
                } else {
                    Dist::get(path)
                }?;
                Some(Asset {
                    sha256: file.metadata.sha256_hash(),
                    data: file.data,
                })
            }
            WebApp::Dir(dir) => {
                let data = tokio::fs::read(dir.join(path)).await.ok()?;
                Some(Asset {
                    sha256: Sha256::digest(&data).into(),
                    data: Cow::Owned(data),
                })
            }
        }
    }
}

/// The web app and the directory its page's look comes from.
struct Site {
    web: WebApp,
    directory: Directory,
}

/// The web app as a service for every path no router claimed: GET and HEAD (others get
/// 405 with `Allow`).
pub fn service(web: WebApp, directory: Directory) -> MethodRouter {
    get(serve)
        .with_state(Arc::new(Site { web, directory }))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
}

async fn serve(State(site): State<Arc<Site>>, uri: Uri, headers: HeaderMap) -> Response {
    let path = match uri.path().trim_start_matches('/') {
        "" => "index.html",
        p => p,
    };
    let accepted = Accepted::from_headers(&headers);
    if path != "index.html"
        && is_safe(path)
        && let Some(res) = respond(&site.web, path, accepted, &headers).await
    {
        return res;
    }
    // The app's page (also for a client-side route, or a file that is not there).
    match site.web.read("index.html").await {
        Some(page) => page_for_host(&site.directory, &page, uri.path(), &headers).await,
        None => not_built(),
    }
}

/// `index.html` with the look of the host it is asked for, at `path`.
async fn page_for_host(
    directory: &Directory,
    page: &Asset,
    path: &str,
    request: &HeaderMap,
) -> Response {
    let host = request
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let branding = match directory.branding_for_host(host).await {
        Ok(b) => b,
        Err(e) => {
            // The page must load even when its look cannot be read.
            tracing::warn!(error = %e, "the look of a page could not be read");
            EffectiveBranding::default()
        }
    };
    let admin = path == "/admin" || path.starts_with("/admin/");
    let body = branded(&String::from_utf8_lossy(&page.data), &branding, admin);
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(body.as_bytes())[..12])
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_REVALIDATE),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex in quotes"),
    );
    if matches_etag(request, &etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type("index.html")),
    );
    (headers, body).into_response()
}

/// Text for an HTML attribute value or element; a line break kept in an attribute.
fn escape(text: &str) -> String {
    osprey_core::markup::escape(text).replace('\n', "&#10;")
}

/// The page with its look: the title names the product; the favicon and the look's
/// stylesheet are linked by version (so caches keep them until the look changes); the
/// texts the app shows are `<meta>` elements (`application-name`, `osprey:login-title`,
/// `osprey:login-text`, `osprey:footer`, `osprey:logo`). The custom CSS is linked apart
/// (`#look-custom`), off (`media="not all"`) on the administration pages: a domain's look
/// may not restyle the console that manages it; the app switches it as it moves.
fn branded(page: &str, branding: &EffectiveBranding, admin: bool) -> String {
    let look = &branding.look;
    let version = &branding.version;
    let mut page = page.replacen(
        "<title>Osprey</title>",
        &format!("<title>{}</title>", escape(look.name())),
        1,
    );
    let mut head = format!(
        "<meta name=\"application-name\" content=\"{}\">\n",
        escape(look.name())
    );
    for (name, value) in [
        ("osprey:login-title", &look.login_title),
        ("osprey:login-text", &look.login_text),
        ("osprey:footer", &look.footer),
    ] {
        if let Some(v) = value {
            head.push_str(&format!(
                "<meta name=\"{name}\" content=\"{}\">\n",
                escape(v)
            ));
        }
    }
    if branding.logo_scope.is_some() {
        head.push_str(&format!(
            "<meta name=\"osprey:logo\" content=\"/api/v1/branding/images/logo?v={version}\">\n"
        ));
    }
    if branding.favicon_scope.is_some() {
        // The look's favicon instead of the app's own.
        if let Some(start) = page.find("<link rel=\"icon\"")
            && let Some(len) = page[start..].find('>')
        {
            page.replace_range(start..=start + len, "");
        }
        head.push_str(&format!(
            "<link rel=\"icon\" href=\"/api/v1/branding/images/favicon?v={version}\">\n"
        ));
    }
    if look.accent_color.is_some() || look.header_color.is_some() {
        head.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"/api/v1/branding/style.css?v={version}\">\n"
        ));
    }
    if look.custom_css.is_some() {
        let media = if admin { "not all" } else { "all" };
        head.push_str(&format!(
            "<link id=\"look-custom\" rel=\"stylesheet\" media=\"{media}\" href=\"/api/v1/branding/custom.css?v={version}\">\n"
        ));
    }
    if let Some(at) = page.find("</head>") {
        page.insert_str(at, &head);
    }
    page
}

/// `path` split at `/` has only plain names: no empty, `.` or `..` segment, no `\`.
/// Paths are compared as sent (the web app's file names need no percent-encoding).
fn is_safe(path: &str) -> bool {
    path.split('/')
        .all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains('\\'))
}

/// The file at `path` in the best variant the client accepts, or `None` if there is no
/// such file.
async fn respond(
    web: &WebApp,
    path: &str,
    accepted: Accepted,
    request: &HeaderMap,
) -> Option<Response> {
    let mut chosen = None;
    for (encoding, suffix, wanted) in [("br", ".br", accepted.br), ("gzip", ".gz", accepted.gzip)] {
        if wanted && let Some(asset) = web.read(&format!("{path}{suffix}")).await {
            chosen = Some((Some(encoding), asset));
            break;
        }
    }
    let (encoding, asset) = match chosen {
        Some(found) => found,
        None => (None, web.read(path).await?),
    };

    let etag = format!("\"{}\"", hex::encode(&asset.sha256[..12]));
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if has_content_hash(path) {
            CACHE_IMMUTABLE
        } else {
            CACHE_REVALIDATE
        }),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex in quotes"),
    );
    if matches_etag(request, &etag) {
        return Some((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(asset.data.len()));
    let body = match asset.data {
        Cow::Borrowed(bytes) => Body::from(Bytes::from_static(bytes)),
        Cow::Owned(bytes) => Body::from(bytes),
    };
    Some((headers, body).into_response())
}

/// The content codings the client accepts, from `Accept-Encoding` (RFC 9110 §12.5.3):
/// a coding counts when listed, or covered by `*`, with a non-zero `q`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Accepted {
    br: bool,
    gzip: bool,
}

impl Accepted {
    fn from_headers(headers: &HeaderMap) -> Accepted {
        let (mut br, mut gzip, mut any) = (None, None, None);
        let items = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','));
        for item in items {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("q").then(|| v.trim())
                })
                .next()
                .map_or(1.0, |v| v.parse::<f32>().unwrap_or(0.0));
            let ok = q > 0.0;
            match coding.as_str() {
                "br" => br = Some(ok),
                "gzip" | "x-gzip" => gzip = Some(ok),
                "*" => any = Some(ok),
                _ => {}
            }
        }
        Accepted {
            br: br.or(any).unwrap_or(false),
            gzip: gzip.or(any).unwrap_or(false),
        }
    }
}

/// Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 §13.1.2) or is `*`.
fn matches_etag(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

/// Whether the file name carries a content hash: `-`, [`NAME_HASH_DIGITS`] lowercase hex
/// digits, then `.` or `_`.
fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).as_bytes();
    name.iter().enumerate().any(|(i, &b)| {
        let digits = i + 1..i + 1 + NAME_HASH_DIGITS;
        b == b'-'
            && name.get(digits.clone()).is_some_and(|d| {
                d.iter()
                    .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            })
            && matches!(name.get(digits.end), Some(b'.' | b'_'))
    })
}

/// The content type of a file by its extension.
fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

fn not_built() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CACHE_CONTROL, CACHE_REVALIDATE)],
        Html(
            "<!doctype html><title>Osprey</title><h1>Osprey</h1>\
             <p>This server has no web app: it was built before the web app was. Run \
             <code>cargo xtask build</code> (a release binary carries the web app it was \
             built with), or set <code>web_dir</code>.</p>\
             <p>The API works: see <a href=\"/api/docs\">/api/docs</a>.</p>",
        ),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Accepted {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        Accepted::from_headers(&h)
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        let both = Accepted {
            br: true,
            gzip: true,
        };
        assert_eq!(
            Accepted::from_headers(&HeaderMap::new()),
            Accepted::default()
        );
        assert_eq!(accept("gzip, deflate, br, zstd"), both);
        assert_eq!(
            accept("GZIP"),
            Accepted {
                br: false,
                gzip: true
            }
        );
        assert_eq!(
            accept("br;q=0, gzip;q=0.5"),
            Accepted {
                br: false,
                gzip: true
            }
        );
        assert_eq!(
            accept("br; q=0.000, *"),
            Accepted {
                br: false,
                gzip: true
            }
        );
        assert_eq!(accept("*"), both);
        assert_eq!(accept("*;q=0"), Accepted::default());
        assert_eq!(accept("identity"), Accepted::default());
        assert_eq!(accept("br;q=nonsense"), Accepted::default());
    }

    #[test]
    fn hashed_names_are_recognised() {
        for name in [
            "app-0123456789abcdef.js",
            "app-0123456789abcdef_bg.wasm",
            "assets/style-fedcba9876543210.css",
            "my-app-0123456789abcdef.js",
        ] {
            assert!(has_content_hash(name), "{name}");
        }
        for name in [
            "index.html",
            "app.js",
            "app_bg.wasm",
            "app-0123456789abcde.js",
            "app-0123456789abcdef0.js",
            "app-0123456789ABCDEF.js",
            "app-0123456789abcdef",
            "app-0123456789abcdeg.js",
            "x-0123456789abcdef.d/index.html",
        ] {
            assert!(!has_content_hash(name), "{name}");
        }
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(
            content_type("app-0123456789abcdef_bg.wasm"),
            "application/wasm"
        );
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a/b.JS"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn only_plain_relative_paths_are_looked_up() {
        assert!(is_safe("index.html"));
        assert!(is_safe("assets/app.js"));
        for path in [
            "",
            "../etc/passwd",
            "a/../b",
            "./a",
            "a//b",
            "a/",
            "a\\..\\b",
        ] {
            assert!(!is_safe(path), "{path}");
        }
    }
}
