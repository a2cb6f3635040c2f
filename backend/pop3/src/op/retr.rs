//! RETR (RFC 1939 §5) and TOP (RFC 1939 §7): the message, byte-stuffed.

use osprey_proto::pop3::{self, RespCode};

use crate::session::{Next, Session};

impl Session {
    pub(crate) async fn retr(&mut self, n: u32, top_lines: Option<u32>) -> Next {
        let Some(entry) = self.maildrop().get(n).cloned() else {
            self.no_such_message();
            return Next::Continue;
        };
        let body = match self.server.blobs.get(&entry.blob_hash).await {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, blob = %entry.blob_hash, "message body unreadable");
                self.err(Some(RespCode::SysTemp), "cannot read the message now");
                return Next::Continue;
            }
        };
        match top_lines {
            None => {
                self.ok(&format!("{} octets", entry.size));
                if let Some(e) = self.maildrop_mut().get_mut(n) {
                    e.retrieved = true;
                }
            }
            Some(_) => self.ok("top of message follows"),
        }
        pop3::write_multiline(&mut self.out, &body, top_lines);
        Next::Continue
    }
}
