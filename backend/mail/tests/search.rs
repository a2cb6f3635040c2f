//! The query language of webmail search: what a person types, as filters, and clear
//! errors that say where.

use chrono::NaiveDate;
use osprey_mail::search::{Filter, Query};

#[test]
fn a_typed_query_becomes_its_filters() {
    let q = Query::parse(r#"from:bob subject:"q3 report" has:attachment after:2026-01-01 invoice is:unread larger:2M in:Archive"#)
        .unwrap();
    assert_eq!(
        q.filters,
        vec![
            Filter::From("bob".into()),
            Filter::Subject("q3 report".into()),
            Filter::HasAttachment,
            Filter::After(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            Filter::Text("invoice".into()),
            Filter::Unread,
            Filter::Larger(2 * 1024 * 1024),
            Filter::In("Archive".into()),
        ]
    );
    // A quoted phrase without a key is one word; keys are case-insensitive.
    let q = Query::parse(r#""monthly numbers" FROM:ann"#).unwrap();
    assert_eq!(
        q.filters,
        vec![
            Filter::Text("monthly numbers".into()),
            Filter::From("ann".into())
        ]
    );
    assert!(Query::parse("   ").unwrap().filters.is_empty());
}

#[test]
fn a_bad_query_says_what_and_where() {
    for (text, position, says) in [
        ("from:bob colour:red", 9, "colour: is not a filter"),
        ("after:yesterday", 6, "YYYY-MM-DD"),
        ("subject:\"q3 report", 8, "quote is not closed"),
        ("larger:lots", 7, "size"),
        ("is:important", 3, "is:important is not a filter"),
        ("from:", 0, "needs a value"),
    ] {
        let e = Query::parse(text).unwrap_err();
        assert_eq!(e.position, position, "{text}: {e}");
        assert!(e.message.contains(says), "{text}: {e}");
    }
}
