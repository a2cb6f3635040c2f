//! Live updates: `POST /events/ticket` gives a signed path, good for a minute, that
//! opens the signed-in account's Server-Sent Events stream (`GET /events/{ticket}`), so
//! that a browser's `EventSource` (which sends no Authorization header) can follow it.
//! Each event is one of `osprey_mail::events::MailEvent`: `appended`, `expunged`,
//! `flags` (with the mailbox and its MODSEQ), `mailboxes`, and `resync` first when the
//! client says it resumes (`Last-Event-ID`) or whenever it fell behind. A comment every
//! 15 seconds keeps proxies from closing an idle stream; the stream ends when the server
//! stops (the browser then opens a new one).

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use chrono::DateTime;
use futures_util::stream::{self, Stream};
use osprey_api_types::{EventsTicket, MailEventData, Problem, Scope};
use osprey_mail::events::{AccountEvents, MailEvent};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

/// How long a ticket opens the stream, in seconds.
const TICKET_TTL_SECS: i64 = 60;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_events_ticket))
        .routes(routes!(open_events))
}

/// A path that opens the signed-in account's live updates, for a minute.
#[utoipa::path(post, path = "/events/ticket", tag = "mail", security(("bearer" = [])),
    responses((status = 200, body = EventsTicket), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn create_events_ticket(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<EventsTicket>, ApiError> {
    user.require(Scope::AccountRead)?;
    let (ticket, exp) = state.jwt.issue_events(
        &user.account.id,
        user.account.token_generation,
        TICKET_TTL_SECS,
    );
    Ok(Json(EventsTicket {
        url: format!("/api/v1/events/{ticket}"),
        expires_at: DateTime::from_timestamp(exp, 0).unwrap_or_default(),
    }))
}

/// The account's live updates as Server-Sent Events, each with a name (`appended`,
/// `expunged`, `flags`, `mailboxes`, `resync`) and a `MailEventData` as its data.
#[utoipa::path(get, path = "/events/{ticket}", tag = "mail",
    params(("ticket" = String, Path, description = "The ticket of `POST /events/ticket`")),
    responses((status = 200, description = "A stream of events (text/event-stream), each with a MailEventData", content_type = "text/event-stream", body = String),
        (status = 404, description = "The ticket is unknown or expired, or its session was signed out", body = Problem)))]
pub async fn open_events(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let claims = state.jwt.verify_events(&ticket).ok_or(ApiError::NotFound)?;
    let account = state.store.accounts().account(&claims.sub).await?;
    if !account.enabled || account.token_generation != claims.generation {
        return Err(ApiError::NotFound);
    }
    let resumed = headers.contains_key("last-event-id");
    let events = AccountEvents::new(&state.store, &account.id, resumed);
    // The stream ends with the server: graceful shutdown waits for open requests.
    let stop = state.shutdown.clone();
    let stream = stream::unfold(
        (events, 0u64, stop),
        |(mut events, n, mut stop)| async move {
            let e = tokio::select! {
                e = events.next() => e?,
                () = stop.wait() => return None,
            };
            Some((Ok(sse(&e, n + 1)), (events, n + 1, stop)))
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn sse(e: &MailEvent, id: u64) -> Event {
    let data = MailEventData {
        mailbox_id: e.mailbox().map(|(m, _)| m.to_owned()),
        modseq: e.mailbox().map(|(_, s)| s),
    };
    Event::default()
        .event(e.name())
        .id(id.to_string())
        .data(serde_json::to_string(&data).unwrap_or_default())
}
