//! Replies and forwards as a mail client starts them: the recipients (the account's own
//! addresses left out of a reply to all), `Re:` or `Fwd:` before the subject's base
//! (never `Re: Re:`), the original quoted under an attribution line, or forwarded with
//! its attachments or as a whole `message/rfc822`.

use osprey_store::AccountRecord;

use super::{
    AttachedRef, ComposeError, Composer, DraftView,
    drafts::{listed_at, written_named},
    parse_named,
};
use crate::{
    SenderRight,
    message::base_subject,
    reading::{self, AttachmentInfo, Named, ReadMessage},
};

/// How to start from a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    /// To its Reply-To, or its sender.
    Reply,
    /// Also to its other recipients, the account's own addresses left out.
    ReplyAll,
    /// Its text quoted in the body, its attachments attached.
    Forward,
    /// The whole message attached as `message/rfc822`.
    ForwardAttached,
}

impl Composer {
    /// A new message answering or forwarding the account's message `id`.
    pub async fn start_from(
        &self,
        account: &AccountRecord,
        id: &str,
        mode: ReplyMode,
    ) -> Result<DraftView, ComposeError> {
        let m = self.own_message(account, id).await?;
        let raw = self.submission.delivery().blobs().get(&m.blob_hash).await?;
        let r = reading::read(&raw);
        let base = base_subject(r.subject.as_deref().unwrap_or("")).0;
        let mut view = DraftView::default();
        let fields = &mut view.fields;
        match mode {
            ReplyMode::Reply | ReplyMode::ReplyAll => {
                fields.in_reply_to = Some(m.id.clone());
                fields.subject = format!("Re: {base}");
                let to_whom = if r.reply_to.is_empty() {
                    &r.from
                } else {
                    &r.reply_to
                };
                let mut to: Vec<String> = to_whom.iter().filter_map(written_named).collect();
                let mut cc = Vec::new();
                if mode == ReplyMode::ReplyAll {
                    to.extend(r.to.iter().filter_map(written_named));
                    cc.extend(r.cc.iter().filter_map(written_named));
                }
                let mut seen = Vec::new();
                fields.to = self.others(account, to, &mut seen).await?;
                fields.cc = self.others(account, cc, &mut seen).await?;
                // Answering one's own message goes to its recipients.
                if fields.to.is_empty() && fields.cc.is_empty() {
                    fields.to = r.to.iter().filter_map(written_named).collect();
                }
                fields.text = quoted(&r);
            }
            ReplyMode::Forward => {
                fields.forward_of = Some(m.id.clone());
                fields.subject = format!("Fwd: {base}");
                fields.text = forwarded(&r);
                view.attachments = listed_at(&m.id, r.attachments.clone());
                fields.attached = view.attachments.iter().map(|a| a.at.clone()).collect();
            }
            ReplyMode::ForwardAttached => {
                fields.forward_of = Some(m.id.clone());
                fields.subject = format!("Fwd: {base}");
                let at = AttachedRef {
                    message: m.id.clone(),
                    index: None,
                };
                fields.attached = vec![at.clone()];
                view.attachments = vec![super::ListedAttachment {
                    at,
                    info: AttachmentInfo {
                        index: 0,
                        name: Some(format!("{}.eml", base.trim())),
                        content_type: "message/rfc822".into(),
                        size: m.size,
                    },
                }];
            }
        }
        Ok(view)
    }

    /// `list` without the account's own addresses and without repeats (`seen`).
    async fn others(
        &self,
        account: &AccountRecord,
        list: Vec<String>,
        seen: &mut Vec<String>,
    ) -> Result<Vec<String>, ComposeError> {
        let mut out = Vec::new();
        for typed in list {
            let Some(a) = parse_named(&typed) else {
                continue;
            };
            let key = a.address.key();
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let own = self
                .submission
                .sender_right(account, &a.address.to_string())
                .await?
                == Some(SenderRight::Owned);
            if !own {
                out.push(typed);
            }
        }
        Ok(out)
    }
}

/// Who wrote `r`, for an attribution line.
fn author(r: &ReadMessage) -> String {
    r.from
        .first()
        .map(|n: &Named| match (&n.name, &n.address) {
            (Some(name), Some(a)) if !name.trim().is_empty() => format!("{name} <{a}>"),
            (_, Some(a)) => a.clone(),
            (Some(name), None) => name.clone(),
            (None, None) => "someone".into(),
        })
        .unwrap_or_else(|| "someone".into())
}

fn when(r: &ReadMessage) -> Option<String> {
    r.date
        .map(|d| d.format("%a, %-d %b %Y at %H:%M UTC").to_string())
}

/// Two empty lines for the answer, then `On <date>, <author> wrote:` and the text with
/// `> ` before each line (`>` alone before a line already quoted, RFC 3676 §4.5).
fn quoted(r: &ReadMessage) -> String {
    let mut out = String::from("\n\n");
    match when(r) {
        Some(date) => out.push_str(&format!("On {date}, {} wrote:\n", author(r))),
        None => out.push_str(&format!("{} wrote:\n", author(r))),
    }
    for line in r.text.trim_end().lines() {
        if line.starts_with('>') {
            out.push('>');
        } else {
            out.push_str("> ");
        }
        out.push_str(line.trim_end_matches('\r'));
        out.push('\n');
    }
    out
}

/// The forwarded message's header fields and text, under a separator line.
fn forwarded(r: &ReadMessage) -> String {
    let list = |l: &[Named]| {
        l.iter()
            .filter_map(written_named)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::from("\n\n---------- Forwarded message ----------\n");
    out.push_str(&format!("From: {}\n", list(&r.from)));
    if let Some(date) = when(r) {
        out.push_str(&format!("Date: {date}\n"));
    }
    out.push_str(&format!(
        "Subject: {}\n",
        r.subject.as_deref().unwrap_or("")
    ));
    out.push_str(&format!("To: {}\n", list(&r.to)));
    if !r.cc.is_empty() {
        out.push_str(&format!("Cc: {}\n", list(&r.cc)));
    }
    out.push('\n');
    out.push_str(r.text.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_marks_every_line_and_deepens_quotes() {
        let r = ReadMessage {
            from: vec![Named {
                name: Some("Ann".into()),
                address: Some("ann@example.com".into()),
            }],
            text: "Hi\r\n> earlier\r\n".into(),
            ..ReadMessage::default()
        };
        assert_eq!(
            quoted(&r),
            "\n\nAnn <ann@example.com> wrote:\n> Hi\n>> earlier\n"
        );
    }
}
