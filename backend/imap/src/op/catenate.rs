//! CATENATE, RFC 4469: an APPEND message made of literal text and of messages or parts
//! already in the account, named by IMAP URLs (RFC 5092). A URL resolves only to this
//! account's own messages: relative URLs to the selected mailbox (RFC 4469 §5: the base
//! is the selected mailbox's URL), a user other than the client's, a UIDVALIDITY that
//! changed, a message or part that does not exist, URLAUTH: `NO [BADURL url]`.

use osprey_mail::message::ParsedMessage;
use osprey_proto::imap::{CatPart, Code, MessageUrl, parse_message_url};
use osprey_store::StoreError;

use crate::{
    message::{part, section},
    op::Completion,
    session::{Session, State},
};

/// `NO [BADURL url]`, RFC 4469 §6.
fn bad_url(url: &str, why: &'static str) -> Completion {
    Completion::no(
        Some(Code::Other("BADURL".into(), Some(url.to_owned()))),
        why,
    )
}

impl Session {
    /// The message `parts` make, one after the other; `NO [BADURL]` for a URL that does
    /// not resolve, `NO [TOOBIG]` past APPENDLIMIT (RFC 4469 §6).
    pub(crate) async fn catenate(&mut self, parts: &[CatPart]) -> Result<Vec<u8>, Completion> {
        let limit = usize::try_from(self.config.append_limit).unwrap_or(usize::MAX);
        let mut out = Vec::new();
        for p in parts {
            match p {
                CatPart::Text { data, .. } => out.extend_from_slice(data),
                CatPart::Url(url) => {
                    let Some(parsed) = parse_message_url(url) else {
                        return Err(bad_url(url, "not a URL of a message or part"));
                    };
                    out.extend(self.url_data(url, &parsed).await?);
                }
            }
            if out.len() > limit {
                return Err(Completion::no(Some(Code::TooBig), "message too big"));
            }
        }
        Ok(out)
    }

    /// The octets `url` names, as FETCH BODY[section]<partial> would give them.
    async fn url_data(&mut self, url: &str, u: &MessageUrl) -> Result<Vec<u8>, Completion> {
        let account = self.account();
        if u.user
            .as_ref()
            .is_some_and(|user| !user.eq_ignore_ascii_case(&account.address()))
        {
            return Err(bad_url(url, "the URL names another user"));
        }
        let account_id = account.id.clone();
        let store = self.server.store.clone();
        let mailbox = match (&u.mailbox, &self.state) {
            (Some(name), _) => match store.messages().mailbox_by_name(&account_id, name).await {
                Ok(mb) => mb,
                Err(StoreError::NotFound) => return Err(bad_url(url, "no such mailbox")),
                Err(e) => return Err(Completion::store_failed(&e)),
            },
            (None, State::Selected { mailbox, .. }) => mailbox.mailbox.clone(),
            (None, _) => return Err(bad_url(url, "a relative URL needs a selected mailbox")),
        };
        if u.uidvalidity.is_some_and(|v| v != mailbox.uidvalidity) {
            return Err(bad_url(url, "the mailbox's UIDVALIDITY changed"));
        }
        let found = store
            .messages()
            .messages_after(&mailbox.id, u.uid - 1, 1)
            .await
            .map_err(|e| Completion::store_failed(&e))?;
        let Some(msg) = found.into_iter().find(|m| m.uid == u.uid) else {
            return Err(bad_url(url, "no such message"));
        };
        let raw = match self.server.blobs.get(&msg.blob_hash).await {
            Ok(raw) => raw,
            Err(e) => {
                tracing::error!(error = %e, blob = %msg.blob_hash, "message body unreadable");
                return Err(Completion::no(Some(Code::ServerBug), "message unreadable"));
            }
        };
        let parsed = ParsedMessage::parse(&raw);
        let data = match &u.section {
            None => raw.clone(),
            Some(s) => {
                if !s.part.is_empty() && part(parsed.tree(), &s.part).is_none() {
                    return Err(bad_url(url, "no such part"));
                }
                section(&parsed, s)
            }
        };
        Ok(match u.partial {
            None => data,
            Some(p) => {
                let start = (p.origin as usize).min(data.len());
                let end = p
                    .length
                    .map_or(data.len(), |l| start.saturating_add(l as usize))
                    .min(data.len());
                data[start..end].to_vec()
            }
        })
    }
}
