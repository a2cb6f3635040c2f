//! Any bytes: `parse_command` must not panic, and `write_multiline` must produce a body
//! that ends with the terminator and never contains a lone "." line before it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osprey_proto::pop3::{octet_count, parse_command, write_multiline};

fuzz_target!(|data: &[u8]| {
    let _ = parse_command(data);

    let mut out = Vec::new();
    write_multiline(&mut out, data, None);
    assert!(out.ends_with(b".\r\n"));
    let body = &out[..out.len() - 3];
    assert!(!body.starts_with(b".\r\n") && !body.windows(5).any(|w| w == b"\r\n.\r\n"));
    // Normalised size, plus at most a final CRLF and the stuffed dots.
    assert!(body.len() as u64 >= octet_count(data));

    let lines = data.first().map_or(0, |&b| u32::from(b % 8));
    let mut top = Vec::new();
    write_multiline(&mut top, data, Some(lines));
    assert!(out.starts_with(&top[..top.len() - 3]));
});
