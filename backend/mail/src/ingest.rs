//! A summary of a message's headers for the store's listings (the message itself is
//! kept with CRLF line endings, `message::normalize_crlf`).

use chrono::{DateTime, Utc};
use mail_parser::{HeaderValue, MessageParser};
use osprey_store::MessageSummary;

/// Characters of body text kept as a preview.
const PREVIEW_CHARS: usize = 200;

/// The summary of a message for the store. A message that does not parse at all still
/// gets an (empty) summary: it is delivered as it came.
pub fn summarize(message: &[u8]) -> MessageSummary {
    let Some(parsed) = MessageParser::default().parse(message) else {
        return MessageSummary::default();
    };
    let first_address = |a: Option<&mail_parser::Address>| {
        a.and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(str::to_owned)
    };
    let to_addrs = parsed.to().map(|a| {
        a.iter()
            .filter_map(|a| a.address())
            .collect::<Vec<_>>()
            .join(", ")
    });
    // RFC 5256 §3 step 1: without References, In-Reply-To's first message ID stands in.
    let references = match (parsed.references(), parsed.in_reply_to()) {
        (HeaderValue::Text(t), _) => Some(t.to_string()),
        (HeaderValue::TextList(l), _) if !l.is_empty() => Some(l.join(" ")),
        (_, HeaderValue::Text(t)) => Some(t.to_string()),
        (_, HeaderValue::TextList(l)) => l.first().map(|t| t.to_string()),
        _ => None,
    };
    MessageSummary {
        from_addr: first_address(parsed.from()),
        to_addrs: to_addrs.filter(|s| !s.is_empty()),
        subject: parsed.subject().map(str::to_owned),
        sent_date: parsed
            .date()
            .and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0)),
        message_id: parsed.message_id().map(str::to_owned),
        references,
        has_attachments: parsed.attachment_count() > 0,
        preview: parsed.body_preview(PREVIEW_CHARS).map(|p| p.into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_reply_to_stands_in_for_a_missing_references_field() {
        let reply = summarize(
            b"Subject: Re: Hello\r\nIn-Reply-To: <1@x> <2@x>\r\nMessage-ID: <3@x>\r\n\r\nHi\r\n",
        );
        assert_eq!(reply.references.as_deref(), Some("1@x"));
        let both = summarize(
            b"Subject: Re: Hello\r\nReferences: <0@x> <1@x>\r\nIn-Reply-To: <9@x>\r\n\r\nHi\r\n",
        );
        assert_eq!(both.references.as_deref(), Some("0@x 1@x"));
        assert_eq!(summarize(b"Subject: x\r\n\r\nHi\r\n").references, None);
    }

    #[test]
    fn summarises_headers() {
        let s = summarize(
            b"From: Ann <ann@example.com>\r\nTo: b@example.com, c@example.com\r\n\
              Subject: Hello\r\nMessage-ID: <1@x>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nBody text\r\n",
        );
        assert_eq!(s.from_addr.as_deref(), Some("ann@example.com"));
        assert_eq!(s.to_addrs.as_deref(), Some("b@example.com, c@example.com"));
        assert_eq!(s.subject.as_deref(), Some("Hello"));
        assert_eq!(s.message_id.as_deref(), Some("1@x"));
        assert_eq!(
            s.sent_date.unwrap().to_rfc3339(),
            "2026-11-26T10:00:00+00:00"
        );
        assert_eq!(s.preview.as_deref().map(str::trim), Some("Body text"));
        assert!(!s.has_attachments);
    }
}
