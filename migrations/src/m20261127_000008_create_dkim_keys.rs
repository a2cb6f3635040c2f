//! DKIM signing keys, one per domain: the selector it is published under and the key
//! pair (PKCS#8 private key, SubjectPublicKeyInfo public key, both base64 DER). The key
//! goes with its domain.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_create_directory::Domains;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DkimKeys {
    Table,
    DomainId,
    Selector,
    PrivateKey,
    PublicKey,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DkimKeys::Table)
                .col(string_len(DkimKeys::DomainId, 40).primary_key())
                .col(string_len(DkimKeys::Selector, 63))
                .col(text(DkimKeys::PrivateKey))
                .col(text(DkimKeys::PublicKey))
                .col(timestamp_with_time_zone(DkimKeys::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DkimKeys::Table, DkimKeys::DomainId)
                        .to(Domains::Table, Domains::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }
}
