//! STAT, RFC 1939 §5.

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn stat(&mut self) -> Next {
        let (n, octets) = self.maildrop().stat();
        self.ok(&format!("{n} {octets}"));
        Next::Continue
    }
}
