//! What mail clients and other mail servers may ask about a domain without signing in:
//! whether a name is one of this server's mail domains (its name or an alias name), the
//! name its pages use, and its MTA-STS mode. The answers say nothing about accounts.

use osprey_core::MtaStsMode;
use osprey_store::{DomainRecord, StoreError};

use crate::{Directory, DirectoryError};

/// A domain of this server as the public set-up answers see it.
#[derive(Debug, Clone)]
pub struct MailDomain {
    pub domain: DomainRecord,
    /// The product name of the domain's look (its own, the server's or Osprey's).
    pub product_name: String,
}

impl Directory {
    /// The domain `name` names (its name or an alias name, any case, a final dot
    /// allowed), with its look's product name; `None` for any other name.
    pub async fn mail_domain(&self, name: &str) -> Result<Option<MailDomain>, DirectoryError> {
        let Some(domain) = self.hosted_domain(name).await? else {
            return Ok(None);
        };
        let look = self.branding_of_domain(&domain.id).await?;
        Ok(Some(MailDomain {
            product_name: look.look.name().to_owned(),
            domain,
        }))
    }

    /// The domain `name` names: its name or an alias name, any case, a final dot
    /// allowed; `None` for any other name.
    pub async fn hosted_domain(&self, name: &str) -> Result<Option<DomainRecord>, DirectoryError> {
        let name = name.trim().trim_end_matches('.');
        if name.is_empty() {
            return Ok(None);
        }
        match self.store.domains().domain_by_name(name).await {
            Ok(d) => Ok(Some(d)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The mode of the MTA-STS policy the server's domains publish (a server setting).
    pub fn mta_sts_mode(&self) -> MtaStsMode {
        self.settings_now().values.mta_sts_mode
    }
}
