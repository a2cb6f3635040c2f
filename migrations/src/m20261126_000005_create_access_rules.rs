//! Access control as IMail had it: ordered IP allow/deny rules (optionally per listener,
//! with an expiry) and the kill file of refused senders and hosts, each with hit counters.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IpRules {
    Table,
    Id,
    Position,
    Action,
    Network,
    Listener,
    ExpiresAt,
    Hits,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum KillEntries {
    Table,
    Id,
    Kind,
    Value,
    Hits,
    Note,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IpRules::Table)
                .col(string_len(IpRules::Id, 40).primary_key())
                .col(big_integer(IpRules::Position))
                .col(string_len(IpRules::Action, 8))
                .col(string_len(IpRules::Network, 64))
                .col(string_len_null(IpRules::Listener, 16))
                .col(timestamp_with_time_zone_null(IpRules::ExpiresAt))
                .col(big_integer(IpRules::Hits).default(0))
                .col(text(IpRules::Note))
                .col(timestamp_with_time_zone(IpRules::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(KillEntries::Table)
                .col(string_len(KillEntries::Id, 40).primary_key())
                .col(string_len(KillEntries::Kind, 8))
                .col(string_len(KillEntries::Value, 320))
                .col(big_integer(KillEntries::Hits).default(0))
                .col(text(KillEntries::Note))
                .col(timestamp_with_time_zone(KillEntries::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_kill_entries_kind_value")
                .table(KillEntries::Table)
                .col(KillEntries::Kind)
                .col(KillEntries::Value)
                .unique()
                .to_owned(),
        )
        .await
    }
}
