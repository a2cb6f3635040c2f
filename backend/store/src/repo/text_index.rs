//! The full-text index behind IMAP SEARCH BODY and TEXT (RFC 9051 §6.4.4): each blob's
//! decoded header and body text, case-folded, in `message_text`, one row per blob hash;
//! and the queue of blobs still to be indexed.
//!
//! Delivery only queues a blob ([`enqueue`], inside its own transaction); the indexer
//! (`osprey-mail`) extracts the text and hands it to `TextIndex::save_message_texts`,
//! which writes the rows and takes the blobs off the queue in one transaction. A
//! message whose blob has no row yet is not indexed: the caller searches its raw bytes.
//!
//! A search is a substring match on the folded text. It goes through trigrams on both
//! engines and is verified on the text itself: on SQLite an FTS5 trigram table (rows that
//! have the needle's trigrams, then `instr`), on PostgreSQL `LIKE` over `pg_trgm` GIN
//! indexes. Needles of fewer than three characters have no trigram and
//! scan the mailbox's rows.

use std::collections::HashSet;

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use super::messages::CHUNK;
use crate::batch::Batch;
use crate::views::TextIndex;
use crate::{Backend, StoreError};

/// Bytes of body text indexed per message; text past it is not found.
pub const MAX_BODY_TEXT: usize = 1024 * 1024;
/// Bytes of header text indexed per message.
pub const MAX_HEADER_TEXT: usize = 256 * 1024;

/// Blobs taken off the queue per call to `TextIndex::queued_texts`, at most.
const MAX_QUEUE_BATCH: u64 = 1024;
/// Trigrams of a needle looked up in the FTS5 index, at most: more narrow the candidates
/// little, and the text is checked anyway.
const MAX_TRIGRAMS: usize = 32;

/// What a search looks at (RFC 9051 §6.4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextField {
    /// `BODY`: the body only.
    Body,
    /// `TEXT`: the header or the body.
    Text,
}

/// A message's text as the indexer extracted it: decoded, not yet folded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageText {
    pub headers: String,
    pub body: String,
}

/// A blob waiting on the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedText {
    pub blob_hash: String,
    /// It has a row already (a second delivery of the same body): nothing to extract.
    pub indexed: bool,
}

/// `text` as the index keeps and compares it: lower case (`to_lowercase`), without NUL
/// characters (PostgreSQL text cannot hold them), at most `limit` bytes (cut at a
/// character boundary).
fn fold_text(text: &str, limit: usize) -> String {
    let mut folded: String = text.to_lowercase();
    folded.retain(|c| c != '\0');
    if folded.len() > limit {
        let mut end = limit;
        while !folded.is_char_boundary(end) {
            end -= 1;
        }
        folded.truncate(end);
    }
    folded
}

/// Puts `hashes` on the queue as part of `out`, a batch of the caller's transaction (a
/// blob queued already stays as it is).
pub(super) fn enqueue(backend: Backend, hashes: &[&str], out: &mut Batch) {
    let mut hashes = hashes.to_vec();
    hashes.sort_unstable();
    hashes.dedup();
    for chunk in hashes.chunks(CHUNK) {
        // Plain `?` on SQLite: a batch's statements take its arguments in turn.
        let values: Vec<String> = (1..=chunk.len())
            .map(|i| match backend {
                Backend::Sqlite => "(?, CURRENT_TIMESTAMP)".to_owned(),
                Backend::Postgres => format!("({}, CURRENT_TIMESTAMP)", placeholder(backend, i)),
            })
            .collect();
        let sql = format!(
            "INSERT INTO text_index_queue (blob_hash, enqueued_at) VALUES {} \
             ON CONFLICT (blob_hash) DO NOTHING",
            values.join(", ")
        );
        out.push_statement(statement(
            backend,
            &sql,
            chunk.iter().map(|h| Value::from(*h)).collect(),
        ));
    }
}

/// The `i`th (from 1) bound parameter in this engine's syntax.
fn placeholder(backend: Backend, i: usize) -> String {
    match backend {
        Backend::Sqlite => format!("?{i}"),
        Backend::Postgres => format!("${i}"),
    }
}

fn statement(backend: Backend, sql: &str, values: Vec<Value>) -> Statement {
    let db = match backend {
        Backend::Sqlite => DbBackend::Sqlite,
        Backend::Postgres => DbBackend::Postgres,
    };
    Statement::from_sql_and_values(db, sql, values)
}

/// The FTS5 query that the trigrams of `needle` (three characters or more; the first
/// [`MAX_TRIGRAMS`] distinct ones) be in the column(s): with `detail=column` FTS5 cannot
/// match a phrase of several trigrams, so each is a term of its own. Matches are
/// candidates, verified on the text.
fn trigram_query(field: TextField, needle: &str) -> String {
    let chars: Vec<char> = needle.chars().collect();
    let mut seen = HashSet::new();
    let terms: Vec<String> = chars
        .windows(3)
        .map(|w| w.iter().collect::<String>())
        .filter(|t| seen.insert(t.clone()))
        .take(MAX_TRIGRAMS)
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    let columns = match field {
        TextField::Body => "{body}",
        TextField::Text => "{headers body}",
    };
    format!("{columns} : ({})", terms.join(" AND "))
}

impl TextIndex<'_> {
    /// Wakes whoever waits on `TextIndex::text_queue_signal`: blobs joined the queue.
    pub(crate) fn text_queued(self) {
        self.text_queue.notify_one();
    }

    /// What the indexer waits on between batches: notified after every commit that
    /// queued blobs.
    pub fn text_queue_signal(self) -> std::sync::Arc<tokio::sync::Notify> {
        self.text_queue.clone()
    }

    /// Up to `limit` blobs from the front of the queue (they stay on it until
    /// `TextIndex::save_message_texts`).
    pub async fn queued_texts(self, limit: u64) -> Result<Vec<QueuedText>, StoreError> {
        let sql = format!(
            "SELECT q.blob_hash, t.blob_hash FROM text_index_queue q \
             LEFT JOIN message_text t ON t.blob_hash = q.blob_hash \
             ORDER BY q.enqueued_at, q.blob_hash LIMIT {}",
            limit.min(MAX_QUEUE_BATCH)
        );
        let rows = self
            .db
            .query_all_raw(statement(self.backend, &sql, vec![]))
            .await?;
        rows.iter()
            .map(|r| {
                Ok(QueuedText {
                    blob_hash: r.try_get_by_index(0)?,
                    indexed: r.try_get_by_index::<Option<String>>(1)?.is_some(),
                })
            })
            .collect()
    }

    /// Whether a message of these mailboxes waits on the queue: else every one has its
    /// text in the index (a message's blob joins the queue in the transaction that
    /// stores it and leaves only once its text is saved).
    pub async fn queued_in(self, mailbox_ids: &[String]) -> Result<bool, StoreError> {
        for chunk in mailbox_ids.chunks(CHUNK) {
            let marks: Vec<String> = (1..=chunk.len())
                .map(|i| placeholder(self.backend, i))
                .collect();
            let sql = format!(
                "SELECT 1 FROM text_index_queue q WHERE EXISTS (SELECT 1 FROM messages m \
                 WHERE m.blob_hash = q.blob_hash AND m.mailbox_id IN ({})) LIMIT 1",
                marks.join(", ")
            );
            let values = chunk.iter().map(|h| Value::from(h.as_str())).collect();
            if self
                .db
                .query_one_raw(statement(self.backend, &sql, values))
                .await?
                .is_some()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// How many blobs wait on the queue.
    pub async fn text_queue_len(self) -> Result<u64, StoreError> {
        let row = self
            .db
            .query_one_raw(statement(
                self.backend,
                "SELECT COUNT(*) FROM text_index_queue",
                vec![],
            ))
            .await?;
        let n: i64 = match row {
            Some(r) => r.try_get_by_index(0)?,
            None => 0,
        };
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Writes the text of each blob (folded and cut to [`MAX_HEADER_TEXT`] and
    /// [`MAX_BODY_TEXT`]) and takes the blobs off the queue, in one transaction. `None`
    /// only takes the blob off the queue (it has a row already); a blob that has a row
    /// keeps it.
    pub async fn save_message_texts(
        self,
        texts: Vec<(String, Option<MessageText>)>,
    ) -> Result<(), StoreError> {
        if texts.is_empty() {
            return Ok(());
        }
        let insert = match self.backend {
            Backend::Sqlite => {
                "INSERT INTO message_text (blob_hash, doc_id, headers, body) \
                 VALUES (?1, (SELECT COALESCE(MAX(doc_id), 0) + 1 FROM message_text), ?2, ?3) \
                 ON CONFLICT (blob_hash) DO NOTHING"
            }
            Backend::Postgres => {
                "INSERT INTO message_text (blob_hash, headers, body) VALUES ($1, $2, $3) \
                 ON CONFLICT (blob_hash) DO NOTHING"
            }
        };
        let dequeue = format!(
            "DELETE FROM text_index_queue WHERE blob_hash = {}",
            placeholder(self.backend, 1)
        );
        let (txn, turn) = self.begin_write().await?;
        for (hash, text) in texts {
            if let Some(text) = text {
                let headers = fold_text(&text.headers, MAX_HEADER_TEXT);
                let body = fold_text(&text.body, MAX_BODY_TEXT);
                txn.execute_raw(statement(
                    self.backend,
                    insert,
                    vec![hash.clone().into(), headers.into(), body.into()],
                ))
                .await?;
            }
            txn.execute_raw(statement(self.backend, &dequeue, vec![hash.into()]))
                .await?;
        }
        self.commit(txn, turn).await?;
        Ok(())
    }

    /// The blobs of a mailbox's messages whose text contains `needle` (folded as the
    /// index is), among those the index has reached; see
    /// `TextIndex::unindexed_blobs` for the others.
    pub async fn search_text(
        self,
        mailbox_id: &str,
        field: TextField,
        needle: &[u8],
    ) -> Result<HashSet<String>, StoreError> {
        let needle = fold_text(&String::from_utf8_lossy(needle), usize::MAX);
        let in_mailbox = "SELECT m.blob_hash FROM messages m WHERE m.mailbox_id = ";
        let stmt = match self.backend {
            Backend::Sqlite => {
                let verify = match field {
                    TextField::Body => "instr(t.body, ?2) > 0",
                    TextField::Text => "(instr(t.headers, ?2) > 0 OR instr(t.body, ?2) > 0)",
                };
                if needle.chars().count() >= 3 {
                    // CROSS JOIN keeps the trigram index the outer loop: without it SQLite
                    // may start from the mailbox's rows and run `instr` on every one.
                    let sql = format!(
                        "SELECT t.blob_hash FROM message_text_fts f \
                         CROSS JOIN message_text t ON t.doc_id = f.rowid \
                         WHERE message_text_fts MATCH ?3 AND {verify} \
                         AND t.blob_hash IN ({in_mailbox}?1)"
                    );
                    let query = trigram_query(field, &needle);
                    statement(
                        self.backend,
                        &sql,
                        vec![mailbox_id.into(), needle.into(), query.into()],
                    )
                } else {
                    let sql = format!(
                        "SELECT t.blob_hash FROM message_text t \
                         WHERE {verify} AND t.blob_hash IN ({in_mailbox}?1)"
                    );
                    statement(self.backend, &sql, vec![mailbox_id.into(), needle.into()])
                }
            }
            Backend::Postgres => {
                let verify = match field {
                    TextField::Body => "t.body LIKE $2",
                    TextField::Text => "(t.headers LIKE $2 OR t.body LIKE $2)",
                };
                let sql = format!(
                    "SELECT t.blob_hash FROM message_text t \
                     WHERE {verify} AND t.blob_hash IN ({in_mailbox}$1)"
                );
                let pattern = super::like_anywhere(&needle);
                statement(self.backend, &sql, vec![mailbox_id.into(), pattern.into()])
            }
        };
        let rows = self.db.query_all_raw(stmt).await?;
        rows.iter()
            .map(|r| r.try_get_by_index::<String>(0).map_err(StoreError::from))
            .collect()
    }

    /// The blobs of a mailbox's messages that the index has not reached yet.
    pub async fn unindexed_blobs(self, mailbox_id: &str) -> Result<HashSet<String>, StoreError> {
        let sql = format!(
            "SELECT DISTINCT m.blob_hash FROM messages m WHERE m.mailbox_id = {} \
             AND NOT EXISTS (SELECT 1 FROM message_text t WHERE t.blob_hash = m.blob_hash)",
            placeholder(self.backend, 1)
        );
        let rows = self
            .db
            .query_all_raw(statement(self.backend, &sql, vec![mailbox_id.into()]))
            .await?;
        rows.iter()
            .map(|r| r.try_get_by_index::<String>(0).map_err(StoreError::from))
            .collect()
    }

    /// Deletes the text of blobs that no message names any more. Returns how many rows
    /// went.
    pub async fn prune_message_texts(self) -> Result<u64, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let res = txn
            .execute_raw(statement(
                self.backend,
                "DELETE FROM message_text WHERE NOT EXISTS \
                 (SELECT 1 FROM messages m WHERE m.blob_hash = message_text.blob_hash)",
                vec![],
            ))
            .await?;
        self.commit(txn, turn).await?;
        Ok(res.rows_affected())
    }
}

/// The condition on a `messages` row that the index holds `needle` in its text
/// (`field`), for a search across mailboxes: the blob among the index's matches, or,
/// to `probe`, the row's own text looked at (quicker when a few recent rows will do:
/// the matches of a common word are many).
pub(super) fn text_condition(
    backend: Backend,
    field: TextField,
    needle: &str,
    probe: bool,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Expr;
    let needle = fold_text(needle, usize::MAX);
    let own = "EXISTS (SELECT 1 FROM message_text t \
               WHERE t.blob_hash = messages.blob_hash AND";
    match backend {
        Backend::Sqlite if probe => {
            let (verify, times) = match field {
                TextField::Body => ("instr(t.body, ?) > 0", 1),
                TextField::Text => ("(instr(t.headers, ?) > 0 OR instr(t.body, ?) > 0)", 2),
            };
            Expr::cust_with_values(
                format!("{own} {verify})"),
                std::iter::repeat_n(Value::from(needle.as_str()), times),
            )
        }
        Backend::Sqlite => {
            let (verify, times) = match field {
                TextField::Body => ("instr(t.body, ?) > 0", 1),
                TextField::Text => ("(instr(t.headers, ?) > 0 OR instr(t.body, ?) > 0)", 2),
            };
            let mut values: Vec<Value> = Vec::new();
            let sql = if needle.chars().count() >= 3 {
                values.push(trigram_query(field, &needle).into());
                format!(
                    "messages.blob_hash IN (SELECT t.blob_hash FROM message_text_fts f \
                     CROSS JOIN message_text t ON t.doc_id = f.rowid \
                     WHERE message_text_fts MATCH ? AND {verify})"
                )
            } else {
                format!(
                    "messages.blob_hash IN (SELECT t.blob_hash FROM message_text t WHERE {verify})"
                )
            };
            values.extend(std::iter::repeat_n(Value::from(needle.as_str()), times));
            Expr::cust_with_values(sql, values)
        }
        Backend::Postgres => {
            // (A custom expression's values are `$1`, `$2`… of its own on PostgreSQL.)
            let (verify, times) = match field {
                TextField::Body => ("t.body LIKE $1 ESCAPE '\\'", 1),
                TextField::Text => (
                    "(t.headers LIKE $1 ESCAPE '\\' OR t.body LIKE $2 ESCAPE '\\')",
                    2,
                ),
            };
            let pattern = super::like_anywhere(&needle);
            let sql = if probe {
                format!("{own} {verify})")
            } else {
                format!(
                    "messages.blob_hash IN (SELECT t.blob_hash FROM message_text t WHERE {verify})"
                )
            };
            Expr::cust_with_values(
                sql,
                std::iter::repeat_n(Value::from(pattern.as_str()), times),
            )
        }
    }
}

impl TextIndex<'_> {
    /// Which of `hashes` the index has reached.
    pub async fn indexed_of(self, hashes: &[String]) -> Result<HashSet<String>, StoreError> {
        let mut out = HashSet::new();
        for chunk in hashes.chunks(CHUNK) {
            let marks: Vec<String> = (1..=chunk.len())
                .map(|i| placeholder(self.backend, i))
                .collect();
            let sql = format!(
                "SELECT blob_hash FROM message_text WHERE blob_hash IN ({})",
                marks.join(", ")
            );
            let values = chunk.iter().map(|h| Value::from(h.as_str())).collect();
            for r in self
                .db
                .query_all_raw(statement(self.backend, &sql, values))
                .await?
            {
                out.insert(r.try_get_by_index::<String>(0)?);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_cuts_at_a_character_boundary() {
        assert_eq!(fold_text("ÉTÉ Straße\0X", 100), "été straßex");
        assert_eq!(fold_text("ééé", 3), "é");
        assert_eq!(fold_text("abc", 0), "");
    }

    #[test]
    fn trigram_queries_and_like_patterns() {
        assert_eq!(
            trigram_query(TextField::Body, "abcab"),
            "{body} : (\"abc\" AND \"bca\" AND \"cab\")"
        );
        assert_eq!(
            trigram_query(TextField::Text, "a\"bc"),
            "{headers body} : (\"a\"\"b\" AND \"\"\"bc\")"
        );
        assert_eq!(crate::repo::like_anywhere("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
