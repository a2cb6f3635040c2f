//! `/calendars/search`: events, tasks and notes of the signed-in account's calendars
//! that hold some words. The rules are `osprey_calendar::CalendarService`'s.

use axum::extract::State;
use osprey_api_types::{CalendarSearchResults, Problem, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{calendar_items, calendars};
use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search_calendars))
}

/// What to look for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarSearchParams {
    /// Words of an event's title, place, notes or categories, a task's title or notes,
    /// or a note's title or text.
    pub q: String,
    /// Most items found (events, tasks and notes together), 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// The events, tasks and notes of the signed-in account's calendars (not free/busy
/// shares) that hold the words, latest first; a reader does not find private events.
#[utoipa::path(get, path = "/calendars/search", tag = "calendars", security(("bearer" = [])),
    params(CalendarSearchParams),
    responses((status = 200, body = CalendarSearchResults), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn search_calendars(
    State(state): State<AppState>,
    user: AuthUser,
    Query(p): Query<CalendarSearchParams>,
) -> Result<Json<CalendarSearchResults>, ApiError> {
    user.require(Scope::AccountRead)?;
    let limit = super::page_limit(p.limit, 50)?;
    let found = state
        .calendar
        .search(&user.account.id, &p.q, limit as usize)
        .await?;
    Ok(Json(CalendarSearchResults {
        events: found.events.into_iter().map(calendars::event).collect(),
        tasks: found.tasks.into_iter().map(calendar_items::task).collect(),
        notes: found.notes.into_iter().map(calendar_items::note).collect(),
    }))
}
