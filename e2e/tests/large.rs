//! A message with a 100 MB attachment opens in the web API (its text and its attachment
//! list, the attachment's size as it is) and the attachment downloads decoded, without
//! the server holding it: its resident memory grows by less than 20 MiB while it opens
//! and streams the message.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Server, osprey, osprey_with_input};

const USER: &str = "big@large.e2e.example";
const PASSWORD: &str = "Heavy-Parcel-42z";
/// The attachment's size, decoded.
const SIZE: usize = 100 * 1024 * 1024;

/// The attachment's octet at `i`: a pattern the download is checked against.
fn octet(i: usize) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

/// A field of `/proc/<pid>/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

fn message() -> Vec<u8> {
    use base64::Engine;
    let data: Vec<u8> = (0..SIZE).map(octet).collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
    drop(data);
    let mut m = b"From: Far <far@remote.example>\r\nTo: big@large.e2e.example\r\n\
        Subject: The archive\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\r\nHere is the whole archive.\r\n--b1\r\n\
        Content-Type: application/octet-stream; name=\"archive.bin\"\r\n\
        Content-Disposition: attachment; filename=\"archive.bin\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\n"
        .to_vec();
    for line in encoded.as_bytes().chunks(76) {
        m.extend_from_slice(line);
        m.extend_from_slice(b"\r\n");
    }
    m.extend_from_slice(b"--b1--\r\n");
    m
}

#[tokio::test]
async fn a_100_mb_attachment_opens_and_downloads_in_bounded_memory() {
    let s = Server::start(false).await;
    for a in [
        vec!["domain", "add", "large.e2e.example"],
        vec!["user", "add", USER, "--password", PASSWORD],
    ] {
        let out = osprey(&s.db, &a);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Larger than a delivery takes by default: an import of old mail.
    let out = osprey_with_input(
        &s.db,
        &["deliver", "--to", USER, "--max-size", "200000000"],
        &message(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The text indexer reads new mail in the background: let it finish first.
    let store = s.db.store().await;
    for _ in 0..600 {
        if store.text_index().text_queue_len().await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(store.text_index().text_queue_len().await.unwrap(), 0);

    let c = reqwest::Client::new();
    let token = crate::api::login(&c, &s.url, USER, PASSWORD).await;
    let list = crate::api::inbox_items(&c, &s.url, &token).await;
    let id = list[0]["id"].as_str().unwrap().to_owned();

    // From here on, the server's peak memory is measured from where it is now.
    let pid = s.pid().unwrap();
    let before = status_kib(pid, "VmRSS:");
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").unwrap();

    let started = std::time::Instant::now();
    let (status, read) =
        crate::api::get(&c, &s.url, &token, &format!("/api/v1/messages/{id}")).await;
    let opened = started.elapsed();
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["text"], "Here is the whole archive.");
    assert_eq!(read["attachments"][0]["name"], "archive.bin");
    assert_eq!(read["attachments"][0]["size"], SIZE as u64);

    let (status, link) = crate::api::post(
        &c,
        &s.url,
        &token,
        &format!("/api/v1/messages/{id}/download"),
        json!({"attachment": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{link}");
    let mut r = c
        .get(format!("{}{}", s.url, link["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"archive.bin\""
    );
    let mut at = 0usize;
    while let Some(piece) = r.chunk().await.unwrap() {
        for (k, b) in piece.iter().enumerate() {
            assert_eq!(*b, octet(at + k), "octet {}", at + k);
        }
        at += piece.len();
    }
    assert_eq!(at, SIZE, "the whole attachment, decoded");
    let peak = status_kib(pid, "VmHWM:");
    println!(
        "large message: opened in {} ms; server memory {before} KiB before, peak {peak} KiB \
         while opening it and streaming its 100 MiB attachment",
        opened.as_millis()
    );
    assert!(
        peak.saturating_sub(before) < 20 * 1024,
        "the server grew by {} KiB",
        peak - before
    );
}
