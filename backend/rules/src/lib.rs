//! Osprey's delivery rules: the typed rule model users and domain administrators edit,
//! its validation, the engine that turns a message into a delivery plan, the vacation
//! decision, forwarding helpers (loop checks, SRS) and Sieve export and import.
//!
//! Entry points: [`RuleSet::validate`] (REST API, 422 errors), [`CompiledRules::compile`]
//! then [`evaluate_layers`] with a [`MessageView`] and an [`EvalContext`] (delivery),
//! [`loops::check_forwarding`] and [`srs::Srs`] (forwarding), [`to_sieve`] and
//! [`from_sieve`] (Sieve export/import, ManageSieve). No I/O, no async, no database;
//! nothing here panics on input.

pub mod address;
pub mod context;
pub mod engine;
pub mod loops;
pub mod model;
pub mod outcome;
pub mod pattern;
pub mod sieve;
pub mod srs;
pub mod vacation;
pub mod validate;
pub mod view;

pub use context::EvalContext;
pub use engine::{CompiledRules, evaluate_layers};
pub use model::{
    Action, Condition, MatchMode, Operator, RULESET_VERSION, Rule, RuleSet, TextTest, Vacation,
};
pub use outcome::{
    Delivery, ForwardKind, Forwarding, INBOX, Outcome, RejectMode, Rejection, RuleResult, RuleTrace,
};
pub use sieve::{SieveError, from_sieve, to_sieve};
pub use vacation::{NoReplyReason, Reply, ReplyKind, vacation_should_reply};
pub use validate::RuleError;
pub use view::MessageView;
