//! Per-host look: the texts, colours, custom CSS and images of the server's pages and of
//! each domain's (chosen by the host name a page is reached at).

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A look's texts and colours. A field left out is inherited: a domain's from the
/// server's look, the server's from Osprey's own.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BrandingLook {
    /// The name the pages and the server's messages use (at most 60 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// Buttons and links: `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent_color: Option<String>,
    /// The bar at the top of the pages: `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_color: Option<String>,
    /// The sign-in page's heading (at most 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_title: Option<String>,
    /// A paragraph on the sign-in page (plain text, line breaks kept; at most 1000
    /// characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_text: Option<String>,
    /// A line at the bottom of the pages (plain text, at most 300 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// CSS loaded after the pages' own (at most 32 KiB; no `@import`, nothing loaded
    /// but the look's images and `data:image/` addresses, no escapes or control
    /// characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_css: Option<String>,
}

/// A look as its administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Branding {
    /// The domain whose look it is; absent: the server's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// What it sets.
    pub look: BrandingLook,
    /// What the fields it leaves out show: the server's look for a domain.
    pub inherited: BrandingLook,
    /// Its own logo, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_type: Option<String>,
    /// Its own favicon, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favicon_type: Option<String>,
    /// When it last changed; absent when it sets nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// The look a page shows: of the domain it is reached at, over the server's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PageBranding {
    pub product_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_color: Option<String>,
    /// The logo's address, when the look has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// The favicon's address, when the look has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favicon_url: Option<String>,
    /// The stylesheet of its colours.
    pub stylesheet_url: String,
    /// Its custom CSS, when it has some: a stylesheet of its own, which the web app
    /// leaves off the administration pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_stylesheet_url: Option<String>,
    /// Changes whenever the look does.
    pub version: String,
}
