//! The one client of Osprey's REST API (same origin).
//!
//! `generated.rs` has every operation of `openapi/openapi.json` as a typed function
//! (`cargo xtask gen-client` writes it; never edit it by hand); this module is the HTTP layer
//! under them. Authenticated calls send the access token from localStorage; on a 401 the
//! client exchanges the refresh token once (one exchange at a time: the refresh token rotates
//! and reusing a spent one revokes the session) and retries once; if that fails the session
//! ends and the shell shows the login. Errors are RFC 9457 problem documents.

mod generated;
mod upload;

use std::fmt::Display;
use std::rc::Rc;

pub use generated::*;

use futures::lock::Mutex;
use gloo::net::http::{Method, RequestBuilder, Response};
use osprey_api_types::{Problem, RefreshRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;
use yew::prelude::*;

use crate::state::{Action, Session, Tokens, use_session};

/// What went wrong with a call.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The server answered with a problem document (or an error we describe as one).
    Problem {
        problem: Problem,
        /// Seconds from `Retry-After`, on a 429.
        retry_after: Option<u64>,
    },
    /// The session could not be refreshed; the user must sign in again.
    SessionExpired,
    /// No answer, or an answer that could not be read.
    Network(String),
}

impl ApiError {
    /// The server's messages about one request field: `name`, and `name[1]` or `name.x`
    /// inside it (named after the part, e.g. "Item 2: …").
    pub fn field(&self, name: &str) -> Option<String> {
        let ApiError::Problem { problem, .. } = self else {
            return None;
        };
        let messages: Vec<String> = problem
            .errors
            .iter()
            .filter_map(|e| {
                let rest = field_rest(&e.field, name)?;
                Some(if rest.is_empty() {
                    e.message.clone()
                } else {
                    format!("{}: {}", part_name(rest), e.message)
                })
            })
            .collect();
        (!messages.is_empty()).then(|| sentences(&messages))
    }

    /// The text of the banner over a form whose inputs show the `shown` fields' messages:
    /// the field errors no input shows (or a word that the marked fields need correcting),
    /// else the problem's detail or title.
    pub fn banner(&self, shown: &[&str]) -> String {
        match self {
            ApiError::SessionExpired => "Your session has ended. Please sign in again.".to_owned(),
            ApiError::Network(e) => format!("Could not reach the server ({e}). Please try again."),
            ApiError::Problem {
                problem,
                retry_after,
            } => {
                let unshown: Vec<String> = problem
                    .errors
                    .iter()
                    .filter(|e| !shown.iter().any(|s| field_rest(&e.field, s).is_some()))
                    .map(|e| format!("{}: {}", label(&e.field), e.message))
                    .collect();
                match (&problem.detail, problem.status) {
                    (_, 429) => match retry_after {
                        Some(s) => format!("Too many attempts. Try again in {s} seconds."),
                        None => "Too many attempts. Please wait a moment and try again.".to_owned(),
                    },
                    (_, 403) => problem
                        .detail
                        .clone()
                        .unwrap_or_else(|| "You are not allowed to do this.".to_owned()),
                    // Field errors: the inputs show theirs (the detail only repeats them
                    // with field names); the banner says the rest.
                    _ if !problem.errors.is_empty() => {
                        if unshown.is_empty() {
                            "Please correct the marked fields.".to_owned()
                        } else {
                            sentences(&unshown)
                        }
                    }
                    (Some(detail), _) => detail.clone(),
                    (None, _) => problem.title.clone(),
                }
            }
        }
    }

    /// A problem made on this side, e.g. for a number the user typed that is not one.
    #[cfg(feature = "full")]
    pub fn local(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Problem {
            problem: Problem {
                kind: "about:blank".to_owned(),
                title: "Please correct the marked fields".to_owned(),
                status: 400,
                detail: None,
                code: "validation_failed".to_owned(),
                errors: vec![osprey_api_types::FieldError {
                    field: field.to_owned(),
                    message: message.into(),
                }],
            },
            retry_after: None,
        }
    }
}

/// Messages one after the other, each a sentence: `is required` and `at least 12
/// characters` read "is required. At least 12 characters." rather than run together.
fn sentences(messages: &[String]) -> String {
    let mut out = String::new();
    for m in messages {
        let m = m.trim().trim_end_matches('.');
        let mut chars = m.chars();
        if let Some(first) = chars.next() {
            if !out.is_empty() {
                out.push(' ');
            }
            // ASCII only: the Unicode case tables would weigh on the bundle.
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
            out.push('.');
        }
    }
    out
}

/// A request field in words for a banner: `current_password` → "Current password",
/// `targets[0]` → "Targets, item 1", `pop3.mode` → "Pop3 mode".
fn label(field: &str) -> String {
    let (name, rest) = field
        .find(['[', '.'])
        .map_or((field, ""), |i| field.split_at(i));
    let mut out: String = name.replace('_', " ");
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    if !rest.is_empty() {
        let mut part = part_name(rest).replace('_', " ");
        part.make_ascii_lowercase();
        out.push_str(", ");
        out.push_str(&part);
    }
    out
}

/// What follows `name` in `field` when `field` is `name` or inside it (`name[1]`, `name.x`).
fn field_rest<'a>(field: &'a str, name: &str) -> Option<&'a str> {
    let rest = field.strip_prefix(name)?;
    (rest.is_empty() || rest.starts_with('[') || rest.starts_with('.')).then_some(rest)
}

/// `[1]` → `Item 2`, `.x` → `x`.
fn part_name(rest: &str) -> String {
    if let Some(index) = rest
        .strip_prefix('[')
        .and_then(|r| r.split(']').next())
        .and_then(|n| n.parse::<usize>().ok())
    {
        format!("Item {}", index + 1)
    } else {
        rest.trim_start_matches('.').to_owned()
    }
}

/// A request of the admin lists: search text, domain filter and the cursor of the page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListQuery {
    pub q: String,
    pub domain: String,
    /// One of the list's orders (its `Resource::SORTS`); empty: the default.
    pub sort: String,
    pub cursor: Option<String>,
}

impl ListQuery {
    /// Items per page.
    pub const LIMIT: u32 = 25;

    /// The search text, unless blank.
    pub fn q(&self) -> Option<&str> {
        Some(self.q.trim()).filter(|q| !q.is_empty())
    }

    /// The domain filter, unless blank.
    #[cfg(feature = "full")]
    pub fn domain(&self) -> Option<&str> {
        Some(self.domain.trim()).filter(|d| !d.is_empty())
    }

    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// The order asked for, unless the default.
    #[cfg(feature = "full")]
    pub fn sort(&self) -> Option<&str> {
        Some(self.sort.as_str()).filter(|s| !s.is_empty())
    }
}

/// A request's body.
enum Body {
    Json(String),
    /// A form (files), encoded by the browser with its boundary.
    Form(web_sys::FormData),
}

/// One request, kept so it can be sent again after a refresh.
struct Call {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<Body>,
}

impl Call {
    /// A request to `path` (from the server's root, e.g. `/api/v1/me`).
    fn new(method: Method, path: impl Into<String>) -> Call {
        Call {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
        }
    }

    /// Adds `name=value` to the query string when there is a value.
    fn query(mut self, name: &'static str, value: Option<impl Display>) -> Call {
        if let Some(value) = value {
            self.query.push((name, value.to_string()));
        }
        self
    }

    fn json(mut self, body: &impl Serialize) -> Result<Call, ApiError> {
        self.body = Some(Body::Json(
            serde_json::to_string(body).map_err(|e| ApiError::Network(e.to_string()))?,
        ));
        Ok(self)
    }

    fn form(mut self, body: &web_sys::FormData) -> Call {
        self.body = Some(Body::Form(body.clone()));
        self
    }

    async fn send(&self, access_token: Option<&str>) -> Result<Response, ApiError> {
        let mut builder = RequestBuilder::new(&self.path)
            .method(self.method.clone())
            .header("Accept", "application/json, application/problem+json");
        if !self.query.is_empty() {
            builder = builder.query(self.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        if let Some(token) = access_token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        let request = match &self.body {
            Some(Body::Json(body)) => builder
                .header("Content-Type", "application/json")
                .body(body.as_str()),
            Some(Body::Form(form)) => builder.body(form.clone()),
            None => builder.build(),
        }
        .map_err(|e| ApiError::Network(e.to_string()))?;
        request
            .send()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))
    }
}

/// Reads a successful answer's JSON, or turns an error answer into an [`ApiError`].
///
/// Only the decoding is generic: the waiting is [`text`]'s, once for every type, which
/// keeps each operation's code small.
async fn json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    decode(&text(response).await?)
}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Network(format!("unexpected answer: {e}")))
}

/// For answers without a body (204).
async fn empty(response: Response) -> Result<(), ApiError> {
    if response.ok() {
        Ok(())
    } else {
        Err(problem_of(response).await)
    }
}

/// Reads a successful plain-text answer.
async fn text(response: Response) -> Result<String, ApiError> {
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    response
        .text()
        .await
        .map_err(|e| ApiError::Network(format!("unexpected answer: {e}")))
}

/// Reads a successful answer that is a file.
async fn bytes(response: Response) -> Result<Vec<u8>, ApiError> {
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    response
        .binary()
        .await
        .map_err(|e| ApiError::Network(format!("unexpected answer: {e}")))
}

async fn problem_of(response: Response) -> ApiError {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.trim().parse::<u64>().ok());
    let status_text = response.status_text();
    let text = response.text().await.unwrap_or_default();
    problem_from(status, &status_text, &text, retry_after)
}

/// The problem document of an answer's `status` and body (or one made up from its
/// status when the body is not one).
fn problem_from(status: u16, status_text: &str, text: &str, retry_after: Option<u64>) -> ApiError {
    let problem = serde_json::from_str::<Problem>(text).unwrap_or_else(|_| Problem {
        kind: "about:blank".to_owned(),
        title: if status_text.is_empty() {
            format!("The server answered {status}")
        } else {
            format!("The server answered {status} {status_text}")
        },
        status,
        detail: None,
        code: "http_error".to_owned(),
        errors: Vec::new(),
    });
    ApiError::Problem {
        problem,
        retry_after,
    }
}

thread_local! {
    /// Held while a refresh is in flight.
    static REFRESHING: Rc<Mutex<()>> = Rc::new(Mutex::new(()));
}

/// A handle on the API for the signed-in session; see [`use_api`].
#[derive(Clone)]
pub struct Api {
    session: UseReducerDispatcher<Session>,
}

/// The API client of the current session.
#[hook]
pub fn use_api() -> Api {
    let session = use_session();
    Api {
        session: session.dispatcher(),
    }
}

impl Api {
    fn expire(&self) -> ApiError {
        self.session.dispatch(Action::SignedOut);
        ApiError::SessionExpired
    }

    /// Sends `call` with the access token; on a 401 refreshes once and sends it again.
    async fn authed(&self, call: &Call) -> Result<Response, ApiError> {
        let Some(tokens) = Tokens::load() else {
            return Err(self.expire());
        };
        let response = call.send(Some(&tokens.access_token)).await?;
        if response.status() != 401 {
            return Ok(response);
        }
        let fresh = self.refresh(&tokens.access_token).await?;
        let response = call.send(Some(&fresh.access_token)).await?;
        if response.status() == 401 {
            return Err(self.expire());
        }
        Ok(response)
    }

    /// New tokens in place of those whose access token was `stale`. Concurrent callers wait
    /// for one exchange and share its result.
    async fn refresh(&self, stale: &str) -> Result<Tokens, ApiError> {
        let lock = REFRESHING.with(Rc::clone);
        let _guard = lock.lock().await;
        let Some(current) = Tokens::load() else {
            return Err(self.expire());
        };
        if current.access_token != stale {
            // Another call refreshed while this one waited.
            return Ok(current);
        }
        let request = RefreshRequest {
            refresh_token: current.refresh_token,
        };
        match generated::refresh(&request).await {
            Ok(answer) => {
                let tokens = Tokens::from(answer);
                tokens.save();
                self.session
                    .dispatch(Action::TokensRefreshed(tokens.clone()));
                Ok(tokens)
            }
            Err(ApiError::Network(e)) => Err(ApiError::Network(e)),
            Err(_) => Err(self.expire()),
        }
    }

    /// Ends the session on the server (best effort) and here.
    pub async fn sign_out(&self) {
        if let Some(tokens) = Tokens::load() {
            let request = RefreshRequest {
                refresh_token: tokens.refresh_token,
            };
            if let Err(e) = generated::logout(&request).await {
                gloo::console::warn!(format!("logout: {e:?}"));
            }
        }
        self.session.dispatch(Action::SignedOut);
    }
}

/// Percent-encodes an id for use as one path segment.
fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
