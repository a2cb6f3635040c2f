//! BODYSTRUCTURE and BODY, RFC 9051 §7.5.2 (RFC 3501 §7.4.2 for rev1 clients): the
//! MIME tree of a stored message, as `osprey_mail::message` parsed it, in IMAP's terms.
//!
//! Types, subtypes, parameter names and encodings are written in upper case, with the
//! defaults of RFC 2045 where a field is missing. Sizes and line counts are those of
//! the raw octets of each part's body as stored, still transfer-encoded (RFC 9051
//! §7.5.2 `body-fld-octets`, `body-fld-lines`). Content-ID, Content-Description,
//! Content-Transfer-Encoding and Content-Location are given as written, unfolded. A
//! message/rfc822 part has the envelope and structure of the message inside.

use osprey_mail::message::{Contents, MessageTree, ParsedMessage, Part};
use osprey_proto::imap::{
    BodyStructure, Disposition, MultipartExtension, SingleExtension, SingleKind, SinglePart,
};

use crate::message::envelope;

/// The body structure of `msg`, with extension data (BODY leaves it out on writing).
pub(crate) fn body_structure(msg: &ParsedMessage<'_>) -> BodyStructure {
    of_message(msg, msg.tree())
}

fn of_message(msg: &ParsedMessage<'_>, tree: &MessageTree) -> BodyStructure {
    match &tree.root {
        Some(root) => describe(msg, root),
        None => plain_text(msg.bytes(&(tree.header.start..tree.body.end))),
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

fn params(params: &[(String, String)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(n, v)| (n.to_ascii_uppercase(), v.clone()))
        .collect()
}

fn disposition(p: &Part) -> Option<Disposition> {
    p.disposition.as_ref().map(|d| Disposition {
        kind: d.kind.to_ascii_uppercase(),
        params: params(&d.params),
    })
}

/// The part `p` of `msg`.
fn describe(msg: &ParsedMessage<'_>, p: &Part) -> BodyStructure {
    let body = msg.bytes(&p.body);
    let mut ctype = p.content_type.as_ref();
    let multipart = matches!(p.contents, Contents::Multipart(_));
    if ctype.is_some_and(|c| c.is("multipart")) && !multipart {
        // A multipart without a usable boundary, or nested too deep, is described as
        // plain text: IMAP has no way to say "multipart without parts".
        ctype = None;
    }
    let media_type = ctype.map_or("TEXT".into(), |c| c.media_type.to_ascii_uppercase());
    let subtype = ctype
        .and_then(|c| c.subtype.as_deref())
        .map_or_else(|| default_subtype(&media_type), str::to_ascii_uppercase);
    if let Contents::Multipart(children) = &p.contents
        && media_type == "MULTIPART"
    {
        // RFC 9051 §7.5.2: the parts in order, then the subtype and `body-ext-mpart`.
        return BodyStructure::Multipart {
            parts: children.iter().map(|c| describe(msg, c)).collect(),
            subtype,
            extension: Some(MultipartExtension {
                params: ctype.map(|c| params(&c.params)).unwrap_or_default(),
                disposition: disposition(p),
                language: p.language.clone(),
                location: p.location.clone(),
            }),
        };
    }
    let mut params = ctype.map(|c| params(&c.params)).unwrap_or_default();
    if ctype.is_none() {
        // RFC 2045 §5.2: the default is text/plain; charset=us-ascii.
        params.push(("CHARSET".into(), "US-ASCII".into()));
    }
    let kind = match (&p.contents, media_type.as_str()) {
        (_, "TEXT") => SingleKind::Text { lines: lines(body) },
        (Contents::Message(inner), _) => SingleKind::Message {
            envelope: Box::new(envelope(&inner.envelope)),
            body: Box::new(of_message(msg, inner)),
            lines: lines(body),
        },
        _ => SingleKind::Basic,
    };
    BodyStructure::Single {
        part: SinglePart {
            media_type,
            subtype,
            params,
            id: p.content_id.clone(),
            description: p.description.clone(),
            encoding: p
                .transfer_encoding
                .as_ref()
                .map_or_else(|| "7BIT".into(), |e| e.to_ascii_uppercase()),
            size: body.len() as u32,
            kind,
        },
        extension: Some(SingleExtension {
            md5: None,
            disposition: disposition(p),
            language: p.language.clone(),
            location: p.location.clone(),
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

    fn body_structure(raw: &[u8]) -> BodyStructure {
        super::body_structure(&ParsedMessage::parse(raw))
    }

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
}
