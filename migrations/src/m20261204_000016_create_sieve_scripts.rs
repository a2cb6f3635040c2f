//! Sieve scripts kept for ManageSieve (RFC 5804): each account's scripts by name, at most
//! one of them active. The active script's rules live in `rule_sets` (what delivery
//! runs); its row here only holds the name. An inactive script is kept as the text the
//! client sent. They go with their account.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SieveScripts {
    Table,
    AccountId,
    Name,
    Script,
    Active,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SieveScripts::Table)
                .col(string_len(SieveScripts::AccountId, 40))
                .col(string_len(SieveScripts::Name, 512))
                .col(text(SieveScripts::Script))
                .col(boolean(SieveScripts::Active))
                .col(timestamp_with_time_zone(SieveScripts::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(SieveScripts::AccountId)
                        .col(SieveScripts::Name),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SieveScripts::Table, SieveScripts::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SieveScripts::Table).to_owned())
            .await
    }
}
