//! The commands, one file each, which state allows which (RFC 9051 §6), and how a
//! command completes: each returns a [`Completion`], and [`dispatch`] writes the
//! unsolicited updates (RFC 9051 §7.5.1) and then the tagged status response.

mod append;
mod authenticate;
mod capability;
mod catenate;
mod close;
mod compress;
pub(crate) mod context;
mod copy;
mod create;
mod delete;
mod enable;
mod expunge;
mod fetch;
mod fetch_items;
mod id;
mod idle;
mod list;
mod login;
mod logout;
mod namespace;
mod noop;
pub(crate) mod notify;
mod qresync;
mod quota;
mod rename;
mod search;
mod select;
mod sort;
mod starttls;
mod status;
mod store;
mod subscribe;
mod thread;

use std::borrow::Cow;

use osprey_proto::imap::{Code, Command, CommandBody, StatusKind};

use crate::session::{Next, Session, State};

/// How a command ends: its tagged status response (RFC 9051 §7.1), written by
/// [`dispatch`] after the updates it reports, and what the read loop does next.
#[must_use = "a completion is the tagged answer; dispatch writes it"]
pub(crate) struct Completion {
    /// `None` when there is no tagged answer: the connection is gone, or the command
    /// ended the session with an untagged `BYE` of its own.
    status: Option<(StatusKind, Option<Code>, Cow<'static, str>)>,
    /// An untagged `BYE` written after the tagged answer; the session then closes.
    bye: Option<&'static str>,
    next: Next,
}

/// What a command returns. `Err` is a command that stopped early (`NO` or `BAD`, through
/// `?` from the helpers); both are written the same way.
pub(crate) type OpResult = Result<Completion, Completion>;

impl Completion {
    fn status(kind: StatusKind, code: Option<Code>, text: impl Into<Cow<'static, str>>) -> Self {
        Completion {
            status: Some((kind, code, text.into())),
            bye: None,
            next: Next::Continue,
        }
    }

    /// `OK`: the command succeeded.
    pub(crate) fn ok(code: Option<Code>, text: impl Into<Cow<'static, str>>) -> Self {
        Self::status(StatusKind::Ok, code, text)
    }

    /// `NO`: the command failed.
    pub(crate) fn no(code: Option<Code>, text: impl Into<Cow<'static, str>>) -> Self {
        Self::status(StatusKind::No, code, text)
    }

    /// `BAD`: the command was not valid.
    pub(crate) fn bad(code: Option<Code>, text: impl Into<Cow<'static, str>>) -> Self {
        Self::status(StatusKind::Bad, code, text)
    }

    /// A store failure that is ours, not the client's: logged, `NO [SERVERBUG]`.
    pub(crate) fn store_failed(e: &osprey_store::StoreError) -> Self {
        tracing::error!(error = %e, "IMAP command failed in the store");
        Self::no(Some(Code::ServerBug), "internal error, try again later")
    }

    /// No tagged answer, and the session ends (the connection is gone, or the command
    /// said `BYE` itself).
    pub(crate) fn closed() -> Self {
        Completion {
            status: None,
            bye: None,
            next: Next::Close,
        }
    }

    /// The same answer, then `next` instead of reading the next command.
    pub(crate) fn then(mut self, next: Next) -> Self {
        self.next = next;
        self
    }

    /// The same answer, followed by `* BYE text`; the session then closes.
    pub(crate) fn bye(mut self, text: &'static str) -> Self {
        self.bye = Some(text);
        self.next = Next::Close;
        self
    }
}

/// Says whether `cmd` may be given in `state`: `Err` carries the text of the `BAD`
/// answer. The one place that says so.
pub(crate) fn allowed(state: &State, cmd: &CommandBody) -> Result<(), &'static str> {
    use CommandBody::*;
    let any = matches!(cmd, Capability | Noop | Logout | Id(_));
    // RFC 9051 §6.2.
    let not_authenticated = matches!(cmd, StartTls | Authenticate { .. } | Login { .. });
    // RFC 9051 §6.3; LSUB from RFC 3501 §6.3.9; QUOTA from RFC 9208 §4; COMPRESS from
    // RFC 4978 §5 and NOTIFY from RFC 5465 §8 (`command-auth`).
    let authenticated = matches!(
        cmd,
        Select { .. }
            | Create { .. }
            | Delete(_)
            | Rename { .. }
            | Subscribe(_)
            | Unsubscribe(_)
            | List(_)
            | Lsub { .. }
            | Namespace
            | Status { .. }
            | Append { .. }
            | Idle
            | GetQuota(_)
            | GetQuotaRoot(_)
            | SetQuota { .. }
            | Compress(_)
            | Notify(_)
    );
    // RFC 9051 §6.3.1: ENABLE only before a mailbox is selected.
    let enable = matches!(cmd, Enable(_));
    // RFC 9051 §6.4; CHECK from RFC 3501 §6.4.1; CANCELUPDATE from RFC 5267 §5
    // (`command-select`).
    let selected = matches!(
        cmd,
        Check
            | Close
            | Unselect
            | Expunge { .. }
            | Search { .. }
            | Sort { .. }
            | Thread { .. }
            | Fetch { .. }
            | Store { .. }
            | Copy { .. }
            | Move { .. }
            | CancelUpdate(_)
    );
    if !(any || not_authenticated || authenticated || enable || selected) {
        return Err("command not supported");
    }
    let ok = any
        || match state {
            State::NotAuthenticated { .. } => not_authenticated,
            State::Authenticated { .. } => authenticated || enable,
            State::Selected { .. } => authenticated || selected,
        };
    if ok {
        Ok(())
    } else {
        Err(match state {
            State::NotAuthenticated { .. } => "log in first",
            State::Authenticated { .. } if selected => "select a mailbox first",
            _ => "command not valid in this state",
        })
    }
}

/// Returns `true` if and only if EXPUNGE responses may be sent when `cmd` completes:
/// not after FETCH, STORE, SEARCH, SORT or THREAD by sequence number (RFC 9051
/// §7.5.1), whose client may still be using the numbers.
fn expunge_allowed(cmd: &CommandBody) -> bool {
    !matches!(
        cmd,
        CommandBody::Fetch { uid: false, .. }
            | CommandBody::Store { uid: false, .. }
            | CommandBody::Search { uid: false, .. }
            | CommandBody::Sort { uid: false, .. }
            | CommandBody::Thread { uid: false, .. }
    )
}

/// Returns `true` if and only if EXPUNGE responses may be sent before `cmd` runs: not
/// when they may be sent after it (above), nor before COPY or MOVE by sequence number,
/// whose numbers name the messages as the client numbered them when it wrote the
/// command. Expunges reported first would renumber the messages under the command.
fn expunge_allowed_before(cmd: &CommandBody) -> bool {
    expunge_allowed(cmd)
        && !matches!(
            cmd,
            CommandBody::Copy { uid: false, .. } | CommandBody::Move { uid: false, .. }
        )
}

/// Runs an allowed command, reports changes to the selected mailbox, then writes its
/// tagged answer.
pub(crate) async fn dispatch(s: &mut Session, cmd: Command) -> Next {
    let allow_expunge = expunge_allowed(&cmd.body);
    // RFC 5465 §5: the session's own changes to names are not notified back.
    let own_names = matches!(
        cmd.body,
        CommandBody::Create { .. }
            | CommandBody::Delete(_)
            | CommandBody::Rename { .. }
            | CommandBody::Subscribe(_)
            | CommandBody::Unsubscribe(_)
    );
    let tag = cmd.tag;
    // Changes that arrived since the last command come first, so the command works on
    // (and answers from) the current state. Not before SELECT and EXAMINE: RFC 9051
    // §6.3.2, "The SELECT command automatically deselects any currently selected
    // mailbox before attempting the new selection", and a client that gets no
    // `OK [CLOSED]` (IMAP4rev1 without QRESYNC) would take the old mailbox's changes for
    // the new one's.
    if !matches!(cmd.body, CommandBody::Select { .. }) {
        Box::pin(s.report_changes(expunge_allowed_before(&cmd.body))).await;
    }
    // Each command runs boxed: a future holds room for the largest state it can be in,
    // and an idle session (in IDLE, or between commands) should pay only for its own,
    // not for FETCH's or APPEND's.
    let result = match cmd.body {
        CommandBody::Capability => s.capability(),
        CommandBody::Noop | CommandBody::Check => s.noop(),
        CommandBody::Logout => s.logout(),
        CommandBody::Id(_) => s.id(),
        CommandBody::StartTls => s.starttls(),
        CommandBody::Login { username, password } => Box::pin(s.login(username, password)).await,
        CommandBody::Authenticate {
            mechanism,
            initial_response,
        } => Box::pin(s.authenticate(&mechanism, initial_response)).await,
        CommandBody::Enable(caps) => s.enable(&caps),
        CommandBody::Namespace => s.namespace(),
        CommandBody::List(l) => Box::pin(s.list(l)).await,
        CommandBody::Lsub { reference, pattern } => Box::pin(s.lsub(&reference, &pattern)).await,
        CommandBody::Status { mailbox, items } => Box::pin(s.status_cmd(&mailbox, &items)).await,
        CommandBody::Select {
            mailbox,
            read_only,
            params,
        } => Box::pin(s.select(&mailbox, read_only, &params)).await,
        CommandBody::Create {
            mailbox,
            special_use,
        } => Box::pin(s.create(&mailbox, &special_use)).await,
        CommandBody::Delete(mailbox) => Box::pin(s.delete(&mailbox)).await,
        CommandBody::Rename { from, to } => Box::pin(s.rename(&from, &to)).await,
        CommandBody::Subscribe(mailbox) => Box::pin(s.subscribe(&mailbox, true)).await,
        CommandBody::Unsubscribe(mailbox) => Box::pin(s.subscribe(&mailbox, false)).await,
        CommandBody::Close => Box::pin(s.close(true)).await,
        CommandBody::Unselect => Box::pin(s.close(false)).await,
        CommandBody::Append { mailbox, messages } => Box::pin(s.append(&mailbox, messages)).await,
        CommandBody::Idle => Box::pin(s.idle()).await,
        CommandBody::Expunge { uids } => Box::pin(s.expunge(uids.as_ref())).await,
        CommandBody::Fetch {
            uid,
            set,
            items,
            modifiers,
        } => Box::pin(s.fetch(uid, &set, &items, &modifiers)).await,
        CommandBody::Store {
            uid,
            set,
            action,
            silent,
            flags,
            unchanged_since,
        } => {
            let req = store::StoreRequest {
                uid,
                action,
                silent,
                flags,
                unchanged_since,
            };
            Box::pin(s.store(&set, req)).await
        }
        CommandBody::Copy { uid, set, mailbox } => {
            Box::pin(s.copy(uid, &set, &mailbox, false)).await
        }
        CommandBody::Move { uid, set, mailbox } => {
            Box::pin(s.copy(uid, &set, &mailbox, true)).await
        }
        CommandBody::Search {
            uid,
            charset,
            returns,
            criteria,
        } => Box::pin(s.search(&tag, uid, charset.as_deref(), returns, &criteria)).await,
        CommandBody::CancelUpdate(tags) => s.cancel_update(&tags),
        CommandBody::Notify(set) => Box::pin(s.notify(set)).await,
        CommandBody::GetQuota(root) => Box::pin(s.get_quota(&root)).await,
        CommandBody::GetQuotaRoot(mailbox) => Box::pin(s.get_quota_root(&mailbox)).await,
        CommandBody::SetQuota { .. } => s.set_quota(),
        CommandBody::Compress(mechanism) => s.compress(&mechanism),
        CommandBody::Sort {
            uid,
            returns,
            criteria,
            charset,
            search,
        } => Box::pin(s.sort(&tag, uid, returns.as_deref(), &criteria, &charset, &search)).await,
        CommandBody::Thread {
            uid,
            algorithm,
            charset,
            search,
        } => Box::pin(s.thread(uid, &algorithm, &charset, &search)).await,
    };
    let done = match result {
        Ok(c) | Err(c) => c,
    };
    if own_names {
        s.notify_forget_own().await;
    }
    // RFC 9051 §7.5.1: what changed while the command ran goes out before its tagged
    // answer, unless the session is about to close or change its stream.
    if matches!(done.next, Next::Continue) {
        Box::pin(s.report_changes(allow_expunge)).await;
    }
    if let Some((kind, code, text)) = done.status {
        s.tagged(&tag, kind, code, &text);
    }
    if let Some(text) = done.bye {
        s.bye(None, text);
    }
    done.next
}

impl Session {
    /// Brings the selected mailbox's view up to date and writes what changed.
    async fn report_changes(&mut self, allow_expunge: bool) {
        if let Err(e) = self.sync_selected(allow_expunge).await {
            tracing::error!(error = %e, "reading the selected mailbox failed");
        }
        self.report_notify().await;
    }

    /// Brings the selected mailbox's view up to date and writes what changed: the
    /// contexts' removals first (before the EXPUNGEs that may follow, RFC 5267
    /// §4.3.4), then the view's own updates, then the contexts' additions (after
    /// EXISTS, §4.3.3), then the FETCH of new messages NOTIFY asks for (RFC 5465
    /// §5.2). Between commands, after them and in IDLE.
    pub(crate) async fn sync_selected(
        &mut self,
        allow_expunge: bool,
    ) -> Result<(), osprey_store::StoreError> {
        let store = self.server.store.clone();
        let (condstore, qresync) = (self.condstore, self.qresync);
        let State::Selected { mailbox, .. } = &mut self.state else {
            return Ok(());
        };
        let mut updates = Vec::new();
        let (gone, added) = mailbox
            .sync(&store, allow_expunge, condstore, qresync, &mut updates)
            .await?;
        let (before, after) = self.context_updates(&gone).await;
        for r in before.into_iter().chain(updates).chain(after) {
            self.respond(r);
        }
        self.notify_new_messages(&added).await;
        Ok(())
    }
}
