//! Range queries that read only what can fall in their window. An object's `long_span`
//! says it repeats, never ends, or lasts more than a few days: those are found by their
//! end (`ends_at` after the window's start, or none), the rest — nearly all events — by a
//! start close before the window. Both lookups are indexed. Rows made before this are
//! marked long: correct, if slower, until they are saved again. `brief` holds, for an
//! event that does not repeat, what its one occurrence shows (JSON the calendar service
//! writes), so that a range query need not parse its iCalendar text.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CalendarObjects {
    Table,
    CalendarId,
    Kind,
    LongSpan,
    Brief,
    StartsAt,
    EndsAt,
}

const BY_START: &str = "calendar_objects_span_start";
const BY_END: &str = "calendar_objects_span_end";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(CalendarObjects::Table)
                .add_column(boolean(CalendarObjects::LongSpan).default(true))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(CalendarObjects::Table)
                .add_column(text_null(CalendarObjects::Brief))
                .to_owned(),
        )
        .await?;
        for (name, last) in [
            (BY_START, CalendarObjects::StartsAt),
            (BY_END, CalendarObjects::EndsAt),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(CalendarObjects::Table)
                    .col(CalendarObjects::CalendarId)
                    .col(CalendarObjects::Kind)
                    .col(CalendarObjects::LongSpan)
                    .col(last)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [BY_START, BY_END] {
            m.drop_index(
                Index::drop()
                    .name(name)
                    .table(CalendarObjects::Table)
                    .to_owned(),
            )
            .await?;
        }
        for column in [CalendarObjects::Brief, CalendarObjects::LongSpan] {
            m.alter_table(
                Table::alter()
                    .table(CalendarObjects::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
