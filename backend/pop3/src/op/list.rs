//! LIST, RFC 1939 §5: message numbers and exact octet counts.

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn list(&mut self, n: Option<u32>) -> Next {
        let m = self.maildrop();
        let reply = match n {
            Some(n) => match m.get(n) {
                Some(e) => Ok(format!("{n} {}", e.size)),
                None => Err(()),
            },
            None => {
                let (count, octets) = m.stat();
                let mut lines = format!("{count} messages ({octets} octets)\r\n");
                for (i, e) in m.entries.iter().enumerate().filter(|(_, e)| !e.deleted) {
                    lines.push_str(&format!("{} {}\r\n", i + 1, e.size));
                }
                lines.push('.');
                Ok(lines)
            }
        };
        match reply {
            Ok(text) => self.ok_multiline_text(&text),
            Err(()) => self.no_such_message(),
        }
        Next::Continue
    }

    /// `+OK` followed by `text` as is (the caller formats multi-line answers).
    pub(crate) fn ok_multiline_text(&mut self, text: &str) {
        self.out.extend_from_slice(b"+OK ");
        self.out.extend_from_slice(text.as_bytes());
        self.out.extend_from_slice(b"\r\n");
    }

    pub(crate) fn no_such_message(&mut self) {
        self.err(None, "no such message");
    }
}
