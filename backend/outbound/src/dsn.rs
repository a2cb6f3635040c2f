//! Delivery status notifications: the bounce (or delay warning) sent back to a message's
//! envelope sender, as a `multipart/report` (RFC 6522) holding a human explanation, a
//! `message/delivery-status` part (RFC 3464) and the original message or its header.
//! This module only builds bytes; deciding when to bounce, whom to bounce to and queueing the
//! notification belong to the caller (see [`must_not_bounce`]).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use osprey_mail::message::{normalize_crlf, split_header};

use crate::text::random_token;

/// The display name of the notification's `From` address.
const FROM_NAME: &str = "Mail Delivery System";
/// Header lines are folded to stay under this length where whitespace allows.
// RFC 5322 §2.1.1
const LINE_WIDTH: usize = 78;
/// Values longer than this are cut: a remote reply cannot make the notification arbitrarily
/// large.
const MAX_VALUE: usize = 2000;
/// Longer words are split.
const MAX_WORD: usize = 900;

/// What happened to one recipient.
// RFC 3464 §2.3.3
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Delivery failed for good; the message will not be retried.
    Failed,
    /// Delivery has not succeeded yet and will be retried.
    Delayed,
    /// Delivered to the recipient's mailbox.
    Delivered,
    /// Handed on to a system that does not send notifications.
    Relayed,
    /// Delivered and expanded to more recipients (an alias or list).
    Expanded,
}

impl Action {
    /// The field value written in `Action:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Failed => "failed",
            Action::Delayed => "delayed",
            Action::Delivered => "delivered",
            Action::Relayed => "relayed",
            Action::Expanded => "expanded",
        }
    }
}

/// The report for one recipient of the original message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsnRecipient {
    /// The recipient address as given in the original `RCPT TO`.
    pub original: String,
    pub action: Action,
    /// The enhanced status code, e.g. `"5.1.1"` (RFC 3463).
    pub status: String,
    /// The remote server's reply, e.g. `"550 5.1.1 no such user"`; written as
    /// `Diagnostic-Code: smtp; 550 5.1.1 no such user`. Line breaks become spaces.
    pub diagnostic: Option<String>,
    /// The host name of the server that gave the reply.
    pub remote_mta: Option<String>,
    pub last_attempt: Option<DateTime<Utc>>,
    /// For [`Action::Delayed`]: when the mail system gives up.
    pub will_retry_until: Option<DateTime<Utc>>,
}

/// Everything a notification is built from.
#[derive(Debug, Clone, Copy)]
pub struct DsnInput<'a> {
    /// This server's host name (`Reporting-MTA: dns; <host>`).
    pub reporting_mta: &'a str,
    /// The product name of the recipient's domain (its look's), which the explanation
    /// names: "This is the Example Mail mail system at host …".
    pub product: &'a str,
    /// The notification's `From` address, e.g. `MAILER-DAEMON@mx.example`.
    pub postmaster: &'a str,
    /// The original envelope sender, who receives the notification.
    pub to: &'a str,
    /// When the original message arrived.
    pub arrival: DateTime<Utc>,
    /// The original `ENVID` (RFC 3461 §4.4), if the sender gave one.
    pub envelope_id: Option<&'a str>,
    pub recipients: &'a [DsnRecipient],
    /// The original message, CRLF line endings.
    pub original: &'a [u8],
    /// `true` returns the whole original (`RET=FULL`), `false` only its header (`RET=HDRS`).
    pub return_full: bool,
}

/// Returns `true` if and only if a message from `envelope_from` must never cause a
/// notification: the null reverse-path, which notifications themselves use, so that
/// notifications never loop.
// RFC 5321 §4.5.5, RFC 3464 §2
pub fn must_not_bounce(envelope_from: &str) -> bool {
    let from = envelope_from.trim();
    from.is_empty() || from == "<>"
}

/// Builds the complete notification message (header and body, CRLF line endings), ready
/// to be sent with the null reverse-path.
pub fn build(input: &DsnInput) -> Vec<u8> {
    let original = normalize_crlf(input.original);
    let returned: &[u8] = if input.return_full {
        &original
    } else {
        split_header(&original).0
    };
    // A boundary that occurs in the returned message would end the report early.
    let boundary = loop {
        let candidate = format!("=_report_{}", random_token());
        if !contains(returned, candidate.as_bytes()) {
            break candidate;
        }
    };

    let mut out = String::new();
    field(
        &mut out,
        "From",
        &format!("{FROM_NAME} <{}>", clean(input.postmaster)),
    );
    field(&mut out, "To", &format!("<{}>", clean(input.to)));
    field(&mut out, "Subject", subject(input.recipients));
    field(&mut out, "Date", &date(Utc::now()));
    field(
        &mut out,
        "Message-ID",
        &format!("<{}@{}>", random_token(), clean(input.reporting_mta)),
    );
    field(&mut out, "MIME-Version", "1.0");
    // RFC 3834 §5
    field(&mut out, "Auto-Submitted", "auto-replied");
    // RFC 6522 §3
    field(
        &mut out,
        "Content-Type",
        &format!("multipart/report; report-type=delivery-status; boundary=\"{boundary}\""),
    );
    out.push_str("\r\n");
    out.push_str("This is a MIME-encapsulated message.\r\n\r\n");

    let human = explanation(input);
    let _ = write!(out, "--{boundary}\r\n");
    field(&mut out, "Content-Description", "Notification");
    field(&mut out, "Content-Type", "text/plain; charset=utf-8");
    let encoding = if human.is_ascii() { "7bit" } else { "8bit" };
    field(&mut out, "Content-Transfer-Encoding", encoding);
    out.push_str("\r\n");
    out.push_str(&human);

    let _ = write!(out, "\r\n--{boundary}\r\n");
    field(&mut out, "Content-Description", "Delivery report");
    field(&mut out, "Content-Type", "message/delivery-status");
    out.push_str("\r\n");
    out.push_str(&delivery_status(input));

    let _ = write!(out, "\r\n--{boundary}\r\n");
    if input.return_full {
        field(&mut out, "Content-Description", "Undelivered message");
        field(&mut out, "Content-Type", "message/rfc822");
    } else {
        field(
            &mut out,
            "Content-Description",
            "Undelivered message header",
        );
        // RFC 6522 §4
        field(&mut out, "Content-Type", "text/rfc822-headers");
    }
    let encoding = if returned.is_ascii() { "7bit" } else { "8bit" };
    field(&mut out, "Content-Transfer-Encoding", encoding);
    out.push_str("\r\n");

    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(returned);
    if !returned.ends_with(b"\r\n") {
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    bytes
}

fn subject(recipients: &[DsnRecipient]) -> &'static str {
    if recipients.iter().any(|r| r.action == Action::Failed) {
        "Undelivered Mail Returned to Sender"
    } else if recipients.iter().any(|r| r.action == Action::Delayed) {
        "Delayed Mail (still being retried)"
    } else {
        "Successful Mail Delivery Report"
    }
}

/// The human-readable part: one paragraph per kind of outcome, naming each recipient and
/// the reason, wrapped to [`LINE_WIDTH`].
fn explanation(input: &DsnInput) -> String {
    let mut out = String::new();
    wrap(
        &mut out,
        &format!(
            "This is the {} mail system at host {}.",
            clean(input.product),
            clean(input.reporting_mta)
        ),
    );
    let groups: [(Action, &str); 3] = [
        (
            Action::Failed,
            "Your message could not be delivered to the following recipients. \
             This is a permanent error; the mail system will not try again.",
        ),
        (
            Action::Delayed,
            "Your message has not been delivered yet to the following recipients. \
             The mail system will keep trying; you do not need to send it again.",
        ),
        (
            Action::Delivered,
            "Your message was delivered to the following recipients.",
        ),
    ];
    for (action, intro) in groups {
        let matching: Vec<&DsnRecipient> = input
            .recipients
            .iter()
            .filter(|r| {
                r.action == action
                    || (action == Action::Delivered
                        && matches!(r.action, Action::Relayed | Action::Expanded))
            })
            .collect();
        if matching.is_empty() {
            continue;
        }
        out.push_str("\r\n");
        wrap(&mut out, intro);
        out.push_str("\r\n");
        for r in matching {
            let mut line = format!("<{}>: ", clean(&r.original));
            match (&r.diagnostic, &r.remote_mta) {
                (Some(d), Some(host)) => {
                    let _ = write!(line, "host {} said: {}", clean(host), clean(d));
                }
                (Some(d), None) => line.push_str(&clean(d)),
                (None, _) => {
                    let _ = write!(line, "status {}", clean(&r.status));
                }
            }
            if let Some(until) = r.will_retry_until.filter(|_| r.action == Action::Delayed) {
                let _ = write!(line, " (will retry until {})", date(until));
            }
            wrap(&mut out, &line);
        }
    }
    out
}

/// Appends `text` (already clean) as lines of at most [`LINE_WIDTH`] characters where the
/// words allow, continuation lines indented, each ending in CRLF.
fn wrap(out: &mut String, text: &str) {
    let mut width = 0;
    let mut line_start = true;
    for word in text.split(' ').flat_map(pieces) {
        let len = word.chars().count();
        if !line_start && width + 1 + len > LINE_WIDTH {
            out.push_str("\r\n   ");
            width = 3;
            line_start = true;
        }
        if !line_start {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += len;
        line_start = false;
    }
    out.push_str("\r\n");
}

/// The `message/delivery-status` body: per-message fields, then one block per recipient.
// RFC 3464 §2.2, §2.3
fn delivery_status(input: &DsnInput) -> String {
    let mut out = String::new();
    field(
        &mut out,
        "Reporting-MTA",
        &format!("dns; {}", ascii(input.reporting_mta)),
    );
    if let Some(id) = input.envelope_id {
        field(&mut out, "Original-Envelope-Id", &ascii(id));
    }
    field(&mut out, "Arrival-Date", &date(input.arrival));
    for r in input.recipients {
        out.push_str("\r\n");
        // TODO(rfc): RFC 6533 `utf-8` address type for internationalised recipients;
        // their non-ASCII characters are replaced here.
        field(
            &mut out,
            "Final-Recipient",
            &format!("rfc822; {}", ascii(&r.original)),
        );
        field(&mut out, "Action", r.action.as_str());
        field(&mut out, "Status", &ascii(&r.status));
        if let Some(host) = &r.remote_mta {
            field(&mut out, "Remote-MTA", &format!("dns; {}", ascii(host)));
        }
        if let Some(d) = &r.diagnostic {
            field(&mut out, "Diagnostic-Code", &format!("smtp; {}", ascii(d)));
        }
        if let Some(at) = r.last_attempt {
            field(&mut out, "Last-Attempt-Date", &date(at));
        }
        if let Some(until) = r.will_retry_until {
            field(&mut out, "Will-Retry-Until", &date(until));
        }
    }
    out
}

// RFC 5322 §3.3
fn date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// The value with every control character (CR and LF included) turned into a space and runs
/// of whitespace collapsed, so that text from a remote server can never start a new header
/// field or end the header. Cut at [`MAX_VALUE`] characters.
fn clean(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(MAX_VALUE));
    for c in value.chars().take(MAX_VALUE) {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out
}

/// [`clean`], then every non-ASCII character replaced by `?`: `message/delivery-status`
/// fields are ASCII.
fn ascii(value: &str) -> String {
    clean(value)
        .chars()
        .map(|c| if c.is_ascii() { c } else { '?' })
        .collect()
}

/// Appends `name: value` CRLF, folded at spaces so that lines stay under [`LINE_WIDTH`]
/// where the words allow, after [`clean`]ing the value.
fn field(out: &mut String, name: &str, value: &str) {
    let value = clean(value);
    out.push_str(name);
    out.push(':');
    let mut line = name.len() + 1;
    for word in value.split(' ').flat_map(pieces) {
        // Words stay whole where they can: a long address must not be cut in two.
        if line + 1 + word.len() > LINE_WIDTH && line > name.len() + 1 {
            out.push_str("\r\n");
            line = 0;
        }
        out.push(' ');
        out.push_str(word);
        line += 1 + word.len();
    }
    out.push_str("\r\n");
}

/// The word in pieces of at most [`MAX_WORD`] bytes, so that no line exceeds the 998-octet
/// limit.
// RFC 5322 §2.1.1
fn pieces(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = word;
    while rest.len() > MAX_WORD {
        let mut cut = MAX_WORD;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (head, tail) = rest.split_at(cut);
        out.push(head);
        rest = tail;
    }
    out.push(rest);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
