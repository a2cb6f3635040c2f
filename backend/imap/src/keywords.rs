//! The keywords a session has announced for its selected mailbox, and the FLAGS and
//! PERMANENTFLAGS responses that announce them.
//!
//! RFC 3501 §7.2.6 and RFC 9051 §7.3.5: the FLAGS response names the flags "applicable
//! for this mailbox", and a client keeps the last one it saw. So a keyword goes into
//! FLAGS (and, where the client may store keywords, PERMANENTFLAGS) before the first
//! FETCH that shows it: at SELECT, every keyword some message carries; later, whenever a
//! message of the view gains one the session has not announced (its own STORE, another
//! session's, a new message). Announced keywords stay for the life of the view.

use osprey_proto::imap::{Code, Data, Flag, PermanentFlags, Response, StatusKind, StatusResponse};

use crate::message::system_flags;

/// The keywords announced so far, in the order first seen, each spelled as first seen.
#[derive(Debug, Default)]
pub(crate) struct Keywords {
    known: Vec<String>,
}

impl Keywords {
    /// Adds the keywords of `keywords` not announced yet (keywords compare without
    /// regard to case). Returns `true` if and only if one was new: the caller then
    /// sends [`Keywords::announcement`] before any response that shows it.
    pub(crate) fn learn<'a>(&mut self, keywords: impl IntoIterator<Item = &'a String>) -> bool {
        let mut new = false;
        for k in keywords {
            if !self.known.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                self.known.push(k.clone());
                new = true;
            }
        }
        new
    }

    /// Every flag of the mailbox: the system flags, then the keywords.
    fn flags(&self) -> Vec<Flag> {
        let mut f = system_flags();
        f.extend(self.known.iter().map(|k| Flag::Keyword(k.clone())));
        f
    }

    /// The untagged FLAGS response: every flag of the mailbox.
    pub(crate) fn flags_response(&self) -> Response {
        Response::Data(Data::Flags(self.flags()))
    }

    /// The untagged `OK [PERMANENTFLAGS (...)]`: every flag and `\*` (RFC 9051 §7.1:
    /// the client may create keywords); the empty list in a read-only mailbox, where
    /// nothing can be changed (RFC 9051 §6.3.3).
    pub(crate) fn permanent_response(&self, read_only: bool) -> Response {
        let (flags, can_create) = if read_only {
            (Vec::new(), false)
        } else {
            (self.flags(), true)
        };
        Response::Status(
            StatusResponse::new(None, StatusKind::Ok, "flags permitted")
                .with_code(Code::PermanentFlags(PermanentFlags { flags, can_create })),
        )
    }

    /// What tells a session of keywords learned while the mailbox is selected: FLAGS,
    /// and PERMANENTFLAGS unless the mailbox is read-only (its empty list does not
    /// change).
    pub(crate) fn announcement(&self, read_only: bool) -> Vec<Response> {
        let mut out = vec![self.flags_response()];
        if !read_only {
            out.push(self.permanent_response(false));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_learned_once_without_regard_to_case() {
        let mut k = Keywords::default();
        assert!(k.learn(&["$Label1".to_owned()]));
        assert!(!k.learn(&["$label1".to_owned()]));
        assert!(k.learn(&["$label1".to_owned(), "Work".to_owned()]));
        let flags = k.flags();
        assert_eq!(flags.len(), 7);
        assert_eq!(flags[5], Flag::Keyword("$Label1".into()));
        assert_eq!(k.announcement(true).len(), 1);
        assert_eq!(k.announcement(false).len(), 2);
    }
}
