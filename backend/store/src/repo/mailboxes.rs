//! Mailboxes. Every account is created with the special-use mailboxes of RFC 6154.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::new_id;
use crate::views::Mailboxes;
use crate::{StoreError, entity::mailbox};

/// The mailboxes every account has, with their RFC 6154 special-use attribute. `Trash`
/// is what the web app calls "Deleted".
pub const SPECIAL_MAILBOXES: [(&str, Option<&str>); 6] = [
    ("INBOX", None),
    ("Sent", Some("\\Sent")),
    ("Drafts", Some("\\Drafts")),
    ("Trash", Some("\\Trash")),
    ("Junk", Some("\\Junk")),
    ("Archive", Some("\\Archive")),
];

/// A mailbox with its IMAP state.
#[derive(Debug, Clone, PartialEq)]
pub struct MailboxRecord {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub special_use: Option<String>,
    pub uidvalidity: u32,
    pub uidnext: u32,
    pub highestmodseq: u64,
    pub created_at: DateTime<Utc>,
    /// The lowest UID not yet claimed as `\Recent` by an IMAP session (RFC 3501
    /// §2.3.2): messages from here to UIDNEXT are recent to whoever claims them.
    pub recent_uid: u32,
}

impl From<mailbox::Model> for MailboxRecord {
    fn from(m: mailbox::Model) -> Self {
        MailboxRecord {
            id: m.id,
            account_id: m.account_id,
            name: m.name,
            special_use: m.special_use,
            uidvalidity: m.uidvalidity as u32,
            uidnext: m.uidnext as u32,
            highestmodseq: m.highestmodseq as u64,
            created_at: m.created_at,
            recent_uid: m.recent_uid.clamp(0, i64::from(u32::MAX)) as u32,
        }
    }
}

/// A UIDVALIDITY for a new mailbox: the current time in seconds, and never a value this
/// process handed out before, so a mailbox deleted and created again under the same name
/// gets a new value even within one second (RFC 9051 §2.3.1.1).
pub(super) fn new_uidvalidity() -> i64 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static LAST: AtomicU32 = AtomicU32::new(0);
    let now = (Utc::now().timestamp() as u64 & 0xFFFF_FFFF) as u32;
    let prev = LAST
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(now.max(last.wrapping_add(1)).max(1))
        })
        .unwrap_or(0);
    i64::from(now.max(prev.wrapping_add(1)).max(1))
}

pub(crate) async fn create_special_mailboxes(
    db: &impl ConnectionTrait,
    account_id: &str,
) -> Result<(), StoreError> {
    let uidvalidity = new_uidvalidity();
    for (name, special) in SPECIAL_MAILBOXES {
        mailbox::ActiveModel {
            id: Set(new_id()),
            account_id: Set(account_id.to_owned()),
            name: Set(name.to_owned()),
            special_use: Set(special.map(str::to_owned)),
            uidvalidity: Set(uidvalidity),
            uidnext: Set(1),
            highestmodseq: Set(1),
            subscribed: Set(true),
            created_at: Set(Utc::now()),
            recent_uid: Set(1),
        }
        .insert(db)
        .await?;
        super::subscriptions::subscribe_in(db, account_id, name).await?;
    }
    Ok(())
}

impl Mailboxes<'_> {
    /// The mailboxes of an account, INBOX first, then by name.
    pub async fn of_account(self, account_id: &str) -> Result<Vec<MailboxRecord>, StoreError> {
        let mut rows: Vec<MailboxRecord> = mailbox::Entity::find()
            .filter(mailbox::Column::AccountId.eq(account_id))
            .order_by_asc(mailbox::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(MailboxRecord::from)
            .collect();
        rows.sort_by_key(|m| m.name != "INBOX");
        Ok(rows)
    }
}

/// How many messages a mailbox holds, how many are unread (without `\Seen`) and their
/// size in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailboxCounts {
    pub total: u64,
    pub unread: u64,
    pub bytes: u64,
}

impl Mailboxes<'_> {
    /// How many of an account's messages arrived (were stored) at or after `since`.
    pub async fn arrived_since(
        self,
        account_id: &str,
        since: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;

        use crate::entity::message;
        Ok(message::Entity::find()
            .filter(message::Column::AccountId.eq(account_id))
            .filter(message::Column::InternalDate.gte(since))
            .count(&self.db)
            .await?)
    }

    /// The counts of every mailbox of an account that holds messages, by mailbox id, in
    /// one aggregate query.
    pub async fn counts(
        self,
        account_id: &str,
    ) -> Result<std::collections::HashMap<String, MailboxCounts>, StoreError> {
        use sea_orm::{QuerySelect, sea_query::Expr};

        use crate::entity::message;
        // CAST: PostgreSQL sums BIGINT into NUMERIC.
        let rows: Vec<(String, i64, i64, i64)> = message::Entity::find()
            .select_only()
            .column(message::Column::MailboxId)
            .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "total")
            .column_as(
                Expr::cust(format!(
                    "CAST(SUM(CASE WHEN (flags & {}) = 0 THEN 1 ELSE 0 END) AS BIGINT)",
                    super::messages::flags::SEEN
                )),
                "unread",
            )
            .column_as(Expr::cust("CAST(SUM(size) AS BIGINT)"), "bytes")
            .filter(message::Column::AccountId.eq(account_id))
            .group_by(message::Column::MailboxId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, total, unread, bytes)| {
                let n = |v: i64| u64::try_from(v).unwrap_or(0);
                (
                    id,
                    MailboxCounts {
                        total: n(total),
                        unread: n(unread),
                        bytes: n(bytes),
                    },
                )
            })
            .collect())
    }
}
