//! The MIME tree of a message as plain data (RFC 2045, RFC 2046): each part with its
//! header and body as ranges of the message's octets, its Content-* fields, and what it
//! holds — parts of a multipart, or a message of its own in a message/rfc822 part.
//! Built by [`ParsedMessage`](super::ParsedMessage); protocols describe it in their
//! own terms (IMAP's BODYSTRUCTURE), and nothing here knows their wire forms.

use std::ops::Range;

use super::envelope::EnvelopeFields;

/// Nesting depth past which parts are not looked into (their contents are
/// [`Contents::Single`]), so that a hostile message cannot make the tree arbitrarily
/// deep. Each multipart and each message/rfc822 part counts one level.
pub const MAX_DEPTH: usize = 32;

/// Number of parts, all levels together, past which parts are not looked into (their
/// contents are [`Contents::Single`]), so that the tree of any message is built in time
/// and memory bounded by this number and [`MAX_DEPTH`].
pub const MAX_PARTS: usize = 10_000;

/// A message: the top-level one, or one inside a message/rfc822 part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageTree {
    /// Its header section, with the empty line that ends it.
    pub header: Range<usize>,
    /// Its body.
    pub body: Range<usize>,
    pub envelope: EnvelopeFields,
    /// Its MIME structure, whose header and body are the message's own; `None` if the
    /// octets do not parse as a message (no header field at all).
    pub root: Option<Part>,
}

/// One MIME part. Field values are as written, unfolded and trimmed; the defaults of
/// RFC 2045 (text/plain, us-ascii, 7bit) are left to the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its MIME header, with the empty line.
    pub header: Range<usize>,
    /// Its content, still transfer-encoded.
    pub body: Range<usize>,
    /// Content-Type, RFC 2045 §5; `None` without one.
    pub content_type: Option<ContentType>,
    /// Content-Disposition, RFC 2183.
    pub disposition: Option<Disposition>,
    /// Content-Language, RFC 3282.
    pub language: Vec<String>,
    pub content_id: Option<String>,
    pub description: Option<String>,
    /// Content-Transfer-Encoding, RFC 2045 §6.
    pub transfer_encoding: Option<String>,
    /// Content-Location, RFC 2557.
    pub location: Option<String>,
    pub contents: Contents,
}

/// What a part holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// The parts of a multipart, in order (a multipart whose boundary is missing or not
    /// found, or past [`MAX_DEPTH`], is [`Contents::Single`]).
    Multipart(Vec<Part>),
    /// The message in a message/rfc822 or message/global part (RFC 2046 §5.2.1,
    /// RFC 6532 §3.7) with a non-empty body.
    Message(Box<MessageTree>),
    /// Anything else: the body is the content.
    Single,
}

/// A Content-Type field: the media type (as mail-parser gives it, lower case), the
/// subtype as written, and the parameters with their names and values as written
/// (RFC 2231 continuations joined).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    pub media_type: String,
    pub subtype: Option<String>,
    pub params: Vec<(String, String)>,
}

/// A Content-Disposition field (RFC 2183): its type and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposition {
    pub kind: String,
    pub params: Vec<(String, String)>,
}

impl ContentType {
    /// Returns `true` if and only if the media type is `media_type` (ASCII
    /// case-insensitive).
    pub fn is(&self, media_type: &str) -> bool {
        self.media_type.eq_ignore_ascii_case(media_type)
    }

    /// The value of the parameter `name` (ASCII case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Part {
    /// The parts of a multipart; empty for any other part.
    pub fn children(&self) -> &[Part] {
        match &self.contents {
            Contents::Multipart(parts) => parts,
            _ => &[],
        }
    }
}
