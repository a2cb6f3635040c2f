//! List archives, digests and statistics. Every post a list distributes is kept
//! (`list_posts`: its copy in the blob store, its author, subject, date, thread and
//! searchable text); a digest takes the posts it has not yet sent (`digest_id` is null
//! until one does). `list_days` counts, per list and day, the posts, the members who
//! joined and left, and the bounces. Both go with their list.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ListPosts {
    Table,
    Id,
    ListId,
    MessageId,
    ThreadId,
    ParentId,
    Subject,
    AuthorName,
    AuthorAddress,
    PostedAt,
    Size,
    BlobHash,
    SearchText,
    DigestId,
}

#[derive(DeriveIden)]
enum ListDays {
    Table,
    ListId,
    Day,
    Posts,
    Joined,
    Left,
    Bounces,
}

#[derive(DeriveIden)]
enum MailingLists {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ListPosts::Table)
                .col(string_len(ListPosts::Id, 40).primary_key())
                .col(string_len(ListPosts::ListId, 40))
                .col(string_len(ListPosts::MessageId, 255))
                .col(string_len(ListPosts::ThreadId, 40))
                .col(string_len_null(ListPosts::ParentId, 40))
                .col(text(ListPosts::Subject))
                .col(string_len(ListPosts::AuthorName, 200))
                .col(string_len(ListPosts::AuthorAddress, 320))
                .col(timestamp_with_time_zone(ListPosts::PostedAt))
                .col(big_integer(ListPosts::Size))
                .col(string_len(ListPosts::BlobHash, 128))
                .col(text(ListPosts::SearchText))
                .col(string_len_null(ListPosts::DigestId, 40))
                .foreign_key(
                    ForeignKey::create()
                        .from(ListPosts::Table, ListPosts::ListId)
                        .to(MailingLists::Table, MailingLists::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, column) in [
            ("idx_list_posts_posted", ListPosts::PostedAt),
            ("idx_list_posts_thread", ListPosts::ThreadId),
            ("idx_list_posts_message_id", ListPosts::MessageId),
            ("idx_list_posts_digest", ListPosts::DigestId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(ListPosts::Table)
                    .col(ListPosts::ListId)
                    .col(column)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(ListDays::Table)
                .col(string_len(ListDays::ListId, 40))
                .col(string_len(ListDays::Day, 10))
                .col(integer(ListDays::Posts).default(0))
                .col(integer(ListDays::Joined).default(0))
                .col(integer(ListDays::Left).default(0))
                .col(integer(ListDays::Bounces).default(0))
                .primary_key(Index::create().col(ListDays::ListId).col(ListDays::Day))
                .foreign_key(
                    ForeignKey::create()
                        .from(ListDays::Table, ListDays::ListId)
                        .to(MailingLists::Table, MailingLists::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ListDays::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ListPosts::Table).to_owned())
            .await
    }
}
