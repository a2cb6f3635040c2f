//! RFC 8058 one-click unsubscription, outside the REST API: each remote list member's
//! `List-Unsubscribe` holds `<web>/lists/unsubscribe/<token>`. A mail provider POSTs
//! `List-Unsubscribe=One-Click` there and the member leaves; a person who opens the
//! link gets a page asking first (RFC 8058 §3.2: a GET must not unsubscribe, since
//! link checkers fetch URLs). The token is the only credential: an unknown one changes
//! nothing.

use crate::{routes::lists::admin, state::AppState};
use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Html,
    routing::get,
};
use osprey_directory::DirectoryError;

pub fn router() -> Router<AppState> {
    Router::new().route("/lists/unsubscribe/{token}", get(ask).post(one_click))
}

/// The page a person reaches from the link: who leaves which list, and a button.
async fn ask(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> (StatusCode, Html<String>) {
    match admin(&state).token_membership(&token).await {
        Ok((list, address)) => (
            StatusCode::OK,
            page(
                "Leave the list?",
                &format!(
                    "<p>Stop mail from <b>{list}</b> to <b>{address}</b>?</p>\
                     <form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" \
                     value=\"One-Click\"><button type=\"submit\">Unsubscribe</button></form>",
                    list = escape(&list.address()),
                    address = escape(&address),
                ),
            ),
        ),
        Err(e) => failure(&e),
    }
}

/// RFC 8058 §3.1: the POST's body is `List-Unsubscribe=One-Click`, form-encoded
/// (`application/x-www-form-urlencoded` or `multipart/form-data`).
async fn one_click(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> (StatusCode, Html<String>) {
    if !is_one_click(&body) {
        return (
            StatusCode::BAD_REQUEST,
            page(
                "Not an unsubscription",
                "<p>An unsubscription request carries <code>List-Unsubscribe=One-Click</code>; \
                 this one did not, so nothing changed.</p>",
            ),
        );
    }
    match admin(&state).unsubscribe_by_token(&token).await {
        Ok((list, address)) => (
            StatusCode::OK,
            page(
                "Unsubscribed",
                &format!(
                    "<p><b>{address}</b> gets no more mail from <b>{list}</b>. A note saying so \
                     was sent to it.</p>",
                    list = escape(&list.address()),
                    address = escape(&address),
                ),
            ),
        ),
        Err(e) => failure(&e),
    }
}

/// Returns `true` if and only if `body` holds the field `List-Unsubscribe` with the value
/// `One-Click`, form-encoded or as a form-data part.
fn is_one_click(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let urlencoded = text
        .split('&')
        .any(|pair| pair.trim() == "List-Unsubscribe=One-Click");
    let multipart = text.contains("name=\"List-Unsubscribe\"")
        && text
            .split("name=\"List-Unsubscribe\"")
            .nth(1)
            .and_then(|rest| rest.split("\r\n\r\n").nth(1))
            .is_some_and(|value| value.starts_with("One-Click"));
    urlencoded || multipart
}

fn failure(e: &DirectoryError) -> (StatusCode, Html<String>) {
    match e {
        DirectoryError::NotFound => (
            StatusCode::NOT_FOUND,
            page(
                "Link not valid",
                "<p>This link is no member's: the address may have left the list already, or \
                 the link was copied wrong. Nothing changed.</p>",
            ),
        ),
        other => {
            tracing::error!(error = %other, "one-click unsubscription failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                page(
                    "Try again later",
                    "<p>The server could not do this now. Nothing changed; please try again.</p>",
                ),
            )
        }
    }
}

/// A small page of its own: no script, readable at any width.
fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title></head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>"
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
