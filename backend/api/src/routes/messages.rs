//! `/messages/send`: mail from the signed-in user through the same resolution, local
//! delivery and outbound queue as SMTP submission, with a copy in the sender's Sent
//! mailbox.

use axum::{extract::State, http::StatusCode};
use chrono::Utc;
use osprey_api_types::{Problem, Scope, SendMessage, SentMessage};
use osprey_core::{Address, RelayRequest};
use osprey_mail::{DeliveryError, QueueOptions, ResolveError, resolve};
use osprey_store::{NewQueuedRecipient, flags};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState, validate::Checks};

/// Recipients of one message, all fields together.
const MAX_RECIPIENTS: usize = 100;
/// Longest subject and body.
const MAX_SUBJECT: usize = 998;
const MAX_TEXT: usize = 10 * 1024 * 1024;
/// Alias nesting followed, as for SMTP.
const MAX_ALIAS_DEPTH: usize = 8;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(send_message))
}

/// A header value as RFC 2047 encoded-words when it is not plain ASCII.
fn encode_header(value: &str) -> String {
    if value.is_ascii() {
        return value.to_owned();
    }
    let mut out = Vec::new();
    let mut chunk = String::new();
    for ch in value.chars() {
        // RFC 2047 §2: encoded-words of at most 75 characters.
        if chunk.len() + ch.len_utf8() > 45 {
            out.push(format!("=?UTF-8?B?{}?=", b64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(ch);
    }
    if !chunk.is_empty() {
        out.push(format!("=?UTF-8?B?{}?=", b64(chunk.as_bytes())));
    }
    out.join("\r\n ")
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Sends a plain-text message as the signed-in user: delivered to local recipients,
/// queued for remote ones (as the relay policy allows authenticated users).
#[utoipa::path(post, path = "/messages/send", tag = "mail", security(("bearer" = [])), request_body = SendMessage,
    responses((status = 201, body = SentMessage), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn send_message(
    State(state): State<AppState>,
    user: AuthUser,
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
    checks.finish()?;

    // Resolution first, as SMTP does at RCPT: nothing is sent unless every recipient can
    // be delivered to.
    let store = state.delivery.store();
    let mut accounts: Vec<String> = Vec::new();
    let mut remote: Vec<String> = Vec::new();
    let mut add_remote = |a: String| {
        if !remote.iter().any(|r| r.eq_ignore_ascii_case(&a)) {
            remote.push(a);
        }
    };
    let mut checks = Checks::default();
    let mut policy = None;
    for (field, address) in &recipients {
        match resolve(store, address, MAX_ALIAS_DEPTH).await {
            Ok(r) => {
                for a in r.local {
                    if !accounts.contains(&a.id) {
                        accounts.push(a.id);
                    }
                }
                r.remote.into_iter().for_each(&mut add_remote);
            }
            Err(ResolveError::NotLocal) => {
                if policy.is_none() {
                    policy = Some(store.relay_policy().await?);
                }
                let decision = policy.as_ref().expect("loaded").decide(&RelayRequest {
                    client_ip: std::net::Ipv6Addr::LOCALHOST.into(),
                    authenticated: true,
                    recipient: address,
                });
                if decision.allowed {
                    add_remote(address.to_string());
                } else {
                    checks.fail(field, format!("relaying refused: {}", decision.rule));
                }
            }
            Err(ResolveError::Unknown) | Err(ResolveError::Disabled) => {
                checks.fail(field, "no such mailbox here")
            }
            Err(ResolveError::TooDeep) => checks.fail(field, "an alias loop"),
            Err(ResolveError::Store(e)) => return Err(e.into()),
        }
    }
    checks.finish()?;

    let me = &user.account;
    let from = if me.display_name.is_empty() {
        format!("<{}>", me.address())
    } else {
        format!("{} <{}>", encode_header(&me.display_name), me.address())
    };
    let message_id = format!("{}@{}", uuid::Uuid::now_v7(), state.settings.hostname);
    let mut m = format!(
        "From: {from}\r\nDate: {}\r\nMessage-ID: <{message_id}>\r\nSubject: {}\r\n",
        Utc::now().to_rfc2822(),
        encode_header(&req.subject)
    );
    for (name, list) in [("To", &req.to), ("Cc", &req.cc)] {
        if !list.is_empty() {
            m.push_str(&format!("{name}: {}\r\n", list.join(", ")));
        }
    }
    m.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
    m.push_str(&req.text);
    let message = m.into_bytes();

    let deliver = |accounts: Vec<String>, mailbox: &'static str, flags: u64| {
        let (delivery, message) = (state.delivery.clone(), message.clone());
        async move { delivery.deliver(&accounts, mailbox, &message, flags).await }
    };
    // The recipients first: a copy in Sent means the message went out.
    let queue_id = if remote.is_empty() {
        None
    } else {
        let rcpts = remote
            .into_iter()
            .map(|address| NewQueuedRecipient {
                address,
                notify: None,
                orcpt: None,
            })
            .collect();
        let options = QueueOptions {
            account_id: Some(me.id.clone()),
            ..Default::default()
        };
        Some(
            state
                .delivery
                .enqueue(&me.address(), rcpts, &message, options)
                .await
                .map_err(delivery_error)?,
        )
    };
    if !accounts.is_empty() {
        deliver(accounts, "INBOX", 0)
            .await
            .map_err(delivery_error)?;
    }
    let sent = deliver(vec![me.id.clone()], "Sent", flags::SEEN)
        .await
        .map_err(delivery_error)?;
    Ok((
        StatusCode::CREATED,
        Json(SentMessage {
            message_id,
            delivered: recipients.into_iter().map(|(_, a)| a.to_string()).collect(),
            sent_uid: sent.first().map_or(0, |a| a.uid),
            queue_id,
        }),
    ))
}

fn delivery_error(e: DeliveryError) -> ApiError {
    match e {
        DeliveryError::OverQuota => ApiError::Conflict("a mailbox is over its quota".into()),
        DeliveryError::UnknownRecipient(_) => ApiError::field("to", "no such mailbox here"),
        DeliveryError::Store(e) => e.into(),
    }
}
