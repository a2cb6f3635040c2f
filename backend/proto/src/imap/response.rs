//! Typed responses and their serialisation: status responses with response codes,
//! continuation requests, and the entry point [`Response::write`].
//!
//! Owns the text rules of RFC 9051 §7.1 (codes, `resp-text`); untagged data lives in
//! `data` and FETCH items in `fetch`. Whatever the values, the bytes written parse
//! under the RFC 9051 §9 grammar: unwritable parts are cleaned or left out.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::data::Data;
use super::types::{Flag, SequenceSet, Tag, is_atom_char};
use super::write::{flag_list, sequence_set};

/// How to write strings for this client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// The client accepts UTF-8 in quoted strings and text: it enabled IMAP4rev2 or
    /// UTF8=ACCEPT (RFC 9051 §9 `QUOTED-CHAR`, RFC 6855 §3). Otherwise 8-bit strings are
    /// written as literals and 8-bit text as `?`.
    pub utf8: bool,
}

/// One server response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Status(StatusResponse),
    Data(Data),
    Continue(Continue),
}

impl Response {
    /// Appends the response and its CRLF to `out`.
    pub fn write(&self, out: &mut Vec<u8>, opts: WriteOptions) {
        match self {
            Response::Status(s) => s.write(out, opts),
            Response::Data(d) => d.write(out, opts),
            Response::Continue(c) => c.write(out, opts),
        }
    }

    /// The response as bytes.
    pub fn to_bytes(&self, opts: WriteOptions) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out, opts);
        out
    }
}

/// `resp-cond-state`, `resp-cond-auth`, `resp-cond-bye`, RFC 9051 §7.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Ok,
    No,
    Bad,
    /// Greeting only; always untagged.
    PreAuth,
    /// Always untagged.
    Bye,
}

/// A status response: tagged (`tag OK ...`) or untagged (`* OK ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusResponse {
    /// `None` for untagged; ignored for PREAUTH and BYE.
    pub tag: Option<Tag>,
    pub kind: StatusKind,
    pub code: Option<Code>,
    /// Human text; CR, LF and NUL become spaces.
    pub text: String,
}

impl StatusResponse {
    pub fn new(tag: Option<Tag>, kind: StatusKind, text: &str) -> StatusResponse {
        StatusResponse {
            tag,
            kind,
            code: None,
            text: text.to_owned(),
        }
    }

    pub fn with_code(mut self, code: Code) -> StatusResponse {
        self.code = Some(code);
        self
    }

    fn write(&self, out: &mut Vec<u8>, opts: WriteOptions) {
        let (name, taggable) = match self.kind {
            StatusKind::Ok => ("OK", true),
            StatusKind::No => ("NO", true),
            StatusKind::Bad => ("BAD", true),
            StatusKind::PreAuth => ("PREAUTH", false),
            StatusKind::Bye => ("BYE", false),
        };
        match &self.tag {
            Some(tag) if taggable => out.extend_from_slice(tag.as_str().as_bytes()),
            _ => out.push(b'*'),
        }
        out.push(b' ');
        out.extend_from_slice(name.as_bytes());
        out.push(b' ');
        resp_text(out, self.code.as_ref(), &self.text, opts);
        out.extend_from_slice(b"\r\n");
    }
}

/// `resp-text = ["[" resp-text-code "]" SP] text`. The text is never empty (RFC 3501
/// requires one character) and never starts with `[` without a code.
fn resp_text(out: &mut Vec<u8>, code: Option<&Code>, text: &str, opts: WriteOptions) {
    if let Some(code) = code {
        let mut c = Vec::new();
        if code.write(&mut c) {
            out.push(b'[');
            out.extend_from_slice(&c);
            out.extend_from_slice(b"] ");
        }
    }
    let clean = clean_text(text, opts.utf8);
    if clean.is_empty() {
        out.extend_from_slice(b"done");
    } else {
        if clean.starts_with('[') {
            out.push(b' ');
        }
        out.extend_from_slice(clean.as_bytes());
    }
}

/// `text`: CR, LF and other controls become spaces; without UTF-8, 8-bit becomes `?`.
pub(crate) fn clean_text(text: &str, utf8: bool) -> String {
    text.chars()
        .map(|c| match c {
            c if c.is_control() => ' ',
            c if !c.is_ascii() && !utf8 => '?',
            c => c,
        })
        .collect()
}

/// The permanent flags of a mailbox: `\*` says new keywords can be created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermanentFlags {
    pub flags: Vec<Flag>,
    pub can_create: bool,
}

/// `resp-text-code`, RFC 9051 §7.1 and the extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    Alert,
    Parse,
    PermanentFlags(PermanentFlags),
    ReadOnly,
    ReadWrite,
    TryCreate,
    UidNext(u32),
    UidValidity(u32),
    /// rev1 only, RFC 3501 §7.1.
    Unseen(u32),
    Capability(Vec<String>),
    /// RFC 9051 §7.1 (UIDPLUS): the UIDs of the appended messages.
    AppendUid {
        uidvalidity: u32,
        uids: SequenceSet,
    },
    /// RFC 9051 §7.1: source and destination UIDs, in corresponding order.
    CopyUid {
        uidvalidity: u32,
        source: SequenceSet,
        destination: SequenceSet,
    },
    UidNotSticky,
    /// RFC 7162 §3.1.2.1.
    HighestModSeq(u64),
    /// RFC 7162 §3.1.2.2.
    NoModSeq,
    /// RFC 7162 §3.1.3.
    Modified(SequenceSet),
    /// RFC 7162 §3.2.11.
    Closed,
    /// RFC 4469 §7 / RFC 7889 §4.
    TooBig,
    OverQuota,
    AlreadyExists,
    Nonexistent,
    AuthenticationFailed,
    AuthorizationFailed,
    Expired,
    Unavailable,
    Cannot,
    Limit,
    InUse,
    ServerBug,
    ContactAdmin,
    NoPerm,
    ExpungeIssued,
    Corruption,
    ClientBug,
    PrivacyRequired,
    HasChildren,
    /// RFC 9051 §7.1: charsets that SEARCH supports.
    BadCharset(Vec<String>),
    /// RFC 3516 §4.1.
    UnknownCte,
    /// RFC 4978 §3.
    CompressionActive,
    /// RFC 5267 §4.3.1: the tag of the search whose UPDATE is refused.
    NoUpdate(String),
    /// RFC 5465 §5.8: some notifications were lost.
    NotificationOverflow,
    /// RFC 5465 §8: the events the server cannot notify about.
    BadEvent(Vec<String>),
    /// Another code: an atom and optional text (without `]`).
    Other(String, Option<String>),
}

impl Code {
    /// Writes the code without brackets. Returns `false` if and only if it cannot be
    /// written validly (an empty set, a name that is not an atom); the caller then
    /// leaves it out.
    fn write(&self, out: &mut Vec<u8>) -> bool {
        let simple = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(s.as_bytes());
            true
        };
        match self {
            Code::Alert => simple(out, "ALERT"),
            Code::Parse => simple(out, "PARSE"),
            Code::PermanentFlags(p) => {
                out.extend_from_slice(b"PERMANENTFLAGS ");
                flag_list(out, &p.flags);
                if p.can_create {
                    out.pop();
                    if out.last() != Some(&b'(') {
                        out.push(b' ');
                    }
                    out.extend_from_slice(b"\\*)");
                }
                true
            }
            Code::ReadOnly => simple(out, "READ-ONLY"),
            Code::ReadWrite => simple(out, "READ-WRITE"),
            Code::TryCreate => simple(out, "TRYCREATE"),
            Code::UidNext(n) => simple(out, &format!("UIDNEXT {n}")),
            Code::UidValidity(n) => simple(out, &format!("UIDVALIDITY {n}")),
            Code::Unseen(n) => simple(out, &format!("UNSEEN {n}")),
            Code::Capability(caps) => {
                if !caps.iter().any(|c| is_atom(c)) {
                    return false;
                }
                out.extend_from_slice(b"CAPABILITY");
                atoms(out, caps);
                true
            }
            Code::AppendUid { uidvalidity, uids } => {
                if uids.is_empty() || *uids == SequenceSet::Saved {
                    return false;
                }
                out.extend_from_slice(format!("APPENDUID {uidvalidity} ").as_bytes());
                sequence_set(out, uids);
                true
            }
            Code::CopyUid {
                uidvalidity,
                source,
                destination,
            } => {
                if [source, destination]
                    .iter()
                    .any(|s| s.is_empty() || **s == SequenceSet::Saved)
                {
                    return false;
                }
                out.extend_from_slice(format!("COPYUID {uidvalidity} ").as_bytes());
                sequence_set(out, source);
                out.push(b' ');
                sequence_set(out, destination);
                true
            }
            Code::UidNotSticky => simple(out, "UIDNOTSTICKY"),
            Code::HighestModSeq(n) => simple(out, &format!("HIGHESTMODSEQ {n}")),
            Code::NoModSeq => simple(out, "NOMODSEQ"),
            Code::Modified(set) => {
                if set.is_empty() || *set == SequenceSet::Saved {
                    return false;
                }
                out.extend_from_slice(b"MODIFIED ");
                sequence_set(out, set);
                true
            }
            Code::Closed => simple(out, "CLOSED"),
            Code::TooBig => simple(out, "TOOBIG"),
            Code::OverQuota => simple(out, "OVERQUOTA"),
            Code::AlreadyExists => simple(out, "ALREADYEXISTS"),
            Code::Nonexistent => simple(out, "NONEXISTENT"),
            Code::AuthenticationFailed => simple(out, "AUTHENTICATIONFAILED"),
            Code::AuthorizationFailed => simple(out, "AUTHORIZATIONFAILED"),
            Code::Expired => simple(out, "EXPIRED"),
            Code::Unavailable => simple(out, "UNAVAILABLE"),
            Code::Cannot => simple(out, "CANNOT"),
            Code::Limit => simple(out, "LIMIT"),
            Code::InUse => simple(out, "INUSE"),
            Code::ServerBug => simple(out, "SERVERBUG"),
            Code::ContactAdmin => simple(out, "CONTACTADMIN"),
            Code::NoPerm => simple(out, "NOPERM"),
            Code::ExpungeIssued => simple(out, "EXPUNGEISSUED"),
            Code::Corruption => simple(out, "CORRUPTION"),
            Code::ClientBug => simple(out, "CLIENTBUG"),
            Code::PrivacyRequired => simple(out, "PRIVACYREQUIRED"),
            Code::HasChildren => simple(out, "HASCHILDREN"),
            Code::BadCharset(charsets) => {
                out.extend_from_slice(b"BADCHARSET");
                let valid: Vec<&String> = charsets
                    .iter()
                    .filter(|c| !c.is_empty() && c.bytes().all(is_atom_char))
                    .collect();
                if !valid.is_empty() {
                    out.extend_from_slice(b" (");
                    for (i, c) in valid.iter().enumerate() {
                        if i > 0 {
                            out.push(b' ');
                        }
                        out.extend_from_slice(c.as_bytes());
                    }
                    out.push(b')');
                }
                true
            }
            Code::UnknownCte => simple(out, "UNKNOWN-CTE"),
            Code::CompressionActive => simple(out, "COMPRESSIONACTIVE"),
            Code::NoUpdate(tag) => {
                out.extend_from_slice(b"NOUPDATE ");
                super::write::quoted(out, tag.as_bytes());
                true
            }
            Code::NotificationOverflow => simple(out, "NOTIFICATIONOVERFLOW"),
            Code::BadEvent(events) => {
                let valid: Vec<&String> = events.iter().filter(|e| is_atom(e)).collect();
                if valid.is_empty() {
                    return false;
                }
                out.extend_from_slice(b"BADEVENT (");
                for (i, e) in valid.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    out.extend_from_slice(e.as_bytes());
                }
                out.push(b')');
                true
            }
            Code::Other(name, text) => {
                if name.is_empty() || !name.bytes().all(is_atom_char) {
                    return false;
                }
                out.extend_from_slice(name.as_bytes());
                if let Some(text) = text {
                    let t: String = clean_text(text, false)
                        .chars()
                        .filter(|&c| c != ']')
                        .collect();
                    if !t.is_empty() {
                        out.push(b' ');
                        out.extend_from_slice(t.as_bytes());
                    }
                }
                true
            }
        }
    }
}

pub(crate) fn is_atom(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_atom_char)
}

/// ` atom` for each name that is an atom.
pub(crate) fn atoms(out: &mut Vec<u8>, names: &[String]) {
    for name in names {
        if is_atom(name) {
            out.push(b' ');
            out.extend_from_slice(name.as_bytes());
        }
    }
}

/// `continue-req = "+" SP (resp-text / base64) CRLF`, RFC 9051 §7.5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Continue {
    Text(String),
    /// A SASL challenge, base64-encoded on writing.
    Base64(Vec<u8>),
}

impl Continue {
    fn write(&self, out: &mut Vec<u8>, opts: WriteOptions) {
        out.extend_from_slice(b"+ ");
        match self {
            Continue::Text(t) => resp_text(out, None, t, opts),
            Continue::Base64(data) => out.extend_from_slice(STANDARD.encode(data).as_bytes()),
        }
        out.extend_from_slice(b"\r\n");
    }
}
