//! The audit log: one row per administrative change (who, when, from where, through
//! which door, what it changed, before and after). Rows name the domain they concern
//! so a domain administrator reads only its own; they outlive what they describe (no
//! foreign keys) and are removed by age alone, after the retention the server setting
//! `audit_retention_days` gives.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    Actor,
    Ip,
    Via,
    Action,
    DomainId,
    Target,
    Before,
    After,
    SearchText,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(string_len(AuditLog::Id, 40).primary_key())
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(string_len_null(AuditLog::ActorId, 40))
                .col(string_len(AuditLog::Actor, 320))
                .col(string_len_null(AuditLog::Ip, 64))
                .col(string_len(AuditLog::Via, 16))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len_null(AuditLog::DomainId, 40))
                .col(string_len(AuditLog::Target, 400))
                .col(text_null(AuditLog::Before))
                .col(text_null(AuditLog::After))
                .col(text(AuditLog::SearchText))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_log_at")
                .table(AuditLog::Table)
                .col(AuditLog::At)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_log_domain")
                .table(AuditLog::Table)
                .col(AuditLog::DomainId)
                .col(AuditLog::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await
    }
}
