//! HTML mail through the sanitiser: an XSS corpus of which nothing may survive, and the
//! formatting, inline images and links that must.

use std::collections::HashMap;

use osprey_mail::html::sanitize;
use osprey_mail::reading::{ReadOptions, read_with};

/// Vectors from the usual filter-evasion lists, one per line: each tries to run script,
/// load a frame, change where the page goes, or post a form. The browser test sends the
/// same file as a message and watches for any sign of execution.
const XSS: &str = include_str!("xss_corpus.html");

/// What no sanitised output may contain (lower-cased).
const FORBIDDEN: &[&str] = &[
    "<script",
    "javascript:",
    "vbscript:",
    "onerror",
    "onload",
    "onclick",
    "onfocus",
    "ontoggle",
    "onstart",
    "<iframe",
    "srcdoc",
    "<object",
    "<embed",
    "<svg",
    "<math",
    "<style",
    "<link",
    "<meta",
    "<base",
    "<form",
    "<input",
    "formaction",
    "<frame",
    "expression(",
    "behavior",
    "@import",
    "data:text",
    "evil.example",
];

#[test]
fn no_vector_of_the_xss_corpus_survives() {
    let vectors: Vec<&str> = XSS.lines().filter(|l| !l.is_empty()).collect();
    assert!(vectors.len() >= 30);
    for v in &vectors {
        let out = sanitize(v, HashMap::new(), false).html.to_lowercase();
        for bad in FORBIDDEN {
            assert!(!out.contains(bad), "{v:?} left {bad:?} in {out:?}");
        }
    }
    // All of them at once, as one message's HTML part.
    let out = sanitize(XSS, HashMap::new(), false).html.to_lowercase();
    for bad in FORBIDDEN {
        assert!(!out.contains(bad), "the whole corpus left {bad:?}");
    }
}

#[test]
fn formatting_links_and_images_are_kept_as_the_reader_chose() {
    let html = r##"<table width="600" bgcolor="#eeeeee"><tr><td style="color: #c00; position: fixed; font-weight: bold; background: url(https://t.example/p.gif)">Hi <font color="blue">there</font></td></tr></table>
<a href="https://example.org/doc">doc</a> <img src="https://t.example/pixel.gif" width=1> <img src="cid:logo@x" alt="logo">"##;
    let cid = HashMap::from([(
        "logo@x".to_owned(),
        "data:image/png;base64,iVBORw0KGgo=".to_owned(),
    )]);
    let safe = sanitize(html, cid.clone(), false);
    let out = &safe.html;
    assert!(
        out.contains(r##"<table width="600" bgcolor="#eeeeee">"##),
        "{out}"
    );
    assert!(
        out.contains("color:#c00") || out.contains("color: #c00"),
        "{out}"
    );
    assert!(out.contains("font-weight"), "{out}");
    assert!(
        !out.contains("position"),
        "positioning is not formatting: {out}"
    );
    assert!(out.contains(r#"<font color="blue">"#), "{out}");
    assert!(out.contains(r#"href="https://example.org/doc""#), "{out}");
    assert!(
        out.contains(r#"rel="noopener noreferrer nofollow""#),
        "{out}"
    );
    assert!(
        !out.contains("t.example"),
        "no remote load unless asked: {out}"
    );
    assert!(
        out.contains(r#"src="data:image/png;base64,iVBORw0KGgo=""#),
        "{out}"
    );
    // The pixel and the background image.
    assert_eq!(safe.blocked_images, 2);
    let shown = sanitize(html, cid, true);
    assert!(
        shown.html.contains(r#"src="https://t.example/pixel.gif""#),
        "{}",
        shown.html
    );
    assert_eq!(shown.blocked_images, 0);
}

#[test]
fn the_reader_serves_a_messages_cid_image_from_the_message() {
    let raw = "From: a@example.com\r\nSubject: logo\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/related; boundary=b\r\n\r\n\
        --b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
        <p>Hello <img src=\"cid:Logo@Here\"><script>alert(1)</script></p>\r\n\
        --b\r\nContent-Type: image/png\r\nContent-ID: <Logo@Here>\r\nContent-Transfer-Encoding: base64\r\n\r\n\
        iVBORw0KGgo=\r\n--b--\r\n";
    let r = read_with(
        raw.as_bytes(),
        ReadOptions {
            html: true,
            remote_images: false,
        },
    );
    assert!(r.has_html);
    let html = r.html.expect("the HTML part").html;
    assert!(
        html.contains(r#"<img src="data:image/png;base64,iVBORw0KGgo=">"#),
        "{html}"
    );
    assert!(!html.contains("script"), "{html}");
    // A plain-text message has no HTML part.
    let plain = read_with(
        b"Subject: t\r\n\r\nhello\r\n",
        ReadOptions {
            html: true,
            remote_images: false,
        },
    );
    assert!(!plain.has_html);
    assert!(plain.html.is_none());
}
