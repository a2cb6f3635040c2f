//! DATA (RFC 5321 §4.1.1.4) and BDAT (RFC 3030), and the delivery that ends both: trace
//! headers (§4.4), the hop count (§6.3), then local delivery. `250` only once durable.

use chrono::Utc;
use osprey_mail::{
    DeliveryError,
    auth::{DmarcPolicy, DmarcVerdict, Received},
};

use crate::{
    reply::Reply,
    server::Listener,
    session::{Envelope, Next, Session},
};
use osprey_net::Line;

/// Longest line inside DATA. RFC 5321 §4.5.3.1.6 allows 1000; real mail has longer.
const MAX_DATA_LINE: usize = 64 * 1024;

impl Session {
    fn ready_for_data(&mut self) -> Result<(), Next> {
        match &self.envelope {
            None => Err(self.bad(Reply::new(503, "5.5.1", "Send MAIL first"))),
            Some(e) if e.rcpts.is_empty() => {
                Err(self.bad(Reply::new(554, "5.5.1", "No valid recipients")))
            }
            Some(_) => Ok(()),
        }
    }

    pub(crate) async fn data(&mut self) -> Next {
        if let Err(next) = self.ready_for_data() {
            return next;
        }
        if self.envelope.as_ref().is_some_and(|e| e.chunks.is_some()) {
            return self.bad(Reply::new(503, "5.5.1", "DATA after BDAT"));
        }
        self.reply(Reply::new(
            354,
            "",
            "Start mail input; end with <CRLF>.<CRLF>",
        ));
        if self.flush().await.is_err() {
            return Next::Close;
        }
        let max = self.server.config.max_message_size;
        let mut message = Vec::with_capacity(8 * 1024);
        let mut too_big = false;
        let mut too_long_line = false;
        loop {
            let line = match self.read_line(MAX_DATA_LINE).await {
                None => return Next::Close,
                Some(Line::Eof) => return Next::Close,
                Some(Line::TooLong) => {
                    too_long_line = true;
                    continue;
                }
                Some(Line::Line(l)) => l,
            };
            if line == b"." {
                break;
            }
            // RFC 5321 §4.5.2: remove one leading dot.
            let line = line.strip_prefix(b".").unwrap_or(&line);
            if message.len() + line.len() + 2 > max {
                too_big = true;
                continue;
            }
            message.extend_from_slice(line);
            message.extend_from_slice(b"\r\n");
        }
        let envelope = self.envelope.take().expect("checked above");
        if too_big {
            return self.reply(Reply::new(552, "5.3.4", "Message size exceeds the limit"));
        }
        if too_long_line {
            return self.reply(Reply::new(
                500,
                "5.5.6",
                "A line of the message is too long",
            ));
        }
        self.deliver(envelope, message).await
    }

    pub(crate) async fn bdat(&mut self, size: usize, last: bool) -> Next {
        if let Err(next) = self.ready_for_data() {
            // The chunk follows the command whatever we answer: skip it.
            if self.discard(size).await.is_none() {
                return Next::Close;
            }
            return next;
        }
        let max = self.server.config.max_message_size;
        let envelope = self.envelope.as_mut().expect("checked above");
        let received = envelope.chunks.get_or_insert_with(Vec::new).len();
        let fits = !envelope.chunks_too_big && received + size <= max;
        if fits {
            let mut chunk = std::mem::take(envelope.chunks.as_mut().expect("set above"));
            if self.read_exact(size, &mut chunk).await.is_none() {
                return Next::Close;
            }
            if let Some(e) = self.envelope.as_mut() {
                e.chunks = Some(chunk);
            }
        } else {
            envelope.chunks_too_big = true;
            if self.discard(size).await.is_none() {
                return Next::Close;
            }
        }
        if !last {
            if !fits {
                return self.reply(Reply::new(552, "5.3.4", "Message size exceeds the limit"));
            }
            return self.reply(Reply::new(250, "2.0.0", format!("{size} octets received")));
        }
        let mut envelope = self.envelope.take().expect("checked above");
        if envelope.chunks_too_big {
            return self.reply(Reply::new(552, "5.3.4", "Message size exceeds the limit"));
        }
        let message = envelope.chunks.take().unwrap_or_default();
        self.deliver(envelope, message).await
    }

    async fn deliver(&mut self, envelope: Envelope, mut body: Vec<u8>) -> Next {
        if hops(&body) >= self.server.config.max_hops {
            // RFC 5321 §6.3: a message that has passed too many relays loops.
            return self.reply(Reply::new(554, "5.4.6", "Too many hops, mail loop?"));
        }
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).expect("the OS random source works");
        let id = format!("{:016x}", u64::from_be_bytes(id));
        let mut mailbox = "INBOX";
        let mut message = self.return_path(&envelope).into_bytes();
        if let Some(checks) = self
            .server
            .checks
            .as_ref()
            .filter(|_| self.server.listener == Listener::Mx && self.account.is_none())
        {
            let stripped = strip_own_results(&body, &self.server.config.hostname);
            let verdict = checks
                .check(&Received {
                    client_ip: self.conn().peer().ip(),
                    helo: self.helo.as_deref().unwrap_or(""),
                    mail_from: &envelope.accepted.sender,
                    message: &stripped,
                })
                .await;
            if self.server.config.dmarc_enforce {
                match verdict.dmarc {
                    DmarcVerdict::Fail(DmarcPolicy::Reject) => {
                        // RFC 7489 §6.3, §7.3: refused during the SMTP transaction.
                        return self.reply(Reply::new(
                            550,
                            "5.7.1",
                            "Rejected by the DMARC policy of the sender's domain",
                        ));
                    }
                    DmarcVerdict::Fail(DmarcPolicy::Quarantine) => mailbox = "Junk",
                    _ => {}
                }
            }
            message.extend_from_slice(verdict.header.as_bytes());
            body = stripped;
        }
        message.extend_from_slice(self.received(&envelope, &id).as_bytes());
        message.extend_from_slice(&body);
        let delivered = self.store_message(&envelope, &message, mailbox).await;
        match delivered {
            Ok(()) => self.reply(Reply::new(250, "2.0.0", format!("OK, queued as {id}"))),
            Err(DeliveryError::OverQuota) => self.reply(Reply::new(552, "5.2.2", "Mailbox full")),
            Err(DeliveryError::UnknownRecipient(_)) => {
                self.reply(Reply::new(550, "5.1.1", "A recipient no longer exists"))
            }
            Err(DeliveryError::Store(e)) => {
                tracing::error!(error = %e, "delivery failed");
                self.reply(Reply::new(
                    451,
                    "4.3.0",
                    "Temporary failure, try again later",
                ))
            }
        }
    }

    /// Local recipients get the message in their INBOX, remote ones through the queue,
    /// in one transaction; durable before this returns `Ok`.
    async fn store_message(
        &self,
        envelope: &Envelope,
        message: &[u8],
        mailbox: &str,
    ) -> Result<(), DeliveryError> {
        self.server
            .submission
            .submit(&envelope.accepted, message, mailbox)
            .await
            .map(drop)
    }

    /// Return-Path (RFC 5321 §4.4).
    fn return_path(&self, envelope: &Envelope) -> String {
        format!("Return-Path: <{}>\r\n", envelope.accepted.sender)
    }

    /// Received (RFC 5321 §4.4) with the protocol name of RFC 3848.
    fn received(&self, envelope: &Envelope, id: &str) -> String {
        let tls = self.conn().is_tls();
        let with = match (self.esmtp, tls, self.account.is_some()) {
            (false, _, _) => "SMTP",
            (true, false, false) => "ESMTP",
            (true, false, true) => "ESMTPA",
            (true, true, false) => "ESMTPS",
            (true, true, true) => "ESMTPSA",
        };
        let helo = self.helo.as_deref().unwrap_or("unknown");
        let ip = self.conn().peer().ip();
        let host = &self.server.config.hostname;
        let for_clause = match envelope.rcpts.as_slice() {
            [one] => format!("\r\n\tfor <{one}>"),
            _ => String::new(),
        };
        format!(
            "Received: from {helo} ([{ip}])\r\n\tby {host} (Osprey) with {with} id {id}{for_clause};\r\n\t{}\r\n",
            Utc::now().to_rfc2822()
        )
    }
}

/// The message without Authentication-Results fields that claim to come from this
/// server: only this server may write those (RFC 8601 §5).
fn strip_own_results(message: &[u8], hostname: &str) -> Vec<u8> {
    let end = osprey_mail::message::fields_end(message);
    let (head, body) = message.split_at(end);
    let mut out = Vec::with_capacity(message.len());
    let mut dropping = false;
    for line in head.split_inclusive(|&b| b == b'\n') {
        let continuation = matches!(line.first(), Some(b' ' | b'\t'));
        if !continuation {
            dropping = line
                .get(..23)
                .is_some_and(|n| n.eq_ignore_ascii_case(b"authentication-results:"))
                && String::from_utf8_lossy(&line[23..])
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with(&hostname.to_ascii_lowercase());
        }
        if !dropping {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(body);
    out
}

/// How many Received headers the message's header section has.
fn hops(message: &[u8]) -> usize {
    let end = osprey_mail::message::fields_end(message);
    message[..end]
        .split(|&b| b == b'\n')
        .filter(|l| l.len() >= 9 && l[..9].eq_ignore_ascii_case(b"received:"))
        .count()
}
