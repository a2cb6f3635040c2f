//! STLS, RFC 2595 §4: upgrade to TLS before logging in.

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn stls(&mut self) -> Next {
        if self.conn().is_tls() {
            self.err(None, "TLS is already active");
            return Next::Continue;
        }
        if self.server.tls.is_none() {
            self.err(None, "STLS is not available");
            return Next::Continue;
        }
        self.ok("Begin TLS negotiation");
        Next::StartTls
    }
}
