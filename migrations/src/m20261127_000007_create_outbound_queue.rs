//! The outbound queue: one row per accepted message that leaves this server (its body is a
//! blob), and one row per recipient with its own delivery state, attempts, next attempt
//! and last error, so each recipient is retried, delivered or bounced on its own.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum QueueMessages {
    Table,
    Id,
    Sender,
    AccountId,
    BlobHash,
    Size,
    EnvelopeId,
    ReturnFull,
    IsBounce,
    Subject,
    CreatedAt,
}

#[derive(DeriveIden)]
enum QueueRecipients {
    Table,
    Id,
    QueueId,
    Address,
    Domain,
    Notify,
    Orcpt,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastAttemptAt,
    LastError,
    LastStatus,
    RemoteMta,
    DelayNotified,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(QueueMessages::Table)
                .col(string_len(QueueMessages::Id, 40).primary_key())
                .col(string_len(QueueMessages::Sender, 320))
                .col(string_len_null(QueueMessages::AccountId, 40))
                .col(string_len(QueueMessages::BlobHash, 64))
                .col(big_integer(QueueMessages::Size))
                .col(string_len_null(QueueMessages::EnvelopeId, 100))
                .col(boolean(QueueMessages::ReturnFull).default(false))
                .col(boolean(QueueMessages::IsBounce).default(false))
                .col(text(QueueMessages::Subject))
                .col(timestamp_with_time_zone(QueueMessages::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_queue_messages_account")
                .table(QueueMessages::Table)
                .col(QueueMessages::AccountId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(QueueRecipients::Table)
                .col(string_len(QueueRecipients::Id, 40).primary_key())
                .col(string_len(QueueRecipients::QueueId, 40))
                .col(string_len(QueueRecipients::Address, 320))
                .col(string_len(QueueRecipients::Domain, 255))
                .col(string_len_null(QueueRecipients::Notify, 40))
                .col(string_len_null(QueueRecipients::Orcpt, 500))
                .col(string_len(QueueRecipients::Status, 16))
                .col(integer(QueueRecipients::Attempts).default(0))
                .col(timestamp_with_time_zone(QueueRecipients::NextAttemptAt))
                .col(timestamp_with_time_zone_null(QueueRecipients::LeaseUntil))
                .col(timestamp_with_time_zone_null(
                    QueueRecipients::LastAttemptAt,
                ))
                .col(text_null(QueueRecipients::LastError))
                .col(string_len_null(QueueRecipients::LastStatus, 16))
                .col(string_len_null(QueueRecipients::RemoteMta, 255))
                .col(boolean(QueueRecipients::DelayNotified).default(false))
                .col(timestamp_with_time_zone(QueueRecipients::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(QueueRecipients::Table, QueueRecipients::QueueId)
                        .to(QueueMessages::Table, QueueMessages::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_queue_recipients_due")
                .table(QueueRecipients::Table)
                .col(QueueRecipients::Status)
                .col(QueueRecipients::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_queue_recipients_queue")
                .table(QueueRecipients::Table)
                .col(QueueRecipients::QueueId)
                .to_owned(),
        )
        .await
    }
}
