//! Search and sort contexts, RFC 5267 §4 (CONTEXT=SEARCH, CONTEXT=SORT): a SEARCH or
//! SORT with `RETURN (UPDATE)` keeps its result up to date, and the session says how it
//! changes in ESEARCH responses with REMOVEFROM and ADDTO, at the moments it reports the
//! changes themselves (between commands, after them, in IDLE); CANCELUPDATE ends that.
//!
//! A context keeps its result (UIDs in mailbox order, or the sort rows in sort order)
//! and the MODSEQ and UID up to which it has looked at the mailbox. When the view
//! changes, only the messages that arrived or changed since (a higher UID or MODSEQ)
//! are searched again (RFC 5267 Appendix B); messages that left the view leave the
//! result. Sort keys never change for a message, so a SORT context inserts and removes
//! rows without sorting again. Sequence numbers and `$` in the search program are read
//! once, when the command runs (RFC 5267 §4.3), as the UIDs they named then.
//!
//! Contexts belong to the selected mailbox's view ([`crate::selected::Selected`]): they
//! end when it is no longer selected.

use std::collections::HashSet;

use osprey_proto::imap::{
    Code, Data, ESearch, Response, SearchKey, SequenceSet, SortCriterion, StatusKind,
    StatusResponse, Tag,
};

use super::sort::{Row, compare};
use crate::{
    op::{Completion, OpResult},
    selected::Selected,
    session::{Session, State},
};

/// The most contexts a session keeps at once. RFC 5267 §4.3.1 asks for at least one;
/// past this, UPDATE is refused with `NO [NOUPDATE]` and the command still answers.
/// Each context searches the changed messages whenever the mailbox changes.
pub(crate) const MAX_CONTEXTS: usize = 4;

/// A context's result in its requested order.
pub(crate) enum ContextOrder {
    /// SEARCH: the UIDs, in mailbox order.
    Mailbox(Vec<u32>),
    /// SORT: the criteria and the rows, in sort order.
    Sorted {
        criteria: Vec<SortCriterion>,
        rows: Vec<Row>,
    },
}

impl ContextOrder {
    fn uids(&self) -> Vec<u32> {
        match self {
            ContextOrder::Mailbox(uids) => uids.clone(),
            ContextOrder::Sorted { rows, .. } => rows.iter().map(|r| r.uid).collect(),
        }
    }
}

/// One context.
pub(crate) struct Context {
    /// The tag of the searching command: the ESEARCH correlator.
    tag: String,
    /// The updates name UIDs (UID SEARCH, UID SORT), else sequence numbers.
    uid: bool,
    /// The search program, sequence numbers and `$` pinned to UIDs.
    key: SearchKey,
    order: ContextOrder,
    /// Every change of the view up to this MODSEQ has been looked at.
    evaluated_to: u64,
    /// Every message up to this UID has been looked at.
    high_uid: u32,
}

/// The contexts of the selected mailbox.
#[derive(Default)]
pub(crate) struct Contexts(Vec<Context>);

/// What changed in one context: (position, ids) pairs removed and added, ids already
/// in the context's kind (sequence numbers or UIDs). Messages gone from the view are
/// removed first, numbered as before the EXPUNGEs (RFC 5267 §4.3.4); messages that
/// stopped matching after them, with the numbers as now, so that the FETCH showing a
/// flag change precedes the ESEARCH (RFC 5465 §5.1).
struct Changed {
    gone: Vec<(u32, SequenceSet)>,
    removefrom: Vec<(u32, SequenceSet)>,
    addto: Vec<(u32, SequenceSet)>,
}

/// `key` with sequence numbers and `$` replaced by the UIDs they name in `view` now
/// (RFC 5267 §4.3: they "are evaluated at the time the command is received").
fn pin(key: &SearchKey, view: &Selected) -> SearchKey {
    let uids = |pick: &dyn Fn(u32, u32) -> bool| {
        let found: Vec<u32> = view
            .msgs
            .iter()
            .enumerate()
            .filter(|(i, m)| pick(*i as u32 + 1, m.uid))
            .map(|(_, m)| m.uid)
            .collect();
        SearchKey::Uid(SequenceSet::from_numbers(&found))
    };
    match key {
        SearchKey::SequenceSet(SequenceSet::Saved) | SearchKey::Uid(SequenceSet::Saved) => {
            uids(&|_, uid| view.saved.contains(&uid))
        }
        SearchKey::SequenceSet(set) => uids(&|seq, _| set.contains(seq, view.exists())),
        SearchKey::And(ks) => SearchKey::And(ks.iter().map(|k| pin(k, view)).collect()),
        SearchKey::Not(k) => SearchKey::Not(Box::new(pin(k, view))),
        SearchKey::Or(a, b) => SearchKey::Or(Box::new(pin(a, view)), Box::new(pin(b, view))),
        other => other.clone(),
    }
}

/// The sequence number `uid` had before this round's expunges were reported: its
/// place in the view plus the reported ones below it (`gone`, ascending).
fn old_seq(view: &Selected, gone: &[u32], uid: u32) -> u32 {
    let here = view.msgs.partition_point(|m| m.uid < uid);
    let before = gone.partition_point(|&g| g < uid);
    (here + before + 1) as u32
}

/// The sequence number of `uid` in the view now.
fn seq(view: &Selected, uid: u32) -> u32 {
    view.msgs.partition_point(|m| m.uid < uid) as u32 + 1
}

impl Session {
    /// RFC 5267 §4.3: "An attempt to use UPDATE where a tag is already in use with a
    /// previous searching command that itself used UPDATE SHALL result in the server
    /// rejecting the searching command with a BAD response."
    pub(crate) fn check_context_tag(&mut self, tag: &Tag) -> Result<(), Completion> {
        if self
            .selected()
            .contexts
            .0
            .iter()
            .any(|c| c.tag == tag.as_str())
        {
            return Err(Completion::bad(None, "tag in use by a context"));
        }
        Ok(())
    }

    /// Keeps the result of the searching command `tag` up to date from now on, or, past
    /// [`MAX_CONTEXTS`], says it will not (RFC 5267 §4.3.1: an untagged `NO
    /// [NOUPDATE "tag"]`).
    pub(crate) fn open_context(
        &mut self,
        tag: &Tag,
        uid: bool,
        key: &SearchKey,
        order: ContextOrder,
    ) {
        let view = self.selected();
        if view.contexts.0.len() >= MAX_CONTEXTS {
            let code = Code::NoUpdate(tag.as_str().to_owned());
            self.untagged_no(Some(code), "too many contexts");
            return;
        }
        let context = Context {
            tag: tag.as_str().to_owned(),
            uid,
            key: pin(key, view),
            order,
            evaluated_to: view.complete_to(),
            high_uid: view.msgs.last().map_or(0, |m| m.uid),
        };
        view.contexts.0.push(context);
    }

    /// CANCELUPDATE, RFC 5267 §4.3.5: no more updates for the contexts of these tags.
    /// A tag that names no context fails the command, and none is cancelled.
    pub(crate) fn cancel_update(&mut self, tags: &[String]) -> OpResult {
        let contexts = &mut self.selected().contexts.0;
        if let Some(t) = tags.iter().find(|t| !contexts.iter().any(|c| &c.tag == *t)) {
            let text = format!("no context has the tag {t}");
            return Err(Completion::no(None, text));
        }
        contexts.retain(|c| !tags.contains(&c.tag));
        Ok(Completion::ok(None, "CANCELUPDATE completed"))
    }

    /// The ESEARCH updates of every context after the view changed: those that remove
    /// (to go before the EXPUNGEs, RFC 5267 §4.3.4, with the sequence numbers from
    /// before them) and those that add (to go after EXISTS, §4.3.3). `gone` are the
    /// UIDs whose EXPUNGE (or VANISHED) this round reported, ascending. A context that
    /// cannot be brought up to date ends with `NO [NOUPDATE]`.
    pub(crate) async fn context_updates(&mut self, gone: &[u32]) -> (Vec<Response>, Vec<Response>) {
        let (mut before, mut after) = (Vec::new(), Vec::new());
        let State::Selected { mailbox, .. } = &mut self.state else {
            return (before, after);
        };
        let contexts = std::mem::take(&mut mailbox.contexts.0);
        let mut kept = Vec::with_capacity(contexts.len());
        for mut c in contexts {
            let Ok(changed) = self.update_context(&mut c, gone).await else {
                let mut no = StatusResponse::new(None, StatusKind::No, "context ended");
                no.code = Some(Code::NoUpdate(c.tag));
                before.push(Response::Status(no));
                continue;
            };
            let esearch = |removefrom, addto| {
                Response::Data(Data::ESearch(ESearch {
                    tag: Tag::new(&c.tag),
                    uid: c.uid,
                    removefrom,
                    addto,
                    ..ESearch::default()
                }))
            };
            if !changed.gone.is_empty() {
                before.push(esearch(changed.gone, Vec::new()));
            }
            if !changed.removefrom.is_empty() || !changed.addto.is_empty() {
                after.push(esearch(changed.removefrom, changed.addto));
            }
            kept.push(c);
        }
        self.selected().contexts.0 = kept;
        (before, after)
    }

    /// Brings one context up to date with the view.
    async fn update_context(&mut self, c: &mut Context, gone: &[u32]) -> Result<Changed, ()> {
        let view = self.selected();
        let complete_to = view.complete_to();
        let high_uid = view.msgs.last().map_or(0, |m| m.uid);
        let present = |uid: u32| {
            view.msgs
                .binary_search_by_key(&uid, |m| m.uid)
                .is_ok_and(|i| !view.msgs[i].expunged)
        };
        let candidates: HashSet<u32> = view
            .msgs
            .iter()
            .filter(|m| !m.expunged && (m.uid > c.high_uid || m.modseq > c.evaluated_to))
            .map(|m| m.uid)
            .collect();
        let members = c.order.uids();
        let mut nothing = Changed {
            gone: Vec::new(),
            removefrom: Vec::new(),
            addto: Vec::new(),
        };
        if candidates.is_empty() && members.iter().all(|&u| present(u)) {
            (c.evaluated_to, c.high_uid) = (complete_to, high_uid);
            return Ok(nothing);
        }
        let hits = if candidates.is_empty() {
            Vec::new()
        } else {
            self.search_among(&c.key, Some(&candidates))
                .await
                .map_err(|_| ())?
        };
        let matched: HashSet<u32> = hits.iter().map(|h| h.uid).collect();
        let old: HashSet<u32> = members.iter().copied().collect();
        let view = self.selected();
        let present = |uid: u32| {
            view.msgs
                .binary_search_by_key(&uid, |m| m.uid)
                .is_ok_and(|i| !view.msgs[i].expunged)
        };
        let keep = |uid: u32| !candidates.contains(&uid) || matched.contains(&uid);
        let gone_id = |uid| if c.uid { uid } else { old_seq(view, gone, uid) };
        let added_id = |uid| if c.uid { uid } else { seq(view, uid) };
        let new_hits: Vec<_> = hits.into_iter().filter(|h| !old.contains(&h.uid)).collect();
        match &mut c.order {
            // RFC 5267 §4.3.3 and §4.3.4: position zero for SEARCH, the ids in mailbox
            // order ("the shortest representation in set-syntax").
            ContextOrder::Mailbox(uids) => {
                let left: Vec<u32> = uids
                    .iter()
                    .filter(|&&u| !present(u))
                    .map(|&u| gone_id(u))
                    .collect();
                uids.retain(|&u| present(u));
                let removed: Vec<u32> = uids
                    .iter()
                    .filter(|&&u| !keep(u))
                    .map(|&u| added_id(u))
                    .collect();
                uids.retain(|&u| keep(u));
                let mut added: Vec<u32> = new_hits.iter().map(|h| h.uid).collect();
                added.sort_unstable();
                uids.extend(&added);
                uids.sort_unstable();
                let added: Vec<u32> = added.into_iter().map(added_id).collect();
                if !left.is_empty() {
                    nothing.gone = vec![(0, SequenceSet::from_numbers(&left))];
                }
                if !removed.is_empty() {
                    nothing.removefrom = vec![(0, SequenceSet::from_numbers(&removed))];
                }
                if !added.is_empty() {
                    nothing.addto = vec![(0, SequenceSet::from_numbers(&added))];
                }
            }
            ContextOrder::Sorted { criteria, rows } => {
                nothing.gone = runs(
                    rows.iter().map(|r| (r.uid, !present(r.uid))),
                    false,
                    gone_id,
                );
                rows.retain(|r| present(r.uid));
                nothing.removefrom =
                    runs(rows.iter().map(|r| (r.uid, !keep(r.uid))), false, added_id);
                rows.retain(|r| keep(r.uid));
                let criteria = criteria.clone();
                let new_rows = self.sort_rows(new_hits, c.uid, &criteria).await;
                let ContextOrder::Sorted { rows, .. } = &mut c.order else {
                    unreachable!("matched above");
                };
                let mut added = HashSet::new();
                for r in new_rows {
                    let at = rows.partition_point(|x| compare(x, &r, &criteria).is_lt());
                    added.insert(r.uid);
                    rows.insert(at, r);
                }
                let view = self.selected();
                let added_id = |uid| if c.uid { uid } else { seq(view, uid) };
                nothing.addto = runs(
                    rows.iter().map(|r| (r.uid, added.contains(&r.uid))),
                    true,
                    added_id,
                );
            }
        }
        (c.evaluated_to, c.high_uid) = (complete_to, high_uid);
        Ok(nothing)
    }
}

/// RFC 5267 §4.3.3 and §4.3.4 for a sorted result: each run of marked entries with the
/// context position of its first. "Each pair is processed in the order that it
/// appears": when removing, the marked entries of earlier runs are gone, so only the
/// unmarked ones before a run count; when adding (`inserted`), the entries are those of
/// the new result, and the earlier runs are in place, so every entry before counts.
fn runs(
    entries: impl Iterator<Item = (u32, bool)>,
    inserted: bool,
    id: impl Fn(u32) -> u32,
) -> Vec<(u32, SequenceSet)> {
    let mut out = Vec::new();
    let mut run: Vec<u32> = Vec::new();
    let mut position = 1u32;
    let mut start = 1u32;
    for (uid, marked) in entries {
        if marked {
            if run.is_empty() {
                start = position;
            }
            run.push(id(uid));
        } else if !run.is_empty() {
            out.push((start, SequenceSet::from_numbers(&std::mem::take(&mut run))));
        }
        if !marked || inserted {
            position += 1;
        }
    }
    if !run.is_empty() {
        out.push((start, SequenceSet::from_numbers(&run)));
    }
    out
}
