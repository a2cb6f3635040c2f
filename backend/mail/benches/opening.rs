//! Opening a message for reading (`StoredMessage::load` and `read`), as the web API does,
//! with an attachment of `OPENING_BENCH_MB` MiB (10 by default): a message above 4 MiB
//! is read as its skeleton, its large attachment passed over, never held; the whole
//! message read and parsed, as before, for comparison. 30 runs each; figures per open.
//!
//! `cargo bench -p osprey-mail --bench opening`

mod support;

use std::time::Instant;

use base64::{Engine, engine::general_purpose::STANDARD};
use osprey_mail::reading::{self, ReadOptions};
use osprey_mail::stored::StoredMessage;
use osprey_store::blob::{BlobStore, FsBlobStore};
use support::report;

fn message(size: usize) -> Vec<u8> {
    let data: Vec<u8> = (0..size).map(|i| (i * 131 % 251) as u8).collect();
    let mut m = b"From: Ann <ann@example.com>\r\nTo: bob@example.com\r\nSubject: Figures\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\r\nThe figures are attached.\r\n--b\r\n\
        Content-Type: application/pdf; name=\"figures.pdf\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\n"
        .to_vec();
    for line in STANDARD.encode(&data).as_bytes().chunks(76) {
        m.extend_from_slice(line);
        m.extend_from_slice(b"\r\n");
    }
    m.extend_from_slice(b"--b--\r\n");
    m
}

fn main() {
    support::block_on(run());
}

async fn run() {
    let mb: usize = std::env::var("OPENING_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let dir = tempfile::tempdir().expect("a directory");
    let blobs = FsBlobStore::open(dir.path()).expect("a blob store");
    let raw = message(mb * 1024 * 1024);
    println!("opening bench: a message of {} bytes", raw.len());
    let hash = blobs.put(raw).await.expect("stored");
    let mut skeleton = Vec::new();
    let mut whole = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let stored = StoredMessage::load(&blobs, &hash).await.expect("loaded");
        let r = stored.read(ReadOptions::default());
        skeleton.push(t.elapsed());
        assert_eq!(r.attachments[0].size, (mb * 1024 * 1024) as u64);
        let t = Instant::now();
        let bytes = BlobStore::get(&blobs, &hash).await.expect("read");
        let r = reading::read_with(&bytes, ReadOptions::default());
        whole.push(t.elapsed());
        assert_eq!(r.attachments.len(), 1);
    }
    report("skeleton (the attachment passed over)", skeleton);
    report("whole message read and parsed", whole);
}
