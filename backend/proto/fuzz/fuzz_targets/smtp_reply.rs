//! Any bytes: the SMTP reply parser must not panic, and a reply it reads must write out
//! as lines that parse back to the same reply.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osprey_proto::smtp::{ReplyParser, parse_reply};

fuzz_target!(|data: &[u8]| {
    if let Ok(reply) = parse_reply(data) {
        assert!((200..600).contains(&reply.code));
        // Text read from the wire has no CR or LF inside a line, so it survives writing.
        if !reply.text.contains('\r') {
            assert_eq!(parse_reply(&reply.to_bytes()).as_ref(), Ok(&reply));
        }
    }
    let mut parser = ReplyParser::new(4);
    for line in data.split(|&b| b == b'\n') {
        let _ = parser.push(line);
    }
});
