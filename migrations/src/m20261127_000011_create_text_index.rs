//! The full-text index IMAP SEARCH BODY and TEXT use: `message_text` holds each blob's
//! decoded, case-folded header and body text (one row per blob hash, shared by every
//! message that names the blob), and `text_index_queue` the blobs still to be indexed.
//!
//! Substring search runs through trigrams on both engines. On SQLite, an FTS5 table
//! (`message_text_fts`, trigram tokenizer, contentless) indexes the two columns under the
//! row's `doc_id`, kept in step by triggers; on PostgreSQL, `pg_trgm` GIN indexes cover
//! the columns themselves.
//!
//! Every blob that messages already name is queued, so an existing store is indexed in
//! the background after the upgrade.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TextIndexQueue {
    Table,
    BlobHash,
    EnqueuedAt,
}

/// SQLite: the text table, its FTS5 index and the triggers that keep the two in step.
/// `doc_id` is the FTS row id: an explicit column, since SQLite may renumber implicit
/// row ids on VACUUM.
const SQLITE_UP: &[&str] = &[
    "CREATE TABLE message_text (
        blob_hash varchar(64) NOT NULL PRIMARY KEY,
        doc_id integer NOT NULL UNIQUE,
        headers text NOT NULL,
        body text NOT NULL
    )",
    "CREATE VIRTUAL TABLE message_text_fts USING fts5(
        headers, body,
        content = '', contentless_delete = 1,
        tokenize = 'trigram', detail = column
    )",
    "CREATE TRIGGER message_text_ai AFTER INSERT ON message_text BEGIN
        INSERT INTO message_text_fts (rowid, headers, body)
        VALUES (new.doc_id, new.headers, new.body);
    END",
    "CREATE TRIGGER message_text_ad AFTER DELETE ON message_text BEGIN
        DELETE FROM message_text_fts WHERE rowid = old.doc_id;
    END",
];

/// PostgreSQL: the text table and trigram indexes on both columns.
const POSTGRES_UP: &[&str] = &[
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE message_text (
        blob_hash varchar(64) NOT NULL PRIMARY KEY,
        headers text NOT NULL,
        body text NOT NULL
    )",
    "CREATE INDEX idx_message_text_headers_trgm ON message_text
        USING gin (headers gin_trgm_ops)",
    "CREATE INDEX idx_message_text_body_trgm ON message_text USING gin (body gin_trgm_ops)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let statements = match m.get_database_backend() {
            DatabaseBackend::Sqlite => SQLITE_UP,
            DatabaseBackend::Postgres => POSTGRES_UP,
            other => {
                return Err(DbErr::Migration(format!(
                    "no full-text index for {other:?}"
                )));
            }
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        m.create_table(
            Table::create()
                .table(TextIndexQueue::Table)
                .col(string_len(TextIndexQueue::BlobHash, 64).primary_key())
                .col(timestamp_with_time_zone(TextIndexQueue::EnqueuedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_text_index_queue_enqueued")
                .table(TextIndexQueue::Table)
                .col(TextIndexQueue::EnqueuedAt)
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO text_index_queue (blob_hash, enqueued_at)
             SELECT DISTINCT blob_hash, CURRENT_TIMESTAMP FROM messages",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        m.drop_table(Table::drop().table(TextIndexQueue::Table).to_owned())
            .await?;
        if m.get_database_backend() == DatabaseBackend::Sqlite {
            // The triggers go with their table.
            db.execute_unprepared("DROP TABLE message_text_fts").await?;
        }
        db.execute_unprepared("DROP TABLE message_text").await?;
        Ok(())
    }
}
