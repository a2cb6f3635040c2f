//! RSET (RFC 5321 §4.1.1.5).

use osprey_proto::smtp::{Reply, replies};

use crate::session::Session;

impl Session {
    pub(crate) fn rset(&mut self) -> Reply {
        self.end_transaction();
        replies::OK
    }
}
