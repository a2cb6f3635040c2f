//! IMAP URLs naming a message or a part of one (RFC 5092 `imessagepart`), as CATENATE
//! takes them (RFC 4469 §3): `imap://user@host/INBOX;UIDVALIDITY=7/;UID=20/;SECTION=1.2`,
//! the same without the server (`/INBOX;...`), or relative to the selected mailbox
//! (`;UID=20/;SECTION=TEXT`).
//!
//! Owns the syntax only: which mailbox a name is, whether the user is the client's and
//! whether the message exists are the session's questions. No I/O; never panics.

use super::command::{Partial, Section};
use super::lexer::Cursor;

/// A message, or a part of one, that an IMAP URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageUrl {
    /// The user of the server part (`imap://user@host/...`), percent-decoded; `None`
    /// without one.
    pub user: Option<String>,
    /// The mailbox name (UTF-8, percent-decoded); `None` for a URL relative to the
    /// selected mailbox.
    pub mailbox: Option<String>,
    /// `;UIDVALIDITY=`: the URL is void if the mailbox's differs.
    pub uidvalidity: Option<u32>,
    pub uid: u32,
    /// `;SECTION=`: as in FETCH BODY[...]; `None` is the whole message.
    pub section: Option<Section>,
    /// `;PARTIAL=origin[.length]`.
    pub partial: Option<UrlPartial>,
}

/// `partial-range = number ["." nz-number]`, RFC 5092 §3: without a length, to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlPartial {
    pub origin: u32,
    pub length: Option<u32>,
}

impl UrlPartial {
    /// As a FETCH partial, when it has a length.
    pub fn as_partial(&self) -> Option<Partial> {
        self.length.map(|length| Partial {
            origin: self.origin,
            length,
        })
    }
}

/// Parses an IMAP URL that names a message or a part; `None` if it is not one (a
/// mailbox or a search, URLAUTH, a malformed number or escape).
pub fn parse_message_url(url: &str) -> Option<MessageUrl> {
    let mut user = None;
    let mut rest = url;
    if let Some(after) = strip_prefix_ci(url, "imap://") {
        let (server, path) = after.split_at(after.find('/')?);
        if let Some((userinfo, _host)) = server.rsplit_once('@') {
            // `iuserinfo = enc-user [iauth] / [enc-user] iauth`
            let name = userinfo.split(';').next().unwrap_or_default();
            if !name.is_empty() {
                user = Some(percent_decode(name)?);
            }
        }
        rest = path;
    }
    // The mailbox part ends where the UID part starts.
    let uid_at = find_ci(rest, ";UID=")?;
    let (mailbox_ref, tail) = rest.split_at(uid_at);
    let (mailbox, uidvalidity) = if mailbox_ref.is_empty() {
        // Relative to the selected mailbox: nothing may come before `;UID=`.
        (None, None)
    } else {
        let path = mailbox_ref.strip_prefix('/')?.strip_suffix('/')?;
        let (enc, validity) = match find_ci(path, ";UIDVALIDITY=") {
            Some(i) => (&path[..i], Some(number(&path[i + 13..])?)),
            None => (path, None),
        };
        if enc.is_empty() {
            return None;
        }
        (Some(percent_decode(enc)?), validity)
    };
    let mut segments = tail.split("/;");
    let uid = number(strip_prefix_ci(segments.next()?, ";UID=")?)?;
    if uid == 0 {
        return None;
    }
    let mut section = None;
    let mut partial = None;
    for seg in segments {
        if let Some(v) = strip_prefix_ci(seg, "SECTION=") {
            if section.is_some() || partial.is_some() {
                return None;
            }
            section = Some(section_spec(&percent_decode(v)?)?);
        } else if let Some(v) = strip_prefix_ci(seg, "PARTIAL=") {
            if partial.is_some() {
                return None;
            }
            let (origin, length) = match v.split_once('.') {
                Some((o, l)) => (number(o)?, Some(number(l)?).filter(|&l| l > 0)),
                None => (number(v)?, None),
            };
            if v.contains('.') && length.is_none() {
                return None;
            }
            partial = Some(UrlPartial { origin, length });
        } else {
            // URLAUTH (RFC 4467) and anything else: not a URL this server resolves.
            return None;
        }
    }
    Some(MessageUrl {
        user,
        mailbox,
        uidvalidity,
        uid,
        section,
        partial,
    })
}

/// A section spec as written in a URL (`1.2.HEADER.FIELDS (Subject)`), parsed as FETCH
/// would parse `BODY[1.2.HEADER.FIELDS (Subject)]`.
fn section_spec(s: &str) -> Option<Section> {
    let bracketed = format!("[{s}]");
    let mut c = Cursor::new(bracketed.as_bytes(), 4);
    let section = super::parse_fetch::section(&mut c).ok()?;
    c.end().ok()?;
    Some(section)
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn find_ci(s: &str, needle: &str) -> Option<usize> {
    let (h, n) = (s.as_bytes(), needle.as_bytes());
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// `%XX` escapes decoded; the result must be UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::super::command::SectionText;
    use super::*;

    #[test]
    fn rfc_4469_examples() {
        // RFC 4469 §5.
        let u = parse_message_url("/Drafts;UIDVALIDITY=385759045/;UID=20").unwrap();
        assert_eq!(u.mailbox.as_deref(), Some("Drafts"));
        assert_eq!(u.uidvalidity, Some(385759045));
        assert_eq!(u.uid, 20);
        assert_eq!(u.section, None);
        let u = parse_message_url(
            "imap://bob@example.org/Drafts;UIDVALIDITY=385759045/;UID=30/;SECTION=1.2.MIME",
        )
        .unwrap();
        assert_eq!(u.user.as_deref(), Some("bob"));
        assert_eq!(
            u.section,
            Some(Section {
                part: vec![1, 2],
                text: Some(SectionText::Mime)
            })
        );
    }

    #[test]
    fn relative_encoded_and_partial() {
        let u = parse_message_url(";uid=7/;section=TEXT/;partial=10.5").unwrap();
        assert_eq!(u.mailbox, None);
        assert_eq!(u.uid, 7);
        assert_eq!(u.section.unwrap().text, Some(SectionText::Text));
        assert_eq!(
            u.partial,
            Some(UrlPartial {
                origin: 10,
                length: Some(5)
            })
        );
        let u = parse_message_url("/Br%C3%BCche/Sub;UIDVALIDITY=1/;UID=2").unwrap();
        assert_eq!(u.mailbox.as_deref(), Some("Br\u{fc}che/Sub"));
        let u =
            parse_message_url("/INBOX/;UID=3/;SECTION=HEADER.FIELDS%20(Subject%20From)/;PARTIAL=4")
                .unwrap();
        assert_eq!(
            u.section.unwrap().text,
            Some(SectionText::HeaderFields(vec![
                "Subject".into(),
                "From".into()
            ]))
        );
        assert_eq!(u.partial.unwrap().length, None);
    }

    #[test]
    fn not_message_urls() {
        for bad in [
            "",
            "/INBOX",
            "/INBOX/;UID=0",
            "/INBOX/;UID=x",
            "/;UID=3",
            "/INBOX/;UID=3/;URLAUTH=anonymous",
            "/INBOX/;UID=3/;SECTION=9.NOPE",
            "/IN%ZZ/;UID=3",
            "/INBOX/;UID=3/;PARTIAL=1.0",
            "imap://host",
            ";UID=99999999999",
        ] {
            assert_eq!(parse_message_url(bad), None, "{bad:?}");
        }
    }
}
