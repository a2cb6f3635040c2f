use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "list_posts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub list_id: String,
    pub message_id: String,
    pub thread_id: String,
    pub parent_id: Option<String>,
    pub subject: String,
    pub author_name: String,
    pub author_address: String,
    pub posted_at: DateTimeUtc,
    pub size: i64,
    pub blob_hash: String,
    pub search_text: String,
    pub digest_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
