//! Moving, copying and deleting the signed-in account's messages (`/messages/move`,
//! `/messages/copy`, `/messages/delete`), reporting junk (`/messages/junk`,
//! `/messages/not-junk`), marking a mailbox read and emptying Trash or Junk
//! (`/mailboxes/{id}/read`, `/mailboxes/{id}/empty`), through `osprey_mail::Organizer`:
//! delete moves to Trash, and expunges what is in Trash already. IMAP sessions are told through the
//! store's change bus. A message or mailbox of another account answers 404.

use axum::extract::{Path, State};
use osprey_api_types::{FlagMessages, MessageIds, MessagesTo, Organized, Problem, Scope};
use osprey_mail::{OrganizeError, Organizer};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(move_messages))
        .routes(routes!(copy_messages))
        .routes(routes!(delete_messages))
        .routes(routes!(flag_messages))
        .routes(routes!(report_junk))
        .routes(routes!(report_not_junk))
        .routes(routes!(mark_mailbox_read))
        .routes(routes!(empty_mailbox))
}

impl From<OrganizeError> for ApiError {
    fn from(e: OrganizeError) -> Self {
        match e {
            OrganizeError::NotFound => ApiError::NotFound,
            OrganizeError::TooMany | OrganizeError::Empty => ApiError::field("ids", e.to_string()),
            OrganizeError::NoTrash | OrganizeError::NoJunk | OrganizeError::NotEmptiable => {
                ApiError::Conflict(e.to_string())
            }
            OrganizeError::Store(e) => e.into(),
        }
    }
}

/// Moves messages of the signed-in account into one of its mailboxes.
#[utoipa::path(post, path = "/messages/move", tag = "mail", security(("bearer" = [])), request_body = MessagesTo,
    responses((status = 200, body = Organized), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "A message or the mailbox is not the signed-in account's", body = Problem),
        (status = 422, body = Problem)))]
pub async fn move_messages(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<MessagesTo>,
) -> Result<Json<Organized>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let moved = Organizer::new(state.store.clone())
        .move_to(&user.account.id, &req.ids, &req.mailbox_id)
        .await?;
    Ok(Json(Organized {
        moved: moved as u64,
        ..Organized::default()
    }))
}

/// Copies messages of the signed-in account into one of its mailboxes.
#[utoipa::path(post, path = "/messages/copy", tag = "mail", security(("bearer" = [])), request_body = MessagesTo,
    responses((status = 200, body = Organized), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "A message or the mailbox is not the signed-in account's", body = Problem),
        (status = 422, body = Problem)))]
pub async fn copy_messages(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<MessagesTo>,
) -> Result<Json<Organized>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let copied = Organizer::new(state.store.clone())
        .copy_to(&user.account.id, &req.ids, &req.mailbox_id)
        .await?;
    Ok(Json(Organized {
        copied: copied as u64,
        ..Organized::default()
    }))
}

/// Deletes messages of the signed-in account: moves them to Trash, or expunges them
/// when they are in Trash already.
#[utoipa::path(post, path = "/messages/delete", tag = "mail", security(("bearer" = [])), request_body = MessageIds,
    responses((status = 200, body = Organized), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "A message is not the signed-in account's", body = Problem),
        (status = 409, description = "The account has no Trash", body = Problem),
        (status = 422, body = Problem)))]
pub async fn delete_messages(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<MessageIds>,
) -> Result<Json<Organized>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let done = Organizer::new(state.store.clone())
        .delete(&user.account.id, &req.ids)
        .await?;
    Ok(Json(Organized {
        moved: done.trashed as u64,
        expunged: done.expunged as u64,
        ..Organized::default()
    }))
}

/// Adds and removes flags of messages of the signed-in account (a selection in the web
/// app: mark read or unread, flag, keywords); IMAP sessions are told.
#[utoipa::path(post, path = "/messages/flags", tag = "mail", security(("bearer" = [])), request_body = FlagMessages,
    responses((status = 200, body = Organized), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "A message is not the signed-in account's", body = Problem),
        (status = 422, body = Problem)))]
pub async fn flag_messages(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<FlagMessages>,
) -> Result<Json<Organized>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let updates = super::mailboxes::flag_updates(&req.add, &req.remove)?;
    let flagged = Organizer::new(state.store.clone())
        .set_flags(&user.account.id, &req.ids, &updates)
        .await?;
    Ok(Json(Organized {
        flagged: flagged as u64,
        ..Organized::default()
    }))
}

/// Reports messages of the signed-in account as junk: keyword `$Junk` (and not
/// `$NotJunk`), moved to Junk.
#[utoipa::path(post, path = "/messages/junk", tag = "mail", security(("bearer" = [])), request_body = MessageIds,
    responses((status = 200, body = Organized), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "A message is not the signed-in account's", body = Problem),
        (status = 409, description = "The account has no Junk", body = Problem),
        (status = 422, body = Problem)))]
pub async fn report_junk(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<MessageIds>,
) -> Result<Json<Organized>, ApiError> {
    junk(state, user, req, true).await
}

/// Reports messages of the signed-in account as not junk: keyword `$NotJunk` (and not
/// `$Junk`), moved to INBOX.
#[utoipa::path(post, path = "/messages/not-junk", tag = "mail", security(("bearer" = [])), request_body = MessageIds,
    responses((status = 200, body = Organized), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "A message is not the signed-in account's", body = Problem),
        (status = 422, body = Problem)))]
pub async fn report_not_junk(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<MessageIds>,
) -> Result<Json<Organized>, ApiError> {
    junk(state, user, req, false).await
}

async fn junk(
    state: AppState,
    user: AuthUser,
    req: MessageIds,
    junk: bool,
) -> Result<Json<Organized>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let moved = Organizer::new(state.store.clone())
        .report_junk(&user.account.id, &req.ids, junk)
        .await?;
    Ok(Json(Organized {
        moved: moved as u64,
        ..Organized::default()
    }))
}

/// Marks every message of one of the signed-in account's mailboxes read.
#[utoipa::path(post, path = "/mailboxes/{id}/read", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The mailbox")),
    responses((status = 200, body = Organized), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such mailbox of the signed-in account", body = Problem)))]
pub async fn mark_mailbox_read(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Organized>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let marked = Organizer::new(state.store.clone())
        .mark_all_read(&user.account.id, &id)
        .await?;
    Ok(Json(Organized {
        marked_read: marked as u64,
        ..Organized::default()
    }))
}

/// Deletes every message of the signed-in account's Trash or Junk for good.
#[utoipa::path(post, path = "/mailboxes/{id}/empty", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The Trash or Junk mailbox")),
    responses((status = 200, body = Organized), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such mailbox of the signed-in account", body = Problem),
        (status = 409, description = "Not the Trash or Junk mailbox", body = Problem)))]
pub async fn empty_mailbox(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Organized>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let expunged = Organizer::new(state.store.clone())
        .empty(&user.account.id, &id)
        .await?;
    Ok(Json(Organized {
        expunged: expunged as u64,
        ..Organized::default()
    }))
}
