//! A calendar's private subscription feed: the SHA-256 of its secret token (the token
//! itself is shown once, when made), unique, so that `GET /calendar-feeds/{token}` finds
//! its calendar in one indexed lookup, and none when the owner has no feed or revoked it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Calendars {
    Table,
    FeedToken,
}

const FEED_INDEX: &str = "calendars_feed_token";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Calendars::Table)
                .add_column(string_len_null(Calendars::FeedToken, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name(FEED_INDEX)
                .table(Calendars::Table)
                .col(Calendars::FeedToken)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(FEED_INDEX)
                .table(Calendars::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Calendars::Table)
                .drop_column(Calendars::FeedToken)
                .to_owned(),
        )
        .await
    }
}
