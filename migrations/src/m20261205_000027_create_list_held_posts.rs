//! Posts held for a moderator's decision: the post's body waits in the blob store, named
//! here with its sender and subject, until a moderator approves, rejects or discards it,
//! or it expires. They go with their list.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ListHeldPosts {
    Table,
    Id,
    ListId,
    Sender,
    Subject,
    BlobHash,
    Size,
    ReceivedAt,
    ExpiresAt,
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
                .table(ListHeldPosts::Table)
                .col(string_len(ListHeldPosts::Id, 40).primary_key())
                .col(string_len(ListHeldPosts::ListId, 40))
                .col(string_len(ListHeldPosts::Sender, 320))
                .col(text(ListHeldPosts::Subject))
                .col(string_len(ListHeldPosts::BlobHash, 128))
                .col(big_integer(ListHeldPosts::Size))
                .col(timestamp_with_time_zone(ListHeldPosts::ReceivedAt))
                .col(timestamp_with_time_zone(ListHeldPosts::ExpiresAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ListHeldPosts::Table, ListHeldPosts::ListId)
                        .to(MailingLists::Table, MailingLists::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_list_held_posts_list")
                .table(ListHeldPosts::Table)
                .col(ListHeldPosts::ListId)
                .col(ListHeldPosts::ReceivedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ListHeldPosts::Table).to_owned())
            .await
    }
}
