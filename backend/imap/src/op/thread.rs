//! THREAD and UID THREAD, RFC 5256 §3: the messages a search finds, threaded by
//! ORDEREDSUBJECT or REFERENCES (`osprey_mail::message`'s threading) with the store's
//! summary columns, written as IMAP threads.

use chrono::{DateTime, Utc};
use osprey_mail::message::{self, ThreadMsg, message_ids, ordered_subject, references};
use osprey_proto::imap::{Data, SearchKey, Thread, ThreadAlgorithm};

use crate::{
    op::{Completion, OpResult},
    session::Session,
};

/// A thread in IMAP's terms.
fn wire(t: message::Thread) -> Thread {
    Thread {
        id: t.id,
        children: t.children.into_iter().map(wire).collect(),
    }
}

impl Session {
    pub(crate) async fn thread(
        &mut self,
        uid: bool,
        algorithm: &ThreadAlgorithm,
        charset: &str,
        key: &SearchKey,
    ) -> OpResult {
        if matches!(algorithm, ThreadAlgorithm::Other(_)) {
            return Err(Completion::bad(None, "unknown threading algorithm"));
        }
        Self::check_charset(Some(charset))?;
        let hits = self.search_hits(key).await?;
        let msgs: Vec<ThreadMsg> = hits
            .into_iter()
            .map(|h| {
                let r = h.record;
                let s = r.as_ref().map(|r| &r.summary);
                ThreadMsg {
                    id: if uid { h.uid } else { h.seq },
                    seq: h.seq,
                    // RFC 5256 §2.2: the internal date stands in for a missing Date.
                    date: s
                        .and_then(|s| s.sent_date)
                        .or(r.as_ref().map(|r| r.internal_date))
                        .unwrap_or(DateTime::<Utc>::MIN_UTC),
                    subject: s.and_then(|s| s.subject.clone()).unwrap_or_default(),
                    message_id: s
                        .and_then(|s| s.message_id.as_deref())
                        .and_then(|id| message_ids(id).into_iter().next()),
                    references: s
                        .and_then(|s| s.references.as_deref())
                        .map(message_ids)
                        .unwrap_or_default(),
                }
            })
            .collect();
        let threads = match algorithm {
            ThreadAlgorithm::OrderedSubject => ordered_subject(&msgs),
            _ => references(&msgs),
        };
        self.data(Data::Thread(threads.into_iter().map(wire).collect()));
        Ok(Completion::ok(None, "THREAD completed"))
    }
}
