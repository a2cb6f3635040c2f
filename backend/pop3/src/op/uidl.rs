//! UIDL, RFC 1939 §7: unique-ids that stay the same across sessions.

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn uidl(&mut self, n: Option<u32>) -> Next {
        let m = self.maildrop();
        let reply = match n {
            Some(n) => m.get(n).map(|e| format!("{n} {}", m.unique_id(e))),
            None => {
                let mut lines = String::from("unique-id listing follows\r\n");
                for (i, e) in m.entries.iter().enumerate().filter(|(_, e)| !e.deleted) {
                    lines.push_str(&format!("{} {}\r\n", i + 1, m.unique_id(e)));
                }
                lines.push('.');
                Some(lines)
            }
        };
        match reply {
            Some(text) => self.ok_multiline_text(&text),
            None => self.no_such_message(),
        }
        Next::Continue
    }
}
