//! The list server in the mail flow: the verdict for a list's address at RCPT, and the
//! distribution of a taken post to the members (the copy made once, local members
//! delivered through their rules, the others queued, in one submission, signed with the
//! list domain's DKIM key).

use std::collections::HashMap;

use osprey_core::Address;
use osprey_mail::{
    Client, DeliveryError, Envelope, ListHook, ListTarget, QueueOptions, Refusal, Submission,
    Verdict,
    auth::{DmarcPolicy, MessageChecks},
    lists::BoxFuture,
    message::normalize_crlf,
};
use osprey_store::{ListRecord, NewQueuedRecipient, Store, StoreError};

use crate::{
    post::{
        ListIdentity, disallowed_attachment, has_been_here, list_copy, refusal, rewrite_from,
        without_unsubscribe,
    },
    settings::{FromRewrite, ListSettings},
};

/// How many members a distribution reads at a time.
const ROSTER_PAGE: u64 = 1_000;

/// The roles of a list's addresses: `team@` takes posts, `team-owner@` reaches the
/// owners, the others take mail commands and bounces.
pub const ROLES: [(&str, &str); 6] = [
    ("", "post"),
    ("-request", "request"),
    ("-owner", "owner"),
    ("-bounces", "bounces"),
    ("-subscribe", "subscribe"),
    ("-unsubscribe", "unsubscribe"),
];

/// The list server.
#[derive(Clone)]
pub struct ListServer {
    store: Store,
    /// Without the list server: members are accounts, aliases and remote addresses.
    submission: Submission,
    /// Where the web app is reached (`https://mail.example.com`), for the one-click
    /// unsubscription URL of each member; `None`: members get the `mailto:` only.
    web_url: Option<String>,
    /// Where authors' DMARC policies are read (for `FromRewrite::Dmarc`); `None`: no
    /// policy is known, so From is rewritten only where a list always rewrites it.
    dmarc: Option<MessageChecks>,
}

impl ListServer {
    /// The list server over `submission`'s store, distributing through it.
    pub fn new(submission: &Submission) -> Self {
        Self {
            store: submission.delivery().store().clone(),
            submission: submission.without_lists(),
            web_url: None,
            dmarc: None,
        }
    }

    /// Reads authors' DMARC policies through `checks`.
    pub fn with_dmarc(mut self, checks: MessageChecks) -> Self {
        self.dmarc = Some(checks);
        self
    }

    /// Returns `true` if and only if the list's copy of `post` gets the list's From:
    /// always or never as the list says, or by default when the author's domain (not
    /// the list's own, which signs the copy) publishes `p=reject` or `p=quarantine`.
    async fn rewrites_from(&self, list: &ListRecord, settings: &ListSettings, post: &[u8]) -> bool {
        match settings.from_rewrite {
            FromRewrite::Never => false,
            FromRewrite::Always => true,
            FromRewrite::Dmarc => {
                // Without DNS checks no policy is known: the post is not parsed.
                let Some(checks) = &self.dmarc else {
                    return false;
                };
                let from = osprey_mail::summarize(post).from_addr.unwrap_or_default();
                let Some((_, domain)) = from.rsplit_once('@') else {
                    return false;
                };
                !domain.eq_ignore_ascii_case(&list.domain)
                    && matches!(
                        checks.published_policy(domain).await,
                        Some(DmarcPolicy::Reject | DmarcPolicy::Quarantine)
                    )
            }
        }
    }

    /// Where the list's archive is read: its public page, or the web app's page for
    /// members; `None` without an archive or the web app's address.
    fn archive_url(&self, list: &ListRecord, settings: &ListSettings) -> Option<String> {
        let web = self.web_url.as_deref()?;
        match settings.archive {
            crate::settings::ArchivePolicy::Off => None,
            crate::settings::ArchivePolicy::Public => {
                Some(format!("{web}/lists/archive/{}", list.address()))
            }
            crate::settings::ArchivePolicy::Members => Some(format!("{web}/archive/{}", list.id)),
        }
    }

    /// Where the web app is reached, if known.
    pub(crate) fn web_url(&self) -> Option<&str> {
        self.web_url.as_deref()
    }

    /// Gives each remote member an RFC 8058 one-click unsubscription URL under `url`.
    pub fn with_web_url(mut self, url: impl Into<String>) -> Self {
        let url: String = url.into();
        self.web_url = Some(url.trim_end_matches('/').to_owned());
        self
    }

    async fn list_verdict(
        &self,
        sender: &str,
        address: &Address,
        declared_size: u64,
    ) -> Result<Option<Verdict>, StoreError> {
        let Some((list, role)) = list_at(&self.store, address).await? else {
            return Ok(None);
        };
        let settings = ListSettings::read(&list.settings);
        let target = Verdict::List(ListTarget {
            list_id: list.id.clone(),
            address: address.to_string(),
            role: role.clone(),
        });
        let posting = list.address();
        Ok(Some(match role.as_str() {
            "post" => {
                if let Some(limit) = settings.max_message_size
                    && declared_size > limit
                {
                    return Ok(Some(Verdict::Refused(Refusal::ListTooLarge { limit })));
                }
                let member = !sender.is_empty()
                    && self.store.lists().member(&list.id, sender).await?.is_some();
                match refusal(&settings, &posting, sender, member) {
                    Some(reason) => Verdict::Refused(Refusal::List { reason }),
                    None => target,
                }
            }
            "owner" if !settings.owners.is_empty() => target,
            "owner" => Verdict::Refused(Refusal::List {
                reason: format!("{posting} has no owner to reach"),
            }),
            // Commands; the null sender's and automatic mail is taken and not answered.
            // Bounces are read for the member they name.
            _ => target,
        }))
    }

    async fn take_all(
        &self,
        sender: &str,
        targets: &[ListTarget],
        message: &[u8],
    ) -> Result<(), DeliveryError> {
        let message = normalize_crlf(message);
        for target in targets {
            let list = match self.store.lists().list(&target.list_id).await {
                Ok(l) => l,
                // Deleted since RCPT: the post goes nowhere, as it would a minute later.
                Err(StoreError::NotFound) => continue,
                Err(e) => return Err(e.into()),
            };
            match target.role.as_str() {
                "post" => {
                    let settings = ListSettings::read(&list.settings);
                    if let Some(ty) =
                        disallowed_attachment(&message, &settings.allowed_attachment_types)
                    {
                        self.refuse_attachment(&list, &settings, sender, &ty)
                            .await?;
                    } else if settings.posting == crate::settings::PostingPolicy::Moderated
                        && !settings.is_owner_or_moderator(sender)
                        && !settings.accepts(sender)
                    {
                        self.hold(&list, &settings, sender, &message).await?
                    } else {
                        self.distribute(&list, &message).await?
                    }
                }
                "owner" => self.to_owners(&list, sender, &message).await?,
                role @ ("request" | "subscribe" | "unsubscribe") => {
                    self.request(&list, role, sender, &message).await?
                }
                "bounces" => {
                    self.bounce(&list, &target.address, sender, &message)
                        .await?
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Sends the list's copy of `post` to every member that receives each post.
    pub async fn distribute(&self, list: &ListRecord, post: &[u8]) -> Result<(), DeliveryError> {
        let settings = ListSettings::read(&list.settings);
        let address = list.address();
        let archive_url = self.archive_url(list, &settings);
        let identity = ListIdentity {
            address: &address,
            name: &list.name,
            archive_url: archive_url.as_deref(),
        };
        if has_been_here(post, &identity) {
            tracing::warn!(list = %address, "a post that went through this list already: loop cut");
            return Ok(());
        }
        let mut copy = list_copy(post, &identity, &settings);
        if self.rewrites_from(list, &settings, post).await {
            copy = rewrite_from(&copy, &identity, &settings);
        }
        // Without digests, members who asked for them get each post.
        let modes: &[&str] = if settings.digest {
            &["each"]
        } else {
            &["each", "digest", "digest_plain"]
        };
        // Local members get the copy as it is; each remote one gets its own
        // `List-Unsubscribe` (with its one-click URL) before the copy without one, from
        // its own VERP address, all in one queued message.
        let mut envelope = self.envelope(list);
        let mut remote = self.envelope(list);
        if settings.verp {
            // Each remote copy is signed at delivery, over its own fields.
            remote.options.dkim_domain = None;
        }
        let mut domains = HashMap::new();
        let mut nested = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self
                .store
                .lists()
                .recipients_page(&list.id, modes, after.as_deref(), ROSTER_PAGE)
                .await?;
            for member in &page {
                let to = Member {
                    list,
                    address: &member.address,
                    post: settings.verp,
                    token: member.token.as_deref(),
                };
                if let Some(list) = self
                    .add(
                        &mut envelope,
                        &mut remote,
                        to,
                        copy.len() as u64,
                        &mut domains,
                    )
                    .await?
                {
                    nested.push(list);
                }
            }
            if (page.len() as u64) < ROSTER_PAGE {
                break;
            }
            after = page.last().map(|m| m.address.clone());
        }
        if !envelope.is_empty() {
            self.submission.submit(&envelope, &copy, "INBOX").await?;
        }
        if !remote.is_empty() {
            // With VERP each member's own `List-Unsubscribe` goes before the copy; without,
            // the copy keeps the list's.
            let body = if settings.verp {
                without_unsubscribe(&copy)
            } else {
                copy.clone()
            };
            self.submission.submit(&remote, &body, "INBOX").await?;
        }
        // Lists among the members get the copy in turn (an umbrella list); the copy's
        // `X-Loop` names this list, so a loop back here is cut.
        for list in nested {
            Box::pin(self.distribute(&list, &copy)).await?;
        }
        // The members have the post: a failure to keep it is logged, not the sender's.
        if let Err(e) = self.keep(list, &settings, &copy).await {
            tracing::warn!(list = %address, error = %e, "a post was not kept for the archive or digest");
        }
        Ok(())
    }

    /// Tells `sender` that its post was not sent for an attachment of type `ty`.
    async fn refuse_attachment(
        &self,
        list: &ListRecord,
        settings: &ListSettings,
        sender: &str,
        ty: &str,
    ) -> Result<(), DeliveryError> {
        let posting = list.address();
        tracing::info!(list = %posting, %sender, %ty, "a post with an attachment the list does not take");
        self.tell(
            list,
            sender,
            &format!("Your post to {posting} was not sent"),
            &format!(
                "Your post to {posting} was not sent to its members: it has an attachment of \
                 type {ty}, and the list takes only {}. Send it again without that \
                 attachment, or ask the owners at {}.",
                settings.allowed_attachment_types.join(", "),
                owner_address(list)
            ),
        )
        .await
    }

    /// Sends `message` to the list's owners, as it is.
    async fn to_owners(
        &self,
        list: &ListRecord,
        sender: &str,
        message: &[u8],
    ) -> Result<(), DeliveryError> {
        let settings = ListSettings::read(&list.settings);
        tracing::debug!(list = %list.address(), %sender, "mail for the owners");
        self.send(list, &settings.owners, message).await
    }

    /// Where held posts wait.
    pub(crate) fn blobs(&self) -> &std::sync::Arc<dyn osprey_store::blob::BlobStore> {
        self.submission.delivery().blobs()
    }

    /// The store the list server keeps its lists in.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Sends `message`, which the list server wrote, to `recipients`.
    pub(crate) async fn send(
        &self,
        list: &ListRecord,
        recipients: &[String],
        message: &[u8],
    ) -> Result<(), DeliveryError> {
        self.send_from(list, None, recipients, message).await
    }

    /// [`Self::send`] from the envelope sender `sender` (a VERP address) instead of the
    /// list's `-bounces` address.
    pub(crate) async fn send_from(
        &self,
        list: &ListRecord,
        sender: Option<String>,
        recipients: &[String],
        message: &[u8],
    ) -> Result<(), DeliveryError> {
        let mut envelope = self.envelope(list);
        if let Some(sender) = sender {
            envelope.sender = sender;
        }
        let mut remote = envelope.clone();
        let mut domains = HashMap::new();
        for r in recipients {
            // (A list among them is not expanded: the list server writes to people.)
            let to = Member {
                list,
                address: r,
                post: false,
                token: None,
            };
            self.add(
                &mut envelope,
                &mut remote,
                to,
                message.len() as u64,
                &mut domains,
            )
            .await?;
        }
        for envelope in [envelope, remote] {
            if !envelope.is_empty() {
                self.submission.submit(&envelope, message, "INBOX").await?;
            }
        }
        Ok(())
    }

    /// The envelope of the list's mail: from its `-bounces` address, signed by its domain.
    fn envelope(&self, list: &ListRecord) -> Envelope {
        Envelope {
            sender: format!("{}-bounces@{}", list.local_part, list.domain),
            options: QueueOptions {
                dkim_domain: Some(list.domain.clone()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// Adds one member: a local address to `envelope` through resolution (its account's
    /// rules apply at delivery), another server's to `remote` for the queue, with its
    /// VERP address and `List-Unsubscribe` when it has a token. A member that is a local
    /// list's posting address is not added: it is returned, for the caller to
    /// distribute to in turn. `domains` remembers each domain's local name, if it is one
    /// of ours.
    async fn add(
        &self,
        envelope: &mut Envelope,
        remote: &mut Envelope,
        to: Member<'_>,
        size: u64,
        domains: &mut HashMap<String, Option<String>>,
    ) -> Result<Option<ListRecord>, StoreError> {
        let member = to.address;
        let Ok(address) = Address::parse(member) else {
            tracing::warn!(%member, "a list member's address does not parse: skipped");
            return Ok(None);
        };
        let domain = address.domain().as_str().to_ascii_lowercase();
        let canonical = match domains.get(&domain) {
            Some(c) => c.clone(),
            None => {
                let c = self.store.domains().canonical_domain(&domain).await?;
                domains.insert(domain, c.clone());
                c
            }
        };
        let local = canonical.is_some();
        if let Some(canonical) = &canonical {
            let key = format!("{}@{canonical}", address.local().to_ascii_lowercase());
            if let Some((list, role)) = self.store.lists().list_by_address(&key).await?
                && role == "post"
            {
                return Ok(Some(list));
            }
        }
        let mut rcpt = NewQueuedRecipient::to(address.to_string());
        if local {
            let client = Client {
                ip: None,
                account: None,
                sender: envelope.sender.clone(),
            };
            let verdict = self.submission.recipient(&client, &address, size).await?;
            if let Verdict::Refused(why) = &verdict {
                tracing::warn!(%member, ?why, "a list member cannot get the post: skipped");
            }
            envelope.add(verdict, rcpt);
        } else {
            if to.post {
                let list = to.list;
                rcpt.return_path = to.token.and_then(|token| {
                    crate::bounces::verp_address(&list.local_part, &list.domain, token, false)
                });
                rcpt.header = Some(self.unsubscribe_fields(list, to.token));
            }
            let verdict = Verdict::Relayed {
                rule: "a member of a list".into(),
            };
            remote.add(verdict, rcpt);
        }
        Ok(None)
    }

    /// A member's own `List-Unsubscribe`: its one-click URL (RFC 8058 §3.1: "one HTTPS
    /// URI", with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`) when the web
    /// app's address is known, and the list's `mailto:` (RFC 2369 §3.2).
    fn unsubscribe_fields(&self, list: &ListRecord, token: Option<&str>) -> String {
        let mailto = format!("<mailto:{}-unsubscribe@{}>", list.local_part, list.domain);
        match (&self.web_url, token) {
            (Some(web), Some(token)) => format!(
                "List-Unsubscribe: <{web}/lists/unsubscribe/{token}>,\r\n {mailto}\r\n\
                 List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            ),
            _ => format!("List-Unsubscribe: {mailto}\r\n"),
        }
    }
}

/// One address a list's mail goes to.
struct Member<'a> {
    list: &'a ListRecord,
    address: &'a str,
    /// A post of a list with VERP (which gets the member's own return path and
    /// `List-Unsubscribe`), not a notice.
    post: bool,
    /// The member's token, for its VERP address and one-click URL.
    token: Option<&'a str>,
}

/// The list `address` belongs to and its role there (in any of the domain's names; a
/// VERP address `team-bounces+<token>@` is the list's bounce address).
pub(crate) async fn list_at(
    store: &Store,
    address: &Address,
) -> Result<Option<(ListRecord, String)>, StoreError> {
    let Some(domain) = store
        .domains()
        .canonical_domain(address.domain().as_str())
        .await?
    else {
        return Ok(None);
    };
    let local = address.local().to_ascii_lowercase();
    if let Some(found) = store
        .lists()
        .list_by_address(&format!("{local}@{domain}"))
        .await?
    {
        return Ok(Some(found));
    }
    match local.split_once('+') {
        Some((base, _)) => Ok(store
            .lists()
            .list_by_address(&format!("{base}@{domain}"))
            .await?
            .filter(|(_, role)| role == "bounces")),
        None => Ok(None),
    }
}

/// The address that reaches a list's owners.
pub fn owner_address(list: &ListRecord) -> String {
    format!("{}-owner@{}", list.local_part, list.domain)
}

impl ListHook for ListServer {
    fn verdict<'a>(
        &'a self,
        sender: &'a str,
        address: &'a Address,
        declared_size: u64,
    ) -> BoxFuture<'a, Result<Option<Verdict>, StoreError>> {
        Box::pin(self.list_verdict(sender, address, declared_size))
    }

    fn take<'a>(
        &'a self,
        sender: &'a str,
        targets: &'a [ListTarget],
        message: &'a [u8],
    ) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(self.take_all(sender, targets, message))
    }
}
