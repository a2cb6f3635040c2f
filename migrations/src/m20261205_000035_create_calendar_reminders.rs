//! The reminder schedule: for each calendar object with reminders, the next one due —
//! when it goes (`due_at`), the occurrence it is for (`occurrence_at`, its start) and
//! whom it reminds (the calendar's owner). A worker claims due rows with a lease, as the
//! outbound queue claims recipients, sends the reminder, and moves the row on to the
//! next one in the same step that releases the lease; a row with nothing left goes. The
//! iCalendar text stays the truth: the calendar service rewrites a row whenever it saves
//! the object.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CalendarReminders {
    Table,
    ObjectId,
    AccountId,
    DueAt,
    OccurrenceAt,
    LeaseUntil,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CalendarObjects {
    Table,
    Id,
}

const BY_DUE: &str = "calendar_reminders_due";

fn cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CalendarReminders::Table)
                .col(string_len(CalendarReminders::ObjectId, 40).primary_key())
                .col(string_len(CalendarReminders::AccountId, 40))
                .col(timestamp_with_time_zone(CalendarReminders::DueAt))
                .col(timestamp_with_time_zone(CalendarReminders::OccurrenceAt))
                .col(timestamp_with_time_zone_null(CalendarReminders::LeaseUntil))
                .col(timestamp_with_time_zone(CalendarReminders::UpdatedAt))
                .foreign_key(&mut cascade(
                    (CalendarReminders::Table, CalendarReminders::ObjectId),
                    (CalendarObjects::Table, CalendarObjects::Id),
                ))
                .foreign_key(&mut cascade(
                    (CalendarReminders::Table, CalendarReminders::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name(BY_DUE)
                .table(CalendarReminders::Table)
                .col(CalendarReminders::DueAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CalendarReminders::Table).to_owned())
            .await
    }
}
