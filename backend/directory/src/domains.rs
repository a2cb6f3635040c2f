//! Domains (virtual hosts): only a server administrator creates, changes or removes
//! them; a domain administrator may read those it manages.

use osprey_core::DomainName;
use osprey_store::{DomainChanges, DomainRecord, NewDomain};

use crate::{
    Actor, Directory, DirectoryError,
    audit::{Change, domain_view, record},
    checks::Checks,
};

/// Longest description of a domain, in characters.
pub const MAX_DESCRIPTION: usize = 500;

/// A domain's settings, as stored with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DomainSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Most accounts the domain may hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_accounts: Option<u32>,
    /// Most aliases (catch-all included) the domain may hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_aliases: Option<u32>,
    /// The largest quota an account of the domain may have, in bytes; with it every
    /// account has a quota (the default, else this).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_quota_bytes: Option<u64>,
    /// Quota given to new accounts that do not name one, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_quota_bytes: Option<u64>,
    /// Largest message accepted for the domain, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_message_bytes: Option<u64>,
    /// Accounts of the domain may use any sender address (off by default): for the
    /// rare site whose users must send as addresses they do not own. DKIM still signs
    /// only for addresses the account may use without it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub any_sender: bool,
    /// The domain's accounts are offered to each other as recipients (a read-only
    /// directory in the composer's suggestions); off by default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub directory_visible: bool,
    /// The domain's pages show no banner ads, server-wide campaigns included.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_ads: bool,
}

/// A size for messages: whole MiB when it is one, else bytes.
fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

impl DomainSettings {
    /// The settings stored with `domain` (defaults where none are).
    pub fn of(domain: &DomainRecord) -> DomainSettings {
        serde_json::from_value(domain.settings.clone()).unwrap_or_default()
    }

    fn check(&self, checks: &mut Checks) {
        if self
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
        {
            checks.fail(
                "settings.description",
                format!("must be at most {MAX_DESCRIPTION} characters long"),
            );
        }
        if self.max_message_bytes == Some(0) {
            checks.fail("settings.max_message_bytes", "must be greater than 0");
        }
        if self.max_quota_bytes == Some(0) {
            checks.fail("settings.max_quota_bytes", "must be greater than 0");
        }
        if let (Some(default), Some(max)) = (self.default_quota_bytes, self.max_quota_bytes)
            && default > max
        {
            checks.fail(
                "settings.default_quota_bytes",
                format!("must be at most the largest quota, {}", size(max)),
            );
        }
    }

    /// The quota a new account gets when it names `asked`: the domain's default, else
    /// its largest.
    pub fn quota_for(&self, asked: Option<u64>) -> Option<u64> {
        asked.or(self.default_quota_bytes).or(self.max_quota_bytes)
    }

    /// Refuses a quota (`None`: unlimited) beyond the domain's largest, naming the limit.
    pub fn check_quota(&self, domain: &str, quota: Option<u64>) -> Result<(), DirectoryError> {
        let Some(max) = self.max_quota_bytes else {
            return Ok(());
        };
        match quota {
            Some(q) if q <= max => Ok(()),
            _ => Err(DirectoryError::field(
                "quota_bytes",
                format!("the domain {domain} allows quotas of at most {}", size(max)),
            )),
        }
    }

    fn stored(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("settings serialise")
    }
}

/// A new domain.
#[derive(Debug, Clone, Default)]
pub struct NewDomainRequest {
    pub name: String,
    /// Other names that deliver to the same accounts.
    pub aliases: Vec<String>,
    pub settings: DomainSettings,
    pub enabled: bool,
}

/// Changes to a domain; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DomainUpdate {
    pub aliases: Option<Vec<String>>,
    pub settings: Option<DomainSettings>,
    pub enabled: Option<bool>,
}

fn check_aliases(checks: &mut Checks, aliases: &[String]) -> Vec<DomainName> {
    aliases
        .iter()
        .enumerate()
        .filter_map(|(i, a)| checks.domain(&format!("aliases[{i}]"), a))
        .collect()
}

impl Directory {
    /// Creates a domain (server administrators).
    pub async fn create_domain(
        &self,
        actor: &Actor,
        req: NewDomainRequest,
    ) -> Result<DomainRecord, DirectoryError> {
        actor.server_admin()?;
        let mut checks = Checks::default();
        let name = checks.domain("name", &req.name);
        let aliases = check_aliases(&mut checks, &req.aliases);
        req.settings.check(&mut checks);
        checks.finish()?;
        let created = self
            .store
            .domains()
            .create_domain(NewDomain {
                name: name.expect("checked"),
                aliases,
                settings: req.settings.stored(),
                enabled: req.enabled,
            })
            .await?;
        record(
            &self.store,
            actor,
            Change::new("domain.create", &created.name)
                .domain(&created.id)
                .after(domain_view(&created)),
        )
        .await;
        Ok(created)
    }

    /// The domain `id`, if `actor` administers it.
    pub async fn visible_domain(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<DomainRecord, DirectoryError> {
        let scope = actor.admin_scope()?;
        let record = self.store.domains().domain(id).await?;
        scope.check_domain(&record.id, &record.name)?;
        Ok(record)
    }

    /// Changes a domain's alias names, settings or state (server administrators).
    pub async fn update_domain(
        &self,
        actor: &Actor,
        id: &str,
        update: DomainUpdate,
    ) -> Result<DomainRecord, DirectoryError> {
        actor.server_admin()?;
        let mut checks = Checks::default();
        let aliases = update
            .aliases
            .as_ref()
            .map(|a| check_aliases(&mut checks, a));
        if let Some(s) = &update.settings {
            s.check(&mut checks);
        }
        checks.finish()?;
        let before = self.store.domains().domain(id).await?;
        let after = self
            .store
            .domains()
            .update_domain(
                id,
                DomainChanges {
                    aliases,
                    settings: update.settings.as_ref().map(DomainSettings::stored),
                    enabled: update.enabled,
                },
            )
            .await?;
        record(
            &self.store,
            actor,
            Change::new("domain.update", &after.name)
                .domain(&after.id)
                .before(domain_view(&before))
                .after(domain_view(&after)),
        )
        .await;
        Ok(after)
    }

    /// Deletes a domain with its aliases (server administrators); refused while it has
    /// accounts.
    pub async fn delete_domain(&self, actor: &Actor, id: &str) -> Result<(), DirectoryError> {
        actor.server_admin()?;
        let before = self.store.domains().domain(id).await?;
        self.store.domains().delete_domain(id).await?;
        record(
            &self.store,
            actor,
            Change::new("domain.delete", &before.name)
                .domain(&before.id)
                .before(domain_view(&before)),
        )
        .await;
        Ok(())
    }
}
