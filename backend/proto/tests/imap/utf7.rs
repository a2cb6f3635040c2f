//! Modified UTF-7 mailbox names, RFC 3501 §5.1.3.

use osprey_proto::imap::utf7::{decode, encode};
use proptest::prelude::*;

#[test]
fn known_names() {
    let cases = [
        ("INBOX", "INBOX"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("a&b", "a&-b"),
        ("&", "&-"),
        ("😀", "&2D3eAA-"),
    ];
    for (plain, wire) in cases {
        assert_eq!(encode(plain), wire);
        assert_eq!(decode(wire).as_deref(), Some(plain), "{wire}");
    }
}

#[test]
fn refuses_non_canonical() {
    for bad in [
        "&", "&U,BTFw", "&AGE-", "&&-", "&U,BTF-", "a\u{e9}", "&2D0-", "\t",
    ] {
        assert_eq!(decode(bad), None, "{bad:?}");
    }
}

proptest! {
    #[test]
    fn round_trip(s in "\\PC*") {
        let wire = encode(&s);
        prop_assert!(wire.bytes().all(|b| (0x20..0x7f).contains(&b)));
        prop_assert_eq!(decode(&wire), Some(s));
    }
}
