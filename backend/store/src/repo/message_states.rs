//! A message's state as a mail client's view of a mailbox keeps it: its UID, flags,
//! keywords and MODSEQ, and what a FETCH of it needs without the row (size, arrival,
//! content). Read for every message of a mailbox each time a selected mailbox changes,
//! so the query reads these eight columns only, not the header summary and preview that
//! listings show: most of the cost of a reload was decoding columns nobody looked at.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::messages::parse_keywords;
use crate::views::Messages;
use crate::{MessageRecord, StoreError, entity::message};

/// What a mailbox view keeps of a message (see the module's comment).
#[derive(Debug, Clone, PartialEq)]
pub struct MessageState {
    pub id: String,
    pub uid: u32,
    pub modseq: u64,
    pub flags: u64,
    pub keywords: Vec<String>,
    pub size: u64,
    pub internal_date: DateTime<Utc>,
    pub blob_hash: String,
}

impl From<MessageRecord> for MessageState {
    fn from(r: MessageRecord) -> Self {
        MessageState {
            id: r.id,
            uid: r.uid,
            modseq: r.modseq,
            flags: r.flags,
            keywords: r.keywords,
            size: r.size,
            internal_date: r.internal_date,
            blob_hash: r.blob_hash,
        }
    }
}

/// The columns read, as the database gives them.
#[derive(Debug, FromQueryResult)]
struct Row {
    id: String,
    uid: i64,
    modseq: i64,
    flags: i64,
    keywords: String,
    size: i64,
    internal_date: DateTime<Utc>,
    blob_hash: String,
}

impl From<Row> for MessageState {
    fn from(r: Row) -> Self {
        MessageState {
            id: r.id,
            uid: r.uid as u32,
            modseq: r.modseq as u64,
            flags: r.flags as u64,
            keywords: parse_keywords(&r.keywords),
            size: r.size as u64,
            internal_date: r.internal_date,
            blob_hash: r.blob_hash,
        }
    }
}

/// The messages of `mailbox_id`, in UID order, reading only a state's columns.
pub(super) fn states_of(mailbox_id: &str) -> Select<message::Entity> {
    use message::Column as C;
    message::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::Uid,
            C::Modseq,
            C::Flags,
            C::Keywords,
            C::Size,
            C::InternalDate,
            C::BlobHash,
        ])
        .filter(C::MailboxId.eq(mailbox_id))
        .order_by_asc(C::Uid)
}

/// Runs a [`states_of`] query.
pub(super) async fn read_states(
    query: Select<message::Entity>,
    db: &impl sea_orm::ConnectionTrait,
) -> Result<Vec<MessageState>, StoreError> {
    Ok(query
        .into_model::<Row>()
        .all(db)
        .await?
        .into_iter()
        .map(MessageState::from)
        .collect())
}

impl Messages<'_> {
    /// The state of every message of a mailbox, in UID order.
    pub async fn states_in_mailbox(
        self,
        mailbox_id: &str,
    ) -> Result<Vec<MessageState>, StoreError> {
        read_states(states_of(mailbox_id), &self.db).await
    }
}
