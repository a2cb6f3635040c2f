//! Server settings: what administrators change while the server runs, and what the
//! configuration file keeps (those need a restart).

use std::collections::BTreeMap;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A setting's value: a whole number, `true` or `false`, a name, or a list of whole
/// numbers (the API carries it as JSON; this names its forms).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(untagged)]
pub enum SettingValue {
    Integer(u64),
    Boolean(bool),
    Name(String),
    Integers(Vec<u64>),
}

/// What a setting's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SettingKind {
    /// A whole number from `min` to `max`.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// One of `choices`.
    Choice,
    /// A list of whole numbers, each from `min` to `max`.
    IntegerList,
}

/// One setting administrators change while the server runs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServerSetting {
    /// The name to change it by (`max_message_size`).
    pub name: String,
    /// The section it belongs to (`Messages`, `Outbound queue`).
    pub group: String,
    /// Its name for people.
    pub label: String,
    /// What it does and where it applies.
    pub description: String,
    pub kind: SettingKind,
    /// `bytes`, `seconds`, `hours` or `days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
    /// The values a `choice` takes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// The value in force, as `kind` says.
    #[cfg_attr(feature = "openapi", schema(value_type = SettingValue))]
    pub value: serde_json::Value,
    /// The configuration file's value, in force when no administrator set one.
    #[cfg_attr(feature = "openapi", schema(value_type = SettingValue))]
    pub default: serde_json::Value,
    /// Whether an administrator set it.
    pub overridden: bool,
}

/// A setting of the configuration file that takes effect at the next start.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RestartSetting {
    /// Its key in the file (`listen.imaps`); `OSPREY_LISTEN_IMAPS` in the environment.
    pub key: String,
    pub label: String,
    /// Its value, as text; empty when unset. Secrets are never shown.
    pub value: String,
}

/// The server's settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServerSettings {
    /// Effective at once, on every node within a minute.
    pub settings: Vec<ServerSetting>,
    /// Kept in the configuration file; a change needs a restart.
    pub restart_required: Vec<RestartSetting>,
}

/// Changes to server settings, by name: a value sets the setting, `null` returns it to
/// the configuration file's value. All or nothing.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = HashMap<String, SettingValue>))]
#[serde(transparent)]
pub struct UpdateServerSettings(pub BTreeMap<String, serde_json::Value>);
