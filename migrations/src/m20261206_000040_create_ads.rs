//! Banner ads: campaigns (server-wide, or of one domain) with their text, link, optional
//! image, dates, weight and the pages they show on; what each showed and was clicked per
//! day; and the accounts that see no ads.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AdCampaigns {
    Table,
    Id,
    DomainId,
    Name,
    Text,
    LinkUrl,
    Targets,
    Weight,
    StartsAt,
    EndsAt,
    Enabled,
    Image,
    ImageType,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AdDays {
    Table,
    CampaignId,
    Day,
    Impressions,
    Clicks,
}

#[derive(DeriveIden)]
enum AdExemptions {
    Table,
    AccountId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AdCampaigns::Table)
                .col(string_len(AdCampaigns::Id, 40).primary_key())
                .col(string_len_null(AdCampaigns::DomainId, 40))
                .col(string_len(AdCampaigns::Name, 200))
                .col(string_len(AdCampaigns::Text, 200))
                .col(text(AdCampaigns::LinkUrl))
                .col(string_len(AdCampaigns::Targets, 100))
                .col(integer(AdCampaigns::Weight).default(1))
                .col(timestamp_with_time_zone_null(AdCampaigns::StartsAt))
                .col(timestamp_with_time_zone_null(AdCampaigns::EndsAt))
                .col(boolean(AdCampaigns::Enabled).default(true))
                .col(blob_null(AdCampaigns::Image))
                .col(string_len_null(AdCampaigns::ImageType, 40))
                .col(timestamp_with_time_zone(AdCampaigns::CreatedAt))
                .col(timestamp_with_time_zone(AdCampaigns::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AdDays::Table)
                .col(string_len(AdDays::CampaignId, 40))
                .col(string_len(AdDays::Day, 10))
                .col(big_integer(AdDays::Impressions).default(0))
                .col(big_integer(AdDays::Clicks).default(0))
                .primary_key(Index::create().col(AdDays::CampaignId).col(AdDays::Day))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AdExemptions::Table)
                .col(string_len(AdExemptions::AccountId, 40).primary_key())
                .col(timestamp_with_time_zone(AdExemptions::CreatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AdExemptions::Table.into_iden(),
            AdDays::Table.into_iden(),
            AdCampaigns::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
