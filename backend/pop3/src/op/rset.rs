//! RSET, RFC 1939 §5: unmarks every message marked deleted.

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn rset(&mut self) -> Next {
        let m = self.maildrop_mut();
        m.entries.iter_mut().for_each(|e| e.deleted = false);
        let (n, octets) = m.stat();
        self.ok(&format!("maildrop has {n} messages ({octets} octets)"));
        Next::Continue
    }
}
