//! FETCH response items, RFC 9051 §7.5.2: flags, dates, sizes, the envelope, body
//! structures with extension data, section contents, BINARY (RFC 3516 §4.3) and MODSEQ
//! (RFC 7162 §3.1.4.1).
//!
//! Owns the recursive envelope and body structure types and their bytes; filling them
//! from a message is the mail crate's job.

use super::command::Section;
use super::encode::{part, section};
use super::types::{DateTime, Flag};
use super::write::{date_time, flag_list, literal8, nstring, string};

/// One FETCH item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchData {
    Flags(Vec<Flag>),
    Uid(u32),
    InternalDate(DateTime),
    Rfc822Size(u64),
    ModSeq(u64),
    Envelope(Box<Envelope>),
    /// `BODY`: the structure without extension data.
    Body(Box<BodyStructure>),
    /// `BODYSTRUCTURE`: with extension data.
    BodyStructure(Box<BodyStructure>),
    /// `BODY[section]<origin>`.
    BodySection {
        section: Section,
        origin: Option<u32>,
        data: Option<Vec<u8>>,
    },
    /// `BINARY[part]<origin>`, written as literal8 when the data holds NUL.
    Binary {
        part: Vec<u32>,
        origin: Option<u32>,
        data: Option<Vec<u8>>,
    },
    /// `BINARY.SIZE[part]`.
    BinarySize {
        part: Vec<u32>,
        size: u64,
    },
    /// rev1 `RFC822`, `RFC822.HEADER`, `RFC822.TEXT`.
    Rfc822(Option<Vec<u8>>),
    Rfc822Header(Option<Vec<u8>>),
    Rfc822Text(Option<Vec<u8>>),
}

/// `envelope`, RFC 9051 §7.5.2. Header values are raw bytes (RFC 2047 words undecoded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    pub date: Option<Vec<u8>>,
    pub subject: Option<Vec<u8>>,
    /// Empty lists are written as NIL.
    pub from: Vec<Address>,
    pub sender: Vec<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub in_reply_to: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
}

/// `address`, RFC 9051 §7.5.2. A group is started by an address with `host: None`
/// and the group name in `mailbox`, and ended by one with both `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    pub name: Option<Vec<u8>>,
    pub adl: Option<Vec<u8>>,
    pub mailbox: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
}

/// `body`, RFC 9051 §7.5.2 (BODYSTRUCTURE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyStructure {
    Single {
        part: SinglePart,
        extension: Option<SingleExtension>,
    },
    /// At least one part; an empty list is written as one empty `text/plain` part.
    Multipart {
        parts: Vec<BodyStructure>,
        subtype: String,
        extension: Option<MultipartExtension>,
    },
}

/// `body-type-1part` without the extension data. On writing, `kind` decides the
/// media type where the grammar depends on it (text, message/rfc822).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinglePart {
    /// `TEXT`, `IMAGE`, `MESSAGE`, ...
    pub media_type: String,
    pub subtype: String,
    /// `body-fld-param`.
    pub params: Vec<(String, String)>,
    pub id: Option<String>,
    pub description: Option<String>,
    /// `body-fld-enc`, e.g. `7BIT`, `BASE64`.
    pub encoding: String,
    pub size: u32,
    pub kind: SingleKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SingleKind {
    Basic,
    /// `text/*`: with the line count.
    Text {
        lines: u64,
    },
    /// `message/rfc822` (and `message/global`): the inner message.
    Message {
        envelope: Box<Envelope>,
        body: Box<BodyStructure>,
        lines: u64,
    },
}

/// `body-ext-1part`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SingleExtension {
    pub md5: Option<String>,
    pub disposition: Option<Disposition>,
    pub language: Vec<String>,
    pub location: Option<String>,
}

/// `body-ext-mpart`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MultipartExtension {
    pub params: Vec<(String, String)>,
    pub disposition: Option<Disposition>,
    pub language: Vec<String>,
    pub location: Option<String>,
}

/// `body-fld-dsp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposition {
    pub kind: String,
    pub params: Vec<(String, String)>,
}

fn put(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
}

fn ns(out: &mut Vec<u8>, s: &Option<String>, utf8: bool) {
    nstring(out, s.as_deref().map(str::as_bytes), utf8);
}

fn st(out: &mut Vec<u8>, s: &str, utf8: bool) {
    string(out, s.as_bytes(), utf8);
}

/// `msg-att`: the parenthesised items.
pub(crate) fn write_items(out: &mut Vec<u8>, items: &[FetchData], utf8: bool) {
    out.push(b'(');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        write_item(out, item, utf8);
    }
    out.push(b')');
}

fn origin(out: &mut Vec<u8>, o: Option<u32>) {
    if let Some(o) = o {
        put(out, &format!("<{o}>"));
    }
}

fn write_item(out: &mut Vec<u8>, item: &FetchData, utf8: bool) {
    match item {
        FetchData::Flags(flags) => {
            put(out, "FLAGS ");
            flag_list(out, flags);
        }
        FetchData::Uid(n) => put(out, &format!("UID {}", (*n).max(1))),
        FetchData::InternalDate(d) => {
            put(out, "INTERNALDATE ");
            date_time(out, d);
        }
        FetchData::Rfc822Size(n) => put(out, &format!("RFC822.SIZE {n}")),
        FetchData::ModSeq(n) => put(out, &format!("MODSEQ ({n})")),
        FetchData::Envelope(e) => {
            put(out, "ENVELOPE ");
            envelope(out, e, utf8);
        }
        FetchData::Body(b) => {
            put(out, "BODY ");
            body(out, b, false, utf8);
        }
        FetchData::BodyStructure(b) => {
            put(out, "BODYSTRUCTURE ");
            body(out, b, true, utf8);
        }
        FetchData::BodySection {
            section: s,
            origin: o,
            data,
        } => {
            put(out, "BODY[");
            section(out, s);
            out.push(b']');
            origin(out, *o);
            out.push(b' ');
            nstring(out, data.as_deref(), utf8);
        }
        FetchData::Binary {
            part: p,
            origin: o,
            data,
        } => {
            put(out, "BINARY[");
            part(out, p);
            out.push(b']');
            origin(out, *o);
            out.push(b' ');
            match data {
                Some(d) if d.contains(&0) => literal8(out, d),
                d => nstring(out, d.as_deref(), utf8),
            }
        }
        FetchData::BinarySize { part: p, size } => {
            put(out, "BINARY.SIZE[");
            part(out, p);
            put(out, &format!("] {size}"));
        }
        FetchData::Rfc822(d) => {
            put(out, "RFC822 ");
            nstring(out, d.as_deref(), utf8);
        }
        FetchData::Rfc822Header(d) => {
            put(out, "RFC822.HEADER ");
            nstring(out, d.as_deref(), utf8);
        }
        FetchData::Rfc822Text(d) => {
            put(out, "RFC822.TEXT ");
            nstring(out, d.as_deref(), utf8);
        }
    }
}

fn addresses(out: &mut Vec<u8>, list: &[Address], utf8: bool) {
    if list.is_empty() {
        put(out, "NIL");
        return;
    }
    out.push(b'(');
    for a in list {
        out.push(b'(');
        for (i, f) in [&a.name, &a.adl, &a.mailbox, &a.host]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                out.push(b' ');
            }
            nstring(out, f.as_deref(), utf8);
        }
        out.push(b')');
    }
    out.push(b')');
}

pub(crate) fn envelope(out: &mut Vec<u8>, e: &Envelope, utf8: bool) {
    out.push(b'(');
    nstring(out, e.date.as_deref(), utf8);
    out.push(b' ');
    nstring(out, e.subject.as_deref(), utf8);
    for list in [&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc] {
        out.push(b' ');
        addresses(out, list, utf8);
    }
    out.push(b' ');
    nstring(out, e.in_reply_to.as_deref(), utf8);
    out.push(b' ');
    nstring(out, e.message_id.as_deref(), utf8);
    out.push(b')');
}

fn params(out: &mut Vec<u8>, p: &[(String, String)], utf8: bool) {
    if p.is_empty() {
        put(out, "NIL");
        return;
    }
    out.push(b'(');
    for (i, (k, v)) in p.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        st(out, k, utf8);
        out.push(b' ');
        st(out, v, utf8);
    }
    out.push(b')');
}

fn disposition(out: &mut Vec<u8>, d: &Option<Disposition>, utf8: bool) {
    match d {
        None => put(out, "NIL"),
        Some(d) => {
            out.push(b'(');
            st(out, &d.kind, utf8);
            out.push(b' ');
            params(out, &d.params, utf8);
            out.push(b')');
        }
    }
}

fn language(out: &mut Vec<u8>, l: &[String], utf8: bool) {
    match l {
        [] => put(out, "NIL"),
        [one] => st(out, one, utf8),
        many => {
            out.push(b'(');
            for (i, s) in many.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                st(out, s, utf8);
            }
            out.push(b')');
        }
    }
}

/// The media type and subtype as written, and the line count if it is written as
/// text. The grammar tells text and message parts by their type (RFC 9051 §9
/// `body-type-text`, `body-type-msg`), so the kind decides: text is `TEXT`, a message is
/// `MESSAGE/RFC822` (or `MESSAGE/GLOBAL`, RFC 6532), and a basic part that claims either
/// is written as text with 0 lines or as `APPLICATION/OCTET-STREAM`.
fn media(part: &SinglePart) -> (&str, &str, Option<u64>) {
    let is = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    match &part.kind {
        SingleKind::Text { lines } => ("TEXT", &part.subtype, Some(*lines)),
        SingleKind::Message { .. } if is(&part.subtype, "GLOBAL") => ("MESSAGE", "GLOBAL", None),
        SingleKind::Message { .. } => ("MESSAGE", "RFC822", None),
        SingleKind::Basic if is(&part.media_type, "TEXT") => ("TEXT", &part.subtype, Some(0)),
        SingleKind::Basic
            if is(&part.media_type, "MESSAGE")
                && (is(&part.subtype, "RFC822") || is(&part.subtype, "GLOBAL")) =>
        {
            ("APPLICATION", "OCTET-STREAM", None)
        }
        SingleKind::Basic => (&part.media_type, &part.subtype, None),
    }
}

/// `body`; `extended` adds the extension data (BODYSTRUCTURE).
pub(crate) fn body(out: &mut Vec<u8>, b: &BodyStructure, extended: bool, utf8: bool) {
    out.push(b'(');
    match b {
        BodyStructure::Single { part, extension } => {
            let (media_type, subtype, text_lines) = media(part);
            st(out, media_type, utf8);
            out.push(b' ');
            st(out, subtype, utf8);
            out.push(b' ');
            params(out, &part.params, utf8);
            out.push(b' ');
            ns(out, &part.id, utf8);
            out.push(b' ');
            ns(out, &part.description, utf8);
            out.push(b' ');
            st(out, &part.encoding, utf8);
            put(out, &format!(" {}", part.size));
            match &part.kind {
                SingleKind::Basic | SingleKind::Text { .. } => {
                    if let Some(lines) = text_lines {
                        put(out, &format!(" {lines}"));
                    }
                }
                SingleKind::Message {
                    envelope: e,
                    body: inner,
                    lines,
                } => {
                    out.push(b' ');
                    envelope(out, e, utf8);
                    out.push(b' ');
                    body(out, inner, extended, utf8);
                    put(out, &format!(" {lines}"));
                }
            }
            if let (true, Some(x)) = (extended, extension) {
                out.push(b' ');
                ns(out, &x.md5, utf8);
                out.push(b' ');
                disposition(out, &x.disposition, utf8);
                out.push(b' ');
                language(out, &x.language, utf8);
                out.push(b' ');
                ns(out, &x.location, utf8);
            }
        }
        BodyStructure::Multipart {
            parts,
            subtype,
            extension,
        } => {
            if parts.is_empty() {
                put(out, "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0)");
            }
            for p in parts {
                body(out, p, extended, utf8);
            }
            out.push(b' ');
            st(out, subtype, utf8);
            if let (true, Some(x)) = (extended, extension) {
                out.push(b' ');
                params(out, &x.params, utf8);
                out.push(b' ');
                disposition(out, &x.disposition, utf8);
                out.push(b' ');
                language(out, &x.language, utf8);
                out.push(b' ');
                ns(out, &x.location, utf8);
            }
        }
    }
    out.push(b')');
}
