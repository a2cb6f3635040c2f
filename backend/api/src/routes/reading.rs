//! `GET /messages/{id}`: one of the signed-in account's messages for reading — decoded
//! header fields, the text, the attachments listed — through `osprey_mail::reading`;
//! `?mark_read=true` adds `\Seen` as it is opened (IMAP sessions are told). Another
//! account's message answers 404.

use axum::extract::{Path, State};
use osprey_api_types::{AttachmentItem, MessageDetail, NamedAddress, Problem, Scope};
use osprey_mail::reading::{Named, ReadOptions};
use osprey_mail::stored::StoredMessage;
use osprey_store::{FlagChange, FlagUpdate, flags};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::mailboxes::{flag_names, own_mailbox};
use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_message))
}

fn addresses(list: Vec<Named>) -> Vec<NamedAddress> {
    list.into_iter()
        .map(|n| NamedAddress {
            name: n.name,
            address: n.address,
        })
        .collect()
}

/// Whether the account lets remote images of `from` load: it prefers so for senders in
/// its address book, and `from` is in it.
async fn trusted_sender(
    state: &AppState,
    account_id: &str,
    from: Option<&str>,
) -> Result<bool, ApiError> {
    let Some(from) = from else {
        return Ok(false);
    };
    if !state
        .directory
        .preferences(account_id)
        .await?
        .show_remote_images_from_contacts
    {
        return Ok(false);
    }
    Ok(osprey_contacts::AddressBook::new(state.store.clone())
        .knows_any(account_id, &[from.to_owned()])
        .await?)
}

/// How a message is opened.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadParams {
    /// Mark it read (add `\Seen`) as it is opened.
    pub mark_read: Option<bool>,
    /// Include the HTML body, made safe.
    pub html: Option<bool>,
    /// Let remote images load in the HTML body (default: left out and counted, unless
    /// the sender is in the address book and the account's preferences say to load them).
    pub remote_images: Option<bool>,
}

/// One of the signed-in account's messages for reading: its header fields decoded, its
/// text (the first text part, or the HTML part reduced to text), its attachments, and,
/// with `?html=true`, its HTML part sanitised on the server.
#[utoipa::path(get, path = "/messages/{id}", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The message"), ReadParams),
    responses((status = 200, body = MessageDetail), (status = 400, description = "A query parameter that is not valid", body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such message of the signed-in account", body = Problem)))]
pub async fn get_message(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(params): Query<ReadParams>,
) -> Result<Json<MessageDetail>, ApiError> {
    user.require(Scope::AccountRead)?;
    let mut found = state.store.messages().message(&id).await?;
    let mailbox = own_mailbox(&state, &user, &found.mailbox_id).await?;
    if params.mark_read == Some(true) && found.flags & flags::SEEN == 0 {
        user.require(Scope::AccountWrite)?;
        let update = FlagUpdate {
            change: FlagChange::Add,
            flags: flags::SEEN,
            keywords: Vec::new(),
        };
        if let Some(now) = state
            .store
            .messages()
            .update_flags(&mailbox.id, std::slice::from_ref(&found.id), &update)
            .await?
            .pop()
        {
            found.flags = now.flags;
        }
    }
    // A large message opens without its large attachments read in.
    let stored = StoredMessage::load(
        state.submission.delivery().blobs().as_ref(),
        &found.blob_hash,
    )
    .await?;
    let html = params.html == Some(true);
    let mut r = stored.read(ReadOptions {
        html,
        remote_images: params.remote_images == Some(true),
    });
    // Remote images of a sender in the address book load when the account prefers so
    // (and the request did not say otherwise).
    let blocked = r.html.as_ref().is_some_and(|h| h.blocked_images > 0);
    if blocked
        && params.remote_images.is_none()
        && trusted_sender(&state, &user.account.id, found.summary.from_addr.as_deref()).await?
    {
        r = stored.read(ReadOptions {
            html,
            remote_images: true,
        });
    }
    Ok(Json(MessageDetail {
        flags: flag_names(found.flags, found.keywords),
        id: found.id,
        mailbox_id: found.mailbox_id,
        uid: found.uid,
        size: found.size,
        received_at: found.internal_date,
        from: addresses(r.from),
        to: addresses(r.to),
        cc: addresses(r.cc),
        reply_to: addresses(r.reply_to),
        subject: r.subject,
        sent_at: r.date,
        message_id: r.message_id,
        list_id: r.list_id,
        text: r.text,
        truncated: r.truncated,
        has_html: r.has_html,
        has_invitation: r.has_calendar,
        blocked_images: r.html.as_ref().map_or(0, |h| h.blocked_images),
        html: r.html.map(|h| h.html),
        attachments: r
            .attachments
            .into_iter()
            .map(|a| AttachmentItem {
                index: a.index,
                name: a.name,
                content_type: a.content_type,
                size: a.size,
            })
            .collect(),
    }))
}
