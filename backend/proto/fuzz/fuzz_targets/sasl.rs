//! Any bytes as SASL messages: PLAIN decoding and a SCRAM-SHA-256 exchange with fixed
//! keys must never panic. The input is split at the first 0xFF byte (never part of valid
//! UTF-8) into client-first and client-final.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use osprey_proto::sasl::{ScramKeys, ScramServer, decode_base64, decode_plain};

fn keys() -> &'static ScramKeys {
    static KEYS: OnceLock<ScramKeys> = OnceLock::new();
    // One iteration keeps the target fast; the code path is the same.
    KEYS.get_or_init(|| ScramKeys::derive("pencil", b"fuzz salt", 1))
}

fuzz_target!(|data: &[u8]| {
    let _ = decode_plain(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_base64(text);
        let _ = ScramKeys::parse(text);
    }

    let (first, last) = match data.iter().position(|&b| b == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    if let Ok((mut server, _)) = ScramServer::start(first, "fuzznonce") {
        let _ = server.server_first(keys());
        let _ = server.finish(last);
    }
});
