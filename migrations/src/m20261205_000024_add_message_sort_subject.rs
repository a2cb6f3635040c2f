//! Messages sorted by subject compare their base subject (RFC 5256 §2.1: without `Re:`,
//! `Fwd:`, `[list]` tags and the like), case-folded: a reply sorts with the message it
//! answers. The store writes `sort_subject` with each message and fills it in for the
//! messages stored before this migration when it opens; the index of migration 21 on
//! the whole subject gives way to one on it, led by the mailbox and ended by the UID.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Messages {
    Table,
    SortSubject,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Messages::Table)
                .add_column(text_null(Messages::SortSubject))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS idx_messages_sort_subject")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_messages_sort_base_subject ON messages (mailbox_id, sort_subject, uid)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS idx_messages_sort_base_subject")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS idx_messages_sort_subject ON messages (mailbox_id, lower(coalesce(subject, '')), uid)",
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Messages::Table)
                .drop_column(Messages::SortSubject)
                .to_owned(),
        )
        .await
    }
}
