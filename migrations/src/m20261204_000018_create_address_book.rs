//! The address book: each account's contacts, kept as vCard text (what import, export
//! and a future CardDAV serve as they are, unknown properties included) with the
//! columns listings and lookups need — the display name and its sort key, the text a
//! search looks through, and each e-mail address in a table of its own so that "is this
//! sender in my address book" is one indexed lookup; and contact groups (distribution
//! lists) with their members. All of it goes with the account.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    AccountId,
    Uid,
    FullName,
    SortKey,
    SearchText,
    Vcard,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ContactEmails {
    Table,
    ContactId,
    Position,
    AccountId,
    Address,
}

#[derive(DeriveIden)]
enum ContactGroups {
    Table,
    Id,
    AccountId,
    Name,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ContactGroupMembers {
    Table,
    GroupId,
    ContactId,
}

fn cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Contacts::Table)
                .col(string_len(Contacts::Id, 40).primary_key())
                .col(string_len(Contacts::AccountId, 40))
                .col(string_len(Contacts::Uid, 255))
                .col(string_len(Contacts::FullName, 255))
                .col(string_len(Contacts::SortKey, 320))
                .col(text(Contacts::SearchText))
                .col(text(Contacts::Vcard))
                .col(timestamp_with_time_zone(Contacts::UpdatedAt))
                .foreign_key(&mut cascade(
                    (Contacts::Table, Contacts::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("contacts_account_uid")
                .table(Contacts::Table)
                .col(Contacts::AccountId)
                .col(Contacts::Uid)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("contacts_account_sort")
                .table(Contacts::Table)
                .col(Contacts::AccountId)
                .col(Contacts::SortKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ContactEmails::Table)
                .col(string_len(ContactEmails::ContactId, 40))
                .col(integer(ContactEmails::Position))
                .col(string_len(ContactEmails::AccountId, 40))
                .col(string_len(ContactEmails::Address, 320))
                .primary_key(
                    Index::create()
                        .col(ContactEmails::ContactId)
                        .col(ContactEmails::Position),
                )
                .foreign_key(&mut cascade(
                    (ContactEmails::Table, ContactEmails::ContactId),
                    (Contacts::Table, Contacts::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("contact_emails_account_address")
                .table(ContactEmails::Table)
                .col(ContactEmails::AccountId)
                .col(ContactEmails::Address)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ContactGroups::Table)
                .col(string_len(ContactGroups::Id, 40).primary_key())
                .col(string_len(ContactGroups::AccountId, 40))
                .col(string_len(ContactGroups::Name, 255))
                .col(timestamp_with_time_zone(ContactGroups::UpdatedAt))
                .foreign_key(&mut cascade(
                    (ContactGroups::Table, ContactGroups::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("contact_groups_account_name")
                .table(ContactGroups::Table)
                .col(ContactGroups::AccountId)
                .col(ContactGroups::Name)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ContactGroupMembers::Table)
                .col(string_len(ContactGroupMembers::GroupId, 40))
                .col(string_len(ContactGroupMembers::ContactId, 40))
                .primary_key(
                    Index::create()
                        .col(ContactGroupMembers::GroupId)
                        .col(ContactGroupMembers::ContactId),
                )
                .foreign_key(&mut cascade(
                    (ContactGroupMembers::Table, ContactGroupMembers::GroupId),
                    (ContactGroups::Table, ContactGroups::Id),
                ))
                .foreign_key(&mut cascade(
                    (ContactGroupMembers::Table, ContactGroupMembers::ContactId),
                    (Contacts::Table, Contacts::Id),
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ContactGroupMembers::Table.into_iden(),
            ContactGroups::Table.into_iden(),
            ContactEmails::Table.into_iden(),
            Contacts::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
