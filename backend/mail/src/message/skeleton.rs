//! A large message read without holding it: its skeleton is the message with the body of
//! each large non-text leaf part left out (the part's header fields and the MIME
//! boundaries stay), read a line at a time from the blob, and a list of where each
//! left-out body lies in the message. A parse of the skeleton finds the same parts, in
//! the same order, as a parse of the whole message (RFC 2046 §5.1.1: the structure is
//! in the header fields and the boundary delimiters); the bodies left out are streamed
//! from the blob when they are downloaded.

use mail_parser::{MessageParser, MimeHeaders};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use super::header::field_value;

/// A leaf part whose encoded body grows beyond this is left out of the skeleton, unless
/// it is text (shown to the reader) or a message (parsed as one).
pub const LEAVE_OUT_ABOVE: usize = 256 * 1024;
/// An image is kept up to this (encoded), so that one shown in the message's HTML
/// (`cid:`, up to 2 MiB decoded) still is.
const IMAGES_LEAVE_OUT_ABOVE: usize = 3 * 1024 * 1024;
/// The first bytes of a line kept to recognise a boundary delimiter (at most 70
/// characters of boundary, RFC 2046 §5.1.1, with its dashes and white space).
const LINE_HEAD: usize = 256;
/// The most of one part's header section kept (the rest of a longer one is dropped).
const MAX_HEADER: usize = 256 * 1024;

/// A body's Content-Transfer-Encoding, as far as a download decodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferEncoding {
    Base64,
    QuotedPrintable,
    /// 7bit, 8bit, binary or unknown: the octets as they are.
    Identity,
}

/// A body left out of the skeleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// Where the body would start in the skeleton (its part's body offset there).
    pub at: usize,
    /// Its octets in the message, `start..end` (without the line break that belongs to
    /// the next boundary delimiter).
    pub start: u64,
    pub end: u64,
    pub encoding: TransferEncoding,
    /// Its size decoded: for base64, three octets for each four characters of the
    /// alphabet; otherwise its length.
    pub size: u64,
}

/// A message with its large bodies left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skeleton {
    pub bytes: Vec<u8>,
    pub left_out: Vec<LeftOut>,
}

impl Skeleton {
    /// The body left out of the part whose body starts at `at` in the skeleton.
    pub fn left_out_at(&self, at: usize) -> Option<&LeftOut> {
        self.left_out.iter().find(|l| l.at == at)
    }
}

/// What a part's header section says about its body.
enum Body {
    Multipart(Vec<u8>),
    Kept,
    /// Left out above this many octets.
    Leaf(TransferEncoding, usize),
}

fn classify(header: &[u8]) -> Body {
    let parsed = MessageParser::default().parse_headers(header);
    let ct = parsed.as_ref().and_then(|m| m.content_type());
    match ct {
        Some(ct) if ct.ctype().eq_ignore_ascii_case("multipart") => {
            match ct.attribute("boundary").filter(|b| !b.is_empty()) {
                Some(b) => Body::Multipart(b.as_bytes().to_vec()),
                None => Body::Kept,
            }
        }
        Some(ct)
            if !ct.ctype().eq_ignore_ascii_case("text")
                && !ct.ctype().eq_ignore_ascii_case("message") =>
        {
            let cte = field_value(header, "Content-Transfer-Encoding")
                .map(|v| v.trim().to_ascii_lowercase())
                .unwrap_or_default();
            let encoding = match cte.as_str() {
                "base64" => TransferEncoding::Base64,
                "quoted-printable" => TransferEncoding::QuotedPrintable,
                _ => TransferEncoding::Identity,
            };
            let limit = if ct.ctype().eq_ignore_ascii_case("image") {
                IMAGES_LEAVE_OUT_ABOVE
            } else {
                LEAVE_OUT_ABOVE
            };
            Body::Leaf(encoding, limit)
        }
        _ => Body::Kept,
    }
}

/// The characters of the base64 alphabet in `bytes` (counted in runs of 255 without
/// branches, which the compiler turns into vector code).
fn base64_chars(bytes: &[u8]) -> u64 {
    bytes
        .chunks(255)
        .map(|run| {
            let n: u8 = run
                .iter()
                .map(|&b| {
                    u8::from(
                        b.is_ascii_uppercase()
                            | b.is_ascii_lowercase()
                            | b.is_ascii_digit()
                            | (b == b'+')
                            | (b == b'/'),
                    )
                })
                .sum();
            u64::from(n)
        })
        .sum()
}

/// Whether `head` (a line's start) is a delimiter of one of the open multiparts `open`
/// (innermost last): the index of that multipart, and whether it closes it.
fn delimiter(head: &[u8], open: &[Vec<u8>]) -> Option<(usize, bool)> {
    let rest = head.strip_prefix(b"--")?;
    open.iter().enumerate().rev().find_map(|(i, b)| {
        let after = rest.strip_prefix(b.as_slice())?;
        let (close, after) = match after.strip_prefix(b"--") {
            Some(a) => (true, a),
            None => (false, after),
        };
        after
            .iter()
            .all(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
            .then_some((i, close))
    })
}

/// Lines of the message, with their offsets.
struct Lines<R> {
    r: R,
    offset: u64,
    /// [`pass`](Self::pass) stopped inside a line: the next line read is its rest.
    mid_line: bool,
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    /// Reads a line (through its LF, or to the end of the message): its first
    /// [`LINE_HEAD`] octets into `head`, all of it onto `keep` when given, and otherwise
    /// its base64 characters counted in `count`. Its length (0 at the end) and the line
    /// break that ends it (CRLF, LF or none).
    async fn next(
        &mut self,
        head: &mut Vec<u8>,
        mut keep: Option<&mut Vec<u8>>,
        count: &mut u64,
    ) -> std::io::Result<(usize, &'static [u8])> {
        head.clear();
        let mut n = 0;
        let mut tail = [0u8; 2];
        loop {
            let buf = self.r.fill_buf().await?;
            if buf.is_empty() {
                break;
            }
            let (len, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            let chunk = &buf[..len];
            let room = LINE_HEAD.saturating_sub(head.len());
            head.extend_from_slice(&chunk[..len.min(room)]);
            match keep.as_deref_mut() {
                Some(k) => k.extend_from_slice(chunk),
                None => *count += base64_chars(chunk),
            }
            tail = if len >= 2 {
                [chunk[len - 2], chunk[len - 1]]
            } else {
                [tail[1], chunk[0]]
            };
            self.r.consume(len);
            n += len;
            if done {
                break;
            }
        }
        self.offset += n as u64;
        self.mid_line = false;
        Ok((n, line_break(tail)))
    }

    /// Passes over the lines of a body being left out up to the next that starts with
    /// `--` (a delimiter, perhaps), counting their base64 characters: a search for
    /// `\n--` rather than a line at a time. Called at the start of a line; returns the
    /// line break of the last line passed, if it passed any.
    async fn pass(&mut self, count: &mut u64) -> std::io::Result<Option<&'static [u8]>> {
        let mut brk = None;
        loop {
            let buf = self.r.fill_buf().await?;
            // Too little to tell, or a line that starts with dashes: `next` reads it.
            if buf.len() < 3 || buf.starts_with(b"--") {
                return Ok(brk);
            }
            let (len, found) = match memchr::memmem::find(buf, b"\n--") {
                Some(i) => (i + 1, true),
                // Keep the last two octets: they may begin `\n--`.
                None => (buf.len() - 2, false),
            };
            let passed = &buf[..len];
            *count += base64_chars(passed);
            let tail = match len {
                0 => [0, 0],
                1 => [0, passed[0]],
                _ => [passed[len - 2], passed[len - 1]],
            };
            if found {
                brk = Some(line_break(tail));
            }
            self.r.consume(len);
            self.offset += len as u64;
            if found {
                self.mid_line = false;
                return Ok(brk);
            }
            if len > 0 {
                // The line passed may go on in the next buffer.
                self.mid_line = tail[1] != b'\n';
                brk = (!self.mid_line).then(|| line_break(tail));
            }
        }
    }
}

fn line_break(tail: [u8; 2]) -> &'static [u8] {
    match tail {
        [b'\r', b'\n'] => b"\r\n",
        [_, b'\n'] => b"\n",
        _ => b"",
    }
}

/// Reads the message from `reader` into its skeleton.
pub async fn skeleton<R: AsyncBufRead + Unpin>(reader: R) -> std::io::Result<Skeleton> {
    let mut lines = Lines {
        r: reader,
        offset: 0,
        mid_line: false,
    };
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    let mut open: Vec<Vec<u8>> = Vec::new();
    let mut head = Vec::with_capacity(LINE_HEAD);
    let mut ignored = 0u64;
    'entity: loop {
        // The header section, through its empty line.
        let header_start = out.len();
        loop {
            let long = out.len() - header_start >= MAX_HEADER;
            let keep = (!long).then_some(&mut out);
            let (n, _) = lines.next(&mut head, keep, &mut ignored).await?;
            if n == 0 {
                break 'entity;
            }
            if head == b"\r\n" || head == b"\n" {
                if long {
                    out.extend_from_slice(&head);
                }
                break;
            }
        }
        let mut leaf = match classify(&out[header_start..]) {
            Body::Multipart(b) => {
                open.push(b);
                None
            }
            Body::Kept => None,
            Body::Leaf(e, limit) => Some((e, limit)),
        };
        // The body, up to the next delimiter of an open multipart.
        let (body_at, body_start) = (out.len(), lines.offset);
        let mut leaving: Option<TransferEncoding> = None;
        // The base64 characters of the body being left out.
        let mut chars = 0u64;
        let mut last_break: &'static [u8] = b"";
        loop {
            if leaving.is_some() {
                let mut counted = 0;
                if let Some(brk) = lines.pass(&mut counted).await? {
                    last_break = brk;
                }
                chars += counted;
            }
            let line_start = lines.offset;
            let at_start = !lines.mid_line;
            let mut counted = 0;
            let keep = leaving.is_none().then_some(&mut out);
            let (n, brk) = lines.next(&mut head, keep, &mut counted).await?;
            if n == 0 {
                if let Some(e) = leaving {
                    left_out.push(left(body_at, body_start, lines.offset, e, chars));
                }
                break 'entity;
            }
            if at_start
                && n <= LINE_HEAD
                && let Some((i, close)) = delimiter(&head, &open)
            {
                if let Some(e) = leaving.take() {
                    let end = line_start - last_break.len() as u64;
                    left_out.push(left(body_at, body_start, end, e, chars));
                    out.extend_from_slice(last_break);
                    out.extend_from_slice(&head);
                }
                open.truncate(i + 1);
                if close {
                    open.pop();
                    // The epilogue: kept, up to a delimiter of an outer multipart.
                    leaf = None;
                    continue;
                }
                continue 'entity;
            }
            chars += counted;
            last_break = brk;
            if leaving.is_none()
                && let Some((e, limit)) = leaf
                && out.len() - body_at > limit
            {
                // Too large to keep: what was kept of it goes, the rest is not read in.
                chars = base64_chars(&out[body_at..]);
                out.truncate(body_at);
                leaving = Some(e);
            }
        }
    }
    Ok(Skeleton {
        bytes: out,
        left_out,
    })
}

fn left(at: usize, start: u64, end: u64, encoding: TransferEncoding, chars: u64) -> LeftOut {
    let end = end.max(start);
    LeftOut {
        at,
        start,
        end,
        encoding,
        size: match encoding {
            TransferEncoding::Base64 => chars * 3 / 4,
            _ => end - start,
        },
    }
}

#[cfg(test)]
mod tests {
    use base64::{Engine, engine::general_purpose::STANDARD};
    use mail_parser::MessageParser;

    use super::*;
    use crate::stored::Decoder;

    fn base64_lines(data: &[u8], eol: &str) -> String {
        STANDARD
            .encode(data)
            .as_bytes()
            .chunks(76)
            .map(|l| format!("{}{eol}", std::str::from_utf8(l).unwrap()))
            .collect()
    }

    /// A message with a text part, an HTML alternative, a large PDF, a small image and a
    /// large file in quoted-printable, nested two deep, with a preamble and epilogues.
    fn message(big: usize, eol: &str) -> (Vec<u8>, Vec<u8>) {
        let pdf: Vec<u8> = (0..big).map(|i| (i * 31 % 256) as u8).collect();
        let qp_file = "line of text with a sign=3D\n".repeat(big / 25);
        let m = format!(
            "From: a@example.com\nTo: b@example.com\nSubject: Big\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=\"outer\"\n\nThis is a preamble.\n\
             --outer\nContent-Type: multipart/alternative; boundary=inner\n\n\
             --inner\nContent-Type: text/plain\n\nHello there.\n\
             --inner\nContent-Type: text/html\n\n<p>Hello there.</p>\n--inner--\n\
             inner epilogue\n\
             --outer\nContent-Type: application/pdf; name=\"big.pdf\"\n\
             Content-Disposition: attachment; filename=\"big.pdf\"\n\
             Content-Transfer-Encoding: base64\n\n{}\
             --outer\nContent-Type: image/png; name=\"dot.png\"\n\
             Content-Transfer-Encoding: base64\n\n{}\
             --outer\nContent-Type: application/octet-stream; name=\"notes.bin\"\n\
             Content-Transfer-Encoding: quoted-printable\n\n{qp_file}\
             --outer--\nouter epilogue\n",
            base64_lines(&pdf, "\n"),
            base64_lines(b"\x89PNG dot", "\n"),
        )
        .replace('\n', eol);
        (m.into_bytes(), pdf)
    }

    async fn of(raw: &[u8]) -> Skeleton {
        skeleton(raw).await.unwrap()
    }

    #[tokio::test]
    async fn a_small_message_is_its_own_skeleton() {
        let (raw, _) = message(1000, "\r\n");
        let sk = of(&raw).await;
        assert!(sk.left_out.is_empty());
        assert_eq!(sk.bytes, raw);
    }

    #[tokio::test]
    async fn large_bodies_are_left_out_and_the_parts_stay_the_same() {
        for eol in ["\r\n", "\n"] {
            let (raw, pdf) = message(LEAVE_OUT_ABOVE + 1000, eol);
            let sk = of(&raw).await;
            assert_eq!(sk.left_out.len(), 2, "the PDF and the file");
            assert!(sk.bytes.len() < 10_000, "{} bytes kept", sk.bytes.len());
            let whole = MessageParser::default().parse(&raw[..]).unwrap();
            let part = MessageParser::default().parse(&sk.bytes[..]).unwrap();
            // RFC 2046 §5.1.1: the same parts, in the same order, with the same fields.
            let names = |m: &mail_parser::Message<'_>| -> Vec<Option<String>> {
                m.attachments()
                    .map(|a| a.attachment_name().map(str::to_owned))
                    .collect()
            };
            assert_eq!(names(&whole), names(&part));
            assert_eq!(part.body_text(0), whole.body_text(0));
            assert_eq!(part.body_html(0), whole.body_html(0));
            // Each left-out body is where its part's body starts in the skeleton, and
            // decodes from the message's bytes to what a whole parse decodes.
            for i in [0, 2] {
                let p = part.attachment(i).unwrap();
                let l = sk.left_out_at(p.offset_body as usize).expect("left out");
                let mut d = Decoder::new(l.encoding);
                let mut got = d.push(&raw[l.start as usize..l.end as usize]);
                got.extend(d.finish());
                if i == 0 {
                    assert_eq!(got, pdf, "{eol:?}");
                }
                assert_eq!(
                    got.as_slice(),
                    whole.attachment(i).unwrap().contents(),
                    "attachment {i}"
                );
                if l.encoding == TransferEncoding::Base64 {
                    assert_eq!(l.size, got.len() as u64);
                }
            }
            assert!(
                sk.left_out_at(part.attachment(1).unwrap().offset_body as usize)
                    .is_none(),
                "the small image stays"
            );
            // Read a few octets at a time, lines and `\n--` span the reads.
            for capacity in [3, 5, 77, 4096] {
                let small = skeleton(tokio::io::BufReader::with_capacity(capacity, &raw[..]))
                    .await
                    .unwrap();
                assert_eq!(small, sk, "reads of {capacity} octets, {eol:?}");
            }
        }
    }

    #[tokio::test]
    async fn a_single_part_message_and_one_without_its_closing_delimiter() {
        let data = vec![7u8; LEAVE_OUT_ABOVE + 10];
        let raw = format!(
            "Subject: x\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
            base64_lines(&data, "\r\n")
        );
        let sk = of(raw.as_bytes()).await;
        assert_eq!(sk.left_out.len(), 1);
        let l = &sk.left_out[0];
        assert_eq!(l.size, data.len() as u64);
        assert_eq!(l.end as usize, raw.len());
        let cut = format!(
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
             Content-Type: application/zip\r\n\r\n{}",
            "z".repeat(LEAVE_OUT_ABOVE + 5)
        );
        let sk = of(cut.as_bytes()).await;
        assert_eq!(sk.left_out.len(), 1);
        assert_eq!(sk.left_out[0].size, LEAVE_OUT_ABOVE as u64 + 5);
    }
}
