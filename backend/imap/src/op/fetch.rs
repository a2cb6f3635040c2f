//! FETCH and UID FETCH, RFC 9051 §6.4.5 and §6.4.9: flags, UID, internal date, size,
//! envelope and body sections with partial ranges; the rev1 RFC822 items. Fetching a
//! body section without PEEK sets `\Seen` in a read-write mailbox. BODY, BODYSTRUCTURE
//! and BINARY are not offered yet.

use osprey_proto::imap::{
    Data, DateTime, FetchAttr, FetchData, FetchItems, FetchModifiers, Section, SectionText,
    SequenceSet, Tag,
};
use osprey_store::{FlagChange, FlagUpdate, flags};

use crate::{
    message::{envelope, flag_list, section},
    selected::Msg,
    session::{Next, Session},
};

/// Pending output above which FETCH writes before going on.
const FLUSH_AT: usize = 256 * 1024;

fn date_time(t: &chrono::DateTime<chrono::Utc>) -> DateTime {
    use chrono::{Datelike, Timelike};
    DateTime {
        date: osprey_proto::imap::Date {
            year: t.year() as u16,
            month: t.month() as u8,
            day: t.day() as u8,
        },
        hour: t.hour() as u8,
        minute: t.minute() as u8,
        second: t.second() as u8,
        zone_minutes: 0,
    }
}

/// `<origin.length>` of `data` (RFC 9051 §6.4.5): an origin past the end gives an
/// empty string.
fn partial(data: Vec<u8>, p: Option<osprey_proto::imap::Partial>) -> (Vec<u8>, Option<u32>) {
    match p {
        None => (data, None),
        Some(p) => {
            let start = (p.origin as usize).min(data.len());
            let end = start.saturating_add(p.length as usize).min(data.len());
            (data[start..end].to_vec(), Some(p.origin))
        }
    }
}

impl Session {
    pub(crate) async fn fetch(
        &mut self,
        tag: &Tag,
        uid: bool,
        set: &SequenceSet,
        items: &FetchItems,
        modifiers: &FetchModifiers,
    ) -> Next {
        if modifiers.changed_since.is_some() {
            self.bad(tag, None, "CHANGEDSINCE is not supported");
            return Next::Continue;
        }
        let mut attrs = items.expand();
        if attrs.iter().any(|a| {
            matches!(
                a,
                FetchAttr::Body
                    | FetchAttr::BodyStructure
                    | FetchAttr::Binary { .. }
                    | FetchAttr::BinarySize { .. }
                    | FetchAttr::ModSeq
            )
        }) {
            self.bad(
                tag,
                None,
                "BODY, BODYSTRUCTURE, BINARY and MODSEQ are not supported yet",
            );
            return Next::Continue;
        }
        // RFC 9051 §6.4.9: UID FETCH always returns the UID.
        if uid && !attrs.contains(&FetchAttr::Uid) {
            attrs.push(FetchAttr::Uid);
        }
        let view = self.selected();
        let positions = match view.resolve(set, uid) {
            Ok(p) => p,
            Err(why) => {
                self.bad(tag, None, why);
                return Next::Continue;
            }
        };
        let sets_seen = !view.read_only
            && attrs.iter().any(|a| {
                matches!(
                    a,
                    FetchAttr::BodySection { peek: false, .. }
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
                .update_flags(&mailbox_id, &unseen, &update)
                .await
            {
                Ok(done) => {
                    let view = self.selected();
                    for f in done {
                        if let Some(m) = view.msgs.iter_mut().find(|m| m.uid == f.uid) {
                            m.flags = f.flags;
                            m.modseq = f.modseq;
                        }
                        newly_seen.push(f.uid);
                    }
                }
                Err(e) => {
                    self.store_failed(tag, &e);
                    return Next::Continue;
                }
            }
        }
        let needs_body = attrs.iter().any(|a| {
            matches!(
                a,
                FetchAttr::Envelope
                    | FetchAttr::BodySection { .. }
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
            let mut out = items_of(&msg, &attrs, raw.as_deref());
            if newly_seen.contains(&msg.uid) && !attrs.contains(&FetchAttr::Flags) {
                out.push(FetchData::Flags(flag_list(msg.flags, &msg.keywords)));
            }
            self.data(Data::Fetch {
                seq: i as u32 + 1,
                items: out,
            });
            if self.out.len() >= FLUSH_AT && self.flush().await.is_err() {
                return Next::Close;
            }
        }
        self.ok(tag, None, "FETCH completed");
        Next::Continue
    }
}

/// The FETCH items of one message. Items that need the body are left out when it
/// could not be read.
fn items_of(msg: &Msg, attrs: &[FetchAttr], raw: Option<&[u8]>) -> Vec<FetchData> {
    let mut out = Vec::with_capacity(attrs.len());
    for a in attrs {
        let item = match (a, raw) {
            (FetchAttr::Flags, _) => FetchData::Flags(flag_list(msg.flags, &msg.keywords)),
            (FetchAttr::Uid, _) => FetchData::Uid(msg.uid),
            (FetchAttr::InternalDate, _) => FetchData::InternalDate(date_time(&msg.internal_date)),
            (FetchAttr::Rfc822Size, _) => FetchData::Rfc822Size(msg.size),
            (FetchAttr::Envelope, Some(raw)) => FetchData::Envelope(Box::new(envelope(raw))),
            (FetchAttr::Rfc822, Some(raw)) => FetchData::Rfc822(Some(raw.to_vec())),
            (FetchAttr::Rfc822Header, Some(raw)) => FetchData::Rfc822Header(Some(section(
                raw,
                &Section {
                    part: vec![],
                    text: Some(SectionText::Header),
                },
            ))),
            (FetchAttr::Rfc822Text, Some(raw)) => FetchData::Rfc822Text(Some(section(
                raw,
                &Section {
                    part: vec![],
                    text: Some(SectionText::Text),
                },
            ))),
            (
                FetchAttr::BodySection {
                    section: s,
                    partial: p,
                    ..
                },
                Some(raw),
            ) => {
                let (data, origin) = partial(section(raw, s), *p);
                FetchData::BodySection {
                    section: s.clone(),
                    origin,
                    data: Some(data),
                }
            }
            _ => continue,
        };
        out.push(item);
    }
    out
}
