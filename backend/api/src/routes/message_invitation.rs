//! `/messages/{id}/invitation`: the calendar invitation a message of the signed-in
//! account carries (iMIP), and the account's answer to it from the webmail reader. The
//! message is read here; what it means and what an answer does are
//! `osprey_calendar::CalendarService`'s.

use axum::extract::{Path, State};
use osprey_api_types::{AnswerInvitation, MessageInvitation, Problem, Scope};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    calendars::{attendee_status, part_stat, wire_fields},
    mailboxes::own_mailbox,
};
use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_message_invitation, answer_message_invitation))
}

/// The calendar objects of one of the user's messages.
async fn objects(state: &AppState, user: &AuthUser, id: &str) -> Result<Vec<String>, ApiError> {
    let found = state.store.messages().message(id).await?;
    own_mailbox(state, user, &found.mailbox_id).await?;
    let bytes = state
        .submission
        .delivery()
        .blobs()
        .get(&found.blob_hash)
        .await?;
    Ok(osprey_mail::calendar_objects(&bytes))
}

fn wire(i: osprey_calendar::MailInvitation) -> MessageInvitation {
    let (calendar_id, event_id) = i.event.unzip();
    MessageInvitation {
        method: i.method,
        uid: i.uid,
        sequence: i.sequence,
        fields: wire_fields(i.fields),
        organizer_here: i.organizer_here,
        answer: i.answer.map(attendee_status),
        calendar_id,
        event_id,
    }
}

/// What the calendar invitation (or answer, or cancellation) in one of the signed-in
/// account's messages says: the event, who organises it and whether from this server,
/// the account's answer and its copy in the calendar.
#[utoipa::path(get, path = "/messages/{id}/invitation", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The message")),
    responses((status = 200, body = MessageInvitation), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such message of the account's, or it carries no calendar event", body = Problem)))]
pub async fn get_message_invitation(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<MessageInvitation>, ApiError> {
    user.require(Scope::AccountRead)?;
    let texts = objects(&state, &user, &id).await?;
    let found = state
        .calendar
        .mail_invitation(&user.account.id, &texts)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(wire(found)))
}

/// Answers the invitation in one of the signed-in account's messages: the event goes
/// into its calendar (or its copy changes) with the answer, and the organiser hears of
/// it (an iMIP `REPLY`, or straight into the organiser's event on this server).
#[utoipa::path(post, path = "/messages/{id}/invitation", tag = "mail", security(("bearer" = [])), request_body = AnswerInvitation,
    params(("id" = String, Path, description = "The message")),
    responses((status = 200, body = MessageInvitation), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such message of the account's, or it carries no calendar event", body = Problem),
        (status = 422, description = "Not an invitation, or the account is not one of its attendees", body = Problem)))]
pub async fn answer_message_invitation(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(body): Json<AnswerInvitation>,
) -> Result<Json<MessageInvitation>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let texts = objects(&state, &user, &id).await?;
    let done = state
        .calendar
        .answer_mail_invitation(&user.account.id, &texts, part_stat(body.status))
        .await?;
    Ok(Json(wire(done)))
}
