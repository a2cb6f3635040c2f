//! "Bounce now": an administrator returns a queued message's pending recipients to the
//! sender undelivered. The request is kept on each recipient until the queue worker, which
//! writes the failure reports, takes it up.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum QueueRecipients {
    Table,
    BounceRequested,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(QueueRecipients::Table)
                .add_column(boolean(QueueRecipients::BounceRequested).default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(QueueRecipients::Table)
                .drop_column(QueueRecipients::BounceRequested)
                .to_owned(),
        )
        .await
    }
}
