//! Calendars ("schedules"): several per account, each with its colour, default time zone
//! and default reminders; shares of a calendar with other accounts of the server (free/busy,
//! read, read-write); and the calendar's objects — events now, tasks and notes after —
//! each kept as the iCalendar text a client sent or the service wrote (what CalDAV will
//! serve as it is), with the columns a range query needs: the first start and the last
//! end over every occurrence (none when a rule has no end), so that a week view reads
//! only the objects that can fall in it. Everything goes with its account or calendar.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Calendars {
    Table,
    Id,
    AccountId,
    Name,
    Color,
    Description,
    TimeZone,
    DefaultReminders,
    Position,
    Hidden,
    IsDefault,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CalendarShares {
    Table,
    CalendarId,
    AccountId,
    Access,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CalendarObjects {
    Table,
    Id,
    CalendarId,
    Kind,
    Uid,
    Title,
    SearchText,
    StartsAt,
    EndsAt,
    Recurring,
    Ical,
    UpdatedAt,
}

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
                .table(Calendars::Table)
                .col(string_len(Calendars::Id, 40).primary_key())
                .col(string_len(Calendars::AccountId, 40))
                .col(string_len(Calendars::Name, 255))
                .col(string_len(Calendars::Color, 16))
                .col(text(Calendars::Description))
                .col(string_len_null(Calendars::TimeZone, 64))
                .col(text(Calendars::DefaultReminders))
                .col(integer(Calendars::Position))
                .col(boolean(Calendars::Hidden))
                .col(boolean(Calendars::IsDefault))
                .col(timestamp_with_time_zone(Calendars::CreatedAt))
                .col(timestamp_with_time_zone(Calendars::UpdatedAt))
                .foreign_key(&mut cascade(
                    (Calendars::Table, Calendars::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("calendars_account_position")
                .table(Calendars::Table)
                .col(Calendars::AccountId)
                .col(Calendars::Position)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CalendarShares::Table)
                .col(string_len(CalendarShares::CalendarId, 40))
                .col(string_len(CalendarShares::AccountId, 40))
                .col(string_len(CalendarShares::Access, 16))
                .col(timestamp_with_time_zone(CalendarShares::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(CalendarShares::CalendarId)
                        .col(CalendarShares::AccountId),
                )
                .foreign_key(&mut cascade(
                    (CalendarShares::Table, CalendarShares::CalendarId),
                    (Calendars::Table, Calendars::Id),
                ))
                .foreign_key(&mut cascade(
                    (CalendarShares::Table, CalendarShares::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("calendar_shares_account")
                .table(CalendarShares::Table)
                .col(CalendarShares::AccountId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CalendarObjects::Table)
                .col(string_len(CalendarObjects::Id, 40).primary_key())
                .col(string_len(CalendarObjects::CalendarId, 40))
                .col(string_len(CalendarObjects::Kind, 16))
                .col(string_len(CalendarObjects::Uid, 255))
                .col(string_len(CalendarObjects::Title, 255))
                .col(text(CalendarObjects::SearchText))
                .col(timestamp_with_time_zone_null(CalendarObjects::StartsAt))
                .col(timestamp_with_time_zone_null(CalendarObjects::EndsAt))
                .col(boolean(CalendarObjects::Recurring))
                .col(text(CalendarObjects::Ical))
                .col(timestamp_with_time_zone(CalendarObjects::UpdatedAt))
                .foreign_key(&mut cascade(
                    (CalendarObjects::Table, CalendarObjects::CalendarId),
                    (Calendars::Table, Calendars::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("calendar_objects_calendar_uid")
                .table(CalendarObjects::Table)
                .col(CalendarObjects::CalendarId)
                .col(CalendarObjects::Uid)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("calendar_objects_calendar_kind_start")
                .table(CalendarObjects::Table)
                .col(CalendarObjects::CalendarId)
                .col(CalendarObjects::Kind)
                .col(CalendarObjects::StartsAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            CalendarObjects::Table.into_iden(),
            CalendarShares::Table.into_iden(),
            Calendars::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
