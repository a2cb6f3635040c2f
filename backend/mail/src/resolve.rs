//! Recipient resolution: which local accounts (and which remote addresses) an envelope
//! recipient stands for, following aliases (one-to-many, nested up to a depth limit) and
//! the domain's catch-all.

use std::collections::{HashSet, VecDeque};

use osprey_core::Address;
use osprey_store::{AccountRecord, Store, StoreError};

/// Where mail for one recipient goes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolution {
    /// Local accounts, without duplicates.
    pub local: Vec<AccountRecord>,
    /// Remote addresses that aliases point to.
    pub remote: Vec<String>,
}

/// Why a recipient cannot be resolved.
#[derive(Debug)]
pub enum ResolveError {
    /// The domain is not one of ours.
    NotLocal,
    /// No account, alias or catch-all has this address.
    Unknown,
    /// The account exists but is disabled.
    Disabled,
    /// Aliases nest deeper than the limit, or only lead back to themselves (a loop).
    TooDeep,
    Store(StoreError),
}

impl From<StoreError> for ResolveError {
    fn from(e: StoreError) -> Self {
        ResolveError::Store(e)
    }
}

/// Resolves `address`, following at most `max_depth` levels of aliases.
pub async fn resolve(
    store: &Store,
    address: &Address,
    max_depth: usize,
) -> Result<Resolution, ResolveError> {
    let mut out = Resolution::default();
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([(address.clone(), 0usize)]);
    let mut disabled = false;
    let mut looped = false;
    while let Some((addr, depth)) = queue.pop_front() {
        if !seen.insert(addr.key()) {
            looped = true;
            continue;
        }
        // One lookup tells whether the domain is ours and gives its canonical name.
        let Some(domain) = store
            .domains()
            .canonical_domain(addr.domain().as_str())
            .await?
        else {
            if depth == 0 {
                return Err(ResolveError::NotLocal);
            }
            out.remote.push(addr.to_string());
            continue;
        };
        match store
            .accounts()
            .account_in_domain(addr.local(), &domain)
            .await
        {
            Ok(a) if a.enabled => {
                if !out.local.iter().any(|l| l.id == a.id) {
                    out.local.push(a);
                }
                continue;
            }
            Ok(_) => {
                disabled = true;
                continue;
            }
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        let canonical = format!("{}@{domain}", addr.local().to_ascii_lowercase());
        let alias = match store.aliases().alias_by_address(&canonical).await? {
            Some(a) => Some(a),
            None => {
                store
                    .aliases()
                    .alias_by_address(&format!("@{domain}"))
                    .await?
            }
        };
        let Some(alias) = alias else {
            if depth == 0 {
                return Err(ResolveError::Unknown);
            }
            // A dangling alias target: skip it, the other targets still get the mail.
            tracing::warn!(target_address = %addr, "an alias points to a missing address");
            continue;
        };
        if depth >= max_depth {
            return Err(ResolveError::TooDeep);
        }
        for target in &alias.targets {
            if let Ok(t) = Address::parse(target) {
                queue.push_back((t, depth + 1));
            }
        }
    }
    if out.local.is_empty() && out.remote.is_empty() {
        return Err(if disabled {
            ResolveError::Disabled
        } else if looped {
            ResolveError::TooDeep
        } else {
            ResolveError::Unknown
        });
    }
    Ok(out)
}
