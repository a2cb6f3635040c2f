//! FETCH and UID FETCH, RFC 9051 §6.4.5 and §6.4.9: which messages, `\Seen` on
//! reading, and the answer per message. What each item holds is built in
//! `fetch_items.rs`. Fetching a body section or BINARY without PEEK sets `\Seen` in a
//! read-write mailbox. CONDSTORE (RFC 7162 §3.1.4): the MODSEQ item, and
//! `(CHANGEDSINCE n)` for only the messages changed since, with MODSEQ; QRESYNC
//! (RFC 7162 §3.2.6): `VANISHED` adds the UIDs expunged since.

use osprey_mail::message::ParsedMessage;
use osprey_proto::imap::{
    Code, Data, FetchAttr, FetchData, FetchItems, FetchModifiers, SequenceSet,
};
use osprey_store::{FlagChange, FlagUpdate, flags};

use super::fetch_items::{ItemError, items_of};
use crate::{
    op::{Completion, OpResult},
    session::Session,
};

/// Pending output above which FETCH writes before going on.
const FLUSH_AT: usize = 256 * 1024;

impl Session {
    pub(crate) async fn fetch(
        &mut self,
        uid: bool,
        set: &SequenceSet,
        items: &FetchItems,
        modifiers: &FetchModifiers,
    ) -> OpResult {
        // RFC 7162 §3.2.6: VANISHED only in UID FETCH with CHANGEDSINCE, once QRESYNC
        // is enabled.
        if modifiers.vanished && (!self.qresync || !uid || modifiers.changed_since.is_none()) {
            return Err(Completion::bad(
                None,
                "VANISHED needs ENABLE QRESYNC, UID FETCH and CHANGEDSINCE",
            ));
        }
        let mut attrs = items.expand();
        // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ; both enable CONDSTORE.
        if modifiers.changed_since.is_some() && !attrs.contains(&FetchAttr::ModSeq) {
            attrs.push(FetchAttr::ModSeq);
        }
        if attrs.contains(&FetchAttr::ModSeq) {
            self.enable_condstore();
        }
        let condstore = self.condstore;
        // RFC 9051 §6.4.9: UID FETCH always returns the UID.
        if uid && !attrs.contains(&FetchAttr::Uid) {
            attrs.push(FetchAttr::Uid);
        }
        // An item asked for twice (`UID FETCH 1 (UID UID)`) is returned once: a FETCH
        // response names each data item once (RFC 9051 §7.5.2 pairs names and values).
        let mut seen: Vec<FetchAttr> = Vec::with_capacity(attrs.len());
        attrs.retain(|a| {
            let first = !seen.contains(a);
            if first {
                seen.push(a.clone());
            }
            first
        });
        let view = self.selected();
        let mut positions = match view.resolve(set, uid) {
            Ok(p) => p,
            Err(why) => {
                return Err(Completion::bad(None, why));
            }
        };
        if let Some(since) = modifiers.changed_since {
            positions.retain(|&i| view.msgs[i].modseq > since);
        }
        let sets_seen = !view.read_only
            && attrs.iter().any(|a| {
                matches!(
                    a,
                    FetchAttr::BodySection { peek: false, .. }
                        | FetchAttr::Binary { peek: false, .. }
                        | FetchAttr::Rfc822
                        | FetchAttr::Rfc822Text
                )
            });
        let mut newly_seen = Vec::new();
        if sets_seen {
            let unseen: Vec<String> = positions
                .iter()
                .map(|&i| &view.msgs[i])
                .filter(|m| m.flags & flags::SEEN == 0)
                .map(|m| m.id.clone())
                .collect();
            let mailbox_id = view.mailbox.id.clone();
            let update = FlagUpdate {
                change: FlagChange::Add,
                flags: flags::SEEN,
                keywords: vec![],
            };
            match self
                .server
                .store
                .messages()
                .update_flags(&mailbox_id, &unseen, &update)
                .await
            {
                Ok(done) => {
                    let view = self.selected();
                    // The flags as they are at the new MODSEQ, keywords set elsewhere
                    // since the view last read the message included (one MODSEQ, one
                    // state: RFC 7162 §3.1); a keyword new to the view is announced
                    // before a FETCH shows it (RFC 9051 §7.3.5).
                    let mut announce = Vec::new();
                    if view.keywords.learn(done.iter().flat_map(|f| &f.keywords)) {
                        announce = view.keywords.announcement(view.read_only);
                    }
                    for f in done {
                        if let Some(m) = view.msgs.iter_mut().find(|m| m.uid == f.uid) {
                            m.flags = f.flags;
                            m.keywords = f.keywords;
                            m.modseq = f.modseq;
                        }
                        newly_seen.push(f.uid);
                    }
                    for r in announce {
                        self.respond(r);
                    }
                }
                Err(e) => {
                    return Err(Completion::store_failed(&e));
                }
            }
        }
        // RFC 7162 §3.2.6: the UIDs of the set expunged since, before the FETCHes.
        if modifiers.vanished
            && let Some(since) = modifiers.changed_since
        {
            match self.vanished_earlier(since, Some(set)).await {
                Ok(Some(v)) => self.data(v),
                Ok(None) => {}
                Err(e) => {
                    return Err(Completion::store_failed(&e));
                }
            }
        }
        let needs_body = attrs.iter().any(|a| {
            matches!(
                a,
                FetchAttr::Envelope
                    | FetchAttr::Body
                    | FetchAttr::BodyStructure
                    | FetchAttr::BodySection { .. }
                    | FetchAttr::Binary { .. }
                    | FetchAttr::BinarySize { .. }
                    | FetchAttr::Rfc822
                    | FetchAttr::Rfc822Header
                    | FetchAttr::Rfc822Text
            )
        });
        for i in positions {
            let msg = self.selected().msgs[i].clone();
            let raw = if needs_body {
                match self.server.blobs.get(&msg.blob_hash).await {
                    Ok(b) => Some(b),
                    Err(e) => {
                        tracing::error!(error = %e, blob = %msg.blob_hash, "message body unreadable");
                        None
                    }
                }
            } else {
                None
            };
            // One parse of the message for all of its items.
            let parsed = raw.as_deref().map(ParsedMessage::parse);
            let items = items_of(&msg, &attrs, parsed.as_ref());
            drop(parsed);
            let mut out = match items {
                Ok(out) => out,
                // RFC 3516 §4.2: a part that cannot be decoded fails the command.
                Err(ItemError::UnknownEncoding) => {
                    return Err(Completion::no(
                        Some(Code::UnknownCte),
                        "unknown Content-Transfer-Encoding",
                    ));
                }
                Err(ItemError::Corrupt) => {
                    return Err(Completion::no(None, "the part is not validly encoded"));
                }
            };
            if newly_seen.contains(&msg.uid) {
                if !attrs.contains(&FetchAttr::Flags) {
                    out.push(FetchData::Flags(msg.flag_list()));
                }
                // RFC 7162 §3.2.4: once CONDSTORE is enabled, a FETCH "that implicitly
                // set the \Seen flag" reports it with UID and MODSEQ.
                if condstore && !attrs.contains(&FetchAttr::Uid) {
                    out.push(FetchData::Uid(msg.uid));
                }
                if condstore && !attrs.contains(&FetchAttr::ModSeq) {
                    out.push(FetchData::ModSeq(msg.modseq));
                }
            }
            self.data(Data::Fetch {
                seq: i as u32 + 1,
                items: out,
            });
            if self.out.len() >= FLUSH_AT && self.flush().await.is_err() {
                return Err(Completion::closed());
            }
        }
        Ok(Completion::ok(None, "FETCH completed"))
    }
}
