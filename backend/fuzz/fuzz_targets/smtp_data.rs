//! Any bytes as the lines of a DATA body: the reader must not panic, never keep more
//! than its limit, and give back exactly the lines sent with one leading dot removed
//! from each (RFC 5321 §4.5.2), each ended by CRLF.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osprey_smtp::wire::{DataError, DataReader};

fuzz_target!(|data: &[u8]| {
    let max = 4096;
    let mut reader = DataReader::new(max);
    let mut expected = Vec::new();
    let mut ended = false;
    for line in data.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > 1000 {
            reader.line_too_long();
            continue;
        }
        if reader.line(line) {
            ended = true;
            break;
        }
        expected.extend_from_slice(line.strip_prefix(b".").unwrap_or(line));
        expected.extend_from_slice(b"\r\n");
    }
    let _ = ended;
    match reader.finish() {
        Ok(body) => {
            assert!(body.len() <= max);
            assert_eq!(body, expected);
        }
        Err(DataError::TooBig) => assert!(expected.len() > max),
        Err(DataError::LineTooLong) => {}
    }
});
