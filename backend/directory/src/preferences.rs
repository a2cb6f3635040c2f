//! Each account's preferences: what the web app shows and does by default, and what the
//! services read on the account's behalf (the reader lets remote images of senders in the
//! address book load). Stored as JSON; a stored value that no longer reads (an older
//! server's, a field gone) gives way to the default of that field.

use osprey_store::AccountRecord;
use serde::{Deserialize, Serialize};

use crate::{Checks, Directory, DirectoryError};

/// Message list page sizes offered.
pub const PAGE_SIZES: [u32; 4] = [25, 50, 100, 200];
/// The longest "mark as read after" delay, in seconds.
pub const MAX_MARK_READ_DELAY: u32 = 60;
/// The languages the web app speaks.
pub const LANGUAGES: [&str; 1] = ["en"];
/// Identities an account may keep.
pub const MAX_IDENTITIES: usize = 20;
/// The longest identity name, in characters, and signature, in bytes.
pub const MAX_IDENTITY_NAME: usize = 200;
pub const MAX_SIGNATURE: usize = 10_000;

/// A sender the account writes as: one of its addresses (its own, an alias of it, or
/// one it was let send as; the mail service checks that), the display name written
/// with it, and the signature the composer adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub address: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub signature: String,
}

/// An account's preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    /// The web app's language.
    pub language: String,
    /// Messages per page of a message list: one of [`PAGE_SIZES`].
    pub messages_per_page: u32,
    /// When an opened message is marked read: at once (0), after this many seconds
    /// (up to 60), or never (`None`).
    pub mark_read_delay_secs: Option<u32>,
    /// Load remote images in messages from senders in the address book without asking.
    pub show_remote_images_from_contacts: bool,
    /// The spell checker's dictionary (`en_US`).
    pub spell_language: String,
    /// The senders it writes as, the first the default; none: its own address and name.
    pub identities: Vec<Identity>,
    /// Message lists show one row per conversation.
    pub conversation_view: bool,
}

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

impl Preferences {
    /// `self`, or the fields named with what is wrong with them.
    fn checked(self) -> Result<Self, DirectoryError> {
        let mut checks = Checks::default();
        if !LANGUAGES.contains(&self.language.as_str()) {
            checks.fail("language", format!("one of {}", LANGUAGES.join(", ")));
        }
        if !PAGE_SIZES.contains(&self.messages_per_page) {
            let sizes: Vec<String> = PAGE_SIZES.iter().map(u32::to_string).collect();
            checks.fail("messages_per_page", format!("one of {}", sizes.join(", ")));
        }
        if self
            .mark_read_delay_secs
            .is_some_and(|d| d > MAX_MARK_READ_DELAY)
        {
            checks.fail(
                "mark_read_delay_secs",
                format!("0 to {MAX_MARK_READ_DELAY} seconds, or null for never"),
            );
        }
        let code = &self.spell_language;
        if code.is_empty()
            || code.len() > 32
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            checks.fail("spell_language", "a dictionary name such as en_US");
        }
        if self.identities.len() > MAX_IDENTITIES {
            checks.fail("identities", format!("at most {MAX_IDENTITIES}"));
        }
        for (i, id) in self.identities.iter().enumerate() {
            let at = |f: &str| format!("identities[{i}].{f}");
            if osprey_core::Address::parse(id.address.trim()).is_err() {
                checks.fail(at("address"), "an e-mail address such as ann@example.com");
            } else if self.identities[..i]
                .iter()
                .any(|o| o.address.trim().eq_ignore_ascii_case(id.address.trim()))
            {
                checks.fail(at("address"), "given twice");
            }
            if id.name.chars().count() > MAX_IDENTITY_NAME || id.name.chars().any(char::is_control)
            {
                checks.fail(
                    at("name"),
                    format!("one line of at most {MAX_IDENTITY_NAME} characters"),
                );
            }
            if id.signature.len() > MAX_SIGNATURE {
                checks.fail(at("signature"), format!("at most {MAX_SIGNATURE} bytes"));
            }
        }
        checks.finish()?;
        Ok(self)
    }

    /// Stored JSON read leniently: each field that does not read is its default.
    fn read(json: &str) -> Self {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(json) else {
            return Self::default();
        };
        let mut out = serde_json::to_value(Self::default()).expect("preferences serialise");
        if let Some(defaults) = out.as_object_mut() {
            for (k, v) in map {
                if defaults.contains_key(&k) {
                    let mut trial = defaults.clone();
                    trial.insert(k.clone(), v.clone());
                    if serde_json::from_value::<Self>(serde_json::Value::Object(trial)).is_ok() {
                        defaults.insert(k, v);
                    }
                }
            }
        }
        serde_json::from_value(out).unwrap_or_default()
    }
}

impl Directory {
    /// The account's preferences (the defaults until it changes them).
    pub async fn preferences(&self, account_id: &str) -> Result<Preferences, DirectoryError> {
        Ok(self
            .store
            .accounts()
            .preferences(account_id)
            .await?
            .map(|json| Preferences::read(&json))
            .unwrap_or_default())
    }

    /// Replaces an account's own preferences after checking them.
    pub async fn set_own_preferences(
        &self,
        account: &AccountRecord,
        preferences: Preferences,
    ) -> Result<Preferences, DirectoryError> {
        let preferences = preferences.checked()?;
        let json = serde_json::to_string(&preferences).expect("preferences serialise");
        self.store
            .accounts()
            .set_preferences(&account.id, &json)
            .await?;
        Ok(preferences)
    }
}
