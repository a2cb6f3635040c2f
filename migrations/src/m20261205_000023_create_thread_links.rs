//! Conversations: each message's `thread_id` names the conversation it belongs to, and
//! `thread_links` maps every Message-ID an account has seen (a message's own and those
//! its References or In-Reply-To name) to the conversation, so that a reply finds its
//! thread whichever of its relatives arrived first. An index on
//! `(thread_id, mailbox_id, internal_date, uid)` finds a conversation's messages and,
//! per mailbox, its newest one.
//!
//! Mail already stored is threaded here, per account in arrival order, by the rule the
//! store applies to new mail (a message joins the conversation of the first of its IDs
//! already linked, or starts its own).

use std::collections::HashMap;

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ThreadLinks {
    Table,
    AccountId,
    MessageId,
    ThreadId,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    AccountId,
    InternalDate,
    MessageIdHeader,
    ReferencesHeader,
    ThreadId,
}

/// The longest Message-ID linked (longer ones are not threaded by ID).
const MAX_ID: usize = 255;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ThreadLinks::Table)
                .col(string_len(ThreadLinks::AccountId, 40))
                .col(string_len(ThreadLinks::MessageId, MAX_ID as u32))
                .col(string_len(ThreadLinks::ThreadId, 40))
                .primary_key(
                    Index::create()
                        .col(ThreadLinks::AccountId)
                        .col(ThreadLinks::MessageId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ThreadLinks::Table, ThreadLinks::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_messages_thread \
                 ON messages (thread_id, mailbox_id, internal_date, uid)",
            )
            .await?;
        backfill(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_messages_thread")
            .await?;
        m.get_connection()
            .execute_unprepared("UPDATE messages SET thread_id = NULL")
            .await?;
        m.drop_table(Table::drop().table(ThreadLinks::Table).to_owned())
            .await
    }
}

/// The Message-IDs of a field as the store keeps them (bare, space-separated).
fn ids(field: &str) -> impl Iterator<Item = &str> {
    field
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|id| id.trim_start_matches('<').trim_end_matches('>'))
        .filter(|id| !id.is_empty() && id.len() <= MAX_ID)
}

/// Threads the stored messages of each account in arrival order.
async fn backfill(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let accounts = db
        .query_all(
            Query::select()
                .distinct()
                .column(Messages::AccountId)
                .from(Messages::Table),
        )
        .await?;
    for row in accounts {
        let account: String = row.try_get("", "account_id")?;
        let rows = db
            .query_all(
                Query::select()
                    .columns([
                        Messages::Id,
                        Messages::MessageIdHeader,
                        Messages::ReferencesHeader,
                    ])
                    .from(Messages::Table)
                    .and_where(Expr::col(Messages::AccountId).eq(account.as_str()))
                    .order_by(Messages::InternalDate, Order::Asc)
                    .order_by(Messages::Id, Order::Asc),
            )
            .await?;
        let mut links: HashMap<String, String> = HashMap::new();
        let mut members: HashMap<String, Vec<String>> = HashMap::new();
        for row in rows {
            let id: String = row.try_get("", "id")?;
            let own: Option<String> = row.try_get("", "message_id_header")?;
            let refs: Option<String> = row.try_get("", "references_header")?;
            let named: Vec<&str> = ids(refs.as_deref().unwrap_or(""))
                .chain(ids(own.as_deref().unwrap_or("")))
                .collect();
            let thread = named
                .iter()
                .find_map(|n| links.get(*n).cloned())
                .unwrap_or_else(|| id.clone());
            for n in named {
                links.entry(n.to_owned()).or_insert_with(|| thread.clone());
            }
            members.entry(thread).or_default().push(id);
        }
        for (thread, ids) in members {
            for chunk in ids.chunks(500) {
                db.execute(
                    Query::update()
                        .table(Messages::Table)
                        .value(Messages::ThreadId, thread.as_str())
                        .and_where(Expr::col(Messages::Id).is_in(chunk.iter().map(String::as_str))),
                )
                .await?;
            }
        }
        let links: Vec<(String, String)> = links.into_iter().collect();
        for chunk in links.chunks(500) {
            let mut insert = Query::insert();
            insert.into_table(ThreadLinks::Table).columns([
                ThreadLinks::AccountId,
                ThreadLinks::MessageId,
                ThreadLinks::ThreadId,
            ]);
            for (message_id, thread) in chunk {
                insert.values_panic([
                    account.as_str().into(),
                    message_id.as_str().into(),
                    thread.as_str().into(),
                ]);
            }
            db.execute(&insert).await?;
        }
    }
    Ok(())
}
