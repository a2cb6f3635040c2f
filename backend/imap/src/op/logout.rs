//! LOGOUT, RFC 9051 §6.1.3: `* BYE`, the tagged OK, then the connection closes.

use osprey_proto::imap::Tag;

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn logout(&mut self, tag: &Tag) -> Next {
        self.bye(None, "logging out");
        self.ok(tag, None, "LOGOUT completed");
        Next::Close
    }
}
