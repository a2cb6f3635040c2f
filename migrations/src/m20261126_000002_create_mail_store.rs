//! Mailboxes, messages and expunge tombstones, with the IMAP state in the schema:
//! UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ per mailbox; UID, MODSEQ, flags and keywords
//! per message; tombstones keep the MODSEQ of each expunge for QRESYNC `VANISHED`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Mailboxes {
    Table,
    Id,
    AccountId,
    Name,
    SpecialUse,
    Uidvalidity,
    Uidnext,
    Highestmodseq,
    Subscribed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    AccountId,
    MailboxId,
    Uid,
    Modseq,
    Flags,
    Keywords,
    InternalDate,
    SaveDate,
    Size,
    BlobHash,
    FromAddr,
    ToAddrs,
    Subject,
    SentDate,
    MessageIdHeader,
    ReferencesHeader,
    ThreadId,
    HasAttachments,
    Preview,
}

#[derive(DeriveIden)]
enum Expunged {
    Table,
    MailboxId,
    Uid,
    Modseq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Mailboxes::Table)
                .col(string_len(Mailboxes::Id, 40).primary_key())
                .col(string_len(Mailboxes::AccountId, 40))
                .col(string_len(Mailboxes::Name, 1000))
                .col(string_len_null(Mailboxes::SpecialUse, 20))
                .col(big_integer(Mailboxes::Uidvalidity))
                .col(big_integer(Mailboxes::Uidnext))
                .col(big_integer(Mailboxes::Highestmodseq))
                .col(boolean(Mailboxes::Subscribed))
                .col(timestamp_with_time_zone(Mailboxes::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Mailboxes::Table, Mailboxes::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_mailboxes_account_name")
                .table(Mailboxes::Table)
                .col(Mailboxes::AccountId)
                .col(Mailboxes::Name)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Messages::Table)
                .col(string_len(Messages::Id, 40).primary_key())
                .col(string_len(Messages::AccountId, 40))
                .col(string_len(Messages::MailboxId, 40))
                .col(big_integer(Messages::Uid))
                .col(big_integer(Messages::Modseq))
                .col(big_integer(Messages::Flags))
                .col(text(Messages::Keywords))
                .col(timestamp_with_time_zone(Messages::InternalDate))
                .col(timestamp_with_time_zone(Messages::SaveDate))
                .col(big_integer(Messages::Size))
                .col(string_len(Messages::BlobHash, 64))
                .col(text_null(Messages::FromAddr))
                .col(text_null(Messages::ToAddrs))
                .col(text_null(Messages::Subject))
                .col(timestamp_with_time_zone_null(Messages::SentDate))
                .col(text_null(Messages::MessageIdHeader))
                .col(text_null(Messages::ReferencesHeader))
                .col(string_len_null(Messages::ThreadId, 40))
                .col(boolean(Messages::HasAttachments))
                .col(text_null(Messages::Preview))
                .foreign_key(
                    ForeignKey::create()
                        .from(Messages::Table, Messages::MailboxId)
                        .to(Mailboxes::Table, Mailboxes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Messages::Table, Messages::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "idx_messages_mailbox_uid",
                vec![Messages::MailboxId, Messages::Uid],
            ),
            (
                "idx_messages_mailbox_modseq",
                vec![Messages::MailboxId, Messages::Modseq],
            ),
            ("idx_messages_account", vec![Messages::AccountId]),
            ("idx_messages_blob", vec![Messages::BlobHash]),
        ] {
            let mut idx = Index::create().name(name).table(Messages::Table).to_owned();
            for c in cols {
                idx.col(c);
            }
            if name == "idx_messages_mailbox_uid" {
                idx.unique();
            }
            m.create_index(idx).await?;
        }
        m.create_table(
            Table::create()
                .table(Expunged::Table)
                .col(string_len(Expunged::MailboxId, 40))
                .col(big_integer(Expunged::Uid))
                .col(big_integer(Expunged::Modseq))
                .primary_key(Index::create().col(Expunged::MailboxId).col(Expunged::Uid))
                .foreign_key(
                    ForeignKey::create()
                        .from(Expunged::Table, Expunged::MailboxId)
                        .to(Mailboxes::Table, Mailboxes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_expunged_mailbox_modseq")
                .table(Expunged::Table)
                .col(Expunged::MailboxId)
                .col(Expunged::Modseq)
                .to_owned(),
        )
        .await
    }
}
