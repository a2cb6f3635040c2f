//! CAPABILITY, RFC 9051 §6.1.1: what this session offers now. Only what works is
//! listed.

use osprey_proto::imap::{Code, Data};

use crate::{
    op::{Completion, OpResult},
    session::{Session, State},
};

impl Session {
    /// The SASL mechanisms offered now (RFC 9051 §6.2.2): PLAIN only where plaintext
    /// passwords are allowed; SCRAM-SHA-256 always, as it never reveals the password;
    /// CRAM-MD5 only when the legacy mechanisms are enabled.
    pub(crate) fn mechanisms(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.plaintext_allowed() {
            m.push("PLAIN");
        }
        m.push("SCRAM-SHA-256");
        if self.server.auth.legacy_enabled() {
            m.push("CRAM-MD5");
        }
        m
    }

    pub(crate) fn capabilities(&self) -> Vec<String> {
        // RFC 9051 §7.2.2: IMAP4rev2, and IMAP4rev1 for older clients (§1.1 note).
        let mut caps: Vec<String> = vec!["IMAP4rev1".into(), "IMAP4rev2".into()];
        if let State::NotAuthenticated { .. } = self.state {
            if self.server.tls.is_some() && !self.conn().is_tls() {
                caps.push("STARTTLS".into());
            }
            if !self.plaintext_allowed() {
                // RFC 9051 §6.2.3
                caps.push("LOGINDISABLED".into());
            }
            caps.extend(self.mechanisms().iter().map(|m| format!("AUTH={m}")));
            // RFC 4959
            caps.push("SASL-IR".into());
        }
        caps.extend(
            [
                // RFC 5161 (part of RFC 9051 §6.3.1)
                "ENABLE",
                // RFC 6855 §3: UTF-8 names and quoted strings after ENABLE UTF8=ACCEPT
                "UTF8=ACCEPT",
                // RFC 2971
                "ID",
                // RFC 2342 (RFC 9051 §6.3.10)
                "NAMESPACE",
                // RFC 2177 (RFC 9051 §6.3.13)
                "IDLE",
                // RFC 3691 (RFC 9051 §6.4.2)
                "UNSELECT",
                // RFC 4315 (RFC 9051 §6.4.9, §7.1): APPENDUID, COPYUID, UID EXPUNGE
                "UIDPLUS",
                // RFC 6851 (RFC 9051 §6.4.8)
                "MOVE",
                // RFC 6154 §5: special-use attributes in LIST
                "SPECIAL-USE",
                // RFC 6154 §3: CREATE (USE (...))
                "CREATE-SPECIAL-USE",
                // RFC 5258 §3: selection and return options, several patterns
                "LIST-EXTENDED",
                // RFC 5819 §2: LIST ... RETURN (STATUS (...))
                "LIST-STATUS",
                // RFC 7888 §3: non-synchronising literals as large as synchronising ones
                "LITERAL+",
                // RFC 3348 (RFC 9051 §7.3.1): \HasChildren and \HasNoChildren in LIST
                "CHILDREN",
                // RFC 4731 (RFC 9051 §6.4.4): SEARCH RETURN (MIN MAX ALL COUNT) and ESEARCH
                "ESEARCH",
                // RFC 8438 (RFC 9051 §6.3.11): STATUS (SIZE)
                "STATUS=SIZE",
                // RFC 3502
                "MULTIAPPEND",
                // RFC 4469: APPEND ... CATENATE (TEXT ... URL ...)
                "CATENATE",
                // RFC 3516: BINARY, BINARY.PEEK and BINARY.SIZE in FETCH
                "BINARY",
                // RFC 7162 §3.1: MODSEQ in FETCH, SEARCH and STORE
                "CONDSTORE",
                // RFC 7162 §3.2: VANISHED, SELECT (QRESYNC ...), UID FETCH ... VANISHED
                "QRESYNC",
                // RFC 5182: SEARCH RETURN (SAVE) and `$`
                "SEARCHRES",
                // RFC 5256
                "SORT",
                // RFC 5957: DISPLAYFROM and DISPLAYTO
                "SORT=DISPLAY",
                // RFC 5267 §3: SORT RETURN (...) with ESEARCH answers
                "ESORT",
                "THREAD=ORDEREDSUBJECT",
                "THREAD=REFERENCES",
                // RFC 9208 §3.1: STORAGE only
                "QUOTA",
                "QUOTA=RES-STORAGE",
            ]
            .map(String::from),
        );
        // RFC 7889 §3
        caps.push(format!("APPENDLIMIT={}", self.config.append_limit));
        if !matches!(self.state, State::NotAuthenticated { .. }) {
            // RFC 5267 §4: SEARCH and SORT RETURN (CONTEXT UPDATE PARTIAL), CANCELUPDATE.
            caps.push("CONTEXT=SEARCH".into());
            caps.push("CONTEXT=SORT".into());
            // RFC 5465 §3: NOTIFY SET and NOTIFY NONE.
            caps.push("NOTIFY".into());
        }
        // RFC 4978 §1: COMPRESS is an authenticated-state command (§5), so it is offered
        // after login, until it is active.
        if !matches!(self.state, State::NotAuthenticated { .. }) && !self.conn().is_compressed() {
            caps.push("COMPRESS=DEFLATE".into());
        }
        caps
    }

    pub(crate) fn capability(&mut self) -> OpResult {
        let caps = self.capabilities();
        self.data(Data::Capability(caps));
        Ok(Completion::ok(None, "CAPABILITY completed"))
    }

    /// The tagged OK of a successful login, with the new capabilities (RFC 9051 §6.2.3).
    pub(crate) fn logged_in(&self) -> Completion {
        let caps = self.capabilities();
        Completion::ok(Some(Code::Capability(caps)), "logged in")
    }
}
