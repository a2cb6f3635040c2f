use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub domain_id: String,
    pub address_key: String,
    pub local_part: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub quota_bytes: Option<i64>,
    pub enabled: bool,
    pub scram_sha256: Option<String>,
    pub legacy_secret: Option<String>,
    pub pop3_mode: String,
    pub pop3_retention_days: Option<i32>,
    pub used_bytes: i64,
    pub token_generation: i64,
    pub time_zone: Option<String>,
    pub must_change_password: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
