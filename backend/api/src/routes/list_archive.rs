//! `/lists/{id}/archive`: a list's archive for the signed-in (its threads, a thread,
//! search, the mbox export), and `/admin/lists/{id}/statistics`. Who may read is
//! `osprey_lists::ListArchive`'s to decide.

use axum::{
    body::Body,
    extract::{Path, State},
    http::header,
    response::IntoResponse,
};
use futures_util::stream;
use osprey_api_types::{
    ArchivePage, ArchiveThread, ArchiveThreadPosts, ArchivedPost, ArchivedPostSummary, ListDay,
    Problem, Scope,
};
use osprey_lists::{ListArchive, MboxExport, Reader};
use osprey_store::ListPostRecord;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::lists::admin;
use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_archive))
        .routes(routes!(archive_thread))
        .routes(routes!(archive_mbox))
        .routes(routes!(list_statistics))
}

/// The archives, reading posts from the blob store.
pub(crate) fn archive(state: &AppState) -> ListArchive {
    ListArchive::new(
        state.store.clone(),
        state.submission.delivery().blobs().clone(),
    )
}

/// Paging and search of an archive.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArchiveParams {
    /// Posts whose subject, author or text hold every word of this (1 to 8 words).
    pub q: Option<String>,
    /// Threads (or posts) to skip: the `next_offset` of the previous page.
    pub offset: Option<u64>,
    /// Page size, 1 to 500 (default 25).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

pub(crate) fn summary(r: &ListPostRecord) -> ArchivedPostSummary {
    ArchivedPostSummary {
        id: r.id.clone(),
        thread_id: r.thread_id.clone(),
        subject: r.subject.clone(),
        author_name: r.author_name.clone(),
        author_address: r.author_address.clone(),
        posted_at: r.posted_at,
        size: r.size,
    }
}

/// The reader a signed-in account is.
fn reader<'a>(actor: &'a osprey_directory::Actor, address: &'a str) -> Reader<'a> {
    Reader::Account { actor, address }
}

/// A page of a list's archive: its threads, latest activity first, or with `q` the
/// posts that match, newest first. For the list's members, owners, moderators and
/// its domain's administrators, or anyone when the archive is public.
#[utoipa::path(get, path = "/lists/{id}/archive", tag = "lists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id"), ArchiveParams),
    responses((status = 200, body = ArchivePage), (status = 401, body = Problem),
        (status = 403, description = "Not a member, or an API key without account:read", body = Problem),
        (status = 404, description = "No such list, or it keeps no archive", body = Problem),
        (status = 422, body = Problem)))]
pub async fn list_archive(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(params): Query<ArchiveParams>,
) -> Result<Json<ArchivePage>, ApiError> {
    user.require(Scope::AccountRead)?;
    let (actor, address) = (user.actor(), user.account.address().to_string());
    let offset = params.offset.unwrap_or(0);
    let limit = params
        .limit
        .unwrap_or(25)
        .clamp(1, osprey_lists::archive::MAX_ARCHIVE_PAGE);
    let archive = archive(&state);
    let (list, threads, posts, n) = match params.q.as_deref() {
        Some(q) => {
            let (list, posts) = archive
                .search(reader(&actor, &address), &id, q, offset, limit)
                .await?;
            let n = posts.len();
            (list, Vec::new(), posts.iter().map(summary).collect(), n)
        }
        None => {
            let (list, threads) = archive
                .threads(reader(&actor, &address), &id, offset, limit)
                .await?;
            let n = threads.len();
            let threads: Vec<ArchiveThread> = threads
                .into_iter()
                .map(|t| ArchiveThread {
                    first: summary(&t.first),
                    posts: t.posts,
                    last_posted_at: t.last_posted_at,
                })
                .collect();
            (list, threads, Vec::new(), n)
        }
    };
    Ok(Json(ArchivePage {
        list_address: list.address(),
        list_name: list.name,
        threads,
        posts,
        next_offset: (n as u64 == limit).then_some(offset + limit),
    }))
}

/// A thread of a list's archive, its posts in the order they came, each with its text.
#[utoipa::path(get, path = "/lists/{id}/archive/threads/{thread}", tag = "lists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id"), ("thread" = String, Path, description = "The thread's id (its first post's)")),
    responses((status = 200, body = ArchiveThreadPosts), (status = 401, body = Problem),
        (status = 403, description = "Not a member, or an API key without account:read", body = Problem),
        (status = 404, description = "No such list or thread, or it keeps no archive", body = Problem)))]
pub async fn archive_thread(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, thread)): Path<(String, String)>,
) -> Result<Json<ArchiveThreadPosts>, ApiError> {
    user.require(Scope::AccountRead)?;
    let (actor, address) = (user.actor(), user.account.address().to_string());
    let (list, posts) = archive(&state)
        .thread(reader(&actor, &address), &id, &thread)
        .await?;
    Ok(Json(ArchiveThreadPosts {
        list_address: list.address(),
        list_name: list.name,
        posts: posts
            .into_iter()
            .map(|p| ArchivedPost {
                id: p.record.id,
                subject: p.record.subject,
                author_name: p.record.author_name,
                author_address: p.record.author_address,
                posted_at: p.record.posted_at,
                parent_id: p.record.parent_id,
                depth: p.depth,
                text: p.text,
            })
            .collect(),
    }))
}

/// The whole archive as an mbox file (RFC 4155, mboxrd), the posts in the order they
/// came: octets, as an attachment named after the list.
#[utoipa::path(get, path = "/lists/{id}/archive/mbox", tag = "lists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id")),
    responses((status = 200, description = "The archive, an mbox file", content_type = "application/octet-stream", body = String),
        (status = 401, body = Problem),
        (status = 403, description = "Not a member, or an API key without account:read", body = Problem),
        (status = 404, description = "No such list, or it keeps no archive", body = Problem)))]
pub async fn archive_mbox(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Scope::AccountRead)?;
    let (actor, address) = (user.actor(), user.account.address().to_string());
    let (list, export) = archive(&state)
        .mbox_export(reader(&actor, &address), &id)
        .await?;
    Ok(mbox_response(
        "application/octet-stream",
        &list.local_part,
        export,
    ))
}

/// An mbox download of type `content_type`, named after the list, sent a page of posts
/// at a time (a failure part-way ends the download short, and is logged).
pub(crate) fn mbox_response(
    content_type: &'static str,
    name: &str,
    export: MboxExport,
) -> impl IntoResponse + use<> {
    let body = Body::from_stream(stream::unfold(export, |mut export| async move {
        match export.next().await {
            Ok(Some(piece)) => Some((Ok::<_, std::io::Error>(piece), export)),
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = %e, "an archive's mbox export failed part-way");
                Some((Err(std::io::Error::other(e.to_string())), export))
            }
        }
    }));
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.mbox\""),
            ),
        ],
        body,
    )
}

/// How many days of statistics.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsParams {
    /// The last this many days, today included: 1 to 366 (default 30).
    #[param(minimum = 1, maximum = 366)]
    pub days: Option<u32>,
}

/// A list's days: posts, members who joined and left, bounces, and the members at each
/// day's end, oldest first.
#[utoipa::path(get, path = "/admin/lists/{id}/statistics", tag = "lists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id"), StatisticsParams),
    responses((status = 200, body = Vec<ListDay>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_statistics(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(params): Query<StatisticsParams>,
) -> Result<Json<Vec<ListDay>>, ApiError> {
    user.admin_scope(false)?;
    let days = admin(&state)
        .statistics(&user.actor(), &id, params.days.unwrap_or(30))
        .await?;
    Ok(Json(
        days.into_iter()
            .map(|d| ListDay {
                day: d.day.to_string(),
                posts: d.posts,
                joined: d.joined,
                left: d.left,
                bounces: d.bounces,
                members: d.members,
            })
            .collect(),
    ))
}
