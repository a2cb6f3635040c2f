//! The engine: [`CompiledRules`] (a rule set compiled once: regexes built, needles in
//! lower case) and its evaluation against a [`MessageView`] into an [`Outcome`].
//!
//! Rules run in order, layer after layer (domain rules, then the user's); a matching
//! rule's `stop` or a `stop` action ends all processing. A rule that cannot be compiled
//! or matched is skipped and reported in the trace; it never aborts the evaluation, so
//! the message is always delivered somewhere (INBOX at worst). Delivery semantics follow
//! Sieve (RFC 5228 §2.10.2 implicit keep, RFC 5232 flags).

use crate::{
    context::EvalContext,
    model::{Action, Condition, MatchMode, Rule, RuleSet, Vacation},
    outcome::{
        Delivery, ForwardKind, Forwarding, INBOX, Outcome, RejectMode, Rejection, RuleResult,
        RuleTrace,
    },
    pattern::{Budget, CompiledTest, MatchError, Value},
    vacation::{ReplyKind, reply_handle, vacation_should_reply},
    validate::validate_rule,
    view::{MessageView, Text},
};

/// A rule set ready to evaluate. Compile it once when the rules change and share it.
#[derive(Debug)]
pub struct CompiledRules {
    rules: Vec<CompiledRule>,
}

#[derive(Debug)]
struct CompiledRule {
    name: String,
    enabled: bool,
    match_mode: MatchMode,
    /// The conditions, or why the rule cannot run.
    conditions: Result<Vec<CompiledCondition>, String>,
    actions: Vec<Action>,
    stop: bool,
}

#[derive(Debug)]
struct CompiledCondition {
    condition: Condition,
    test: Option<CompiledTest>,
}

impl CompiledRules {
    /// Compiles every rule. A rule that fails validation (a stored rule from before a
    /// limit changed, say) is kept and reported as skipped by every evaluation.
    pub fn compile(set: &RuleSet) -> Self {
        let rules = set
            .rules
            .iter()
            .enumerate()
            .map(|(i, rule)| compile_rule(rule, i))
            .collect();
        Self { rules }
    }

    /// The number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Returns `true` if and only if there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Returns `true` if and only if an enabled rule asks whether the sender is in the
    /// address book (so that delivery loads the book only when it is needed).
    pub fn uses_address_book(&self) -> bool {
        self.rules.iter().filter(|r| r.enabled).any(|r| {
            r.conditions.as_ref().is_ok_and(|cs| {
                cs.iter().any(|c| {
                    matches!(
                        c.condition,
                        Condition::SenderInAddressBook | Condition::SenderNotInAddressBook
                    )
                })
            })
        })
    }

    /// Evaluates these rules alone.
    pub fn evaluate(&self, msg: &MessageView<'_>, ctx: &EvalContext<'_>) -> Outcome {
        evaluate_layers(&[self], msg, ctx)
    }
}

fn compile_rule(rule: &Rule, index: usize) -> CompiledRule {
    let conditions = match validate_rule(rule, &format!("rules[{index}]")) {
        Err(errors) => Err(errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")),
        Ok(()) => rule
            .conditions
            .iter()
            .map(|c| {
                let test = c.text_test().map(CompiledTest::compile).transpose()?;
                Ok(CompiledCondition {
                    condition: c.clone(),
                    test,
                })
            })
            .collect(),
    };
    CompiledRule {
        name: rule.name.clone(),
        enabled: rule.enabled,
        match_mode: rule.match_mode,
        conditions,
        actions: rule.actions.clone(),
        stop: rule.stop,
    }
}

/// Evaluates layers of rules in order (domain rules first, then the user's) with one
/// implicit keep, one set of flags and one `stop` across them.
pub fn evaluate_layers(
    layers: &[&CompiledRules],
    msg: &MessageView<'_>,
    ctx: &EvalContext<'_>,
) -> Outcome {
    let mut run = Run::new(ctx);
    let budget = Budget::default();
    'layers: for (layer, rules) in layers.iter().enumerate() {
        for (index, rule) in rules.rules.iter().enumerate() {
            let mut trace = RuleTrace {
                layer,
                index,
                name: rule.name.clone(),
                result: RuleResult::NotMatched,
                notes: Vec::new(),
            };
            let matched = if !rule.enabled {
                trace.result = RuleResult::Disabled;
                false
            } else {
                match &rule.conditions {
                    Err(reason) => {
                        trace.result = RuleResult::Skipped {
                            reason: reason.clone(),
                        };
                        false
                    }
                    Ok(conds) => match conditions_hold(rule.match_mode, conds, msg, ctx, &budget) {
                        Ok(m) => m,
                        Err(MatchError::RegexBudget) => {
                            trace.result = RuleResult::Skipped {
                                reason: "the regular expressions of this message scanned too \
                                         much text"
                                    .into(),
                            };
                            false
                        }
                    },
                }
            };
            if matched {
                trace.result = RuleResult::Matched;
                run.apply(&rule.actions, msg, &mut trace.notes);
                if rule.stop {
                    run.stopped = true;
                }
            }
            run.outcome.trace.push(trace);
            if run.stopped {
                break 'layers;
            }
        }
    }
    run.finish()
}

fn conditions_hold(
    mode: MatchMode,
    conds: &[CompiledCondition],
    msg: &MessageView<'_>,
    ctx: &EvalContext<'_>,
    budget: &Budget,
) -> Result<bool, MatchError> {
    if conds.is_empty() {
        return Ok(true);
    }
    for c in conds {
        let holds = condition_holds(c, msg, ctx, budget)?;
        match mode {
            MatchMode::All if !holds => return Ok(false),
            MatchMode::Any if holds => return Ok(true),
            _ => {}
        }
    }
    Ok(mode == MatchMode::All)
}

fn values(texts: &[Text]) -> impl Iterator<Item = Value<'_>> {
    texts.iter().map(Text::value)
}

fn condition_holds(
    c: &CompiledCondition,
    msg: &MessageView<'_>,
    ctx: &EvalContext<'_>,
    budget: &Budget,
) -> Result<bool, MatchError> {
    if let Some(test) = &c.test {
        return match &c.condition {
            Condition::From(_) => test.matches(values(msg.from()), budget),
            Condition::To(_) => test.matches(values(msg.to()), budget),
            Condition::Cc(_) => test.matches(values(msg.cc()), budget),
            Condition::ToOrCc(_) => test.matches(values(msg.to()).chain(values(msg.cc())), budget),
            Condition::Header { name, .. } => {
                test.matches(msg.header(name).map(Text::value), budget)
            }
            Condition::Subject(_) => test.matches(msg.subject().map(Text::value), budget),
            Condition::ListId(_) => test.matches(values(msg.list_id()), budget),
            Condition::EnvelopeSender(_) => {
                let sender = Text::new(ctx.sender().unwrap_or(""));
                test.matches([sender.value()], budget)
            }
            Condition::EnvelopeRecipient(_) => {
                let rcpt = Text::new(ctx.envelope_recipient);
                test.matches([rcpt.value()], budget)
            }
            Condition::Body(_) => test.matches([msg.body().value()], budget),
            Condition::AttachmentName(_) => test.matches(values(msg.attachment_names()), budget),
            _ => Ok(false),
        };
    }
    Ok(match &c.condition {
        Condition::SizeOver { bytes } => msg.size() > *bytes,
        Condition::SizeUnder { bytes } => msg.size() < *bytes,
        Condition::HasAttachment => msg.has_attachment(),
        Condition::IsReply => !msg.in_reply_to().is_empty(),
        Condition::SenderInAddressBook => sender_in_book(msg, ctx),
        Condition::SenderNotInAddressBook => !sender_in_book(msg, ctx),
        Condition::DmarcFail => msg.dmarc_failed(ctx.authserv_id),
        _ => false,
    })
}

fn sender_in_book(msg: &MessageView<'_>, ctx: &EvalContext<'_>) -> bool {
    msg.from().iter().any(|a| (ctx.in_address_book)(&a.text))
}

/// The state of one evaluation.
struct Run<'c> {
    ctx: &'c EvalContext<'c>,
    outcome: Outcome,
    implicit_keep: bool,
    flags: Vec<String>,
    stopped: bool,
}

impl<'c> Run<'c> {
    fn new(ctx: &'c EvalContext<'c>) -> Self {
        Self {
            ctx,
            outcome: Outcome::default(),
            implicit_keep: true,
            flags: Vec::new(),
            stopped: false,
        }
    }

    fn add_flag(&mut self, flag: &str) {
        if !self.flags.iter().any(|f| f.eq_ignore_ascii_case(flag)) {
            self.flags.push(flag.to_owned());
        }
    }

    fn deliver(&mut self, mailbox: &str, create_if_missing: bool, implicit: bool) {
        let flags = self.flags.clone();
        let same = |m: &str| {
            m == mailbox || (m.eq_ignore_ascii_case(INBOX) && mailbox.eq_ignore_ascii_case(INBOX))
        };
        // RFC 5228 §2.10.3: "Implementations SHOULD NOT deliver a message to the same
        // mailbox more than once, even if a script explicitly asks for a message to be
        // written to a mailbox twice." The flags of both are merged.
        if let Some(d) = self
            .outcome
            .deliveries
            .iter_mut()
            .find(|d| same(&d.mailbox))
        {
            for f in flags {
                if !d.flags.iter().any(|g| g.eq_ignore_ascii_case(&f)) {
                    d.flags.push(f);
                }
            }
            d.create_if_missing |= create_if_missing;
            return;
        }
        self.outcome.deliveries.push(Delivery {
            mailbox: mailbox.to_owned(),
            flags,
            create_if_missing,
            implicit,
        });
    }

    fn forward(&mut self, to: &str, kind: ForwardKind) {
        if !self
            .outcome
            .forwards
            .iter()
            .any(|f| crate::address::same(&f.to, to))
        {
            self.outcome.forwards.push(Forwarding {
                to: to.to_owned(),
                kind,
            });
        }
    }

    fn apply(&mut self, actions: &[Action], msg: &MessageView<'_>, notes: &mut Vec<String>) {
        for action in actions {
            match action {
                Action::FileInto {
                    mailbox,
                    create_if_missing,
                } => {
                    self.deliver(mailbox, *create_if_missing, false);
                    self.implicit_keep = false;
                }
                Action::CopyInto {
                    mailbox,
                    create_if_missing,
                } => self.deliver(mailbox, *create_if_missing, false),
                Action::SetFlags { flags } => flags.iter().for_each(|f| self.add_flag(f)),
                Action::MarkRead => self.add_flag("\\Seen"),
                Action::Forward { to, keep_copy } => {
                    to.iter()
                        .for_each(|t| self.forward(t, ForwardKind::Forward));
                    if !keep_copy {
                        self.implicit_keep = false;
                    }
                }
                Action::Redirect { to } => {
                    self.forward(to, ForwardKind::Redirect);
                    self.implicit_keep = false;
                }
                Action::Reject { text } => {
                    if self.outcome.rejection.is_none() {
                        let mode = if self.ctx.in_smtp_transaction {
                            RejectMode::SmtpReply
                        } else {
                            RejectMode::Dsn
                        };
                        self.outcome.rejection = Some(Rejection {
                            text: text.clone(),
                            mode,
                        });
                    }
                    self.implicit_keep = false;
                }
                Action::Discard => self.implicit_keep = false,
                Action::AutoReply {
                    subject,
                    body,
                    from,
                } => {
                    let v = Vacation {
                        days: 0,
                        subject: subject.clone(),
                        from: from.clone(),
                        ..Vacation::new(body.clone())
                    };
                    self.answer(&v, ReplyKind::AutoReply, msg, notes);
                }
                Action::Vacation(v) => self.answer(v, ReplyKind::Vacation, msg, notes),
                Action::Stop => {
                    self.stopped = true;
                    return;
                }
            }
        }
    }

    fn answer(
        &mut self,
        v: &Vacation,
        kind: ReplyKind,
        msg: &MessageView<'_>,
        notes: &mut Vec<String>,
    ) {
        if !self.outcome.replies.is_empty() {
            notes.push("no answer: the message is already answered by an earlier action".into());
            return;
        }
        let last = self
            .ctx
            .sender()
            .and_then(|sender| (self.ctx.last_replied)(&reply_handle(v), sender));
        match vacation_should_reply(v, kind, msg, self.ctx, last) {
            Ok(reply) => self.outcome.replies.push(reply),
            Err(reason) => notes.push(format!("no answer: {reason}")),
        }
    }

    fn finish(mut self) -> Outcome {
        if self.outcome.rejection.is_some() {
            // A refused message goes nowhere: at SMTP time the sender is told so, and a
            // copy filed or forwarded anyway would contradict that.
            self.outcome.deliveries.clear();
            self.outcome.forwards.clear();
            self.outcome.replies.clear();
            return self.outcome;
        }
        // RFC 5228 §2.10.2: "An implicit keep is a keep action (see section 4.3)
        // performed in absence of any action that cancels the implicit keep."
        if self.implicit_keep {
            self.deliver(INBOX, false, true);
        }
        self.outcome
    }
}
