//! LOGOUT, RFC 9051 §6.1.3: `* BYE`, the tagged OK, then the connection closes.

use crate::{
    op::{Completion, OpResult},
    session::{Next, Session},
};

impl Session {
    pub(crate) fn logout(&mut self) -> OpResult {
        self.bye(None, "logging out");
        Ok(Completion::ok(None, "LOGOUT completed").then(Next::Close))
    }
}
