//! Moving, copying and deleting the signed-in account's messages (`/messages/move`,
//! `/messages/copy`, `/messages/delete`), through `osprey_mail::Organizer`: delete moves
//! to Trash, and expunges what is in Trash already. IMAP sessions are told through the
//! store's change bus. A message or mailbox of another account answers 404.

use axum::extract::State;
use osprey_api_types::{MessageIds, MessagesTo, Organized, Problem, Scope};
use osprey_mail::{OrganizeError, Organizer};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(move_messages))
        .routes(routes!(copy_messages))
        .routes(routes!(delete_messages))
}

impl From<OrganizeError> for ApiError {
    fn from(e: OrganizeError) -> Self {
        match e {
            OrganizeError::NotFound => ApiError::NotFound,
            OrganizeError::TooMany | OrganizeError::Empty => ApiError::field("ids", e.to_string()),
            OrganizeError::NoTrash => ApiError::Conflict(e.to_string()),
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
