//! `/uploads`: files sent ahead of a message (`multipart/form-data`, one field `file`)
//! and attached by id when the message is sent or its draft saved, which uses them up;
//! a day-old upload nothing used is swept. A file over the server's message size limit
//! is refused with 413 while it streams in, and nothing is kept.

use axum::{
    extract::{
        DefaultBodyLimit, Multipart, Path, State,
        multipart::{MultipartError, MultipartRejection},
    },
    http::StatusCode,
};
use osprey_api_types::{Problem, Scope, Upload, UploadForm};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    // The size limit is the composer's, checked as the file streams in.
    OpenApiRouter::new()
        .routes(routes!(upload_file))
        .layer(DefaultBodyLimit::disable())
        .routes(routes!(delete_upload))
}

/// Uploads a file to attach to a message or draft (by its id, in `uploads`).
#[utoipa::path(post, path = "/uploads", tag = "mail", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "Kept until a message uses it, or a day", body = Upload),
        (status = 400, description = "Not a multipart form", body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 413, description = "Larger than the server's message size limit", body = Problem),
        (status = 422, description = "No `file` field", body = Problem)))]
pub async fn upload_file(
    State(state): State<AppState>,
    user: AuthUser,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Upload>), ApiError> {
    user.require(Scope::AccountWrite)?;
    let mut form = form.map_err(|e| ApiError::BadRequest {
        code: "bad_form",
        detail: format!("send a multipart/form-data body: {}", e.body_text()),
    })?;
    let max = state.composer.max_size();
    while let Some(mut field) = form.next_field().await.map_err(bad_form)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("attachment").to_owned();
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let mut content = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
            if content.len() + chunk.len() > max {
                return Err(ApiError::TooLarge(format!(
                    "a file may have at most {max} bytes"
                )));
            }
            content.extend_from_slice(&chunk);
        }
        let info = state
            .composer
            .uploads()
            .put(&user.account.id, &name, &content_type, content)
            .await
            .map_err(|e| ApiError::Internal(format!("keeping an upload: {e}")))?;
        return Ok((
            StatusCode::CREATED,
            Json(Upload {
                id: info.id,
                name: info.name,
                content_type: info.content_type,
                size: info.size,
            }),
        ));
    }
    Err(ApiError::field(
        "file",
        "send the file in a form field named file",
    ))
}

/// Removes an upload the signed-in account no longer wants.
#[utoipa::path(delete, path = "/uploads/{id}", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The upload")),
    responses((status = 204, description = "Removed"), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such upload of the signed-in account", body = Problem)))]
pub async fn delete_upload(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    let removed = state
        .composer
        .uploads()
        .remove(&user.account.id, &id)
        .await
        .map_err(|e| ApiError::Internal(format!("removing an upload: {e}")))?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

fn bad_form(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::TooLarge(e.body_text());
    }
    ApiError::BadRequest {
        code: "bad_form",
        detail: e.body_text(),
    }
}
