//! Any bytes as a message: the full-text extractor (encoded words, text parts decoded
//! to UTF-8, HTML reduced to text) must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = osprey_mail::extract_text(data);
});
