//! Delivery rules: one rule set per account and one per domain, kept as the JSON of
//! `osprey_rules::RuleSet` with a revision that grows with each change (what a writer
//! must name to replace it, and what compiled rules are cached by); and the log of
//! automatic answers, one row per account, answer and sender with the time it was
//! last sent (RFC 5230 §4.2: each sender at most once per period). Both go with their
//! account or domain.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::{Accounts, Domains};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RuleSets {
    Table,
    Id,
    AccountId,
    DomainId,
    Rules,
    Revision,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AutoReplies {
    Table,
    AccountId,
    Handle,
    Sender,
    RepliedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RuleSets::Table)
                .col(string_len(RuleSets::Id, 40).primary_key())
                .col(string_len_null(RuleSets::AccountId, 40))
                .col(string_len_null(RuleSets::DomainId, 40))
                .col(text(RuleSets::Rules))
                .col(big_integer(RuleSets::Revision))
                .col(timestamp_with_time_zone(RuleSets::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RuleSets::Table, RuleSets::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(RuleSets::Table, RuleSets::DomainId)
                        .to(Domains::Table, Domains::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_rule_sets_account", RuleSets::AccountId),
            ("idx_rule_sets_domain", RuleSets::DomainId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(RuleSets::Table)
                    .col(col)
                    .unique()
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(AutoReplies::Table)
                .col(string_len(AutoReplies::AccountId, 40))
                .col(string_len(AutoReplies::Handle, 100))
                .col(string_len(AutoReplies::Sender, 320))
                .col(timestamp_with_time_zone(AutoReplies::RepliedAt))
                .primary_key(
                    Index::create()
                        .col(AutoReplies::AccountId)
                        .col(AutoReplies::Handle)
                        .col(AutoReplies::Sender),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AutoReplies::Table, AutoReplies::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AutoReplies::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(RuleSets::Table).to_owned())
            .await
    }
}
