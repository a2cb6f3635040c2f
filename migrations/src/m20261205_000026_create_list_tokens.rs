//! The list server's pending requests: a subscription or unsubscription waiting for the
//! address's confirmation (double opt-in), or for an owner's approval, named by a random
//! token that the confirmation mail carries. A request expires; it goes with its list.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ListTokens {
    Table,
    Token,
    ListId,
    Address,
    Action,
    CreatedAt,
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
                .table(ListTokens::Table)
                .col(string_len(ListTokens::Token, 64).primary_key())
                .col(string_len(ListTokens::ListId, 40))
                .col(string_len(ListTokens::Address, 320))
                .col(string_len(ListTokens::Action, 16))
                .col(timestamp_with_time_zone(ListTokens::CreatedAt))
                .col(timestamp_with_time_zone(ListTokens::ExpiresAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ListTokens::Table, ListTokens::ListId)
                        .to(MailingLists::Table, MailingLists::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_list_tokens_list")
                .table(ListTokens::Table)
                .col(ListTokens::ListId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ListTokens::Table).to_owned())
            .await
    }
}
