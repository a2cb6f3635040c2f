//! Changing the signed-in account's mailboxes: create (`POST /mailboxes`), rename, move
//! and subscribe (`PATCH /mailboxes/{id}`), delete (`DELETE /mailboxes/{id}`). The
//! rules are `osprey_mail::MailboxManager`'s, the same IMAP's CREATE, RENAME and DELETE
//! follow, so a folder made here shows in IMAP at once and the other way round.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use osprey_api_types::{CreateMailbox, Mailbox, Problem, Scope, UpdateMailbox};
use osprey_mail::MailboxManager;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::mailboxes::{mailboxes_of, own_mailbox};
use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    routes::location,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_mailbox))
        .routes(routes!(update_mailbox, delete_mailbox))
}

/// The mailbox `id` of the account as the list shows it.
async fn shown(state: &AppState, user: &AuthUser, id: &str) -> Result<Mailbox, ApiError> {
    mailboxes_of(state, &user.account.id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(ApiError::NotFound)
}

/// Creates a mailbox of the signed-in account (and its missing parents), subscribed
/// unless `subscribed` is false.
#[utoipa::path(post, path = "/mailboxes", tag = "mail", security(("bearer" = [])), request_body = CreateMailbox,
    responses((status = 201, body = Mailbox, headers(("Location" = String, description = "The mailbox's address"))),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "A mailbox of that name exists", body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_mailbox(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<CreateMailbox>,
) -> Result<
    (
        StatusCode,
        [(axum::http::HeaderName, String); 1],
        Json<Mailbox>,
    ),
    ApiError,
> {
    user.require(Scope::AccountWrite)?;
    let account = &user.account.id;
    let made = MailboxManager::new(state.store.clone())
        .create(account, &req.name, req.special_use.as_deref())
        .await?;
    if req.subscribed.unwrap_or(true) {
        state
            .store
            .mailboxes()
            .subscribe(account, &made.name)
            .await?;
    }
    let shown = shown(&state, &user, &made.id).await?;
    Ok((
        StatusCode::CREATED,
        location("/mailboxes", &made.id),
        Json(shown),
    ))
}

/// Renames or moves a mailbox of the signed-in account (give the new full name; the
/// mailboxes below it follow, missing parents are made; renaming INBOX moves its mail
/// to a new mailbox and leaves it empty), and subscribes to it or not.
#[utoipa::path(patch, path = "/mailboxes/{id}", tag = "mail", security(("bearer" = [])), request_body = UpdateMailbox,
    params(("id" = String, Path, description = "The mailbox")),
    responses((status = 200, body = Mailbox), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such mailbox of the signed-in account", body = Problem),
        (status = 409, description = "The new name is taken, or the mailbox cannot be renamed", body = Problem),
        (status = 422, body = Problem)))]
pub async fn update_mailbox(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<UpdateMailbox>,
) -> Result<Json<Mailbox>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let account = &user.account.id;
    let mut mb = own_mailbox(&state, &user, &id).await?;
    if let Some(name) = req.name.as_deref().filter(|n| *n != mb.name) {
        MailboxManager::new(state.store.clone())
            .rename(account, &mb, name)
            .await?;
        if mb.name == "INBOX" {
            // INBOX stays; its mail went to a new mailbox, which the answer shows.
            let moved = state
                .store
                .messages()
                .mailbox_by_name(account, name.trim_end_matches('/'))
                .await?;
            mb = moved;
        } else {
            mb = own_mailbox(&state, &user, &id).await?;
        }
    }
    match req.subscribed {
        Some(true) => state.store.mailboxes().subscribe(account, &mb.name).await?,
        Some(false) => {
            state
                .store
                .mailboxes()
                .unsubscribe(account, &mb.name)
                .await?
        }
        None => {}
    }
    Ok(Json(shown(&state, &user, &mb.id).await?))
}

/// How a mailbox is deleted.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// Delete the mailboxes below it too (otherwise a mailbox with children is 409).
    pub children: Option<bool>,
}

/// Deletes a mailbox of the signed-in account with its messages (their size leaves the
/// account's usage), and with `children=true` the mailboxes below it. INBOX and the
/// special-use mailboxes cannot be deleted.
#[utoipa::path(delete, path = "/mailboxes/{id}", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The mailbox"), DeleteParams),
    responses((status = 204, description = "Deleted"), (status = 400, description = "A query parameter that is not valid", body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such mailbox of the signed-in account", body = Problem),
        (status = 409, description = "INBOX, a special-use mailbox, or one with children", body = Problem)))]
pub async fn delete_mailbox(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(params): Query<DeleteParams>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    let account = &user.account.id;
    let mb = own_mailbox(&state, &user, &id).await?;
    MailboxManager::new(state.store.clone())
        .delete(account, &mb, params.children.unwrap_or(false))
        .await?;
    // The user deleted it: its subscriptions go too (IMAP's DELETE keeps them, RFC 3501
    // §6.3.6, as the server must not drop them on its own).
    let prefix = format!("{}/", mb.name);
    for name in state.store.mailboxes().subscriptions(account).await? {
        if name == mb.name || name.starts_with(&prefix) {
            state.store.mailboxes().unsubscribe(account, &name).await?;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
