//! Downloads: `POST /messages/{id}/download` makes a link, valid for five minutes, that
//! downloads the message as received (`message/rfc822`, streamed from the blob store) or
//! one attachment, decoded; `GET /download/{token}` serves it without other credentials,
//! so that a browser can download with an ordinary link. The token names the account,
//! the message and the attachment, and is signed; the message must still be the
//! account's. Every download is `Content-Disposition: attachment` (RFC 6266, the name
//! also as UTF-8 by RFC 8187) with `X-Content-Type-Options: nosniff` and a sandboxing
//! Content-Security-Policy, so that nothing downloaded runs in the app's origin.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderValue, header},
    response::Response,
};
use chrono::DateTime;
use futures_util::stream;
use osprey_api_types::{DownloadLink, DownloadRequest, Problem, Scope};
use osprey_mail::stored::{AttachmentSource, DecodedBody, StoredMessage};
use tokio::io::AsyncReadExt;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::mailboxes::own_mailbox;
use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

/// How long a download link works, in seconds.
const LINK_TTL_SECS: i64 = 300;
/// The piece of a blob read and sent at a time.
const CHUNK: usize = 64 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_download_link))
        .routes(routes!(download))
}

/// A link that downloads one of the signed-in account's messages (as received) or one of
/// its attachments, for five minutes, without other credentials.
#[utoipa::path(post, path = "/messages/{id}/download", tag = "mail", security(("bearer" = [])), request_body = DownloadRequest,
    params(("id" = String, Path, description = "The message")),
    responses((status = 200, body = DownloadLink), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such message (or attachment) of the signed-in account", body = Problem)))]
pub async fn create_download_link(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<DownloadRequest>,
) -> Result<Json<DownloadLink>, ApiError> {
    user.require(Scope::AccountRead)?;
    let found = state.store.messages().message(&id).await?;
    own_mailbox(&state, &user, &found.mailbox_id).await?;
    if let Some(index) = req.attachment {
        let blobs = state.submission.delivery().blobs();
        let stored = StoredMessage::load(blobs.as_ref(), &found.blob_hash).await?;
        if stored.read(Default::default()).attachments.len() <= index as usize {
            return Err(ApiError::NotFound);
        }
    }
    let (token, exp) =
        state
            .jwt
            .issue_download(&user.account.id, &found.id, req.attachment, LINK_TTL_SECS);
    Ok(Json(DownloadLink {
        url: format!("/api/v1/download/{token}"),
        expires_at: DateTime::from_timestamp(exp, 0).unwrap_or_default(),
    }))
}

/// `name` as a `Content-Disposition: attachment` value: an ASCII fallback and, when the
/// name is not plain ASCII, the UTF-8 name (RFC 6266 §4.3, RFC 8187).
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ascii = if ascii.trim().is_empty() {
        "download".to_owned()
    } else {
        ascii
    };
    if ascii == name {
        return format!("attachment; filename=\"{ascii}\"");
    }
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A download: `len` when known before it is sent (a body decoded as it streams is sent
/// in chunks).
fn file(
    content_type: &str,
    name: &str,
    len: Option<u64>,
    body: Body,
) -> Result<Response, ApiError> {
    let header = |v: String| {
        HeaderValue::from_str(&v).map_err(|_| ApiError::Internal("a header value".into()))
    };
    let mut r = Response::new(body);
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, header(content_type.to_owned())?);
    h.insert(header::CONTENT_DISPOSITION, header(disposition(name))?);
    if let Some(len) = len {
        h.insert(header::CONTENT_LENGTH, header(len.to_string())?);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}

/// The file of a download link: the message as received (streamed) or one attachment.
#[utoipa::path(get, path = "/download/{token}", tag = "mail",
    params(("token" = String, Path, description = "The token of a download link")),
    responses((status = 200, description = "The file, as an attachment", content_type = "application/octet-stream", body = String),
        (status = 404, description = "The link is unknown or expired, or the message is gone", body = Problem)))]
pub async fn download(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let claims = state
        .jwt
        .verify_download(&token)
        .ok_or(ApiError::NotFound)?;
    let found = state.store.messages().message(&claims.msg).await?;
    // Still the account's: a message moved to another account's mailbox is not served.
    let mailboxes = state.store.mailboxes().of_account(&claims.sub).await?;
    if !mailboxes.iter().any(|m| m.id == found.mailbox_id) {
        return Err(ApiError::NotFound);
    }
    let blobs = state.submission.delivery().blobs();
    match claims.att {
        None => {
            let blob = blobs.open(&found.blob_hash).await?;
            let name = format!(
                "{}.eml",
                found
                    .summary
                    .subject
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .unwrap_or("message")
                    .chars()
                    .filter(|c| !matches!(c, '/' | '\\') && !c.is_control())
                    .take(100)
                    .collect::<String>()
            );
            let body = Body::from_stream(stream::unfold(blob.reader, |mut reader| async move {
                let mut buf = vec![0; CHUNK];
                match reader.read(&mut buf).await {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        Some((Ok::<_, std::io::Error>(buf), reader))
                    }
                    Err(e) => Some((Err(e), reader)),
                }
            }));
            file("message/rfc822", &name, Some(blob.len), body)
        }
        Some(index) => {
            let stored = StoredMessage::load(blobs.as_ref(), &found.blob_hash).await?;
            let source = stored.attachment(index).ok_or(ApiError::NotFound)?;
            let name = |info: &osprey_mail::reading::AttachmentInfo| {
                info.name
                    .clone()
                    .unwrap_or_else(|| format!("attachment-{}", index + 1))
            };
            match source {
                AttachmentSource::Whole(a) => {
                    let len = a.content.len() as u64;
                    file(
                        &a.info.content_type,
                        &name(&a.info),
                        Some(len),
                        Body::from(a.content),
                    )
                }
                // A large attachment: decoded from the blob as it is sent.
                AttachmentSource::Streamed { info, body } => {
                    let decoded = DecodedBody::open(blobs.clone(), &found.blob_hash, &body).await?;
                    let stream = stream::unfold(decoded, |mut d| async move {
                        match d.next_piece().await {
                            Ok(Some(piece)) => Some((Ok::<_, std::io::Error>(piece), d)),
                            Ok(None) => None,
                            Err(e) => Some((Err(e), d)),
                        }
                    });
                    file(
                        &info.content_type,
                        &name(&info),
                        None,
                        Body::from_stream(stream),
                    )
                }
            }
        }
    }
}
