//! Changing messages in place or copying them: flags and keywords with a MODSEQ bump
//! (RFC 9051 §6.4.6, RFC 7162 §3.1), and copies into another mailbox of the account
//! with new UIDs (RFC 9051 §6.4.7); and reading the expunge tombstones back
//! (RFC 7162 §3.2.5, §3.2.6).
//!
//! Each call is one transaction, taking the account, then the mailbox, as every writer
//! does; the change is published after the commit.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, EntityTrait, QueryTrait, Set,
    sea_query::{Expr, ExprTrait},
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};

use super::message_states::{MessageState, read_states, states_of};
use super::messages::{
    CHUNK, holds_database, keywords_json, lock_mailboxes, lock_owner_of, next_uid_modseq,
    parse_keywords, rows_in, take_statement, taken,
};
use super::new_id;
use crate::batch::Batch;
use crate::tx::End;
use crate::views::Messages;
use crate::{
    Change, ChangeKind, StoreError,
    entity::{account, expunged, mailbox, message},
};

/// How [`FlagUpdate`] combines with a message's flags (RFC 9051 §6.4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagChange {
    /// `+FLAGS`.
    Add,
    /// `-FLAGS`.
    Remove,
    /// `FLAGS`.
    Replace,
}

/// System flags (bits of [`super::flags`]) and keywords to add, remove or set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagUpdate {
    pub change: FlagChange,
    pub flags: u64,
    pub keywords: Vec<String>,
}

/// A message's flags after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedMessage {
    pub id: String,
    pub uid: u32,
    pub flags: u64,
    pub keywords: Vec<String>,
    pub modseq: u64,
}

/// What a flag update does to one message.
enum Decision {
    /// Its MODSEQ is above UNCHANGEDSINCE: left alone (RFC 7162 §3.1.3).
    Modified,
    /// Already as asked; its keywords as they are.
    Same(Vec<String>),
    /// New flags and keywords.
    Change(u64, Vec<String>),
}

fn decide(row: &message::Model, update: &FlagUpdate, unchanged_since: Option<u64>) -> Decision {
    if unchanged_since.is_some_and(|n| row.modseq as u64 > n) {
        return Decision::Modified;
    }
    let old_keywords = parse_keywords(&row.keywords);
    let (flags, keywords) = apply(update, row.flags as u64, &old_keywords);
    if flags == row.flags as u64 && same_keywords(&keywords, &old_keywords) {
        Decision::Same(old_keywords)
    } else {
        Decision::Change(flags, keywords)
    }
}

impl FlagUpdate {
    /// Returns `true` if and only if this update changes a message that has `flags`
    /// and `keywords`.
    pub fn changes(&self, flags: u64, keywords: &[String]) -> bool {
        let (new_flags, new_keywords) = apply(self, flags, keywords);
        new_flags != flags || !same_keywords(&new_keywords, keywords)
    }
}

/// Keywords compare without regard to case; the first spelling is kept.
fn apply(update: &FlagUpdate, flags: u64, keywords: &[String]) -> (u64, Vec<String>) {
    let has = |list: &[String], k: &str| list.iter().any(|x| x.eq_ignore_ascii_case(k));
    match update.change {
        FlagChange::Add => {
            let mut kw = keywords.to_vec();
            for k in &update.keywords {
                if !has(&kw, k) {
                    kw.push(k.clone());
                }
            }
            (flags | update.flags, kw)
        }
        FlagChange::Remove => {
            let kw = keywords
                .iter()
                .filter(|k| !has(&update.keywords, k))
                .cloned()
                .collect();
            (flags & !update.flags, kw)
        }
        FlagChange::Replace => {
            let mut kw: Vec<String> = Vec::new();
            for k in &update.keywords {
                if !has(&kw, k) {
                    kw.push(k.clone());
                }
            }
            (update.flags, kw)
        }
    }
}

fn same_keywords(a: &[String], b: &[String]) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|k| b.iter().any(|x| x.eq_ignore_ascii_case(k)))
}

/// What changed in a mailbox since a MODSEQ: see `Messages::mailbox_changes`.
#[derive(Debug, Clone, Default)]
pub struct MailboxChanges {
    /// The mailbox's HIGHESTMODSEQ before the changes were read: every change up to it
    /// is in this answer. Ask from here next time.
    pub complete_to: u64,
    /// The messages, as they are now, whose MODSEQ is above the one asked (new ones and
    /// ones whose flags changed), in UID order.
    pub changed: Vec<MessageState>,
    /// The UIDs expunged with a MODSEQ above the one asked, in UID order.
    pub expunged: Vec<u32>,
}

impl Messages<'_> {
    /// What changed in a mailbox since `modseq`, without reading the messages that did
    /// not change: how a session with a large mailbox selected catches up.
    ///
    /// HIGHESTMODSEQ is read first. A mailbox's MODSEQs commit in order (its writers
    /// take them under the mailbox's lock, see `take_uids_modseqs`), so every change up
    /// to that value is visible to the two reads that follow; changes above it may be
    /// seen too (they are seen again next time, from `complete_to`). An expunge that
    /// lands between the two reads is thus either in `expunged` or left for next time,
    /// never lost.
    pub async fn mailbox_changes(
        self,
        mailbox_id: &str,
        modseq: u64,
    ) -> Result<MailboxChanges, StoreError> {
        let complete_to = self.highest_modseq(mailbox_id).await?;
        let expunged = self.expunged_since(mailbox_id, modseq).await?;
        let since = i64::try_from(modseq).unwrap_or(i64::MAX);
        let changed = read_states(
            states_of(mailbox_id).filter(message::Column::Modseq.gt(since)),
            &self.db,
        )
        .await?;
        Ok(MailboxChanges {
            complete_to,
            changed,
            expunged,
        })
    }

    /// A mailbox's HIGHESTMODSEQ as committed now: a cheap way to learn whether anything
    /// changed, for readers that the change bus does not reach (it tells only this
    /// process about its own writes).
    pub async fn highest_modseq(self, mailbox_id: &str) -> Result<u64, StoreError> {
        let modseq: Option<i64> = mailbox::Entity::find_by_id(mailbox_id.to_owned())
            .select_only()
            .column(mailbox::Column::Highestmodseq)
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(modseq.ok_or(StoreError::NotFound)? as u64)
    }

    /// The UIDs of a mailbox's messages expunged with a MODSEQ above `modseq`, in UID
    /// order: what a resynchronising client has missed (RFC 7162 §3.2.5.2).
    pub async fn expunged_since(
        self,
        mailbox_id: &str,
        modseq: u64,
    ) -> Result<Vec<u32>, StoreError> {
        let since = i64::try_from(modseq).unwrap_or(i64::MAX);
        Ok(expunged::Entity::find()
            .filter(expunged::Column::MailboxId.eq(mailbox_id))
            .filter(expunged::Column::Modseq.gt(since))
            .order_by_asc(expunged::Column::Uid)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| e.uid as u32)
            .collect())
    }

    /// Applies `update` to the messages `ids` of a mailbox. Messages whose flags change
    /// get the mailbox's next MODSEQ (one for the whole call); the others keep theirs.
    /// Returns every message of `ids` still present, in UID order, as it is now.
    pub async fn update_flags(
        self,
        mailbox_id: &str,
        ids: &[String],
        update: &FlagUpdate,
    ) -> Result<Vec<FlaggedMessage>, StoreError> {
        Ok(self
            .update_flags_unchanged_since(mailbox_id, ids, update, None, false)
            .await?
            .0)
    }

    /// `Messages::update_flags`, but with `unchanged_since` a message whose MODSEQ is
    /// above it is left alone (RFC 7162 §3.1.3 UNCHANGEDSINCE): the test and the update
    /// happen under the mailbox's lock. Returns the messages updated or already as
    /// asked, and the UIDs of those left alone.
    ///
    /// `seen_change`: the caller's own picture of the messages (an IMAP session's view
    /// of the mailbox) shows one that `update` changes ([`FlagUpdate::changes`]). The
    /// write is then all but certain, and the read that would spare it is skipped; a
    /// picture that was out of date costs a write turn that writes nothing, never a
    /// wrong answer (the write reads the rows again either way).
    pub async fn update_flags_unchanged_since(
        self,
        mailbox_id: &str,
        ids: &[String],
        update: &FlagUpdate,
        unchanged_since: Option<u64>,
        seen_change: bool,
    ) -> Result<(Vec<FlaggedMessage>, Vec<u32>), StoreError> {
        if ids.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        if seen_change {
            self.store_in_write(mailbox_id, ids, update, unchanged_since)
                .await
        } else {
            self.store_as_read(mailbox_id, ids, update, unchanged_since)
                .await
        }
    }

    /// A STORE that changes nothing is a read: when every message is already as asked
    /// (or is left alone by UNCHANGEDSINCE), the answer is what was read, as if the
    /// STORE had run at that moment, and nothing waits for a write turn.
    async fn store_as_read(
        self,
        mailbox_id: &str,
        ids: &[String],
        update: &FlagUpdate,
        unchanged_since: Option<u64>,
    ) -> Result<(Vec<FlaggedMessage>, Vec<u32>), StoreError> {
        let read: Vec<_> = rows_in(&self.db, mailbox_id, ids)
            .await?
            .into_iter()
            .map(|row| (decide(&row, update, unchanged_since), row))
            .collect();
        if !read.iter().any(|(d, _)| matches!(d, Decision::Change(..))) {
            let mut out = Vec::with_capacity(read.len());
            let mut modified = Vec::new();
            for (decision, row) in read {
                match decision {
                    Decision::Same(keywords) => out.push(FlaggedMessage {
                        id: row.id,
                        uid: row.uid as u32,
                        flags: row.flags as u64,
                        keywords,
                        modseq: row.modseq as u64,
                    }),
                    Decision::Modified => modified.push(row.uid as u32),
                    Decision::Change(..) => unreachable!("none changes on this path"),
                }
            }
            return Ok((out, modified));
        }
        self.store_in_write(mailbox_id, ids, update, unchanged_since)
            .await
    }

    /// The STORE in a write: the rows read again, and changed, under the lock.
    async fn store_in_write(
        self,
        mailbox_id: &str,
        ids: &[String],
        update: &FlagUpdate,
        unchanged_since: Option<u64>,
    ) -> Result<(Vec<FlaggedMessage>, Vec<u32>), StoreError> {
        let owned = (mailbox_id.to_owned(), ids.to_vec(), update.clone());
        let (owner, out, modified, modseq) = self
            .write_or_not(async move |txn| {
                let (mailbox_id, ids, update) = (owned.0.as_str(), owned.1.as_slice(), &owned.2);
                // PostgreSQL: the account's row lock, then the mailbox's, in every writer's
                // order. SQLite's write transaction holds the whole database already.
                if !holds_database(txn) {
                    lock_owner_of(txn, mailbox_id).await?;
                    lock_mailboxes(txn, &[mailbox_id]).await?;
                }
                let rows = rows_in(txn, mailbox_id, ids).await?;
                let owner = rows
                    .first()
                    .map(|r| r.account_id.clone())
                    .unwrap_or_default();
                // The changes go as one batch: the mailbox's MODSEQ bump first, each
                // changed message then taking the new value (RFC 7162 §3.1: one MODSEQ for
                // the whole STORE).
                let db = txn.get_database_backend();
                let mut writes = Batch::new();
                let new_modseq = Expr::SubQuery(
                    None,
                    Box::new(
                        mailbox::Entity::find_by_id(mailbox_id.to_owned())
                            .select_only()
                            .column(mailbox::Column::Highestmodseq)
                            .into_query()
                            .into(),
                    ),
                );
                let mut out = Vec::with_capacity(rows.len());
                let mut modified = Vec::new();
                // Indexes in `out` of the messages changed.
                let mut changed = Vec::new();
                for row in rows {
                    let (flags, keywords) = match decide(&row, update, unchanged_since) {
                        Decision::Modified => {
                            modified.push(row.uid as u32);
                            continue;
                        }
                        Decision::Same(keywords) => (row.flags as u64, keywords),
                        Decision::Change(flags, keywords) => {
                            changed.push(out.len());
                            (flags, keywords)
                        }
                    };
                    out.push(FlaggedMessage {
                        id: row.id,
                        uid: row.uid as u32,
                        flags,
                        keywords,
                        modseq: row.modseq as u64,
                    });
                }
                let mut modseq = None;
                if !changed.is_empty() {
                    writes.push(db, &take_statement(mailbox_id, 0, 1));
                    // One UPDATE per outcome (flags and keywords), whatever the messages'
                    // number: a STORE to a whole mailbox is a few statements.
                    let mut outcomes: BTreeMap<(i64, String), Vec<String>> = BTreeMap::new();
                    for &i in &changed {
                        let m: &FlaggedMessage = &out[i];
                        outcomes
                            .entry((m.flags as i64, keywords_json(&m.keywords)))
                            .or_default()
                            .push(m.id.clone());
                    }
                    for ((flags, keywords), ids) in outcomes {
                        for chunk in ids.chunks(CHUNK) {
                            writes.push(
                                db,
                                &message::Entity::update_many()
                                    .col_expr(message::Column::Flags, Expr::val(flags))
                                    .col_expr(
                                        message::Column::Keywords,
                                        Expr::val(keywords.clone()),
                                    )
                                    .col_expr(message::Column::Modseq, new_modseq.clone())
                                    .filter(message::Column::Id.is_in(chunk.to_vec()))
                                    .into_query(),
                            );
                        }
                    }
                    let bumped = writes.rows(txn).await?;
                    let row = bumped.first().ok_or(StoreError::NotFound)?;
                    let m = taken(row, 0, 1)?.1;
                    changed.into_iter().for_each(|i| out[i].modseq = m);
                    modseq = Some(m);
                }
                Ok(match modseq {
                    Some(modseq) => End::Commit((owner, out, modified, Some(modseq))),
                    None => End::Rollback((owner, out, modified, None)),
                })
            })
            .await?;
        let Some(modseq) = modseq else {
            return Ok((out, modified));
        };
        self.publish(Change {
            account_id: owner,
            mailbox_id: mailbox_id.to_owned(),
            modseq,
            kind: ChangeKind::Flags,
        });
        Ok((out, modified))
    }

    /// Copies the messages `ids` that still exist into another mailbox of the same
    /// account, with new UIDs and their flags, keywords and internal dates (RFC 9051
    /// §6.4.7). `OverQuota` if the copies do not fit. Returns the (source, target) UIDs.
    pub async fn copy_messages(
        self,
        from_mailbox_id: &str,
        ids: &[String],
        to_mailbox_id: &str,
    ) -> Result<Vec<(u32, u32)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (txn, turn) = self.begin_write().await?;
        let owner = lock_owner_of(&txn, from_mailbox_id).await?;
        lock_mailboxes(&txn, &[from_mailbox_id, to_mailbox_id]).await?;
        let rows = rows_in(&txn, from_mailbox_id, ids).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let acc = account::Entity::find_by_id(owner.clone())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let added: i64 = rows.iter().map(|r| r.size).sum();
        if let Some(quota) = acc.quota_bytes
            && acc.used_bytes + added > quota
        {
            return Err(StoreError::OverQuota);
        }
        let (first_uid, modseq) = next_uid_modseq(&txn, to_mailbox_id, rows.len() as u32).await?;
        let mut pairs = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let uid = first_uid + i as u32;
            let mut copy: message::ActiveModel = row.clone().into();
            copy.id = Set(new_id());
            copy.mailbox_id = Set(to_mailbox_id.to_owned());
            copy.uid = Set(i64::from(uid));
            copy.modseq = Set(modseq as i64);
            copy.save_date = Set(Utc::now());
            copy.pop3_retrieved_at = Set(None);
            copy.insert(&txn).await?;
            pairs.push((row.uid as u32, uid));
        }
        account::Entity::update_many()
            .col_expr(
                account::Column::UsedBytes,
                Expr::col(account::Column::UsedBytes).add(added),
            )
            .filter(account::Column::Id.eq(owner.as_str()))
            .exec(&txn)
            .await?;
        self.commit(txn, turn).await?;
        self.publish(Change {
            account_id: owner,
            mailbox_id: to_mailbox_id.to_owned(),
            modseq,
            kind: ChangeKind::Appended,
        });
        Ok(pairs)
    }
}
