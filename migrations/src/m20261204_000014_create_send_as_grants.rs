//! "Send as" grants: addresses an administrator lets an account use as its sender (the
//! envelope sender, `From:` and `Sender:`) besides its own address and the aliases that
//! deliver to it. `address` is `local@domain` in lower case, or `@domain` for every
//! address of a domain. A grant goes with its account.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SendAsGrants {
    Table,
    Id,
    AccountId,
    Address,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SendAsGrants::Table)
                .col(string_len(SendAsGrants::Id, 40).primary_key())
                .col(string_len(SendAsGrants::AccountId, 40))
                .col(string_len(SendAsGrants::Address, 320))
                .col(timestamp_with_time_zone(SendAsGrants::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(SendAsGrants::Table, SendAsGrants::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_send_as_grants_account_address")
                .table(SendAsGrants::Table)
                .col(SendAsGrants::AccountId)
                .col(SendAsGrants::Address)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SendAsGrants::Table).to_owned())
            .await
    }
}
