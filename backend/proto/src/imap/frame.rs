//! Command framing: assembling one command from its lines and literals, RFC 9051 §2.2,
//! §4.3 and §7.5 (literals and continuation requests), LITERAL+/LITERAL- (RFC 7888) and
//! literal8 (RFC 3516 §4.4), under explicit [`Limits`].
//!
//! Owns the decision of what the session reads next and whether it must send `+` first;
//! not the reading itself (no I/O), nor the grammar (see `parse`).

use super::types::{Tag, is_astring_char};

/// The size limits of one command. Every limit answers "too big" before the bytes
/// are read, so a client can be refused before it uploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Longest line, CRLF included. Default 8 KiB.
    pub max_line: usize,
    /// Longest command, lines and literals together but not APPEND message literals.
    /// Default 64 KiB.
    pub max_command: usize,
    /// Largest literal other than an APPEND message. Default 64 KiB.
    pub max_literal: u64,
    /// Largest APPEND message literal; the session sets it from its APPENDLIMIT
    /// (RFC 7889). Default 64 MiB.
    pub max_append_literal: u64,
    /// Largest total of the message literals of one APPEND (several with MULTIAPPEND,
    /// RFC 3502), which are held in memory until the command is complete. Default
    /// 128 MiB.
    pub max_append_total: u64,
    /// Largest non-synchronising literal (`{n+}`) outside APPEND: 4096 with LITERAL-
    /// (RFC 7888 §4), the default; up to `max_literal` with LITERAL+ (§3).
    pub max_nonsync_literal: u64,
    /// Deepest nesting of parenthesised lists and of NOT/OR in search keys. Default 16.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_line: 8 * 1024,
            max_command: 64 * 1024,
            max_literal: 64 * 1024,
            max_append_literal: 64 * 1024 * 1024,
            max_append_total: 128 * 1024 * 1024,
            max_nonsync_literal: 4096,
            max_depth: 16,
        }
    }
}

/// What the session does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// The command is complete: hand the bytes to [`super::parse_command_with`], then
    /// read the next line.
    Command(Vec<u8>),
    /// A literal of `size` bytes comes next. If `sync`, send a continuation request
    /// (`+ ...`) first; then feed exactly `size` bytes to [`Framer::push_literal`],
    /// then the next line to [`Framer::push_line`].
    Literal {
        size: u64,
        sync: bool,
        /// `~{n}`, RFC 3516 §4.4.
        binary: bool,
        /// The literal is an APPEND message (limited by `max_append_literal`).
        append: bool,
    },
}

/// Why a command was refused while framing. The framer has reset itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    /// The command's tag, if the first line had a valid one.
    pub tag: Option<Tag>,
    pub kind: FrameErrorKind,
    /// Bytes the framer will not frame are on their way: see [`FrameError::must_close`].
    close: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameErrorKind {
    /// A line exceeded `max_line`. Answer `BAD` (tagged if the tag is known) and read
    /// the next command: the session has read the line to its end (see
    /// [`Framer::line_too_long`]). Close only if the line announced a
    /// non-synchronising literal, whose bytes are on their way.
    LineTooLong,
    /// The command exceeded `max_command`. Answer `BAD`; close if the line announced a
    /// non-synchronising literal (its bytes are coming).
    CommandTooLong,
    /// An announced literal exceeds its limit.
    ///
    /// Synchronising: the client waits for `+`, so answer `tag NO [TOOBIG]` for an
    /// APPEND message (RFC 9051 §6.3.12, RFC 7889 §4) or `tag BAD [TOOBIG]` otherwise,
    /// and carry on: the literal never comes.
    ///
    /// Non-synchronising (RFC 7888 §4): the bytes are already on their way. Osprey's
    /// choice is to answer `tag BAD [TOOBIG]` (or `NO [TOOBIG]` for APPEND), send
    /// `* BYE [TOOBIG]` and close the connection, rather than read and discard an
    /// amount of data the client chose; [`FrameError::must_close`] says so.
    LiteralTooBig { size: u64, sync: bool, append: bool },
    /// An APPEND message literal would take the command's messages over
    /// `max_append_total`: answer `tag NO [LIMIT]` (RFC 5530 §3); as with
    /// `LiteralTooBig`, close if its bytes are already on their way.
    AppendsTooBig { total: u64, sync: bool },
    /// More literal bytes were pushed than announced, or a line while a literal was
    /// expected: a session bug. Answer `BAD` and close.
    OutOfOrder,
}

impl FrameError {
    /// Returns `true` if and only if the session must close the connection after
    /// answering (with `* BYE`): a line too long, a framing bug, or a refused command
    /// whose non-synchronising literal is already being sent. Reading such bytes as
    /// commands would let literal data (a message, say) be executed as commands.
    pub fn must_close(&self) -> bool {
        self.close
    }

    /// Returns `true` if and only if the answer is `NO` (`[TOOBIG]` or `[LIMIT]`) rather
    /// than `BAD`.
    pub fn is_append_too_big(&self) -> bool {
        matches!(
            self.kind,
            FrameErrorKind::LiteralTooBig { append: true, .. }
                | FrameErrorKind::AppendsTooBig { .. }
        )
    }

    /// A short human text for the answer.
    pub fn message(&self) -> &'static str {
        match self.kind {
            FrameErrorKind::LineTooLong => "line too long",
            FrameErrorKind::CommandTooLong => "command too long",
            FrameErrorKind::LiteralTooBig { append: true, .. } => "message too big",
            FrameErrorKind::LiteralTooBig { .. } => "literal too big",
            FrameErrorKind::AppendsTooBig { .. } => "messages too big together",
            FrameErrorKind::OutOfOrder => "framing error",
        }
    }
}

/// Assembles one command at a time. The buffer keeps every line's text and, after a
/// line ending in a literal announcement, the CRLF and the literal's bytes, so the
/// parser sees `{n}\r\n` + n bytes; the final CRLF is dropped. Bare LF line ends are
/// accepted and become CRLF.
#[derive(Debug, Clone)]
pub struct Framer {
    limits: Limits,
    buf: Vec<u8>,
    /// Bytes of the command that count against `max_command`.
    counted: usize,
    /// Bytes of APPEND message literals in the command, against `max_append_total`.
    appended: u64,
    /// Bytes still expected for the current literal.
    literal_left: u64,
    /// Lines seen in this command.
    lines: usize,
    append: bool,
    /// The tag of the first line, for errors.
    tag: Option<Tag>,
}

impl Framer {
    pub fn new(limits: Limits) -> Framer {
        Framer {
            limits,
            buf: Vec::new(),
            counted: 0,
            appended: 0,
            literal_left: 0,
            lines: 0,
            append: false,
            tag: None,
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// For the session to change limits between commands (e.g. the APPEND limit after
    /// login).
    pub fn limits_mut(&mut self) -> &mut Limits {
        &mut self.limits
    }

    /// Drops any partly assembled command.
    pub fn reset(&mut self) {
        self.buf.clear();
        self.counted = 0;
        self.appended = 0;
        self.literal_left = 0;
        self.lines = 0;
        self.append = false;
        self.tag = None;
    }

    /// Returns `true` if and only if a command is partly assembled.
    pub fn in_command(&self) -> bool {
        self.lines > 0
    }

    /// The bytes still expected for the current literal (0 when a line is expected).
    pub fn literal_remaining(&self) -> u64 {
        self.literal_left
    }

    fn fail(&mut self, kind: FrameErrorKind, nonsync_follows: bool) -> FrameError {
        let tag = self.tag.take();
        self.reset();
        let close = nonsync_follows || kind == FrameErrorKind::OutOfOrder;
        FrameError { tag, kind, close }
    }

    /// Feeds one line as read from the client, with its CRLF (or bare LF, or none at
    /// the end of input).
    pub fn push_line(&mut self, line: &[u8]) -> Result<Frame, FrameError> {
        if self.literal_left > 0 {
            return Err(self.fail(FrameErrorKind::OutOfOrder, false));
        }
        let first = self.lines == 0;
        self.lines += 1;
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if first {
            self.tag = tag_of(text);
            self.append = is_append(text);
        }
        let announced = literal_announcement(text);
        let nonsync = announced.as_ref().is_some_and(|l| !l.sync);
        if line.len() > self.limits.max_line {
            return Err(self.fail(FrameErrorKind::LineTooLong, nonsync));
        }
        self.counted += text.len() + 2;
        if self.counted > self.limits.max_command {
            return Err(self.fail(FrameErrorKind::CommandTooLong, nonsync));
        }
        let Some(lit) = announced else {
            self.buf.extend_from_slice(text);
            let command = std::mem::take(&mut self.buf);
            self.reset();
            return Ok(Frame::Command(command));
        };
        // In APPEND, every literal is a message except the mailbox name when the first
        // line ends right after `APPEND `.
        let append = self.append && !(first && is_append_mailbox_literal(text));
        let limit = if append {
            self.limits.max_append_literal
        } else if lit.sync {
            self.limits.max_literal
        } else {
            self.limits.max_literal.min(self.limits.max_nonsync_literal)
        };
        if lit.size > limit {
            let kind = FrameErrorKind::LiteralTooBig {
                size: lit.size,
                sync: lit.sync,
                append,
            };
            return Err(self.fail(kind, nonsync));
        }
        if append {
            self.appended = self.appended.saturating_add(lit.size);
            if self.appended > self.limits.max_append_total {
                let kind = FrameErrorKind::AppendsTooBig {
                    total: self.appended,
                    sync: lit.sync,
                };
                return Err(self.fail(kind, nonsync));
            }
        } else {
            let size = usize::try_from(lit.size).unwrap_or(usize::MAX);
            self.counted = self.counted.saturating_add(size);
            if self.counted > self.limits.max_command {
                return Err(self.fail(FrameErrorKind::CommandTooLong, nonsync));
            }
        }
        self.buf.extend_from_slice(text);
        self.buf.extend_from_slice(b"\r\n");
        self.literal_left = lit.size;
        Ok(Frame::Literal {
            size: lit.size,
            sync: lit.sync,
            binary: lit.binary,
            append,
        })
    }

    /// Refuses a line longer than `max_line` that the session read to its end without
    /// keeping it all: `head` is its start and `tail` its end (without the line
    /// ending), enough to know the command's tag and whether a literal follows. The
    /// answer is a `BAD` for that command alone (RFC 7162 §4 recommends accepting lines
    /// of 8192 octets at least; a longer one need not end the session), unless a
    /// non-synchronising literal is coming.
    pub fn line_too_long(&mut self, head: &[u8], tail: &[u8]) -> FrameError {
        if self.lines == 0 {
            // Only a whole tag: one that a space ends within the head.
            let whole = head
                .iter()
                .position(|&b| !is_astring_char(b))
                .map(|i| head[i]);
            self.tag = tag_of(head).filter(|_| whole == Some(b' '));
        }
        let nonsync = literal_announcement(tail).is_some_and(|l| !l.sync);
        self.fail(FrameErrorKind::LineTooLong, nonsync)
    }

    /// Feeds (part of) the current literal's bytes.
    pub fn push_literal(&mut self, data: &[u8]) -> Result<(), FrameError> {
        let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
        if len > self.literal_left {
            return Err(self.fail(FrameErrorKind::OutOfOrder, false));
        }
        self.literal_left -= len;
        self.buf.extend_from_slice(data);
        Ok(())
    }
}

struct Announcement {
    size: u64,
    sync: bool,
    binary: bool,
}

/// The literal announced at the end of a line: `{n}`, `{n+}` or `~{n}` (`~{n+}`).
fn literal_announcement(text: &[u8]) -> Option<Announcement> {
    let inner = text.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let spec = inner.get(open + 1..)?;
    let (digits, sync) = match spec.strip_suffix(b"+") {
        Some(d) => (d, false),
        None => (spec, true),
    };
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let size = std::str::from_utf8(digits).ok()?.parse().ok()?;
    let binary = open
        .checked_sub(1)
        .and_then(|i| inner.get(i))
        .is_some_and(|&b| b == b'~');
    Some(Announcement { size, sync, binary })
}

/// The tag at the start of a first line, if valid.
fn tag_of(text: &[u8]) -> Option<Tag> {
    let end = text
        .iter()
        .position(|&b| !is_astring_char(b))
        .unwrap_or(text.len());
    let raw = text.get(..end)?;
    std::str::from_utf8(raw).ok().and_then(Tag::new)
}

/// `tag SP "APPEND" SP ...`, case-insensitive.
fn is_append(text: &[u8]) -> bool {
    let mut words = text.splitn(3, |&b| b == b' ');
    words.next();
    words
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case(b"APPEND"))
}

/// The first line of APPEND is `tag APPEND {n}`: the literal is the mailbox name.
fn is_append_mailbox_literal(text: &[u8]) -> bool {
    let mut words = text.splitn(3, |&b| b == b' ');
    words.next();
    words.next();
    words
        .next()
        .is_some_and(|rest| rest.first() == Some(&b'{') && !rest.contains(&b' '))
}
