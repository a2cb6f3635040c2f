//! Two pieces of IMAP state that outlive a session:
//!
//! - `mailboxes.recent_uid`: the lowest UID not yet claimed as `\Recent` (RFC 3501
//!   §2.3.2: a message is recent in exactly one session, the first to select the
//!   mailbox after it arrived). A session claims `[recent_uid, uidnext)` and moves the
//!   value up in one step. Existing mailboxes start at their UIDNEXT: mail stored
//!   before the upgrade is not recent.
//! - `subscriptions`: the names an account subscribed to, apart from the mailboxes
//!   (RFC 3501 §6.3.6: a subscription is not removed when its mailbox is, and a name
//!   may be subscribed while no mailbox has it). Filled from `mailboxes.subscribed`,
//!   which is no longer read.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Mailboxes {
    Table,
    RecentUid,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    AccountId,
    Name,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Mailboxes::Table)
                .add_column(big_integer(Mailboxes::RecentUid).default(1))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared("UPDATE mailboxes SET recent_uid = uidnext")
            .await?;
        m.create_table(
            Table::create()
                .table(Subscriptions::Table)
                .col(string_len(Subscriptions::AccountId, 40))
                .col(string_len(Subscriptions::Name, 1000))
                .primary_key(
                    Index::create()
                        .col(Subscriptions::AccountId)
                        .col(Subscriptions::Name),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Subscriptions::Table, Subscriptions::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO subscriptions (account_id, name)
             SELECT account_id, name FROM mailboxes WHERE subscribed",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Subscriptions::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Mailboxes::Table)
                .drop_column(Mailboxes::RecentUid)
                .to_owned(),
        )
        .await
    }
}
