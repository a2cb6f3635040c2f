//! Each account's preferences for the web app and the services that read them (how many
//! messages a page shows, when an opened message is marked read, whether remote images
//! of senders in the address book load, the spell checker's language), as JSON the
//! directory reads and checks. They go with their account.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountPreferences {
    Table,
    AccountId,
    Preferences,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AccountPreferences::Table)
                .col(string_len(AccountPreferences::AccountId, 40).primary_key())
                .col(text(AccountPreferences::Preferences))
                .col(timestamp_with_time_zone(AccountPreferences::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(AccountPreferences::Table, AccountPreferences::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AccountPreferences::Table).to_owned())
            .await
    }
}
