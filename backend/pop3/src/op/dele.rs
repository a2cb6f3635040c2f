//! DELE, RFC 1939 §5: marks a message; nothing is removed before QUIT.

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn dele(&mut self, n: u32) -> Next {
        match self.maildrop_mut().get_mut(n) {
            Some(e) => {
                e.deleted = true;
                self.ok(&format!("message {n} deleted"));
            }
            None => self.no_such_message(),
        }
        Next::Continue
    }
}
