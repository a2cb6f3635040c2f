//! Aliases: addresses that forward to other addresses; `@domain` is the domain's
//! catch-all. An administrator manages the aliases of the domains it administers.

use osprey_core::{Address, DomainName};
use osprey_store::{AliasRecord, StoreError};

use crate::{
    Actor, Directory, DirectoryError, DomainSettings,
    audit::{self, Change, alias_view},
    checks::Checks,
};

/// Most targets one alias may have.
pub const MAX_TARGETS: usize = 1000;

fn check_targets(checks: &mut Checks, targets: &[String]) -> Vec<String> {
    if targets.is_empty() {
        checks.fail("targets", "name at least one target address");
    }
    if targets.len() > MAX_TARGETS {
        checks.fail("targets", format!("at most {MAX_TARGETS} targets"));
    }
    let mut out: Vec<String> = targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| checks.address(&format!("targets[{i}]"), t))
        .map(|a| a.to_string())
        .collect();
    out.dedup();
    out
}

impl Directory {
    /// Creates the alias `address` (`local@domain`, or `@domain` for the catch-all).
    pub async fn create_alias(
        &self,
        actor: &Actor,
        address: &str,
        targets: &[String],
    ) -> Result<AliasRecord, DirectoryError> {
        let scope = actor.admin_scope()?;
        let mut checks = Checks::default();
        let raw = address.trim();
        let (local, domain) = match raw.strip_prefix('@') {
            Some(d) => (None, checks.domain("address", d)),
            None => match checks.address("address", raw) {
                Some(a) => (Some(a.local().to_owned()), Some(a.domain().clone())),
                None => (None, None),
            },
        };
        let targets = check_targets(&mut checks, targets);
        checks.finish()?;
        let domain: DomainName = domain.expect("checked");
        let record = match self.store.domains().domain_by_name(domain.as_str()).await {
            Ok(d) => d,
            Err(StoreError::NotFound) => {
                return Err(DirectoryError::field(
                    "address",
                    format!("the domain {domain} does not exist"),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        scope.check_domain(&record.id, &record.name)?;
        if let Some(l) = &local {
            let own = Address::parse(&format!("{l}@{}", record.name))
                .map_err(|e| DirectoryError::field("address", e.to_string()))?;
            if targets
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&own.to_string()))
            {
                return Err(DirectoryError::field(
                    "targets",
                    "an alias cannot deliver to itself",
                ));
            }
        }
        if let Some(max) = DomainSettings::of(&record).max_aliases
            && self.store.aliases().count_in_domain(&record.id).await? >= u64::from(max)
        {
            return Err(DirectoryError::field(
                "address",
                format!(
                    "the domain {} holds its limit of {max} alias{}",
                    record.name,
                    if max == 1 { "" } else { "es" }
                ),
            ));
        }
        let created = self
            .store
            .aliases()
            .create_alias(local.as_deref(), &record.name, targets)
            .await?;
        audit::record(
            &self.store,
            actor,
            Change::new("alias.create", &created.address)
                .domain(&created.domain_id)
                .after(alias_view(&created)),
        )
        .await;
        Ok(created)
    }

    /// The alias `id`, if `actor` administers its domain.
    pub async fn managed_alias(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<AliasRecord, DirectoryError> {
        let scope = actor.admin_scope()?;
        let alias = self.store.aliases().alias(id).await?;
        scope.check(&alias.domain_id, "this alias is")?;
        Ok(alias)
    }

    /// Replaces an alias's targets.
    pub async fn update_alias(
        &self,
        actor: &Actor,
        id: &str,
        targets: &[String],
    ) -> Result<AliasRecord, DirectoryError> {
        let alias = self.managed_alias(actor, id).await?;
        let mut checks = Checks::default();
        let targets = check_targets(&mut checks, targets);
        if targets
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&alias.address))
        {
            checks.fail("targets", "an alias cannot deliver to itself");
        }
        checks.finish()?;
        let after = self
            .store
            .aliases()
            .update_alias_targets(id, targets)
            .await?;
        audit::record(
            &self.store,
            actor,
            Change::new("alias.update", &after.address)
                .domain(&after.domain_id)
                .before(alias_view(&alias))
                .after(alias_view(&after)),
        )
        .await;
        Ok(after)
    }

    /// Deletes an alias.
    pub async fn delete_alias(&self, actor: &Actor, id: &str) -> Result<(), DirectoryError> {
        let before = self.managed_alias(actor, id).await?;
        self.store.aliases().delete_alias(id).await?;
        audit::record(
            &self.store,
            actor,
            Change::new("alias.delete", &before.address)
                .domain(&before.domain_id)
                .before(alias_view(&before)),
        )
        .await;
        Ok(())
    }
}
