//! DATA (RFC 5321 §4.1.1.4) and BDAT (RFC 3030), and the delivery that ends both: trace
//! headers (§4.4), the hop count (§6.3), then local delivery. `250` only once durable.

use chrono::Utc;
use osprey_core::activity::{self, Count};
use osprey_mail::{
    DeliveryError,
    auth::{DmarcPolicy, DmarcVerdict, Received},
};

use osprey_net::Line;
use osprey_proto::smtp::{Reply, replies};

use crate::{
    error::SmtpError,
    server::Listener,
    session::{Envelope, Session},
    wire::{DataError, DataReader, MAX_DATA_LINE},
};

impl Session {
    /// DATA; `op::allowed` has checked that recipients were accepted.
    pub(crate) async fn data(&mut self) -> Result<Reply, SmtpError> {
        self.send(&replies::START_MAIL_INPUT);
        if self.flush().await.is_err() {
            return Err(SmtpError::gone());
        }
        let mut body = DataReader::new(self.config.max_message_size);
        loop {
            match self.read_line(MAX_DATA_LINE).await? {
                Line::Eof => return Err(SmtpError::gone()),
                Line::TooLong => body.line_too_long(),
                Line::Line(l) => {
                    if body.line(&l) {
                        break;
                    }
                }
            }
        }
        let envelope = self
            .end_transaction()
            .expect("op::allowed admits DATA in a transaction");
        let message = match body.finish() {
            Ok(m) => m,
            Err(DataError::TooBig) => return Err(replies::MESSAGE_TOO_BIG.into()),
            Err(DataError::LineTooLong) => return Err(replies::DATA_LINE_TOO_LONG.into()),
        };
        self.deliver(envelope, message).await
    }

    /// BDAT; `op::allowed` has checked that recipients were accepted (and skipped the
    /// chunk of a refused BDAT).
    pub(crate) async fn bdat(&mut self, size: usize, last: bool) -> Result<Reply, SmtpError> {
        self.chunks_started();
        let max = self.config.max_message_size;
        let envelope = self
            .envelope_mut()
            .expect("op::allowed admits BDAT in a transaction");
        let received = envelope.chunks.len();
        let fits = !envelope.chunks_too_big && received + size <= max;
        if fits {
            let mut chunk = std::mem::take(&mut envelope.chunks);
            self.read_exact(size, &mut chunk).await?;
            if let Some(e) = self.envelope_mut() {
                e.chunks = chunk;
            }
        } else {
            envelope.chunks_too_big = true;
            self.discard(size).await?;
        }
        if !last {
            if !fits {
                return Err(replies::MESSAGE_TOO_BIG.into());
            }
            return Ok(replies::chunk_received(size));
        }
        let mut envelope = self.end_transaction().expect("in a transaction above");
        if envelope.chunks_too_big {
            return Err(replies::MESSAGE_TOO_BIG.into());
        }
        let message = std::mem::take(&mut envelope.chunks);
        self.deliver(envelope, message).await
    }

    async fn deliver(&mut self, envelope: Envelope, mut body: Vec<u8>) -> Result<Reply, SmtpError> {
        if hops(&body) >= self.config.max_hops {
            // RFC 5321 §6.3: a message that has passed too many relays loops.
            return Err(replies::TOO_MANY_HOPS.into());
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
            let stripped = strip_own_results(&body, &self.config.hostname);
            let verdict = checks
                .check(&Received {
                    client_ip: self.conn().peer().ip(),
                    helo: self.helo.as_deref().unwrap_or(""),
                    mail_from: &envelope.accepted.sender,
                    message: &stripped,
                })
                .await;
            // RFC 5321 §4.5.1: mail to the postmaster alone is never refused.
            if self.config.dmarc_enforce && envelope.ordinary_rcpts > 0 {
                match verdict.dmarc {
                    DmarcVerdict::Fail(DmarcPolicy::Reject) => {
                        // RFC 7489 §6.3, §7.3: refused during the SMTP transaction.
                        return Err(replies::DMARC_REJECT.into());
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
            Ok(()) => {
                // Mail from a signed-in user is counted where it is submitted.
                if self.account.is_none() {
                    activity::count(Count::Received);
                    activity::rank_sender(&envelope.accepted.sender);
                }
                Ok(replies::queued(&id))
            }
            Err(DeliveryError::OverQuota) => Err(replies::MAILBOX_FULL.into()),
            Err(DeliveryError::UnknownRecipient(_)) => Err(replies::RECIPIENT_GONE.into()),
            Err(DeliveryError::SenderRefused(r)) => Err(super::mail::sender_refused(&r).into()),
            Err(DeliveryError::Rejected(text)) => Err(replies::rejected_by_rules(&text).into()),
            Err(DeliveryError::Store(e)) => Err(SmtpError::internal(
                replies::TRY_AGAIN_LATER,
                "delivery failed",
                e,
            )),
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
        let host = &self.config.hostname;
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
