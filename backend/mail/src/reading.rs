//! A stored message as a person reads it: the header fields decoded (RFC 2047 words,
//! address lists), the text to show (the first text part decoded to UTF-8, or the HTML
//! part reduced to text when there is none), and the attachments with their names,
//! types and sizes; and, when asked, the HTML part made safe by [`crate::html`]. Parsing
//! is mail-parser's.

use std::collections::HashMap;

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use mail_parser::{Address, Message, MessageParser, MessagePart, MimeHeaders};

use crate::html::{SafeHtml, sanitize};
use crate::message::Skeleton;
use crate::stored::AttachmentSource;

/// The longest text returned, in bytes (cut at a character boundary).
pub const MAX_TEXT: usize = 1024 * 1024;

/// The largest `cid:` image served inline from the message, and the most of them, in
/// bytes.
const MAX_INLINE_IMAGE: usize = 2 * 1024 * 1024;
const MAX_INLINE_IMAGES: usize = 10 * 1024 * 1024;

/// What to read besides the text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The HTML part, sanitised.
    pub html: bool,
    /// Let remote images load in it.
    pub remote_images: bool,
}

/// A name and an address of an address field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: Option<String>,
    pub address: Option<String>,
}

/// One attachment, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    /// Its place among the message's attachments, from 0.
    pub index: u32,
    pub name: Option<String>,
    /// `type/subtype`.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: u64,
}

/// A message for reading.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadMessage {
    pub from: Vec<Named>,
    pub to: Vec<Named>,
    pub cc: Vec<Named>,
    /// Present in the sender's own copies (Sent, Drafts) only.
    pub bcc: Vec<Named>,
    pub reply_to: Vec<Named>,
    pub subject: Option<String>,
    pub date: Option<DateTime<Utc>>,
    pub message_id: Option<String>,
    /// The List-Id field's identifier (`<rust.lists.example>` gives `rust.lists.example`).
    pub list_id: Option<String>,
    pub text: String,
    /// Whether the text was cut at [`MAX_TEXT`].
    pub truncated: bool,
    /// Whether the message has an HTML body (the text then may be reduced from it).
    pub has_html: bool,
    /// The HTML part, made safe, when it was asked for and there is one.
    pub html: Option<SafeHtml>,
    pub attachments: Vec<AttachmentInfo>,
    /// Whether it carries a calendar scheduling object (an invitation, an answer).
    pub has_calendar: bool,
}

fn named(a: Option<&Address<'_>>) -> Vec<Named> {
    a.map(|a| {
        a.iter()
            .map(|x| Named {
                name: x.name.as_deref().map(str::to_owned),
                address: x.address.as_deref().map(str::to_owned),
            })
            .collect()
    })
    .unwrap_or_default()
}

/// `raw` for reading; a message mail-parser cannot read at all gives an empty one with
/// the raw bytes as its text (lossily), so that it still opens.
pub fn read(raw: &[u8]) -> ReadMessage {
    read_with(raw, ReadOptions::default())
}

/// [`read`], with the HTML part when `options` ask for it.
pub fn read_with(raw: &[u8], options: ReadOptions) -> ReadMessage {
    read_sized(raw, options, |_| None)
}

/// The skeleton of a large message for reading: as [`read_with`] reads the whole
/// message, with the sizes of the attachments left out as they are in the message.
pub fn read_skeleton(sk: &Skeleton, options: ReadOptions) -> ReadMessage {
    read_sized(&sk.bytes, options, |p| {
        sk.left_out_at(p.offset_body as usize).map(|l| l.size)
    })
}

/// The attachment `index` of a skeleton: decoded when its body is there, to stream when
/// it was left out.
pub fn skeleton_attachment(sk: &Skeleton, index: u32) -> Option<AttachmentSource> {
    let m = MessageParser::default().parse(&sk.bytes)?;
    let p = m.attachment(index)?;
    Some(match sk.left_out_at(p.offset_body as usize) {
        Some(body) => AttachmentSource::Streamed {
            info: AttachmentInfo {
                size: body.size,
                ..info(index, p)
            },
            body: body.clone(),
        },
        None => AttachmentSource::Whole(Attachment {
            info: info(index, p),
            content: p.contents().to_vec(),
        }),
    })
}

/// [`read_with`], an attachment's size given by `size_of` where it says.
fn read_sized(
    raw: &[u8],
    options: ReadOptions,
    size_of: impl Fn(&MessagePart<'_>) -> Option<u64>,
) -> ReadMessage {
    let Some(m) = MessageParser::default().parse(raw) else {
        let mut r = ReadMessage::default();
        cut(&mut r, String::from_utf8_lossy(raw).into_owned());
        return r;
    };
    let list_id = crate::message::field_value(
        &raw[..crate::message::header_end(raw).unwrap_or(raw.len())],
        "List-Id",
    )
    .map(|v| {
        let v = v.trim();
        match (v.rfind('<'), v.rfind('>')) {
            (Some(a), Some(b)) if a < b => v[a + 1..b].to_owned(),
            _ => v.to_owned(),
        }
    });
    let mut r = ReadMessage {
        from: named(m.from()),
        to: named(m.to()),
        cc: named(m.cc()),
        bcc: named(m.bcc()),
        reply_to: named(m.reply_to()),
        subject: m.subject().map(str::to_owned),
        date: m
            .date()
            .and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0)),
        message_id: m.message_id().map(str::to_owned),
        list_id,
        has_html: html_part(&m).is_some(),
        has_calendar: crate::scheduling::has_calendar_part(&m),
        ..ReadMessage::default()
    };
    if options.html
        && let Some(html) = html_part(&m)
    {
        let mut html = html.to_owned();
        truncate(&mut html);
        r.html = Some(sanitize(&html, inline_images(&m), options.remote_images));
    }
    cut(
        &mut r,
        m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
    );
    r.attachments = m
        .attachments()
        .enumerate()
        .map(|(i, p)| {
            let mut a = info(i as u32, p);
            if let Some(size) = size_of(p) {
                a.size = size;
            }
            a
        })
        .collect();
    r
}

/// The first HTML body part, if the message has one (mail-parser also lists a text part
/// as the HTML body of a message without HTML).
fn html_part<'a>(m: &'a Message<'_>) -> Option<&'a str> {
    m.html_part(0)
        .filter(|p| p.is_text_html())
        .and_then(MessagePart::text_contents)
}

/// The message's images by Content-ID (without `<>`, lower-case) as `data:` URIs, for
/// `cid:` references; each at most 2 MiB, 10 MiB in all.
fn inline_images(m: &Message<'_>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut total = 0;
    for p in &m.parts {
        let (Some(id), Some(ct)) = (p.content_id(), p.content_type()) else {
            continue;
        };
        let Some(sub) = ct
            .subtype()
            .filter(|_| ct.ctype().eq_ignore_ascii_case("image"))
        else {
            continue;
        };
        let data = p.contents();
        // (An image left out of a skeleton has no content here.)
        if data.is_empty()
            || data.len() > MAX_INLINE_IMAGE
            || total + data.len() > MAX_INLINE_IMAGES
        {
            continue;
        }
        total += data.len();
        let id = id.trim_matches(['<', '>']).to_ascii_lowercase();
        let uri = format!(
            "data:image/{};base64,{}",
            sub.to_ascii_lowercase(),
            STANDARD.encode(data)
        );
        out.insert(id, uri);
    }
    out
}

/// An attachment's content, decoded, for a download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub info: AttachmentInfo,
    pub content: Vec<u8>,
}

/// The attachments `indices` of `raw`, decoded, from one parse; `None` for an index the
/// message does not have.
pub fn attachments(raw: &[u8], indices: &[u32]) -> Vec<Option<Attachment>> {
    let Some(m) = MessageParser::default().parse(raw) else {
        return vec![None; indices.len()];
    };
    indices
        .iter()
        .map(|&index| {
            let p = m.attachment(index)?;
            Some(Attachment {
                info: info(index, p),
                content: p.contents().to_vec(),
            })
        })
        .collect()
}

fn info(index: u32, p: &MessagePart<'_>) -> AttachmentInfo {
    AttachmentInfo {
        index,
        name: p.attachment_name().map(str::to_owned),
        content_type: p
            .content_type()
            .map(|c| match c.subtype() {
                Some(s) => format!("{}/{}", c.ctype(), s),
                None => c.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned()),
        size: p.contents().len() as u64,
    }
}

/// Cuts `text` at [`MAX_TEXT`] bytes (on a character boundary); whether it was cut.
fn truncate(text: &mut String) -> bool {
    if text.len() <= MAX_TEXT {
        return false;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    true
}

fn cut(r: &mut ReadMessage, mut text: String) {
    r.truncated = truncate(&mut text);
    r.text = text;
}
