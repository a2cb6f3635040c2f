//! One evaluation per local recipient: the domain's rules, then the account's, over a
//! view of the message parsed once for all recipients, into where the message goes
//! ([`Placement`]s) and what is sent on the recipient's behalf.

use std::{cell::OnceCell, collections::HashSet, sync::Arc};

use chrono::{DateTime, Utc};
use osprey_rules::{
    CompiledRules, EvalContext, Forwarding, INBOX, MessageView, Outcome, Rejection, Reply,
    RuleResult, RuleTrace, evaluate_layers,
    loops::{DEFAULT_MAX_HOPS, check_forwarding},
};
use osprey_store::{RuleOwner, StoreError, flags};

use super::DeliveryRules;

/// One copy of a message in one mailbox of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub account_id: String,
    /// The mailbox by name, `/`-separated.
    pub mailbox: String,
    /// System flags (bits of `osprey_store::flags`).
    pub flags: u64,
    pub keywords: Vec<String>,
    /// Create the mailbox when it does not exist.
    pub create: bool,
    /// A rule chose the mailbox: when it is gone, the message goes to INBOX instead
    /// (never lost); the delivery's own mailbox has no such fallback.
    pub by_rule: bool,
}

impl Placement {
    /// The message in `mailbox` of `account_id`, without flags: delivery without rules.
    pub fn keep(account_id: &str, mailbox: &str) -> Self {
        Self {
            account_id: account_id.to_owned(),
            mailbox: mailbox.to_owned(),
            flags: 0,
            keywords: Vec::new(),
            create: false,
            by_rule: false,
        }
    }
}

/// What delivery does for one local recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientPlan {
    pub account_id: String,
    /// The address the rules ran for.
    pub recipient: String,
    /// Where the message is stored; empty when it is discarded, redirected or refused.
    pub placements: Vec<Placement>,
    /// Copies to send on, after the loop checks.
    pub forwards: Vec<Forwarding>,
    /// Automatic answers to send.
    pub replies: Vec<Reply>,
    /// The refusal, if a rule refused the message.
    pub rejection: Option<Rejection>,
    /// Which rules ran and what they did (empty without rules).
    pub trace: Vec<RuleTrace>,
    /// Whose rules each layer of the trace was (`RuleTrace::layer` indexes this).
    pub layers: Vec<RuleOwner>,
}

impl RecipientPlan {
    /// Delivery without rules: the message in `mailbox`.
    pub fn keep(account_id: &str, recipient: &str, mailbox: &str) -> Self {
        Self {
            account_id: account_id.to_owned(),
            recipient: recipient.to_owned(),
            placements: vec![Placement::keep(account_id, mailbox)],
            forwards: Vec::new(),
            replies: Vec::new(),
            rejection: None,
            trace: Vec::new(),
            layers: Vec::new(),
        }
    }
}

/// What [`DeliveryRules::prepare`] needs to know about one delivery.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Delivering<'a> {
    pub account_id: &'a str,
    /// The envelope recipient (RCPT TO) that reached the account; `None`: the
    /// account's own address.
    pub recipient: Option<&'a str>,
    /// The envelope sender; empty for the null sender.
    pub sender: &'a str,
    /// The mailbox of the implicit keep (INBOX, or Junk for quarantined mail).
    pub mailbox: &'a str,
    /// Whether a refusal can still be the SMTP reply.
    pub in_smtp_transaction: bool,
}

/// One delivery with what its evaluation needs from the store, loaded: the compiled
/// layers (domain first), the account's address and when its answers last went to the
/// sender. Evaluation itself needs no I/O.
#[derive(Clone)]
pub(crate) struct Prepared {
    account_id: String,
    recipient: String,
    sender: String,
    mailbox: String,
    in_smtp_transaction: bool,
    layers: Vec<Arc<CompiledRules>>,
    /// Whose each of `layers` is.
    owners: Vec<RuleOwner>,
    own_addresses: [String; 1],
    answered: Vec<(String, DateTime<Utc>)>,
    /// The account's time zone: dates in rules (a vacation's days) are its days.
    time_zone: Option<String>,
    /// The addresses of the account's address book (lower-case), loaded only when a
    /// rule asks about it.
    address_book: Arc<HashSet<String>>,
}

impl Prepared {
    /// The same delivery with other rules and another envelope sender: how rules run
    /// over mail already stored (`run.rs`).
    pub(crate) fn rerun(&self, layers: Vec<Arc<CompiledRules>>, sender: &str) -> Prepared {
        let owners = vec![RuleOwner::Account(self.account_id.clone()); layers.len()];
        Prepared {
            sender: sender.to_owned(),
            layers,
            owners,
            answered: Vec::new(),
            ..self.clone()
        }
    }
}

impl DeliveryRules {
    /// Loads what the rules of one delivery need: the domain's and the account's
    /// compiled rules (from the cache when their revision has not changed) and the
    /// account's answers to this sender.
    pub(crate) async fn prepare(&self, d: Delivering<'_>) -> Result<Prepared, StoreError> {
        let account = self.store.accounts().account(d.account_id).await?;
        let (domain, own) = self
            .store
            .rules()
            .for_delivery(d.account_id, &account.domain_id)
            .await?;
        let (layers, owners): (Vec<Arc<CompiledRules>>, Vec<RuleOwner>) = [domain, own]
            .iter()
            .flatten()
            .map(|r| (self.compiled(r), r.owner.clone()))
            .filter(|(c, _)| !c.is_empty())
            .unzip();
        let sender = d.sender.to_ascii_lowercase();
        let answered = if sender.is_empty() || layers.is_empty() {
            Vec::new()
        } else {
            self.store.rules().replies_to(d.account_id, &sender).await?
        };
        let address_book = if layers.iter().any(|l| l.uses_address_book()) {
            let all = self.store.contacts().all_addresses(d.account_id).await?;
            Arc::new(all.into_iter().collect())
        } else {
            Arc::default()
        };
        let address = account.address().to_string();
        Ok(Prepared {
            account_id: d.account_id.to_owned(),
            recipient: d.recipient.map_or_else(|| address.clone(), str::to_owned),
            sender: d.sender.to_owned(),
            mailbox: d.mailbox.to_owned(),
            in_smtp_transaction: d.in_smtp_transaction,
            layers,
            owners,
            own_addresses: [address],
            answered,
            time_zone: account.time_zone.clone(),
            address_book,
        })
    }

    /// Runs the prepared deliveries' rules over `raw` (CRLF), parsed once for all of
    /// them, and only when one of them has rules.
    pub(crate) fn evaluate(&self, prepared: &[Prepared], raw: &[u8]) -> Vec<RecipientPlan> {
        let view = OnceCell::new();
        prepared
            .iter()
            .map(|p| {
                if p.layers.is_empty() {
                    return RecipientPlan::keep(&p.account_id, &p.recipient, &p.mailbox);
                }
                let view = view.get_or_init(|| {
                    MessageView::parse_with_body(raw, move || {
                        crate::extract_text(raw).map(|t| t.body).unwrap_or_default()
                    })
                });
                self.evaluate_one(p, view)
            })
            .collect()
    }

    fn evaluate_one(&self, p: &Prepared, view: &MessageView<'_>) -> RecipientPlan {
        let last_replied = |handle: &str, _to: &str| {
            p.answered
                .iter()
                .find(|(h, _)| h == handle)
                .map(|(_, at)| *at)
        };
        let mut ctx = EvalContext::new(
            Some(p.sender.as_str()),
            &p.recipient,
            osprey_core::time_zone::local(Utc::now(), p.time_zone.as_deref()),
        );
        ctx.own_addresses = &p.own_addresses;
        ctx.in_smtp_transaction = p.in_smtp_transaction;
        ctx.last_replied = &last_replied;
        let in_book = |a: &str| p.address_book.contains(&a.to_lowercase());
        ctx.in_address_book = &in_book;
        ctx.authserv_id = Some(&self.hostname);
        let refs: Vec<&CompiledRules> = p.layers.iter().map(AsRef::as_ref).collect();
        let outcome = evaluate_layers(&refs, view, &ctx);
        let d = Delivering {
            account_id: &p.account_id,
            recipient: Some(&p.recipient),
            sender: &p.sender,
            mailbox: &p.mailbox,
            in_smtp_transaction: p.in_smtp_transaction,
        };
        let mut plan = self.carry(d, view, outcome);
        plan.layers = p.owners.clone();
        plan
    }

    /// The plan of an evaluation's outcome: forwards that would loop are dropped (and
    /// the message kept in INBOX if nothing else would keep it), flags become bits and
    /// keywords.
    fn carry(&self, d: Delivering<'_>, view: &MessageView<'_>, outcome: Outcome) -> RecipientPlan {
        let recipient = d.recipient.unwrap_or_default();
        for t in &outcome.trace {
            if let RuleResult::Skipped { reason } = &t.result {
                tracing::warn!(account = d.account_id, rule = %t.name, %reason, "delivery rule skipped");
            }
        }
        let mut forwards = Vec::new();
        let mut cut = false;
        for f in outcome.forwards {
            match check_forwarding(view, recipient, None, DEFAULT_MAX_HOPS) {
                Ok(()) => forwards.push(f),
                Err(reason) => {
                    tracing::warn!(account = d.account_id, to = %f.to, %reason, "forwarding loop cut; the message is kept");
                    cut = true;
                }
            }
        }
        let mut placements: Vec<Placement> = outcome
            .deliveries
            .iter()
            .map(|del| {
                let (bits, keywords) = split_flags(&del.flags);
                Placement {
                    account_id: d.account_id.to_owned(),
                    mailbox: if del.implicit || del.mailbox.eq_ignore_ascii_case(INBOX) {
                        d.mailbox.to_owned()
                    } else {
                        del.mailbox.clone()
                    },
                    flags: bits,
                    keywords,
                    create: del.create_if_missing,
                    by_rule: !del.implicit,
                }
            })
            .collect();
        // A loop cut leaves the message delivered once, here.
        if cut && placements.is_empty() && forwards.is_empty() && outcome.rejection.is_none() {
            placements.push(Placement::keep(d.account_id, d.mailbox));
        }
        RecipientPlan {
            account_id: d.account_id.to_owned(),
            recipient: recipient.to_owned(),
            placements,
            forwards,
            replies: outcome.replies,
            rejection: outcome.rejection,
            trace: outcome.trace,
            layers: Vec::new(),
        }
    }
}

/// System flags as bits, the rest as keywords.
fn split_flags(names: &[String]) -> (u64, Vec<String>) {
    let mut bits = 0;
    let mut keywords = Vec::new();
    for name in names {
        match name.to_ascii_lowercase().as_str() {
            "\\seen" => bits |= flags::SEEN,
            "\\answered" => bits |= flags::ANSWERED,
            "\\flagged" => bits |= flags::FLAGGED,
            "\\deleted" => bits |= flags::DELETED,
            "\\draft" => bits |= flags::DRAFT,
            _ => keywords.push(name.clone()),
        }
    }
    (bits, keywords)
}
