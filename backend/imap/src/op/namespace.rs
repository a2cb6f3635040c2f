//! NAMESPACE, RFC 9051 §6.3.10: one personal namespace with the delimiter `/`; no
//! other users' or shared mailboxes.

use osprey_proto::imap::{Data, Namespace, Tag};

use crate::{
    mailbox_name::DELIMITER,
    session::{Next, Session},
};

impl Session {
    pub(crate) fn namespace(&mut self, tag: &Tag) -> Next {
        self.data(Data::Namespace {
            personal: vec![Namespace {
                prefix: String::new(),
                delimiter: Some(DELIMITER),
            }],
            other: vec![],
            shared: vec![],
        });
        self.ok(tag, None, "NAMESPACE completed");
        Next::Continue
    }
}
