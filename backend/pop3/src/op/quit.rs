//! QUIT, RFC 1939 §6: in the TRANSACTION state it enters UPDATE and applies the
//! session's changes; in AUTHORIZATION it just says goodbye.

use osprey_proto::pop3::RespCode;

use crate::session::{Next, Session, State};

impl Session {
    pub(crate) async fn quit(&mut self) -> Next {
        let State::Transaction(maildrop) = &self.state else {
            self.ok("bye");
            return Next::Close;
        };
        match maildrop.commit(&self.server.store).await {
            Ok(()) => {
                let (n, _) = maildrop.stat();
                self.ok(&format!("bye ({n} messages left)"));
            }
            Err(e) => {
                // RFC 1939 §6: some deleted messages not removed → -ERR.
                tracing::error!(error = %e, "POP3 update failed");
                self.err(Some(RespCode::SysTemp), "some changes could not be applied");
            }
        }
        Next::Close
    }
}
