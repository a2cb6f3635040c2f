//! [`ParsedMessage`]: one message read once. The header section is found on creation;
//! the MIME tree and the envelope fields come from one mail-parser pass over the whole
//! message, made the first time something asks for them and kept, so that every
//! question a protocol asks about one message (IMAP FETCH's ENVELOPE, BODYSTRUCTURE,
//! sections and BINARY together) reads from the same parse.

use std::{
    cell::{Cell, OnceCell, RefCell},
    ops::Range,
};

use mail_parser::{HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType};

use super::{
    envelope::EnvelopeFields,
    header::{field_value, header_end},
    part::{ContentType, Contents, Disposition, MAX_DEPTH, MAX_PARTS, MessageTree, Part},
};

/// A message (CRLF line endings) and what has been learnt about it.
#[derive(Debug)]
pub struct ParsedMessage<'a> {
    raw: &'a [u8],
    header_end: Option<usize>,
    tree: OnceCell<MessageTree>,
    /// The envelope read from the header section alone, when it was asked for before
    /// the tree (ENVELOPE alone needs no MIME walk).
    envelope: OnceCell<EnvelopeFields>,
}

impl<'a> ParsedMessage<'a> {
    /// Reads `raw`: finds where its header section ends; the MIME structure is parsed
    /// on first use.
    pub fn parse(raw: &'a [u8]) -> Self {
        ParsedMessage {
            raw,
            header_end: header_end(raw),
            tree: OnceCell::new(),
            envelope: OnceCell::new(),
        }
    }

    /// All of the message's octets.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Where the body starts ([`header_end`]).
    pub fn header_end(&self) -> Option<usize> {
        self.header_end
    }

    /// The header section, with the empty line that ends it (all of the message when
    /// it has no empty line).
    pub fn header(&self) -> &'a [u8] {
        &self.raw[..self.header_end.unwrap_or(self.raw.len())]
    }

    /// The body (empty when the message has no empty line).
    pub fn body(&self) -> &'a [u8] {
        &self.raw[self.header_end.unwrap_or(self.raw.len())..]
    }

    /// The octets of `range` (a range of this message, as the tree gives them).
    pub fn bytes(&self, range: &Range<usize>) -> &'a [u8] {
        &self.raw[range.clone()]
    }

    /// The message's MIME tree and envelope fields (parsed now if not yet).
    pub fn tree(&self) -> &MessageTree {
        self.tree
            .get_or_init(|| build_message(self.raw, 0..self.raw.len(), 0, &Cell::new(MAX_PARTS)))
    }

    /// The envelope fields: from the tree when it has been parsed, else from the header
    /// section alone (parsed now if not yet), which costs a fraction of the MIME walk.
    pub fn envelope(&self) -> &EnvelopeFields {
        if let Some(tree) = self.tree.get() {
            return &tree.envelope;
        }
        self.envelope.get_or_init(
            || match MessageParser::default().parse_headers(self.header()) {
                Some(m) => EnvelopeFields::of(&m),
                None => EnvelopeFields::default(),
            },
        )
    }
}

#[cfg(any(test, feature = "testing"))]
thread_local! {
    static PARSES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many times mail-parser has parsed a message's MIME structure on this thread
/// (reading the header section alone, for an envelope, is not counted): tests use it to
/// show that a message is parsed once however much is asked of it.
#[cfg(any(test, feature = "testing"))]
pub fn parses_on_this_thread() -> u64 {
    PARSES.with(std::cell::Cell::get)
}

fn run_parser(bytes: &[u8]) -> Option<Message<'_>> {
    #[cfg(any(test, feature = "testing"))]
    PARSES.with(|n| n.set(n.get() + 1));
    MessageParser::default().parse(bytes)
}

/// The message at `range` of `raw`, at nesting `depth`, parsed on its own; `budget` is
/// how many more parts the whole tree may hold.
fn build_message(
    raw: &[u8],
    range: Range<usize>,
    depth: usize,
    budget: &Cell<usize>,
) -> MessageTree {
    let bytes = &raw[range.clone()];
    let split = range.start + header_end(bytes).unwrap_or(bytes.len());
    let (header, body) = (range.start..split, split..range.end);
    match run_parser(bytes) {
        Some(message) if !message.parts.is_empty() => {
            let walk = Walk::new(raw, &message, range.start, budget);
            MessageTree {
                envelope: EnvelopeFields::of(&message),
                root: Some(walk.part(0, header.clone(), body.clone(), depth)),
                header,
                body,
            }
        }
        _ => MessageTree {
            header,
            body,
            envelope: EnvelopeFields::default(),
            root: None,
        },
    }
}

/// One mail-parser pass being turned into [`Part`]s. Its offsets are relative to the
/// octets it read, which start at `base` in `raw`.
///
/// Each part of the pass becomes at most one [`Part`]: a multipart's list of children
/// comes from the parser, and on broken input it can name the multipart itself or its
/// ancestors, which, followed, would make the tree exponential in [`MAX_DEPTH`].
struct Walk<'r, 'm, 'x, 'b> {
    raw: &'r [u8],
    message: &'m Message<'x>,
    base: usize,
    /// The parts of the pass already in the tree.
    taken: RefCell<Vec<bool>>,
    /// How many more parts the whole tree may hold.
    budget: &'b Cell<usize>,
}

impl<'r, 'm, 'x, 'b> Walk<'r, 'm, 'x, 'b> {
    fn new(raw: &'r [u8], message: &'m Message<'x>, base: usize, budget: &'b Cell<usize>) -> Self {
        Walk {
            raw,
            message,
            base,
            taken: RefCell::new(vec![false; message.parts.len()]),
            budget,
        }
    }

    /// The part `id` of the pass, whose MIME header and body are at `header` and `body`.
    fn part(&self, id: usize, header: Range<usize>, body: Range<usize>, depth: usize) -> Part {
        self.taken.borrow_mut()[id] = true;
        let within_budget = self.budget.get() > 0;
        self.budget.set(self.budget.get().saturating_sub(1));
        let depth = if within_budget { depth } else { MAX_DEPTH };
        let p = &self.message.parts[id];
        let header_bytes = &self.raw[header.clone()];
        let content_type = p.content_type().map(|c| ContentType {
            media_type: c.c_type.to_string(),
            subtype: c.c_subtype.as_deref().map(str::to_owned),
            params: params(c.attributes()),
        });
        let contents = match &p.body {
            PartType::Multipart(children) if depth < MAX_DEPTH => Contents::Multipart(
                children
                    .iter()
                    .filter_map(|&c| self.child(c as usize, depth + 1))
                    .collect(),
            ),
            nested
                if depth < MAX_DEPTH
                    && !body.is_empty()
                    && content_type.as_ref().is_some_and(is_message) =>
            {
                // mail-parser read the inner message in the same pass, with offsets
                // into the same octets, unless the part had a transfer encoding
                // (which RFC 2046 §5.2.1 forbids). When it did not, or when what it
                // read overruns the part (a broken inner message can swallow the
                // enclosing boundaries), the part's octets are parsed alone.
                let same_octets = match nested {
                    PartType::Message(m)
                        if std::ptr::eq(
                            m.raw_message.as_ptr(),
                            self.message.raw_message.as_ptr(),
                        ) && self.within(m, &body) =>
                    {
                        Some(m)
                    }
                    _ => None,
                };
                Contents::Message(Box::new(match same_octets {
                    Some(m) => Walk::new(self.raw, m, self.base, self.budget)
                        .message_at(body.clone(), depth + 1),
                    None => build_message(self.raw, body.clone(), depth + 1, self.budget),
                }))
            }
            _ => Contents::Single,
        };
        Part {
            content_type,
            disposition: p.content_disposition().map(|d| Disposition {
                kind: d.c_type.to_string(),
                params: params(d.attributes()),
            }),
            language: language(p),
            content_id: field_value(header_bytes, "Content-ID"),
            description: field_value(header_bytes, "Content-Description"),
            transfer_encoding: field_value(header_bytes, "Content-Transfer-Encoding"),
            location: field_value(header_bytes, "Content-Location"),
            contents,
            header,
            body,
        }
    }

    /// The inner message of this pass (a nested pass) at `range`.
    fn message_at(&self, range: Range<usize>, depth: usize) -> MessageTree {
        if self.message.parts.is_empty() {
            return build_message(self.raw, range, depth, self.budget);
        }
        let bytes = &self.raw[range.clone()];
        let split = range.start + header_end(bytes).unwrap_or(bytes.len());
        MessageTree {
            envelope: EnvelopeFields::of(self.message),
            root: Some(self.part(0, range.start..split, split..range.end, depth)),
            header: range.start..split,
            body: split..range.end,
        }
    }

    /// Returns `true` if and only if `inner` (read in this pass) starts at the start of
    /// `range` and every part of it lies within `range`.
    fn within(&self, inner: &Message<'_>, range: &Range<usize>) -> bool {
        let starts = inner
            .parts
            .first()
            .is_some_and(|root| self.base + root.offset_header as usize == range.start);
        starts
            && inner.parts.iter().all(|p| {
                let (start, end) = (
                    self.base + p.offset_header as usize,
                    self.base + p.offset_end as usize,
                );
                range.start <= start && start <= end && end <= range.end
            })
    }

    /// Part `id` of the pass as a child of a multipart, or `None` if it is already in
    /// the tree or mail-parser's offsets for it do not make sense.
    fn child(&self, id: usize, depth: usize) -> Option<Part> {
        let child = self.message.parts.get(id)?;
        if self.taken.borrow()[id] {
            return None;
        }
        let (h, b, e) = (
            self.base + child.offset_header as usize,
            self.base + child.offset_body as usize,
            self.base + child.offset_end as usize,
        );
        // The octets of a pass end where its message ends.
        let end = self.base + self.message.raw_message.len();
        if !(h <= b && b <= e && e <= end) {
            return None;
        }
        Some(self.part(id, h..b, b..e, depth))
    }
}

/// Returns `true` if and only if `c` is message/rfc822 or message/global (a missing
/// subtype defaults to rfc822).
fn is_message(c: &ContentType) -> bool {
    c.is("message")
        && c.subtype
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("rfc822") || s.eq_ignore_ascii_case("global"))
}

fn params(a: Option<&[mail_parser::Attribute<'_>]>) -> Vec<(String, String)> {
    a.unwrap_or_default()
        .iter()
        .map(|a| (a.name.to_string(), a.value.to_string()))
        .collect()
}

fn language(p: &MessagePart<'_>) -> Vec<String> {
    match p.content_language() {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NESTED: &[u8] = b"From: a@x\r\nSubject: outer\r\n\
        Content-Type: multipart/mixed; boundary=o\r\n\r\n\
        --o\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n\
        --o\r\nContent-Type: message/rfc822\r\n\r\n\
        From: Bob <b@y>\r\nTo: team: c@z, d@w;\r\nSubject: inner\r\n\
        Content-Type: multipart/alternative; boundary=i\r\n\r\n\
        --i\r\nContent-Type: text/plain\r\n\r\ninner text\r\n\
        --i\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\nPGI+aGk8L2I+\r\n\
        --i--\r\n--o--\r\n";

    #[test]
    fn the_tree_holds_nested_messages_from_one_parse() {
        let before = parses_on_this_thread();
        let msg = ParsedMessage::parse(NESTED);
        assert_eq!(parses_on_this_thread(), before, "the header needs no parse");
        assert!(msg.header().ends_with(b"boundary=o\r\n\r\n"));
        let tree = msg.tree();
        assert_eq!(tree.envelope.subject.as_deref(), Some("outer"));
        let root = tree.root.as_ref().unwrap();
        let [text, attached] = root.children() else {
            panic!("two parts expected: {root:?}");
        };
        assert_eq!(msg.bytes(&text.body), b"hello");
        assert_eq!(
            text.content_type.as_ref().unwrap().param("charset"),
            Some("utf-8")
        );
        let Contents::Message(inner) = &attached.contents else {
            panic!("a message expected: {attached:?}");
        };
        assert_eq!(inner.envelope.subject.as_deref(), Some("inner"));
        let team = &inner.envelope.to[0];
        assert_eq!(team.name.as_deref(), Some("team"));
        assert_eq!(team.mailboxes.len(), 2);
        assert_eq!(team.mailboxes[1].domain.as_deref(), Some("w"));
        assert!(msg.bytes(&inner.header).starts_with(b"From: Bob"));
        let html = &inner.root.as_ref().unwrap().children()[1];
        assert_eq!(
            &*decode_transfer_of(&msg, html),
            b"<b>hi</b>",
            "the part's content, decoded"
        );
        msg.envelope();
        assert_eq!(parses_on_this_thread(), before + 1);
    }

    fn decode_transfer_of<'a>(msg: &ParsedMessage<'a>, p: &Part) -> std::borrow::Cow<'a, [u8]> {
        super::super::decode_transfer(p.transfer_encoding.as_deref(), msg.bytes(&p.body)).unwrap()
    }

    #[test]
    fn an_encoded_inner_message_is_parsed_from_its_own_octets() {
        // RFC 2046 §5.2.1 forbids it; the inner message is then the encoded octets.
        let m = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
            Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n\
            U3ViamVjdDogaW4NCg0KYm9keQ0K\r\n--b--\r\n";
        let before = parses_on_this_thread();
        let msg = ParsedMessage::parse(m);
        let attached = &msg.tree().root.as_ref().unwrap().children()[0];
        let Contents::Message(inner) = &attached.contents else {
            panic!("a message expected: {attached:?}");
        };
        assert_eq!(msg.bytes(&inner.header), b"U3ViamVjdDogaW4NCg0KYm9keQ0K");
        assert_eq!(inner.envelope.subject, None, "not decoded");
        assert_eq!(parses_on_this_thread(), before + 2);
    }

    #[test]
    fn the_envelope_alone_reads_only_the_header_and_matches_the_trees() {
        let before = parses_on_this_thread();
        let alone = ParsedMessage::parse(NESTED);
        let envelope = alone.envelope().clone();
        assert_eq!(
            parses_on_this_thread(),
            before,
            "no MIME walk for the envelope"
        );
        assert_eq!(envelope.subject.as_deref(), Some("outer"));
        let walked = ParsedMessage::parse(NESTED);
        assert_eq!(&walked.tree().envelope, &envelope);
        assert_eq!(
            walked.envelope(),
            &envelope,
            "from the tree once it is there"
        );
    }

    #[test]
    fn unparseable_and_headerless_messages() {
        let msg = ParsedMessage::parse(b"\r\nbody only\r\n");
        assert_eq!(msg.header(), b"\r\n");
        assert_eq!(msg.body(), b"body only\r\n");
        let msg = ParsedMessage::parse(b"");
        assert_eq!(msg.tree().root, None);
        assert_eq!(msg.envelope(), &EnvelopeFields::default());
    }

    #[test]
    fn nesting_stops_at_the_limit() {
        let mut m = String::new();
        for i in 0..MAX_DEPTH + 8 {
            m.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n"
            ));
        }
        m.push_str("Content-Type: text/plain\r\n\r\nleaf\r\n");
        for i in (0..MAX_DEPTH + 8).rev() {
            m.push_str(&format!("--b{i}--\r\n"));
        }
        let msg = ParsedMessage::parse(m.as_bytes());
        let mut part = msg.tree().root.as_ref().unwrap();
        let mut depth = 0;
        while let [only] = part.children() {
            part = only;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
        assert_eq!(part.contents, Contents::Single);
    }

    fn parts_in(tree: &MessageTree) -> usize {
        tree.root.as_ref().map_or(0, parts_under)
    }

    fn parts_under(part: &Part) -> usize {
        1 + match &part.contents {
            Contents::Multipart(children) => children.iter().map(parts_under).sum(),
            Contents::Message(inner) => parts_in(inner),
            Contents::Single => 0,
        }
    }

    #[test]
    fn a_multipart_that_names_itself_as_a_child_is_walked_once() {
        // A fuzzer's find: on these octets mail-parser lists part 1 as a child of
        // itself (and part 0 as its child too). Followed, every level doubled the tree
        // down to MAX_DEPTH, some 2^32 parts, and the process ran out of memory.
        let raw = include_bytes!("../../../fuzz/seeds/message/multipart-cycle");
        let parser_parts = MessageParser::default().parse(&raw[..]).unwrap().parts;
        assert!(matches!(&parser_parts[1].body, PartType::Multipart(c) if c.contains(&1)));
        let msg = ParsedMessage::parse(raw);
        let n = parts_in(msg.tree());
        assert!(
            n <= parser_parts.len(),
            "{n} parts from {}",
            parser_parts.len()
        );
    }

    #[test]
    fn the_tree_stops_growing_at_the_part_limit() {
        // Each child a multipart of one text part: 2 parts per child.
        let children = MAX_PARTS / 2 + 10;
        let mut m = String::from("Content-Type: multipart/mixed; boundary=o\r\n\r\n");
        for _ in 0..children {
            m.push_str("--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n");
            m.push_str("--i\r\n\r\nx\r\n--i--\r\n");
        }
        m.push_str("--o--\r\n");
        let msg = ParsedMessage::parse(m.as_bytes());
        let root = msg.tree().root.as_ref().unwrap();
        let kids = root.children();
        assert_eq!(kids.len(), children);
        // Parts are counted in document order: the root, then each child and its text,
        // so child k (from 1) is the part at index 2k - 1, opened while that is below
        // MAX_PARTS.
        let opened = kids
            .iter()
            .filter(|k| matches!(k.contents, Contents::Multipart(_)))
            .count();
        assert_eq!(opened, MAX_PARTS / 2);
        assert!(parts_in(msg.tree()) <= MAX_PARTS + children);
    }
}
