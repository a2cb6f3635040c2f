//! "Run now": an account's rules (all, or one) applied to the mail already in one of its
//! mailboxes, as a background job whose progress can be read while it runs.
//!
//! What runs over stored mail is what changes mailboxes and flags: filing into another
//! mailbox moves the message there (or copies it, when the rules also keep it), copies
//! copy, flags and keywords are added, and a message the rules discard goes to Trash
//! (never expunged). Forwards, redirects, answers and refusals are for mail as it
//! arrives: they are not carried out, and are counted as skipped. A message whose rules
//! would send it elsewhere without keeping it stays where it is.
//!
//! Jobs live in memory: a restart forgets them (what they did stays done).

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use osprey_rules::{CompiledRules, RuleError, RuleResult, RuleSet};
use osprey_store::{FlagChange, FlagUpdate, MailboxRecord, MessageRecord, RuleOwner, StoreError};

use super::{
    DeliveryRules, Placement, RecipientPlan, RulesError,
    edit::sender_of,
    plan::{Delivering, Prepared},
};
use crate::{LocalDelivery, MailboxError, MailboxManager};

/// Jobs kept (finished ones are forgotten first, oldest first, beyond this).
const MAX_JOBS: usize = 1_000;

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    Running,
    Finished,
    /// Stopped by an error of the store; what was done stays done.
    Failed(String),
}

/// A run of rules over a mailbox, as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRun {
    pub id: String,
    pub account_id: String,
    pub mailbox_id: String,
    /// The one rule run (its index in the account's rules); `None`: all of them.
    pub rule: Option<usize>,
    pub state: RunState,
    /// Messages in the mailbox when the job started.
    pub total: usize,
    /// Messages looked at so far.
    pub processed: usize,
    /// Messages some rule matched.
    pub matched: usize,
    /// Messages moved to another mailbox (Trash included).
    pub moved: usize,
    /// Copies made in other mailboxes.
    pub copied: usize,
    /// Messages whose flags or keywords were added to.
    pub flagged: usize,
    /// Of `moved`, those the rules discard, moved to Trash.
    pub trashed: usize,
    /// Forwards, redirects, answers and refusals not carried out on stored mail.
    pub skipped_actions: usize,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The jobs of every account, by id.
#[derive(Default)]
pub(crate) struct RunTable {
    jobs: HashMap<String, RuleRun>,
}

impl RunTable {
    fn insert(&mut self, run: RuleRun) {
        if self.jobs.len() >= MAX_JOBS {
            let oldest = self
                .jobs
                .values()
                .filter(|j| j.state != RunState::Running)
                .min_by_key(|j| j.started_at)
                .map(|j| j.id.clone());
            if let Some(id) = oldest {
                self.jobs.remove(&id);
            }
        }
        self.jobs.insert(run.id.clone(), run);
    }
}

impl DeliveryRules {
    /// Starts running the rules of `account_id` (all, or the one at index `rule`) over
    /// the mailbox `mailbox_id` in the background; the job as it starts. `NotFound`
    /// when the mailbox is not the account's, `Invalid` (at `rule_index`) for a rule
    /// index beyond its rules, `Conflict` while a run of the account is still going.
    pub async fn start_run(
        &self,
        delivery: LocalDelivery,
        account_id: &str,
        mailbox_id: &str,
        rule: Option<usize>,
    ) -> Result<RuleRun, RulesError> {
        let mailbox = self.store.mailboxes().mailbox(mailbox_id).await?;
        if mailbox.account_id != account_id {
            return Err(StoreError::NotFound.into());
        }
        let stored = self
            .load(&RuleOwner::Account(account_id.to_owned()))
            .await?;
        let rules = match rule {
            None => stored.rules,
            Some(i) => match stored.rules.rules.get(i) {
                Some(r) => RuleSet {
                    rules: vec![r.clone()],
                    ..stored.rules.clone()
                },
                None => {
                    return Err(RulesError::Invalid(vec![RuleError {
                        path: "rule_index".into(),
                        reason: format!(
                            "there is no rule {i}: the account has {} rules",
                            stored.rules.rules.len()
                        ),
                    }]));
                }
            },
        };
        let messages = self.store.messages().in_mailbox(mailbox_id).await?;
        let base = self
            .prepare(Delivering {
                account_id,
                recipient: None,
                sender: "",
                mailbox: &mailbox.name,
                in_smtp_transaction: false,
            })
            .await?;
        let run = RuleRun {
            id: uuid::Uuid::new_v4().to_string(),
            account_id: account_id.to_owned(),
            mailbox_id: mailbox_id.to_owned(),
            rule,
            state: RunState::Running,
            total: messages.len(),
            processed: 0,
            matched: 0,
            moved: 0,
            copied: 0,
            flagged: 0,
            trashed: 0,
            skipped_actions: 0,
            started_at: Utc::now(),
            finished_at: None,
        };
        {
            let mut table = self.runs();
            let busy = table
                .jobs
                .values()
                .any(|j| j.account_id == account_id && j.state == RunState::Running);
            if busy {
                return Err(StoreError::Conflict(
                    "the rules are already running over a mailbox of this account; wait for it to finish"
                        .into(),
                )
                .into());
            }
            table.insert(run.clone());
        }
        let all = self.store.mailboxes().of_account(account_id).await?;
        let trash = all
            .iter()
            .find(|m| m.special_use.as_deref() == Some("\\Trash"))
            .map(|m| m.id.clone());
        let job = Job {
            rules: self.clone(),
            delivery,
            id: run.id.clone(),
            mailbox,
            compiled: Arc::new(CompiledRules::compile(&rules)),
            base,
            folders: all.into_iter().map(|m| (m.name, m.id)).collect(),
            trash,
        };
        tokio::spawn(job.run(messages));
        Ok(run)
    }

    /// A job of `account_id` by id; `NotFound` for another account's or an unknown one.
    pub fn run_status(&self, account_id: &str, id: &str) -> Result<RuleRun, RulesError> {
        self.runs()
            .jobs
            .get(id)
            .filter(|j| j.account_id == account_id)
            .cloned()
            .ok_or_else(|| StoreError::NotFound.into())
    }

    fn runs(&self) -> std::sync::MutexGuard<'_, RunTable> {
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What one message's plan asks of the mailboxes.
#[derive(Default)]
struct Effect {
    matched: bool,
    moved: bool,
    copied: usize,
    flagged: bool,
    trashed: bool,
    skipped: usize,
}

struct Job {
    rules: DeliveryRules,
    delivery: LocalDelivery,
    id: String,
    mailbox: MailboxRecord,
    compiled: Arc<CompiledRules>,
    base: Prepared,
    /// The account's mailboxes, read once when the job starts: ids by name (with those
    /// the job makes), and Trash's.
    folders: HashMap<String, String>,
    trash: Option<String>,
}

impl Job {
    async fn run(mut self, messages: Vec<MessageRecord>) {
        for m in &messages {
            match self.one(m).await {
                Ok(e) => self.update(|j| {
                    j.processed += 1;
                    j.matched += usize::from(e.matched);
                    j.moved += usize::from(e.moved);
                    j.copied += e.copied;
                    j.flagged += usize::from(e.flagged);
                    j.trashed += usize::from(e.trashed);
                    j.skipped_actions += e.skipped;
                }),
                Err(e) => {
                    tracing::error!(job = %self.id, error = %e, "running rules over a mailbox failed");
                    self.update(|j| {
                        j.state = RunState::Failed(e.to_string());
                        j.finished_at = Some(Utc::now());
                    });
                    return;
                }
            }
        }
        self.update(|j| {
            j.state = RunState::Finished;
            j.finished_at = Some(Utc::now());
        });
    }

    fn update(&self, f: impl FnOnce(&mut RuleRun)) {
        if let Some(j) = self.rules.runs().jobs.get_mut(&self.id) {
            f(j);
        }
    }

    /// Runs the rules over one stored message and carries out its plan.
    async fn one(&mut self, m: &MessageRecord) -> Result<Effect, RulesError> {
        let raw = match self.delivery.blobs().get(&m.blob_hash).await {
            Ok(raw) => raw,
            // Expunged meanwhile: nothing to do.
            Err(StoreError::NotFound) => return Ok(Effect::default()),
            Err(e) => return Err(e.into()),
        };
        let prepared = self
            .base
            .rerun(vec![self.compiled.clone()], &sender_of(&raw));
        let plan = self
            .rules
            .evaluate(std::slice::from_ref(&prepared), &raw)
            .pop()
            .expect("one plan per prepared delivery");
        self.apply(m, plan).await
    }

    async fn apply(
        &mut self,
        m: &MessageRecord,
        plan: RecipientPlan,
    ) -> Result<Effect, RulesError> {
        let mut e = Effect {
            matched: plan.trace.iter().any(|t| t.result == RuleResult::Matched),
            skipped: plan.forwards.len()
                + plan.replies.len()
                + usize::from(plan.rejection.is_some()),
            ..Effect::default()
        };
        if !e.matched {
            return Ok(e);
        }
        let here = self.mailbox.clone();
        let ids = std::slice::from_ref(&m.id);
        let store = self.rules.store.clone();
        let messages = store.messages();
        // The flags every placement asks for go on the message before it is copied or
        // moved, so that they travel with it.
        let flags = plan.placements.iter().fold(0, |f, p| f | p.flags);
        let mut keywords: Vec<String> = plan
            .placements
            .iter()
            .flat_map(|p| p.keywords.iter().cloned())
            .collect();
        keywords.sort();
        keywords.dedup();
        if flags & !m.flags != 0 || keywords.iter().any(|k| !m.keywords.contains(k)) {
            let update = FlagUpdate {
                change: FlagChange::Add,
                flags,
                keywords,
            };
            messages.update_flags(&here.id, ids, &update).await?;
            e.flagged = true;
        }
        if plan.placements.is_empty() {
            // Discarded: to Trash, unless the rules meant to send it elsewhere (which
            // is not done for stored mail) or it is in Trash already.
            if plan.forwards.is_empty()
                && plan.rejection.is_none()
                && let Some(trash) = self.trash.as_deref().filter(|t| *t != here.id)
            {
                messages.move_messages(&here.id, ids, trash).await?;
                e.moved = true;
                e.trashed = true;
            }
            return Ok(e);
        }
        let mut keep = false;
        let mut targets = Vec::new();
        for p in &plan.placements {
            match self.target(p).await? {
                Some(id) if id == here.id => keep = true,
                Some(id) if !targets.contains(&id) => targets.push(id),
                Some(_) => {}
                // A rule's mailbox that does not exist (and is not to be made): the
                // message stays.
                None => keep = true,
            }
        }
        let moved_to = if keep { None } else { targets.pop() };
        for t in &targets {
            e.copied += messages.copy_messages(&here.id, ids, t).await?.len();
        }
        if let Some(t) = moved_to {
            e.moved = !messages.move_messages(&here.id, ids, &t).await?.is_empty();
        }
        Ok(e)
    }

    /// The mailbox of a placement: the one named, made (with its parents) when the rule
    /// asks for it; `None` when it does not exist and is not to be made.
    async fn target(&mut self, p: &Placement) -> Result<Option<String>, RulesError> {
        if let Some(id) = self.folders.get(&p.mailbox) {
            return Ok(Some(id.clone()));
        }
        let account = self.mailbox.account_id.clone();
        if !p.create {
            tracing::info!(account = %account, mailbox = %p.mailbox, "a rule's mailbox does not exist; the message stays");
            return Ok(None);
        }
        let id = match MailboxManager::new(self.rules.store.clone())
            .create(&account, &p.mailbox, None)
            .await
        {
            Ok(mb) => mb.id,
            // Made meanwhile by someone else.
            Err(MailboxError::Exists) => {
                self.rules
                    .store
                    .messages()
                    .mailbox_by_name(&account, &p.mailbox)
                    .await?
                    .id
            }
            Err(MailboxError::Store(e)) => return Err(e.into()),
            Err(e) => {
                tracing::info!(account = %account, mailbox = %p.mailbox, error = %e, "a rule's mailbox cannot be made; the message stays");
                return Ok(None);
            }
        };
        self.folders.insert(p.mailbox.clone(), id.clone());
        Ok(Some(id))
    }
}
