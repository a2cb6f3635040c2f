//! STATUS, RFC 9051 §6.3.11: counts from the store, not from this session's view.
//! HIGHESTMODSEQ is RFC 7162 §3.1.6; APPENDLIMIT RFC 7889 §4.

use osprey_proto::imap::{Data, Mailbox, StatusItem};
use osprey_store::{MailboxRecord, StoreError, flags};

use crate::{
    mailbox_name,
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) async fn status_cmd(&mut self, m: &Mailbox, items: &[StatusItem]) -> OpResult {
        let mb = self.find_mailbox(m).await?;
        // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command.
        if items.contains(&StatusItem::HighestModSeq) {
            self.enable_condstore();
        }
        match self.status_data(&mb, items).await {
            Ok(data) => {
                self.data(data);
                Ok(Completion::ok(None, "STATUS completed"))
            }
            Err(e) => Err(Completion::store_failed(&e)),
        }
    }

    /// The STATUS response for `mb`: used by STATUS and by LIST-STATUS (RFC 5819).
    pub(crate) async fn status_data(
        &self,
        mb: &MailboxRecord,
        items: &[StatusItem],
    ) -> Result<Data, StoreError> {
        let msgs = self
            .server
            .store
            .messages()
            .states_in_mailbox(&mb.id)
            .await?;
        let count = |bit: u64, set: bool| {
            msgs.iter().filter(|r| (r.flags & bit != 0) == set).count() as u64
        };
        let values = items
            .iter()
            .map(|&item| {
                let v = match item {
                    StatusItem::Messages => msgs.len() as u64,
                    StatusItem::UidNext => u64::from(mb.uidnext),
                    StatusItem::UidValidity => u64::from(mb.uidvalidity),
                    StatusItem::Unseen => count(flags::SEEN, false),
                    StatusItem::Deleted => count(flags::DELETED, true),
                    StatusItem::Size => msgs.iter().map(|r| r.size).sum(),
                    // RFC 3501 §6.3.10: "The number of messages with the \Recent
                    // flag set": those no session has claimed yet.
                    StatusItem::Recent => {
                        msgs.iter().filter(|r| r.uid >= mb.recent_uid).count() as u64
                    }
                    StatusItem::HighestModSeq => mb.highestmodseq,
                    StatusItem::AppendLimit => self.config.append_limit,
                };
                (item, v)
            })
            .collect();
        Ok(Data::Status {
            mailbox: mailbox_name::to_wire(&mb.name, self.utf8()),
            items: values,
        })
    }
}
