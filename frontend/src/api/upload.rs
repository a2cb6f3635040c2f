//! `POST /api/v1/uploads` with progress: through `XMLHttpRequest`, whose upload reports
//! how much has gone (`fetch` reports nothing until the answer). The same operation as
//! the generated `upload_file`, the same token refresh on a 401.

use std::rc::Rc;

use osprey_api_types::Upload;
use wasm_bindgen::{JsCast, prelude::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

use super::{Api, ApiError, Tokens, decode, problem_from};

/// The answer's status and body, once the request ends; `progress` gets the bytes sent
/// and the total as the body goes.
async fn send(
    form: &FormData,
    token: &str,
    progress: Rc<dyn Fn(f64, f64)>,
) -> Result<(u16, String), ApiError> {
    let network = |_| ApiError::Network("the upload did not reach the server".to_owned());
    let xhr = XmlHttpRequest::new().map_err(network)?;
    xhr.open("POST", "/api/v1/uploads").map_err(network)?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}"))
        .map_err(network)?;
    // The handler lives until the request ends (detached and dropped below).
    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() {
            progress(e.loaded(), e.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
    });
    xhr.send_with_opt_form_data(Some(form)).map_err(network)?;
    let ended = JsFuture::from(done).await;
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(None);
    }
    drop(on_progress);
    ended.map_err(network)?;
    let status = xhr.status().map_err(network)?;
    let body = xhr.response_text().map_err(network)?.unwrap_or_default();
    Ok((status, body))
}

impl Api {
    /// Uploads the file in `form` (field `file`), telling `progress` (sent, total) as it
    /// goes.
    pub async fn upload_with_progress(
        &self,
        form: &FormData,
        progress: Rc<dyn Fn(f64, f64)>,
    ) -> Result<Upload, ApiError> {
        let Some(tokens) = Tokens::load() else {
            return Err(self.expire());
        };
        let (mut status, mut body) = send(form, &tokens.access_token, progress.clone()).await?;
        if status == 401 {
            let fresh = self.refresh(&tokens.access_token).await?;
            (status, body) = send(form, &fresh.access_token, progress).await?;
            if status == 401 {
                return Err(self.expire());
            }
        }
        if !(200..300).contains(&status) {
            return Err(problem_from(status, "", &body, None));
        }
        decode(&body)
    }
}
