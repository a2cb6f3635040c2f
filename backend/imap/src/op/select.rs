//! SELECT and EXAMINE, RFC 9051 §6.3.2 and §6.3.3, and finding a mailbox by the name
//! a client sent (shared by the commands that take one).

use osprey_proto::imap::{Code, Data, ListItem, Mailbox, SelectParams};
use osprey_store::{MailboxRecord, StoreError, flags};

use crate::{
    mailbox_name::{self, DELIMITER},
    op::{Completion, OpResult},
    recent::RecentMode,
    selected::Selected,
    session::{Session, State},
};

impl Session {
    /// The store name for a mailbox argument. A name that is not valid modified UTF-7
    /// (RFC 3501 §5.1.3) is well-formed IMAP that names no mailbox there can be: `NO`,
    /// as for any other name the server cannot use, not `BAD`.
    pub(crate) fn mailbox_arg(&self, m: &Mailbox) -> Result<String, Completion> {
        mailbox_name::from_wire(m, self.utf8()).ok_or_else(|| {
            Completion::no(
                Some(Code::Cannot),
                "mailbox name is not valid modified UTF-7",
            )
        })
    }

    /// The account's mailbox called `m`; `NO [NONEXISTENT]` (or the store's failure)
    /// when there is none.
    pub(crate) async fn find_mailbox(&self, m: &Mailbox) -> Result<MailboxRecord, Completion> {
        let name = self.mailbox_arg(m)?;
        let account_id = &self.account().id;
        match self
            .server
            .store
            .messages()
            .mailbox_by_name(account_id, &name)
            .await
        {
            Ok(mb) => Ok(mb),
            Err(StoreError::NotFound) => {
                Err(Completion::no(Some(Code::Nonexistent), "no such mailbox"))
            }
            Err(e) => Err(Completion::store_failed(&e)),
        }
    }

    pub(crate) async fn select(
        &mut self,
        m: &Mailbox,
        read_only: bool,
        params: &SelectParams,
    ) -> OpResult {
        // RFC 7162 §3.2.5: QRESYNC only once enabled.
        if params.qresync.is_some() && !self.qresync {
            return Err(Completion::bad(None, "ENABLE QRESYNC first"));
        }
        // RFC 7162 §3.1.8: SELECT (CONDSTORE) enables CONDSTORE.
        if params.condstore {
            self.condstore = true;
        }
        // RFC 9051 §6.3.2: a SELECT, even a failed one, first deselects; rev2 clients
        // and QRESYNC clients are told with an untagged `OK [CLOSED]` (RFC 7162 §3.2.11).
        if matches!(self.state, State::Selected { .. }) {
            self.deselect();
            if self.rev2 || self.qresync {
                self.untagged_ok(Some(Code::Closed), "previous mailbox closed");
            }
        }
        let mb = self.find_mailbox(m).await?;
        let recent = if self.rev2 {
            RecentMode::Off
        } else if read_only {
            RecentMode::Peek
        } else {
            RecentMode::Claim
        };
        let view = match Selected::open(&self.server.store, mb, read_only, recent).await {
            Ok(v) => v,
            Err(e) => {
                return Err(Completion::store_failed(&e));
            }
        };
        // RFC 9051 §7.3.5: FLAGS names the keywords in use too, so that no FETCH shows
        // one the client was not told of.
        self.respond(view.keywords.flags_response());
        self.data(Data::Exists(view.exists()));
        if !self.rev2 {
            // RFC 3501 §6.3.1: rev1 clients expect RECENT and the first unseen message.
            self.data(view.recent_response().unwrap_or(Data::Recent(0)));
            if let Some(i) = view.msgs.iter().position(|m| m.flags & flags::SEEN == 0) {
                self.untagged_ok(Some(Code::Unseen(i as u32 + 1)), "first unseen");
            }
        }
        // RFC 9051 §6.3.2: the flags the client can change permanently.
        self.respond(view.keywords.permanent_response(read_only));
        let mb = &view.mailbox;
        let (uidvalidity, uidnext, modseq) = (mb.uidvalidity, mb.uidnext, mb.highestmodseq);
        self.untagged_ok(Some(Code::UidValidity(uidvalidity)), "UIDs valid");
        self.untagged_ok(Some(Code::UidNext(uidnext)), "predicted next UID");
        self.untagged_ok(Some(Code::HighestModSeq(modseq)), "highest mod-sequence");
        if self.rev2 {
            // RFC 9051 §6.3.2: the mailbox's name as the server spells it.
            let item = ListItem {
                attributes: vec![],
                delimiter: Some(DELIMITER),
                mailbox: mailbox_name::to_wire(&mb.name, true),
                extended: vec![],
            };
            self.data(Data::List(item));
        }
        let account = match std::mem::replace(
            &mut self.state,
            State::NotAuthenticated { auth_failures: 0 },
        ) {
            State::Authenticated { account } | State::Selected { account, .. } => account,
            State::NotAuthenticated { .. } => unreachable!("op::allowed admits this after login"),
        };
        self.state = State::Selected {
            account,
            mailbox: Box::new(view),
        };
        // RFC 7162 §3.2.5.2: what changed since the client's MODSEQ, before the OK.
        if let Some(q) = &params.qresync
            && let Err(e) = self.qresync_select(q).await
        {
            return Err(Completion::store_failed(&e));
        }
        let (code, text) = if read_only {
            (Code::ReadOnly, "EXAMINE completed")
        } else {
            (Code::ReadWrite, "SELECT completed")
        };
        Ok(Completion::ok(Some(code), text))
    }
}
