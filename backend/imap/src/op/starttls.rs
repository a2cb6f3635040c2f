//! STARTTLS, RFC 9051 §6.2.1: the TLS handshake follows the tagged OK; the read loop
//! discards whatever the client sent after the command (no injection, RFC 9051 §11.1).

use crate::{
    op::{Completion, OpResult},
    session::{Next, Session},
};

impl Session {
    pub(crate) fn starttls(&mut self) -> OpResult {
        if self.conn().is_tls() {
            return Err(Completion::bad(None, "TLS is already active"));
        }
        if self.server.tls.is_none() {
            return Err(Completion::bad(None, "STARTTLS is not available"));
        }
        Ok(Completion::ok(None, "begin TLS negotiation now").then(Next::StartTls))
    }
}
