//! VERP and one-click unsubscription. Each list member gets a secret token: the list's
//! posts reach the member from `team-bounces+<token>@` (so a bounce names the member)
//! with a `List-Unsubscribe` URL holding it (RFC 8058), and the member's last bounce is
//! kept for the bounce score. A queued recipient may carry its own envelope sender
//! (the VERP address) and header fields of its own, put before the body at delivery.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ListMembers {
    Table,
    Token,
    LastBounceAt,
}

#[derive(DeriveIden)]
enum QueueRecipients {
    Table,
    ReturnPath,
    Header,
}

const TOKEN_INDEX: &str = "idx_list_members_token";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            string_len_null(ListMembers::Token, 24),
            timestamp_with_time_zone_null(ListMembers::LastBounceAt),
        ] {
            let mut column = column;
            m.alter_table(
                Table::alter()
                    .table(ListMembers::Table)
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
        }
        for column in [
            string_len_null(QueueRecipients::ReturnPath, 320),
            text_null(QueueRecipients::Header),
        ] {
            let mut column = column;
            m.alter_table(
                Table::alter()
                    .table(QueueRecipients::Table)
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
        }
        // The members of earlier versions get their token here: 80 random bits from
        // the database's own source of randomness, as 20 hex digits.
        let random = match m.get_database_backend() {
            DatabaseBackend::Postgres => "substr(replace(gen_random_uuid()::text, '-', ''), 1, 20)",
            _ => "lower(hex(randomblob(10)))",
        };
        m.get_connection()
            .execute_unprepared(&format!(
                "UPDATE list_members SET token = {random} WHERE token IS NULL"
            ))
            .await?;
        m.create_index(
            Index::create()
                .name(TOKEN_INDEX)
                .table(ListMembers::Table)
                .col(ListMembers::Token)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(TOKEN_INDEX)
                .table(ListMembers::Table)
                .to_owned(),
        )
        .await?;
        for column in [ListMembers::Token, ListMembers::LastBounceAt] {
            m.alter_table(
                Table::alter()
                    .table(ListMembers::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        for column in [QueueRecipients::ReturnPath, QueueRecipients::Header] {
            m.alter_table(
                Table::alter()
                    .table(QueueRecipients::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
