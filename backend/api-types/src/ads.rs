//! Banner ads: campaigns administrators run on the web pages, their daily counts, the
//! accounts that see none, and the ad a page shows.

use chrono::{DateTime, NaiveDate, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A campaign.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdCampaign {
    pub id: String,
    /// The domain whose pages show it; absent: every domain's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    pub name: String,
    /// What the ad says (plain text).
    pub text: String,
    /// Where a click leads.
    pub link_url: String,
    /// The pages it shows on: `webmail`, `calendar`, `login`.
    pub targets: Vec<String>,
    /// How often it shows against the others (1 to 1000).
    pub weight: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime<Utc>>,
    pub enabled: bool,
    /// Its image, when it has one (`/api/v1/ads/{id}/image`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Times it was shown, in all.
    pub impressions: u64,
    /// Times it was clicked, in all.
    pub clicks: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new campaign, or all of a campaign's fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdCampaignInput {
    /// The domain (by name) whose pages show it; absent: every domain's (server
    /// administrators only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    pub name: String,
    /// Plain text, at most 200 characters.
    pub text: String,
    /// An `https://` or `http://` address.
    pub link_url: String,
    /// Some of `webmail`, `calendar`, `login`.
    pub targets: Vec<String>,
    /// 1 to 1000 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime<Utc>>,
    /// Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// What a campaign did on one day (UTC).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdDay {
    pub day: NaiveDate,
    pub impressions: u64,
    pub clicks: u64,
}

/// An account that sees no ads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdExemption {
    pub account_id: String,
    pub address: String,
}

/// `POST /api/v1/admin/ads/exemptions`: the account to spare.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdExemptionInput {
    pub address: String,
}

/// The ad a page shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ShownAd {
    pub id: String,
    pub text: String,
    /// Its image, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Where a click goes: the server counts it and sends the browser on to the
    /// campaign's link.
    pub click_url: String,
}

/// `GET /api/v1/ads/slot`: the ad for a page, or none (ads off for the account or its
/// domain, or no campaign running for the page).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdSlot {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad: Option<ShownAd>,
}
