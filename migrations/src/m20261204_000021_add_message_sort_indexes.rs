//! Indexes for the web app's sorted message lists: one per sort key, each led by the
//! mailbox and ended by the UID, so that a page sorted either way is a range of one
//! index (keyset paging on `(key, uid)`). The keys are the expressions the store sorts
//! by: text case-folded with `lower`, missing values as empty text, a missing Date field
//! as the arrival time.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index name, key expression).
const INDEXES: [(&str, &str); 7] = [
    ("idx_messages_sort_received", "internal_date"),
    (
        "idx_messages_sort_sent",
        "coalesce(sent_date, internal_date)",
    ),
    ("idx_messages_sort_from", "lower(coalesce(from_addr, ''))"),
    ("idx_messages_sort_subject", "lower(coalesce(subject, ''))"),
    ("idx_messages_sort_size", "size"),
    ("idx_messages_sort_to", "lower(coalesce(to_addrs, ''))"),
    ("idx_messages_sort_flagged", "(flags & 4)"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (name, key) in INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS {name} ON messages (mailbox_id, {key}, uid)"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (name, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
