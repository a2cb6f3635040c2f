//! `/calendars/.../tasks` and `/calendars/.../notes`: the to-do lists and the dated notes
//! of the signed-in account's calendars. The rules are `osprey_calendar::CalendarService`'s;
//! these handlers parse, call and convert.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use chrono::{NaiveDate, NaiveDateTime};
use osprey_api_types::{Note, NoteFields, Problem, Scope, Task, TaskFields, TaskStatus};
use osprey_calendar::{Due, TaskFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::location;
use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tasks))
        .routes(routes!(create_task))
        .routes(routes!(get_task, replace_task, delete_task))
        .routes(routes!(list_notes))
        .routes(routes!(create_note))
        .routes(routes!(replace_note, delete_note))
}

fn task_fields(f: TaskFields) -> Result<osprey_calendar::TaskFields, ApiError> {
    let due = match f.due.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) if d.len() == 10 => Some(Due::Day(
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| ApiError::field("due", "a day as 2026-05-01"))?,
        )),
        Some(d) => Some(Due::At {
            at: NaiveDateTime::parse_from_str(d, "%Y-%m-%dT%H:%M:%S")
                .or_else(|_| NaiveDateTime::parse_from_str(d, "%Y-%m-%dT%H:%M"))
                .map_err(|_| ApiError::field("due", "a day or a local time as 2026-05-01T17:00"))?,
            time_zone: f.time_zone.clone().unwrap_or_default(),
        }),
    };
    Ok(osprey_calendar::TaskFields {
        title: f.title,
        notes: f.notes,
        due,
        start: f.start,
        priority: f.priority,
        status: match f.status {
            TaskStatus::NeedsAction => osprey_calendar::TaskStatus::NeedsAction,
            TaskStatus::InProcess => osprey_calendar::TaskStatus::InProcess,
            TaskStatus::Completed => osprey_calendar::TaskStatus::Completed,
            TaskStatus::Cancelled => osprey_calendar::TaskStatus::Cancelled,
        },
        percent: f.percent,
        parent: f.parent,
        repeat: f.repeat.map(super::calendars::recurrence_in),
        reminders: f
            .reminders
            .map(super::calendars::reminders_in)
            .transpose()?,
    })
}

pub(super) fn task(t: osprey_calendar::Task) -> Task {
    let f = t.fields;
    let (due, time_zone) = match f.due {
        None => (None, None),
        Some(Due::Day(d)) => (Some(d.to_string()), None),
        Some(Due::At { at, time_zone }) => (
            Some(at.format("%Y-%m-%dT%H:%M:%S").to_string()),
            Some(time_zone),
        ),
    };
    Task {
        id: t.id,
        calendar_id: t.calendar_id,
        uid: t.uid,
        fields: TaskFields {
            title: f.title,
            notes: f.notes,
            due,
            time_zone,
            start: f.start,
            priority: f.priority,
            status: match f.status {
                osprey_calendar::TaskStatus::NeedsAction => TaskStatus::NeedsAction,
                osprey_calendar::TaskStatus::InProcess => TaskStatus::InProcess,
                osprey_calendar::TaskStatus::Completed => TaskStatus::Completed,
                osprey_calendar::TaskStatus::Cancelled => TaskStatus::Cancelled,
            },
            percent: f.percent,
            parent: f.parent,
            repeat: f.repeat.map(super::calendars::recurrence_out),
            reminders: f.reminders.map(super::calendars::reminders_out),
        },
        completed_at: t.completed_at,
        updated_at: t.updated_at,
    }
}

pub(super) fn note(n: osprey_calendar::Note) -> Note {
    Note {
        id: n.id,
        calendar_id: n.calendar_id,
        uid: n.uid,
        fields: NoteFields {
            title: n.fields.title,
            text: n.fields.text,
            day: n.fields.day,
        },
        updated_at: n.updated_at,
    }
}

fn note_fields(f: NoteFields) -> osprey_calendar::NoteFields {
    osprey_calendar::NoteFields {
        title: f.title,
        text: f.text,
        day: f.day,
    }
}

/// Which tasks.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskListParams {
    /// `open` (default), `overdue`, `today`, `upcoming` (later or no due date),
    /// `completed` (completed or cancelled, latest first) or `all`.
    pub filter: Option<String>,
    /// Only these calendars (comma-separated ids).
    pub calendars: Option<String>,
}

/// The tasks of the signed-in account's calendars (not free/busy shares): open ones by
/// due date, then priority and title.
#[utoipa::path(get, path = "/calendars/tasks", tag = "calendars", security(("bearer" = [])), params(TaskListParams),
    responses((status = 200, body = Vec<Task>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list_tasks(
    State(state): State<AppState>,
    user: AuthUser,
    Query(p): Query<TaskListParams>,
) -> Result<Json<Vec<Task>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let filter = match p.filter.as_deref().unwrap_or("open") {
        "open" => TaskFilter::Open,
        "overdue" => TaskFilter::Overdue,
        "today" => TaskFilter::Today,
        "upcoming" => TaskFilter::Upcoming,
        "completed" => TaskFilter::Done,
        "all" => TaskFilter::All,
        other => {
            return Err(ApiError::BadRequest {
                code: "bad_query",
                detail: format!(
                    "filter is open, overdue, today, upcoming, completed or all, not {other}"
                ),
            });
        }
    };
    let ids = p.calendars.as_deref().map(super::calendars::comma_list);
    let found = state
        .calendar
        .tasks(&user.account.id, filter, ids.as_deref())
        .await?;
    Ok(Json(found.into_iter().map(task).collect()))
}

/// Adds a task to a calendar the signed-in account may write.
#[utoipa::path(post, path = "/calendars/{id}/tasks", tag = "calendars", security(("bearer" = [])), request_body = TaskFields,
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 201, body = Task, headers(("Location" = String, description = "The task's address"))),
        (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account read-only", body = Problem),
        (status = 404, description = "No such calendar the account sees", body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_task(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<TaskFields>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Scope::AccountWrite)?;
    let made = state
        .calendar
        .create_task(&user.account.id, &id, task_fields(req)?)
        .await?;
    let task_id = made.id.clone();
    Ok((
        StatusCode::CREATED,
        location(&format!("/calendars/{id}/tasks"), &task_id),
        Json(task(made)),
    ))
}

/// One task.
#[utoipa::path(get, path = "/calendars/{id}/tasks/{task_id}", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar"), ("task_id" = String, Path, description = "The task")),
    responses((status = 200, body = Task), (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account as free/busy only", body = Problem),
        (status = 404, description = "No such task the account sees", body = Problem)))]
pub async fn get_task(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, task_id)): Path<(String, String)>,
) -> Result<Json<Task>, ApiError> {
    user.require(Scope::AccountRead)?;
    Ok(Json(task(
        state
            .calendar
            .get_task(&user.account.id, &id, &task_id)
            .await?,
    )))
}

/// Changes a task (completing it stamps the time; reopening clears it).
#[utoipa::path(put, path = "/calendars/{id}/tasks/{task_id}", tag = "calendars", security(("bearer" = [])), request_body = TaskFields,
    params(("id" = String, Path, description = "The calendar"), ("task_id" = String, Path, description = "The task")),
    responses((status = 200, body = Task), (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account read-only", body = Problem),
        (status = 404, description = "No such task the account sees", body = Problem),
        (status = 422, body = Problem)))]
pub async fn replace_task(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, task_id)): Path<(String, String)>,
    Json(req): Json<TaskFields>,
) -> Result<Json<Task>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let fields = task_fields(req)?;
    Ok(Json(task(
        state
            .calendar
            .update_task(&user.account.id, &id, &task_id, fields)
            .await?,
    )))
}

/// Deletes a task.
#[utoipa::path(delete, path = "/calendars/{id}/tasks/{task_id}", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar"), ("task_id" = String, Path, description = "The task")),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account read-only", body = Problem),
        (status = 404, description = "No such task the account sees", body = Problem)))]
pub async fn delete_task(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, task_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    state
        .calendar
        .delete_task(&user.account.id, &id, &task_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which notes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoteListParams {
    /// From this day on.
    pub from: Option<NaiveDate>,
    /// Up to this day (included).
    pub to: Option<NaiveDate>,
    /// Words of the title or text.
    pub q: Option<String>,
}

/// The notes of the signed-in account's calendars (not free/busy shares), latest day
/// first.
#[utoipa::path(get, path = "/calendars/notes", tag = "calendars", security(("bearer" = [])), params(NoteListParams),
    responses((status = 200, body = Vec<Note>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list_notes(
    State(state): State<AppState>,
    user: AuthUser,
    Query(p): Query<NoteListParams>,
) -> Result<Json<Vec<Note>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let found = state
        .calendar
        .notes(&user.account.id, p.from, p.to, p.q.as_deref())
        .await?;
    Ok(Json(found.into_iter().map(note).collect()))
}

/// Adds a note to a day of a calendar the signed-in account may write.
#[utoipa::path(post, path = "/calendars/{id}/notes", tag = "calendars", security(("bearer" = [])), request_body = NoteFields,
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 201, body = Note, headers(("Location" = String, description = "The note's address"))),
        (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account read-only", body = Problem),
        (status = 404, description = "No such calendar the account sees", body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_note(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<NoteFields>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Scope::AccountWrite)?;
    let made = state
        .calendar
        .create_note(&user.account.id, &id, note_fields(req))
        .await?;
    let note_id = made.id.clone();
    Ok((
        StatusCode::CREATED,
        location(&format!("/calendars/{id}/notes"), &note_id),
        Json(note(made)),
    ))
}

/// Changes a note.
#[utoipa::path(put, path = "/calendars/{id}/notes/{note_id}", tag = "calendars", security(("bearer" = [])), request_body = NoteFields,
    params(("id" = String, Path, description = "The calendar"), ("note_id" = String, Path, description = "The note")),
    responses((status = 200, body = Note), (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account read-only", body = Problem),
        (status = 404, description = "No such note the account sees", body = Problem),
        (status = 422, body = Problem)))]
pub async fn replace_note(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, note_id)): Path<(String, String)>,
    Json(req): Json<NoteFields>,
) -> Result<Json<Note>, ApiError> {
    user.require(Scope::AccountWrite)?;
    Ok(Json(note(
        state
            .calendar
            .update_note(&user.account.id, &id, &note_id, note_fields(req))
            .await?,
    )))
}

/// Deletes a note.
#[utoipa::path(delete, path = "/calendars/{id}/notes/{note_id}", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar"), ("note_id" = String, Path, description = "The note")),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account read-only", body = Problem),
        (status = 404, description = "No such note the account sees", body = Problem)))]
pub async fn delete_note(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, note_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    state
        .calendar
        .delete_note(&user.account.id, &id, &note_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
