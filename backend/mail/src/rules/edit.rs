//! Ways to edit and inspect a rule set besides replacing it: as a Sieve script, the
//! vacation shortcut (one rule named "Vacation" whose only action is the answer), and a
//! dry run against a stored message.

use osprey_rules::{Action, Rule, RuleSet, SieveError, Vacation, from_sieve, to_sieve};
use osprey_store::RuleOwner;

use super::{
    DeliveryRules, RecipientPlan, RulesError, StoredRules,
    plan::{Delivering, Prepared},
};

/// The name of the rule the vacation shortcut edits.
pub const VACATION_RULE: &str = "Vacation";

/// The vacation shortcut's view of a rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VacationSetting {
    /// Whether the answer is on (the rule is enabled).
    pub enabled: bool,
    pub vacation: Vacation,
}

/// The vacation rule of a rule set: the first rule whose only action is a vacation.
fn vacation_rule(set: &RuleSet) -> Option<usize> {
    set.rules
        .iter()
        .position(|r| matches!(r.actions.as_slice(), [Action::Vacation(_)]))
}

impl DeliveryRules {
    /// The rule set of `owner` as a Sieve script (RFC 5228 and its extensions).
    pub async fn export_sieve(&self, owner: &RuleOwner) -> Result<(String, i64), RulesError> {
        let stored = self.load(owner).await?;
        Ok((to_sieve(&stored.rules), stored.revision))
    }

    /// Replaces the rule set of `owner` with a Sieve script of the supported subset;
    /// `Sieve` names the line and column of what is not supported.
    pub async fn import_sieve(
        &self,
        owner: &RuleOwner,
        script: &str,
        expected: Option<i64>,
    ) -> Result<StoredRules, RulesError> {
        let rules = from_sieve(script).map_err(RulesError::Sieve)?;
        self.save(owner, &rules, expected).await
    }

    /// The vacation answer of `owner`, if one was ever set.
    pub async fn vacation(
        &self,
        owner: &RuleOwner,
    ) -> Result<(Option<VacationSetting>, i64), RulesError> {
        let stored = self.load(owner).await?;
        let setting = vacation_rule(&stored.rules).map(|i| {
            let rule = &stored.rules.rules[i];
            let Action::Vacation(v) = &rule.actions[0] else {
                unreachable!("vacation_rule finds a vacation action")
            };
            VacationSetting {
                enabled: rule.enabled,
                vacation: v.clone(),
            }
        });
        Ok((setting, stored.revision))
    }

    /// Sets the vacation answer of `owner`: its rule is changed in place, or added
    /// first (so that filing rules do not keep the answer from being sent).
    pub async fn set_vacation(
        &self,
        owner: &RuleOwner,
        setting: VacationSetting,
        expected: Option<i64>,
    ) -> Result<StoredRules, RulesError> {
        let stored = self.load(owner).await?;
        // The store refuses the save when `expected` is not the revision read here.
        let expected = expected.unwrap_or(stored.revision);
        let mut rules = stored.rules;
        let mut rule = Rule::new(
            VACATION_RULE,
            Vec::new(),
            vec![Action::Vacation(setting.vacation)],
        );
        rule.enabled = setting.enabled;
        match vacation_rule(&rules) {
            Some(i) => {
                rule.name = rules.rules[i].name.clone();
                rules.rules[i] = rule;
            }
            None => rules.rules.insert(0, rule),
        }
        self.save(owner, &rules, Some(expected)).await
    }

    /// What the rules of `account_id` (and its domain) would do with `raw`, a stored
    /// message, if it arrived now from its `Return-Path` (else its `From`). Nothing is
    /// stored or sent.
    pub async fn dry_run(&self, account_id: &str, raw: &[u8]) -> Result<RecipientPlan, RulesError> {
        let sender = sender_of(raw);
        let prepared: Prepared = self
            .prepare(Delivering {
                account_id,
                recipient: None,
                sender: &sender,
                mailbox: "INBOX",
                in_smtp_transaction: false,
            })
            .await?;
        Ok(self
            .evaluate(std::slice::from_ref(&prepared), raw)
            .pop()
            .expect("one plan per prepared delivery"))
    }
}

/// The envelope sender a stored message came with, as its `Return-Path` records it, or
/// its `From` address.
pub(crate) fn sender_of(raw: &[u8]) -> String {
    let header = &raw[..crate::message::header_end(raw).unwrap_or(raw.len())];
    for name in ["Return-Path", "From"] {
        if let Some(value) = crate::message::field_value(header, name) {
            let addr = match (value.rfind('<'), value.rfind('>')) {
                (Some(a), Some(b)) if a < b => &value[a + 1..b],
                _ => value.trim(),
            };
            if name == "Return-Path" || addr.contains('@') {
                return addr.to_owned();
            }
        }
    }
    String::new()
}

impl From<SieveError> for RulesError {
    fn from(e: SieveError) -> Self {
        RulesError::Sieve(e)
    }
}
