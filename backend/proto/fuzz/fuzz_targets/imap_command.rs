//! Any bytes, read as a session would: lines and literals through the framer, every
//! complete command to the parser. Nothing may panic, and every command that parses
//! must survive a round trip through the encoder unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osprey_proto::imap::{
    Frame, Framer, Limits, encode_command, parse_command, parse_command_with,
};

fuzz_target!(|data: &[u8]| {
    // Small limits, so the limit paths are reached too.
    let limits = Limits {
        max_line: 512,
        max_command: 2048,
        max_literal: 1024,
        max_append_literal: 1024,
        max_append_total: 1536,
        max_nonsync_literal: 256,
        max_depth: 8,
    };
    let mut framer = Framer::new(limits.clone());
    let mut rest = data;
    while !rest.is_empty() {
        if framer.literal_remaining() > 0 {
            let want = usize::try_from(framer.literal_remaining()).unwrap_or(usize::MAX);
            let (chunk, after) = rest.split_at(want.min(rest.len()));
            assert!(framer.push_literal(chunk).is_ok());
            rest = after;
            continue;
        }
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let (line, after) = rest.split_at(end);
        rest = after;
        let Ok(Frame::Command(command)) = framer.push_line(line) else {
            continue;
        };
        if let Ok(parsed) = parse_command_with(&command, &limits) {
            let encoded = encode_command(&parsed);
            assert_eq!(parse_command(&encoded), Ok(parsed));
        }
    }
    // The whole input as one assembled command, too.
    if let Ok(parsed) = parse_command(data) {
        assert_eq!(parse_command(&encode_command(&parsed)), Ok(parsed));
    }
});
