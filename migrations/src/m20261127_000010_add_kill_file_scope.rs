//! Kill-file entries for one local domain: `scope` is empty for a server-wide entry, or
//! the id of the domain whose recipients it protects. The same kind and value may appear
//! once per scope.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum KillEntries {
    Table,
    Kind,
    Value,
    Scope,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(KillEntries::Table)
                .add_column(string_len(KillEntries::Scope, 40).default(""))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_kill_entries_kind_value")
                .table(KillEntries::Table)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_kill_entries_kind_value_scope")
                .table(KillEntries::Table)
                .col(KillEntries::Kind)
                .col(KillEntries::Value)
                .col(KillEntries::Scope)
                .unique()
                .to_owned(),
        )
        .await
    }
}
