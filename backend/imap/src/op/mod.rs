//! The commands, one file each, which state allows which (RFC 9051 §6), and the
//! unsolicited updates sent when a command completes (RFC 9051 §7.5.1).

mod append;
mod authenticate;
mod capability;
mod close;
mod compress;
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

use osprey_proto::imap::{Command, CommandBody};

use crate::session::{Next, Session, State};

/// Says whether `cmd` may be given in `state`: `Err` carries the text of the `BAD`
/// answer. The one place that says so.
pub(crate) fn allowed(state: &State, cmd: &CommandBody) -> Result<(), &'static str> {
    use CommandBody::*;
    let any = matches!(cmd, Capability | Noop | Logout | Id(_));
    // RFC 9051 §6.2.
    let not_authenticated = matches!(cmd, StartTls | Authenticate { .. } | Login { .. });
    // RFC 9051 §6.3; LSUB from RFC 3501 §6.3.9; QUOTA from RFC 9208 §4; COMPRESS from
    // RFC 4978 §5 (`command-auth`).
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
    );
    // RFC 9051 §6.3.1: ENABLE only before a mailbox is selected.
    let enable = matches!(cmd, Enable(_));
    // RFC 9051 §6.4; CHECK from RFC 3501 §6.4.1.
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

/// Runs an allowed command, then reports changes to the selected mailbox before its
/// tagged answer.
pub(crate) async fn dispatch(s: &mut Session, cmd: Command) -> Next {
    let flushes = s.flushes;
    let allow_expunge = expunge_allowed(&cmd.body);
    let tag = cmd.tag;
    // Changes that arrived since the last command come first, so the command works on
    // (and answers from) the current state.
    Box::pin(s.report_changes(None, allow_expunge)).await;
    let start = s.out.len();
    // Each command runs boxed: a future holds room for the largest state it can be in,
    // and an idle session (in IDLE, or between commands) should pay only for its own,
    // not for FETCH's or APPEND's.
    let next = match cmd.body {
        CommandBody::Capability => s.capability(&tag),
        CommandBody::Noop | CommandBody::Check => s.noop(&tag),
        CommandBody::Logout => s.logout(&tag),
        CommandBody::Id(_) => s.id(&tag),
        CommandBody::StartTls => s.starttls(&tag),
        CommandBody::Login { username, password } => {
            Box::pin(s.login(&tag, username, password)).await
        }
        CommandBody::Authenticate {
            mechanism,
            initial_response,
        } => Box::pin(s.authenticate(&tag, &mechanism, initial_response)).await,
        CommandBody::Enable(caps) => s.enable(&tag, &caps),
        CommandBody::Namespace => s.namespace(&tag),
        CommandBody::List(l) => Box::pin(s.list(&tag, l)).await,
        CommandBody::Lsub { reference, pattern } => {
            Box::pin(s.lsub(&tag, &reference, &pattern)).await
        }
        CommandBody::Status { mailbox, items } => {
            Box::pin(s.status_cmd(&tag, &mailbox, &items)).await
        }
        CommandBody::Select {
            mailbox,
            read_only,
            params,
        } => Box::pin(s.select(&tag, &mailbox, read_only, &params)).await,
        CommandBody::Create {
            mailbox,
            special_use,
        } => Box::pin(s.create(&tag, &mailbox, &special_use)).await,
        CommandBody::Delete(mailbox) => Box::pin(s.delete(&tag, &mailbox)).await,
        CommandBody::Rename { from, to } => Box::pin(s.rename(&tag, &from, &to)).await,
        CommandBody::Subscribe(mailbox) => Box::pin(s.subscribe(&tag, &mailbox, true)).await,
        CommandBody::Unsubscribe(mailbox) => Box::pin(s.subscribe(&tag, &mailbox, false)).await,
        CommandBody::Close => Box::pin(s.close(&tag, true)).await,
        CommandBody::Unselect => Box::pin(s.close(&tag, false)).await,
        CommandBody::Append { mailbox, messages } => {
            Box::pin(s.append(&tag, &mailbox, messages)).await
        }
        CommandBody::Idle => Box::pin(s.idle(&tag)).await,
        CommandBody::Expunge { uids } => Box::pin(s.expunge(&tag, uids.as_ref())).await,
        CommandBody::Fetch {
            uid,
            set,
            items,
            modifiers,
        } => Box::pin(s.fetch(&tag, uid, &set, &items, &modifiers)).await,
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
            Box::pin(s.store(&tag, &set, req)).await
        }
        CommandBody::Copy { uid, set, mailbox } => {
            Box::pin(s.copy(&tag, uid, &set, &mailbox, false)).await
        }
        CommandBody::Move { uid, set, mailbox } => {
            Box::pin(s.copy(&tag, uid, &set, &mailbox, true)).await
        }
        CommandBody::Search {
            uid,
            charset,
            returns,
            criteria,
        } => Box::pin(s.search(&tag, uid, charset.as_deref(), returns, &criteria)).await,
        CommandBody::GetQuota(root) => Box::pin(s.get_quota(&tag, &root)).await,
        CommandBody::GetQuotaRoot(mailbox) => Box::pin(s.get_quota_root(&tag, &mailbox)).await,
        CommandBody::SetQuota { .. } => s.set_quota(&tag),
        CommandBody::Compress(mechanism) => s.compress(&tag, &mechanism),
        CommandBody::Sort {
            uid,
            criteria,
            charset,
            search,
        } => Box::pin(s.sort(&tag, uid, &criteria, &charset, &search)).await,
        CommandBody::Thread {
            uid,
            algorithm,
            charset,
            search,
        } => Box::pin(s.thread(&tag, uid, &algorithm, &charset, &search)).await,
    };
    if matches!(next, Next::Continue) {
        let start = if s.flushes == flushes { start } else { 0 };
        Box::pin(s.report_changes(Some(start), allow_expunge)).await;
    }
    next
}

impl Session {
    /// Brings the selected mailbox's view up to date and writes what changed: at the
    /// end of the output, or with `Some(start)` before the command's tagged answer,
    /// which is the last line written since `start`.
    async fn report_changes(&mut self, start: Option<usize>, allow_expunge: bool) {
        let store = self.server.store.clone();
        let (condstore, qresync) = (self.condstore, self.qresync);
        let State::Selected { mailbox, .. } = &mut self.state else {
            return;
        };
        let mut updates = Vec::new();
        if let Err(e) = mailbox
            .sync(&store, allow_expunge, condstore, qresync, &mut updates)
            .await
        {
            tracing::error!(error = %e, "reading the selected mailbox failed");
            return;
        }
        if updates.is_empty() {
            return;
        }
        let mut bytes = Vec::new();
        let opts = self.opts();
        for d in updates {
            osprey_proto::imap::Response::Data(d).write(&mut bytes, opts);
        }
        let Some(start) = start else {
            self.out.extend_from_slice(&bytes);
            return;
        };
        // The tagged answer has no literal and no CR or LF in its text, so it begins
        // after the last CRLF before the final one.
        let end = self.out.len();
        let tail = self.out[start..end.saturating_sub(2).max(start)]
            .windows(2)
            .rposition(|w| w == b"\r\n")
            .map_or(start, |i| start + i + 2);
        self.out.splice(tail..tail, bytes);
    }
}
