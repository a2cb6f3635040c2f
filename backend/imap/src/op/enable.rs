//! ENABLE, RFC 9051 §6.3.1 (RFC 5161): IMAP4rev2, CONDSTORE (RFC 7162 §3.1), QRESYNC
//! (RFC 7162 §3.2.3) and UTF8=ACCEPT (RFC 6855 §3) can be enabled; the others are
//! ignored, as RFC 5161 §3.1 asks for extensions the server does not know. `* ENABLED`
//! lists only what this command newly enabled (RFC 5161 §3.2).

use osprey_proto::imap::{Code, Data};

use crate::{
    op::{Completion, OpResult},
    session::{Session, State},
};

impl Session {
    pub(crate) fn enable(&mut self, caps: &[String]) -> OpResult {
        let mut enabled = Vec::new();
        for c in caps {
            if c == "IMAP4REV2" && !self.rev2 {
                self.rev2 = true;
                enabled.push("IMAP4rev2".to_owned());
            }
            if c == "CONDSTORE" && !self.condstore {
                self.condstore = true;
                enabled.push("CONDSTORE".to_owned());
            }
            // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE.
            if c == "QRESYNC" && !self.qresync {
                self.qresync = true;
                self.condstore = true;
                enabled.push("QRESYNC".to_owned());
            }
            // RFC 6855 §3: from now on names and quoted strings are UTF-8.
            if c == "UTF8=ACCEPT" && !self.utf8_accept {
                self.utf8_accept = true;
                enabled.push("UTF8=ACCEPT".to_owned());
            }
        }
        self.data(Data::Enabled(enabled));
        Ok(Completion::ok(None, "ENABLE completed"))
    }

    /// Enables CONDSTORE for a CONDSTORE enabling command other than ENABLE (RFC 7162
    /// §3.1: FETCH or SEARCH with MODSEQ, FETCH CHANGEDSINCE, STORE UNCHANGEDSINCE).
    /// The first one given with a mailbox selected also tells the client the mailbox's
    /// HIGHESTMODSEQ, in an untagged OK, as SELECT would have (RFC 7162 §3.1,
    /// §3.1.2.1): the client had no MODSEQ to start from.
    pub(crate) fn enable_condstore(&mut self) {
        if self.condstore {
            return;
        }
        self.condstore = true;
        if let State::Selected { mailbox, .. } = &self.state {
            let highest = mailbox.highest_modseq();
            self.untagged_ok(Some(Code::HighestModSeq(highest)), "highest mod-sequence");
        }
    }
}
