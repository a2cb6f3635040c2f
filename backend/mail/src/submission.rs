//! Submission: "this client, signed in or not, wants to send this message to these
//! recipients". One service for SMTP (RCPT, then DATA or BDAT) and the REST API's send.
//!
//! - [`Submission::recipient`] gives each recipient its verdict: local accounts (through
//!   aliases and catch-alls), remote and relayed as the relay policy allows this client,
//!   or refused with the reason (and, for relaying, the rule that decided).
//! - [`Submission::submit`] stores the message for the accepted recipients: local
//!   mailboxes and the outbound queue in ONE transaction, so a failure leaves nothing
//!   behind and the client's retry cannot deliver twice.

use osprey_core::activity::{self, Count};
use std::net::IpAddr;

use osprey_core::Address;
use osprey_store::{AccountRecord, Appended, NewQueuedRecipient, StoreError};

use osprey_rules::RejectMode;

use crate::{
    DeliveryError, DeliveryRules, LocalDelivery, Outbox, Policy, QueueOptions, ResolveError,
    SenderCheck,
    message::normalize_crlf,
    resolve,
    rules::{Delivering, Placement, RecipientPlan},
};

/// Who submits.
#[derive(Debug, Clone)]
pub struct Client {
    /// The client's address; `None` when the front end does not know it (it then
    /// matches no network of the relay policy).
    pub ip: Option<IpAddr>,
    /// The signed-in account, if any.
    pub account: Option<AccountRecord>,
    /// The envelope sender of the transaction (`""`: the null sender); a list's posting
    /// policy looks at it.
    pub sender: String,
}

/// Why a recipient is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No account, alias or catch-all has this address.
    Unknown,
    /// The account is disabled.
    Disabled,
    /// Aliases nest too deep or loop.
    AliasLoop,
    /// A local account is at its quota, or the declared size would take it over.
    MailboxFull,
    /// Not local, and the relay policy does not let this client relay; `rule` says why.
    RelayDenied { rule: String },
    /// A mailing list does not take this message from this sender; the reason, for the
    /// sender.
    List { reason: String },
    /// Larger than a mailing list takes.
    ListTooLarge { limit: u64 },
}

/// What becomes of one recipient.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Local accounts, and remote addresses that aliases forward to.
    Accepted {
        local: Vec<AccountRecord>,
        forwarded: Vec<String>,
    },
    /// Not local: relayed for this client, as the policy's `rule` allowed.
    Relayed {
        rule: String,
    },
    /// One of a mailing list's addresses: the list server takes the message.
    List(crate::ListTarget),
    Refused(Refusal),
}

/// The accepted recipients of one message, gathered verdict by verdict.
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    /// The envelope sender (`""`: the null sender).
    pub sender: String,
    /// Local accounts, without duplicates.
    pub accounts: Vec<String>,
    /// The address each of `accounts` was reached by (RCPT TO), in the same order; an
    /// account without one is named by its own address.
    pub local_rcpts: Vec<String>,
    /// Remote recipients, without duplicates (ignoring case).
    pub remote: Vec<NewQueuedRecipient>,
    /// Mailing list addresses, without duplicates: the list server takes these.
    pub lists: Vec<crate::ListTarget>,
    pub options: QueueOptions,
    /// The SMTP transaction is still open when the message is submitted, so a refusal
    /// by a recipient's rules can be the reply to DATA (when the message has that one
    /// recipient only).
    pub in_transaction: bool,
}

impl Envelope {
    /// Adds an accepted or relayed recipient; `rcpt` carries its address as given and
    /// its RFC 3461 parameters, which forwarded alias targets inherit.
    pub fn add(&mut self, verdict: Verdict, rcpt: NewQueuedRecipient) {
        match verdict {
            Verdict::Accepted { local, forwarded } => {
                for a in local {
                    if !self.accounts.contains(&a.id) {
                        self.accounts.push(a.id);
                        self.local_rcpts.push(rcpt.address.clone());
                    }
                }
                // Remote targets of a local alias are forwarded whatever the relay
                // policy: the administrator configured them.
                for target in forwarded {
                    self.add_remote(NewQueuedRecipient {
                        address: target,
                        ..rcpt.clone()
                    });
                }
            }
            Verdict::Relayed { .. } => self.add_remote(rcpt),
            Verdict::List(target) => {
                if !self.lists.contains(&target) {
                    self.lists.push(target);
                }
            }
            Verdict::Refused(_) => {}
        }
    }

    fn add_remote(&mut self, rcpt: NewQueuedRecipient) {
        if !self
            .remote
            .iter()
            .any(|r| r.address.eq_ignore_ascii_case(&rcpt.address))
        {
            self.remote.push(rcpt);
        }
    }

    /// Returns `true` if and only if no recipient was accepted.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.remote.is_empty() && self.lists.is_empty()
    }
}

/// Where a submitted message went.
#[derive(Debug, Clone, Default)]
pub struct Submitted {
    /// One entry per local account, in the envelope's order.
    pub local: Vec<Appended>,
    /// The queue id, if remote recipients were queued.
    pub queue_id: Option<String>,
}

/// The submission service.
#[derive(Clone)]
pub struct Submission {
    delivery: LocalDelivery,
    outbox: Outbox,
    policy: Policy,
    max_alias_depth: usize,
    /// The delivery rules run for each local recipient; none: every message is kept
    /// in the mailbox it is submitted to.
    pub(crate) rules: Option<DeliveryRules>,
    /// The list server, when the server runs one.
    lists: Option<std::sync::Arc<dyn crate::ListHook>>,
    /// The calendar, shown delivered invitations and answers.
    scheduling: Option<std::sync::Arc<dyn crate::SchedulingHook>>,
}

impl Submission {
    /// Submission through `delivery` for local and `outbox` for remote recipients,
    /// following aliases `max_alias_depth` levels deep.
    pub fn new(delivery: LocalDelivery, outbox: Outbox, max_alias_depth: usize) -> Self {
        Self {
            policy: Policy::new(delivery.store().clone()),
            delivery,
            outbox,
            max_alias_depth,
            rules: None,
            lists: None,
            scheduling: None,
        }
    }

    /// Shows `hook` each delivered message that carries a calendar scheduling object.
    pub fn with_scheduling(mut self, hook: std::sync::Arc<dyn crate::SchedulingHook>) -> Self {
        self.scheduling = Some(hook);
        self
    }

    /// Runs `rules` at each local delivery.
    pub fn with_rules(mut self, rules: DeliveryRules) -> Self {
        self.rules = Some(rules);
        self
    }

    /// Hands mail for mailing lists' addresses to `lists`.
    pub fn with_lists(mut self, lists: std::sync::Arc<dyn crate::ListHook>) -> Self {
        self.lists = Some(lists);
        self
    }

    /// The same submission without the list server: what the list server itself
    /// distributes through (a list's members are accounts and remote addresses).
    pub fn without_lists(&self) -> Self {
        Self {
            lists: None,
            ..self.clone()
        }
    }

    /// The delivery rules this runs, if any.
    pub fn rules(&self) -> Option<&DeliveryRules> {
        self.rules.as_ref()
    }

    /// The outbox this queues through.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The access policy: IP rules, kill file, relay.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The delivery this submits through.
    pub fn delivery(&self) -> &LocalDelivery {
        &self.delivery
    }

    /// How deep aliases are followed.
    pub(crate) fn max_alias_depth(&self) -> usize {
        self.max_alias_depth
    }

    /// The verdict for `address` from `client`, for a message of `declared_size`
    /// octets (0 when unknown). `Err` only when the store fails (a temporary failure).
    pub async fn recipient(
        &self,
        client: &Client,
        address: &Address,
        declared_size: u64,
    ) -> Result<Verdict, StoreError> {
        if let Some(v) = self
            .list_verdict(&client.sender, address, declared_size)
            .await?
        {
            return Ok(v);
        }
        self.verdict(client.ip, client.account.is_some(), address, declared_size)
            .await
    }

    /// The list server's verdict for `address`, if it is one of a list's addresses.
    pub(crate) async fn list_verdict(
        &self,
        sender: &str,
        address: &Address,
        declared_size: u64,
    ) -> Result<Option<Verdict>, StoreError> {
        match &self.lists {
            Some(lists) => lists.verdict(sender, address, declared_size).await,
            None => Ok(None),
        }
    }

    /// The verdict for `address` from a client at `ip` (unknown: it matches no network),
    /// signed in or not: what [`recipient`](Self::recipient) decides, for the
    /// administrators' "would this relay?" check too.
    pub async fn verdict(
        &self,
        ip: Option<IpAddr>,
        authenticated: bool,
        address: &Address,
        declared_size: u64,
    ) -> Result<Verdict, StoreError> {
        // A bounce for mail a rule forwarded goes back to the original sender.
        if let Some(original) = self
            .rules
            .as_ref()
            .and_then(|r| r.srs_reverse(&address.to_string()))
        {
            return Ok(Verdict::Accepted {
                local: vec![],
                forwarded: vec![original],
            });
        }
        let store = self.delivery.store();
        let resolution = match resolve(store, address, self.max_alias_depth).await {
            Ok(r) => r,
            Err(ResolveError::NotLocal) => {
                let decision = self.policy.relay(ip, authenticated, address).await?;
                return Ok(if decision.allowed {
                    Verdict::Relayed {
                        rule: decision.rule,
                    }
                } else {
                    Verdict::Refused(Refusal::RelayDenied {
                        rule: decision.rule,
                    })
                });
            }
            // RFC 5321 §4.5.1: every local domain has a postmaster, whether or not an
            // account or alias of that name was made.
            Err(ResolveError::Unknown | ResolveError::Disabled) if address.is_postmaster() => {
                return self.postmaster().await;
            }
            Err(ResolveError::Unknown) => return Ok(Verdict::Refused(Refusal::Unknown)),
            Err(ResolveError::Disabled) => return Ok(Verdict::Refused(Refusal::Disabled)),
            Err(ResolveError::TooDeep) => return Ok(Verdict::Refused(Refusal::AliasLoop)),
            Err(ResolveError::Store(e)) => return Err(e),
        };
        let full = resolution.local.iter().any(|a| {
            a.quota_bytes
                .is_some_and(|q| a.used_bytes >= q || a.used_bytes + declared_size > q)
        });
        if full {
            return Ok(Verdict::Refused(Refusal::MailboxFull));
        }
        Ok(Verdict::Accepted {
            local: resolution.local,
            forwarded: resolution.remote,
        })
    }

    /// The verdict for the postmaster (`postmaster@` a local domain without an account
    /// or alias of that name, or the bare `Postmaster` of RFC 5321 §4.1.1.3): the
    /// directory's postmaster account.
    pub async fn postmaster(&self) -> Result<Verdict, StoreError> {
        let directory = osprey_directory::Directory::new(self.delivery.store().clone());
        Ok(match directory.postmaster().await? {
            Some(account) => Verdict::Accepted {
                local: vec![account],
                forwarded: vec![],
            },
            None => Verdict::Refused(Refusal::Unknown),
        })
    }

    /// Stores `message` for every accepted recipient of `envelope`: into `mailbox` of
    /// each local account and into the outbound queue for the remote ones, in one
    /// transaction. Durable when it returns `Ok`.
    ///
    /// When a signed-in account submits (`options.account_id`), its envelope sender
    /// and the addresses of `From:` and `Sender:` must be ones it may send as
    /// (`DeliveryError::SenderRefused` otherwise, nothing stored), and the message is
    /// DKIM-signed only for a `From:` address it owns.
    pub async fn submit(
        &self,
        envelope: &Envelope,
        message: &[u8],
        mailbox: &str,
    ) -> Result<Submitted, DeliveryError> {
        let mut envelope = std::borrow::Cow::Borrowed(envelope);
        // A signed-in sender is signed for the From address it owns; a trusted caller
        // (the list server for its lists) names the domain itself.
        let dkim_domain = match &envelope.options.account_id {
            Some(id) => self.authorize(id, &envelope.sender, message).await?,
            None => envelope.options.dkim_domain.clone(),
        };
        if envelope.options.dkim_domain != dkim_domain {
            envelope.to_mut().options.dkim_domain = dkim_domain;
        }
        let envelope = envelope.as_ref();
        let local = normalize_crlf(message);
        let plans = self.plans(envelope, &local, mailbox).await?;
        // RFC 5429 lets "messages ... be refused during the SMTP transaction"; the
        // reply to DATA speaks for every recipient, so only when there is one.
        if let [only] = plans.as_slice()
            && envelope.remote.is_empty()
            && let Some(r) = &only.rejection
            && r.mode == RejectMode::SmtpReply
        {
            return Err(DeliveryError::Rejected(r.text.clone()));
        }
        let placements: Vec<Placement> = plans
            .iter()
            .flat_map(|p| p.placements.iter().cloned())
            .collect();
        let submitted = match (placements.is_empty(), envelope.remote.is_empty()) {
            (true, true) => Submitted::default(),
            (false, true) => Submitted {
                local: self.delivery.deliver_placed(&placements, &local).await?,
                queue_id: None,
            },
            (true, false) => Submitted {
                local: vec![],
                queue_id: Some(
                    self.outbox
                        .enqueue(
                            &envelope.sender,
                            envelope.remote.clone(),
                            message,
                            envelope.options.clone(),
                        )
                        .await?,
                ),
            },
            (false, false) => {
                self.deliver_and_enqueue(envelope, message, &placements)
                    .await?
            }
        };
        self.carry_out(&plans, &envelope.sender, &local).await;
        if envelope.options.account_id.is_some() {
            // A signed-in user's message, over SMTP or from the web app.
            activity::count(Count::Submitted);
            activity::rank_sender(&envelope.sender);
        }
        if let Some(hook) = &self.scheduling
            && !envelope.accounts.is_empty()
            && crate::scheduling::may_schedule(&local)
        {
            let from = mail_parser::MessageParser::new()
                .parse_headers(&local[..])
                .and_then(|m| {
                    m.from()
                        .and_then(|f| f.first())
                        .and_then(|a| a.address())
                        .map(str::to_owned)
                })
                .unwrap_or_else(|| envelope.sender.clone());
            hook.delivered(&envelope.accounts, &from, &local).await;
        }
        // The lists after the other recipients: a failure here is a temporary one, and
        // the client's retry repeats the message for the others rather than for every
        // member of a list.
        if !envelope.lists.is_empty() {
            let Some(lists) = &self.lists else {
                return Err(DeliveryError::UnknownRecipient(
                    envelope.lists[0].address.clone(),
                ));
            };
            lists
                .take(&envelope.sender, &envelope.lists, message)
                .await?;
        }
        Ok(submitted)
    }

    /// What becomes of the message for each local account: its rules' plan, or, without
    /// rules, the message in `mailbox`. The message is parsed for the rules at most
    /// once, and only when some recipient has rules.
    async fn plans(
        &self,
        envelope: &Envelope,
        local: &[u8],
        mailbox: &str,
    ) -> Result<Vec<RecipientPlan>, DeliveryError> {
        let Some(rules) = &self.rules else {
            return Ok(envelope
                .accounts
                .iter()
                .map(|a| RecipientPlan::keep(a, "", mailbox))
                .collect());
        };
        let single = envelope.accounts.len() == 1 && envelope.remote.is_empty();
        let mut prepared = Vec::with_capacity(envelope.accounts.len());
        for (i, account_id) in envelope.accounts.iter().enumerate() {
            let d = Delivering {
                account_id,
                recipient: envelope.local_rcpts.get(i).map(String::as_str),
                sender: &envelope.sender,
                mailbox,
                in_smtp_transaction: envelope.in_transaction && single,
            };
            prepared.push(rules.prepare(d).await?);
        }
        Ok(rules.evaluate(&prepared, local))
    }

    /// The senders' check for a submission by account `account_id`; the DKIM domain.
    async fn authorize(
        &self,
        account_id: &str,
        sender: &str,
        message: &[u8],
    ) -> Result<Option<String>, DeliveryError> {
        let account = self.delivery.store().accounts().account(account_id).await?;
        if let Some(refused) = self.check_envelope_sender(&account, sender).await? {
            return Err(DeliveryError::SenderRefused(refused));
        }
        match self.check_header_senders(&account, message).await? {
            SenderCheck::Allowed { dkim_domain } => Ok(dkim_domain),
            SenderCheck::Refused(r) => Err(DeliveryError::SenderRefused(r)),
        }
    }

    /// Local and remote recipients together: both bodies made durable first (the queued
    /// one may carry a DKIM signature the local one does not), then the mailbox rows and
    /// the queue rows in one transaction.
    async fn deliver_and_enqueue(
        &self,
        envelope: &Envelope,
        message: &[u8],
        placements: &[Placement],
    ) -> Result<Submitted, DeliveryError> {
        let local = normalize_crlf(message).into_owned();
        let batch = self.delivery.placed_batch(placements, &local).await?;
        let (remote, queued) = self
            .outbox
            .queued(
                &envelope.sender,
                envelope.remote.clone(),
                message,
                envelope.options.clone(),
            )
            .await;
        self.delivery.blobs().put_many(vec![local, remote]).await?;
        let store = self.delivery.store();
        let (local, id) = store.messages().append_and_enqueue(batch, queued).await?;
        self.outbox.wake();
        Ok(Submitted {
            local,
            queue_id: Some(id),
        })
    }
}
