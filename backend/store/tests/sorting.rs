//! Lists sorted by subject compare base subjects (RFC 5256 §2.1), stored with each
//! message and filled in, when the store opens, for messages stored before the column.

use chrono::Utc;
use osprey_store::{MessageSummary, SortKey, SortValue, testing::TestDb};

use crate::{account_with_inbox, new_message};

#[tokio::test]
async fn a_message_sorts_by_its_base_subject_also_when_stored_before_the_column() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let (account, inbox) = account_with_inbox(&store, "s@sort.example").await;
    let mut ids = Vec::new();
    for subject in [Some("Re: [Team] FWD: Quarterly Plan (fwd)"), None] {
        let mut m = new_message(&account, &inbox, 1);
        m.internal_date = Utc::now();
        m.summary = MessageSummary {
            subject: subject.map(str::to_owned),
            ..MessageSummary::default()
        };
        ids.push(
            store.messages().append_messages(vec![m]).await.unwrap()[0]
                .id
                .clone(),
        );
    }
    let keys = |store: osprey_store::Store, ids: Vec<String>| async move {
        let mut out = Vec::new();
        for id in &ids {
            out.push(
                store
                    .messages()
                    .sort_value(id, SortKey::Subject)
                    .await
                    .unwrap(),
            );
        }
        out
    };
    let expected = vec![
        SortValue::Text("quarterly plan".into()),
        SortValue::Text(String::new()),
    ];
    assert_eq!(keys(store.clone(), ids.clone()).await, expected);

    // As if stored before migration 24: the store fills the column in when it opens.
    db.execute("UPDATE messages SET sort_subject = NULL").await;
    let reopened = db.store().await;
    assert_eq!(keys(reopened, ids).await, expected);
}
