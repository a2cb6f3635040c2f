//! BODYSTRUCTURE and BODY, RFC 9051 §7.5.2 (RFC 3501 §7.4.2 for rev1 clients): the
//! MIME tree of a stored message as IMAP describes it.
//!
//! mail-parser finds the parts and parses Content-Type and Content-Disposition
//! (quoting, parameter continuations); sizes and line counts are taken from the raw
//! octets of each part's body as stored, still transfer-encoded (RFC 9051 §7.5.2
//! `body-fld-octets`, `body-fld-lines`). Content-ID, Content-Description,
//! Content-Transfer-Encoding and Content-Location are given as written, unfolded. A
//! message/rfc822 part is parsed again as a message of its own for its envelope and
//! structure.

use mail_parser::{HeaderValue, MessageParser, MessagePart, MimeHeaders, PartType};
use osprey_proto::imap::{
    BodyStructure, Disposition, MultipartExtension, SingleExtension, SingleKind, SinglePart,
};

use crate::message::{envelope, split};

/// Nesting depth past which parts are described as opaque, so a hostile message
/// cannot make the description arbitrarily deep.
const MAX_DEPTH: usize = 32;

/// The body structure of the message `raw`, with extension data (BODY leaves it out
/// on writing).
pub(crate) fn body_structure(raw: &[u8]) -> BodyStructure {
    structure_at(raw, 0)
}

fn structure_at(raw: &[u8], depth: usize) -> BodyStructure {
    match MessageParser::default().parse(raw) {
        Some(parsed) if !parsed.parts.is_empty() => {
            let (header, body) = split(raw);
            describe(&parsed.parts, 0, raw, header, body, depth)
        }
        _ => plain_text(raw),
    }
}

/// A message mail-parser cannot read: one text/plain part holding all of it.
fn plain_text(body: &[u8]) -> BodyStructure {
    BodyStructure::Single {
        part: SinglePart {
            media_type: "TEXT".into(),
            subtype: "PLAIN".into(),
            params: vec![("CHARSET".into(), "US-ASCII".into())],
            id: None,
            description: None,
            encoding: "7BIT".into(),
            size: body.len() as u32,
            kind: SingleKind::Text { lines: lines(body) },
        },
        extension: Some(SingleExtension::default()),
    }
}

/// Lines of a body as IMAP counts them: each line break, and a last line without one.
fn lines(body: &[u8]) -> u64 {
    let breaks = body.iter().filter(|&&b| b == b'\n').count() as u64;
    breaks + u64::from(!body.is_empty() && !body.ends_with(b"\n"))
}

/// The value of header field `name` in the raw `header`, unfolded and trimmed.
pub(crate) fn raw_field(header: &[u8], name: &str) -> Option<String> {
    let mut value: Option<Vec<u8>> = None;
    for line in header.split_inclusive(|&b| b == b'\n') {
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        if matches!(line.first(), Some(b' ' | b'\t')) {
            if let Some(v) = value.as_mut() {
                v.extend_from_slice(line);
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some(colon) = line.iter().position(|&b| b == b':')
            && String::from_utf8_lossy(&line[..colon])
                .trim()
                .eq_ignore_ascii_case(name)
        {
            value = Some(line[colon + 1..].to_vec());
        }
    }
    let v: Vec<u8> = value?
        .into_iter()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let v = String::from_utf8_lossy(&v).trim().to_owned();
    (!v.is_empty()).then_some(v)
}

fn attributes(a: Option<&[mail_parser::Attribute<'_>]>) -> Vec<(String, String)> {
    a.unwrap_or_default()
        .iter()
        .map(|a| (a.name.to_ascii_uppercase(), a.value.to_string()))
        .collect()
}

fn disposition(p: &MessagePart<'_>) -> Option<Disposition> {
    p.content_disposition().map(|d| Disposition {
        kind: d.c_type.to_ascii_uppercase(),
        params: attributes(d.attributes()),
    })
}

fn language(p: &MessagePart<'_>) -> Vec<String> {
    match p.content_language() {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Part `id` of `parts`, whose MIME header is `header` and body `body` (raw octets).
fn describe(
    parts: &[MessagePart<'_>],
    id: usize,
    raw: &[u8],
    header: &[u8],
    body: &[u8],
    depth: usize,
) -> BodyStructure {
    let Some(p) = parts.get(id) else {
        return plain_text(body);
    };
    let mut ctype = p.content_type();
    let multipart = matches!(p.body, PartType::Multipart(_));
    if ctype.is_some_and(|c| c.c_type.eq_ignore_ascii_case("multipart"))
        && (!multipart || depth >= MAX_DEPTH)
    {
        // A multipart without a usable boundary, or nested too deep, is described as
        // plain text: IMAP has no way to say "multipart without parts".
        ctype = None;
    }
    let media_type = ctype.map_or("TEXT".into(), |c| c.c_type.to_ascii_uppercase());
    let subtype = ctype
        .and_then(|c| c.c_subtype.as_deref())
        .map_or_else(|| default_subtype(&media_type), str::to_ascii_uppercase);
    let location = raw_field(header, "Content-Location");
    if let PartType::Multipart(children) = &p.body
        && media_type == "MULTIPART"
    {
        // RFC 9051 §7.5.2: the parts in order, then the subtype and `body-ext-mpart`.
        let parts = children
            .iter()
            .filter_map(|&c| {
                let c = c as usize;
                let child = parts.get(c)?;
                let h = raw.get(child.offset_header as usize..child.offset_body as usize)?;
                let b = raw.get(child.offset_body as usize..child.offset_end as usize)?;
                Some(describe(parts, c, raw, h, b, depth + 1))
            })
            .collect();
        return BodyStructure::Multipart {
            parts,
            subtype,
            extension: Some(MultipartExtension {
                params: attributes(ctype.and_then(|c| c.attributes())),
                disposition: disposition(p),
                language: language(p),
                location,
            }),
        };
    }
    let mut params = attributes(ctype.and_then(|c| c.attributes()));
    if ctype.is_none() {
        // RFC 2045 §5.2: the default is text/plain; charset=us-ascii.
        params.push(("CHARSET".into(), "US-ASCII".into()));
    }
    let kind = match media_type.as_str() {
        "TEXT" => SingleKind::Text { lines: lines(body) },
        "MESSAGE"
            if (subtype == "RFC822" || subtype == "GLOBAL")
                && depth < MAX_DEPTH
                && !body.is_empty() =>
        {
            SingleKind::Message {
                envelope: Box::new(envelope(body)),
                body: Box::new(structure_at(body, depth + 1)),
                lines: lines(body),
            }
        }
        _ => SingleKind::Basic,
    };
    BodyStructure::Single {
        part: SinglePart {
            media_type,
            subtype,
            params,
            id: raw_field(header, "Content-ID"),
            description: raw_field(header, "Content-Description"),
            encoding: raw_field(header, "Content-Transfer-Encoding")
                .map_or_else(|| "7BIT".into(), |e| e.to_ascii_uppercase()),
            size: body.len() as u32,
            kind,
        },
        extension: Some(SingleExtension {
            md5: None,
            disposition: disposition(p),
            language: language(p),
            location,
        }),
    }
}

fn default_subtype(media_type: &str) -> String {
    match media_type {
        "TEXT" => "PLAIN",
        "MULTIPART" => "MIXED",
        "MESSAGE" => "RFC822",
        _ => "OCTET-STREAM",
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_multipart_and_line_counts() {
        let m = b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; boundary=b\r\nContent-Language: en, fr\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\ntwo\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--b--\r\n--a--\r\n";
        let BodyStructure::Multipart { parts, subtype, .. } = body_structure(m) else {
            panic!("multipart expected");
        };
        assert_eq!(subtype, "MIXED");
        let BodyStructure::Multipart {
            parts: inner,
            subtype,
            extension,
        } = &parts[0]
        else {
            panic!("nested multipart expected");
        };
        assert_eq!(subtype, "ALTERNATIVE");
        let ext = extension.as_ref().unwrap();
        assert_eq!(ext.params, [("BOUNDARY".into(), "b".into())]);
        assert_eq!(ext.language, ["en", "fr"]);
        let sizes: Vec<_> = inner
            .iter()
            .map(|p| match p {
                BodyStructure::Single {
                    part:
                        SinglePart {
                            size,
                            kind: SingleKind::Text { lines },
                            ..
                        },
                    ..
                } => (*size, *lines),
                other => panic!("text part expected: {other:?}"),
            })
            .collect();
        assert_eq!(sizes, [(8, 2), (8, 1)]);
    }

    #[test]
    fn multipart_without_boundary_is_plain_text() {
        let m = b"Content-Type: multipart/mixed\r\n\r\nno parts here\r\n";
        let BodyStructure::Single { part, .. } = body_structure(m) else {
            panic!("a single part expected");
        };
        assert_eq!(
            (part.media_type.as_str(), part.subtype.as_str()),
            ("TEXT", "PLAIN")
        );
        assert_eq!(part.kind, SingleKind::Text { lines: 1 });
    }

    #[test]
    fn raw_fields_are_unfolded() {
        let h = b"Content-ID:\r\n <a@b>\r\nX: y\r\n\r\n";
        assert_eq!(raw_field(h, "content-id").as_deref(), Some("<a@b>"));
        assert_eq!(raw_field(h, "Content-Location"), None);
    }
}
