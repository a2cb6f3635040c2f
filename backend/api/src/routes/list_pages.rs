//! A list's public pages, outside the REST API: small HTML pages without script that
//! work from any mail client's link, at any width.
//!
//! - `/lists/subscribe/{address}`: the list's subscription page; the address given gets
//!   the confirmation by mail (double opt-in), as if it had written `subscribe`.
//! - `/lists/confirm/{token}`: the link in a confirmation (joining, leaving, resuming
//!   after bounces); a GET asks, the POST confirms.
//! - `/lists/unsubscribe/{token}`: RFC 8058 one-click unsubscription. Each remote
//!   member's `List-Unsubscribe` holds it; a mail provider POSTs
//!   `List-Unsubscribe=One-Click` and the member leaves; a person who opens the link
//!   gets a page asking first (RFC 8058 §3.2: a GET must not unsubscribe, since link
//!   checkers fetch URLs).
//!
//! A token is the only credential: an unknown one changes nothing.

use axum::{
    Form, Router,
    body::Bytes,
    extract::{Path, State, rejection::FormRejection},
    http::StatusCode,
    response::Html,
    routing::get,
};
use osprey_directory::DirectoryError;
use serde::Deserialize;

use crate::{routes::lists::admin, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lists/unsubscribe/{token}", get(ask).post(one_click))
        .route(
            "/lists/subscribe/{address}",
            get(subscription).post(subscribe),
        )
        .route("/lists/confirm/{token}", get(confirmation).post(confirm))
}

pub(crate) type PageReply = (StatusCode, Html<String>);

/// A list's subscription page: its name, description and a form.
async fn subscription(State(state): State<AppState>, Path(address): Path<String>) -> PageReply {
    match admin(&state).public_list(&address).await {
        Ok(list) => (
            StatusCode::OK,
            page(
                &format!("Join {}", list.name),
                &subscribe_form(&list, "", None),
            ),
        ),
        Err(e) => failure(&e),
    }
}

#[derive(Deserialize)]
struct SubscribeForm {
    email: String,
}

/// The form sent: the address gets a confirmation. The page says only that, so it tells
/// nobody whether the address is a member.
async fn subscribe(
    State(state): State<AppState>,
    Path(address): Path<String>,
    form: Result<Form<SubscribeForm>, FormRejection>,
) -> PageReply {
    let admin = admin(&state);
    let list = match admin.public_list(&address).await {
        Ok(list) => list,
        Err(e) => return failure(&e),
    };
    let email = form.map(|Form(f)| f.email).unwrap_or_default();
    match admin.subscribe_by_web(&list, &email).await {
        Ok(()) => (
            StatusCode::OK,
            page(
                "Check your mail",
                &format!(
                    "<p>A message went to <b>{email}</b>. Follow it to finish joining \
                     <b>{list}</b>; until then nothing changes. Nothing there? Look in the \
                     spam folder, or ask again in an hour.</p>",
                    email = escape(email.trim()),
                    list = escape(&list.address()),
                ),
            ),
        ),
        Err(DirectoryError::Invalid(_)) => (
            StatusCode::BAD_REQUEST,
            page(
                &format!("Join {}", list.name),
                &subscribe_form(
                    &list,
                    &email,
                    Some("Enter an e-mail address, like ann@example.com."),
                ),
            ),
        ),
        Err(e) => failure(&e),
    }
}

/// The subscription form, with what was typed and what was wrong with it.
fn subscribe_form(list: &osprey_store::ListRecord, email: &str, problem: Option<&str>) -> String {
    let description = match list.description.trim() {
        "" => String::new(),
        d => format!("<p>{}</p>", escape(d)),
    };
    let problem = problem
        .map(|p| format!("<p id=\"email-error\" role=\"alert\">{}</p>", escape(p)))
        .unwrap_or_default();
    format!(
        "{description}<form method=\"post\"><label for=\"email\">Your e-mail address</label> \
         <input id=\"email\" name=\"email\" type=\"email\" required autocomplete=\"email\" \
         value=\"{email}\" aria-describedby=\"email-error\">{problem}\
         <button type=\"submit\">Join {list}</button></form>\
         <p>You will get a message to confirm; posts start once you do.</p>",
        email = escape(email),
        list = escape(&list.address()),
    )
}

/// The page a confirmation link opens: what it confirms, and a button.
async fn confirmation(State(state): State<AppState>, Path(token): Path<String>) -> PageReply {
    match admin(&state).linked_request(&token).await {
        Ok((list, request)) => {
            let what = match request.action.as_str() {
                "subscribe" => "join",
                "unsubscribe" => "leave",
                _ => "get the posts again of",
            };
            (
                StatusCode::OK,
                page(
                    "Confirm",
                    &format!(
                        "<p>Confirm that <b>{address}</b> wants to {what} <b>{list}</b>.</p>\
                         <form method=\"post\"><button type=\"submit\">Confirm</button></form>",
                        address = escape(&request.address),
                        list = escape(&list.address()),
                    ),
                ),
            )
        }
        Err(e) => failure(&e),
    }
}

/// Confirms; the page says what happened, as the mail would.
async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> PageReply {
    match admin(&state).confirm_link(&token).await {
        Ok(text) => (
            StatusCode::OK,
            page("Done", &format!("<p>{}</p>", escape(&text))),
        ),
        Err(e) => failure(&e),
    }
}

/// The page a person reaches from the link: who leaves which list, and a button.
async fn ask(State(state): State<AppState>, Path(token): Path<String>) -> PageReply {
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
) -> PageReply {
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

fn failure(e: &DirectoryError) -> PageReply {
    match e {
        DirectoryError::NotFound => (
            StatusCode::NOT_FOUND,
            page(
                "Nothing here",
                "<p>This link leads nowhere: it was used already, has expired, names a list \
                 that takes no subscriptions here, or was copied wrong. Nothing changed.</p>",
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

/// The pages' look: the web app's colours, readable at any width.
const STYLE: &str = "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;\
    color:#1f2937;background:#f5f6fa;margin:0}\
    main{max-width:32rem;margin:3rem auto;padding:1.5rem;background:#fff;\
    border:1px solid #e5e7eb;border-radius:8px}h1{font-size:1.4rem;margin:0 0 1rem}\
    label{display:block;font-weight:600;margin:.75rem 0 .25rem}\
    input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;\
    border:1px solid #cbd5e1;border-radius:6px}\
    button{margin-top:.75rem;padding:.5rem 1rem;font:inherit;font-weight:600;color:#fff;\
    background:#2563eb;border:0;border-radius:6px;cursor:pointer}\
    [role=alert]{color:#b91c1c;margin:.25rem 0 0}\
    @media (max-width:36rem){main{margin:0;border:0;border-radius:0}}";

/// A small page of its own: no script, readable at any width.
fn page(title: &str, body: &str) -> Html<String> {
    styled_page(title, body, "")
}

/// [`page`] with more style rules after the pages' own.
pub(crate) fn styled_page(title: &str, body: &str, style: &str) -> Html<String> {
    let title = escape(title);
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title>\
         <style>{STYLE}{style}</style></head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>"
    ))
}

pub(crate) use osprey_core::markup::escape;
