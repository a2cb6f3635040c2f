//! The web app as the binary serves it without `web_dir` (the files it carries: embedded
//! in a release build, read from `frontend/dist` by a debug build): hashed asset names,
//! the variants compressed at build time, content types, cache headers, and `index.html`
//! for client routes.

use std::{io::Read, path::Path};

use reqwest::header::{self, HeaderMap};

use crate::support::*;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn decode(body: &[u8], encoding: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        None => out.extend_from_slice(body),
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .expect("a gzip body");
        }
        Some("br") => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .expect("a brotli body");
        }
        Some(other) => panic!("unexpected content coding {other}"),
    }
    out
}

fn header(h: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    h.get(name).map(|v| v.to_str().unwrap())
}

/// Whether `name` is `<stem>-<16 hex digits>` followed by `.` or `_`.
fn is_hashed(name: &str) -> bool {
    name.split_once('-').is_some_and(|(_, rest)| {
        rest.len() > 16
            && rest[..16]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && matches!(rest.as_bytes()[16], b'.' | b'_')
    })
}

/// The local paths `index.html` loads (`href="/..."`, `src="/..."`).
fn referenced(index: &str) -> Vec<String> {
    let mut names = Vec::new();
    for attr in ["href=\"/", "src=\"/"] {
        let mut rest = index;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            names.push(rest[..end].to_owned());
        }
    }
    names
}

/// GETs `path` with `Accept-Encoding: encoding` (none if `None`), checks the coding of the
/// answer (the one asked for, or none when `as_made`: the page the server writes per
/// host is small and sent as it is made) and returns its headers and decoded body.
async fn fetch(
    c: &reqwest::Client,
    url: &str,
    path: &str,
    encoding: Option<&str>,
    as_made: bool,
) -> (HeaderMap, Vec<u8>) {
    let encoding_sent = if as_made { None } else { encoding };
    let mut req = c.get(format!("{url}/{path}"));
    if let Some(e) = encoding {
        req = req.header(header::ACCEPT_ENCODING, e);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 200, "/{path} ({encoding:?})");
    let headers = r.headers().clone();
    assert_eq!(
        header(&headers, header::CONTENT_ENCODING),
        encoding_sent,
        "/{path}: the variant asked for"
    );
    assert_eq!(
        header(&headers, header::VARY),
        Some("accept-encoding"),
        "/{path}"
    );
    let body = r.bytes().await.unwrap();
    (headers, decode(&body, encoding_sent))
}

#[tokio::test]
async fn the_binary_serves_its_web_app_compressed_and_cached() {
    let dist = repo_root().join("frontend/dist");
    assert!(
        dist.join("index.html").is_file(),
        "the web app is not built: run `cargo xtask build` (or `cargo xtask test`) first"
    );
    let read = |name: &str| std::fs::read(dist.join(name)).unwrap();
    let index = read("index.html");
    let index_text = String::from_utf8(index.clone()).unwrap();

    // The web app's assets: named after their content, the wasm loaded by the script.
    let mut assets = referenced(&index_text);
    assert!(
        assets
            .iter()
            .any(|a| a.starts_with("app-") && a.ends_with(".js")),
        "{assets:?}"
    );
    let wasm = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with("app-") && n.ends_with("_bg.wasm"))
        .expect("the app's wasm file in frontend/dist");
    let app_js = assets.iter().find(|a| a.starts_with("app-")).unwrap();
    assert!(
        String::from_utf8(read(app_js)).unwrap().contains(&wasm),
        "{app_js} loads {wasm}"
    );
    assets.push(wasm.clone());
    // The full app (rules, administration): started by boot.js, its wasm loaded by its
    // script.
    let names: Vec<String> = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let boot = assets.iter().find(|a| a.starts_with("boot-")).unwrap();
    let full_js = names
        .iter()
        .find(|n| n.starts_with("full-") && n.ends_with(".js"))
        .expect("the full app's script");
    let full_wasm = names
        .iter()
        .find(|n| n.starts_with("full-") && n.ends_with("_bg.wasm"))
        .expect("the full app's wasm");
    assert!(
        String::from_utf8(read(boot))
            .unwrap()
            .contains(full_js.as_str())
    );
    assert!(
        String::from_utf8(read(full_js))
            .unwrap()
            .contains(full_wasm.as_str())
    );
    assets.push(full_js.clone());
    assets.push(full_wasm.clone());
    for name in &assets {
        assert!(is_hashed(name), "{name} carries its content's hash");
        assert!(
            Path::new(&format!("{}.br", dist.join(name).display())).is_file()
                && Path::new(&format!("{}.gz", dist.join(name).display())).is_file(),
            "{name} is compressed at build time"
        );
    }

    let s = Server::start(false).await;
    let c = reqwest::Client::new();
    // The page as the server writes it for a host without a look of its own: the
    // product's name for the app to read, nothing else added.
    let page = index_text
        .replacen(
            "</head>",
            "<meta name=\"application-name\" content=\"Osprey\">\n</head>",
            1,
        )
        .into_bytes();
    for encoding in [None, Some("gzip"), Some("br")] {
        for path in ["", "admin/domains", "admin/domains/example.com"] {
            let (r, body) = fetch(&c, &s.url, path, encoding, true).await;
            assert!(body == page, "/{path} ({encoding:?}) is index.html");
            assert_eq!(
                header(&r, header::CONTENT_TYPE),
                Some("text/html; charset=utf-8")
            );
            assert_eq!(header(&r, header::CACHE_CONTROL), Some("no-cache"));
            assert!(
                header(&r, header::CONTENT_SECURITY_POLICY)
                    .is_some_and(|csp| csp.contains("'wasm-unsafe-eval'")),
                "/{path}"
            );
            assert_eq!(header(&r, header::X_CONTENT_TYPE_OPTIONS), Some("nosniff"));
        }
        for name in &assets {
            let (r, body) = fetch(&c, &s.url, name, encoding, false).await;
            assert!(
                body == read(name),
                "{name} ({encoding:?}) decodes to the file"
            );
            assert_eq!(header(&r, header::CACHE_CONTROL), Some(IMMUTABLE), "{name}");
            let expected = match name.rsplit('.').next().unwrap() {
                "wasm" => "application/wasm",
                "js" => "text/javascript; charset=utf-8",
                "css" => "text/css; charset=utf-8",
                other => panic!("unexpected asset type {other}"),
            };
            assert_eq!(header(&r, header::CONTENT_TYPE), Some(expected), "{name}");
        }
    }

    // What the wasm weighs on the wire.
    let wasm_size = |suffix: &str| {
        std::fs::metadata(dist.join(format!("{wasm}{suffix}")))
            .unwrap()
            .len()
    };
    let (raw, gz, br) = (wasm_size(""), wasm_size(".gz"), wasm_size(".br"));
    println!("{wasm}: {raw} bytes, {gz} gzip, {br} brotli");
    assert!(br < gz && gz < raw, "{raw} {gz} {br}");
}
