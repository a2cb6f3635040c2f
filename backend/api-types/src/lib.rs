//! The bodies of Osprey's REST API (`/api/v1`), shared by the server and the web app.
//!
//! Every request and response type of the API is declared here once; the server derives
//! its OpenAPI schemas from them (feature `openapi`) and the wasm web app deserialises the
//! same types, so the two can never drift apart. This crate holds data only: no
//! validation, no I/O. Timestamps are RFC 3339 UTC; ids are opaque strings.

mod access;
mod activity;
mod admin;
mod ads;
mod audit;
mod auth;
mod branding;
mod calendar;
mod contacts;
mod dns;
mod lists;
mod mailboxes;
mod me;
mod messages;
mod problem;
mod queue;
mod relay;
mod rules;
mod settings;
mod spell;

pub use access::*;
pub use activity::*;
pub use admin::*;
pub use ads::*;
pub use audit::*;
pub use auth::*;
pub use branding::*;
pub use calendar::*;
pub use contacts::*;
pub use dns::*;
pub use lists::*;
pub use mailboxes::*;
pub use me::*;
pub use messages::*;
pub use problem::*;
pub use queue::*;
pub use relay::*;
pub use rules::*;
pub use settings::*;
pub use spell::*;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// One page of a collection. Pass `next_cursor` back as `?cursor=` for the next page;
/// it is absent on the last page.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The answer of `/healthz` and `/readyz`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    /// `ok`, or `unavailable` with a reason in `detail`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Deserialises a field that may be absent (leave unchanged), `null` (clear) or a value.
pub mod double_option {
    use serde::{Deserialize, Deserializer};

    /// Use with `#[serde(default, deserialize_with = "double_option::deserialize")]`.
    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}
