//! SELECT and EXAMINE, RFC 9051 §6.3.2 and §6.3.3, and finding a mailbox by the name
//! a client sent (shared by the commands that take one).

use osprey_proto::imap::{Code, Data, ListItem, Mailbox, PermanentFlags, SelectParams, Tag};
use osprey_store::{MailboxRecord, StoreError, flags};

use crate::{
    mailbox_name::{self, DELIMITER},
    message::system_flags,
    selected::Selected,
    session::{Next, Session, State},
};

impl Session {
    /// The store name for a mailbox argument; answers `BAD` if it cannot be decoded.
    pub(crate) fn mailbox_arg(&mut self, tag: &Tag, m: &Mailbox) -> Option<String> {
        let name = mailbox_name::from_wire(m, self.utf8());
        if name.is_none() {
            self.bad(tag, None, "mailbox name is not valid modified UTF-7");
        }
        name
    }

    /// The account's mailbox called `m`; answers `NO [NONEXISTENT]` (or the store's
    /// failure) when there is none.
    pub(crate) async fn find_mailbox(&mut self, tag: &Tag, m: &Mailbox) -> Option<MailboxRecord> {
        let name = self.mailbox_arg(tag, m)?;
        let account_id = self.account().id.clone();
        match self.server.store.mailbox_by_name(&account_id, &name).await {
            Ok(mb) => Some(mb),
            Err(StoreError::NotFound) => {
                self.no(tag, Some(Code::Nonexistent), "no such mailbox");
                None
            }
            Err(e) => {
                self.store_failed(tag, &e);
                None
            }
        }
    }

    pub(crate) async fn select(
        &mut self,
        tag: &Tag,
        m: &Mailbox,
        read_only: bool,
        params: &SelectParams,
    ) -> Next {
        // RFC 7162 §3.2.5: QRESYNC only once enabled.
        if params.qresync.is_some() && !self.qresync {
            self.bad(tag, None, "ENABLE QRESYNC first");
            return Next::Continue;
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
        let Some(mb) = self.find_mailbox(tag, m).await else {
            return Next::Continue;
        };
        let view = match Selected::open(&self.server.store, mb, read_only).await {
            Ok(v) => v,
            Err(e) => {
                self.store_failed(tag, &e);
                return Next::Continue;
            }
        };
        self.data(Data::Flags(system_flags()));
        self.data(Data::Exists(view.exists()));
        if !self.rev2 {
            // RFC 3501 §6.3.1: rev1 clients expect RECENT and the first unseen message.
            self.data(Data::Recent(0));
            if let Some(i) = view.msgs.iter().position(|m| m.flags & flags::SEEN == 0) {
                self.untagged_ok(Some(Code::Unseen(i as u32 + 1)), "first unseen");
            }
        }
        let permanent = if read_only {
            Vec::new()
        } else {
            system_flags()
        };
        self.untagged_ok(
            Some(Code::PermanentFlags(PermanentFlags {
                flags: permanent,
                can_create: !read_only,
            })),
            "flags permitted",
        );
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
            self.store_failed(tag, &e);
            return Next::Continue;
        }
        let (code, text) = if read_only {
            (Code::ReadOnly, "EXAMINE completed")
        } else {
            (Code::ReadWrite, "SELECT completed")
        };
        self.ok(tag, Some(code), text);
        Next::Continue
    }
}
