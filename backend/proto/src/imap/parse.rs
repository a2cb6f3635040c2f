//! The command parser: one assembled command (see [`super::frame`]) in, a typed
//! [`Command`] or a [`ParseError`] out.
//!
//! Owns the grammar of RFC 9051 §6 commands and the extensions' commands (the top
//! level of each); search keys and fetch items have their own modules. Command names
//! and keywords are case-insensitive (RFC 9051 §9 note 1).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::command::{
    AppendMessage, CatPart, Command, CommandBody, EventGroup, ListCommand, ListReturn, NotifyEvent,
    NotifyMailboxes, NotifySet, QResync, SelectParams, StatusItem, StoreAction,
};
use super::frame::Limits;
use super::lexer::{Cursor, PResult, utf8};
use super::parse_fetch::{fetch_attr, parse_fetch};
use super::parse_search::{parse_search, parse_sort, parse_thread};
use super::types::{Tag, is_astring_char};

/// A command that could not be parsed. With a tag the session answers
/// `tag BAD message`; without one, `* BAD message` (RFC 9051 §7.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub tag: Option<Tag>,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses one command with the default [`Limits`]. See [`parse_command_with`].
pub fn parse_command(input: &[u8]) -> Result<Command, ParseError> {
    parse_command_with(input, &Limits::default())
}

/// Parses one command as assembled by [`super::Framer`]: the bytes as received, every
/// literal announcement `{n}\r\n`, `{n+}\r\n` or `~{n}\r\n` kept and followed by its
/// `n` bytes, without the final CRLF. Only `limits.max_depth` is used here (the framer
/// enforces the sizes).
pub fn parse_command_with(input: &[u8], limits: &Limits) -> Result<Command, ParseError> {
    let tag_end = input.iter().position(|&b| b == b' ').unwrap_or(input.len());
    let tag = input
        .get(..tag_end)
        .filter(|t| !t.is_empty() && t.iter().all(|&b| is_astring_char(b) && b != b'+'))
        .and_then(|t| std::str::from_utf8(t).ok())
        .and_then(Tag::new)
        .ok_or_else(|| ParseError {
            tag: None,
            message: "missing or invalid tag".to_owned(),
        })?;
    let rest = input.get(tag_end..).unwrap_or_default();
    let mut c = Cursor::new(rest, limits.max_depth);
    match parse_body(&mut c).and_then(|body| c.end().map(|()| body)) {
        Ok(body) => Ok(Command { tag, body }),
        Err(message) => Err(ParseError {
            tag: Some(tag),
            message,
        }),
    }
}

fn parse_body(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    let name = c
        .keyword()
        .map_err(|_| "expected a command name".to_owned())?;
    if name == "UID" {
        c.sp()?;
        let name = c.keyword()?;
        return match name.as_str() {
            "FETCH" | "STORE" | "COPY" | "MOVE" | "SEARCH" | "SORT" | "THREAD" | "EXPUNGE" => {
                command(c, &name, true)
            }
            _ => Err(format!("unknown UID command {name}")),
        };
    }
    command(c, &name, false)
}

fn command(c: &mut Cursor<'_>, name: &str, uid: bool) -> PResult<CommandBody> {
    use CommandBody as B;
    Ok(match name {
        "CAPABILITY" => B::Capability,
        "NOOP" => B::Noop,
        "LOGOUT" => B::Logout,
        "STARTTLS" => B::StartTls,
        "AUTHENTICATE" => authenticate(c)?,
        "LOGIN" => {
            c.sp()?;
            let username = c.astring_utf8()?;
            c.sp()?;
            let password = c.astring_utf8()?;
            B::Login { username, password }
        }
        "ENABLE" => {
            let mut caps = Vec::new();
            while c.eat(b' ') {
                caps.push(c.keyword()?);
            }
            if caps.is_empty() {
                return Err("ENABLE needs a capability".to_owned());
            }
            B::Enable(caps)
        }
        "SELECT" | "EXAMINE" => {
            c.sp()?;
            let mailbox = c.mailbox()?;
            let params = select_params(c)?;
            B::Select {
                mailbox,
                read_only: name == "EXAMINE",
                params,
            }
        }
        "CREATE" => {
            c.sp()?;
            let mailbox = c.mailbox()?;
            let mut special_use = Vec::new();
            // RFC 6154 §3: CREATE name (USE (\Drafts ...)).
            if c.eat(b' ') {
                c.expect(b'(', "'(' of CREATE parameters")?;
                if !c.eat_keyword("USE") {
                    return Err("unknown CREATE parameter".to_owned());
                }
                c.sp()?;
                special_use = c.flag_list()?;
                c.expect(b')', "')' of CREATE parameters")?;
            }
            B::Create {
                mailbox,
                special_use,
            }
        }
        "DELETE" => B::Delete(one_mailbox(c)?),
        "SUBSCRIBE" => B::Subscribe(one_mailbox(c)?),
        "UNSUBSCRIBE" => B::Unsubscribe(one_mailbox(c)?),
        "RENAME" => {
            let from = one_mailbox(c)?;
            let to = one_mailbox(c)?;
            B::Rename { from, to }
        }
        "LIST" => B::List(list(c)?),
        "LSUB" => {
            c.sp()?;
            let reference = c.astring_utf8()?;
            c.sp()?;
            let pattern = c.list_mailbox()?;
            B::Lsub { reference, pattern }
        }
        "NAMESPACE" => B::Namespace,
        "STATUS" => {
            let mailbox = one_mailbox(c)?;
            c.sp()?;
            let items = status_items(c)?;
            B::Status { mailbox, items }
        }
        "APPEND" => append(c)?,
        "IDLE" => B::Idle,
        "CHECK" => B::Check,
        "CLOSE" => B::Close,
        "UNSELECT" => B::Unselect,
        "EXPUNGE" if uid => {
            c.sp()?;
            B::Expunge {
                uids: Some(c.sequence_set()?),
            }
        }
        "EXPUNGE" => B::Expunge { uids: None },
        "SEARCH" => parse_search(c, uid)?,
        "FETCH" => parse_fetch(c, uid)?,
        "STORE" => store(c, uid)?,
        "COPY" | "MOVE" => {
            c.sp()?;
            let set = c.sequence_set()?;
            let mailbox = one_mailbox(c)?;
            if name == "COPY" {
                B::Copy { uid, set, mailbox }
            } else {
                B::Move { uid, set, mailbox }
            }
        }
        "SORT" => parse_sort(c, uid)?,
        "THREAD" => parse_thread(c, uid)?,
        "CANCELUPDATE" => {
            // RFC 5267 §5: `"CANCELUPDATE" 1*(SP quoted)`.
            let mut tags = Vec::new();
            while c.eat(b' ') {
                tags.push(utf8(c.quoted()?)?);
            }
            if tags.is_empty() {
                return Err("CANCELUPDATE needs a tag".to_owned());
            }
            B::CancelUpdate(tags)
        }
        "NOTIFY" => notify(c)?,
        "GETQUOTA" => {
            c.sp()?;
            B::GetQuota(c.astring_utf8()?)
        }
        "GETQUOTAROOT" => B::GetQuotaRoot(one_mailbox(c)?),
        "SETQUOTA" => {
            c.sp()?;
            let root = c.astring_utf8()?;
            c.sp()?;
            let limits = c.paren_list(0, |c| {
                let name = c.keyword()?;
                c.sp()?;
                Ok((name, c.number64()?))
            })?;
            B::SetQuota { root, limits }
        }
        "ID" => id(c)?,
        "COMPRESS" => {
            c.sp()?;
            B::Compress(c.keyword()?)
        }
        _ => return Err(format!("unknown command {name}")),
    })
}

/// NOTIFY, RFC 5465 §8: `"NOTIFY" SP (notify-set / notify-none)`. Only syntax: which
/// events go together is the session's to check.
fn notify(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    if c.eat_keyword("NONE") {
        return Ok(CommandBody::Notify(None));
    }
    if !c.eat_keyword("SET") {
        return Err("expected SET or NONE".to_owned());
    }
    c.sp()?;
    let status = c.eat_keyword("STATUS");
    if status {
        c.sp()?;
    }
    let mut groups = vec![event_group(c)?];
    while c.eat(b' ') {
        groups.push(event_group(c)?);
    }
    Ok(CommandBody::Notify(Some(NotifySet { status, groups })))
}

/// `event-group = "(" filter-mailboxes SP events ")"`.
fn event_group(c: &mut Cursor<'_>) -> PResult<EventGroup> {
    c.expect(b'(', "'(' of an event group")?;
    let name = c.keyword()?;
    let mailboxes = match name.as_str() {
        "SELECTED" => NotifyMailboxes::Selected,
        "SELECTED-DELAYED" => NotifyMailboxes::SelectedDelayed,
        "INBOXES" => NotifyMailboxes::Inboxes,
        "PERSONAL" => NotifyMailboxes::Personal,
        "SUBSCRIBED" => NotifyMailboxes::Subscribed,
        "SUBTREE" | "MAILBOXES" => {
            // `one-or-more-mailbox = mailbox / many-mailboxes`
            c.sp()?;
            let names = if c.peek() == Some(b'(') {
                c.paren_list(1, |c| c.mailbox())?
            } else {
                vec![c.mailbox()?]
            };
            if name == "SUBTREE" {
                NotifyMailboxes::Subtree(names)
            } else {
                NotifyMailboxes::Mailboxes(names)
            }
        }
        _ => return Err(format!("unknown mailbox filter {name}")),
    };
    c.sp()?;
    let events = if c.eat_keyword("NONE") {
        Vec::new()
    } else {
        c.paren_list(1, |c| {
            let name = c.keyword()?;
            Ok(match name.as_str() {
                "MESSAGENEW" => {
                    let mut atts = Vec::new();
                    if c.peek() == Some(b' ') && c.peek_at(1) == Some(b'(') {
                        c.sp()?;
                        atts = c.paren_list(1, fetch_attr)?;
                    }
                    NotifyEvent::MessageNew(atts)
                }
                "MESSAGEEXPUNGE" => NotifyEvent::MessageExpunge,
                "FLAGCHANGE" => NotifyEvent::FlagChange,
                "ANNOTATIONCHANGE" => NotifyEvent::AnnotationChange,
                "MAILBOXNAME" => NotifyEvent::MailboxName,
                "SUBSCRIPTIONCHANGE" => NotifyEvent::SubscriptionChange,
                "MAILBOXMETADATACHANGE" => NotifyEvent::MailboxMetadataChange,
                "SERVERMETADATACHANGE" => NotifyEvent::ServerMetadataChange,
                _ => NotifyEvent::Other(name),
            })
        })?
    };
    c.expect(b')', "')' of an event group")?;
    Ok(EventGroup { mailboxes, events })
}

/// ` mailbox`.
fn one_mailbox(c: &mut Cursor<'_>) -> PResult<super::types::Mailbox> {
    c.sp()?;
    c.mailbox()
}

/// RFC 9051 §6.2.2 with SASL-IR, RFC 4959 §3.
fn authenticate(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    let mechanism = c.keyword()?;
    let mut initial_response = None;
    if c.eat(b' ') {
        if c.eat(b'=') {
            initial_response = Some(Vec::new());
        } else {
            let mut b64 = Vec::new();
            while let Some(b) = c.peek() {
                if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') {
                    b64.push(b);
                    c.eat(b);
                } else {
                    break;
                }
            }
            if b64.is_empty() {
                return Err("expected a base64 initial response".to_owned());
            }
            let decoded = STANDARD
                .decode(&b64)
                .map_err(|_| "invalid base64 in the initial response".to_owned())?;
            initial_response = Some(decoded);
        }
    }
    Ok(CommandBody::Authenticate {
        mechanism,
        initial_response,
    })
}

/// `select-params`, RFC 7162 §3.1.8 (CONDSTORE) and §3.2.5 (QRESYNC).
fn select_params(c: &mut Cursor<'_>) -> PResult<SelectParams> {
    let mut params = SelectParams::default();
    if !c.eat(b' ') {
        return Ok(params);
    }
    let items = c.paren_list(1, |c| {
        let name = c.keyword()?;
        match name.as_str() {
            "CONDSTORE" => Ok(None),
            "QRESYNC" => {
                c.sp()?;
                c.expect(b'(', "'(' of QRESYNC")?;
                let uidvalidity = c.nz_number()?;
                c.sp()?;
                let modseq = c.nz_number64()?;
                let mut known_uids = None;
                let mut seq_match = None;
                if c.eat(b' ') && c.peek() != Some(b'(') {
                    known_uids = Some(c.sequence_set()?);
                    c.eat(b' ');
                }
                if c.eat(b'(') {
                    let seqs = c.sequence_set()?;
                    c.sp()?;
                    let uids = c.sequence_set()?;
                    c.expect(b')', "')' of the sequence match data")?;
                    seq_match = Some((seqs, uids));
                }
                c.expect(b')', "')' of QRESYNC")?;
                Ok(Some(QResync {
                    uidvalidity,
                    modseq,
                    known_uids,
                    seq_match,
                }))
            }
            _ => Err(format!("unknown select parameter {name}")),
        }
    })?;
    for item in items {
        match item {
            None => params.condstore = true,
            Some(q) => params.qresync = Some(q),
        }
    }
    Ok(params)
}

/// LIST, RFC 9051 §6.3.9 and LIST-EXTENDED, RFC 5258 §3.
fn list(c: &mut Cursor<'_>) -> PResult<ListCommand> {
    c.sp()?;
    let mut selection = Vec::new();
    if c.peek() == Some(b'(') {
        selection = c.paren_list(0, |c| c.keyword())?;
        c.sp()?;
    }
    let reference = c.astring_utf8()?;
    c.sp()?;
    let patterns = if c.peek() == Some(b'(') {
        c.paren_list(1, |c| c.list_mailbox())?
    } else {
        vec![c.list_mailbox()?]
    };
    let mut returns = Vec::new();
    if c.eat(b' ') {
        if !c.eat_keyword("RETURN") {
            return Err("expected RETURN".to_owned());
        }
        c.sp()?;
        returns = c.paren_list(0, |c| {
            let name = c.keyword()?;
            Ok(match name.as_str() {
                "SUBSCRIBED" => ListReturn::Subscribed,
                "CHILDREN" => ListReturn::Children,
                "SPECIAL-USE" => ListReturn::SpecialUse,
                "STATUS" => {
                    c.sp()?;
                    ListReturn::Status(status_items(c)?)
                }
                _ => ListReturn::Other(name),
            })
        })?;
    }
    Ok(ListCommand {
        reference,
        patterns,
        selection,
        returns,
    })
}

/// `"(" status-att *(SP status-att) ")"`, RFC 9051 §6.3.11.
pub(crate) fn status_items(c: &mut Cursor<'_>) -> PResult<Vec<StatusItem>> {
    c.paren_list(1, |c| {
        let name = c.keyword()?;
        StatusItem::ALL
            .into_iter()
            .find(|i| i.as_str() == name)
            .ok_or_else(|| format!("unknown status item {name}"))
    })
}

/// APPEND, RFC 9051 §6.3.12, with MULTIAPPEND (RFC 3502 §6), literal8 (RFC 3516 §4.4),
/// the `UTF8 (literal8)` data item (RFC 6855 §4: `append-data =/ "UTF8" SP "("
/// literal8 ")"`) and CATENATE (RFC 4469 §5).
fn append(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    let mailbox = one_mailbox(c)?;
    let mut messages = Vec::new();
    while !c.at_end() {
        c.sp()?;
        let mut flags = Vec::new();
        let mut date = None;
        if c.peek() == Some(b'(') {
            flags = c.flag_list()?;
            c.sp()?;
        }
        if c.peek() == Some(b'"') {
            date = Some(c.date_time()?);
            c.sp()?;
        }
        // RFC 4469 §5: `"CATENATE" SP "(" cat-part *(SP cat-part) ")"`.
        if c.eat_keyword("CATENATE") {
            c.sp()?;
            let catenate = c.paren_list(1, |c| {
                if c.eat_keyword("TEXT") {
                    c.sp()?;
                    let (data, binary) = c.literal(true)?;
                    Ok(CatPart::Text {
                        data: data.to_vec(),
                        binary,
                    })
                } else if c.eat_keyword("URL") {
                    c.sp()?;
                    Ok(CatPart::Url(utf8(c.astring()?)?))
                } else {
                    Err("expected TEXT or URL in CATENATE".to_owned())
                }
            })?;
            messages.push(AppendMessage {
                flags,
                date,
                data: Vec::new(),
                binary: false,
                utf8: false,
                catenate,
            });
            continue;
        }
        let utf8 = c.eat_keyword("UTF8");
        if utf8 {
            c.sp()?;
            c.expect(b'(', "'(' after UTF8")?;
            if c.peek() != Some(b'~') {
                return Err("UTF8 takes a literal8 (~{n})".to_owned());
            }
        }
        let (data, binary) = c.literal(true)?;
        if utf8 {
            c.expect(b')', "')' after the UTF8 literal")?;
        }
        messages.push(AppendMessage {
            flags,
            date,
            data: data.to_vec(),
            binary,
            utf8,
            catenate: Vec::new(),
        });
    }
    if messages.is_empty() {
        return Err("APPEND needs a message".to_owned());
    }
    Ok(CommandBody::Append { mailbox, messages })
}

/// STORE, RFC 9051 §6.4.6, with UNCHANGEDSINCE (RFC 7162 §3.1.3).
fn store(c: &mut Cursor<'_>, uid: bool) -> PResult<CommandBody> {
    c.sp()?;
    let set = c.sequence_set()?;
    c.sp()?;
    let mut unchanged_since = None;
    if c.peek() == Some(b'(') {
        let mods = c.paren_list(1, |c| {
            if !c.eat_keyword("UNCHANGEDSINCE") {
                return Err("unknown STORE modifier".to_owned());
            }
            c.sp()?;
            c.number64()
        })?;
        unchanged_since = mods.last().copied();
        c.sp()?;
    }
    let action = if c.eat(b'+') {
        StoreAction::Add
    } else if c.eat(b'-') {
        StoreAction::Remove
    } else {
        StoreAction::Replace
    };
    let word = c.keyword()?;
    let silent = match word.as_str() {
        "FLAGS" => false,
        "FLAGS.SILENT" => true,
        _ => return Err("expected FLAGS, +FLAGS or -FLAGS".to_owned()),
    };
    c.sp()?;
    let flags = if c.peek() == Some(b'(') {
        c.flag_list()?
    } else {
        let mut flags = vec![c.flag()?];
        while c.eat(b' ') {
            flags.push(c.flag()?);
        }
        flags
    };
    Ok(CommandBody::Store {
        uid,
        set,
        action,
        silent,
        flags,
        unchanged_since,
    })
}

/// ID, RFC 2971 §3.1.
fn id(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    if c.eat_keyword("NIL") {
        return Ok(CommandBody::Id(None));
    }
    let pairs = c.paren_list(0, |c| {
        let key = utf8(c.string()?)?;
        c.sp()?;
        let value = c.nstring()?.map(utf8).transpose()?;
        Ok((key, value))
    })?;
    Ok(CommandBody::Id(Some(pairs)))
}

/// Returns `true` if and only if `line` (with or without its CRLF) is the `DONE` that
/// ends IDLE, RFC 9051 §6.3.13 (case-insensitive).
pub fn is_idle_done(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.eq_ignore_ascii_case(b"DONE")
}

/// A client line during AUTHENTICATE, RFC 9051 §6.2.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaslResponse {
    /// The decoded base64 data (empty for an empty line).
    Data(Vec<u8>),
    /// `*`: the client cancels; answer BAD.
    Cancel,
}

/// Parses a line sent after a `+` challenge (with or without its CRLF). Returns `None`
/// if and only if it is not base64 or `*`.
pub fn parse_sasl_response(line: &[u8]) -> Option<SaslResponse> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line == b"*" {
        return Some(SaslResponse::Cancel);
    }
    STANDARD.decode(line).ok().map(SaslResponse::Data)
}
