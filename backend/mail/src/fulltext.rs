//! A message's searchable text, as the full-text index keeps it: header values with
//! RFC 2047 encoded words decoded (RFC 2047 §6), and the body's text parts decoded from
//! their transfer encoding and charset to UTF-8, HTML reduced to its text, messages
//! forwarded as attachments included; parts that are not text are left out. The store
//! folds the case and enforces the size limits; this stops collecting soon after them.

use mail_parser::{HeaderValue, Message, MessageParser, PartType, decoders::html::html_to_text};
use osprey_store::{MAX_BODY_TEXT, MAX_HEADER_TEXT, MessageText};

/// The text of `raw`, or `None` if it does not parse as a message.
pub fn extract_text(raw: &[u8]) -> Option<MessageText> {
    // MIME headers parsed as such (the body's structure depends on them); every other
    // field as unstructured text, which decodes encoded words in addresses too.
    let parsed = MessageParser::new()
        .with_mime_headers()
        .default_header_text()
        .parse(raw)?;
    let mut text = MessageText::default();
    push_headers(&mut text.headers, &parsed, MAX_HEADER_TEXT);
    push_body(&mut text.body, &parsed);
    Some(text)
}

/// Appends `Name: value` lines for the header fields of `message`, up to about `limit`.
fn push_headers(out: &mut String, message: &Message<'_>, limit: usize) {
    for header in message.root_part().headers() {
        if out.len() >= limit {
            return;
        }
        out.push_str(header.name());
        out.push_str(": ");
        push_value(out, header.value());
        out.push('\n');
    }
}

fn push_value(out: &mut String, value: &HeaderValue<'_>) {
    match value {
        HeaderValue::Text(t) => out.push_str(t),
        HeaderValue::TextList(list) => out.push_str(&list.join(", ")),
        HeaderValue::Address(a) => {
            let mut first = true;
            for addr in a.iter() {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                if let Some(name) = addr.name() {
                    out.push_str(name);
                    out.push(' ');
                }
                if let Some(address) = addr.address() {
                    out.push('<');
                    out.push_str(address);
                    out.push('>');
                }
            }
        }
        HeaderValue::ContentType(ct) => {
            out.push_str(ct.ctype());
            if let Some(sub) = ct.subtype() {
                out.push('/');
                out.push_str(sub);
            }
            for attr in ct.attributes().unwrap_or_default() {
                out.push_str("; ");
                out.push_str(&attr.name);
                out.push('=');
                out.push_str(&attr.value);
            }
        }
        HeaderValue::DateTime(d) => out.push_str(&d.to_rfc822()),
        HeaderValue::Received(_) | HeaderValue::Empty => {}
    }
}

/// Appends the text of every text part of `message`, in order, up to about
/// [`MAX_BODY_TEXT`]; a forwarded message contributes its header fields and its text.
fn push_body(out: &mut String, message: &Message<'_>) {
    for part in &message.parts {
        if out.len() >= MAX_BODY_TEXT {
            return;
        }
        match &part.body {
            PartType::Text(t) => push_limited(out, t),
            PartType::Html(h) => push_limited(out, &html_to_text(h)),
            PartType::Message(inner) => {
                push_headers(out, inner, MAX_BODY_TEXT);
                push_body(out, inner);
            }
            PartType::Binary(_) | PartType::InlineBinary(_) | PartType::Multipart(_) => {}
        }
    }
}

/// Appends `text` and a line break, cut (at a character boundary) where the body
/// limit is reached.
fn push_limited(out: &mut String, text: &str) {
    let room = MAX_BODY_TEXT.saturating_sub(out.len());
    let mut end = text.len().min(room);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    out.push_str(&text[..end]);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_headers_and_parts() {
        let raw = b"From: =?utf-8?q?J=C3=B6rg?= <j@example.com>\r\n\
            Subject: =?iso-8859-1?q?Caf=E9?=\r\n\
            MIME-Version: 1.0\r\n\
            Content-Type: multipart/alternative; boundary=b\r\n\r\n\
            --b\r\nContent-Type: text/plain; charset=utf-8\r\n\
            Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29ybGQ=\r\n\
            --b\r\nContent-Type: text/html\r\n\r\n<p>Some <b>bold</b> words</p>\r\n\
            --b\r\nContent-Type: application/octet-stream\r\n\
            Content-Transfer-Encoding: base64\r\n\r\nc2VjcmV0YmxvYg==\r\n--b--\r\n";
        let t = extract_text(raw).unwrap();
        assert!(t.headers.contains("Jörg <j@example.com>"), "{}", t.headers);
        assert!(t.headers.contains("Subject: Café"), "{}", t.headers);
        assert!(t.body.contains("Hello world"), "{}", t.body);
        assert!(t.body.contains("Some bold words"), "{}", t.body);
        assert!(!t.body.contains("secretblob"), "{}", t.body);
        assert!(!t.body.contains("<b>"), "{}", t.body);
    }
}
