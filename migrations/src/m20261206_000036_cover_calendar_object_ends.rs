//! The range query's lookup of long objects (repeating, never ending, lasting days) by
//! their end also holds their start, so that the start's bound (before the window's end)
//! is checked in the index rather than on each row the end lets through: a week view
//! reads the rows it shows instead of every series that ends after the week begins.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CalendarObjects {
    Table,
    CalendarId,
    Kind,
    LongSpan,
    StartsAt,
    EndsAt,
}

/// The lookup by end, and the one that holds the start too.
const BY_END: &str = "calendar_objects_span_end";
const BY_END_START: &str = "calendar_objects_span_end_start";

/// Makes the lookup `make` (with the start or without) and drops the other.
async fn swap(m: &SchemaManager<'_>, make: &str, drop: &str) -> Result<(), DbErr> {
    let mut index = Index::create();
    index
        .name(make)
        .table(CalendarObjects::Table)
        .col(CalendarObjects::CalendarId)
        .col(CalendarObjects::Kind)
        .col(CalendarObjects::LongSpan)
        .col(CalendarObjects::EndsAt);
    if make == BY_END_START {
        index.col(CalendarObjects::StartsAt);
    }
    m.create_index(index.to_owned()).await?;
    m.drop_index(
        Index::drop()
            .name(drop)
            .table(CalendarObjects::Table)
            .to_owned(),
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        swap(m, BY_END_START, BY_END).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        swap(m, BY_END, BY_END_START).await
    }
}
