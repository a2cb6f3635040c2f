use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub account_id: String,
    pub mailbox_id: String,
    pub uid: i64,
    pub modseq: i64,
    pub flags: i64,
    pub keywords: String,
    pub internal_date: DateTimeUtc,
    pub save_date: DateTimeUtc,
    pub size: i64,
    pub blob_hash: String,
    pub from_addr: Option<String>,
    pub to_addrs: Option<String>,
    pub subject: Option<String>,
    /// The base subject, case-folded (migration 24): what a list sorted by subject compares.
    pub sort_subject: Option<String>,
    pub sent_date: Option<DateTimeUtc>,
    pub message_id_header: Option<String>,
    pub references_header: Option<String>,
    pub thread_id: Option<String>,
    pub has_attachments: bool,
    pub preview: Option<String>,
    pub pop3_retrieved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
