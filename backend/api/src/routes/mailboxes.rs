//! `/mailboxes`, `/mailboxes/{id}/messages` and `/messages/{id}/flags`: the signed-in
//! user's mailboxes, their messages with the flags that IMAP and POP3 see, and flag
//! changes, which reach IMAP sessions through the store's change bus like any other.
//! Another account's mailbox or message answers 404.

use axum::extract::{Path, State};
use osprey_api_types::{Mailbox, MessageItem, Page, Problem, Scope, UpdateFlags};
use osprey_mail::listing::{self, ListingError, Sort};
use osprey_store::{FlagChange, FlagUpdate, MailboxCounts, MailboxRecord, MessageRecord, flags};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_mailboxes))
        .routes(routes!(list_messages))
        .routes(routes!(get_thread))
        .routes(routes!(update_flags))
}

/// The system flags by name (RFC 9051 §2.3.2), in the order they are listed.
const SYSTEM_FLAGS: [(&str, u64); 5] = [
    ("\\Seen", flags::SEEN),
    ("\\Answered", flags::ANSWERED),
    ("\\Flagged", flags::FLAGGED),
    ("\\Deleted", flags::DELETED),
    ("\\Draft", flags::DRAFT),
];
/// Flags per request, and the longest keyword.
const MAX_FLAGS: usize = 32;
const MAX_KEYWORD: usize = 64;

pub(crate) fn mailbox(m: MailboxRecord, counts: MailboxCounts, subscribed: bool) -> Mailbox {
    Mailbox {
        id: m.id,
        name: m.name,
        special_use: m.special_use,
        uidvalidity: m.uidvalidity,
        uidnext: m.uidnext,
        highest_modseq: m.highestmodseq,
        total: counts.total,
        unread: counts.unread,
        size: counts.bytes,
        subscribed,
    }
}

/// The mailboxes of `account_id` with their counts and subscriptions, by name.
pub(crate) async fn mailboxes_of(
    state: &AppState,
    account_id: &str,
) -> Result<Vec<Mailbox>, ApiError> {
    let store = state.store.mailboxes();
    let counts = store.counts(account_id).await?;
    let subscribed = state.store.mailboxes().subscriptions(account_id).await?;
    let mut list: Vec<Mailbox> = store
        .of_account(account_id)
        .await?
        .into_iter()
        .map(|m| {
            let c = counts.get(&m.id).copied().unwrap_or_default();
            let s = subscribed.contains(&m.name);
            mailbox(m, c, s)
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(list)
}

pub(crate) fn flag_names(bits: u64, keywords: Vec<String>) -> Vec<String> {
    SYSTEM_FLAGS
        .iter()
        .filter(|(_, bit)| bits & bit != 0)
        .map(|(name, _)| (*name).to_owned())
        .chain(keywords)
        .collect()
}

pub(crate) fn message(m: MessageRecord) -> MessageItem {
    MessageItem {
        flags: flag_names(m.flags, m.keywords),
        id: m.id,
        mailbox_id: m.mailbox_id,
        uid: m.uid,
        modseq: m.modseq,
        size: m.size,
        received_at: m.internal_date,
        from: m.summary.from_addr,
        to: m.summary.to_addrs,
        subject: m.summary.subject,
        sent_at: m.summary.sent_date,
        has_attachments: m.summary.has_attachments,
        preview: m
            .summary
            .preview
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty()),
        thread_id: m.thread_id,
        thread_count: None,
        thread_unread: None,
    }
}

/// The signed-in account's mailbox `id`; `NotFound` for anyone else's.
pub(crate) async fn own_mailbox(
    state: &AppState,
    user: &AuthUser,
    id: &str,
) -> Result<MailboxRecord, ApiError> {
    state
        .store
        .mailboxes()
        .of_account(&user.account.id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(ApiError::NotFound)
}

/// The mailboxes of the signed-in account, by name, with how many messages each holds,
/// how many are unread, their size, and whether it is subscribed.
#[utoipa::path(get, path = "/mailboxes", tag = "mail", security(("bearer" = [])),
    responses((status = 200, description = "The mailboxes", body = Vec<Mailbox>), (status = 403, description = "An API key without account:read", body = Problem)))]
pub async fn list_mailboxes(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<Mailbox>>, ApiError> {
    user.require(Scope::AccountRead)?;
    Ok(Json(mailboxes_of(&state, &user.account.id).await?))
}

/// Paging of a mailbox's messages.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// At most this many, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// Newest first (by arrival); oldest first when absent or false. Without `sort` only.
    pub newest_first: Option<bool>,
    /// Sorted on the server by `received`, `sent` (the Date field), `from`, `to`,
    /// `subject`, `size` or `flagged`; without it, in arrival (UID) order.
    pub sort: Option<String>,
    /// With `sort`: largest, latest or last first.
    pub descending: Option<bool>,
    /// One row per conversation: its newest message in this mailbox, with the
    /// conversation's `thread_count` and `thread_unread`; by arrival only (`sort` absent
    /// or `received`), latest first unless `descending=false`.
    pub threads: Option<bool>,
}

/// The messages of one of the signed-in account's mailboxes, a page at a time: in arrival
/// (UID) order, oldest first or, with `newest_first=true`, newest first; or with `sort`,
/// sorted on the server (text case-folded), ties in arrival order. A page's cursor stays
/// good while mail arrives and leaves: the next page starts after its last message.
#[utoipa::path(get, path = "/mailboxes/{id}/messages", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The mailbox"), MessageParams),
    responses((status = 200, description = "A page of messages", body = Page<MessageItem>), (status = 400, body = Problem), (status = 403, description = "An API key without account:read", body = Problem), (status = 404, description = "No such mailbox of the signed-in account", body = Problem)))]
pub async fn list_messages(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(params): Query<MessageParams>,
) -> Result<Json<Page<MessageItem>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let limit = super::page_limit(params.limit, 100)?;
    let bad = |e: ListingError| match e {
        ListingError::Store(e) => ApiError::from(e),
        other => ApiError::BadRequest {
            code: "bad_query",
            detail: other.to_string(),
        },
    };
    if params.threads == Some(true) {
        if !matches!(params.sort.as_deref(), None | Some("received" | "date")) {
            return Err(ApiError::BadRequest {
                code: "bad_query",
                detail: "conversations are listed by arrival only (sort=received)".into(),
            });
        }
        let mailbox = own_mailbox(&state, &user, &id).await?;
        let page = listing::by_conversation(
            &state.store,
            &mailbox.id,
            params.descending.unwrap_or(true),
            params.cursor.as_deref(),
            limit,
        )
        .await
        .map_err(bad)?;
        let items = page
            .threads
            .into_iter()
            .map(|t| MessageItem {
                thread_count: Some(t.count),
                thread_unread: Some(t.unread),
                ..message(t.newest)
            })
            .collect();
        return Ok(Json(Page {
            items,
            next_cursor: page.next_cursor,
        }));
    }
    if let Some(name) = params.sort.as_deref() {
        let sort = Sort::parse(name, params.descending.unwrap_or(false)).map_err(bad)?;
        let mailbox = own_mailbox(&state, &user, &id).await?;
        let page = listing::sorted(
            &state.store,
            &mailbox.id,
            sort,
            params.cursor.as_deref(),
            limit,
        )
        .await
        .map_err(bad)?;
        return Ok(Json(Page {
            items: page.messages.into_iter().map(message).collect(),
            next_cursor: page.next_cursor,
        }));
    }
    // The cursor is the last UID of the previous page.
    let cursor = match params.cursor.as_deref() {
        None => None,
        Some(c) => Some(c.parse::<u32>().map_err(|_| ApiError::BadRequest {
            code: "bad_cursor",
            detail: "cursor is not one this listing gave".into(),
        })?),
    };
    let mailbox = own_mailbox(&state, &user, &id).await?;
    let messages = state.store.messages();
    let fetch = u64::from(limit) + 1;
    let rows = if params.newest_first == Some(true) {
        messages
            .messages_before(&mailbox.id, cursor.unwrap_or(u32::MAX), fetch)
            .await?
    } else {
        messages
            .messages_after(&mailbox.id, cursor.unwrap_or(0), fetch)
            .await?
    };
    let mut items: Vec<MessageItem> = rows.into_iter().map(message).collect();
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|m| m.uid.to_string())
    } else {
        None
    };
    Ok(Json(Page { items, next_cursor }))
}

/// The messages of one of the signed-in account's conversations, oldest first, in every
/// mailbox but Trash and Junk (or, when it lives only there, in those).
#[utoipa::path(get, path = "/threads/{id}", tag = "mail", security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation (a message's `thread_id`)")),
    responses((status = 200, description = "The conversation's messages", body = Vec<MessageItem>), (status = 403, description = "An API key without account:read", body = Problem), (status = 404, description = "No such conversation of the signed-in account", body = Problem)))]
pub async fn get_thread(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<MessageItem>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let messages = listing::conversation(&state.store, &user.account.id, &id).await?;
    Ok(Json(messages.into_iter().map(message).collect()))
}

/// Checks and splits flag names into system flag bits and keywords.
fn parse_flags(field: &str, names: &[String]) -> Result<(u64, Vec<String>), ApiError> {
    let mut bits = 0;
    let mut keywords = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let at = format!("{field}[{i}]");
        if let Some(&(_, bit)) = SYSTEM_FLAGS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            bits |= bit;
        } else if name.starts_with('\\') {
            return Err(ApiError::field(
                at,
                "is not a system flag this server keeps",
            ));
        } else if name.is_empty()
            || name.len() > MAX_KEYWORD
            || !name
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b))
        {
            // RFC 9051 §9 flag-keyword: an atom.
            return Err(ApiError::field(at, "is not a valid keyword"));
        } else {
            keywords.push(name.clone());
        }
    }
    Ok((bits, keywords))
}

/// The flag names to `add` and `remove` checked, as the store's updates (none for a
/// side that names nothing).
pub(crate) fn flag_updates(add: &[String], remove: &[String]) -> Result<Vec<FlagUpdate>, ApiError> {
    if add.len() + remove.len() > MAX_FLAGS {
        return Err(ApiError::field(
            "add",
            format!("at most {MAX_FLAGS} flags in all"),
        ));
    }
    let (add_bits, add_keywords) = parse_flags("add", add)?;
    let (remove_bits, remove_keywords) = parse_flags("remove", remove)?;
    let both = add_bits & remove_bits != 0
        || add_keywords
            .iter()
            .any(|k| remove_keywords.iter().any(|r| r.eq_ignore_ascii_case(k)));
    if both {
        return Err(ApiError::field("remove", "names a flag that add names too"));
    }
    Ok([
        (FlagChange::Add, add_bits, add_keywords),
        (FlagChange::Remove, remove_bits, remove_keywords),
    ]
    .into_iter()
    .filter(|(_, bits, keywords)| *bits != 0 || !keywords.is_empty())
    .map(|(change, flags, keywords)| FlagUpdate {
        change,
        flags,
        keywords,
    })
    .collect())
}

/// Adds and removes flags of one of the signed-in account's messages; answers with the
/// message as it is now. IMAP sessions that have its mailbox selected are told.
#[utoipa::path(patch, path = "/messages/{id}/flags", tag = "mail", security(("bearer" = [])), request_body = UpdateFlags,
    params(("id" = String, Path, description = "The message")),
    responses((status = 200, description = "The message with its flags as they are now", body = MessageItem), (status = 403, description = "An API key without account:write", body = Problem), (status = 404, description = "No such message of the signed-in account", body = Problem), (status = 422, body = Problem)))]
pub async fn update_flags(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<UpdateFlags>,
) -> Result<Json<MessageItem>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let updates = flag_updates(&req.add, &req.remove)?;
    let mut found = state.store.messages().message(&id).await?;
    let mailbox = own_mailbox(&state, &user, &found.mailbox_id).await?;
    let ids = [found.id.clone()];
    for update in updates {
        // The message as it is now; none if it was expunged meanwhile.
        let now = state
            .store
            .messages()
            .update_flags(&mailbox.id, &ids, &update)
            .await?;
        let now = now.into_iter().next().ok_or(ApiError::NotFound)?;
        (found.flags, found.keywords, found.modseq) = (now.flags, now.keywords, now.modseq);
    }
    Ok(Json(message(found)))
}
