//! STARTTLS, RFC 9051 §6.2.1: the TLS handshake follows the tagged OK; the read loop
//! discards whatever the client sent after the command (no injection, RFC 9051 §11.1).

use osprey_proto::imap::Tag;

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn starttls(&mut self, tag: &Tag) -> Next {
        if self.conn().is_tls() {
            self.bad(tag, None, "TLS is already active");
            return Next::Continue;
        }
        if self.server.tls.is_none() {
            self.bad(tag, None, "STARTTLS is not available");
            return Next::Continue;
        }
        self.ok(tag, None, "begin TLS negotiation now");
        Next::StartTls
    }
}
