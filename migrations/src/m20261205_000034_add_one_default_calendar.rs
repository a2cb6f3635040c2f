//! At most one default calendar per account. The service makes the default calendar on
//! first use; two first requests at once (the web app asks for the calendar list and the
//! week's events together) could each find none and each make one. A unique index over
//! the default rows lets the database refuse the second. Accounts that already have more
//! than one keep the oldest (ids rise with time) as their default; the others stay as
//! ordinary calendars with their events.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "calendars_one_default";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE calendars SET is_default = FALSE \
             WHERE is_default AND id NOT IN \
             (SELECT MIN(id) FROM calendars WHERE is_default GROUP BY account_id)",
        )
        .await?;
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX {INDEX} ON calendars (account_id) WHERE is_default"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(&format!("DROP INDEX {INDEX}"))
            .await?;
        Ok(())
    }
}
