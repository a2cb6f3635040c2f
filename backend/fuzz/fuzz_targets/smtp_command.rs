//! Any command line: the SMTP command parser (smtp-proto and the cases Osprey reads
//! itself) must not panic; an address it accepts holds no line break, and a refusal is
//! a 4xx/5xx reply that writes out as whole lines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osprey_smtp::wire::{declared_size, parse_command};
use smtp_proto::Request;

fuzz_target!(|line: &[u8]| {
    let _ = declared_size(line);
    match parse_command(line, 10 * 1024 * 1024) {
        Ok(Request::Rcpt { to }) => assert!(!to.address.contains(['\r', '\n'])),
        Ok(Request::Mail { from }) => assert!(!from.address.contains(['\r', '\n'])),
        Ok(_) => {}
        Err(reply) => {
            assert!((400..600).contains(&reply.code));
            let bytes = reply.to_bytes();
            assert!(bytes.ends_with(b"\r\n"));
            assert!(!bytes.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
        }
    }
});
