//! Every reply the SMTP server sends, by name, each with the RFC that defines its code
//! and its enhanced status code. Replies naming a value (a host, an address, a size) are
//! functions; the rest are constants. The texts are the server's own words: clients
//! read the codes, people the text.
//!
//! Enhanced status codes (RFC 3463) follow RFC 2034 §3: on every reply except the
//! greeting and the answers to EHLO and HELO. The `354` to DATA and the `334` AUTH
//! challenges carry none either: the first is the server's invitation to send, not a
//! status, the second is base64 only (RFC 4954 §4).

use super::reply::{EnhancedStatus, Reply};

const fn reply(code: u16, class: u8, subject: u16, detail: u16, text: &'static str) -> Reply {
    Reply::new(
        code,
        Some(EnhancedStatus::new(class, subject, detail)),
        text,
    )
}

fn reply_with(code: u16, class: u8, subject: u16, detail: u16, text: String) -> Reply {
    Reply::with_text(
        code,
        Some(EnhancedStatus::new(class, subject, detail)),
        text,
    )
}

// Opening and closing the session.

/// `220 <host> ESMTP Osprey`: the greeting. RFC 5321 §4.2, §3.1.
pub fn greeting(host: &str) -> Reply {
    Reply::with_text(220, None, format!("{host} ESMTP Osprey"))
}

/// `554 5.7.1`: an IP rule refuses the client; nothing else is said (RFC 5321 §3.1).
/// RFC 3463 §3.8 (X.7.1, delivery not authorized).
pub const ACCESS_DENIED: Reply = reply(554, 5, 7, 1, "Access denied");

/// `421 4.3.0`: the server cannot serve now, e.g. its rules cannot be read. RFC 5321
/// §3.8, RFC 3463 §3.4 (X.3.0).
pub const SERVICE_UNAVAILABLE: Reply =
    reply(421, 4, 3, 0, "Service not available, try again later");

/// `421 4.3.2`: all connection slots are taken. RFC 5321 §3.8, RFC 3463 §3.4 (X.3.2,
/// system not accepting network messages).
pub const TOO_MANY_CONNECTIONS: Reply =
    reply(421, 4, 3, 2, "Too many connections, try again later");

/// `421 4.3.2`: the server is stopping. RFC 5321 §3.8, RFC 3463 §3.4 (X.3.2).
pub const SHUTTING_DOWN: Reply = reply(421, 4, 3, 2, "Server shutting down");

/// `421 4.4.2`: the client was silent longer than the command timeout. RFC 5321
/// §4.5.3.2, RFC 3463 §3.5 (X.4.2, bad connection).
pub const IDLE_TIMEOUT: Reply = reply(421, 4, 4, 2, "Idle for too long, closing");

/// `421 4.7.0`: too many bad commands in one session. RFC 5321 §3.8, RFC 3463 §3.8
/// (X.7.0).
pub const TOO_MANY_ERRORS: Reply = reply(421, 4, 7, 0, "Too many errors, closing");

/// `421 4.7.0`: a submission client sent too many commands without authenticating.
/// RFC 6409 §4.3, RFC 3463 §3.8 (X.7.0).
pub const TOO_MANY_COMMANDS_BEFORE_AUTH: Reply =
    reply(421, 4, 7, 0, "Too many commands without authentication");

/// `221 2.0.0`: the answer to QUIT. RFC 5321 §4.1.1.10, RFC 3463 §3.1 (X.0.0).
pub const BYE: Reply = reply(221, 2, 0, 0, "Bye");

// Commands that change nothing.

/// `250 2.0.0 OK`: NOOP (RFC 5321 §4.1.1.9) and RSET (§4.1.1.5). RFC 3463 §3.1.
pub const OK: Reply = reply(250, 2, 0, 0, "OK");

/// `252 2.5.0`: VRFY answered without verifying (RFC 5321 §3.5.3, §4.1.1.6). RFC 3463
/// §3.6 (X.5.0).
pub const CANNOT_VRFY: Reply = reply(
    252,
    2,
    5,
    0,
    "Cannot VRFY user, but will accept the message and attempt delivery",
);

/// `214 2.0.0`: HELP. RFC 5321 §4.1.1.8, RFC 3463 §3.1.
pub const HELP: Reply = reply(214, 2, 0, 0, "See RFC 5321; this server speaks ESMTP");

// Syntax and sequence (RFC 5321 §4.2.2, §4.3.2; RFC 3463 §3.6).

/// `500 5.5.1`: an unknown command. RFC 5321 §4.2.4, RFC 3463 §3.6 (X.5.1, invalid
/// command).
pub const COMMAND_UNRECOGNIZED: Reply = reply(500, 5, 5, 1, "Command unrecognized");

/// `500 5.5.2`: a command line that cannot be read. RFC 5321 §4.2.2, RFC 3463 §3.6
/// (X.5.2, syntax error).
pub const SYNTAX_ERROR: Reply = reply(500, 5, 5, 2, "Syntax error");

/// `500 5.5.2`: a command line longer than the limit. RFC 5321 §4.5.3.1.4, RFC 3463
/// §3.6 (X.5.2).
pub const LINE_TOO_LONG: Reply = reply(500, 5, 5, 2, "Line too long");

/// `502 5.5.1`: a command this server does not implement (EXPN, ETRN, ATRN, BURL,
/// LHLO). RFC 5321 §4.2.4, RFC 3463 §3.6 (X.5.1).
pub const NOT_IMPLEMENTED: Reply = reply(502, 5, 5, 1, "Command not implemented");

/// `501 5.1.7`: MAIL FROM with an unreadable address. RFC 5321 §4.1.1.2, RFC 3463 §3.2
/// (X.1.7, bad sender's mailbox address syntax).
pub const BAD_SENDER_SYNTAX: Reply = reply(501, 5, 1, 7, "Bad sender address syntax");

/// `501 5.1.3`: RCPT TO with an unreadable address. RFC 5321 §4.1.1.3, RFC 3463 §3.2
/// (X.1.3, bad destination mailbox address syntax).
pub const BAD_RECIPIENT_SYNTAX: Reply = reply(501, 5, 1, 3, "Bad recipient address syntax");

/// `501 5.5.4 Syntax: <expected form>`: the arguments of a known command do not parse.
/// RFC 5321 §4.2.2, RFC 3463 §3.6 (X.5.4, invalid command arguments).
pub fn syntax(expected: &str) -> Reply {
    reply_with(501, 5, 5, 4, format!("Syntax: {expected}"))
}

/// `501 5.5.4 Invalid parameter <name>`: a MAIL or RCPT parameter with a bad value.
/// RFC 5321 §4.1.1.11, RFC 3463 §3.6 (X.5.4).
pub fn invalid_parameter(param: &str) -> Reply {
    reply_with(501, 5, 5, 4, format!("Invalid parameter {param}"))
}

/// `555 5.5.4 Unsupported parameter <name>`: a MAIL or RCPT parameter this server does
/// not know. RFC 5321 §4.1.1.11, RFC 3463 §3.6 (X.5.4).
pub fn unsupported_parameter(param: &str) -> Reply {
    reply_with(555, 5, 5, 4, format!("Unsupported parameter {param}"))
}

/// `503 5.5.1`: MAIL before EHLO or HELO. RFC 5321 §4.1.4, §4.3.2; RFC 3463 §3.6
/// (X.5.1).
pub const SEND_EHLO_FIRST: Reply = reply(503, 5, 5, 1, "Send EHLO first");

/// `503 5.5.1`: MAIL inside a transaction. RFC 5321 §4.1.1.2, §4.3.2.
pub const NESTED_MAIL: Reply = reply(503, 5, 5, 1, "Nested MAIL command");

/// `503 5.5.1`: RCPT, DATA or BDAT outside a transaction. RFC 5321 §4.1.1.3, §4.3.2.
pub const SEND_MAIL_FIRST: Reply = reply(503, 5, 5, 1, "Send MAIL first");

/// `554 5.5.1`: DATA or BDAT before any recipient was accepted. RFC 5321 §4.1.1.4,
/// §3.3 (554 "no valid recipients").
pub const NO_VALID_RECIPIENTS: Reply = reply(554, 5, 5, 1, "No valid recipients");

/// `503 5.5.1`: DATA after BDAT in one transaction. RFC 3030 §2.
pub const DATA_AFTER_BDAT: Reply = reply(503, 5, 5, 1, "DATA after BDAT");

/// `503 5.5.1`: STARTTLS over TLS. RFC 3207 §4.
pub const TLS_ALREADY_ACTIVE: Reply = reply(503, 5, 5, 1, "TLS already active");

/// `503 5.5.1`: AUTH after a successful AUTH. RFC 4954 §4.
pub const ALREADY_AUTHENTICATED: Reply = reply(503, 5, 5, 1, "Already authenticated");

/// `503 5.5.1`: AUTH inside a mail transaction. RFC 4954 §4.
pub const AUTH_IN_TRANSACTION: Reply = reply(503, 5, 5, 1, "Not during a mail transaction");

// EHLO and HELO (RFC 5321 §4.1.1.1); no enhanced codes (RFC 2034 §3).

/// `250 <host> Hello <client>`: the answer to HELO.
pub fn helo(host: &str, client: &str) -> Reply {
    Reply::with_text(250, None, format!("{host} Hello {client}"))
}

/// The answer to EHLO: `250-<host> Hello <client>` and one line per extension keyword,
/// the last with `250 `.
pub fn ehlo<S: AsRef<str>>(host: &str, client: &str, keywords: &[S]) -> Reply {
    let mut text = format!("{host} Hello {client}");
    for keyword in keywords {
        text.push('\n');
        text.push_str(keyword.as_ref());
    }
    Reply::with_text(250, None, text)
}

// STARTTLS (RFC 3207 §4).

/// `220 2.0.0`: the client may start the TLS handshake. RFC 3207 §4, RFC 3463 §3.1.
pub const READY_FOR_TLS: Reply = reply(220, 2, 0, 0, "Ready to start TLS");

/// `454 4.7.0`: STARTTLS without a TLS configuration. RFC 3207 §4, RFC 3463 §3.8.
pub const TLS_NOT_AVAILABLE: Reply = reply(454, 4, 7, 0, "TLS not available");

// AUTH (RFC 4954 §4, §6).

/// `334 <base64>`: a SASL challenge, base64 only. RFC 4954 §4.
pub fn auth_challenge(base64: &str) -> Reply {
    Reply::with_text(334, None, base64.to_owned())
}

/// `235 2.7.0`: authenticated. RFC 4954 §6.
pub const AUTH_SUCCEEDED: Reply = reply(235, 2, 7, 0, "Authentication successful");

/// `535 5.7.8`: wrong user name or password. RFC 4954 §6.
pub const AUTH_INVALID: Reply = reply(535, 5, 7, 8, "Authentication credentials invalid");

/// `535 5.7.8`: the credentials are right, but the account must choose a new password
/// first (RFC 3463 §3.8: X.7.8 "Authentication credentials invalid"; the text says why).
pub const AUTH_PASSWORD_CHANGE: Reply = reply(
    535,
    5,
    7,
    8,
    "A new password is required: sign in to the web app to choose one",
);

/// `454 4.7.0`: the credentials could not be checked now. RFC 4954 §6.
pub const AUTH_TEMPORARY_FAILURE: Reply = reply(454, 4, 7, 0, "Temporary authentication failure");

/// `421 4.7.0`: the session's failed attempts reached the limit. RFC 4954 §4 (the server
/// may limit attempts), RFC 3463 §3.8.
pub const TOO_MANY_AUTH_FAILURES: Reply = reply(421, 4, 7, 0, "Too many failed authentications");

/// `421 4.7.0`: the login throttle refuses this client for a while. RFC 4954 §4, RFC 3463
/// §3.8.
pub const AUTH_THROTTLED: Reply = reply(421, 4, 7, 0, "Too many failed logins, try again later");

/// `421 4.7.0`: the signed-in account was disabled or deleted, or its password changed,
/// since the session authenticated; the session ends. RFC 5321 §3.8, RFC 3463 §3.8.
pub const SESSION_REVOKED: Reply = reply(
    421,
    4,
    7,
    0,
    "Signed out: the account was disabled or its password changed",
);

/// `501 5.0.0`: the client cancelled the exchange with `*`. RFC 4954 §4.
pub const AUTH_CANCELLED: Reply = reply(501, 5, 0, 0, "Authentication cancelled");

/// `501 5.5.2 <why>`: a SASL response that does not decode. RFC 4954 §4, RFC 3463 §3.6.
pub fn auth_malformed(why: &str) -> Reply {
    reply_with(501, 5, 5, 2, why.to_owned())
}

/// `501 5.5.2`: an initial response that is not base64. RFC 4954 §4.
pub const INVALID_BASE64: Reply = reply(501, 5, 5, 2, "Invalid base64");

/// `501 5.5.2`: CRAM-MD5 with an initial response; the server speaks first (RFC 2195
/// §2). RFC 4954 §4.
pub const CRAM_MD5_INITIAL_RESPONSE: Reply =
    reply(501, 5, 5, 2, "CRAM-MD5 takes no initial response");

/// `504 5.5.4`: a mechanism this server does not know. RFC 4954 §4.
pub const AUTH_MECHANISM_UNKNOWN: Reply = reply(504, 5, 5, 4, "Unrecognized authentication type");

/// `504 5.5.4`: a known mechanism that is not offered on this connection. RFC 4954 §4.
pub const AUTH_MECHANISM_NOT_OFFERED: Reply =
    reply(504, 5, 5, 4, "Authentication not offered here");

/// `538 5.7.11`: a plaintext mechanism before TLS. RFC 4954 §6.
pub const ENCRYPTION_REQUIRED: Reply = reply(538, 5, 7, 11, "Encryption required, use STARTTLS");

/// `530 5.7.0`: MAIL on a submission port before AUTH. RFC 4954 §6, RFC 6409 §4.3.
pub const AUTH_REQUIRED: Reply = reply(530, 5, 7, 0, "Authentication required");

// MAIL FROM (RFC 5321 §4.1.1.2).

/// `250 2.1.0`: the sender is accepted. RFC 3463 §3.2 (X.1.0).
pub const SENDER_OK: Reply = reply(250, 2, 1, 0, "Sender OK");

/// `550 5.7.1 <address> (field): not an address you may send as`: a signed-in user
/// sends only as its own addresses (envelope, `From:`, `Sender:`). RFC 6409 §6.1
/// ("the MSA ... MAY reject ... if the sender is not authorized"), RFC 3463 §3.8 (X.7.1).
/// Control characters and overlong text are cut from the address.
pub fn sender_not_allowed(address: &str, field: &str) -> Reply {
    let shown: String = address
        .chars()
        .filter(|c| !c.is_control())
        .take(256)
        .collect();
    reply_with(
        550,
        5,
        7,
        1,
        format!("<{shown}> ({field}): not an address you may send as"),
    )
}

/// `550 5.7.1`: the recipient's delivery rules refuse the message, with the text the
/// rule gives (control characters and non-ASCII dropped, at most 400 characters).
/// RFC 5429 (abstract): it updates "the definition of the "reject" action to allow
/// messages to be refused during the SMTP transaction"; RFC 3463 §3.8 (X.7.1).
pub fn rejected_by_rules(text: &str) -> Reply {
    let shown: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(char::is_ascii)
        .take(400)
        .collect();
    let shown = shown.trim();
    reply_with(
        550,
        5,
        7,
        1,
        if shown.is_empty() {
            "Refused by the recipient's rules".to_owned()
        } else {
            shown.to_owned()
        },
    )
}

/// `550 5.7.1`: a mailing list does not take this sender's post, with the list's reason
/// ("only members may post to team@example.com"), control characters and non-ASCII
/// dropped. RFC 3463 §3.8 (X.7.1: "the sender is not authorized to send to the
/// destination").
pub fn list_refused(reason: &str) -> Reply {
    let shown: String = reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(char::is_ascii)
        .take(400)
        .collect();
    reply_with(550, 5, 7, 1, shown.trim().to_owned())
}

/// `552 5.3.4`: larger than the mailing list takes. RFC 3463 §3.4 (X.3.4: "the message
/// is larger than per-message size limit").
pub fn list_too_large(limit: u64) -> Reply {
    reply_with(
        552,
        5,
        3,
        4,
        format!("The list takes messages up to {limit} octets"),
    )
}

/// `550 5.7.1`: a signed-in user may not use the null sender `MAIL FROM:<>` (it is for
/// delivery reports, RFC 5321 §4.5.5). RFC 3463 §3.8 (X.7.1).
pub const NULL_SENDER_NOT_ALLOWED: Reply =
    reply(550, 5, 7, 1, "The null sender is not for signed-in users");

/// `550 5.7.1`: the kill file refuses the sender. RFC 5321 §4.2.2, RFC 3463 §3.8.
pub const SENDER_REFUSED: Reply = reply(550, 5, 7, 1, "Sender refused");

/// `451 4.3.0`: a lookup for MAIL failed on this side. RFC 5321 §4.2.2, RFC 3463 §3.4.
pub const TEMPORARY_FAILURE: Reply = reply(451, 4, 3, 0, "Temporary failure");

/// `552 5.3.4`: the declared SIZE, or the message itself, is over the limit. RFC 1870
/// §6.1, §6.3; RFC 3463 §3.4 (X.3.4, message too big for system).
pub const MESSAGE_TOO_BIG: Reply = reply(552, 5, 3, 4, "Message size exceeds the limit");

// RCPT TO (RFC 5321 §4.1.1.3).

/// `250 2.1.5`: a local recipient is accepted. RFC 3463 §3.2 (X.1.5, destination
/// address valid).
pub const RECIPIENT_OK: Reply = reply(250, 2, 1, 5, "Recipient OK");

/// `250 2.1.5`: a remote recipient is accepted for relaying. RFC 5321 §3.6.1.
pub const RECIPIENT_OK_RELAY: Reply = reply(250, 2, 1, 5, "Recipient OK, will relay");

/// `452 4.5.3`: more recipients than the limit. RFC 5321 §4.5.3.1.10, RFC 3463 §3.6
/// (X.5.3).
pub const TOO_MANY_RECIPIENTS: Reply = reply(452, 4, 5, 3, "Too many recipients");

/// `550 5.1.1`: no such account or alias. RFC 3463 §3.2 (X.1.1).
pub const NO_SUCH_USER: Reply = reply(550, 5, 1, 1, "No such user here");

/// `550 5.2.1`: the account is disabled. RFC 3463 §3.3 (X.2.1).
pub const MAILBOX_DISABLED: Reply = reply(550, 5, 2, 1, "Mailbox disabled");

/// `550 5.4.6`: the aliases nest deeper than the limit. RFC 3463 §3.5 (X.4.6, routing
/// loop detected).
pub const ALIAS_LOOP: Reply = reply(550, 5, 4, 6, "Alias loop detected");

/// `452 4.2.2`: a recipient's mailbox is over its quota; temporary, since it may be
/// emptied. RFC 3463 §3.3 (X.2.2).
pub const MAILBOX_FULL_TEMPORARY: Reply = reply(452, 4, 2, 2, "Mailbox full");

/// `451 4.3.0`: a recipient lookup failed on this side. RFC 3463 §3.4.
pub const TEMPORARY_LOOKUP_FAILURE: Reply = reply(451, 4, 3, 0, "Temporary lookup failure");

/// `550 5.7.1`: a kill-file entry of the recipient's domain refuses the sender. RFC 3463
/// §3.8.
pub const SENDER_REFUSED_BY_DOMAIN: Reply =
    reply(550, 5, 7, 1, "Sender refused by the recipient's domain");

/// `550 5.7.1`: the relay policy does not let this client send to that domain.
/// RFC 5321 §3.6.1, RFC 3463 §3.8.
pub const RELAY_DENIED: Reply = reply(550, 5, 7, 1, "Relaying denied");

// DATA (RFC 5321 §4.1.1.4) and BDAT (RFC 3030 §2).

/// `354`: send the message. RFC 5321 §4.1.1.4, §4.2.2.
pub const START_MAIL_INPUT: Reply =
    Reply::new(354, None, "Start mail input; end with <CRLF>.<CRLF>");

/// `500 5.5.6`: a line of the message is longer than the limit. RFC 5321 §4.5.3.1.6;
/// X.5.6 is the "line too long" code of RFC 4954 §4.
pub const DATA_LINE_TOO_LONG: Reply = reply(500, 5, 5, 6, "A line of the message is too long");

/// `250 2.0.0 <n> octets received`: a BDAT chunk that is not the last. RFC 3030 §2.
pub fn chunk_received(size: usize) -> Reply {
    reply_with(250, 2, 0, 0, format!("{size} octets received"))
}

/// `250 2.0.0 OK, queued as <id>`: the message is durable. RFC 5321 §4.1.1.4,
/// RFC 3463 §3.1.
pub fn queued(id: &str) -> Reply {
    reply_with(250, 2, 0, 0, format!("OK, queued as {id}"))
}

/// `554 5.4.6`: too many Received fields, the message loops. RFC 5321 §6.3, RFC 3463
/// §3.5 (X.4.6).
pub const TOO_MANY_HOPS: Reply = reply(554, 5, 4, 6, "Too many hops, mail loop?");

/// `550 5.7.1`: the sender's domain publishes DMARC `p=reject` and the message fails.
/// RFC 7489 §6.3, RFC 3463 §3.8.
pub const DMARC_REJECT: Reply = reply(
    550,
    5,
    7,
    1,
    "Rejected by the DMARC policy of the sender's domain",
);

/// `552 5.2.2`: a mailbox went over its quota while the message came in. RFC 3463 §3.3
/// (X.2.2).
pub const MAILBOX_FULL: Reply = reply(552, 5, 2, 2, "Mailbox full");

/// `550 5.1.1`: a recipient was removed while the message came in. RFC 3463 §3.2.
pub const RECIPIENT_GONE: Reply = reply(550, 5, 1, 1, "A recipient no longer exists");

/// `451 4.3.0`: delivery failed on this side. RFC 5321 §4.2.2, RFC 3463 §3.4.
pub const TRY_AGAIN_LATER: Reply = reply(451, 4, 3, 0, "Temporary failure, try again later");
