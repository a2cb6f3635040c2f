//! NOOP, RFC 9051 §6.1.2, and the rev1 CHECK (RFC 3501 §6.4.1): nothing but the
//! updates `op::dispatch` reports when a command completes. They are how clients poll,
//! so the selected mailbox also asks the store, which finds changes made by other
//! processes too (the change bus carries only this one's).

use crate::{
    op::{Completion, OpResult},
    session::{Session, State},
};

impl Session {
    pub(crate) fn noop(&mut self) -> OpResult {
        if let State::Selected { mailbox, .. } = &mut self.state {
            mailbox.request_poll();
        }
        Ok(Completion::ok(None, "NOOP completed"))
    }
}
