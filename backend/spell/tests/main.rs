//! The spell checker: which words it looks at, and checks against the machine's installed
//! `en_US` Hunspell dictionary (Debian `hunspell-en-us`, which `.ci/run` installs) with a
//! personal dictionary and an address book on a real store.

use osprey_contacts::{AddressBook, Card};
use osprey_spell::{Dictionaries, SpellChecker, SpellError, words};
use osprey_store::testing::{self, TestDb};

const DIR: &str = "/usr/share/hunspell";

fn dictionaries() -> Dictionaries {
    let d = Dictionaries::new(DIR);
    assert!(
        d.languages().iter().any(|l| l.code == "en_US"),
        "the en_US dictionary is not installed in {DIR} (Debian: hunspell-en-us)"
    );
    d
}

#[test]
fn only_prose_is_checked() {
    let text = "Héllo wrld, it's NASA's mail to bob@example.com at https://x.example/a \
                and 2nd-hand well-known a e-mail x1y";
    let found: Vec<(&str, usize, usize)> = words(text)
        .iter()
        .map(|w| (w.text, w.start, w.end))
        .collect();
    assert_eq!(
        found,
        vec![
            ("Héllo", 0, 5),
            ("wrld", 6, 10),
            ("it's", 12, 16),
            ("NASA's", 17, 23),
            ("mail", 24, 28),
            ("to", 29, 31),
            ("at", 48, 50),
            ("and", 71, 74),
            ("well-known", 84, 94),
            ("e-mail", 97, 103),
        ],
        "addresses, links, digits, capitals and single letters are left out; offsets are in characters"
    );
}

#[tokio::test]
async fn misspellings_come_with_suggestions_and_the_users_words_pass() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let acc = testing::user(&store, "sam@spell.example").await;
    let spell = SpellChecker::new(store.clone(), dictionaries());
    let text = "Teh quarterly report from Zbigniew is attached; it’s recieved.";
    let found = spell.check(&acc.id, text, "en_US").await.unwrap();
    let flagged: Vec<&str> = found.iter().map(|m| m.word.as_str()).collect();
    assert_eq!(flagged, ["Teh", "Zbigniew", "recieved"]);
    let teh = &found[0];
    assert_eq!((teh.start, teh.end), (0, 3));
    // A capitalised word gets its lower-case form's replacements, capitalised, first.
    assert_eq!(teh.suggestions[0], "The", "{:?}", teh.suggestions);
    assert_eq!(found[2].suggestions[0], "received");
    // A contact's name and a personal word are never flagged.
    AddressBook::new(store.clone())
        .create(
            &acc.id,
            Card {
                full_name: "Zbigniew Brzezinski".into(),
                ..Card::default()
            },
        )
        .await
        .unwrap();
    spell.add_word(&acc.id, "Teh").await.unwrap();
    let found = spell.check(&acc.id, text, "en_US").await.unwrap();
    assert!(
        found
            .iter()
            .all(|m| m.word != "Teh" && m.word != "Zbigniew"),
        "{found:?}"
    );
    assert_eq!(spell.personal_words(&acc.id).await.unwrap(), ["Teh"]);
    spell.remove_word(&acc.id, "Teh").await.unwrap();
    assert!(matches!(
        spell.remove_word(&acc.id, "Teh").await,
        Err(SpellError::NotFound)
    ));
    // Bad input names its field and changes nothing.
    for (result, field) in [
        (
            spell.add_word(&acc.id, "two words").await.map(|_| ()),
            "word",
        ),
        (spell.add_word(&acc.id, "").await.map(|_| ()), "word"),
        (spell.check(&acc.id, "x", "xx_XX").await.map(|_| ()), "lang"),
        (
            spell
                .check(&acc.id, "x", "../../etc/passwd")
                .await
                .map(|_| ()),
            "lang",
        ),
        (
            spell
                .check(&acc.id, &"a ".repeat(60_000), "en_US")
                .await
                .map(|_| ()),
            "text",
        ),
    ] {
        match result {
            Err(SpellError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected a refusal of {field}, got {other:?}"),
        }
    }
    assert!(spell.personal_words(&acc.id).await.unwrap().is_empty());
}
