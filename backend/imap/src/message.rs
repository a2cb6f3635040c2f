//! What FETCH reads from a stored message: flags in IMAP form, the envelope and body
//! sections (RFC 9051 §6.4.5, §7.5.2), cut from the raw bytes in the blob store.
//!
//! Headers and the body are split on the raw bytes, so sections are exact octets of
//! the stored message; mail-parser finds MIME parts and parses addresses. Body
//! structures are built in `structure.rs`, decoded parts in `binary.rs`.

use mail_parser::{Address as ParsedAddress, MessageParser, PartType};
use osprey_proto::imap::{Address, Envelope, Flag, Section, SectionText};
use osprey_store::flags;

/// System flags of the store and their IMAP names.
const SYSTEM: [(u64, Flag); 5] = [
    (flags::ANSWERED, Flag::Answered),
    (flags::FLAGGED, Flag::Flagged),
    (flags::DELETED, Flag::Deleted),
    (flags::SEEN, Flag::Seen),
    (flags::DRAFT, Flag::Draft),
];

/// The flags of a message as IMAP writes them (RFC 9051 §2.3.2).
pub(crate) fn flag_list(bits: u64, keywords: &[String]) -> Vec<Flag> {
    let mut out: Vec<Flag> = SYSTEM
        .iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, f)| f.clone())
        .collect();
    out.extend(keywords.iter().map(|k| Flag::Keyword(k.clone())));
    out
}

/// The system flags a mailbox supports, for FLAGS and PERMANENTFLAGS.
pub(crate) fn system_flags() -> Vec<Flag> {
    SYSTEM.iter().map(|(_, f)| f.clone()).collect()
}

/// Flags from a command as store bits and keywords. `\Recent` and other `\` flags
/// the server does not know are ignored (RFC 9051 §2.3.2: not permanent).
pub(crate) fn flag_bits(list: &[Flag]) -> (u64, Vec<String>) {
    let mut bits = 0;
    let mut keywords: Vec<String> = Vec::new();
    for f in list {
        match f {
            Flag::Keyword(k) => {
                if !keywords.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                    keywords.push(k.clone());
                }
            }
            other => {
                if let Some((b, _)) = SYSTEM.iter().find(|(_, s)| s == other) {
                    bits |= b;
                }
            }
        }
    }
    (bits, keywords)
}

/// Splits a message into its header (with the blank line) and its body.
pub(crate) fn split(raw: &[u8]) -> (&[u8], &[u8]) {
    if raw.starts_with(b"\r\n") {
        return (&raw[..2], &raw[2..]);
    }
    match raw.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => (&raw[..i + 4], &raw[i + 4..]),
        None => (raw, &[]),
    }
}

/// The header fields of `header` whose names are (or, with `not`, are not) in
/// `names`, each with its continuation lines, followed by the blank line
/// (RFC 9051 §6.4.5 HEADER.FIELDS).
fn header_fields(header: &[u8], names: &[String], not: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut keep = false;
    for line in header.split_inclusive(|&b| b == b'\n') {
        if line == b"\r\n" {
            break;
        }
        if !matches!(line.first(), Some(b' ' | b'\t')) {
            let name = line.split(|&b| b == b':').next().unwrap_or_default();
            let name = String::from_utf8_lossy(name);
            let listed = names.iter().any(|n| n.eq_ignore_ascii_case(name.trim()));
            keep = listed != not;
        }
        if keep {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The bytes of `section` of the message `raw`; empty if the part does not exist.
pub(crate) fn section(raw: &[u8], section: &Section) -> Vec<u8> {
    // Walk down the part path: a multipart is entered by a part number, and so is a
    // message/rfc822, whose HEADER and TEXT are the inner message's (RFC 9051 §6.4.5).
    let mut entity = raw.to_vec();
    let mut content = raw.to_vec();
    let mut mime = Vec::new();
    for &n in &section.part {
        let Some(p) = part(&entity, n) else {
            return Vec::new();
        };
        mime = p.header;
        content = p.content;
        entity = p.entity;
    }
    let (header, body) = split(&content);
    match &section.text {
        None => content.clone(),
        Some(SectionText::Header) => header.to_vec(),
        Some(SectionText::Text) => body.to_vec(),
        Some(SectionText::HeaderFields(names)) => header_fields(header, names, false),
        Some(SectionText::HeaderFieldsNot(names)) => header_fields(header, names, true),
        Some(SectionText::Mime) => mime,
    }
}

/// One MIME part found by number.
pub(crate) struct Part {
    /// Its MIME header, with the blank line.
    pub(crate) header: Vec<u8>,
    /// Its content, without the MIME header.
    pub(crate) content: Vec<u8>,
    /// What the next part number walks into: the part itself as an entity for a
    /// multipart, the inner message for a message/rfc822, else the content.
    pub(crate) entity: Vec<u8>,
}

/// Part `n` (1-based) of the entity `raw`. A non-multipart entity has one part: its
/// body.
pub(crate) fn part(raw: &[u8], n: u32) -> Option<Part> {
    let parsed = MessageParser::default().parse(raw)?;
    let root = parsed.parts.first()?;
    let child = match &root.body {
        PartType::Multipart(children) => {
            let id = *children.get(usize::try_from(n).ok()?.checked_sub(1)?)?;
            parsed.parts.get(id as usize)?
        }
        _ if n == 1 => root,
        _ => return None,
    };
    let (header, content) = if std::ptr::eq(child, root) {
        let (h, b) = split(raw);
        (h.to_vec(), b.to_vec())
    } else {
        (
            raw.get(child.offset_header as usize..child.offset_body as usize)?
                .to_vec(),
            raw.get(child.offset_body as usize..child.offset_end as usize)?
                .to_vec(),
        )
    };
    let entity = match child.body {
        PartType::Multipart(_) => [header.as_slice(), content.as_slice()].concat(),
        _ => content.clone(),
    };
    Some(Part {
        header,
        content,
        entity,
    })
}

fn raw_header(parsed: &mail_parser::Message<'_>, name: &str) -> Option<Vec<u8>> {
    parsed
        .header_raw(name)
        .map(|v| v.trim().as_bytes().to_vec())
        .filter(|v| !v.is_empty())
}

fn addresses(a: Option<&ParsedAddress<'_>>) -> Vec<Address> {
    let one = |addr: &mail_parser::Addr<'_>| {
        let (mailbox, host) = match addr.address.as_deref() {
            Some(a) => match a.rsplit_once('@') {
                Some((l, h)) => (Some(l.as_bytes().to_vec()), Some(h.as_bytes().to_vec())),
                None => (Some(a.as_bytes().to_vec()), None),
            },
            None => (None, None),
        };
        Address {
            name: addr.name.as_deref().map(|n| n.as_bytes().to_vec()),
            adl: None,
            mailbox,
            // RFC 9051 §7.5.2: a missing host would read as a group start.
            host: host.or_else(|| Some(b"missing-host".to_vec())),
        }
    };
    match a {
        None => Vec::new(),
        Some(ParsedAddress::List(list)) => list.iter().map(one).collect(),
        Some(ParsedAddress::Group(groups)) => {
            let mut out = Vec::new();
            for g in groups {
                let named = g.name.is_some();
                if named {
                    out.push(Address {
                        mailbox: g.name.as_deref().map(|n| n.as_bytes().to_vec()),
                        ..Address::default()
                    });
                }
                out.extend(g.addresses.iter().map(one));
                if named {
                    out.push(Address::default());
                }
            }
            out
        }
    }
}

/// The envelope of a message, RFC 9051 §7.5.2: Sender and Reply-To default to From.
pub(crate) fn envelope(raw: &[u8]) -> Envelope {
    let Some(p) = MessageParser::default().parse(raw) else {
        return Envelope::default();
    };
    let from = addresses(p.from());
    let sender = match addresses(p.sender()) {
        s if s.is_empty() => from.clone(),
        s => s,
    };
    let reply_to = match addresses(p.reply_to()) {
        r if r.is_empty() => from.clone(),
        r => r,
    };
    Envelope {
        date: raw_header(&p, "Date"),
        subject: raw_header(&p, "Subject"),
        from,
        sender,
        reply_to,
        to: addresses(p.to()),
        cc: addresses(p.cc()),
        bcc: addresses(p.bcc()),
        in_reply_to: raw_header(&p, "In-Reply-To"),
        message_id: raw_header(&p, "Message-ID"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &[u8] =
        b"From: Bob <bob@example.com>\r\nSubject: Hi\r\n there\r\nTo: a@b.example\r\n\r\nbody\r\n";

    #[test]
    fn sections_are_exact_octets() {
        let s = |text| Section { part: vec![], text };
        assert_eq!(section(MSG, &s(None)), MSG);
        assert_eq!(section(MSG, &s(Some(SectionText::Text))), b"body\r\n");
        assert!(section(MSG, &s(Some(SectionText::Header))).ends_with(b"a@b.example\r\n\r\n"));
        let fields = section(
            MSG,
            &s(Some(SectionText::HeaderFields(vec!["subject".into()]))),
        );
        assert_eq!(fields, b"Subject: Hi\r\n there\r\n\r\n");
        assert_eq!(
            section(
                MSG,
                &Section {
                    part: vec![1],
                    text: None
                }
            ),
            b"body\r\n"
        );
        assert!(
            section(
                MSG,
                &Section {
                    part: vec![2],
                    text: None
                }
            )
            .is_empty()
        );
    }

    #[test]
    fn multipart_parts_by_number() {
        let m = b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\none\r\n--x\r\nContent-Type: text/plain\r\n\r\ntwo\r\n--x--\r\n";
        let two = section(
            m,
            &Section {
                part: vec![2],
                text: None,
            },
        );
        assert!(
            two.starts_with(b"two"),
            "{:?}",
            String::from_utf8_lossy(&two)
        );
        let mime = section(
            m,
            &Section {
                part: vec![1],
                text: Some(SectionText::Mime),
            },
        );
        assert!(mime.starts_with(b"Content-Type: text/plain"), "{mime:?}");
    }

    #[test]
    fn flags_round_trip() {
        let (bits, kw) = flag_bits(&[Flag::Seen, Flag::Keyword("$Junk".into()), Flag::Recent]);
        assert_eq!(bits, flags::SEEN);
        assert_eq!(
            flag_list(bits, &kw),
            vec![Flag::Seen, Flag::Keyword("$Junk".into())]
        );
    }

    #[test]
    fn envelope_defaults_sender_and_reply_to_to_from() {
        let e = envelope(MSG);
        assert_eq!(e.subject.as_deref(), Some(&b"Hi\r\n there"[..]));
        assert_eq!(e.from.len(), 1);
        assert_eq!(e.sender, e.from);
        assert_eq!(e.from[0].host.as_deref(), Some(&b"example.com"[..]));
    }
}
