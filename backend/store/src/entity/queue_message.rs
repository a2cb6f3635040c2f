use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "queue_messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub sender: String,
    pub account_id: Option<String>,
    pub blob_hash: String,
    pub size: i64,
    pub envelope_id: Option<String>,
    pub return_full: bool,
    pub is_bounce: bool,
    pub subject: String,
    pub created_at: DateTimeUtc,
    pub message_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
