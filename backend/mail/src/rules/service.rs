//! [`DeliveryRules`]: the rule sets of accounts and domains as `osprey-rules` models —
//! loaded, validated before they are saved, and compiled once per revision for delivery.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use osprey_directory::{Actor, DirectoryError};
use osprey_rules::{CompiledRules, RuleError, RuleSet, srs::Srs};
use osprey_store::{RuleOwner, RuleSetRecord, Store, StoreError};

/// Why a rule set could not be read or saved.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The rule set breaks a rule of the model; every problem, with its JSON path.
    #[error("the rules are not valid: {}", list(.0))]
    Invalid(Vec<RuleError>),
    /// A Sieve script uses what the rules cannot express, or is not Sieve.
    #[error("{0}")]
    Sieve(osprey_rules::SieveError),
    /// The stored text is not a rule set this server reads.
    #[error("the stored rules cannot be read: {0}")]
    Unreadable(String),
    /// The actor may not read or change these rules.
    #[error(transparent)]
    Directory(#[from] osprey_directory::DirectoryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn list(errors: &[RuleError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A rule set with the revision it was read at (0: never saved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRules {
    pub rules: RuleSet,
    pub revision: i64,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Compiled rule sets kept at most; beyond that the cache starts over.
const MAX_CACHED: usize = 10_000;

/// The delivery rules service. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct DeliveryRules {
    pub(crate) store: Store,
    /// Rewrites the envelope sender of forwarded mail (RFC-less but universal: SRS).
    pub(crate) srs: Option<Arc<Srs>>,
    /// This server's name: the authserv-id its `Authentication-Results` fields carry,
    /// and the domain of the notices it sends.
    pub(crate) hostname: String,
    compiled: Arc<Mutex<CompiledCache>>,
    /// The "run now" jobs (`run.rs`).
    pub(crate) runs: Arc<Mutex<super::run::RunTable>>,
}

/// Compiled rule sets by owner, with the revision they were compiled from.
type CompiledCache = HashMap<RuleOwner, (i64, Arc<CompiledRules>)>;

impl DeliveryRules {
    /// Rules over `store`, for a server named `hostname`; forwarded mail keeps its
    /// envelope sender unless [`with_srs`](Self::with_srs) is set.
    pub fn new(store: Store, hostname: impl Into<String>) -> Self {
        Self {
            store,
            srs: None,
            hostname: hostname.into(),
            compiled: Arc::default(),
            runs: Arc::default(),
        }
    }

    /// Forwarded mail gets an SRS envelope sender signed with `secret` in `domain` (a
    /// domain whose mail comes to this server, so that bounces find their way back).
    pub fn with_srs(mut self, secret: Vec<u8>, domain: impl Into<String>) -> Self {
        self.srs = Some(Arc::new(Srs::new(secret, domain)));
        self
    }

    /// The original sender behind `address` when it is an SRS address this server
    /// made (a bounce coming back for mail it forwarded), with a valid signature and
    /// not expired; `None` otherwise.
    pub fn srs_reverse(&self, address: &str) -> Option<String> {
        let srs = self.srs.as_ref()?;
        let (local, domain) = address.rsplit_once('@')?;
        let tagged = local
            .get(..5)
            .is_some_and(|t| t.eq_ignore_ascii_case("SRS0=") || t.eq_ignore_ascii_case("SRS1="));
        if !tagged || !domain.eq_ignore_ascii_case(srs.domain()) {
            return None;
        }
        srs.reverse(address, chrono::Utc::now()).ok()
    }

    /// Refuses `actor` the rules of `owner` unless they are its own account's, or it
    /// administers the domain of the account or the domain itself. `NotFound` for an
    /// owner that does not exist.
    pub async fn authorize(&self, actor: &Actor, owner: &RuleOwner) -> Result<(), RulesError> {
        let domain_id = match owner {
            RuleOwner::Account(id) => {
                let account = self.store.accounts().account(id).await?;
                if actor.account_id() == Some(id.as_str()) {
                    return Ok(());
                }
                account.domain_id
            }
            RuleOwner::Domain(id) => self.store.domains().domain(id).await?.id,
        };
        if actor.admin_scope()?.includes(&domain_id) {
            Ok(())
        } else {
            Err(DirectoryError::Forbidden(
                "these rules belong to a domain you do not administer".into(),
            )
            .into())
        }
    }

    /// The rule set of `owner` (empty at revision 0 when it has none).
    pub async fn load(&self, owner: &RuleOwner) -> Result<StoredRules, RulesError> {
        let record = self.store.rules().rule_set(owner).await?;
        Ok(StoredRules {
            rules: parse(&record)?,
            revision: record.revision,
            updated_at: record.updated_at,
        })
    }

    /// Validates `rules` and saves them for `owner` if its rule set is still at revision
    /// `expected` (any when `None`). Nothing is saved when they are not valid.
    pub async fn save(
        &self,
        owner: &RuleOwner,
        rules: &RuleSet,
        expected: Option<i64>,
    ) -> Result<StoredRules, RulesError> {
        let json = encode(rules)?;
        let record = self
            .store
            .rules()
            .put_rule_set(owner, &json, expected)
            .await?;
        Ok(StoredRules {
            rules: rules.clone(),
            revision: record.revision,
            updated_at: record.updated_at,
        })
    }

    /// The compiled rules of a stored rule set, compiled at most once per revision.
    /// A rule set that cannot be read compiles to no rules (and is logged): rules never
    /// stop delivery.
    pub(crate) fn compiled(&self, record: &RuleSetRecord) -> Arc<CompiledRules> {
        let cache = || self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((rev, rules)) = cache().get(&record.owner)
            && *rev == record.revision
        {
            return rules.clone();
        }
        let set = parse(record).unwrap_or_else(|e| {
            tracing::error!(owner = ?record.owner, error = %e, "delivery rules skipped");
            RuleSet::default()
        });
        let rules = Arc::new(CompiledRules::compile(&set));
        let mut cache = cache();
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        cache.insert(record.owner.clone(), (record.revision, rules.clone()));
        rules
    }
}

/// `rules` validated, as the JSON the store keeps.
pub(crate) fn encode(rules: &RuleSet) -> Result<String, RulesError> {
    rules.validate().map_err(RulesError::Invalid)?;
    serde_json::to_string(rules)
        .map_err(|e| RulesError::Unreadable(format!("the rules cannot be written: {e}")))
}

/// The rule set in a stored record (empty when none was saved).
fn parse(record: &RuleSetRecord) -> Result<RuleSet, RulesError> {
    if record.revision == 0 || record.rules.is_empty() {
        return Ok(RuleSet::default());
    }
    serde_json::from_str(&record.rules).map_err(|e| RulesError::Unreadable(e.to_string()))
}
