//! `GET /messages/search`: the signed-in account's messages that match what a person
//! typed (`from:bob subject:"q3 report" has:attachment after:2026-01-01 invoice`),
//! through `osprey_mail::search`; a query it cannot read is a 422 on `q` saying where.

use axum::extract::State;
use osprey_api_types::{MessageItem, Page, Problem, Scope};
use osprey_mail::search::{Query as SearchQuery, Searcher};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::mailboxes::message;
use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search_messages))
}

/// What to search.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The query: words (anywhere) and filters `from:`, `to:`, `subject:`, `body:`,
    /// `has:attachment`, `is:unread`, `is:read`, `is:flagged`, `before:YYYY-MM-DD`,
    /// `after:YYYY-MM-DD`, `larger:500K`, `smaller:2M`, `in:Folder`; double quotes keep
    /// spaces in a value.
    pub q: String,
    /// Search this mailbox only (default: all the account's mailboxes).
    pub mailbox_id: Option<String>,
    /// Most messages, 1 to 500 (default 100), newest first.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// The signed-in account's messages matching a query, newest first.
#[utoipa::path(get, path = "/messages/search", tag = "mail", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, body = Page<MessageItem>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such mailbox of the signed-in account", body = Problem),
        (status = 422, description = "The query cannot be read; the message says where", body = Problem)))]
pub async fn search_messages(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<SearchParams>,
) -> Result<Json<Page<MessageItem>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let limit = super::page_limit(params.limit, 100)?;
    let query = SearchQuery::parse(&params.q).map_err(|e| ApiError::field("q", e.to_string()))?;
    let searcher = Searcher::new(
        state.store.clone(),
        state.submission.delivery().blobs().clone(),
    );
    let found = searcher
        .search(
            &user.account.id,
            &query,
            params.mailbox_id.as_deref(),
            limit as usize,
        )
        .await?;
    Ok(Json(Page {
        items: found.into_iter().map(message).collect(),
        next_cursor: None,
    }))
}
