//! Any bytes as a stored message: the MIME module (CRLF normalisation, the header end,
//! the parsed tree with every part's ranges and transfer decoding, nested messages, the
//! envelope fields, the base subject) must not panic, and every range it reports lies
//! inside the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use osprey_mail::message::{
    Contents, MessageTree, ParsedMessage, Part, base_subject, decode_transfer, header_end,
    normalize_crlf,
};

fn check_range(range: &std::ops::Range<usize>, len: usize) {
    assert!(range.start <= range.end && range.end <= len, "{range:?} in {len}");
}

fn walk_tree(message: &ParsedMessage<'_>, tree: &MessageTree, depth: usize) {
    let len = message.raw().len();
    check_range(&tree.header, len);
    check_range(&tree.body, len);
    if let Some(subject) = &tree.envelope.subject {
        let _ = base_subject(subject);
    }
    if let Some(root) = &tree.root {
        walk_part(message, root, depth);
    }
}

fn walk_part(message: &ParsedMessage<'_>, part: &Part, depth: usize) {
    assert!(depth < 1000, "the tree is bounded");
    let len = message.raw().len();
    check_range(&part.header, len);
    check_range(&part.body, len);
    let _ = decode_transfer(part.transfer_encoding.as_deref(), message.bytes(&part.body));
    match &part.contents {
        Contents::Multipart(children) => {
            for child in children {
                walk_part(message, child, depth + 1);
            }
        }
        Contents::Message(inner) => walk_tree(message, inner, depth + 1),
        Contents::Single => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let normal = normalize_crlf(data);
    assert!(
        !normal
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'\n' && (i == 0 || normal[i - 1] != b'\r')),
        "every LF follows a CR"
    );
    let _ = header_end(&normal);
    let message = ParsedMessage::parse(&normal);
    let _ = message.envelope();
    walk_tree(&message, message.tree(), 0);
});
