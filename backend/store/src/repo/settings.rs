//! Server-wide settings kept as one JSON document per name, and the typed settings built
//! on them (the relay policy, the password policy). Unset means the documented default.

use chrono::Utc;
use osprey_core::{IpNet, PasswordPolicy, RelayDestination, RelayMode, RelayPolicy};
use sea_orm::{EntityTrait, Set, sea_query::OnConflict};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::views::Settings;
use crate::{StoreError, entity::server_setting};

const RELAY: &str = "relay";
const PASSWORD_POLICY: &str = "password_policy";
const POSTMASTER: &str = "postmaster";
const AUDIT_RETENTION: &str = "audit_retention_days";
const SERVER: &str = "server";

/// The password policy as stored; a missing field keeps its default.
#[derive(Serialize, Deserialize, Default)]
struct StoredPasswordPolicy {
    min_len: Option<usize>,
    max_len: Option<usize>,
    min_classes: Option<usize>,
    relaxed_len: Option<usize>,
}

/// The relay policy as stored: plain strings, parsed again on the way out.
#[derive(Serialize, Deserialize, Default)]
struct StoredRelay {
    mode: String,
    networks: Vec<String>,
    destinations: Vec<String>,
}

impl Settings<'_> {
    async fn setting<T: DeserializeOwned>(self, name: &str) -> Result<Option<T>, StoreError> {
        let Some(row) = server_setting::Entity::find_by_id(name.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        serde_json::from_str(&row.value)
            .map(Some)
            .map_err(|e| StoreError::Invalid(format!("setting {name} is unreadable: {e}")))
    }

    async fn put_setting<T: Serialize>(self, name: &str, value: &T) -> Result<(), StoreError> {
        let json = serde_json::to_string(value)
            .map_err(|e| StoreError::Invalid(format!("setting {name}: {e}")))?;
        server_setting::Entity::insert(server_setting::ActiveModel {
            name: Set(name.to_owned()),
            value: Set(json),
            updated_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(server_setting::Column::Name)
                .update_columns([
                    server_setting::Column::Value,
                    server_setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&self.db)
        .await?;
        Ok(())
    }

    /// The relay policy; the default (authenticated users only) when none was set.
    /// Entries that no longer parse are skipped rather than failing every relay check.
    pub async fn relay_policy(self) -> Result<RelayPolicy, StoreError> {
        let Some(stored) = self.setting::<StoredRelay>(RELAY).await? else {
            return Ok(RelayPolicy::default());
        };
        Ok(RelayPolicy {
            mode: stored.mode.parse::<RelayMode>().unwrap_or_default(),
            networks: stored
                .networks
                .iter()
                .filter_map(|n| n.parse::<IpNet>().ok())
                .collect(),
            destinations: stored
                .destinations
                .iter()
                .filter_map(|d| RelayDestination::parse(d).ok())
                .collect(),
        })
    }

    /// Replaces the relay policy.
    pub async fn set_relay_policy(self, policy: &RelayPolicy) -> Result<(), StoreError> {
        self.put_setting(
            RELAY,
            &StoredRelay {
                mode: policy.mode.as_str().to_owned(),
                networks: policy.networks.iter().map(ToString::to_string).collect(),
                destinations: policy
                    .destinations
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            },
        )
        .await
    }

    /// The password policy every password set through the directory follows; the
    /// default when none was set.
    pub async fn password_policy(self) -> Result<PasswordPolicy, StoreError> {
        let d = PasswordPolicy::default();
        let Some(s) = self
            .setting::<StoredPasswordPolicy>(PASSWORD_POLICY)
            .await?
        else {
            return Ok(d);
        };
        Ok(PasswordPolicy {
            min_len: s.min_len.unwrap_or(d.min_len),
            max_len: s.max_len.unwrap_or(d.max_len),
            min_classes: s.min_classes.unwrap_or(d.min_classes),
            relaxed_len: s.relaxed_len.unwrap_or(d.relaxed_len),
        })
    }

    /// Replaces the password policy.
    pub async fn set_password_policy(self, policy: &PasswordPolicy) -> Result<(), StoreError> {
        self.put_setting(
            PASSWORD_POLICY,
            &StoredPasswordPolicy {
                min_len: Some(policy.min_len),
                max_len: Some(policy.max_len),
                min_classes: Some(policy.min_classes),
                relaxed_len: Some(policy.relaxed_len),
            },
        )
        .await
    }

    /// The id of the account that receives postmaster mail, when one was named.
    pub async fn postmaster(self) -> Result<Option<String>, StoreError> {
        self.setting::<String>(POSTMASTER).await
    }

    /// Names the account that receives postmaster mail.
    pub async fn set_postmaster(self, account_id: &str) -> Result<(), StoreError> {
        self.put_setting(POSTMASTER, &account_id.to_owned()).await
    }

    /// Days the audit log keeps its rows, when an administrator set it.
    pub async fn audit_retention_days(self) -> Result<Option<u32>, StoreError> {
        self.setting::<u32>(AUDIT_RETENTION).await
    }

    /// Sets the days the audit log keeps its rows.
    pub async fn set_audit_retention_days(self, days: u32) -> Result<(), StoreError> {
        self.put_setting(AUDIT_RETENTION, &days).await
    }

    /// The server settings administrators changed at run time, by name (values as
    /// JSON); empty when none was changed.
    pub async fn server_overrides(
        self,
    ) -> Result<serde_json::Map<String, serde_json::Value>, StoreError> {
        Ok(self.setting(SERVER).await?.unwrap_or_default())
    }

    /// Replaces the server settings changed at run time.
    pub async fn set_server_overrides(
        self,
        overrides: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), StoreError> {
        self.put_setting(SERVER, overrides).await
    }
}
