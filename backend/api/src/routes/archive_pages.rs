//! A list's public archive, outside the REST API, for lists whose archive is public:
//! small HTML pages without script, readable at any width and by search engines' users
//! without an account. Members of a list whose archive is for members read it in the
//! web app.
//!
//! - `/lists/archive/{address}`: the threads, latest activity first, and a search form
//!   (`?q=`: the posts that hold every word); `?offset=` pages.
//! - `/lists/archive/{address}/threads/{thread}`: a thread's posts, as text.
//! - `/lists/archive/{address}/mbox`: the archive as an mbox file.
//!
//! A post's text is shown as text (escaped), never as markup.

use axum::{
    Router,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use osprey_directory::DirectoryError;
use osprey_lists::Reader;
use serde::Deserialize;

use super::{
    list_archive::{archive, mbox_response},
    list_pages::{PageReply, escape, styled_page},
};
use crate::state::AppState;

/// Threads or posts a page shows.
const PAGE: u64 = 25;

/// The archive pages' look, after the list pages' own.
const STYLE: &str = "main{max-width:48rem}ol,ul{padding-left:1.25rem}\
    li{margin:.4rem 0}.meta{color:#4b5563;font-size:.9rem}\
    article{border-top:1px solid #e5e7eb;padding:.75rem 0}\
    pre{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;margin:.5rem 0 0}\
    form{display:flex;gap:.5rem;align-items:end;margin-bottom:1rem}\
    form label{margin:0}form button{margin:0}";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lists/archive/{address}", get(threads))
        .route("/lists/archive/{address}/threads/{thread}", get(thread))
        .route("/lists/archive/{address}/mbox", get(mbox))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    q: Option<String>,
    offset: Option<u64>,
}

/// `text` as a URL's query value.
fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

fn who(name: &str, address: &str) -> String {
    if name.is_empty() {
        escape(address)
    } else {
        escape(name)
    }
}

/// The threads, or the posts that match `q`.
async fn threads(
    State(state): State<AppState>,
    Path(address): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> PageReply {
    // (A malformed offset is the first page.)
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let archive = archive(&state);
    let list = match archive.public(&address).await {
        Ok(list) => list,
        Err(e) => return failure(&e),
    };
    let offset = query.offset.unwrap_or(0);
    let q = query.q.unwrap_or_default();
    let base = format!("/lists/archive/{}", escape(&list.address()));
    let mut body = format!(
        "<p>{description}</p><form method=\"get\" action=\"{base}\" role=\"search\">\
         <div style=\"flex:1\"><label for=\"q\">Search the archive</label>\
         <input id=\"q\" name=\"q\" type=\"search\" value=\"{q}\"></div>\
         <button type=\"submit\">Search</button></form>",
        description = escape(&list.description),
        q = escape(&q),
    );
    let shown;
    if q.trim().is_empty() {
        let found = archive
            .threads(Reader::Anyone, &list.id, offset, PAGE)
            .await;
        let threads = match found {
            Ok((_, t)) => t,
            Err(e) => return failure(&e),
        };
        shown = threads.len() as u64;
        if threads.is_empty() && offset == 0 {
            body.push_str("<p>No posts yet.</p>");
        }
        body.push_str("<ul>");
        for t in threads {
            body.push_str(&format!(
                "<li><a href=\"{base}/threads/{id}\">{subject}</a><div class=\"meta\">\
                 {who} · {posts} post{s} · last {last}</div></li>",
                id = escape(&t.first.id),
                subject = escape(subject_or_none(&t.first.subject)),
                who = who(&t.first.author_name, &t.first.author_address),
                posts = t.posts,
                s = if t.posts == 1 { "" } else { "s" },
                last = t.last_posted_at.format("%Y-%m-%d %H:%M UTC"),
            ));
        }
        body.push_str("</ul>");
    } else {
        let posts = match archive
            .search(Reader::Anyone, &list.id, &q, offset, PAGE)
            .await
        {
            Ok((_, p)) => p,
            Err(DirectoryError::Invalid(_)) => {
                body.push_str("<p role=\"alert\">Search for 1 to 8 words.</p>");
                return (
                    StatusCode::BAD_REQUEST,
                    styled_page(&list.name, &body, STYLE),
                );
            }
            Err(e) => return failure(&e),
        };
        shown = posts.len() as u64;
        if posts.is_empty() && offset == 0 {
            body.push_str("<p>No post holds all these words.</p>");
        }
        body.push_str("<ul>");
        for p in posts {
            body.push_str(&format!(
                "<li><a href=\"{base}/threads/{thread}\">{subject}</a><div class=\"meta\">\
                 {who} · {at}</div></li>",
                thread = escape(&p.thread_id),
                subject = escape(subject_or_none(&p.subject)),
                who = who(&p.author_name, &p.author_address),
                at = p.posted_at.format("%Y-%m-%d %H:%M UTC"),
            ));
        }
        body.push_str("</ul>");
    }
    if shown == PAGE {
        let q = if q.is_empty() {
            String::new()
        } else {
            format!("q={}&amp;", query_value(&q))
        };
        body.push_str(&format!(
            "<p><a href=\"{base}?{q}offset={}\">Older</a></p>",
            offset + PAGE
        ));
    }
    body.push_str(&format!(
        "<p class=\"meta\"><a href=\"{base}/mbox\">Download the archive (mbox)</a></p>"
    ));
    (StatusCode::OK, styled_page(&list.name, &body, STYLE))
}

fn subject_or_none(subject: &str) -> &str {
    if subject.trim().is_empty() {
        "(no subject)"
    } else {
        subject
    }
}

/// A thread's posts.
async fn thread(
    State(state): State<AppState>,
    Path((address, thread)): Path<(String, String)>,
) -> PageReply {
    let archive = archive(&state);
    let list = match archive.public(&address).await {
        Ok(list) => list,
        Err(e) => return failure(&e),
    };
    let posts = match archive.thread(Reader::Anyone, &list.id, &thread).await {
        Ok((_, posts)) => posts,
        Err(e) => return failure(&e),
    };
    let title = posts
        .first()
        .map_or("(no subject)", |p| subject_or_none(&p.record.subject))
        .to_owned();
    let mut body = format!(
        "<p><a href=\"/lists/archive/{}\">All threads of {}</a></p>",
        escape(&list.address()),
        escape(&list.name)
    );
    for p in posts {
        body.push_str(&format!(
            "<article style=\"margin-left:{indent}rem\"><div><b>{who}</b> \
             <span class=\"meta\">{at}</span></div><pre>{text}</pre></article>",
            indent = p.depth.min(6),
            who = who(&p.record.author_name, &p.record.author_address),
            at = p.record.posted_at.format("%Y-%m-%d %H:%M UTC"),
            text = escape(&p.text),
        ));
    }
    (StatusCode::OK, styled_page(&title, &body, STYLE))
}

/// The archive as an mbox file.
async fn mbox(State(state): State<AppState>, Path(address): Path<String>) -> Response {
    let archive = archive(&state);
    let found = match archive.public(&address).await {
        Ok(list) => archive.mbox_export(Reader::Anyone, &list.id).await,
        Err(e) => Err(e),
    };
    match found {
        Ok((list, export)) => {
            mbox_response("application/mbox", &list.local_part, export).into_response()
        }
        Err(e) => failure(&e).into_response(),
    }
}

fn failure(e: &DirectoryError) -> PageReply {
    match e {
        DirectoryError::NotFound => (
            StatusCode::NOT_FOUND,
            styled_page(
                "Nothing here",
                "<p>There is no public archive here: the list does not exist, keeps its \
                 archive for its members, or the link was copied wrong.</p>",
                STYLE,
            ),
        ),
        other => {
            tracing::error!(error = %other, "a public archive page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                styled_page(
                    "Try again later",
                    "<p>The server could not show this now; please try again.</p>",
                    STYLE,
                ),
            )
        }
    }
}
