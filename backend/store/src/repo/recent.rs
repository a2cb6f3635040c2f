//! Which messages are `\Recent` (RFC 3501 §2.3.2): "this session is the first session
//! to have been notified about this message". Each mailbox keeps the lowest UID no
//! session has claimed (`recent_uid`); a session claims every UID from there to
//! UIDNEXT at once, so each message is recent in exactly one session. The store only
//! counts and hands out claims: which sessions claim (IMAP4rev1 ones, read-write) is
//! the caller's decision.

use std::ops::Range;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, UpdateMany,
    sea_query::{Expr, ExprTrait as _},
};

use super::messages::{holds_database, lock_statement};
use crate::batch::Batch;
use crate::tx::End;
use crate::views::Mailboxes;
use crate::{
    StoreError,
    entity::{mailbox, message},
};

impl Mailboxes<'_> {
    /// The UIDs not yet claimed as `\Recent` (`recent_uid..uidnext`), without claiming
    /// them: what a read-only session shows as recent (RFC 3501 §6.3.2: EXAMINE "MUST
    /// NOT cause messages to lose the \Recent flag").
    pub async fn unclaimed_recent(self, mailbox_id: &str) -> Result<Range<u32>, StoreError> {
        let row: Option<(i64, i64)> = mailbox::Entity::find_by_id(mailbox_id.to_owned())
            .select_only()
            .column(mailbox::Column::RecentUid)
            .column(mailbox::Column::Uidnext)
            .into_tuple()
            .one(&self.db)
            .await?;
        let (from, to) = row.ok_or(StoreError::NotFound)?;
        Ok(uid_range(from, to))
    }

    /// Claims every UID not yet claimed as `\Recent` and returns them
    /// (`recent_uid..uidnext` before the claim; empty if there were none). Two
    /// sessions that claim at once get disjoint ranges. Only a claim with something
    /// to take writes: when no message with one of the unclaimed UIDs is left (they
    /// were expunged before anyone saw them), nothing is claimed and the range stays
    /// for the claim that next finds a message in it.
    pub async fn claim_recent(self, mailbox_id: &str) -> Result<Range<u32>, StoreError> {
        let unclaimed = self.unclaimed_recent(mailbox_id).await?;
        if unclaimed.is_empty() || !self.any_message_in(mailbox_id, &unclaimed).await? {
            return Ok(0..0);
        }
        let mailbox_id = mailbox_id.to_owned();
        self.write_or_not(async move |txn| {
            let claimed = claim_in(txn, &mailbox_id).await?;
            Ok(if claimed.is_empty() {
                End::Rollback(claimed)
            } else {
                End::Commit(claimed)
            })
        })
        .await
    }
}

/// Claims, inside `txn`, every UID of the mailbox not yet claimed as `\Recent`; returns
/// them (empty, writing nothing, when there are none).
///
/// One batch, one round trip: the mailbox's marks read, then the claim, which moves
/// `recent_uid` up to `uidnext` where it is below. On PostgreSQL the mailbox's row lock
/// comes first, so the read sees the last claim and nobody claims between the read and
/// the write; SQLite's write transaction holds the whole database.
pub(super) async fn claim_in(
    txn: &DatabaseTransaction,
    mailbox_id: &str,
) -> Result<Range<u32>, StoreError> {
    let db = txn.get_database_backend();
    let mut batch = Batch::new();
    if !holds_database(txn) {
        batch.push(db, &lock_statement(mailbox_id));
    }
    batch.push(
        db,
        &mailbox::Entity::find_by_id(mailbox_id.to_owned())
            .select_only()
            .column(mailbox::Column::RecentUid)
            .column(mailbox::Column::Uidnext)
            .into_query(),
    );
    batch.push(
        db,
        &mailbox::Entity::update_many()
            .col_expr(
                mailbox::Column::RecentUid,
                Expr::col(mailbox::Column::Uidnext),
            )
            .filter(mailbox::Column::Id.eq(mailbox_id))
            .filter(Expr::col(mailbox::Column::RecentUid).lt(Expr::col(mailbox::Column::Uidnext)))
            .into_query(),
    );
    let rows = batch.rows(txn).await?;
    let row = rows.first().ok_or(StoreError::NotFound)?;
    let from: i64 = row.try_get("", "recent_uid")?;
    let to: i64 = row.try_get("", "uidnext")?;
    Ok(uid_range(from, to))
}

/// The claim of `unclaimed` (what a read under the mailbox's lock found), for a caller
/// that sends it with its other statements; `None` when there is nothing to claim.
pub(super) fn claim_statement(
    mailbox_id: &str,
    unclaimed: &Range<u32>,
) -> Option<UpdateMany<mailbox::Entity>> {
    (!unclaimed.is_empty()).then(|| {
        mailbox::Entity::update_many()
            .col_expr(
                mailbox::Column::RecentUid,
                Expr::value(i64::from(unclaimed.end)),
            )
            .filter(mailbox::Column::Id.eq(mailbox_id))
    })
}

impl Mailboxes<'_> {
    /// Whether a message of the mailbox has a UID in `uids`.
    async fn any_message_in(self, mailbox_id: &str, uids: &Range<u32>) -> Result<bool, StoreError> {
        let found: Option<i64> = message::Entity::find()
            .select_only()
            .column(message::Column::Uid)
            .filter(message::Column::MailboxId.eq(mailbox_id))
            .filter(message::Column::Uid.gte(i64::from(uids.start)))
            .filter(message::Column::Uid.lt(i64::from(uids.end)))
            .limit(1)
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(found.is_some())
    }
}

/// `from..to` as UIDs; empty when `from >= to`.
pub(super) fn uid_range(from: i64, to: i64) -> Range<u32> {
    let clamp = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
    let (from, to) = (clamp(from), clamp(to));
    from..Ord::max(to, from)
}
