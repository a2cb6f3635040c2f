//! Domains (virtual hosts) with their alias names, accounts, the domains a domain admin
//! manages, and address aliases.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Domains {
    Table,
    Id,
    Name,
    Settings,
    Enabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DomainAliases {
    Table,
    Name,
    DomainId,
}

#[derive(DeriveIden)]
pub(crate) enum Accounts {
    Table,
    Id,
    DomainId,
    AddressKey,
    LocalPart,
    DisplayName,
    PasswordHash,
    Role,
    QuotaBytes,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccountAdminDomains {
    Table,
    AccountId,
    DomainId,
}

#[derive(DeriveIden)]
enum Aliases {
    Table,
    Id,
    DomainId,
    AddressKey,
    Targets,
    CreatedAt,
}

fn id(col: impl IntoIden) -> ColumnDef {
    string_len(col, 40).primary_key().take()
}

fn fk(col: impl IntoIden) -> ColumnDef {
    string_len(col, 40)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Domains::Table)
                .col(id(Domains::Id))
                .col(string_len_uniq(Domains::Name, 253))
                .col(text(Domains::Settings))
                .col(boolean(Domains::Enabled))
                .col(timestamp_with_time_zone(Domains::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DomainAliases::Table)
                .col(string_len(DomainAliases::Name, 253).primary_key())
                .col(fk(DomainAliases::DomainId))
                .foreign_key(
                    ForeignKey::create()
                        .from(DomainAliases::Table, DomainAliases::DomainId)
                        .to(Domains::Table, Domains::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_domain_aliases_domain")
                .table(DomainAliases::Table)
                .col(DomainAliases::DomainId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Accounts::Table)
                .col(id(Accounts::Id))
                .col(fk(Accounts::DomainId))
                .col(string_len_uniq(Accounts::AddressKey, 320))
                .col(string_len(Accounts::LocalPart, 64))
                .col(string_len(Accounts::DisplayName, 200))
                .col(text(Accounts::PasswordHash))
                .col(string_len(Accounts::Role, 20))
                .col(big_integer_null(Accounts::QuotaBytes))
                .col(boolean(Accounts::Enabled))
                .col(timestamp_with_time_zone(Accounts::CreatedAt))
                .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                // A domain with accounts cannot be deleted by accident.
                .foreign_key(
                    ForeignKey::create()
                        .from(Accounts::Table, Accounts::DomainId)
                        .to(Domains::Table, Domains::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_accounts_domain")
                .table(Accounts::Table)
                .col(Accounts::DomainId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AccountAdminDomains::Table)
                .col(fk(AccountAdminDomains::AccountId))
                .col(fk(AccountAdminDomains::DomainId))
                .primary_key(
                    Index::create()
                        .col(AccountAdminDomains::AccountId)
                        .col(AccountAdminDomains::DomainId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AccountAdminDomains::Table, AccountAdminDomains::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AccountAdminDomains::Table, AccountAdminDomains::DomainId)
                        .to(Domains::Table, Domains::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Aliases::Table)
                .col(id(Aliases::Id))
                .col(fk(Aliases::DomainId))
                .col(string_len_uniq(Aliases::AddressKey, 320))
                .col(text(Aliases::Targets))
                .col(timestamp_with_time_zone(Aliases::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Aliases::Table, Aliases::DomainId)
                        .to(Domains::Table, Domains::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_aliases_domain")
                .table(Aliases::Table)
                .col(Aliases::DomainId)
                .to_owned(),
        )
        .await
    }
}
