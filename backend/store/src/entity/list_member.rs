use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "list_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub list_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub address_key: String,
    pub address: String,
    pub display_name: Option<String>,
    pub delivery_mode: String,
    pub status: String,
    pub bounce_score: i32,
    pub joined_at: DateTimeUtc,
    pub token: Option<String>,
    pub last_bounce_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
