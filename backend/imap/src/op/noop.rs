//! NOOP, RFC 9051 §6.1.2, and the rev1 CHECK (RFC 3501 §6.4.1): nothing but the
//! updates `op::dispatch` reports when a command completes.

use osprey_proto::imap::Tag;

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn noop(&mut self, tag: &Tag) -> Next {
        self.ok(tag, None, "NOOP completed");
        Next::Continue
    }
}
