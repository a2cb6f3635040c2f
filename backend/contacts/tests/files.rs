//! Cards and `.vcf` files, with what RFC 6350 says about them.

use osprey_contacts::{Card, ContactsError, Labeled};

fn card(name: &str, email: &str) -> Card {
    Card {
        full_name: name.into(),
        emails: vec![Labeled {
            label: "work".into(),
            value: email.into(),
        }],
        ..Card::default()
    }
}

#[test]
fn a_card_needs_a_name_and_gets_one_from_its_other_fields() {
    // RFC 6350 §6.2.1: "FN ... Cardinality: 1*" — every card has a formatted name, so
    // one is made from the names, the organisation or the address.
    let made = Card {
        given_name: " Ada ".into(),
        family_name: "Lovelace".into(),
        ..Card::default()
    }
    .normalized()
    .unwrap();
    assert_eq!(made.full_name, "Ada Lovelace");
    let from_mail = card("", "bob@example.com").normalized().unwrap();
    assert_eq!(from_mail.full_name, "bob@example.com");
    match Card::default().normalized() {
        Err(ContactsError::Invalid { field, .. }) => assert_eq!(field, "full_name"),
        other => panic!("an empty card was accepted: {other:?}"),
    }
}

#[test]
fn bad_fields_are_named() {
    let cases: Vec<(Card, &str)> = vec![
        (card("Bob", "not an address"), "emails[0]"),
        (
            Card {
                birthday: Some("1980-02-30".into()),
                ..card("Bob", "bob@example.com")
            },
            "birthday",
        ),
        (
            Card {
                photo: Some("javascript:alert(1)".into()),
                ..card("Bob", "bob@example.com")
            },
            "photo",
        ),
        (card(&"x".repeat(256), "bob@example.com"), "full_name"),
    ];
    for (c, want) in cases {
        match c.clone().normalized() {
            Err(ContactsError::Invalid { field, .. }) => assert_eq!(field, want, "{c:?}"),
            other => panic!("{c:?} gave {other:?}"),
        }
    }
}

#[test]
fn a_card_survives_vcard_and_keeps_what_it_does_not_show() {
    let c = Card {
        full_name: "Ada Lovelace".into(),
        given_name: "Ada".into(),
        family_name: "Lovelace".into(),
        emails: vec![
            Labeled {
                label: "home".into(),
                value: "ada@example.org".into(),
            },
            Labeled {
                label: String::new(),
                value: "ada@work.example".into(),
            },
        ],
        phones: vec![Labeled {
            label: "cell".into(),
            value: "+44 20 7946 0000".into(),
        }],
        organization: "Analytical Engines".into(),
        title: "Programmer".into(),
        addresses: vec![osprey_contacts::PostalAddress {
            label: "work".into(),
            street: "12 St James's Square".into(),
            locality: "London".into(),
            region: String::new(),
            postal_code: "SW1Y 4JH".into(),
            country: "UK".into(),
        }],
        birthday: Some("1815-12-10".into()),
        notes: "Line one\nline two; with, punctuation".into(),
        photo: Some("data:image/png;base64,iVBORw0KGgo=".into()),
    }
    .normalized()
    .unwrap();
    let base = calcard::vcard::VCard::parse(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Old\r\nX-CUSTOM:kept\r\nNICKNAME:Countess\r\nEND:VCARD\r\n",
    )
    .unwrap();
    let text = c.to_vcard(&base, "urn:uuid:1").to_string();
    assert!(text.contains("X-CUSTOM:kept"), "{text}");
    assert!(text.contains("NICKNAME:Countess"), "{text}");
    assert!(!text.contains("FN:Old"), "{text}");
    let back = Card::from_vcard(&calcard::vcard::VCard::parse(&text).unwrap());
    assert_eq!(back, c, "{text}");
}
