//! The dashboard's figures. `activity_counts` adds up, per hour, what the servers
//! counted (messages received, sent, bounced, refused; sign-ins), the "top" kinds per
//! name (senders, refused addresses). `activity_gauges` keeps, per hour and node, the
//! highest and the latest sample of what is counted at a moment (open sessions, the
//! queue's size). Hours are Unix seconds at the hour's start.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ActivityCounts {
    Table,
    Hour,
    Metric,
    Key,
    Value,
}

#[derive(DeriveIden)]
enum ActivityGauges {
    Table,
    Hour,
    Node,
    Metric,
    Peak,
    Latest,
    SampledAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ActivityCounts::Table)
                .col(big_integer(ActivityCounts::Hour))
                .col(string_len(ActivityCounts::Metric, 40))
                .col(string_len(ActivityCounts::Key, 255).default(""))
                .col(big_integer(ActivityCounts::Value).default(0))
                .primary_key(
                    Index::create()
                        .col(ActivityCounts::Hour)
                        .col(ActivityCounts::Metric)
                        .col(ActivityCounts::Key),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("activity_counts_by_metric")
                .table(ActivityCounts::Table)
                .col(ActivityCounts::Metric)
                .col(ActivityCounts::Hour)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ActivityGauges::Table)
                .col(big_integer(ActivityGauges::Hour))
                .col(string_len(ActivityGauges::Node, 255))
                .col(string_len(ActivityGauges::Metric, 40))
                .col(big_integer(ActivityGauges::Peak).default(0))
                .col(big_integer(ActivityGauges::Latest).default(0))
                .col(big_integer(ActivityGauges::SampledAt))
                .primary_key(
                    Index::create()
                        .col(ActivityGauges::Hour)
                        .col(ActivityGauges::Node)
                        .col(ActivityGauges::Metric),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ActivityGauges::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ActivityCounts::Table).to_owned())
            .await
    }
}
