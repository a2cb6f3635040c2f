//! `/drafts`: saving what the composer holds into the account's Drafts mailbox (with
//! `\Draft`, so IMAP clients see it) and opening a draft to go on with it, through
//! `osprey_mail::Composer`. A draft is known by its key (its Message-ID): each save
//! replaces every earlier version, so the last of two editors wins and no copy is left.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use osprey_api_types::{DraftMessage, Problem, SavedDraft, Scope, SendMessage};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::messages::{draft_attachments, draft_message, draft_of};
use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(save_draft))
        .routes(routes!(get_draft))
}

/// Saves a draft: the first save (no `draft`) makes its key, each later one with that
/// key replaces the earlier version. Recipients may be incomplete; those given must be
/// addresses.
#[utoipa::path(post, path = "/drafts", tag = "mail", security(("bearer" = [])), request_body = SendMessage,
    responses((status = 201, description = "Saved in Drafts", body = SavedDraft), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "A message or upload named is not the signed-in account's", body = Problem),
        (status = 413, description = "The draft would be larger than the server's message size limit", body = Problem),
        (status = 422, description = "Invalid fields, each named", body = Problem)))]
pub async fn save_draft(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<SendMessage>,
) -> Result<(StatusCode, Json<SavedDraft>), ApiError> {
    user.require(Scope::AccountWrite)?;
    let saved = state
        .composer
        .save_draft(&user.account, &draft_of(req))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SavedDraft {
            id: saved.id,
            uid: saved.uid,
            draft: saved.draft,
            attachments: draft_attachments(saved.attachments),
        }),
    ))
}

/// One of the signed-in account's messages (a draft) as the composer's fields, its
/// Message-ID as the draft key.
#[utoipa::path(get, path = "/drafts/{id}", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The draft's message id")),
    responses((status = 200, body = DraftMessage), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such message of the signed-in account", body = Problem)))]
pub async fn get_draft(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<DraftMessage>, ApiError> {
    user.require(Scope::AccountRead)?;
    let view = state.composer.open_draft(&user.account, &id).await?;
    Ok(Json(draft_message(view)))
}
