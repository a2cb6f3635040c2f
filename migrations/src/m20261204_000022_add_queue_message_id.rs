//! Each queued message's Message-ID (without angle brackets), so that the sender's copy
//! in Sent can show where each remote recipient stands: the web app asks for the
//! account's queue entries of that Message-ID.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum QueueMessages {
    Table,
    AccountId,
    MessageId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(QueueMessages::Table)
                .add_column(string_len_null(QueueMessages::MessageId, 998))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_queue_messages_message_id")
                .table(QueueMessages::Table)
                .col(QueueMessages::AccountId)
                .col(QueueMessages::MessageId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_queue_messages_message_id")
                .table(QueueMessages::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(QueueMessages::Table)
                .drop_column(QueueMessages::MessageId)
                .to_owned(),
        )
        .await
    }
}
