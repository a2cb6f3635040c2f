use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "queue_recipients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub queue_id: String,
    pub address: String,
    pub domain: String,
    pub notify: Option<String>,
    pub orcpt: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub last_status: Option<String>,
    pub remote_mta: Option<String>,
    pub delay_notified: bool,
    pub updated_at: DateTimeUtc,
    pub return_path: Option<String>,
    pub header: Option<String>,
    pub bounce_requested: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
