//! `/calendars/reminders`: the signed-in account's reminders due in a window, which the
//! web app shows while it is open (the mail goes out from the server's reminder worker
//! either way). The rules are `osprey_calendar::CalendarService`'s.

use axum::extract::State;
use chrono::{DateTime, Utc};
use osprey_api_types::{DueReminder, DueReminderKind, DueReminderList, Problem, Scope};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_due_reminders))
}

/// The window reminders are looked for in.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReminderWindow {
    /// The window's start (RFC 3339).
    pub from: DateTime<Utc>,
    /// The window's end, not included (RFC 3339); at most 48 hours after `from`.
    pub to: DateTime<Utc>,
}

/// The reminders of the signed-in account's own calendars due in a window, by time:
/// each occurrence's reminders, repeating events expanded, and the open tasks'.
#[utoipa::path(get, path = "/calendars/reminders", tag = "calendars", security(("bearer" = [])),
    params(ReminderWindow),
    responses((status = 200, body = DueReminderList), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 422, description = "The end is not after the start, or the window is longer than 48 hours", body = Problem)))]
pub async fn list_due_reminders(
    State(state): State<AppState>,
    user: AuthUser,
    Query(w): Query<ReminderWindow>,
) -> Result<Json<DueReminderList>, ApiError> {
    user.require(Scope::AccountRead)?;
    let due = state
        .calendar
        .due_reminders(
            &user.account.id,
            osprey_calendar::Range {
                from: w.from,
                to: w.to,
            },
        )
        .await?;
    Ok(Json(DueReminderList {
        reminders: due
            .into_iter()
            .map(|r| DueReminder {
                calendar_id: r.calendar_id,
                kind: if r.task {
                    DueReminderKind::Task
                } else {
                    DueReminderKind::Event
                },
                item_id: r.item_id,
                title: r.title,
                location: r.location,
                due_at: r.due_at,
                starts_at: r.starts_at,
                all_day: r.all_day,
            })
            .collect(),
    }))
}
