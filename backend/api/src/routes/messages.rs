//! `/messages/send`: mail from the signed-in user through the same resolution, local
//! delivery and outbound queue as SMTP submission, with a copy in the sender's Sent
//! mailbox.

use axum::{extract::State, http::StatusCode};
use osprey_api_types::{Problem, Scope, SendMessage, SentMessage};
use osprey_core::Address;
use osprey_mail::{
    Client, DeliveryError, Envelope, QueueOptions, Refusal, Verdict,
    message::{Compose, NamedAddress},
};
use osprey_store::{NewQueuedRecipient, flags};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, PeerIp},
    state::AppState,
    validate::Checks,
};

/// Recipients of one message, all fields together.
const MAX_RECIPIENTS: usize = 100;
/// Longest subject and body.
const MAX_SUBJECT: usize = 998;
const MAX_TEXT: usize = 10 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(send_message))
}

/// Sends a plain-text message as the signed-in user: delivered to local recipients,
/// queued for remote ones (as the relay policy allows authenticated users).
#[utoipa::path(post, path = "/messages/send", tag = "mail", security(("bearer" = [])), request_body = SendMessage,
    responses((status = 201, description = "Delivered and queued; a copy is in Sent", body = SentMessage), (status = 403, description = "An API key without account:write", body = Problem), (status = 409, description = "A local recipient's mailbox is over its quota", body = Problem), (status = 422, description = "Invalid input, or a recipient refused (named in `errors`)", body = Problem)))]
pub async fn send_message(
    State(state): State<AppState>,
    user: AuthUser,
    PeerIp(ip): PeerIp,
    Json(req): Json<SendMessage>,
) -> Result<(StatusCode, Json<SentMessage>), ApiError> {
    // An API key sends mail only with the account:write scope.
    user.require(Scope::AccountWrite)?;
    let mut checks = Checks::default();
    let mut recipients: Vec<(String, Address)> = Vec::new();
    for (field, list) in [("to", &req.to), ("cc", &req.cc), ("bcc", &req.bcc)] {
        for (i, raw) in list.iter().enumerate() {
            if let Some(a) = checks.address(&format!("{field}[{i}]"), raw) {
                recipients.push((format!("{field}[{i}]"), a));
            }
        }
    }
    if req.to.is_empty() && req.cc.is_empty() && req.bcc.is_empty() {
        checks.fail("to", "name at least one recipient");
    }
    if recipients.len() > MAX_RECIPIENTS {
        checks.fail("to", format!("at most {MAX_RECIPIENTS} recipients in all"));
    }
    if req.subject.len() > MAX_SUBJECT || req.subject.contains(['\r', '\n']) {
        checks.fail(
            "subject",
            format!("one line of at most {MAX_SUBJECT} bytes"),
        );
    }
    if req.text.len() > MAX_TEXT {
        checks.fail("text", format!("at most {MAX_TEXT} bytes"));
    }
    let from = match &req.from {
        Some(raw) => checks.address("from", raw),
        None => Address::parse(&user.account.address()).ok(),
    };
    checks.finish()?;
    let from =
        from.ok_or_else(|| ApiError::Internal("the account's address does not parse".into()))?;

    // Verdicts first, as SMTP gives them at RCPT: nothing is sent unless every
    // recipient can be delivered to.
    let me = &user.account;
    let client = Client {
        ip,
        account: Some(me.clone()),
    };
    let mut envelope = Envelope {
        sender: from.to_string(),
        options: QueueOptions {
            account_id: Some(me.id.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut checks = Checks::default();
    for (field, address) in &recipients {
        match state.submission.recipient(&client, address, 0).await? {
            Verdict::Refused(refusal) => checks.fail(field, refused(&refusal)),
            verdict => envelope.add(
                verdict,
                NewQueuedRecipient {
                    address: address.to_string(),
                    notify: None,
                    orcpt: None,
                },
            ),
        }
    }
    checks.finish()?;

    // The header is written by `Compose`: display name and subject as encoded words
    // where they need them, never with a line break in them; Bcc is left out.
    let listed = |prefix: &str| {
        recipients
            .iter()
            .filter(|(field, _)| field.starts_with(prefix))
            .map(|(_, a)| NamedAddress::from(a.clone()))
            .collect::<Vec<_>>()
    };
    let message_id = format!("{}@{}", uuid::Uuid::now_v7(), state.settings.hostname);
    let message = Compose::new(
        NamedAddress {
            name: Some(me.display_name.clone()),
            address: from,
        },
        message_id.clone(),
    )
    .to(listed("to["))
    .cc(listed("cc["))
    .subject(req.subject.as_str())
    .text(req.text.as_str())
    .to_bytes();

    // The recipients first: a copy in Sent means the message went out.
    let submitted = state
        .submission
        .submit(&envelope, &message, "INBOX")
        .await
        .map_err(delivery_error)?;
    let sent = state
        .submission
        .delivery()
        .deliver(std::slice::from_ref(&me.id), "Sent", &message, flags::SEEN)
        .await
        .map_err(delivery_error)?;
    Ok((
        StatusCode::CREATED,
        Json(SentMessage {
            message_id,
            delivered: recipients.into_iter().map(|(_, a)| a.to_string()).collect(),
            sent_uid: sent.first().map_or(0, |a| a.uid),
            queue_id: submitted.queue_id,
        }),
    ))
}

/// Why a recipient is refused, in the words of a field error.
fn refused(refusal: &Refusal) -> String {
    match refusal {
        Refusal::Unknown | Refusal::Disabled => "no such mailbox here".into(),
        Refusal::AliasLoop => "an alias loop".into(),
        Refusal::MailboxFull => "the mailbox is full".into(),
        Refusal::RelayDenied { rule } => format!("relaying refused: {rule}"),
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
