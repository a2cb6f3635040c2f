//! Extractors whose rejections are [`ApiError`]s, so malformed input gets the same
//! problem+json body as every other error, naming the field at fault.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, request::Parts},
};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body, read strictly: syntax errors are 400 `malformed_json`; a body that is not
/// an object, a nested object given as an array, a missing, mistyped or unknown field is
/// 422 naming the field's path (`targets[1]`, `settings.colour`).
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json")
                    || m.to_ascii_lowercase().ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge(e.body_text())
            } else {
                ApiError::BadRequest {
                    code: "body_unreadable",
                    detail: e.body_text(),
                }
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// Parses `bytes` as `T` with the error mapping of [`Json`].
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Syntax first, so that every later error is about a field's value.
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest {
            code: "malformed_json",
            detail: format!("the body is not valid JSON: {e}"),
        })?;
    // Every request body of the API is an object; serde would also take an array for a
    // struct (its fields in order), which the document does not allow, at any depth.
    if !value.is_object() {
        return Err(ApiError::field("body", "must be a JSON object"));
    }
    serde_path_to_error::deserialize(crate::strict::Strict(&value)).map_err(|err| {
        let path = err.path().to_string();
        let msg = err.into_inner().to_string();
        // A missing field is reported against its parent; name the field itself. (An
        // unknown field's path already ends with its name.)
        let field = match msg
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            Some(name) if path == "." => name.to_owned(),
            Some(name) => format!("{path}.{name}"),
            None if path == "." => "body".to_owned(),
            None => path,
        };
        ApiError::field(field, msg)
    })
}

/// Query parameters; a malformed query string is 400 `bad_query`.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded_compat(q).map(Query)
    }
}

fn serde_urlencoded_compat<T: DeserializeOwned>(q: &str) -> Result<T, ApiError> {
    axum::extract::Query::<T>::try_from_uri(&format!("/?{q}").parse().map_err(|_| {
        ApiError::BadRequest {
            code: "bad_query",
            detail: "the query string is malformed".into(),
        }
    })?)
    .map(|axum::extract::Query(v)| v)
    .map_err(|e| ApiError::BadRequest {
        code: "bad_query",
        detail: e.body_text(),
    })
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// The client's IP address, when the server was started with connect info (in-process
/// tests have none).
pub struct PeerIp(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerIp(peer_ip(parts)))
    }
}

/// The request's `Host` header as sent (empty when absent or not text); the directory
/// maps it to a domain (`branding::host_name`).
pub fn host_header(headers: &axum::http::HeaderMap) -> &str {
    headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
}

/// The client's IP address in `parts`, when the server was started with connect info.
pub fn peer_ip(parts: &Parts) -> Option<std::net::IpAddr> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The largest body of an image upload: well above the images' own limits (256 KiB), so
/// that a picture too large is refused by its rule, with a 422 that names the limit, and
/// only a body beyond this by the transport (413).
pub const MAX_IMAGE_UPLOAD_BODY: usize = 2 * 1024 * 1024;

/// The bytes of the file field `file` of a `multipart/form-data` body (an image upload);
/// a body of another kind, or without that field, is the client's mistake.
pub async fn one_file(
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Vec<u8>, ApiError> {
    let bad = |detail: String| ApiError::BadRequest {
        code: "bad_form",
        detail,
    };
    let mut form = form.map_err(|e| {
        bad(format!(
            "send a multipart/form-data body: {}",
            e.body_text()
        ))
    })?;
    while let Some(field) = form.next_field().await.map_err(|e| bad(e.body_text()))? {
        if field.name() == Some("file") {
            return Ok(field
                .bytes()
                .await
                .map_err(|e| bad(e.body_text()))?
                .to_vec());
        }
    }
    Err(ApiError::field(
        "file",
        "send the image in a field named file",
    ))
}
