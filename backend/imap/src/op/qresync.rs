//! Quick resynchronisation, RFC 7162 §3.2: what a client that knows a mailbox up to
//! some MODSEQ has missed. The UIDs expunged since come from the store's tombstones as
//! `VANISHED (EARLIER)`, the messages changed since as FETCH (UID FLAGS MODSEQ). Used
//! by SELECT/EXAMINE `(QRESYNC ...)` and UID FETCH `(CHANGEDSINCE n VANISHED)`.

use osprey_proto::imap::{Data, FetchData, QResync, SequenceSet};
use osprey_store::StoreError;

use crate::session::Session;

impl Session {
    /// The `VANISHED (EARLIER)` answer for the UIDs of `within` (all if `None`) expunged
    /// with a MODSEQ above `since`, or `None` if there are none (RFC 7162 §3.2.5.2,
    /// §3.2.6). UIDs the view still holds are left out: the ordinary VANISHED reports
    /// them when it may (§3.2.10).
    pub(crate) async fn vanished_earlier(
        &mut self,
        since: u64,
        within: Option<&SequenceSet>,
    ) -> Result<Option<Data>, StoreError> {
        let store = self.server.store.clone();
        let view = self.selected();
        let gone = store
            .messages()
            .expunged_since(&view.mailbox.id, since)
            .await?;
        let view = self.selected();
        // `*` in a UID set is the highest UID of the mailbox, expunged or not.
        let max = gone
            .iter()
            .copied()
            .chain(view.msgs.last().map(|m| m.uid))
            .max()
            .unwrap_or(0);
        let uids: Vec<u32> = gone
            .into_iter()
            .filter(|&u| within.is_none_or(|set| set.contains(u, max)))
            .filter(|&u| !view.msgs.iter().any(|m| m.uid == u))
            .collect();
        Ok((!uids.is_empty()).then(|| Data::Vanished {
            earlier: true,
            uids: SequenceSet::from_numbers(&uids),
        }))
    }

    /// Answers the QRESYNC parameter of SELECT/EXAMINE after the mailbox is open: the
    /// expunges and flag changes since the client's MODSEQ, for its known UIDs. A
    /// UIDVALIDITY other than the mailbox's means the client's cache is void: the
    /// parameter is ignored (RFC 7162 §3.2.5). Every expunge is remembered, so the
    /// sequence-match data is not needed and not used (§3.2.5.2 allows this).
    pub(crate) async fn qresync_select(&mut self, q: &QResync) -> Result<(), StoreError> {
        if q.uidvalidity != self.selected().mailbox.uidvalidity {
            return Ok(());
        }
        let known = q.known_uids.as_ref();
        if let Some(v) = self.vanished_earlier(q.modseq, known).await? {
            self.data(v);
        }
        let view = self.selected();
        let max = view.msgs.last().map_or(0, |m| m.uid);
        let changed: Vec<Data> = view
            .msgs
            .iter()
            .enumerate()
            .filter(|(_, m)| m.modseq > q.modseq && known.is_none_or(|k| k.contains(m.uid, max)))
            .map(|(i, m)| Data::Fetch {
                seq: i as u32 + 1,
                items: vec![
                    FetchData::Uid(m.uid),
                    FetchData::Flags(m.flag_list()),
                    FetchData::ModSeq(m.modseq),
                ],
            })
            .collect();
        for d in changed {
            self.data(d);
        }
        Ok(())
    }
}
