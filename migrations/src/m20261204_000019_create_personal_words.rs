//! Each account's personal dictionary: words the spell checker never flags for it. They
//! go with their account.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersonalWords {
    Table,
    AccountId,
    Word,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PersonalWords::Table)
                .col(string_len(PersonalWords::AccountId, 40))
                .col(string_len(PersonalWords::Word, 128))
                .col(timestamp_with_time_zone(PersonalWords::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(PersonalWords::AccountId)
                        .col(PersonalWords::Word),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(PersonalWords::Table, PersonalWords::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PersonalWords::Table).to_owned())
            .await
    }
}
