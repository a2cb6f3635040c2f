//! The messages the server writes itself (the web app's and REST sends, drafts,
//! notices), built with mail-builder: From with its display name, To, Cc, Reply-To,
//! Subject, Date, Message-ID, a text body, optionally an HTML alternative, and
//! attachments. Header values never carry a line break: control characters become
//! spaces before mail-builder writes them, non-ASCII text goes out as RFC 2047 encoded
//! words (file names as RFC 2231 parameters), and addresses are [`Address`]es, which
//! cannot hold one. Bcc is written only into the copies that keep it (the sender's
//! Sent copy and drafts, [`Compose::to_bytes_with_bcc`]); delivered mail never has it.

use chrono::{DateTime, Utc};
use mail_builder::{
    MessageBuilder,
    headers::{
        address::Address as BuiltAddress, content_type::ContentType, date::Date, text::Text,
    },
    mime::{BodyPart, MimePart},
};
use osprey_core::Address;

/// An address with its display name, as From, To and Cc write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedAddress {
    /// The display name; `None` or empty writes the bare address.
    pub name: Option<String>,
    pub address: Address,
}

impl From<Address> for NamedAddress {
    fn from(address: Address) -> Self {
        NamedAddress {
            name: None,
            address,
        }
    }
}

/// A message to write: [`Compose::new`] with the sender and the Message-ID, the rest
/// by the builder methods, then [`Compose::to_bytes`].
#[derive(Debug, Clone)]
pub struct Compose {
    from: NamedAddress,
    message_id: String,
    to: Vec<NamedAddress>,
    cc: Vec<NamedAddress>,
    bcc: Vec<NamedAddress>,
    reply_to: Vec<NamedAddress>,
    subject: String,
    date: DateTime<Utc>,
    text: String,
    html: Option<String>,
    attachments: Vec<AttachmentPart>,
    /// The messages of a MIME digest, each whole.
    digest: Vec<Vec<u8>>,
    in_reply_to: Vec<String>,
    references: Vec<String>,
    /// More fields, as (name, value), written after the others.
    fields: Vec<(&'static str, String)>,
    /// An iCalendar scheduling message (iMIP): its METHOD and text.
    calendar: Option<(String, String)>,
}

impl Compose {
    /// A message from `from` whose Message-ID is `<message_id>` (written without the
    /// angle brackets here), dated now, with an empty subject and body.
    pub fn new(from: NamedAddress, message_id: impl Into<String>) -> Self {
        Compose {
            from,
            message_id: message_id.into(),
            to: Vec::new(),
            cc: Vec::new(),
            bcc: Vec::new(),
            reply_to: Vec::new(),
            subject: String::new(),
            date: Utc::now(),
            text: String::new(),
            html: None,
            attachments: Vec::new(),
            digest: Vec::new(),
            in_reply_to: Vec::new(),
            references: Vec::new(),
            fields: Vec::new(),
            calendar: None,
        }
    }

    /// An iCalendar scheduling message (iMIP, RFC 6047 §2.4): `ics` (whose METHOD is
    /// `method`) as a `text/calendar; method=...` alternative to the text, and again as
    /// an `invite.ics` attachment for programs that only look at attachments.
    pub fn calendar(mut self, method: &str, ics: impl Into<String>) -> Self {
        self.calendar = Some((method.to_ascii_uppercase(), ics.into()));
        self
    }

    pub fn to(mut self, to: impl IntoIterator<Item = NamedAddress>) -> Self {
        self.to.extend(to);
        self
    }

    pub fn cc(mut self, cc: impl IntoIterator<Item = NamedAddress>) -> Self {
        self.cc.extend(cc);
        self
    }

    /// Blind copies: written only by [`Compose::to_bytes_with_bcc`].
    pub fn bcc(mut self, bcc: impl IntoIterator<Item = NamedAddress>) -> Self {
        self.bcc.extend(bcc);
        self
    }

    pub fn reply_to(mut self, reply_to: impl IntoIterator<Item = NamedAddress>) -> Self {
        self.reply_to.extend(reply_to);
        self
    }

    /// A file attached (`Content-Disposition: attachment` with its name).
    pub fn attachment(mut self, attachment: AttachmentPart) -> Self {
        self.attachments.push(attachment);
        self
    }

    /// A MIME digest (RFC 2046 §5.1.5): after the text, `messages` (each whole, CRLF
    /// line endings) as the parts of a multipart/digest part.
    pub fn digest(mut self, messages: Vec<Vec<u8>>) -> Self {
        self.digest = messages;
        self
    }

    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }

    pub fn date(mut self, date: DateTime<Utc>) -> Self {
        self.date = date;
        self
    }

    /// The text/plain body (charset UTF-8).
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = text.into();
        self
    }

    /// An HTML alternative to the text: the message becomes multipart/alternative.
    pub fn html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }

    /// In-Reply-To (RFC 5322 §3.6.4): message ids, with or without their angle brackets.
    pub fn in_reply_to(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.in_reply_to.extend(ids.into_iter().map(bare_id));
        self
    }

    /// References (RFC 5322 §3.6.4): message ids, with or without their angle brackets.
    pub fn references(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.references.extend(ids.into_iter().map(bare_id));
        self
    }

    /// Another field, e.g. `Auto-Submitted` (RFC 3834 §5); the value is written as
    /// unstructured text on one line.
    pub fn field(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.fields.push((name, value.into()));
        self
    }

    /// The message as delivered, CRLF line endings, with MIME-Version; no Bcc.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.write(false)
    }

    /// The message with its Bcc field, for the sender's own copies (Sent, Drafts).
    pub fn to_bytes_with_bcc(&self) -> Vec<u8> {
        self.write(true)
    }

    fn write(&self, with_bcc: bool) -> Vec<u8> {
        let mut b = MessageBuilder::new()
            .from(built(&self.from))
            .message_id(one_line(&self.message_id))
            .date(Date::new(self.date.timestamp()))
            .subject(one_line(&self.subject));
        // RFC 5322 §3.6.3: an address field is written only with an address in it.
        if !self.to.is_empty() {
            b = b.to(self.to.iter().map(built).collect::<Vec<_>>());
        }
        if !self.cc.is_empty() {
            b = b.cc(self.cc.iter().map(built).collect::<Vec<_>>());
        }
        if with_bcc && !self.bcc.is_empty() {
            b = b.bcc(self.bcc.iter().map(built).collect::<Vec<_>>());
        }
        if !self.reply_to.is_empty() {
            b = b.reply_to(self.reply_to.iter().map(built).collect::<Vec<_>>());
        }
        if !self.in_reply_to.is_empty() {
            b = b.in_reply_to(self.in_reply_to.as_slice());
        }
        if !self.references.is_empty() {
            b = b.references(self.references.as_slice());
        }
        for (name, value) in &self.fields {
            b = b.header(*name, Text::new(one_line(value)));
        }
        if self.attachments.is_empty() && self.digest.is_empty() && self.calendar.is_none() {
            b = b.text_body(self.text.as_str());
            if let Some(html) = &self.html {
                b = b.html_body(html.as_str());
            }
        } else {
            b = b.body(self.mixed());
        }
        let mut out = Vec::new();
        b.serialize(&mut out);
        out
    }
}

/// A file to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentPart {
    /// The file name shown to the recipient.
    pub name: String,
    /// `type/subtype`, already checked (see [`mime_type`]).
    pub content_type: String,
    pub content: Vec<u8>,
}

/// `value` as a MIME type `type/subtype` of token characters (RFC 2045 §5.1), lower
/// case, or `application/octet-stream` when it is not one: a browser's guess never
/// reaches a header as it came.
pub fn mime_type(value: &str) -> String {
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    let value = value.split(';').next().unwrap_or("").trim();
    match value.split_once('/') {
        Some((t, s)) if token(t) && token(s) => value.to_ascii_lowercase(),
        _ => "application/octet-stream".to_owned(),
    }
}

impl Compose {
    /// multipart/mixed: the text (or text and HTML as alternatives), then a digest's
    /// messages, then the files.
    fn mixed(&self) -> MimePart<'_> {
        let text = MimePart::new("text/plain", BodyPart::Text(self.text.as_str().into()));
        let mut alternatives = vec![text];
        if let Some(html) = &self.html {
            alternatives.push(MimePart::new(
                "text/html",
                BodyPart::Text(html.as_str().into()),
            ));
        }
        if let Some((method, ics)) = &self.calendar {
            alternatives.push(MimePart::new(
                ContentType::new("text/calendar")
                    .attribute("method", method.as_str())
                    .attribute("charset", "utf-8"),
                BodyPart::Text(ics.as_str().into()),
            ));
        }
        let body = if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            MimePart::new("multipart/alternative", alternatives)
        };
        let mut parts = vec![body];
        if let Some((_, ics)) = &self.calendar {
            parts.push(
                MimePart::new("application/ics", BodyPart::Text(ics.as_str().into()))
                    .attachment("invite.ics"),
            );
        }
        if !self.digest.is_empty() {
            let messages = self.digest.iter().map(|m| {
                // RFC 2046 §5.1.5: in a digest, a part's default type is message/rfc822,
                // written here all the same; §5.2.1: 7bit or 8bit only.
                MimePart::new("message/rfc822", BodyPart::Binary(m.as_slice().into()))
                    .transfer_encoding(if m.is_ascii() { "7bit" } else { "8bit" })
            });
            parts.push(MimePart::new(
                "multipart/digest",
                messages.collect::<Vec<_>>(),
            ));
        }
        for a in &self.attachments {
            let part = MimePart::new(
                a.content_type.as_str(),
                BodyPart::Binary(a.content.as_slice().into()),
            )
            .attachment(one_line(&a.name));
            // RFC 2046 §5.2.1: "No encoding other than "7bit", "8bit", or "binary" is
            // permitted for the body of a "message/rfc822" entity."
            parts.push(if a.content_type == "message/rfc822" {
                part.transfer_encoding(if a.content.is_ascii() { "7bit" } else { "8bit" })
            } else {
                part
            });
        }
        MimePart::new("multipart/mixed", parts)
    }
}

/// The value of an address field holding `a`, written after `Name:` (`name_len` octets
/// and the colon): a space, the display name quoted or as RFC 2047 encoded words, the
/// address; lines folded, CRLF-terminated.
pub fn address_value(a: &NamedAddress, name_len: usize) -> Vec<u8> {
    use mail_builder::headers::Header;
    let mut out = vec![b' '];
    built(a).write_header(&mut out, name_len + 2);
    out
}

fn built(a: &NamedAddress) -> BuiltAddress<'static> {
    let name = a
        .name
        .as_deref()
        .map(one_line)
        .filter(|n| !n.trim().is_empty());
    BuiltAddress::new_address(name, a.address.to_string())
}

/// A message id without its angle brackets and without control characters.
fn bare_id(id: String) -> String {
    one_line(id.trim().trim_start_matches('<').trim_end_matches('>'))
}

/// `value` with every control character (CR and LF among them) a space, so that it
/// cannot end its header field or start another.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::ParsedMessage;

    fn addr(a: &str) -> Address {
        Address::parse(a).unwrap()
    }

    /// The header section as logical lines (folds joined).
    fn header_lines(m: &[u8]) -> Vec<String> {
        let header = String::from_utf8(ParsedMessage::parse(m).header().to_vec()).unwrap();
        header
            .replace("\r\n ", " ")
            .replace("\r\n\t", "\t")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn sample() -> Compose {
        Compose::new(
            NamedAddress {
                name: Some("Jörg\r\nBcc: evil@example.net \"Müller\"".into()),
                address: addr("joerg@example.com"),
            },
            "1@mx.example.com",
        )
        .to([
            addr("bob@example.com").into(),
            NamedAddress {
                name: Some("Cy".into()),
                address: addr("cy@example.org"),
            },
        ])
        .cc([addr("dee@example.com").into()])
        .subject("Grüße\r\nBcc: evil@example.net, and a rather long subject that must be folded somewhere")
        .date(DateTime::from_timestamp(1_795_000_000, 0).unwrap())
        .text("Hallo Bob.\r\nÄpfel.\r\n")
    }

    #[test]
    fn names_and_subjects_are_encoded_words_on_one_logical_line() {
        let m = sample().to_bytes();
        let lines = header_lines(&m);
        for l in &lines {
            assert!(l.is_ascii(), "{l}");
            assert!(!l.to_ascii_lowercase().starts_with("bcc"), "{l}");
        }
        let from = lines.iter().find(|l| l.starts_with("From: ")).unwrap();
        assert!(from.contains("=?utf-8?"), "{from}");
        assert!(from.ends_with("<joerg@example.com>"), "{from}");
        let subject = lines.iter().find(|l| l.starts_with("Subject: ")).unwrap();
        assert!(subject.contains("=?utf-8?"), "{subject}");
        // Every physical line of the header is a field or a fold of one.
        let raw = ParsedMessage::parse(&m).header().to_vec();
        for line in raw.split(|&b| b == b'\n') {
            assert!(line.is_empty() || line.ends_with(b"\r"), "bare LF");
            assert!(line.len() <= 78 + 1, "{:?}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn parsing_gives_the_fields_back() {
        let m = sample().to_bytes();
        let p = mail_parser::MessageParser::default().parse(&m).unwrap();
        assert_eq!(
            p.from().and_then(|a| a.first()).and_then(|a| a.name()),
            Some("Jörg  Bcc: evil@example.net \"Müller\"")
        );
        assert_eq!(
            p.subject(),
            Some(
                "Grüße  Bcc: evil@example.net, and a rather long subject that must be \
                 folded somewhere"
            )
        );
        let to: Vec<_> = p.to().unwrap().iter().filter_map(|a| a.address()).collect();
        assert_eq!(to, ["bob@example.com", "cy@example.org"]);
        assert_eq!(
            p.cc().unwrap().first().unwrap().address(),
            Some("dee@example.com")
        );
        assert_eq!(p.message_id(), Some("1@mx.example.com"));
        assert_eq!(p.date().unwrap().to_timestamp(), 1_795_000_000);
        assert_eq!(p.body_text(0).as_deref(), Some("Hallo Bob.\r\nÄpfel.\r\n"));
        assert!(p.header("Bcc").is_none());

        let parsed = ParsedMessage::parse(&m);
        let e = parsed.envelope();
        assert_eq!(e.from[0].mailboxes[0].local.as_deref(), Some("joerg"));
        assert_eq!(e.to[0].mailboxes[1].name.as_deref(), Some("Cy"));
        let root = parsed.tree().root.as_ref().unwrap();
        let ct = root.content_type.as_ref().unwrap();
        assert!(ct.is("text"));
        assert_eq!(
            ct.param("charset").map(str::to_ascii_lowercase).as_deref(),
            Some("utf-8")
        );
    }

    #[test]
    fn html_makes_an_alternative_and_a_bare_sender_has_no_name() {
        let m = Compose::new(addr("ann@example.com").into(), "2@x.example")
            .to([addr("bob@example.com").into()])
            .subject("Plain")
            .text("text")
            .html("<p>html</p>")
            .to_bytes();
        let lines = header_lines(&m);
        assert!(
            lines.contains(&"From: <ann@example.com>".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&"Subject: Plain".to_owned()), "{lines:?}");
        assert!(!lines.iter().any(|l| l.starts_with("Cc:")), "{lines:?}");
        let parsed = ParsedMessage::parse(&m);
        let root = parsed.tree().root.as_ref().unwrap();
        assert!(root.content_type.as_ref().unwrap().is("multipart"));
        let types: Vec<_> = root
            .children()
            .iter()
            .map(|p| p.content_type.as_ref().unwrap().subtype.clone().unwrap())
            .collect();
        assert_eq!(types, ["plain", "html"]);
    }
}
