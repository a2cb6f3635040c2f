//! `/calendars`: the signed-in account's calendars, their sharing, their events and the
//! occurrences of a window. The rules are `osprey_calendar::CalendarService`'s; these
//! handlers parse, call and convert.

use axum::{
    extract::{DefaultBodyLimit, Path, State},
    http::{StatusCode, header},
    response::IntoResponse,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use osprey_api_types::{
    AnswerInvitation, AttendeeStatus, BusyPeriod, Calendar, CalendarAccess, CalendarEvent,
    CalendarEventFields, CalendarFeed, CalendarFields, CalendarImportProblem, CalendarImportReport,
    CalendarShare, DayOfWeek, EventAttendee, EventRecurrence, EventReminder, FreeBusy,
    ImportCalendar, Occurrence, OccurrenceList, Problem, RecurrenceDay, RecurrenceFrequency, Scope,
    ShareCalendar,
};
use osprey_calendar::{Access, CalendarError, OccurrenceTime, When};
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
    // An `.ics` file may be larger than other bodies (JSON escaping included).
    let import =
        OpenApiRouter::new()
            .routes(routes!(import_calendar))
            .layer(DefaultBodyLimit::max(
                osprey_calendar::MAX_IMPORT_BYTES * 5 / 4,
            ));
    OpenApiRouter::new()
        .merge(import)
        .routes(routes!(export_calendar))
        .routes(routes!(create_calendar_feed, delete_calendar_feed))
        .routes(routes!(calendar_feed))
        .routes(routes!(free_busy))
        .routes(routes!(list_calendars, create_calendar))
        .routes(routes!(list_occurrences))
        .routes(routes!(get_calendar, replace_calendar, delete_calendar))
        .routes(routes!(share_calendar))
        .routes(routes!(unshare_calendar))
        .routes(routes!(create_event))
        .routes(routes!(get_event, replace_event, delete_event))
        .routes(routes!(answer_invitation))
}

impl From<CalendarError> for ApiError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::Invalid { field, message } => ApiError::field(field, message),
            CalendarError::NotFound => ApiError::NotFound,
            CalendarError::Forbidden(why) => ApiError::Forbidden(why),
            CalendarError::Conflict(why) => ApiError::Conflict(why),
            CalendarError::TooLarge(_) => ApiError::TooLarge(e.to_string()),
            CalendarError::Delivery(why) => ApiError::Internal(why),
            CalendarError::Store(e) => e.into(),
        }
    }
}

fn access(a: Access) -> CalendarAccess {
    match a {
        Access::FreeBusy => CalendarAccess::Freebusy,
        Access::Read => CalendarAccess::Read,
        Access::Write => CalendarAccess::Write,
        Access::Owner => CalendarAccess::Owner,
    }
}

fn calendar(c: osprey_calendar::Calendar) -> Calendar {
    Calendar {
        id: c.id,
        owner_address: c.owner_address,
        name: c.name,
        color: c.color,
        description: c.description,
        time_zone: c.time_zone,
        default_reminders: c.default_reminders,
        position: c.position,
        hidden: c.hidden,
        is_default: c.is_default,
        has_feed: c.has_feed,
        access: access(c.access),
        shares: c
            .shares
            .into_iter()
            .map(|s| CalendarShare {
                account_id: s.account_id,
                address: s.address,
                access: access(s.access),
            })
            .collect(),
        updated_at: c.updated_at,
    }
}

fn calendar_fields(f: CalendarFields) -> (osprey_calendar::CalendarFields, Option<i32>) {
    (
        osprey_calendar::CalendarFields {
            name: f.name,
            color: f.color,
            description: f.description,
            time_zone: f.time_zone,
            default_reminders: f.default_reminders,
            hidden: f.hidden,
        },
        f.position,
    )
}

const LOCAL: &str = "%Y-%m-%dT%H:%M:%S";

fn local_time(field: &str, s: &str) -> Result<NaiveDateTime, ApiError> {
    NaiveDateTime::parse_from_str(s, LOCAL)
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .map_err(|_| ApiError::field(field, "a local time as 2026-05-01T09:30"))
}

fn date(field: &str, s: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| ApiError::field(field, "a date as 2026-05-01"))
}

fn weekday(d: DayOfWeek) -> chrono::Weekday {
    match d {
        DayOfWeek::Monday => chrono::Weekday::Mon,
        DayOfWeek::Tuesday => chrono::Weekday::Tue,
        DayOfWeek::Wednesday => chrono::Weekday::Wed,
        DayOfWeek::Thursday => chrono::Weekday::Thu,
        DayOfWeek::Friday => chrono::Weekday::Fri,
        DayOfWeek::Saturday => chrono::Weekday::Sat,
        DayOfWeek::Sunday => chrono::Weekday::Sun,
    }
}

fn day_of_week(d: chrono::Weekday) -> DayOfWeek {
    match d {
        chrono::Weekday::Mon => DayOfWeek::Monday,
        chrono::Weekday::Tue => DayOfWeek::Tuesday,
        chrono::Weekday::Wed => DayOfWeek::Wednesday,
        chrono::Weekday::Thu => DayOfWeek::Thursday,
        chrono::Weekday::Fri => DayOfWeek::Friday,
        chrono::Weekday::Sat => DayOfWeek::Saturday,
        chrono::Weekday::Sun => DayOfWeek::Sunday,
    }
}

/// A rule as the API gives it, for the service.
pub(super) fn recurrence_in(r: EventRecurrence) -> osprey_calendar::Recurrence {
    use osprey_calendar::Frequency;
    osprey_calendar::Recurrence {
        frequency: match r.frequency {
            RecurrenceFrequency::Daily => Frequency::Daily,
            RecurrenceFrequency::Weekly => Frequency::Weekly,
            RecurrenceFrequency::Monthly => Frequency::Monthly,
            RecurrenceFrequency::Yearly => Frequency::Yearly,
        },
        interval: r.interval,
        count: r.count,
        until: r.until,
        by_day: r
            .by_day
            .into_iter()
            .map(|d| osprey_calendar::DayRule {
                weekday: weekday(d.weekday),
                ordinal: d.ordinal,
            })
            .collect(),
        by_month_day: r.by_month_day,
        by_month: r.by_month,
        by_set_pos: r.by_set_pos,
        rdates: r.rdates,
        exdates: r.exdates,
    }
}

fn event_fields(f: CalendarEventFields) -> Result<osprey_calendar::EventFields, ApiError> {
    let when = if f.all_day {
        When::AllDay {
            start: date("start", &f.start)?,
            end: date("end", &f.end)?,
        }
    } else {
        When::Timed {
            start: local_time("start", &f.start)?,
            end: local_time("end", &f.end)?,
            time_zone: f.time_zone.unwrap_or_default(),
        }
    };
    let recurrence = f.recurrence.map(recurrence_in);
    Ok(osprey_calendar::EventFields {
        title: f.title,
        location: f.location,
        description: f.description,
        when,
        busy: f.busy,
        categories: f.categories,
        color: f.color,
        private: f.private,
        recurrence,
        reminders: f.reminders.map(reminders_in).transpose()?,
        attendees: f.attendees.map(|list| {
            list.into_iter()
                .map(|a| osprey_calendar::Attendee {
                    address: a.address,
                    name: a.name,
                    status: part_stat(a.status),
                })
                .collect()
        }),
        organizer: None,
    })
}

pub(super) fn part_stat(s: AttendeeStatus) -> osprey_calendar::PartStat {
    match s {
        AttendeeStatus::NeedsAction => osprey_calendar::PartStat::NeedsAction,
        AttendeeStatus::Accepted => osprey_calendar::PartStat::Accepted,
        AttendeeStatus::Tentative => osprey_calendar::PartStat::Tentative,
        AttendeeStatus::Declined => osprey_calendar::PartStat::Declined,
    }
}

pub(super) fn attendee_status(s: osprey_calendar::PartStat) -> AttendeeStatus {
    match s {
        osprey_calendar::PartStat::NeedsAction => AttendeeStatus::NeedsAction,
        osprey_calendar::PartStat::Accepted => AttendeeStatus::Accepted,
        osprey_calendar::PartStat::Tentative => AttendeeStatus::Tentative,
        osprey_calendar::PartStat::Declined => AttendeeStatus::Declined,
    }
}

/// A rule as the service keeps it, for the API.
pub(super) fn recurrence_out(r: osprey_calendar::Recurrence) -> EventRecurrence {
    use osprey_calendar::Frequency;
    EventRecurrence {
        frequency: match r.frequency {
            Frequency::Daily => RecurrenceFrequency::Daily,
            Frequency::Weekly => RecurrenceFrequency::Weekly,
            Frequency::Monthly => RecurrenceFrequency::Monthly,
            Frequency::Yearly => RecurrenceFrequency::Yearly,
        },
        interval: r.interval,
        count: r.count,
        until: r.until,
        by_day: r
            .by_day
            .into_iter()
            .map(|d| RecurrenceDay {
                weekday: day_of_week(d.weekday),
                ordinal: d.ordinal,
            })
            .collect(),
        by_month_day: r.by_month_day,
        by_month: r.by_month,
        by_set_pos: r.by_set_pos,
        rdates: r.rdates,
        exdates: r.exdates,
    }
}

pub(super) fn wire_fields(f: osprey_calendar::EventFields) -> CalendarEventFields {
    let (all_day, start, end, time_zone) = match f.when {
        When::Timed {
            start,
            end,
            time_zone,
        } => (
            false,
            start.format(LOCAL).to_string(),
            end.format(LOCAL).to_string(),
            Some(time_zone),
        ),
        When::AllDay { start, end } => (true, start.to_string(), end.to_string(), None),
    };
    CalendarEventFields {
        title: f.title,
        location: f.location,
        description: f.description,
        all_day,
        start,
        end,
        time_zone,
        busy: f.busy,
        categories: f.categories,
        color: f.color,
        private: f.private,
        recurrence: f.recurrence.map(recurrence_out),
        reminders: f.reminders.map(reminders_out),
        attendees: f.attendees.map(|list| {
            list.into_iter()
                .map(|a| EventAttendee {
                    address: a.address,
                    name: a.name,
                    status: attendee_status(a.status),
                })
                .collect()
        }),
        organizer: f.organizer,
    }
}

pub(super) fn event(e: osprey_calendar::Event) -> CalendarEvent {
    CalendarEvent {
        id: e.id,
        calendar_id: e.calendar_id,
        uid: e.uid,
        fields: wire_fields(e.fields),
        exceptions: e.exceptions,
        sequence: e.sequence,
        masked: e.masked,
        updated_at: e.updated_at,
    }
}

fn occurrence(o: osprey_calendar::Occurrence) -> Occurrence {
    let (all_day, start, end, time_zone) = match o.time {
        OccurrenceTime::Timed {
            start,
            end,
            time_zone,
        } => (false, start.to_rfc3339(), end.to_rfc3339(), Some(time_zone)),
        OccurrenceTime::AllDay { start, end } => (true, start.to_string(), end.to_string(), None),
    };
    Occurrence {
        event_id: o.event_id,
        calendar_id: o.calendar_id,
        uid: o.uid,
        recurrence_id: o.recurrence_id,
        all_day,
        start,
        end,
        time_zone,
        title: o.title,
        location: o.location,
        busy: o.busy,
        private: o.private,
        color: o.color,
        recurring: o.recurring,
        exception: o.exception,
        masked: o.masked,
    }
}

/// The items of a comma-separated query parameter, trimmed, empty ones left out.
pub(super) fn comma_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(str::to_owned)
        .collect()
}

fn scope(s: Option<&str>) -> Result<osprey_calendar::Scope, ApiError> {
    match s.unwrap_or("all") {
        "this" => Ok(osprey_calendar::Scope::This),
        "following" => Ok(osprey_calendar::Scope::Following),
        "all" => Ok(osprey_calendar::Scope::All),
        _ => Err(ApiError::BadRequest {
            code: "bad_query",
            detail: "scope is this, following or all".into(),
        }),
    }
}

/// The signed-in account's calendars (its default one first made on first use), then
/// those shared with it.
#[utoipa::path(get, path = "/calendars", tag = "calendars", security(("bearer" = [])),
    responses((status = 200, body = Vec<Calendar>), (status = 401, body = Problem)))]
pub async fn list_calendars(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<Calendar>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let all = state.calendar.list(&user.account.id).await?;
    Ok(Json(all.into_iter().map(calendar).collect()))
}

/// Adds a calendar.
#[utoipa::path(post, path = "/calendars", tag = "calendars", security(("bearer" = [])), request_body = CalendarFields,
    responses((status = 201, body = Calendar, headers(("Location" = String, description = "The calendar's address"))),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "The account has as many calendars as it may", body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_calendar(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<CalendarFields>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Scope::AccountWrite)?;
    let (fields, _) = calendar_fields(req);
    let made = state.calendar.create(&user.account.id, fields).await?;
    let id = made.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/calendars", &id),
        Json(calendar(made)),
    ))
}

/// One calendar the signed-in account owns or that is shared with it.
#[utoipa::path(get, path = "/calendars/{id}", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 200, body = Calendar), (status = 401, body = Problem),
        (status = 404, description = "No such calendar the account sees", body = Problem)))]
pub async fn get_calendar(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Calendar>, ApiError> {
    user.require(Scope::AccountRead)?;
    Ok(Json(calendar(
        state.calendar.get(&user.account.id, &id).await?,
    )))
}

/// Changes a calendar the signed-in account owns.
#[utoipa::path(put, path = "/calendars/{id}", tag = "calendars", security(("bearer" = [])), request_body = CalendarFields,
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 200, body = Calendar), (status = 401, body = Problem),
        (status = 403, description = "Shared with the account, not its own", body = Problem),
        (status = 404, description = "No such calendar the account sees", body = Problem),
        (status = 422, body = Problem)))]
pub async fn replace_calendar(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<CalendarFields>,
) -> Result<Json<Calendar>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let (fields, position) = calendar_fields(req);
    Ok(Json(calendar(
        state
            .calendar
            .update(&user.account.id, &id, fields, position)
            .await?,
    )))
}

/// Deletes a calendar the signed-in account owns, with its events.
#[utoipa::path(delete, path = "/calendars/{id}", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem),
        (status = 403, description = "Shared with the account, not its own", body = Problem),
        (status = 404, description = "No such calendar the account sees", body = Problem),
        (status = 409, description = "The default calendar cannot be deleted", body = Problem)))]
pub async fn delete_calendar(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    state.calendar.delete(&user.account.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Shares a calendar the signed-in account owns with another account of this server, or
/// changes the access it has.
#[utoipa::path(put, path = "/calendars/{id}/shares", tag = "calendars", security(("bearer" = [])), request_body = ShareCalendar,
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 200, body = Calendar), (status = 401, body = Problem),
        (status = 403, description = "Shared with the account, not its own", body = Problem),
        (status = 404, description = "No such calendar the account sees", body = Problem),
        (status = 422, description = "No account has the address, or it is the owner's", body = Problem)))]
pub async fn share_calendar(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<ShareCalendar>,
) -> Result<Json<Calendar>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let a = match req.access {
        CalendarAccess::Freebusy => Access::FreeBusy,
        CalendarAccess::Read => Access::Read,
        CalendarAccess::Write => Access::Write,
        CalendarAccess::Owner => Access::Owner,
    };
    Ok(Json(calendar(
        state
            .calendar
            .share(&user.account.id, &id, &req.address, a)
            .await?,
    )))
}

/// Stops sharing a calendar the signed-in account owns with an account.
#[utoipa::path(delete, path = "/calendars/{id}/shares/{account_id}", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar"),
        ("account_id" = String, Path, description = "The account it is shared with")),
    responses((status = 204, description = "No longer shared"), (status = 401, body = Problem),
        (status = 403, description = "Shared with the account, not its own", body = Problem),
        (status = 404, description = "No such calendar, or not shared with that account", body = Problem)))]
pub async fn unshare_calendar(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, account_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    state
        .calendar
        .unshare(&user.account.id, &id, &account_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The window of a range query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OccurrenceParams {
    /// The window's start (RFC 3339).
    pub from: DateTime<Utc>,
    /// The window's end, not included (RFC 3339); at most 400 days after `from` unless
    /// the server says otherwise.
    pub to: DateTime<Utc>,
    /// Only these calendars (comma-separated ids, each one the account sees); by
    /// default every calendar it sees that is not hidden.
    pub calendars: Option<String>,
}

/// The occurrences of the signed-in account's calendars in a window, recurring events
/// expanded on the server in each event's time zone, by start.
#[utoipa::path(get, path = "/calendars/occurrences", tag = "calendars", security(("bearer" = [])),
    params(OccurrenceParams),
    responses((status = 200, body = OccurrenceList), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 422, description = "The end is not after the start, the window is too long, or a calendar is not the account's", body = Problem)))]
pub async fn list_occurrences(
    State(state): State<AppState>,
    user: AuthUser,
    Query(p): Query<OccurrenceParams>,
) -> Result<Json<OccurrenceList>, ApiError> {
    user.require(Scope::AccountRead)?;
    let ids = p.calendars.as_deref().map(comma_list);
    let got = state
        .calendar
        .occurrences(
            &user.account.id,
            osprey_calendar::Range {
                from: p.from,
                to: p.to,
            },
            ids.as_deref(),
        )
        .await?;
    Ok(Json(OccurrenceList {
        items: got.occurrences.into_iter().map(occurrence).collect(),
        truncated: got.truncated,
    }))
}

/// Adds an event to a calendar the signed-in account may write.
#[utoipa::path(post, path = "/calendars/{id}/events", tag = "calendars", security(("bearer" = [])), request_body = CalendarEventFields,
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 201, body = CalendarEvent, headers(("Location" = String, description = "The event's address"))),
        (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account read-only", body = Problem),
        (status = 404, description = "No such calendar the account sees", body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_event(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<CalendarEventFields>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Scope::AccountWrite)?;
    let made = state
        .calendar
        .create_event(&user.account.id, &id, event_fields(req)?)
        .await?;
    let event_id = made.id.clone();
    Ok((
        StatusCode::CREATED,
        location(&format!("/calendars/{id}/events"), &event_id),
        Json(event(made)),
    ))
}

/// One event (a private one in a calendar shared read-only shows as "Busy").
#[utoipa::path(get, path = "/calendars/{id}/events/{event_id}", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar"), ("event_id" = String, Path, description = "The event")),
    responses((status = 200, body = CalendarEvent), (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account as free/busy only", body = Problem),
        (status = 404, description = "No such event the account sees", body = Problem)))]
pub async fn get_event(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, event_id)): Path<(String, String)>,
) -> Result<Json<CalendarEvent>, ApiError> {
    user.require(Scope::AccountRead)?;
    Ok(Json(event(
        state
            .calendar
            .get_event(&user.account.id, &id, &event_id)
            .await?,
    )))
}

/// Which occurrences of a recurring event a change or delete applies to.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OccurrenceScope {
    /// The occurrence (its `recurrence_id`); without it, the whole event.
    pub occurrence: Option<String>,
    /// `this`, `following` (the series is split there) or `all` (default). With
    /// `all` and an occurrence, a change gives that occurrence's new times and the
    /// series moves by as much. With `following`, a rule with the series' own `count`
    /// keeps the series' end (the new series repeats as often as the old one had left).
    pub scope: Option<String>,
}

/// Changes an event: the whole series, one occurrence, or it and the following ones
/// (then the answer is the new series).
#[utoipa::path(put, path = "/calendars/{id}/events/{event_id}", tag = "calendars", security(("bearer" = [])), request_body = CalendarEventFields,
    params(("id" = String, Path, description = "The calendar"), ("event_id" = String, Path, description = "The event"), OccurrenceScope),
    responses((status = 200, body = CalendarEvent), (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account read-only", body = Problem),
        (status = 404, description = "No such event, or no such occurrence of it", body = Problem),
        (status = 422, body = Problem)))]
pub async fn replace_event(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, event_id)): Path<(String, String)>,
    Query(q): Query<OccurrenceScope>,
    Json(req): Json<CalendarEventFields>,
) -> Result<Json<CalendarEvent>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let fields = event_fields(req)?;
    Ok(Json(event(
        state
            .calendar
            .update_event(
                &user.account.id,
                &id,
                &event_id,
                fields,
                q.occurrence.as_deref(),
                scope(q.scope.as_deref())?,
            )
            .await?,
    )))
}

/// Deletes an event: the whole series, one occurrence, or it and the following ones.
#[utoipa::path(delete, path = "/calendars/{id}/events/{event_id}", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar"), ("event_id" = String, Path, description = "The event"), OccurrenceScope),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account read-only", body = Problem),
        (status = 404, description = "No such event, or no such occurrence of it", body = Problem),
        (status = 422, body = Problem)))]
pub async fn delete_event(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, event_id)): Path<(String, String)>,
    Query(q): Query<OccurrenceScope>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    state
        .calendar
        .delete_event(
            &user.account.id,
            &id,
            &event_id,
            q.occurrence.as_deref(),
            scope(q.scope.as_deref())?,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Imports a `.ics` file (many events, repeating ones with their exceptions, time zones
/// from VTIMEZONE or IANA names; up to 20 MB) into a calendar the signed-in account may
/// write: good events are kept (one whose UID the calendar has replaces it, so importing
/// a file again changes nothing), bad ones listed.
#[utoipa::path(post, path = "/calendars/{id}/import", tag = "calendars", security(("bearer" = [])), request_body = ImportCalendar,
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 200, body = CalendarImportReport), (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account read-only", body = Problem),
        (status = 404, description = "No such calendar the account sees", body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_calendar(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<ImportCalendar>,
) -> Result<Json<CalendarImportReport>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let r = state
        .calendar
        .import_ics(&user.account.id, &id, &req.ics)
        .await?;
    Ok(Json(CalendarImportReport {
        created: r.created as u64,
        updated: r.updated as u64,
        problems: r
            .problems
            .into_iter()
            .map(|p| CalendarImportProblem {
                uid: p.uid,
                title: p.title,
                message: p.message,
            })
            .collect(),
    }))
}

fn ics(text: String, name: &str) -> impl IntoResponse + use<> {
    let file: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}.ics\""),
            ),
        ],
        text,
    )
}

/// A calendar the signed-in account can read, as one `.ics` file (a reader gets private
/// events as "Busy").
#[utoipa::path(get, path = "/calendars/{id}/export", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 200, description = "The file", content_type = "text/calendar", body = String),
        (status = 401, body = Problem),
        (status = 403, description = "The calendar is shared with the account as free/busy only", body = Problem),
        (status = 404, description = "No such calendar the account sees", body = Problem)))]
pub async fn export_calendar(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Scope::AccountRead)?;
    let c = state.calendar.get(&user.account.id, &id).await?;
    let text = state.calendar.export_ics(&user.account.id, &id).await?;
    Ok(ics(text, &c.name))
}

/// Makes a private subscription address for a calendar the signed-in account owns (a
/// new one revokes the old). The address is shown only now.
#[utoipa::path(post, path = "/calendars/{id}/feed", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 201, body = CalendarFeed), (status = 401, body = Problem),
        (status = 403, description = "Shared with the account, not its own", body = Problem),
        (status = 404, description = "No such calendar the account sees", body = Problem)))]
pub async fn create_calendar_feed(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Scope::AccountWrite)?;
    let token = state.calendar.create_feed(&user.account.id, &id).await?;
    let url = format!(
        "{}/api/v1/calendar-feeds/{token}.ics",
        state.settings.web_url
    );
    let webcal_url = match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.clone(),
    };
    Ok((StatusCode::CREATED, Json(CalendarFeed { url, webcal_url })))
}

/// Revokes a calendar's subscription address.
#[utoipa::path(delete, path = "/calendars/{id}/feed", tag = "calendars", security(("bearer" = [])),
    params(("id" = String, Path, description = "The calendar")),
    responses((status = 204, description = "Revoked"), (status = 401, body = Problem),
        (status = 403, description = "Shared with the account, not its own", body = Problem),
        (status = 404, description = "No such calendar, or it has no feed", body = Problem)))]
pub async fn delete_calendar_feed(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    state.calendar.delete_feed(&user.account.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A calendar's subscription feed (`.ics`), for calendar programs: the secret token in
/// the path is the credential, no sign-in.
#[utoipa::path(get, path = "/calendar-feeds/{token}", tag = "calendars",
    params(("token" = String, Path, description = "The feed's token, with or without `.ics`")),
    responses((status = 200, description = "The calendar", content_type = "text/calendar", body = String),
        (status = 404, description = "No feed has this token", body = Problem)))]
pub async fn calendar_feed(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let text = state.calendar.feed(token).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        text,
    ))
}

/// Whose free/busy, when.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FreeBusyParams {
    /// Comma-separated addresses (at most 50).
    pub addresses: String,
    /// The window's start (RFC 3339).
    pub from: DateTime<Utc>,
    /// The window's end, not included (RFC 3339).
    pub to: DateTime<Utc>,
}

/// The busy periods of people of the signed-in account's domain, for scheduling: from
/// their own calendars that are not hidden, merged, without titles or places.
#[utoipa::path(get, path = "/calendars/freebusy", tag = "calendars", security(("bearer" = [])),
    params(FreeBusyParams),
    responses((status = 200, body = Vec<FreeBusy>), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 422, description = "Too many addresses, or the window is reversed or too long", body = Problem)))]
pub async fn free_busy(
    State(state): State<AppState>,
    user: AuthUser,
    Query(p): Query<FreeBusyParams>,
) -> Result<Json<Vec<FreeBusy>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let addresses = comma_list(&p.addresses);
    let got = state
        .calendar
        .free_busy(
            &user.account.id,
            &addresses,
            osprey_calendar::Range {
                from: p.from,
                to: p.to,
            },
        )
        .await?;
    Ok(Json(
        got.into_iter()
            .map(|f| FreeBusy {
                address: f.address,
                known: f.known,
                busy: f
                    .busy
                    .into_iter()
                    .map(|(start, end)| BusyPeriod { start, end })
                    .collect(),
            })
            .collect(),
    ))
}

/// The signed-in account answers an invitation in its own calendar (accepted,
/// tentative, declined): its answer goes on its copy and to the organiser — into the
/// organiser's event when the organiser is on this server, else by an iMIP `REPLY`.
#[utoipa::path(post, path = "/calendars/{id}/events/{event_id}/answer", tag = "calendars", security(("bearer" = [])), request_body = AnswerInvitation,
    params(("id" = String, Path, description = "The calendar"), ("event_id" = String, Path, description = "The event")),
    responses((status = 200, body = CalendarEvent), (status = 401, body = Problem),
        (status = 403, description = "The calendar is not the account's own", body = Problem),
        (status = 404, description = "No such calendar or event the account sees", body = Problem),
        (status = 422, description = "The account was not invited to this event", body = Problem)))]
pub async fn answer_invitation(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, event_id)): Path<(String, String)>,
    Json(body): Json<AnswerInvitation>,
) -> Result<Json<CalendarEvent>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let e = state
        .calendar
        .answer(&user.account.id, &id, &event_id, part_stat(body.status))
        .await?;
    Ok(Json(event(e)))
}

/// Reminders as the API states them (each either so many minutes before or at a time).
pub(super) fn reminders_in(
    list: Vec<EventReminder>,
) -> Result<Vec<osprey_calendar::Reminder>, ApiError> {
    list.into_iter()
        .enumerate()
        .map(|(i, r)| match (r.minutes_before, r.at) {
            (Some(m), None) => Ok(osprey_calendar::Reminder::Before(m)),
            (None, Some(t)) => Ok(osprey_calendar::Reminder::At(t)),
            _ => Err(ApiError::field(
                format!("reminders[{i}]"),
                "either minutes_before or at",
            )),
        })
        .collect()
}

pub(super) fn reminders_out(list: Vec<osprey_calendar::Reminder>) -> Vec<EventReminder> {
    list.into_iter()
        .map(|r| match r {
            osprey_calendar::Reminder::Before(m) => EventReminder {
                minutes_before: Some(m),
                at: None,
            },
            osprey_calendar::Reminder::At(t) => EventReminder {
                minutes_before: None,
                at: Some(t),
            },
        })
        .collect()
}
