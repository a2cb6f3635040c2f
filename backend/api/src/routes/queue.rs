//! `/admin/queue`: the outbound queue for server administrators (list, inspect, retry
//! now, bounce now, delete), and `/messages/outbound`: what the signed-in user sent through the
//! queue and where each recipient stands.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use osprey_api_types::{DeliveryState, Problem, QueueRecipient, QueuedMessage, RetryResult, Scope};
use osprey_store::{DELIVERED, FAILED, PENDING, QueueEntry, QueueFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_queue))
        .routes(routes!(get_queued, delete_queued))
        .routes(routes!(retry_queued))
        .routes(routes!(bounce_queued))
        .routes(routes!(list_outbound))
        .routes(routes!(get_outbound))
}

/// Filters of the queue listing.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Keep messages with a recipient in this state: `pending`, `delivered` or `failed`.
    pub state: Option<String>,
    /// Keep messages with a recipient in this domain.
    pub domain: Option<String>,
    /// Keep messages from this envelope sender.
    pub sender: Option<String>,
    /// At most this many, newest first, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

fn limit(l: Option<u32>) -> Result<u64, ApiError> {
    Ok(super::page_limit(l, 100)?.into())
}

/// A queued message as the API shows it.
pub fn to_api(e: QueueEntry) -> QueuedMessage {
    QueuedMessage {
        id: e.message.id,
        sender: e.message.sender,
        subject: e.message.subject,
        size: e.message.size,
        bounce: e.message.is_bounce,
        created_at: e.message.created_at,
        recipients: e
            .recipients
            .into_iter()
            .map(|r| QueueRecipient {
                state: match r.status.as_str() {
                    DELIVERED => DeliveryState::Delivered,
                    FAILED => DeliveryState::Failed,
                    _ => DeliveryState::Pending,
                },
                address: r.address,
                attempts: r.attempts,
                next_attempt_at: r.next_attempt_at,
                last_attempt_at: r.last_attempt_at,
                last_error: r.last_error,
                last_status: r.last_status,
                remote_mta: r.remote_mta,
            })
            .collect(),
    }
}

/// The outbound queue, newest first.
#[utoipa::path(get, path = "/admin/queue", tag = "admin", security(("bearer" = [])), params(QueueParams),
    responses((status = 200, body = Vec<QueuedMessage>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_queue(
    State(state): State<AppState>,
    user: AuthUser,
    Query(q): Query<QueueParams>,
) -> Result<Json<Vec<QueuedMessage>>, ApiError> {
    user.server_admin(false)?;
    if let Some(s) = &q.state
        && ![PENDING, DELIVERED, FAILED].contains(&s.as_str())
    {
        return Err(ApiError::BadRequest {
            code: "bad_query",
            detail: "state must be pending, delivered or failed".into(),
        });
    }
    let filter = QueueFilter {
        status: q.state,
        domain: q.domain,
        sender: q.sender,
        account_id: None,
        message_id: None,
        limit: limit(q.limit)?,
    };
    let entries = state.store.queue().queue_entries(&filter).await?;
    Ok(Json(entries.into_iter().map(to_api).collect()))
}

/// One queued message with its recipients' states and last errors.
#[utoipa::path(get, path = "/admin/queue/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The queue id")),
    responses((status = 200, body = QueuedMessage), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_queued(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<QueuedMessage>, ApiError> {
    user.server_admin(false)?;
    Ok(Json(to_api(state.store.queue().queue_entry(&id).await?)))
}

/// Makes every pending recipient of a queued message due now.
#[utoipa::path(post, path = "/admin/queue/{id}/retry", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The queue id")),
    responses((status = 200, body = RetryResult), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn retry_queued(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<RetryResult>, ApiError> {
    user.server_admin(true)?;
    let recipients = state.directory.retry_queued(&user.actor(), &id).await?;
    state.submission.outbox().queue_signal().notify_one();
    Ok(Json(RetryResult { recipients }))
}

/// Returns every pending recipient of a queued message to its sender undelivered, now:
/// the queue worker fails them (5.0.0) and sends the sender a failure report.
#[utoipa::path(post, path = "/admin/queue/{id}/bounce", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The queue id")),
    responses((status = 200, body = RetryResult), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn bounce_queued(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<RetryResult>, ApiError> {
    user.server_admin(true)?;
    let recipients = state.directory.bounce_queued(&user.actor(), &id).await?;
    state.submission.outbox().queue_signal().notify_one();
    Ok(Json(RetryResult { recipients }))
}

/// Removes a message from the queue; its pending recipients are never tried again and
/// nobody is notified.
#[utoipa::path(delete, path = "/admin/queue/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The queue id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_queued(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.server_admin(true)?;
    state.directory.delete_queued(&user.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which of the signed-in user's outbound messages to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboundParams {
    /// Only the message with this Message-ID (without angle brackets): where the
    /// recipients of a message in Sent stand.
    pub message_id: Option<String>,
}

/// Messages the signed-in user sent to other servers, newest first, with the delivery
/// state of each recipient.
#[utoipa::path(get, path = "/messages/outbound", tag = "mail", security(("bearer" = [])),
    params(OutboundParams),
    responses((status = 200, description = "The messages, with each recipient's state", body = Vec<QueuedMessage>), (status = 403, description = "An API key without account:read", body = Problem)))]
pub async fn list_outbound(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<OutboundParams>,
) -> Result<Json<Vec<QueuedMessage>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let filter = QueueFilter {
        account_id: Some(user.account.id.clone()),
        message_id: params.message_id,
        limit: 100,
        ..Default::default()
    };
    let entries = state.store.queue().queue_entries(&filter).await?;
    Ok(Json(entries.into_iter().map(to_api).collect()))
}

/// One message the signed-in user sent; 404 for anyone else's.
#[utoipa::path(get, path = "/messages/outbound/{id}", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The queue id")),
    responses((status = 200, description = "The message, with each recipient's state", body = QueuedMessage), (status = 403, description = "An API key without account:read", body = Problem), (status = 404, description = "No such message sent by the signed-in account", body = Problem)))]
pub async fn get_outbound(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<QueuedMessage>, ApiError> {
    user.require(Scope::AccountRead)?;
    let entry = state.store.queue().queue_entry(&id).await?;
    if entry.message.account_id.as_deref() != Some(user.account.id.as_str()) {
        return Err(ApiError::NotFound);
    }
    Ok(Json(to_api(entry)))
}
