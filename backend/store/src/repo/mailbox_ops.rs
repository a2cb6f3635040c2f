//! Changing an account's mailboxes: creating, renaming (with the mailboxes below and
//! their subscriptions) and deleting (with their messages) (RFC 9051 §6.3.4-§6.3.6).
//!
//! The store knows hierarchy only as far as renaming needs it: the caller passes the
//! delimiter and decides what a valid name is, whether parents are created, and which
//! mailboxes may not be deleted or renamed.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};

use super::{
    MailboxRecord,
    mailboxes::new_uidvalidity,
    messages::{CHUNK, lock_mailboxes, lock_owner_of, move_rows},
    new_id,
};
use crate::views::Mailboxes;
use crate::{
    Change, ChangeKind, StoreError,
    entity::{account, expunged, mailbox, message},
    error::conflict_on_unique,
};

impl Mailboxes<'_> {
    /// The mailbox with this id.
    pub async fn mailbox(self, id: &str) -> Result<MailboxRecord, StoreError> {
        mailbox::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .map(MailboxRecord::from)
            .ok_or(StoreError::NotFound)
    }

    /// Creates a mailbox with a fresh UIDVALIDITY; `Conflict` if the name is taken.
    pub async fn create_mailbox(
        self,
        account_id: &str,
        name: &str,
        special_use: Option<&str>,
    ) -> Result<MailboxRecord, StoreError> {
        let created = mailbox::ActiveModel {
            id: Set(new_id()),
            account_id: Set(account_id.to_owned()),
            name: Set(name.to_owned()),
            special_use: Set(special_use.map(str::to_owned)),
            uidvalidity: Set(new_uidvalidity()),
            uidnext: Set(1),
            highestmodseq: Set(1),
            subscribed: Set(false),
            created_at: Set(Utc::now()),
            recent_uid: Set(1),
        }
        .insert(&self.db)
        .await
        .map(MailboxRecord::from)
        .map_err(conflict_on_unique(format!("mailbox {name} exists")))?;
        self.publish_mailboxes(account_id, &created.id);
        Ok(created)
    }

    /// Creates the mailbox `name` and moves every message of `from_mailbox_id` there
    /// with fresh UIDs, in one transaction: IMAP's RENAME of INBOX (RFC 9051 §6.3.6).
    /// `Conflict` if the name is taken, `NotFound` if the source does not exist.
    pub async fn move_all_to_new_mailbox(
        self,
        from_mailbox_id: &str,
        name: &str,
    ) -> Result<MailboxRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let owner = lock_owner_of(&txn, from_mailbox_id).await?;
        let target = mailbox::ActiveModel {
            id: Set(new_id()),
            account_id: Set(owner.clone()),
            name: Set(name.to_owned()),
            special_use: Set(None),
            uidvalidity: Set(new_uidvalidity()),
            uidnext: Set(1),
            highestmodseq: Set(1),
            subscribed: Set(false),
            created_at: Set(Utc::now()),
            recent_uid: Set(1),
        }
        .insert(&txn)
        .await
        .map(MailboxRecord::from)
        .map_err(conflict_on_unique(format!("mailbox {name} exists")))?;
        lock_mailboxes(&txn, &[from_mailbox_id, target.id.as_str()]).await?;
        let rows = message::Entity::find()
            .filter(message::Column::MailboxId.eq(from_mailbox_id))
            .order_by_asc(message::Column::Uid)
            .all(&txn)
            .await?;
        if rows.is_empty() {
            self.commit(txn, turn).await?;
            self.publish_mailboxes(&owner, &target.id);
            return Ok(target);
        }
        let (_, modseq, from_modseq) =
            move_rows(&txn, &owner, from_mailbox_id, &rows, &target.id).await?;
        self.commit(txn, turn).await?;
        self.publish_mailboxes(&owner, &target.id);
        self.publish(Change {
            account_id: owner.clone(),
            mailbox_id: target.id.clone(),
            modseq,
            kind: ChangeKind::Appended,
        });
        self.publish(Change {
            account_id: owner,
            mailbox_id: from_mailbox_id.to_owned(),
            modseq: from_modseq,
            kind: ChangeKind::Expunged,
        });
        Ok(target)
    }

    /// Renames a mailbox and every mailbox below it (`from` + `delimiter` + ...), in one
    /// transaction. `NotFound` if `from` does not exist, `Conflict` if a new name is
    /// taken.
    pub async fn rename_mailbox(
        self,
        account_id: &str,
        from: &str,
        to: &str,
        delimiter: char,
    ) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let prefix = format!("{from}{delimiter}");
        let rows: Vec<mailbox::Model> = mailbox::Entity::find()
            .filter(mailbox::Column::AccountId.eq(account_id))
            .all(&txn)
            .await?
            .into_iter()
            .filter(|m| m.name == from || m.name.starts_with(&prefix))
            .collect();
        let Some(renamed) = rows.iter().find(|m| m.name == from).map(|m| m.id.clone()) else {
            return Err(StoreError::NotFound);
        };
        for row in rows {
            let new_name = format!("{to}{}", &row.name[from.len()..]);
            let mut active: mailbox::ActiveModel = row.into();
            active.name = Set(new_name.clone());
            active
                .update(&txn)
                .await
                .map_err(conflict_on_unique(format!("mailbox {new_name} exists")))?;
        }
        super::subscriptions::rename_in(&txn, account_id, from, to, delimiter).await?;
        self.commit(txn, turn).await?;
        self.publish_mailboxes(account_id, &renamed);
        Ok(())
    }

    /// Deletes a mailbox with its messages and tombstones, freeing their quota.
    pub async fn delete_mailbox(self, id: &str) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let mb = mailbox::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        super::messages::lock_accounts(&txn, &[mb.account_id.as_str()]).await?;
        let rows: Vec<(String, i64)> = message::Entity::find()
            .filter(message::Column::MailboxId.eq(id))
            .select_only()
            .column(message::Column::Id)
            .column(message::Column::Size)
            .into_tuple()
            .all(&txn)
            .await?;
        let freed: i64 = rows.iter().map(|r| r.1).sum();
        let ids: Vec<String> = rows.into_iter().map(|r| r.0).collect();
        for chunk in ids.chunks(CHUNK) {
            message::Entity::delete_many()
                .filter(message::Column::Id.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?;
        }
        expunged::Entity::delete_many()
            .filter(expunged::Column::MailboxId.eq(id))
            .exec(&txn)
            .await?;
        mailbox::Entity::delete_by_id(id.to_owned())
            .exec(&txn)
            .await?;
        account::Entity::update_many()
            .col_expr(
                account::Column::UsedBytes,
                Expr::col(account::Column::UsedBytes).sub(freed),
            )
            .filter(account::Column::Id.eq(mb.account_id.as_str()))
            .exec(&txn)
            .await?;
        self.commit(txn, turn).await?;
        self.publish_mailboxes(&mb.account_id, id);
        self.publish(Change {
            account_id: mb.account_id,
            mailbox_id: id.to_owned(),
            modseq: mb.highestmodseq as u64 + 1,
            kind: ChangeKind::Expunged,
        });
        Ok(())
    }
}
