//! NOTIFY, RFC 5465: which events the session hears of, and when. `NOTIFY SET` names
//! mailboxes (the selected one, all personal ones, the subscribed ones, subtrees,
//! names) and events; from then on the session reports them at any time: between
//! commands (the read loop waits for input and for the change bus at once), at command
//! boundaries and in IDLE. Other mailboxes' message changes go out as STATUS, mailbox
//! creation, deletion and renaming (MailboxName) and subscription changes
//! (SubscriptionChange) as LIST, the selected mailbox's changes as without NOTIFY (and
//! then also between commands), with a FETCH of the requested attributes for new
//! messages. `NOTIFY NONE` ends it all.
//!
//! Mailbox and subscription events come from the change bus's
//! [`ChangeKind::Mailboxes`]: the session reads the account's names and subscriptions
//! again and reports the difference from what it last reported. Its own CREATE, DELETE,
//! RENAME, SUBSCRIBE and UNSUBSCRIBE are not reported back (§5: "The server SHOULD
//! omit notifying the client if the event is caused by this client").

use std::collections::{BTreeSet, HashMap};

use osprey_directory::session_ended;
use osprey_proto::imap::{
    Code, Data, EventGroup, FetchAttr, FetchItems, FetchModifiers, ListExtended, NotifyEvent,
    NotifyMailboxes, NotifySet, SequenceSet, StatusItem,
};
use osprey_store::{Change, ChangeKind, MailboxRecord, StoreError};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use crate::{
    mailbox_name::{self, DELIMITER},
    op::{Completion, OpResult},
    session::{Session, State},
};

/// The most mailbox names one `NOTIFY SET` may list (SUBTREE and MAILBOXES together);
/// past it the command is refused with `NO [NOTIFICATIONOVERFLOW]` (§3.1: "If the
/// notification would be prohibitively expensive for the server ... the server MAY
/// refuse the command with a tagged NO [NOTIFICATIONOVERFLOW] response").
pub(crate) const MAX_NOTIFY_NAMES: usize = 100;

/// The events this server can notify about, as `BADEVENT` lists them (§3.1).
const SUPPORTED: [&str; 5] = [
    "MessageNew",
    "MessageExpunge",
    "FlagChange",
    "MailboxName",
    "SubscriptionChange",
];

/// Which mailboxes a group covers; names in the store's form.
enum Filter {
    /// PERSONAL, and INBOXES (§6.3: treated as PERSONAL).
    Personal,
    Subscribed,
    Subtree(Vec<String>),
    Names(Vec<String>),
}

impl Filter {
    fn covers(&self, name: &str, subscriptions: &BTreeSet<String>) -> bool {
        match self {
            Filter::Personal => true,
            Filter::Subscribed => subscriptions.contains(name),
            Filter::Subtree(roots) => roots.iter().any(|r| {
                name == r
                    || name
                        .strip_prefix(r.as_str())
                        .is_some_and(|rest| rest.starts_with(DELIMITER))
            }),
            Filter::Names(names) => names.iter().any(|n| n == name),
        }
    }
}

/// One event group for mailboxes other than the selected one.
struct Group {
    filter: Filter,
    /// MessageNew and MessageExpunge (always together, §5).
    messages: bool,
    flags: bool,
    names: bool,
    subscriptions: bool,
}

/// A session's NOTIFY state.
pub(crate) struct Notify {
    /// SELECTED (false) or SELECTED-DELAYED (true), and MessageNew's fetch attributes.
    selected: Option<(bool, Vec<FetchAttr>)>,
    groups: Vec<Group>,
    changes: broadcast::Receiver<Change>,
    /// Received and not reported yet.
    pending: Vec<Change>,
    /// The bus dropped changes for this session.
    lagged: bool,
    /// The account's mailboxes (id to name) and subscriptions, as last reported.
    mailboxes: HashMap<String, String>,
    subscriptions: BTreeSet<String>,
}

impl Notify {
    /// Waits for the next change (cancel-safe: nothing is lost when it is dropped).
    pub(crate) async fn changed(&mut self) {
        match self.changes.recv().await {
            Ok(c) => self.pending.push(c),
            Err(RecvError::Lagged(_)) => self.lagged = true,
            Err(RecvError::Closed) => std::future::pending().await,
        }
    }

    fn drain(&mut self) {
        loop {
            match self.changes.try_recv() {
                Ok(c) => self.pending.push(c),
                Err(TryRecvError::Lagged(_)) => self.lagged = true,
                Err(TryRecvError::Empty) | Err(TryRecvError::Closed) => return,
            }
        }
    }

    /// MessageNew's fetch attributes for the selected mailbox, if any.
    pub(crate) fn new_message_fetch(&self) -> Option<FetchItems> {
        match &self.selected {
            Some((_, atts)) if !atts.is_empty() => Some(FetchItems::Items(atts.clone())),
            _ => None,
        }
    }
}

/// What the read loop does after waiting for input with NOTIFY on.
pub(crate) enum Waited {
    /// The client sent something.
    Input,
    /// The session ends (an untagged BYE is written, or the connection is gone).
    Close,
}

/// The events of one group, checked as §5 and §6.1 require: `Err` is the BAD.
fn check_group(g: &EventGroup) -> Result<(), &'static str> {
    let has = |f: fn(&NotifyEvent) -> bool| g.events.iter().any(f);
    let new = has(|e| matches!(e, NotifyEvent::MessageNew(_)));
    let expunge = has(|e| matches!(e, NotifyEvent::MessageExpunge));
    let flags = has(|e| matches!(e, NotifyEvent::FlagChange | NotifyEvent::AnnotationChange));
    // §5: "If one of MessageNew or MessageExpunge is specified, then both events MUST be
    // specified. Otherwise, the server MUST respond with the tagged BAD response."
    if new != expunge {
        return Err("MessageNew and MessageExpunge go together");
    }
    if flags && !new {
        return Err("FlagChange needs MessageNew and MessageExpunge");
    }
    let selected = matches!(
        g.mailboxes,
        NotifyMailboxes::Selected | NotifyMailboxes::SelectedDelayed
    );
    let message_event = |e: &NotifyEvent| {
        matches!(
            e,
            NotifyEvent::MessageNew(_)
                | NotifyEvent::MessageExpunge
                | NotifyEvent::FlagChange
                | NotifyEvent::AnnotationChange
        )
    };
    // §6.1: "It is an error to specify other types of events with either the SELECTED
    // or the SELECTED-DELAYED selector."
    if selected && !g.events.iter().all(message_event) {
        return Err("only message events for the selected mailbox");
    }
    // §8: "The fett-att list may only be present for the SELECTED/SELECTED-DELAYED
    // mailbox filter".
    if !selected && has(|e| matches!(e, NotifyEvent::MessageNew(a) if !a.is_empty())) {
        return Err("fetch attributes only for the selected mailbox");
    }
    Ok(())
}

impl Session {
    pub(crate) async fn notify(&mut self, set: Option<NotifySet>) -> OpResult {
        let Some(set) = set else {
            self.notify = None;
            return Ok(Completion::ok(None, "NOTIFY completed"));
        };
        let mut selected = None;
        let mut groups = Vec::new();
        let mut unsupported = false;
        let mut names = 0;
        for g in &set.groups {
            check_group(g).map_err(|why| Completion::bad(None, why))?;
            unsupported |= g.events.iter().any(|e| !SUPPORTED.contains(&e.name()));
            let has = |f: fn(&NotifyEvent) -> bool| g.events.iter().any(f);
            let wire_names = match &g.mailboxes {
                NotifyMailboxes::Selected | NotifyMailboxes::SelectedDelayed => {
                    // §6.1: "Only one of them can be specified in a NOTIFY command."
                    if selected.is_some() {
                        return Err(Completion::bad(None, "SELECTED given twice"));
                    }
                    let atts = g.events.iter().find_map(|e| match e {
                        NotifyEvent::MessageNew(a) => Some(a.clone()),
                        _ => None,
                    });
                    let delayed = g.mailboxes == NotifyMailboxes::SelectedDelayed;
                    selected = Some((delayed, atts.unwrap_or_default()));
                    continue;
                }
                NotifyMailboxes::Inboxes | NotifyMailboxes::Personal => None,
                NotifyMailboxes::Subscribed => None,
                NotifyMailboxes::Subtree(m) | NotifyMailboxes::Mailboxes(m) => Some(m),
            };
            let decoded = match wire_names {
                Some(m) => {
                    names += m.len();
                    let mut out = Vec::with_capacity(m.len());
                    for name in m {
                        let n = mailbox_name::from_wire(name, self.utf8())
                            .ok_or_else(|| Completion::bad(None, "invalid mailbox name"))?;
                        out.push(n);
                    }
                    out
                }
                None => Vec::new(),
            };
            let filter = match &g.mailboxes {
                NotifyMailboxes::Subtree(_) => Filter::Subtree(decoded),
                NotifyMailboxes::Mailboxes(_) => Filter::Names(decoded),
                NotifyMailboxes::Subscribed => Filter::Subscribed,
                _ => Filter::Personal,
            };
            groups.push(Group {
                filter,
                messages: has(|e| matches!(e, NotifyEvent::MessageNew(_))),
                flags: has(|e| matches!(e, NotifyEvent::FlagChange)),
                names: has(|e| matches!(e, NotifyEvent::MailboxName)),
                subscriptions: has(|e| matches!(e, NotifyEvent::SubscriptionChange)),
            });
        }
        // §3.1: "the server MUST refuse the command with a tagged NO response (not a
        // BAD). This response SHOULD contain the BADEVENT response code, which MUST
        // list names of all events supported by the server."
        if unsupported {
            let code = Code::BadEvent(SUPPORTED.map(String::from).to_vec());
            return Err(Completion::no(Some(code), "event not supported"));
        }
        if names > MAX_NOTIFY_NAMES {
            let text = format!("at most {MAX_NOTIFY_NAMES} mailbox names");
            return Err(Completion::no(Some(Code::NotificationOverflow), text));
        }
        // Subscribed before the names are read: no change after the reading is missed.
        let changes = self.server.store.subscribe();
        let (mailboxes, subscriptions) = match self.account_names().await {
            Ok(n) => n,
            Err(e) => return Err(Completion::store_failed(&e)),
        };
        let mut notify = Notify {
            selected,
            groups,
            changes,
            pending: Vec::new(),
            lagged: false,
            mailboxes: mailboxes
                .iter()
                .map(|m| (m.id.clone(), m.name.clone()))
                .collect(),
            subscriptions: subscriptions.into_iter().collect(),
        };
        if set.status {
            self.notify_status_all(&notify, &mailboxes).await?;
        }
        notify.pending.clear();
        self.notify = Some(notify);
        // §3.1: "a successful NOTIFY SET command implies an implicit NOOP command."
        if let State::Selected { mailbox, .. } = &mut self.state {
            mailbox.request_poll();
        }
        Ok(Completion::ok(None, "NOTIFY completed"))
    }

    /// §3.1 with the STATUS indicator: a STATUS for each other mailbox with message
    /// events, with MESSAGES, UIDNEXT and UIDVALIDITY, and HIGHESTMODSEQ for FlagChange
    /// once CONDSTORE is on.
    async fn notify_status_all(
        &mut self,
        n: &Notify,
        mailboxes: &[MailboxRecord],
    ) -> Result<(), Completion> {
        let selected = self.selected_id();
        for mb in mailboxes
            .iter()
            .filter(|m| Some(&m.id) != selected.as_ref())
        {
            let covering = n
                .groups
                .iter()
                .filter(|g| g.messages && g.filter.covers(&mb.name, &n.subscriptions));
            let mut flags = false;
            let mut any = false;
            for g in covering {
                any = true;
                flags |= g.flags;
            }
            if !any {
                continue;
            }
            let mut items = vec![
                StatusItem::Messages,
                StatusItem::UidNext,
                StatusItem::UidValidity,
            ];
            if flags && self.condstore {
                items.push(StatusItem::HighestModSeq);
            }
            let data = self
                .status_data(mb, &items)
                .await
                .map_err(|e| Completion::store_failed(&e))?;
            self.data(data);
        }
        Ok(())
    }

    fn selected_id(&self) -> Option<String> {
        match &self.state {
            State::Selected { mailbox, .. } => Some(mailbox.mailbox.id.clone()),
            _ => None,
        }
    }

    async fn account_names(&self) -> Result<(Vec<MailboxRecord>, Vec<String>), StoreError> {
        let account_id = &self.account().id;
        let mailboxes = self.server.store.mailboxes();
        Ok((
            mailboxes.of_account(account_id).await?,
            mailboxes.subscriptions(account_id).await?,
        ))
    }

    /// After this session's own CREATE, DELETE, RENAME, SUBSCRIBE or UNSUBSCRIBE: the
    /// names as they are now are taken as reported.
    pub(crate) async fn notify_forget_own(&mut self) {
        let Some(n) = &mut self.notify else {
            return;
        };
        n.drain();
        n.pending.retain(|c| c.kind != ChangeKind::Mailboxes);
        if let Ok((mailboxes, subscriptions)) = self.account_names().await
            && let Some(n) = &mut self.notify
        {
            n.mailboxes = mailboxes.into_iter().map(|m| (m.id, m.name)).collect();
            n.subscriptions = subscriptions.into_iter().collect();
        }
    }

    /// Writes what the changes received so far say about other mailboxes and the
    /// account's names: STATUS and LIST responses. A session the bus left behind gets
    /// `OK [NOTIFICATIONOVERFLOW]` and no more notifications (§5.8: "behave as if a
    /// NOTIFY NONE command had just been received").
    pub(crate) async fn report_notify(&mut self) {
        let Some(n) = &mut self.notify else {
            return;
        };
        n.drain();
        if n.lagged {
            self.notify = None;
            self.untagged_ok(Some(Code::NotificationOverflow), "notifications stopped");
            return;
        }
        let account_id = self.account().id.clone();
        let Some(n) = &mut self.notify else {
            return;
        };
        let pending: Vec<Change> = std::mem::take(&mut n.pending)
            .into_iter()
            .filter(|c| c.account_id == account_id)
            .collect();
        if pending.is_empty() {
            return;
        }
        if pending.iter().any(|c| c.kind == ChangeKind::Mailboxes)
            && let Err(e) = self.report_names().await
        {
            tracing::error!(error = %e, "reading the mailboxes for NOTIFY failed");
        }
        // Per mailbox, which kinds of message change, in order of first arrival.
        let mut by_mailbox: Vec<(String, Vec<ChangeKind>)> = Vec::new();
        for c in pending.iter().filter(|c| c.kind != ChangeKind::Mailboxes) {
            match by_mailbox.iter_mut().find(|(id, _)| *id == c.mailbox_id) {
                Some((_, kinds)) => kinds.push(c.kind),
                None => by_mailbox.push((c.mailbox_id.clone(), vec![c.kind])),
            }
        }
        let selected = self.selected_id();
        for (id, kinds) in by_mailbox {
            if Some(&id) == selected.as_ref() {
                continue;
            }
            if let Err(e) = self.report_mailbox(&id, &kinds).await {
                tracing::error!(error = %e, "reading a mailbox for NOTIFY failed");
            }
        }
    }

    /// The STATUS for message changes of another mailbox (§5.1, §5.2, §5.3): UIDNEXT
    /// and MESSAGES for new and expunged messages; UIDVALIDITY and UNSEEN for flag
    /// changes; HIGHESTMODSEQ with them once CONDSTORE is on.
    async fn report_mailbox(&mut self, id: &str, kinds: &[ChangeKind]) -> Result<(), StoreError> {
        let Some(n) = &self.notify else {
            return Ok(());
        };
        let Some(name) = n.mailboxes.get(id) else {
            return Ok(());
        };
        let (mut messages, mut flags) = (false, false);
        for g in n
            .groups
            .iter()
            .filter(|g| g.filter.covers(name, &n.subscriptions))
        {
            messages |= g.messages
                && kinds
                    .iter()
                    .any(|k| matches!(k, ChangeKind::Appended | ChangeKind::Expunged));
            flags |= g.flags && kinds.contains(&ChangeKind::Flags);
        }
        let mut items = Vec::new();
        if messages {
            items.extend([StatusItem::UidNext, StatusItem::Messages]);
        }
        if flags {
            items.extend([StatusItem::UidValidity, StatusItem::Unseen]);
        }
        if items.is_empty() {
            return Ok(());
        }
        if self.condstore {
            items.push(StatusItem::HighestModSeq);
        }
        let mb = match self.server.store.mailboxes().mailbox(id).await {
            Ok(mb) => mb,
            Err(StoreError::NotFound) => return Ok(()),
            Err(e) => return Err(e),
        };
        let data = self.status_data(&mb, &items).await?;
        self.data(data);
        Ok(())
    }

    /// MailboxName (§5.4) and SubscriptionChange (§5.5): the names read again and
    /// compared with those last reported.
    async fn report_names(&mut self) -> Result<(), StoreError> {
        let (mailboxes, subscriptions) = self.account_names().await?;
        let Some(n) = self.notify.take() else {
            return Ok(());
        };
        let now: HashMap<String, String> = mailboxes
            .iter()
            .map(|m| (m.id.clone(), m.name.clone()))
            .collect();
        let subs_now: BTreeSet<String> = subscriptions.iter().cloned().collect();
        let wants = |name: &str, f: fn(&Group) -> bool| {
            n.groups.iter().any(|g| {
                f(g) && (g.filter.covers(name, &n.subscriptions)
                    || g.filter.covers(name, &subs_now))
            })
        };
        let mut lines: Vec<(String, Option<String>)> = Vec::new();
        // Renamed: one LIST with OLDNAME, none for the children that moved with it.
        let renamed: Vec<(&String, &String)> = n
            .mailboxes
            .iter()
            .filter_map(|(id, old)| now.get(id).filter(|new| *new != old).map(|new| (old, new)))
            .collect();
        for &(old, new) in &renamed {
            let with_parent = renamed.iter().any(|&(po, pn)| {
                old.strip_prefix(po.as_str()).is_some_and(|rest| {
                    rest.starts_with(DELIMITER) && *new == format!("{pn}{rest}")
                })
            });
            if !with_parent && (wants(old, |g| g.names) || wants(new, |g| g.names)) {
                lines.push((new.clone(), Some(old.clone())));
            }
        }
        // Created and deleted: the mailbox and its direct parent.
        let created = now.iter().filter(|(id, _)| !n.mailboxes.contains_key(*id));
        let deleted = n.mailboxes.iter().filter(|(id, _)| !now.contains_key(*id));
        for (_, name) in created.chain(deleted) {
            if wants(name, |g| g.names) {
                lines.push((name.clone(), None));
                if let Some((parent, _)) = name.rsplit_once(DELIMITER) {
                    lines.push((parent.to_owned(), None));
                }
            }
        }
        for name in n.subscriptions.symmetric_difference(&subs_now) {
            if wants(name, |g| g.subscriptions) {
                lines.push((name.clone(), None));
            }
        }
        let mut written = BTreeSet::new();
        for (name, old) in lines {
            if old.is_none() && !written.insert(name.clone()) {
                continue;
            }
            let mut item = self.notify_list_item(&name, &mailboxes, &subscriptions);
            if let Some(old) = old {
                let old = mailbox_name::to_wire(&old, self.utf8());
                item.extended.push(ListExtended::OldName(old));
            }
            self.data(Data::List(item));
        }
        self.notify = Some(Notify {
            mailboxes: now,
            subscriptions: subs_now,
            ..n
        });
        Ok(())
    }

    /// Waits, between commands, for the client's next input while reporting what
    /// NOTIFY asks for as it happens: the other mailboxes' changes, and the selected
    /// mailbox's with SELECTED or SELECTED-DELAYED (the expunges of the latter held
    /// back until a command allows them, §6.1.2).
    pub(crate) async fn wait_notified(&mut self) -> Waited {
        let deadline = tokio::time::Instant::now() + self.timeout();
        loop {
            let Session {
                conn,
                shutdown,
                watch,
                notify,
                ..
            } = self;
            let Some(n) = notify.as_mut() else {
                return Waited::Input;
            };
            let conn = conn.as_mut().expect("connection present outside STARTTLS");
            let mut shutdown = shutdown.clone();
            tokio::select! {
                _ = shutdown.wait() => {
                    self.bye(None, "server shutting down");
                    return Waited::Close;
                }
                end = session_ended(watch) => {
                    self.bye(None, end.text());
                    return Waited::Close;
                }
                _ = tokio::time::sleep_until(deadline) => {
                    // RFC 9051 §5.4
                    self.bye(None, "autologout, idle for too long");
                    return Waited::Close;
                }
                r = conn.wait_input() => {
                    return if r.is_ok() { Waited::Input } else { Waited::Close };
                }
                _ = n.changed() => {}
            }
            self.push_notifications().await;
            if self.flush().await.is_err() {
                return Waited::Close;
            }
        }
    }

    /// Reports what NOTIFY asks for now: the selected mailbox's changes (with SELECTED
    /// or SELECTED-DELAYED), then the other mailboxes' and the names'.
    pub(crate) async fn push_notifications(&mut self) {
        let selected = self.notify.as_ref().and_then(|n| n.selected.as_ref());
        if let Some(&(delayed, _)) = selected
            && let Err(e) = Box::pin(self.sync_selected(!delayed)).await
        {
            tracing::error!(error = %e, "reading the selected mailbox failed");
        }
        self.report_notify().await;
    }

    /// The FETCH of NOTIFY's MessageNew attributes for the new messages of the
    /// selected mailbox (§5.2), after their EXISTS and any ADDTO.
    pub(crate) async fn notify_new_messages(&mut self, added: &[u32]) {
        let Some(items) = self.notify.as_ref().and_then(Notify::new_message_fetch) else {
            return;
        };
        if added.is_empty() {
            return;
        }
        let set = SequenceSet::from_numbers(added);
        let modifiers = FetchModifiers::default();
        let _ = Box::pin(self.fetch(true, &set, &items, &modifiers)).await;
    }
}
