//! The address book service over a real store.

use osprey_contacts::{AddressBook, Card, ContactsError, Labeled, SuggestionKind, VcfVersion};
use osprey_store::{
    ListQuery, Store,
    testing::{self, TestDb},
};

async fn accounts(store: &Store) -> (String, String) {
    (
        testing::user(store, "ann@book.example").await.id,
        testing::user(store, "bob@book.example").await.id,
    )
}

fn card(name: &str, emails: &[&str]) -> Card {
    Card {
        full_name: name.into(),
        emails: emails
            .iter()
            .map(|e| Labeled {
                label: String::new(),
                value: (*e).into(),
            })
            .collect(),
        ..Card::default()
    }
}

#[tokio::test]
async fn contacts_belong_to_their_account() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (ann, bob) = accounts(&store).await;
    let book = AddressBook::new(store.clone());
    let c = book
        .create(&ann, card("Carol Danvers", &["Carol@Example.com"]))
        .await
        .unwrap();
    assert!(c.uid.starts_with("urn:uuid:"));
    assert!(matches!(
        book.get(&bob, &c.id).await,
        Err(ContactsError::NotFound)
    ));
    assert!(matches!(
        book.update(&bob, &c.id, card("X", &[])).await,
        Err(ContactsError::NotFound)
    ));
    assert!(matches!(
        book.delete(&bob, &c.id).await,
        Err(ContactsError::NotFound)
    ));
    // The address book answers for the sender, ignoring case, and only for its owner.
    assert!(
        book.knows_any(&ann, &["carol@example.COM".into()])
            .await
            .unwrap()
    );
    assert!(
        !book
            .knows_any(&bob, &["carol@example.com".into()])
            .await
            .unwrap()
    );
    let changed = book
        .update(&ann, &c.id, card("Carol D.", &["carol@new.example"]))
        .await
        .unwrap();
    assert_eq!(changed.uid, c.uid);
    assert!(
        !book
            .knows_any(&ann, &["carol@example.com".into()])
            .await
            .unwrap()
    );
    assert!(
        book.knows_any(&ann, &["carol@new.example".into()])
            .await
            .unwrap()
    );
    book.delete(&ann, &c.id).await.unwrap();
    assert!(
        !book
            .knows_any(&ann, &["carol@new.example".into()])
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn listing_pages_by_name_and_searches() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (ann, _) = accounts(&store).await;
    let book = AddressBook::new(store.clone());
    for (name, mail) in [
        ("zed", "z@example.com"),
        ("Alice", "alice@example.com"),
        ("bob", "bob@acme.example"),
        ("Alice", "alice2@example.com"),
    ] {
        book.create(&ann, card(name, &[mail])).await.unwrap();
    }
    let mut names = Vec::new();
    let mut query = ListQuery {
        limit: 3,
        ..ListQuery::default()
    };
    loop {
        let page = book.list(&ann, &query).await.unwrap();
        names.extend(page.items.iter().map(|c| c.card.full_name.clone()));
        match page.next_cursor {
            Some(c) => query.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(names, ["Alice", "Alice", "bob", "zed"]);
    let acme = book
        .list(
            &ann,
            &ListQuery {
                q: Some("ACME".into()),
                limit: 10,
                ..ListQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(acme.items.len(), 1);
    assert_eq!(acme.items[0].card.full_name, "bob");
}

#[tokio::test]
async fn suggestions_rank_prefixes_first_and_offer_groups() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (ann, bob) = accounts(&store).await;
    let book = AddressBook::new(store.clone());
    let mara = book
        .create(
            &ann,
            card("Mara Jade", &["mj@example.com", "jade@work.example"]),
        )
        .await
        .unwrap();
    let tom = book
        .create(&ann, card("Tom Marsh", &["tom@example.com"]))
        .await
        .unwrap();
    book.create(&ann, card("Emma Rai", &["emma@example.com"]))
        .await
        .unwrap();
    book.save_group(
        &ann,
        None,
        "Marathon team",
        &[mara.id.clone(), tom.id.clone()],
    )
    .await
    .unwrap();
    let got = book.suggest(&ann, "mar", 10).await.unwrap();
    let shown: Vec<(SuggestionKind, String, Vec<String>)> = got
        .iter()
        .map(|s| (s.kind, s.name.clone(), s.addresses.clone()))
        .collect();
    // "Mara", "Marathon" and "Marsh" start a word; "Emma Rai" only contains "ma r".
    assert_eq!(
        shown,
        vec![
            (
                SuggestionKind::Contact,
                "Mara Jade".into(),
                vec!["jade@work.example".to_string()]
            ),
            (
                SuggestionKind::Contact,
                "Mara Jade".into(),
                vec!["mj@example.com".to_string()]
            ),
            (
                SuggestionKind::Group,
                "Marathon team".into(),
                vec!["mj@example.com".to_string(), "tom@example.com".to_string()]
            ),
            (
                SuggestionKind::Contact,
                "Tom Marsh".into(),
                vec!["tom@example.com".to_string()]
            ),
        ]
    );
    assert!(book.suggest(&bob, "mar", 10).await.unwrap().is_empty());
    // A group can only hold the account's own contacts.
    let other = book
        .create(&bob, card("Bob's", &["x@example.com"]))
        .await
        .unwrap();
    match book.save_group(&ann, None, "Mixed", &[other.id]).await {
        Err(ContactsError::Invalid { field, .. }) => assert_eq!(field, "members"),
        other => panic!("a foreign member was accepted: {other:?}"),
    }
    // Deleting a contact takes it out of its groups.
    book.delete(&ann, &tom.id).await.unwrap();
    let groups = book.groups(&ann).await.unwrap();
    assert_eq!(groups[0].members, vec![mara.id.clone()]);
}

const FILE: &str = "BEGIN:VCARD\r
VERSION:3.0\r
FN:Good One\r
N:One;Good;;;\r
EMAIL;TYPE=INTERNET,HOME:good1@example.com\r
TEL;TYPE=CELL:+1 555 0100\r
PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\r
UID:card-1\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
FN:Broken Address\r
EMAIL:not-an-address\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
FN:Junk Line\r
this line is no property\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
FN:Good Two\r
EMAIL:good2@example.com\r
NOTE:folded\r
  across lines\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
FN:Never Closed\r
";

#[tokio::test]
async fn import_keeps_good_cards_and_names_the_lines_of_bad_ones() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (ann, _) = accounts(&store).await;
    let book = AddressBook::new(store.clone());
    let report = book.import(&ann, FILE).await.unwrap();
    assert_eq!((report.created, report.updated), (2, 0));
    let lines: Vec<usize> = report.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![10, 18, 27], "{:?}", report.problems);
    // Fields by the names people use, not the API's.
    assert_eq!(
        report.problems[0].message,
        "E-mail: “not-an-address” is not an e-mail address"
    );
    assert_eq!(report.problems[0].name.as_deref(), Some("Broken Address"));
    assert!(report.problems[2].message.contains("END:VCARD"));
    let all = book
        .list(
            &ann,
            &ListQuery {
                limit: 10,
                ..ListQuery::default()
            },
        )
        .await
        .unwrap();
    let one = &all.items[0].card;
    assert_eq!(one.full_name, "Good One");
    assert_eq!(one.given_name, "Good");
    assert_eq!(one.emails[0].label, "home");
    assert_eq!(one.phones[0].value, "+1 555 0100");
    // RFC 6350 §6.2.4: the 4.0 PHOTO is a URI; the 3.0 inline picture becomes a data URI.
    assert_eq!(
        one.photo.as_deref(),
        Some("data:image/png;base64,iVBORw0KGgo=")
    );
    assert_eq!(all.items[1].card.notes, "folded across lines");

    // Importing the export again replaces each card by its UID: nothing new.
    let exported = book.export(&ann, VcfVersion::V4).await.unwrap();
    assert_eq!(exported.matches("BEGIN:VCARD").count(), 2);
    assert!(exported.contains("VERSION:4.0"));
    let again = book.import(&ann, &exported).await.unwrap();
    assert_eq!(
        (again.created, again.updated, again.problems.len()),
        (0, 2, 0)
    );
    let v3 = book.export(&ann, VcfVersion::V3).await.unwrap();
    assert!(v3.contains("VERSION:3.0"), "{v3}");
    assert!(v3.contains("ENCODING=b"), "{v3}");
}
