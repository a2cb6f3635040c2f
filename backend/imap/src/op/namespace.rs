//! NAMESPACE, RFC 9051 §6.3.10: one personal namespace with the delimiter `/`; no
//! other users' or shared mailboxes.

use osprey_proto::imap::{Data, Namespace};

use crate::{
    mailbox_name::DELIMITER,
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) fn namespace(&mut self) -> OpResult {
        self.data(Data::Namespace {
            personal: vec![Namespace {
                prefix: String::new(),
                delimiter: Some(DELIMITER),
            }],
            other: vec![],
            shared: vec![],
        });
        Ok(Completion::ok(None, "NAMESPACE completed"))
    }
}
