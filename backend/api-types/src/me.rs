//! The signed-in account's own settings and API keys.

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `PATCH /api/v1/me`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// An IANA time zone name (`Europe/Berlin`); empty for UTC. The days of the
    /// out-of-office answer are days in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// `POST /api/v1/me/password`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// What an API key may do. A key never grants more than its owner's role allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub enum Scope {
    /// Read the owner's own account and data.
    #[serde(rename = "account:read")]
    AccountRead,
    /// Change the owner's own account and data.
    #[serde(rename = "account:write")]
    AccountWrite,
    /// Read what the owner administers (domains, accounts, aliases).
    #[serde(rename = "admin:read")]
    AdminRead,
    /// Change what the owner administers.
    #[serde(rename = "admin:write")]
    AdminWrite,
}

impl Scope {
    /// Every scope, in a stable order.
    pub const ALL: [Scope; 4] = [
        Scope::AccountRead,
        Scope::AccountWrite,
        Scope::AdminRead,
        Scope::AdminWrite,
    ];

    /// The scope's name as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::AccountRead => "account:read",
            Scope::AccountWrite => "account:write",
            Scope::AdminRead => "admin:read",
            Scope::AdminWrite => "admin:write",
        }
    }

    /// Parses a scope name.
    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A personal API key, without its secret.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// The first characters of the key, to recognise it (`osk_ab12cd34`).
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/me/api-keys`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    pub name: String,
    pub scopes: Vec<Scope>,
    /// Days until the key expires; absent for a key that does not expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<u32>,
}

/// The answer to creating an API key: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreatedApiKey {
    pub key: ApiKey,
    /// Send as `Authorization: Bearer <secret>`. Osprey keeps only its hash.
    pub secret: String,
}

/// The signed-in account's preferences (`GET` and `PUT /me/preferences`; a `PUT` sets
/// every field, an absent one to its default).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Preferences {
    /// The web app's language (`en`).
    pub language: String,
    /// Messages per page of a message list: 25, 50, 100 or 200.
    pub messages_per_page: u32,
    /// When an opened message is marked read: at once (0), after this many seconds (up
    /// to 60), or never (null).
    pub mark_read_delay_secs: Option<u32>,
    /// Remote images in messages from senders in the address book load without asking.
    pub show_remote_images_from_contacts: bool,
    /// The spell checker's dictionary (a code of `GET /spell/languages`).
    pub spell_language: String,
    /// The senders the account writes as, the first the default (its own address when
    /// there is none): each must be an address it may send as.
    #[serde(default)]
    pub identities: Vec<Identity>,
    /// Message lists show one row per conversation (off: one row per message).
    pub conversation_view: bool,
}

/// A sender the account writes as, with the display name written with it and the
/// signature the composer adds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Identity {
    pub address: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub signature: String,
}

/// The defaults of `osprey_directory::Preferences` (a test in the API's `me` routes
/// holds the two together).
impl Default for Preferences {
    fn default() -> Self {
        Self {
            language: "en".into(),
            messages_per_page: 50,
            mark_read_delay_secs: Some(0),
            show_remote_images_from_contacts: false,
            spell_language: "en_US".into(),
            identities: Vec::new(),
            conversation_view: false,
        }
    }
}
