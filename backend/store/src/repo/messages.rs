//! Messages in mailboxes: appending (delivery, APPEND), listing, moving and expunging,
//! with UID, MODSEQ and tombstones kept as IMAP needs them (RFC 9051 §2.3.1.1,
//! RFC 7162 §3.1).
//!
//! Bodies live in the blob store; a row here points at one by hash, and several rows may
//! share a blob. Every write is one transaction, and its change is published on the bus
//! only after the commit.

use std::{
    collections::{BTreeMap, HashMap},
    ops::Range,
};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbBackend,
    EntityTrait, FromQueryResult, Order, QueryFilter, QueryOrder, QueryResult, QuerySelect,
    QueryTrait, Set,
    sea_query::{Expr, ExprTrait, Query, UpdateStatement},
};

use super::threads::Links;
use super::{MailboxRecord, new_id};
use crate::batch::{Batch, has_column};
use crate::tx::End;
use crate::views::Messages;
use crate::{
    Change, ChangeKind, NewQueuedMessage, StoreError,
    entity::{account, expunged, mailbox, message},
};

/// System flags as bits of the `flags` column (RFC 9051 §2.3.2).
pub mod flags {
    pub const SEEN: u64 = 1;
    pub const ANSWERED: u64 = 2;
    pub const FLAGGED: u64 = 4;
    pub const DELETED: u64 = 8;
    pub const DRAFT: u64 = 16;
}

/// What a reader needs of a message without opening its body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageSummary {
    pub from_addr: Option<String>,
    pub to_addrs: Option<String>,
    pub subject: Option<String>,
    pub sent_date: Option<DateTime<Utc>>,
    pub message_id: Option<String>,
    /// The References field's message IDs, or, without it, In-Reply-To's first one
    /// (what threading uses, RFC 5256 §3 step 1).
    pub references: Option<String>,
    pub has_attachments: bool,
    pub preview: Option<String>,
}

/// A message to append; its body is already in the blob store under `blob_hash`.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub account_id: String,
    pub mailbox_id: String,
    pub blob_hash: String,
    pub size: u64,
    pub flags: u64,
    /// Keywords (RFC 9051 §2.3.2 `flag-keyword`), e.g. `$Forwarded`.
    pub keywords: Vec<String>,
    pub internal_date: DateTime<Utc>,
    pub summary: MessageSummary,
}

/// Where an appended message landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub id: String,
    pub mailbox_id: String,
    pub uid: u32,
    pub modseq: u64,
}

/// A message row as the protocols see it.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageRecord {
    pub id: String,
    pub mailbox_id: String,
    pub uid: u32,
    pub modseq: u64,
    pub flags: u64,
    pub keywords: Vec<String>,
    pub internal_date: DateTime<Utc>,
    pub size: u64,
    pub blob_hash: String,
    pub pop3_retrieved_at: Option<DateTime<Utc>>,
    /// The conversation it belongs to (`threads`).
    pub thread_id: Option<String>,
    /// The cached header summary (the preview is left out).
    pub summary: MessageSummary,
}

impl MessageRecord {
    /// The record with the summary's preview, for listings that show it.
    pub(crate) fn with_preview(m: message::Model) -> MessageRecord {
        let preview = m.preview.clone();
        let mut r = MessageRecord::from(m);
        r.summary.preview = preview;
        r
    }
}

impl From<message::Model> for MessageRecord {
    fn from(m: message::Model) -> Self {
        MessageRecord {
            id: m.id,
            mailbox_id: m.mailbox_id,
            uid: m.uid as u32,
            modseq: m.modseq as u64,
            flags: m.flags as u64,
            keywords: parse_keywords(&m.keywords),
            internal_date: m.internal_date,
            size: m.size as u64,
            blob_hash: m.blob_hash,
            pop3_retrieved_at: m.pop3_retrieved_at,
            thread_id: m.thread_id,
            summary: MessageSummary {
                from_addr: m.from_addr,
                to_addrs: m.to_addrs,
                subject: m.subject,
                sent_date: m.sent_date,
                message_id: m.message_id_header,
                references: m.references_header,
                has_attachments: m.has_attachments,
                preview: None,
            },
        }
    }
}

/// The `keywords` column: a JSON array of strings.
pub(super) fn keywords_json(keywords: &[String]) -> String {
    serde_json::to_string(keywords).unwrap_or_else(|_| "[]".into())
}

/// Reads the `keywords` column; a malformed value reads as no keywords.
pub(super) fn parse_keywords(column: &str) -> Vec<String> {
    serde_json::from_str(column).unwrap_or_default()
}

/// Rows of one query's `IN (...)` list: well below SQLite's and PostgreSQL's limits on
/// bound parameters.
pub(super) const CHUNK: usize = 500;

/// Takes the next `uids` UIDs and the next MODSEQ of a mailbox inside `txn`. Returns
/// (first uid, modseq).
pub(super) async fn next_uid_modseq(
    txn: &DatabaseTransaction,
    mailbox_id: &str,
    uids: u32,
) -> Result<(u32, u64), StoreError> {
    let (uid, modseq, _) = take_uids_modseqs(txn, mailbox_id, uids, 1).await?;
    Ok((uid, modseq))
}

/// Advances a mailbox's UIDNEXT by `uids` and HIGHESTMODSEQ by `modseqs` inside `txn`;
/// returns the first UID and the first MODSEQ taken, and the UIDs not yet claimed as
/// `\Recent` (see [`super::recent`]) after it.
///
/// The UPDATE comes before the read: on PostgreSQL it holds the mailbox row's lock until
/// the commit, so concurrent writers of a mailbox queue here and never share a UID or a
/// MODSEQ (on SQLite, `BEGIN IMMEDIATE` serialises writers already).
async fn take_uids_modseqs(
    txn: &DatabaseTransaction,
    mailbox_id: &str,
    uids: u32,
    modseqs: u32,
) -> Result<(u32, u64, Range<u32>), StoreError> {
    let row = txn
        .query_one(&take_statement(mailbox_id, uids, modseqs))
        .await?
        .ok_or(StoreError::NotFound)?;
    taken(&row, uids, modseqs)
}

/// The UPDATE of [`take_uids_modseqs`]: one statement, which returns the row as it
/// leaves it (its rows have an `uidnext` column).
pub(super) fn take_statement(mailbox_id: &str, uids: u32, modseqs: u32) -> UpdateStatement {
    let mut update = mailbox::Entity::update_many()
        .col_expr(
            mailbox::Column::Uidnext,
            Expr::col(mailbox::Column::Uidnext).add(i64::from(uids)),
        )
        .col_expr(
            mailbox::Column::Highestmodseq,
            Expr::col(mailbox::Column::Highestmodseq).add(i64::from(modseqs)),
        )
        .filter(mailbox::Column::Id.eq(mailbox_id))
        .into_query();
    update.returning(Query::returning().columns([
        mailbox::Column::Id,
        mailbox::Column::Uidnext,
        mailbox::Column::Highestmodseq,
        mailbox::Column::RecentUid,
    ]));
    update
}

/// What a [`take_statement`] took, from the row it returned.
pub(super) fn taken(
    row: &QueryResult,
    uids: u32,
    modseqs: u32,
) -> Result<(u32, u64, Range<u32>), StoreError> {
    let uidnext: i64 = row.try_get("", "uidnext")?;
    let highestmodseq: i64 = row.try_get("", "highestmodseq")?;
    let recent_uid: i64 = row.try_get("", "recent_uid")?;
    if uidnext - 1 > i64::from(u32::MAX) {
        // RFC 9051 §2.3.1.1: UIDs are 32-bit; a full mailbox needs a new UIDVALIDITY.
        // Returning the error drops the transaction, which rolls the UPDATE back.
        return Err(StoreError::Invalid(
            "the mailbox has used up its UIDs".into(),
        ));
    }
    Ok((
        (uidnext - i64::from(uids)) as u32,
        (highestmodseq - i64::from(modseqs) + 1) as u64,
        super::recent::uid_range(recent_uid, uidnext),
    ))
}

/// Adds `size` bytes to an account's usage if they fit its quota: one statement, which
/// on PostgreSQL also locks the account's row until the commit (as [`lock_accounts`]
/// does), and returns the row (its rows have a `used_bytes` column) only if it charged.
fn charge_statement(account_id: &str, size: u64) -> Result<UpdateStatement, StoreError> {
    let size = i64::try_from(size).map_err(|_| StoreError::OverQuota)?;
    let used = Expr::col(account::Column::UsedBytes).add(size);
    let mut update = account::Entity::update_many()
        .col_expr(account::Column::UsedBytes, used.clone())
        .filter(account::Column::Id.eq(account_id))
        .filter(
            Condition::any()
                .add(account::Column::QuotaBytes.is_null())
                .add(used.lte(Expr::col(account::Column::QuotaBytes))),
        )
        .into_query();
    update.returning(Query::returning().columns([account::Column::Id, account::Column::UsedBytes]));
    Ok(update)
}

/// Why a [`charge_statement`] charged nothing: `OverQuota`, or `NotFound` if there is no
/// such account.
async fn not_charged(txn: &DatabaseTransaction, account_id: &str) -> StoreError {
    match account::Entity::find_by_id(account_id.to_owned())
        .one(txn)
        .await
    {
        Ok(Some(_)) => StoreError::OverQuota,
        Ok(None) => StoreError::NotFound,
        Err(e) => e.into(),
    }
}

/// What `append_in` wrote, not yet committed.
struct AppendedRows {
    /// Each message, in the batch's order.
    out: Vec<Appended>,
    /// What to tell the change bus after the commit, one per mailbox.
    changes: HashMap<String, Change>,
    /// The UIDs claimed as `\Recent` in the mailbox asked for, the new ones included,
    /// if the messages went there.
    claimed: Option<Range<u32>>,
}

/// Rows per INSERT: well under SQLite's limit of bound parameters.
const INSERT_CHUNK: usize = 400;

/// Whether `txn` holds the whole database already: a SQLite write transaction
/// (`BEGIN IMMEDIATE`, see [`crate::tx`]) excludes every other writer, so row locks would
/// only cost statements and WAL pages.
pub(super) fn holds_database(txn: &DatabaseTransaction) -> bool {
    txn.get_database_backend() == DbBackend::Sqlite
}

/// Locks mailbox rows by id, in id order, until the end of `txn` (a no-op UPDATE takes
/// PostgreSQL's row lock). One order for everyone keeps two writers from deadlocking.
pub(super) async fn lock_mailboxes(
    txn: &DatabaseTransaction,
    ids: &[&str],
) -> Result<(), StoreError> {
    if holds_database(txn) {
        return Ok(());
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        txn.execute(&lock_statement(id)).await?;
    }
    Ok(())
}

/// The no-op UPDATE of [`lock_mailboxes`] for one mailbox.
pub(super) fn lock_statement(id: &str) -> UpdateStatement {
    mailbox::Entity::update_many()
        .col_expr(
            mailbox::Column::Uidnext,
            Expr::col(mailbox::Column::Uidnext),
        )
        .filter(mailbox::Column::Id.eq(id))
        .into_query()
}

/// Locks the account that owns `mailbox_id` (see [`lock_accounts`]) and returns its id;
/// `NotFound` if there is no such mailbox.
pub(super) async fn lock_owner_of(
    txn: &DatabaseTransaction,
    mailbox_id: &str,
) -> Result<String, StoreError> {
    let owner = mailbox::Entity::find_by_id(mailbox_id.to_owned())
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound)?
        .account_id;
    lock_accounts(txn, &[owner.as_str()]).await?;
    Ok(owner)
}

/// Locks account rows (see [`lock_mailboxes`]), so that two deliveries to an account
/// check its quota one after the other.
pub(super) async fn lock_accounts(
    txn: &DatabaseTransaction,
    ids: &[&str],
) -> Result<(), StoreError> {
    if holds_database(txn) {
        return Ok(());
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        account::Entity::update_many()
            .col_expr(
                account::Column::Enabled,
                Expr::col(account::Column::Enabled),
            )
            .filter(account::Column::Id.eq(id))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Moves `rows` (messages of `from_mailbox_id`, in UID order, locked by the caller's
/// transaction) to `to_mailbox_id` with fresh UIDs, leaving tombstones in the source
/// and the account's usage unchanged. Returns the first new UID, the target's and the
/// source's new MODSEQ.
pub(super) async fn move_rows(
    txn: &DatabaseTransaction,
    owner: &str,
    from_mailbox_id: &str,
    rows: &[message::Model],
    to_mailbox_id: &str,
) -> Result<(u32, u64, u64), StoreError> {
    let (first_uid, modseq) = next_uid_modseq(txn, to_mailbox_id, rows.len() as u32).await?;
    for (i, row) in rows.iter().enumerate() {
        let mut copy: message::ActiveModel = row.clone().into();
        copy.id = Set(new_id());
        copy.mailbox_id = Set(to_mailbox_id.to_owned());
        copy.uid = Set(i64::from(first_uid) + i as i64);
        copy.modseq = Set(modseq as i64);
        copy.save_date = Set(Utc::now());
        copy.insert(txn).await?;
    }
    // The copies count until the originals are expunged just below.
    let copied: i64 = rows.iter().map(|r| r.size).sum();
    account::Entity::update_many()
        .col_expr(
            account::Column::UsedBytes,
            Expr::col(account::Column::UsedBytes).add(copied),
        )
        .filter(account::Column::Id.eq(owner))
        .exec(txn)
        .await?;
    let moved: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let (_, from_modseq, _) = expunge_in(txn, from_mailbox_id, &Doomed::Ids(moved)).await?;
    Ok((first_uid, modseq, from_modseq))
}

/// The messages of a mailbox among `ids`, in UID order, read in chunks.
pub(super) async fn rows_in(
    txn: &impl ConnectionTrait,
    mailbox_id: &str,
    ids: &[String],
) -> Result<Vec<message::Model>, StoreError> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        rows.extend(
            message::Entity::find()
                .filter(message::Column::MailboxId.eq(mailbox_id))
                .filter(message::Column::Id.is_in(chunk.to_vec()))
                .all(txn)
                .await?,
        );
    }
    rows.sort_by_key(|r| r.uid);
    Ok(rows)
}

impl Messages<'_> {
    /// The mailbox of an account with this exact name.
    pub async fn mailbox_by_name(
        self,
        account_id: &str,
        name: &str,
    ) -> Result<MailboxRecord, StoreError> {
        mailbox::Entity::find()
            .filter(mailbox::Column::AccountId.eq(account_id))
            .filter(mailbox::Column::Name.eq(name))
            .one(&self.db)
            .await?
            .map(MailboxRecord::from)
            .ok_or(StoreError::NotFound)
    }

    /// Appends messages, possibly to several mailboxes of several accounts, in ONE
    /// transaction: either all land or none does. This is what lets delivery share one
    /// commit between many messages. `OverQuota` if any account would go over its quota.
    pub async fn append_messages(
        self,
        batch: Vec<NewMessage>,
    ) -> Result<Vec<Appended>, StoreError> {
        Ok(self.append_claiming(batch, None).await?.0)
    }

    /// [`append_messages`](Self::append_messages) for an IMAP session that has
    /// `selected` open and claims `\Recent` (RFC 3501 §2.3.2): in the same transaction
    /// it claims the UIDs of `selected` nobody has claimed, the new ones among them, as
    /// the session would right after (one write instead of two). Returns the claim too.
    pub async fn append_claiming_recent(
        self,
        batch: Vec<NewMessage>,
        selected: &str,
    ) -> Result<(Vec<Appended>, std::ops::Range<u32>), StoreError> {
        self.append_claiming(batch, Some(selected)).await
    }

    /// The write of both: the rows, and the claim of `\Recent` in `selected` if any.
    async fn append_claiming(
        self,
        batch: Vec<NewMessage>,
        selected: Option<&str>,
    ) -> Result<(Vec<Appended>, std::ops::Range<u32>), StoreError> {
        let store = (*self).clone();
        let selected = selected.map(str::to_owned);
        let (rows, claimed) = self
            .write(async move |txn| {
                let selected = selected.as_deref();
                let rows = store.messages().append_in(txn, batch, selected).await?;
                let claimed = match (selected, &rows.claimed) {
                    (None, _) => 0..0,
                    (Some(_), Some(claimed)) => claimed.clone(),
                    // Not a mailbox the messages went to: a claim of its own.
                    (Some(mailbox_id), None) => super::recent::claim_in(txn, mailbox_id).await?,
                };
                Ok((rows, claimed))
            })
            .await?;
        self.appended(rows.changes);
        Ok((rows.out, claimed))
    }

    /// Appends `batch` to local mailboxes and queues `queued` for its remote recipients
    /// in ONE transaction: a message for local and remote recipients lands everywhere or
    /// nowhere, so a client that retries after a failure never duplicates it (RFC 5321
    /// §6.1: the server takes responsibility for all recipients with one reply). Both
    /// blobs must already be durable. Returns where it landed and the queue id.
    pub async fn append_and_enqueue(
        self,
        batch: Vec<NewMessage>,
        queued: NewQueuedMessage,
    ) -> Result<(Vec<Appended>, String), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let rows = self.append_in(&txn, batch, None).await?;
        let id = super::queue::enqueue_in(&txn, queued).await?;
        self.commit(txn, turn).await?;
        self.appended(rows.changes);
        Ok((rows.out, id))
    }

    /// After a commit of appended messages: tells the change bus and the text indexer.
    fn appended(self, changes: HashMap<String, Change>) {
        changes.into_values().for_each(|c| self.publish(c));
        self.text_index().text_queued();
    }

    /// The rows of [`append_messages`](Self::append_messages), inside `txn`, and the
    /// claim of `\Recent` in `claim` if the messages went there (RFC 3501 §2.3.2: the
    /// new UIDs with the others nobody claimed).
    ///
    /// Two round trips to the database whatever the batch (see [`crate::batch`]): the
    /// first charges the quotas, takes the UIDs and MODSEQs and reads the conversations
    /// the messages name; the second writes the rows, the links, the text index's queue
    /// and the claim.
    async fn append_in(
        self,
        txn: &DatabaseTransaction,
        batch: Vec<NewMessage>,
        claim: Option<&str>,
    ) -> Result<AppendedRows, StoreError> {
        let db = txn.get_database_backend();
        // Quotas first, for every account at once, in id order (the order of every
        // writer's locks): nothing is written if the messages do not fit.
        let mut sizes: BTreeMap<&str, u64> = BTreeMap::new();
        let mut names: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        // Per mailbox, how many messages, in the order the batch first names them.
        let mut counts: Vec<(&str, u32)> = Vec::new();
        for new in &batch {
            *sizes.entry(new.account_id.as_str()).or_default() += new.size;
            names
                .entry(new.account_id.as_str())
                .or_default()
                .extend(Links::names(&new.summary));
            match counts.iter_mut().find(|(mb, _)| *mb == new.mailbox_id) {
                Some((_, n)) => {
                    *n = n
                        .checked_add(1)
                        .ok_or_else(|| StoreError::Invalid("batch too large".into()))?
                }
                None => counts.push((new.mailbox_id.as_str(), 1)),
            }
        }
        let mut first = Batch::new();
        for (account_id, size) in &sizes {
            first.push(db, &charge_statement(account_id, *size)?);
        }
        if !holds_database(txn) {
            let mut ids: Vec<&str> = counts.iter().map(|(mb, _)| *mb).collect();
            ids.sort_unstable();
            ids.iter()
                .for_each(|id| first.push(db, &lock_statement(id)));
        }
        // UIDs and MODSEQs: one range per mailbox, handed out in the batch's order.
        for (mb, n) in &counts {
            first.push(db, &take_statement(mb, *n, *n));
        }
        for (account_id, names) in &mut names {
            names.sort_unstable();
            names.dedup();
            Links::queries(account_id, names)
                .iter()
                .for_each(|q| first.push(db, q));
        }
        let mut charged = Vec::new();
        let mut next: HashMap<String, (u32, u64)> = HashMap::new();
        let mut unclaimed = HashMap::new();
        let mut links = Links::default();
        for row in first.rows(txn).await? {
            if has_column(&row, "uidnext") {
                let mb: String = row.try_get("", "id")?;
                let n = counts.iter().find(|(m, _)| *m == mb).map_or(0, |(_, n)| *n);
                let (uid, modseq, recent) = taken(&row, n, n)?;
                next.insert(mb.clone(), (uid, modseq));
                unclaimed.insert(mb, recent);
            } else if has_column(&row, "thread_id") {
                links.read(&row)?;
            } else if has_column(&row, "used_bytes") {
                charged.push(row.try_get::<String>("", "id")?);
            }
        }
        for account_id in sizes.keys() {
            if !charged.iter().any(|c| c == account_id) {
                return Err(not_charged(txn, account_id).await);
            }
        }
        if counts.iter().any(|(mb, _)| !next.contains_key(*mb)) {
            return Err(StoreError::NotFound);
        }
        let mut second = Batch::new();
        // The text index is built in the background: the blobs only join its queue.
        let hashes: Vec<&str> = batch.iter().map(|m| m.blob_hash.as_str()).collect();
        super::text_index::enqueue(self.backend, &hashes, &mut second);
        let mut out = Vec::with_capacity(batch.len());
        let mut changes: HashMap<String, Change> = HashMap::new();
        // (account, conversation) of each message, which a later one may join to another.
        let mut threads: Vec<(String, String)> = Vec::with_capacity(batch.len());
        for new in &batch {
            let slot = next.get_mut(&new.mailbox_id).expect("taken above");
            let (uid, modseq) = *slot;
            *slot = (uid + 1, modseq + 1);
            let id = new_id();
            let thread = links.assign(
                db,
                &new.account_id,
                &id,
                &new.summary,
                &mut threads,
                &mut second,
            );
            threads.push((new.account_id.clone(), thread));
            changes.insert(
                new.mailbox_id.clone(),
                Change {
                    account_id: new.account_id.clone(),
                    mailbox_id: new.mailbox_id.clone(),
                    modseq,
                    kind: ChangeKind::Appended,
                },
            );
            out.push(Appended {
                id,
                mailbox_id: new.mailbox_id.clone(),
                uid,
                modseq,
            });
        }
        let now = Utc::now();
        let mut rows: Vec<message::ActiveModel> = batch
            .into_iter()
            .zip(&out)
            .zip(threads)
            .map(|((new, at), (_, thread))| message::ActiveModel {
                id: Set(at.id.clone()),
                account_id: Set(new.account_id),
                mailbox_id: Set(new.mailbox_id),
                uid: Set(i64::from(at.uid)),
                modseq: Set(at.modseq as i64),
                flags: Set(new.flags as i64),
                keywords: Set(keywords_json(&new.keywords)),
                internal_date: Set(new.internal_date),
                save_date: Set(now),
                size: Set(new.size as i64),
                blob_hash: Set(new.blob_hash),
                from_addr: Set(new.summary.from_addr),
                to_addrs: Set(new.summary.to_addrs),
                sort_subject: Set(Some(super::message_sort::subject_sort_key(
                    new.summary.subject.as_deref(),
                ))),
                subject: Set(new.summary.subject),
                sent_date: Set(new.summary.sent_date),
                message_id_header: Set(new.summary.message_id),
                references_header: Set(new.summary.references),
                thread_id: Set(Some(thread)),
                has_attachments: Set(new.summary.has_attachments),
                preview: Set(new.summary.preview),
                pop3_retrieved_at: Set(None),
            })
            .collect();
        links.write(db, &mut second);
        while !rows.is_empty() {
            let rest = rows.split_off(rows.len().min(INSERT_CHUNK));
            let chunk = std::mem::replace(&mut rows, rest);
            second.push(db, &message::Entity::insert_many(chunk).into_query());
        }
        let claimed = claim.and_then(|mb| unclaimed.get(mb)).cloned();
        if let (Some(mb), Some(range)) = (claim, &claimed)
            && let Some(write) = super::recent::claim_statement(mb, range)
        {
            second.push(db, &write.into_query());
        }
        second.run(txn).await?;
        Ok(AppendedRows {
            out,
            changes,
            claimed,
        })
    }

    /// Up to `limit` messages of a mailbox with a UID above `after_uid`, in UID order: a
    /// page of a listing.
    pub async fn messages_after(
        self,
        mailbox_id: &str,
        after_uid: u32,
        limit: u64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let beyond = message::Column::Uid.gt(i64::from(after_uid));
        self.page(mailbox_id, beyond, Order::Asc, limit).await
    }

    /// Up to `limit` messages of a mailbox with a UID below `before_uid`, newest first:
    /// a page of a listing that starts with the latest mail.
    pub async fn messages_before(
        self,
        mailbox_id: &str,
        before_uid: u32,
        limit: u64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let beyond = message::Column::Uid.lt(i64::from(before_uid));
        self.page(mailbox_id, beyond, Order::Desc, limit).await
    }

    /// A page of a mailbox's messages past a UID (`beyond`), in UID `order`, with their
    /// previews (what a listing shows under the subject).
    async fn page(
        self,
        mailbox_id: &str,
        beyond: sea_orm::sea_query::SimpleExpr,
        order: Order,
        limit: u64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        Ok(message::Entity::find()
            .filter(message::Column::MailboxId.eq(mailbox_id))
            .filter(beyond)
            .order_by(message::Column::Uid, order)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(MessageRecord::with_preview)
            .collect())
    }

    /// The messages with these ids that exist, in no particular order (a few queries,
    /// whatever their number).
    pub async fn messages_by_ids(self, ids: &[String]) -> Result<Vec<MessageRecord>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            out.extend(
                message::Entity::find()
                    .filter(message::Column::Id.is_in(chunk.to_vec()))
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(MessageRecord::from),
            );
        }
        Ok(out)
    }

    /// One message by id; `NotFound` if there is none.
    pub async fn message(self, id: &str) -> Result<MessageRecord, StoreError> {
        message::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .map(MessageRecord::from)
            .ok_or(StoreError::NotFound)
    }

    /// The messages of a mailbox in UID order.
    pub async fn in_mailbox(self, mailbox_id: &str) -> Result<Vec<MessageRecord>, StoreError> {
        Ok(message::Entity::find()
            .filter(message::Column::MailboxId.eq(mailbox_id))
            .order_by_asc(message::Column::Uid)
            .all(&self.db)
            .await?
            .into_iter()
            .map(MessageRecord::from)
            .collect())
    }

    /// Expunges the messages `ids` of a mailbox that still exist, leaving tombstones with
    /// the new MODSEQ (RFC 7162 §3.2.10). Returns the UIDs expunged, in order.
    pub async fn expunge_messages(
        self,
        mailbox_id: &str,
        ids: &[String],
    ) -> Result<Vec<u32>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.expunge(mailbox_id, Doomed::Ids(ids.to_vec())).await
    }

    /// Expunges the messages of a mailbox that are flagged `\Deleted` when the write
    /// runs (IMAP's EXPUNGE and CLOSE, RFC 9051 §6.4.3): chosen and removed in one
    /// transaction, so a message whose `\Deleted` another session took away a moment
    /// earlier stays, and the mailbox is not read beforehand. Returns the UIDs expunged,
    /// in order.
    pub async fn expunge_deleted(self, mailbox_id: &str) -> Result<Vec<u32>, StoreError> {
        self.expunge(mailbox_id, Doomed::Deleted).await
    }

    async fn expunge(self, mailbox_id: &str, doomed: Doomed) -> Result<Vec<u32>, StoreError> {
        let mailbox = mailbox_id.to_owned();
        let (account_id, modseq, uids) = self
            .write_or_not(async move |txn| {
                let expunged = expunge_in(txn, &mailbox, &doomed).await?;
                Ok(if expunged.2.is_empty() {
                    // Nothing to expunge: roll back the MODSEQ taken for it.
                    End::Rollback(expunged)
                } else {
                    End::Commit(expunged)
                })
            })
            .await?;
        if uids.is_empty() {
            return Ok(uids);
        }
        self.publish(Change {
            account_id,
            mailbox_id: mailbox_id.to_owned(),
            modseq,
            kind: ChangeKind::Expunged,
        });
        Ok(uids)
    }

    /// Moves the messages `ids` that still exist from one mailbox of an account to
    /// another (RFC 6851 semantics): new UIDs in the target, tombstones in the source,
    /// one transaction. Returns how many moved.
    pub async fn move_messages(
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
        let (first_uid, modseq, from_modseq) =
            move_rows(&txn, &owner, from_mailbox_id, &rows, to_mailbox_id).await?;
        let account_id = rows[0].account_id.clone();
        self.commit(txn, turn).await?;
        self.publish(Change {
            account_id: account_id.clone(),
            mailbox_id: to_mailbox_id.to_owned(),
            modseq,
            kind: ChangeKind::Appended,
        });
        self.publish(Change {
            account_id,
            mailbox_id: from_mailbox_id.to_owned(),
            modseq: from_modseq,
            kind: ChangeKind::Expunged,
        });
        Ok(rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.uid as u32, first_uid + i as u32))
            .collect())
    }

    /// Adds `add_flags` to the messages `ids` of a mailbox and records that POP3 has
    /// downloaded them at `at` (if not already recorded). One transaction.
    pub async fn mark_retrieved(
        self,
        mailbox_id: &str,
        ids: &[String],
        add_flags: u64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let flags_change =
            |row: &message::Model| (row.flags as u64 | add_flags) != row.flags as u64;
        let needs_change =
            |row: &message::Model| flags_change(row) || row.pop3_retrieved_at.is_none();
        // Most downloads are of messages already marked: find out without a write lock.
        let mut pending = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            pending.extend(
                message::Entity::find()
                    .filter(message::Column::MailboxId.eq(mailbox_id))
                    .filter(message::Column::Id.is_in(chunk.to_vec()))
                    .all(&self.db)
                    .await?,
            );
        }
        if !pending.iter().any(needs_change) {
            return Ok(());
        }
        let (txn, turn) = self.begin_write().await?;
        // The download time alone is not an IMAP change: MODSEQ moves only with flags.
        let modseq = if pending.iter().any(flags_change) {
            Some(next_uid_modseq(&txn, mailbox_id, 0).await?.1)
        } else {
            None
        };
        let rows = rows_in(&txn, mailbox_id, ids).await?;
        let account_id = rows.first().map(|r| r.account_id.clone());
        for row in rows.into_iter().filter(needs_change) {
            let mut active: message::ActiveModel = row.clone().into();
            if let Some(modseq) = modseq.filter(|_| flags_change(&row)) {
                active.flags = Set((row.flags as u64 | add_flags) as i64);
                active.modseq = Set(modseq as i64);
            }
            if row.pop3_retrieved_at.is_none() {
                active.pop3_retrieved_at = Set(Some(at));
            }
            active.update(&txn).await?;
        }
        self.commit(txn, turn).await?;
        if let (Some(account_id), Some(modseq)) = (account_id, modseq) {
            self.publish(Change {
                account_id,
                mailbox_id: mailbox_id.to_owned(),
                modseq,
                kind: ChangeKind::Flags,
            });
        }
        Ok(())
    }

    /// Ids of the messages of a mailbox that POP3 downloaded before `before`.
    pub async fn retrieved_before(
        self,
        mailbox_id: &str,
        before: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        Ok(message::Entity::find()
            .select_only()
            .column(message::Column::Id)
            .filter(message::Column::MailboxId.eq(mailbox_id))
            .filter(message::Column::Pop3RetrievedAt.lt(before))
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}

/// Which messages of a mailbox an expunge removes.
pub(super) enum Doomed {
    /// These, where they still are.
    Ids(Vec<String>),
    /// Those flagged `\Deleted`.
    Deleted,
}

/// Deletes the `doomed` rows of a mailbox inside `txn`, writing tombstones. Returns the
/// account, the new MODSEQ and the UIDs removed.
pub(super) async fn expunge_in(
    txn: &DatabaseTransaction,
    mailbox_id: &str,
    doomed: &Doomed,
) -> Result<(String, u64, Vec<u32>), StoreError> {
    // Locks in the one order every writer uses: the account, then the mailbox (whose
    // MODSEQ update holds it), so the rows read next are not being expunged by another
    // writer at the same time.
    // (On SQLite the transaction holds the whole database: no row locks to take.)
    if !holds_database(txn) {
        lock_owner_of(txn, mailbox_id).await?;
    }
    // One round trip: the MODSEQ taken, then the rows still there, deleted and read.
    let db = txn.get_database_backend();
    let mut first = Batch::new();
    first.push(db, &take_statement(mailbox_id, 0, 1));
    let delete =
        || message::Entity::delete_many().filter(message::Column::MailboxId.eq(mailbox_id));
    let deletes = match doomed {
        Doomed::Ids(ids) => ids
            .chunks(CHUNK)
            .map(|chunk| delete().filter(message::Column::Id.is_in(chunk.to_vec())))
            .collect(),
        Doomed::Deleted => vec![
            delete().filter(
                Expr::col(message::Column::Flags)
                    .bit_and(flags::DELETED as i64)
                    .ne(0),
            ),
        ],
    };
    for d in deletes {
        let mut d = d.into_query();
        d.returning_all();
        first.push(db, &d);
    }
    let mut modseq = None;
    let mut rows = Vec::new();
    for row in first.rows(txn).await? {
        if has_column(&row, "uidnext") {
            modseq = Some(taken(&row, 0, 1)?.1);
        } else {
            rows.push(message::Model::from_query_result(&row, "")?);
        }
    }
    let modseq = modseq.ok_or(StoreError::NotFound)?;
    rows.sort_by_key(|r| r.uid);
    let Some(account_id) = rows.first().map(|r| r.account_id.clone()) else {
        return Ok((String::new(), 0, Vec::new()));
    };
    // And one more: the account's usage, and the tombstones.
    let mut second = Batch::new();
    let freed: i64 = rows.iter().map(|r| r.size).sum();
    second.push(
        db,
        &account::Entity::update_many()
            .col_expr(
                account::Column::UsedBytes,
                Expr::col(account::Column::UsedBytes).sub(freed),
            )
            .filter(account::Column::Id.eq(account_id.as_str()))
            .into_query(),
    );
    let uids: Vec<u32> = rows.iter().map(|r| r.uid as u32).collect();
    for chunk in uids.chunks(CHUNK) {
        second.push(
            db,
            &expunged::Entity::insert_many(chunk.iter().map(|uid| expunged::ActiveModel {
                mailbox_id: Set(mailbox_id.to_owned()),
                uid: Set(i64::from(*uid)),
                modseq: Set(modseq as i64),
            }))
            // Another writer may have expunged the same message a moment earlier.
            .on_conflict_do_nothing_on([expunged::Column::MailboxId, expunged::Column::Uid])
            .into_query(),
        );
    }
    second.run(txn).await?;
    Ok((account_id, modseq, uids))
}
