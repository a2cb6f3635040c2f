//! STARTTLS (RFC 3207).

use crate::{
    reply::Reply,
    session::{Next, Session},
};

impl Session {
    pub(crate) fn starttls(&mut self) -> Next {
        if self.conn().is_tls() {
            return self.bad(Reply::new(503, "5.5.1", "TLS already active"));
        }
        if self.server.tls.is_none() {
            return self.reply(Reply::new(454, "4.7.0", "TLS not available"));
        }
        self.reply(Reply::new(220, "2.0.0", "Ready to start TLS"));
        Next::StartTls
    }
}
