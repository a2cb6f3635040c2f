//! Resource modules; each owns its `router()`.

pub mod access;
pub mod account_import;
pub mod accounts;
pub mod ads;
pub mod aliases;
pub mod archive_pages;
pub mod audit;
pub mod auth;
pub mod authorization;
pub mod branding;
pub mod calendar_items;
pub mod calendar_reminders;
pub mod calendar_search;
pub mod calendars;
pub(crate) mod client_setup;
pub mod contacts;
pub mod dkim;
pub mod domain_admins;
pub mod domain_dns;
pub mod domains;
pub mod downloads;
pub mod drafts;
pub mod events;
pub mod health;
pub mod list_archive;
pub mod list_pages;
pub mod lists;
pub mod mailbox_edit;
pub mod mailboxes;
pub mod me;
pub mod message_invitation;
pub mod messages;
pub mod organize;
pub mod queue;
pub mod reading;
pub mod relay;
pub mod rule_runs;
pub mod rules;
pub mod search;
pub mod senders;
pub mod server_settings;
pub mod spell;
pub mod stats;
pub mod uploads;

use osprey_store::ListQuery;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;

/// Paging, search and filter parameters of the admin collections.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Keep items whose name or address contains this text.
    pub q: Option<String>,
    /// Keep items of this domain (by name).
    pub domain: Option<String>,
    /// `name` (the default: by name, an alias by its address) or `newest` (the newest
    /// first).
    #[param(pattern = "^(name|newest)$")]
    pub sort: Option<String>,
}

/// A listing's page size: `limit`, or `default` without one; 1 to 500.
pub fn page_limit(limit: Option<u32>, default: u32) -> Result<u32, ApiError> {
    let limit = limit.unwrap_or(default);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::BadRequest {
            code: "bad_query",
            detail: "limit must be between 1 and 500".into(),
        });
    }
    Ok(limit)
}

impl ListParams {
    /// The order asked for.
    pub fn order(&self) -> Result<osprey_store::ListOrder, ApiError> {
        match self.sort.as_deref() {
            None | Some("name") => Ok(osprey_store::ListOrder::Key),
            Some("newest") => Ok(osprey_store::ListOrder::Newest),
            Some(other) => Err(ApiError::BadRequest {
                code: "bad_query",
                detail: format!("sort is name or newest, not {other:?}"),
            }),
        }
    }

    /// The store query, without a domain restriction yet.
    pub fn to_query(&self) -> Result<ListQuery, ApiError> {
        let limit = page_limit(self.limit, 50)?;
        Ok(ListQuery {
            q: self.q.clone(),
            limit: limit.into(),
            cursor: self.cursor.clone(),
            domain_ids: None,
        })
    }
}

/// A `Location` header value for a created resource.
pub fn location(path: &str, id: &str) -> [(axum::http::HeaderName, String); 1] {
    [(axum::http::header::LOCATION, format!("/api/v1{path}/{id}"))]
}
