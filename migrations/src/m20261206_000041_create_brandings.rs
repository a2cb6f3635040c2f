//! Per-host look: the branding of the server (its default) and of each domain that sets
//! one. Texts and colours are one JSON document (the directory checks them); the logo and
//! the favicon are images with their media types.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Brandings {
    Table,
    ScopeId,
    Settings,
    Logo,
    LogoType,
    Favicon,
    FaviconType,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Brandings::Table)
                .col(string_len(Brandings::ScopeId, 40).primary_key())
                .col(text(Brandings::Settings))
                .col(blob_null(Brandings::Logo))
                .col(string_len_null(Brandings::LogoType, 40))
                .col(blob_null(Brandings::Favicon))
                .col(string_len_null(Brandings::FaviconType, 40))
                .col(timestamp_with_time_zone(Brandings::UpdatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Brandings::Table).to_owned())
            .await
    }
}
