//! The signed-in user's address book: contacts (kept as vCard on the server), contact
//! groups, vCard import and export, and recipient suggestions for the composer.

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// An e-mail address or phone number with a label.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LabeledValue {
    /// `home`, `work`, `cell`, … or empty.
    #[serde(default)]
    pub label: String,
    pub value: String,
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PostalAddress {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub locality: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub country: String,
}

/// What a contact holds: the body of `POST /contacts` and `PUT /contacts/{id}`, and
/// part of [`Contact`]. Give at least a name, an organisation or an address.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactFields {
    /// The name shown; made from the other names when empty.
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub emails: Vec<LabeledValue>,
    #[serde(default)]
    pub phones: Vec<LabeledValue>,
    #[serde(default)]
    pub organization: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub addresses: Vec<PostalAddress>,
    /// `YYYY-MM-DD`, or `--MM-DD` without a year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    #[serde(default)]
    pub notes: String,
    /// A `data:image/…;base64,` or `https://` address, at most 256 KB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

/// A contact of the signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Contact {
    pub id: String,
    /// The vCard UID (stable across export and import).
    pub uid: String,
    pub fields: ContactFields,
    pub updated_at: DateTime<Utc>,
}

/// A contact group (a distribution list of the account's contacts).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ContactGroup {
    pub id: String,
    pub name: String,
    /// The member contacts' ids.
    pub members: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// The body of `POST /contact-groups` and `PUT /contact-groups/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactGroupFields {
    pub name: String,
    /// Contact ids of the signed-in account.
    #[serde(default)]
    pub members: Vec<String>,
}

/// The body of `POST /contacts/import`: the text of a `.vcf` file (vCard 3.0 or 4.0,
/// many cards), at most 10 MB.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportContacts {
    pub vcard: String,
}

/// A card of an imported file that was not kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportProblem {
    /// The line of the file (from 1) the problem is on.
    pub line: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub message: String,
}

/// What an import did: good cards are kept (a card with the UID of a contact replaces
/// it), broken ones are listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    pub problems: Vec<ImportProblem>,
}

/// A recipient the composer may offer for what was typed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecipientSuggestion {
    /// `contact`, `group`, `directory` (an account of the domain, when the domain shows
    /// its directory) or `recent` (an address written to lately).
    pub kind: String,
    /// The contact's, group's or account's id (empty for `recent`).
    pub id: String,
    pub name: String,
    /// The address (a contact's, one suggestion per address) or the group members'.
    pub addresses: Vec<String>,
}
