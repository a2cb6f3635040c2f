//! What FETCH reads from a stored message in IMAP's terms: flags, the envelope
//! (RFC 9051 §7.5.2), body sections by part number (RFC 9051 §6.4.5) and BINARY
//! (RFC 3516 §4.2). The message itself is read once by `osprey_mail::message`
//! ([`ParsedMessage`]): this module only addresses its parts the IMAP way and maps its
//! plain data to wire types. Sections are exact octets of the stored message. Body
//! structures are mapped in `structure.rs`.

use std::borrow::Cow;

use osprey_mail::message::{
    Contents, DecodeError, EnvelopeFields, Group, MessageTree, ParsedMessage, Part,
    decode_transfer, split_header,
};
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

/// The bytes of `section` of `msg`; empty if the part does not exist.
pub(crate) fn section(msg: &ParsedMessage<'_>, section: &Section) -> Vec<u8> {
    // HEADER and TEXT of a message/rfc822 part are the inner message's
    // (RFC 9051 §6.4.5): its content is that message.
    let (mime, content, header, body): (&[u8], &[u8], &[u8], &[u8]) = if section.part.is_empty() {
        (&[], msg.raw(), msg.header(), msg.body())
    } else {
        let Some(p) = part(msg.tree(), &section.part) else {
            return Vec::new();
        };
        let content = msg.bytes(&p.body);
        let (header, body) = split_header(content);
        (msg.bytes(&p.header), content, header, body)
    };
    match &section.text {
        None => content.to_vec(),
        Some(SectionText::Header) => header.to_vec(),
        Some(SectionText::Text) => body.to_vec(),
        Some(SectionText::HeaderFields(names)) => header_fields(header, names, false),
        Some(SectionText::HeaderFieldsNot(names)) => header_fields(header, names, true),
        Some(SectionText::Mime) => mime.to_vec(),
    }
}

/// Where a walk down a part path stands.
enum At<'t> {
    /// In a message: its parts are numbered from 1, and a message that is not
    /// multipart has one part, its body.
    Message(&'t MessageTree),
    /// In a multipart part: its parts are numbered from 1.
    Multipart(&'t Part),
    /// In any other part, which has no parts.
    Leaf,
}

/// The part `path` (part numbers from 1, RFC 9051 §6.4.5) of the message `tree`. A
/// multipart is entered by a part number, and so is a message/rfc822 part, whose
/// parts are the inner message's; other parts have no parts of their own.
pub(crate) fn part<'t>(tree: &'t MessageTree, path: &[u32]) -> Option<&'t Part> {
    let mut at = At::Message(tree);
    let mut found = None;
    for &n in path {
        let index = usize::try_from(n).ok()?.checked_sub(1)?;
        let part = match at {
            At::Message(m) => {
                let root = m.root.as_ref()?;
                match &root.contents {
                    Contents::Multipart(children) => children.get(index)?,
                    _ if n == 1 => root,
                    _ => return None,
                }
            }
            At::Multipart(p) => p.children().get(index)?,
            At::Leaf => return None,
        };
        at = match &part.contents {
            Contents::Multipart(_) => At::Multipart(part),
            Contents::Message(m) => At::Message(m),
            Contents::Single => At::Leaf,
        };
        found = Some(part);
    }
    found
}

/// The content of part `path` of `msg` with its Content-Transfer-Encoding removed
/// (RFC 3516 §4.2); `Ok(None)` if there is no such part. An empty path is the whole
/// message, which has no transfer encoding of its own to remove; a non-multipart
/// message's part 1 is its body, decoded as its own header says.
pub(crate) fn binary<'a>(
    msg: &ParsedMessage<'a>,
    path: &[u32],
) -> Result<Option<Cow<'a, [u8]>>, DecodeError> {
    if path.is_empty() {
        return Ok(Some(Cow::Borrowed(msg.raw())));
    }
    let Some(p) = part(msg.tree(), path) else {
        return Ok(None);
    };
    decode_transfer(p.transfer_encoding.as_deref(), msg.bytes(&p.body)).map(Some)
}

fn addresses(groups: &[Group]) -> Vec<Address> {
    let mut out = Vec::new();
    for g in groups {
        // RFC 9051 §7.5.2: a group is a start (mailbox name, no host) and an end
        // (all NIL) around its members.
        if let Some(name) = &g.name {
            out.push(Address {
                mailbox: Some(name.as_bytes().to_vec()),
                ..Address::default()
            });
        }
        out.extend(g.mailboxes.iter().map(|m| {
            Address {
                name: m.name.as_ref().map(|n| n.as_bytes().to_vec()),
                // RFC 3501 §7.4.2: "The fields of an address structure are in the
                // following order: personal name, [SMTP] at-domain-list (source
                // route), mailbox name, and host name."
                adl: m.route.as_ref().map(|r| r.as_bytes().to_vec()),
                mailbox: m.local.as_ref().map(|l| l.as_bytes().to_vec()),
                // RFC 9051 §7.5.2: a missing host would read as a group start.
                host: Some(
                    m.domain
                        .as_ref()
                        .map_or_else(|| b"missing-host".to_vec(), |d| d.as_bytes().to_vec()),
                ),
            }
        }));
        if g.name.is_some() {
            out.push(Address::default());
        }
    }
    out
}

/// The envelope of a message, RFC 9051 §7.5.2: Sender and Reply-To default to From.
pub(crate) fn envelope(e: &EnvelopeFields) -> Envelope {
    let bytes = |v: &Option<String>| v.as_ref().map(|v| v.as_bytes().to_vec());
    let from = addresses(&e.from);
    let sender = match addresses(&e.sender) {
        s if s.is_empty() => from.clone(),
        s => s,
    };
    let reply_to = match addresses(&e.reply_to) {
        r if r.is_empty() => from.clone(),
        r => r,
    };
    Envelope {
        date: bytes(&e.date),
        subject: bytes(&e.subject),
        from,
        sender,
        reply_to,
        to: addresses(&e.to),
        cc: addresses(&e.cc),
        bcc: addresses(&e.bcc),
        in_reply_to: bytes(&e.in_reply_to),
        message_id: bytes(&e.message_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &[u8] =
        b"From: Bob <bob@example.com>\r\nSubject: Hi\r\n there\r\nTo: a@b.example\r\n\r\nbody\r\n";

    fn section(raw: &[u8], s: &Section) -> Vec<u8> {
        super::section(&ParsedMessage::parse(raw), s)
    }

    fn envelope(raw: &[u8]) -> Envelope {
        super::envelope(ParsedMessage::parse(raw).envelope())
    }

    fn binary(raw: &[u8], path: &[u32]) -> Result<Option<Vec<u8>>, DecodeError> {
        super::binary(&ParsedMessage::parse(raw), path).map(|d| d.map(Cow::into_owned))
    }

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

    const M: &[u8] = b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--x\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin\r\n--x--\r\n";

    #[test]
    fn parts_are_decoded() {
        assert_eq!(binary(M, &[1]).unwrap().unwrap(), "café".as_bytes());
        assert_eq!(binary(M, &[2]).unwrap().unwrap(), [0, 1, 2]);
        assert_eq!(binary(M, &[3]), Err(DecodeError::UnknownEncoding));
        assert_eq!(binary(M, &[4]), Ok(None));
    }

    #[test]
    fn single_part_body_uses_the_message_header() {
        let m = b"Subject: x\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n";
        assert_eq!(binary(m, &[1]).unwrap().unwrap(), b"hi");
        assert_eq!(binary(m, &[]).unwrap().unwrap(), m);
    }
}
