//! Writing mail over REST: `/messages/send` (through `osprey_mail::Composer`: the same
//! resolution, relay policy, DKIM, local delivery and outbound queue as SMTP
//! submission, with a copy in the sender's Sent mailbox) and `/messages/{id}/reply`,
//! a reply or forward to start from. Drafts are in `drafts.rs`, uploads in
//! `uploads.rs`; every rule is the composer's.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use osprey_api_types::{
    AttachedPart, DraftAttachment, DraftMessage, Problem, Scope, SendMessage, SentMessage,
};
use osprey_mail::{
    ComposeError, DeliveryError, Draft,
    outgoing::{self, AttachedRef, DraftView, ListedAttachment},
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, PeerIp, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_message))
        .routes(routes!(start_reply))
}

/// Sends a message as the signed-in user: delivered to local recipients, queued for
/// remote ones (as the relay policy allows authenticated users), a copy with its Bcc
/// in Sent. A reply (`in_reply_to`) flags its original `\Answered`, a forward
/// (`forward_of`) `$Forwarded`; sending from a draft (`draft`) removes the draft.
#[utoipa::path(post, path = "/messages/send", tag = "mail", security(("bearer" = [])), request_body = SendMessage,
    responses((status = 201, description = "Delivered and queued; a copy is in Sent", body = SentMessage), (status = 403, description = "An API key without account:write", body = Problem),
        (status = 404, description = "A message or upload named is not the signed-in account's", body = Problem),
        (status = 409, description = "A local recipient's mailbox is over its quota", body = Problem),
        (status = 413, description = "The message would be larger than the server's message size limit", body = Problem),
        (status = 422, description = "Invalid input, or a recipient refused (named in `errors`)", body = Problem)))]
pub async fn send_message(
    State(state): State<AppState>,
    user: AuthUser,
    PeerIp(ip): PeerIp,
    Json(req): Json<SendMessage>,
) -> Result<(StatusCode, Json<SentMessage>), ApiError> {
    // An API key sends mail only with the account:write scope.
    user.require(Scope::AccountWrite)?;
    let sent = state
        .composer
        .send(&user.account, ip, &draft_of(req))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SentMessage {
            message_id: sent.message_id,
            delivered: sent.recipients,
            queue_id: sent.queue_id,
            sent_id: sent.sent_id,
            sent_uid: sent.sent_uid,
        }),
    ))
}

/// How to start from a message.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReplyParams {
    /// `reply`, `reply_all`, `forward` (the text quoted, the attachments attached) or
    /// `forward_attached` (the whole message attached).
    pub mode: String,
}

/// A reply or forward of one of the signed-in account's messages, ready to edit and
/// send: recipients (a reply to all leaves out the account's own addresses), `Re:` or
/// `Fwd:` subject, the original quoted or forwarded, its attachments for a forward.
#[utoipa::path(get, path = "/messages/{id}/reply", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The message answered or forwarded"), ReplyParams),
    responses((status = 200, body = DraftMessage), (status = 400, description = "No or an unknown mode", body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such message of the signed-in account", body = Problem)))]
pub async fn start_reply(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(params): Query<ReplyParams>,
) -> Result<Json<DraftMessage>, ApiError> {
    user.require(Scope::AccountRead)?;
    let mode = match params.mode.as_str() {
        "reply" => outgoing::ReplyMode::Reply,
        "reply_all" => outgoing::ReplyMode::ReplyAll,
        "forward" => outgoing::ReplyMode::Forward,
        "forward_attached" => outgoing::ReplyMode::ForwardAttached,
        _ => {
            return Err(ApiError::BadRequest {
                code: "bad_query",
                detail: "mode must be reply, reply_all, forward or forward_attached".into(),
            });
        }
    };
    let view = state.composer.start_from(&user.account, &id, mode).await?;
    Ok(Json(draft_message(view)))
}

/// The composer's fields of a request.
pub fn draft_of(req: SendMessage) -> Draft {
    Draft {
        from: req.from,
        to: req.to,
        cc: req.cc,
        bcc: req.bcc,
        reply_to: req.reply_to,
        subject: req.subject,
        text: req.text,
        html: req.html,
        uploads: req.uploads,
        attached: req
            .attached
            .into_iter()
            .map(|a| AttachedRef {
                message: a.message,
                index: a.index,
            })
            .collect(),
        in_reply_to: req.in_reply_to,
        forward_of: req.forward_of,
        draft: req.draft,
    }
}

/// A request of the composer's fields.
fn send_message_of(d: Draft) -> SendMessage {
    SendMessage {
        from: d.from,
        to: d.to,
        cc: d.cc,
        bcc: d.bcc,
        reply_to: d.reply_to,
        subject: d.subject,
        text: d.text,
        html: d.html,
        uploads: d.uploads,
        attached: d.attached.into_iter().map(attached_part).collect(),
        in_reply_to: d.in_reply_to,
        forward_of: d.forward_of,
        draft: d.draft,
    }
}

fn attached_part(a: AttachedRef) -> AttachedPart {
    AttachedPart {
        message: a.message,
        index: a.index,
    }
}

pub fn draft_attachments(list: Vec<ListedAttachment>) -> Vec<DraftAttachment> {
    list.into_iter()
        .map(|a| DraftAttachment {
            at: attached_part(a.at),
            name: a.info.name,
            content_type: a.info.content_type,
            size: a.info.size,
        })
        .collect()
}

pub fn draft_message(view: DraftView) -> DraftMessage {
    DraftMessage {
        id: view.id,
        message: send_message_of(view.fields),
        attachments: draft_attachments(view.attachments),
    }
}

impl From<ComposeError> for ApiError {
    fn from(e: ComposeError) -> Self {
        match e {
            ComposeError::Invalid(issues) => ApiError::Validation(
                issues
                    .into_iter()
                    .map(|i| osprey_api_types::FieldError {
                        field: i.field,
                        message: i.message,
                    })
                    .collect(),
            ),
            ComposeError::NotFound => ApiError::NotFound,
            ComposeError::TooLarge { .. } => ApiError::TooLarge(e.to_string()),
            ComposeError::NoMailbox(_) => ApiError::Conflict(e.to_string()),
            ComposeError::Delivery(e) => delivery_error(e),
            ComposeError::Store(e) => e.into(),
            ComposeError::Io(e) => ApiError::Internal(format!("uploads: {e}")),
        }
    }
}

fn delivery_error(e: DeliveryError) -> ApiError {
    match e {
        DeliveryError::OverQuota => ApiError::Conflict("a mailbox is over its quota".into()),
        DeliveryError::UnknownRecipient(_) => ApiError::field("to", "no such mailbox here"),
        DeliveryError::Store(e) => e.into(),
        DeliveryError::SenderRefused(r) => ApiError::field("from", r.to_string()),
        DeliveryError::Rejected(text) => {
            ApiError::field("to", format!("refused by the recipient's rules: {text}"))
        }
    }
}
