//! What the mail protocols need on accounts and messages: SCRAM-SHA-256 stored keys
//! (derived when a password is set, RFC 5802 §3), the sealed secret of the opt-in legacy
//! mechanisms (APOP, CRAM-MD5), the account's POP3 mode and retention, the bytes its
//! messages use (kept as a counter, so a quota check does not sum every message), and
//! when POP3 first downloaded each message.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountsExtra {
    ScramSha256,
    LegacySecret,
    Pop3Mode,
    Pop3RetentionDays,
    UsedBytes,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Pop3RetrievedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one change per ALTER TABLE.
        for col in [
            text_null(AccountsExtra::ScramSha256),
            text_null(AccountsExtra::LegacySecret),
            string_len(AccountsExtra::Pop3Mode, 16)
                .default("offline")
                .to_owned(),
            integer_null(AccountsExtra::Pop3RetentionDays),
            big_integer(AccountsExtra::UsedBytes).default(0).to_owned(),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Messages::Table)
                .add_column(timestamp_with_time_zone_null(Messages::Pop3RetrievedAt))
                .to_owned(),
        )
        .await
    }
}
