//! [`MessageView`]: what the rules look at in a message, parsed once per message (not per
//! rule) from its raw bytes with mail-parser.
//!
//! Header fields are unfolded and their encoded-words (RFC 2047) decoded before any rule
//! sees them, and kept in lower case too so that case-insensitive comparisons cost
//! nothing per rule. The body text is not extracted here: the caller passes the function
//! that extracts it (the full-text extractor), and only a body condition calls it, once.

use std::cell::{Cell, OnceCell};

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, parsers::MessageStream};

use crate::pattern::Value;

/// A text as written and in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// As written (decoded).
    pub text: String,
    /// In lower case.
    pub lower: String,
}

impl Text {
    /// A text and its lower case.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let lower = text.to_lowercase();
        Self { text, lower }
    }

    pub(crate) fn value(&self) -> Value<'_> {
        Value {
            text: &self.text,
            lower: &self.lower,
        }
    }
}

/// One header field: its name in lower case and its decoded, unfolded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderField {
    /// The name in lower case.
    pub name: String,
    /// The value, unfolded, encoded-words decoded, surrounding white space trimmed.
    pub value: Text,
}

type BodySource<'a> = Box<dyn FnOnce() -> String + 'a>;

/// A parsed message, as the rules see it.
pub struct MessageView<'a> {
    size: u64,
    headers: Vec<HeaderField>,
    from: Vec<Text>,
    to: Vec<Text>,
    cc: Vec<Text>,
    /// Bcc and the Resent-To, -Cc, -Bcc addresses: only the vacation check looks at them.
    other_recipients: Vec<Text>,
    subject: Option<Text>,
    list_id: Vec<Text>,
    message_id: Option<String>,
    in_reply_to: Vec<String>,
    references: Vec<String>,
    attachment_names: Vec<Text>,
    has_attachment: bool,
    body_source: Cell<Option<BodySource<'a>>>,
    body: OnceCell<Text>,
}

impl std::fmt::Debug for MessageView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageView")
            .field("size", &self.size)
            .field("headers", &self.headers.len())
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl<'a> MessageView<'a> {
    /// Parses a message; a body condition gets the text of its text parts (HTML parts
    /// converted to text by mail-parser) when no better extractor is at hand.
    pub fn parse(raw: &'a [u8]) -> Self {
        Self::parse_with_body(raw, move || default_body_text(raw))
    }

    /// Parses a message's header fields and MIME structure; `body` is called at most
    /// once, by the first body condition evaluated, to extract the decoded body text.
    pub fn parse_with_body(raw: &[u8], body: impl FnOnce() -> String + 'a) -> Self {
        let mut view = MessageView {
            size: raw.len() as u64,
            headers: Vec::new(),
            from: Vec::new(),
            to: Vec::new(),
            cc: Vec::new(),
            other_recipients: Vec::new(),
            subject: None,
            list_id: Vec::new(),
            message_id: None,
            in_reply_to: Vec::new(),
            references: Vec::new(),
            attachment_names: Vec::new(),
            has_attachment: false,
            body_source: Cell::new(Some(Box::new(body))),
            body: OnceCell::new(),
        };
        let parser = MessageParser::new()
            .with_mime_headers()
            .with_address_headers()
            .with_message_ids();
        let Some(msg) = parser.parse(raw) else {
            return view;
        };
        for h in msg.headers() {
            let start = (h.offset_start as usize).min(raw.len());
            let end = (h.offset_end as usize).clamp(start, raw.len());
            let value = decode_unstructured(&raw[start..end]);
            view.headers.push(HeaderField {
                name: h.name().to_ascii_lowercase(),
                value: Text::new(value),
            });
        }
        let addrs = |a: Option<&Address<'_>>| -> Vec<Text> {
            a.map(|a| {
                a.iter()
                    .filter_map(|addr| addr.address.as_deref())
                    .map(|s| Text::new(s.trim()))
                    .collect()
            })
            .unwrap_or_default()
        };
        view.from = addrs(msg.from());
        view.to = msg.all_to().flat_map(|a| addrs(Some(a))).collect();
        view.cc = msg.all_cc().flat_map(|a| addrs(Some(a))).collect();
        view.other_recipients = msg.all_bcc().flat_map(|a| addrs(Some(a))).collect();
        for resent in [msg.resent_to(), msg.resent_cc(), msg.resent_bcc()] {
            view.other_recipients.extend(addrs(resent));
        }
        let subject = view.header("subject").next().cloned();
        view.subject = subject;
        let list_id = list_ids(view.header("list-id"));
        view.list_id = list_id;
        view.message_id = msg.message_id().map(str::to_owned);
        view.in_reply_to = ids(msg.in_reply_to());
        view.references = ids(msg.references());
        for part in msg.attachments() {
            let disposition_attachment = part
                .content_disposition()
                .is_some_and(|cd| cd.ctype().eq_ignore_ascii_case("attachment"));
            let name = part.attachment_name();
            if disposition_attachment || name.is_some() {
                view.has_attachment = true;
            }
            if let Some(name) = name {
                view.attachment_names.push(Text::new(name));
            }
        }
        view
    }

    /// The size of the raw message in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Every header field, in message order.
    pub fn headers(&self) -> &[HeaderField] {
        &self.headers
    }

    /// The decoded values of every occurrence of a header field (`name` in any case).
    pub fn header<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Text> + 's {
        self.headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| &h.value)
    }

    /// Returns `true` if and only if the message has a field of this name.
    pub fn has_header(&self, name: &str) -> bool {
        self.header(name).next().is_some()
    }

    /// The addresses of `From`.
    pub fn from(&self) -> &[Text] {
        &self.from
    }

    /// The addresses of `To`.
    pub fn to(&self) -> &[Text] {
        &self.to
    }

    /// The addresses of `Cc`.
    pub fn cc(&self) -> &[Text] {
        &self.cc
    }

    /// The addresses of `Bcc`, `Resent-To`, `Resent-Cc` and `Resent-Bcc`.
    pub fn other_recipients(&self) -> &[Text] {
        &self.other_recipients
    }

    /// The decoded subject.
    pub fn subject(&self) -> Option<&Text> {
        self.subject.as_ref()
    }

    /// The list identifiers (between `<` and `>`) and whole values of `List-Id`.
    pub fn list_id(&self) -> &[Text] {
        &self.list_id
    }

    /// The `Message-ID`, without angle brackets.
    pub fn message_id(&self) -> Option<&str> {
        self.message_id.as_deref()
    }

    /// The message ids of `In-Reply-To`, without angle brackets.
    pub fn in_reply_to(&self) -> &[String] {
        &self.in_reply_to
    }

    /// The message ids of `References`, without angle brackets.
    pub fn references(&self) -> &[String] {
        &self.references
    }

    /// The file names of the attachments.
    pub fn attachment_names(&self) -> &[Text] {
        &self.attachment_names
    }

    /// Returns `true` if and only if a part is an attachment (a `Content-Disposition` of
    /// `attachment` or a file name).
    pub fn has_attachment(&self) -> bool {
        self.has_attachment
    }

    /// The decoded body text, extracted on the first call.
    pub fn body(&self) -> &Text {
        self.body.get_or_init(|| {
            let text = self.body_source.take().map(|f| f()).unwrap_or_default();
            Text::new(text)
        })
    }

    /// Returns `true` if and only if the body text has been extracted.
    pub fn body_extracted(&self) -> bool {
        self.body.get().is_some()
    }
}

/// Unfolds a raw header value and decodes its encoded-words.
fn decode_unstructured(raw: &[u8]) -> String {
    match MessageStream::new(raw).parse_unstructured() {
        HeaderValue::Text(t) => t.trim().to_owned(),
        HeaderValue::TextList(list) => list.join(" ").trim().to_owned(),
        _ => String::from_utf8_lossy(raw)
            .replace(['\r', '\n'], "")
            .trim()
            .to_owned(),
    }
}

fn list_ids<'t>(values: impl Iterator<Item = &'t Text>) -> Vec<Text> {
    let mut out = Vec::new();
    for v in values {
        if let Some(open) = v.text.rfind('<')
            && let Some(close) = v.text[open..].find('>')
        {
            out.push(Text::new(v.text[open + 1..open + close].trim()));
        }
        out.push(v.clone());
    }
    out
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|s| s.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The text of a message's text parts, HTML converted to text, joined by blank lines.
pub fn default_body_text(raw: &[u8]) -> String {
    let Some(msg) = MessageParser::new().parse(raw) else {
        return String::new();
    };
    let mut out = String::new();
    for i in 0..msg.text_body_count() {
        if let Some(text) = msg.body_text(i) {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&text);
        }
    }
    out
}

impl MessageView<'_> {
    /// Returns `true` if and only if an `Authentication-Results` field (RFC 8601) says
    /// `dmarc=fail`. Only fields whose authserv-id is `authserv_id` count, since anyone
    /// upstream can write such a field; without one, only the topmost field counts (the
    /// one our own checks prepend).
    pub fn dmarc_failed(&self, authserv_id: Option<&str>) -> bool {
        let mut fields = self.header("authentication-results");
        match authserv_id {
            Some(id) => fields
                .filter(|f| authserv_id_of(&f.lower).eq_ignore_ascii_case(id))
                .any(|f| says_dmarc_fail(&f.lower)),
            None => fields.next().is_some_and(|f| says_dmarc_fail(&f.lower)),
        }
    }
}

/// RFC 8601 §2.2: `authres-header-field = "Authentication-Results:" authres-payload` and
/// `authres-payload = [CFWS] authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo )
/// [CFWS] CRLF`.
fn authserv_id_of(value: &str) -> &str {
    let head = value.split(';').next().unwrap_or("");
    head.split_whitespace().next().unwrap_or("")
}

fn says_dmarc_fail(lower: &str) -> bool {
    lower.split(';').skip(1).any(|resinfo| {
        let compact: String = resinfo.chars().filter(|c| !c.is_whitespace()).collect();
        compact.starts_with("dmarc=fail")
    })
}
