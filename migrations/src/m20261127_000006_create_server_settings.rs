//! Server-wide settings that administrators change while the server runs (the relay
//! policy first), one JSON document per named setting, shared by every node.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServerSettings {
    Table,
    Name,
    Value,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ServerSettings::Table)
                .col(string_len(ServerSettings::Name, 64).primary_key())
                .col(text(ServerSettings::Value))
                .col(timestamp_with_time_zone(ServerSettings::UpdatedAt))
                .to_owned(),
        )
        .await
    }
}
