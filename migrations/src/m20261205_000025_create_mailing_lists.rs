//! The list server: mailing lists of a domain, the addresses each list answers at (its
//! own and its companions `-request`, `-owner`, `-bounces`, `-subscribe`, `-unsubscribe`,
//! one namespace with accounts and aliases), and its members. A list goes with its
//! domain; its addresses and members go with it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Domains;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailingLists {
    Table,
    Id,
    DomainId,
    LocalPart,
    Name,
    Description,
    Settings,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ListAddresses {
    Table,
    AddressKey,
    ListId,
    Role,
}

#[derive(DeriveIden)]
enum ListMembers {
    Table,
    ListId,
    AddressKey,
    Address,
    DisplayName,
    DeliveryMode,
    Status,
    BounceScore,
    JoinedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MailingLists::Table)
                .col(string_len(MailingLists::Id, 40).primary_key())
                .col(string_len(MailingLists::DomainId, 40))
                .col(string_len(MailingLists::LocalPart, 64))
                .col(string_len(MailingLists::Name, 200))
                .col(text(MailingLists::Description))
                .col(text(MailingLists::Settings))
                .col(timestamp_with_time_zone(MailingLists::CreatedAt))
                .col(timestamp_with_time_zone(MailingLists::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(MailingLists::Table, MailingLists::DomainId)
                        .to(Domains::Table, Domains::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_mailing_lists_domain_local")
                .table(MailingLists::Table)
                .col(MailingLists::DomainId)
                .col(MailingLists::LocalPart)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ListAddresses::Table)
                .col(string_len(ListAddresses::AddressKey, 320).primary_key())
                .col(string_len(ListAddresses::ListId, 40))
                .col(string_len(ListAddresses::Role, 16))
                .foreign_key(
                    ForeignKey::create()
                        .from(ListAddresses::Table, ListAddresses::ListId)
                        .to(MailingLists::Table, MailingLists::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_list_addresses_list")
                .table(ListAddresses::Table)
                .col(ListAddresses::ListId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ListMembers::Table)
                .col(string_len(ListMembers::ListId, 40))
                .col(string_len(ListMembers::AddressKey, 320))
                .col(string_len(ListMembers::Address, 320))
                .col(string_len_null(ListMembers::DisplayName, 200))
                .col(string_len(ListMembers::DeliveryMode, 16))
                .col(string_len(ListMembers::Status, 16))
                .col(integer(ListMembers::BounceScore).default(0))
                .col(timestamp_with_time_zone(ListMembers::JoinedAt))
                .primary_key(
                    Index::create()
                        .col(ListMembers::ListId)
                        .col(ListMembers::AddressKey),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ListMembers::Table, ListMembers::ListId)
                        .to(MailingLists::Table, MailingLists::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // "My lists": the lists an address belongs to.
        m.create_index(
            Index::create()
                .name("idx_list_members_address")
                .table(ListMembers::Table)
                .col(ListMembers::AddressKey)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ListMembers::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ListAddresses::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(MailingLists::Table).to_owned())
            .await?;
        Ok(())
    }
}
