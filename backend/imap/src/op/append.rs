//! APPEND, RFC 9051 §6.3.12, with MULTIAPPEND (RFC 3502: all messages or none),
//! APPENDUID (RFC 9051 §7.1), the `UTF8 (literal8)` data item (RFC 6855 §4, parsed
//! into the same message) and CATENATE (RFC 4469, `catenate.rs`). Messages are stored through `osprey-mail`, the one path
//! every message takes into the store. Oversized literals are refused by the framer
//! with `NO [TOOBIG]` before the client sends them (RFC 7889 §4).

use chrono::{DateTime as ChronoDateTime, FixedOffset, NaiveDate, Utc};
use osprey_mail::{AppendRequest, DeliveryError};
use osprey_proto::imap::{AppendMessage, CatPart, Code, DateTime, Mailbox, SequenceSet};
use osprey_store::StoreError;

use crate::{
    message::flag_bits,
    op::{Completion, OpResult},
    session::{Session, State},
};

/// An IMAP `date-time` as a UTC instant; `None` if it is not a real date.
fn instant(d: &DateTime) -> Option<ChronoDateTime<Utc>> {
    let date = NaiveDate::from_ymd_opt(
        i32::from(d.date.year),
        u32::from(d.date.month),
        u32::from(d.date.day),
    )?;
    let local = date.and_hms_opt(u32::from(d.hour), u32::from(d.minute), u32::from(d.second))?;
    let zone = FixedOffset::east_opt(i32::from(d.zone_minutes) * 60)?;
    Some(local.and_local_timezone(zone).single()?.with_timezone(&Utc))
}

impl Session {
    pub(crate) async fn append(&mut self, m: &Mailbox, messages: Vec<AppendMessage>) -> OpResult {
        let name = self.mailbox_arg(m)?;
        // Header fields with 8-bit octets are stored as sent, UTF-8 enabled or not: a
        // deliberate departure from RFC 6855 §4's "MUST reject" (ordinary legacy mail
        // has raw 8-bit headers, and refusing it loses mail), as mainstream servers do.
        // What goes back out to a client without UTF-8 is limited by the writer
        // (RFC 6855 §3: 8-bit strings as literals).
        let account_id = self.account().id.clone();
        let mb = match self
            .server
            .store
            .messages()
            .mailbox_by_name(&account_id, &name)
            .await
        {
            Ok(mb) => mb,
            Err(StoreError::NotFound) => {
                // RFC 9051 §6.3.12: the client may create the mailbox and try again.
                return Err(Completion::no(Some(Code::TryCreate), "no such mailbox"));
            }
            Err(e) => {
                return Err(Completion::store_failed(&e));
            }
        };
        let mut requests = Vec::with_capacity(messages.len());
        for mut msg in messages {
            // RFC 4469 §5: a CATENATE message is made here, from its parts.
            let exact = msg.binary
                || msg
                    .catenate
                    .iter()
                    .any(|p| matches!(p, CatPart::Text { binary: true, .. }));
            if !msg.catenate.is_empty() {
                msg.data = self.catenate(&msg.catenate).await?;
            }
            if msg.data.len() as u64 > self.config.append_limit {
                return Err(Completion::no(Some(Code::TooBig), "message too big"));
            }
            let internal_date = match &msg.date {
                None => Utc::now(),
                Some(d) => match instant(d) {
                    Some(t) => t,
                    None => {
                        return Err(Completion::bad(None, "invalid date-time"));
                    }
                },
            };
            let (flags, keywords) = flag_bits(&msg.flags);
            requests.push(AppendRequest {
                // RFC 3516 §4.4: a message sent as literal8 is binary data, kept octet
                // for octet (a bare LF is data, not a line end to repair).
                exact,
                message: msg.data,
                flags,
                keywords,
                internal_date,
            });
        }
        // RFC 3501 §2.3.2: a message is recent in the first session notified of it. An
        // IMAP4rev1 session that has the mailbox open read-write is told of these at the
        // end of this command, so it claims them with the append, in the same write.
        let claim = match &self.state {
            State::Selected { mailbox, .. } => {
                mailbox.mailbox.id == mb.id && mailbox.recent.claims()
            }
            _ => false,
        };
        let delivery = &self.server.delivery;
        let done = if claim {
            delivery
                .append_claiming_recent(&account_id, &mb.id, requests)
                .await
                .map(|(appended, claimed)| (appended, Some(claimed)))
        } else {
            delivery
                .append(&account_id, &mb.id, requests)
                .await
                .map(|appended| (appended, None))
        };
        match done {
            Ok((appended, claimed)) => {
                let uids: Vec<u32> = appended.iter().map(|a| a.uid).collect();
                if let State::Selected { mailbox, .. } = &mut self.state
                    && mailbox.mailbox.id == mb.id
                {
                    if let Some(range) = claimed {
                        mailbox.recent.add(range);
                    }
                    mailbox.touch();
                }
                let code = Code::AppendUid {
                    uidvalidity: mb.uidvalidity,
                    uids: SequenceSet::from_numbers(&uids),
                };
                Ok(Completion::ok(Some(code), "APPEND completed"))
            }
            Err(DeliveryError::OverQuota) => Err(Completion::no(
                Some(Code::OverQuota),
                "the mailbox is over its quota",
            )),
            Err(DeliveryError::Store(e)) => Err(Completion::store_failed(&e)),
            Err(DeliveryError::UnknownRecipient(_)) => {
                Err(Completion::no(Some(Code::TryCreate), "no such mailbox"))
            }
            // APPEND stores into the user's own mailbox: no sender is checked.
            Err(DeliveryError::SenderRefused(_) | DeliveryError::Rejected(_)) => {
                Err(Completion::no(None, "the message was refused"))
            }
        }
    }
}
