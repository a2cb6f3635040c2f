//! Delivery rules at delivery: the rule sets the store keeps (read, validated, saved,
//! compiled once per revision) and what running them does to a message on its way into
//! a local mailbox. The rules themselves (model, engine, vacation, SRS, Sieve) are the
//! pure `osprey-rules`; this module is where they meet the store and the queue.
//!
//! - [`DeliveryRules`] (`service.rs`): load and save a rule set of an account or a
//!   domain (a save is validated and names the revision it replaces), and the compiled
//!   rules for a delivery, cached by revision.
//! - `plan.rs`: one evaluation per local recipient — domain rules first, then the
//!   account's — into [`Placement`]s (mailbox, flags, keywords) and the messages to send
//!   on its behalf, with the forwarding loop checks applied.
//! - `edit.rs`: the rule set as a Sieve script (export, import), the vacation shortcut,
//!   and a dry run against a stored message.
//! - `run.rs`: "run now", the rules applied to a mailbox's stored mail as a background
//!   job with progress.
//! - `scripts.rs`: ManageSieve's named scripts (RFC 5804), the active one being the
//!   account's rule set.
//! - `effects.rs`: carrying out what is sent: forwards and redirects with an SRS
//!   envelope sender and a `Delivered-To` field, automatic answers with the null sender
//!   and `Auto-Submitted: auto-replied` (remembered per sender), and the notice of a
//!   rejection that could not be the SMTP reply.

mod edit;
mod effects;
mod plan;
mod run;
mod scripts;
mod service;

pub use edit::{VACATION_RULE, VacationSetting};
pub(crate) use plan::Delivering;
pub use plan::{Placement, RecipientPlan};
pub use run::{RuleRun, RunState};
pub use scripts::{
    DEFAULT_SCRIPT, MAX_SCRIPT_BYTES, MAX_SCRIPT_NAME, MAX_SCRIPTS, ScriptEntry, ScriptError,
};
pub use service::{DeliveryRules, RulesError, StoredRules};
