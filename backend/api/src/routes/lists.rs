//! `/admin/lists`: the list server's mailing lists and their members, for the
//! administrators of their domains. The rules are `osprey_lists::ListAdmin`'s.

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::IntoResponse,
};
use osprey_api_types as dto;
use osprey_api_types::{
    AddListMember, CreateMailingList, HeldPost, ImportListMembers, ImportProblem, ListMember,
    MailingList, MemberImportReport, ModerationAction, ModerationDecision, MyList, Page, Problem,
    Scope, UpdateListMember, UpdateMailingList, UpdateMyList,
};
use osprey_lists::{
    Decision, ListAdmin, ListServer, ListSettings, ListUpdate, NewListRequest, NewMemberRequest,
    ROLES,
};
use osprey_store::{ListMemberRecord, ListRecord};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ListParams, accounts::domain_filter, location};
use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_lists, create_list))
        .routes(routes!(get_list, update_list, delete_list))
        .routes(routes!(list_members, add_member))
        .routes(routes!(update_member))
        .routes(routes!(import_members))
        .routes(routes!(export_members))
        .routes(routes!(remove_member))
        .routes(routes!(list_held))
        .routes(routes!(moderate))
        .routes(routes!(my_lists))
        .routes(routes!(leave_list, update_my_list))
}

/// The list service for a request, telling members by mail.
pub(crate) fn admin(state: &AppState) -> ListAdmin {
    ListAdmin::new(state.store.clone())
        .with_mail(ListServer::new(&state.submission).with_web_url(state.settings.web_url.clone()))
}

/// Mailing lists of the domains the caller administers, by address (`sort=name`, the
/// local part first) or the newest first (`sort=newest`).
#[utoipa::path(get, path = "/admin/lists", tag = "lists", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Page<MailingList>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list_lists(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<ListParams>,
) -> Result<Json<Page<MailingList>>, ApiError> {
    let scope = user.admin_scope(false)?;
    let order = params.order()?;
    let mut query = params.to_query()?;
    query.domain_ids = domain_filter(&state, &scope, &params).await?;
    let page = admin(&state).list(&user.actor(), query, order).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(list).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Creates a mailing list with its companion addresses.
#[utoipa::path(post, path = "/admin/lists", tag = "lists", security(("bearer" = [])), request_body = CreateMailingList,
    responses((status = 201, body = MailingList), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_list(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<CreateMailingList>,
) -> Result<impl IntoResponse, ApiError> {
    user.admin_scope(true)?;
    let created = admin(&state)
        .create(
            &user.actor(),
            NewListRequest {
                address: req.address,
                name: req.name,
                description: req.description,
                settings: req.settings.map(settings_in),
            },
        )
        .await?;
    let id = created.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/admin/lists", &id),
        Json(list(created)),
    ))
}

/// One mailing list.
#[utoipa::path(get, path = "/admin/lists/{id}", tag = "lists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id")),
    responses((status = 200, body = MailingList), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_list(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<MailingList>, ApiError> {
    user.admin_scope(false)?;
    Ok(Json(list(admin(&state).get(&user.actor(), &id).await?)))
}

/// Changes a list's name, description or settings.
#[utoipa::path(patch, path = "/admin/lists/{id}", tag = "lists", security(("bearer" = [])), request_body = UpdateMailingList,
    params(("id" = String, Path, description = "The list's id")),
    responses((status = 200, body = MailingList), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_list(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<UpdateMailingList>,
) -> Result<Json<MailingList>, ApiError> {
    user.admin_scope(true)?;
    let changes = ListUpdate {
        name: req.name,
        description: req.description,
        settings: req.settings.map(settings_in),
    };
    Ok(Json(list(
        admin(&state).update(&user.actor(), &id, changes).await?,
    )))
}

/// Deletes a list with its members; its addresses become free.
#[utoipa::path(delete, path = "/admin/lists/{id}", tag = "lists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_list(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.admin_scope(true)?;
    admin(&state).delete(&user.actor(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Paging and search of a list's members.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberParams {
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Keep members whose address or name contains this text.
    pub q: Option<String>,
}

/// A list's members, by address (`q` matches the address or name).
#[utoipa::path(get, path = "/admin/lists/{id}/members", tag = "lists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id"), MemberParams),
    responses((status = 200, body = Page<ListMember>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_members(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(params): Query<MemberParams>,
) -> Result<Json<Page<ListMember>>, ApiError> {
    user.admin_scope(false)?;
    let query = ListParams {
        limit: params.limit,
        cursor: params.cursor,
        q: params.q,
        domain: None,
        sort: None,
    }
    .to_query()?;
    let page = admin(&state).members(&user.actor(), &id, query).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(member).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Adds a member (409 if the address is one already).
#[utoipa::path(post, path = "/admin/lists/{id}/members", tag = "lists", security(("bearer" = [])), request_body = AddListMember,
    params(("id" = String, Path, description = "The list's id")),
    responses((status = 201, body = ListMember), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_member(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<AddListMember>,
) -> Result<impl IntoResponse, ApiError> {
    user.admin_scope(true)?;
    let added = admin(&state)
        .add_member(
            &user.actor(),
            &id,
            NewMemberRequest {
                address: req.address,
                display_name: req.display_name,
                delivery_mode: Some(mode_in(req.delivery_mode).into()),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        location(&format!("/admin/lists/{id}/members"), &added.address),
        Json(member(added)),
    ))
}

/// Adds the members a CSV text lists, or with `dry_run` says what it would do; bad lines
/// are reported (and skipped), not refused.
#[utoipa::path(post, path = "/admin/lists/{id}/members/import", tag = "lists", security(("bearer" = [])), request_body = ImportListMembers,
    params(("id" = String, Path, description = "The list's id")),
    responses((status = 200, body = MemberImportReport), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn import_members(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<ImportListMembers>,
) -> Result<Json<MemberImportReport>, ApiError> {
    user.admin_scope(true)?;
    let report = admin(&state)
        .import_members(&user.actor(), &id, &req.csv, req.dry_run, req.notify)
        .await?;
    Ok(Json(MemberImportReport {
        dry_run: req.dry_run,
        added: report.added,
        already_members: report.already_members,
        problems: report
            .problems
            .into_iter()
            .map(|(line, message)| ImportProblem {
                line: line as u64,
                name: None,
                message,
            })
            .collect(),
    }))
}

/// The list's members as CSV: `address,name,mode,status,bounces,joined`.
#[utoipa::path(get, path = "/admin/lists/{id}/members/export", tag = "lists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id")),
    responses((status = 200, description = "The members", content_type = "text/csv", body = String),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn export_members(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    user.admin_scope(false)?;
    let csv = admin(&state).export_members(&user.actor(), &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"members.csv\"",
            ),
        ],
        csv,
    ))
}

/// Changes a member's delivery mode, or resumes a member paused for bounces.
#[utoipa::path(patch, path = "/admin/lists/{id}/members/{address}", tag = "lists", security(("bearer" = [])), request_body = UpdateListMember,
    params(("id" = String, Path, description = "The list's id"), ("address" = String, Path, description = "The member's address")),
    responses((status = 200, body = ListMember), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_member(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, address)): Path<(String, String)>,
    Json(req): Json<UpdateListMember>,
) -> Result<Json<ListMember>, ApiError> {
    user.admin_scope(true)?;
    let updated = admin(&state)
        .update_member(
            &user.actor(),
            &id,
            &address,
            req.delivery_mode.map(mode_in),
            req.resume,
        )
        .await?;
    Ok(Json(member(updated)))
}

/// Removes a member.
#[utoipa::path(delete, path = "/admin/lists/{id}/members/{address}", tag = "lists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id"), ("address" = String, Path, description = "The member's address")),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove_member(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, address)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    user.admin_scope(true)?;
    admin(&state)
        .remove_member(&user.actor(), &id, &address)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The posts waiting for a moderator, oldest first.
#[utoipa::path(get, path = "/admin/lists/{id}/held", tag = "lists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id")),
    responses((status = 200, body = Vec<HeldPost>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_held(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<HeldPost>>, ApiError> {
    user.admin_scope(false)?;
    let held = admin(&state).held(&user.actor(), &id).await?;
    Ok(Json(
        held.into_iter()
            .map(|h| HeldPost {
                id: h.id,
                sender: h.sender,
                subject: h.subject,
                size: h.size,
                received_at: h.received_at,
                expires_at: h.expires_at,
            })
            .collect(),
    ))
}

/// Approves (the members get it), rejects (the sender is told why) or discards a held
/// post; 404 if it was decided already or has expired.
#[utoipa::path(post, path = "/admin/lists/{id}/held/{post_id}", tag = "lists", security(("bearer" = [])), request_body = ModerationDecision,
    params(("id" = String, Path, description = "The list's id"), ("post_id" = String, Path, description = "The held post's id")),
    responses((status = 204, description = "Decided"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn moderate(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, post_id)): Path<(String, String)>,
    Json(req): Json<ModerationDecision>,
) -> Result<StatusCode, ApiError> {
    user.admin_scope(true)?;
    let decision = match req.action {
        ModerationAction::Approve => Decision::Approve,
        ModerationAction::ApproveAndAccept => Decision::ApproveAndAccept,
        ModerationAction::Reject => Decision::Reject(req.reason.unwrap_or_default()),
        ModerationAction::Discard => Decision::Discard,
    };
    admin(&state)
        .moderate(&user.actor(), &id, &post_id, decision)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The lists the signed-in account's address is a member of.
#[utoipa::path(get, path = "/me/lists", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = Vec<MyList>), (status = 401, body = Problem), (status = 403, description = "An API key without account:read", body = Problem)))]
pub async fn my_lists(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<MyList>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let address = user.account.address().to_string();
    let lists = admin(&state).memberships(&address).await?;
    Ok(Json(
        lists.into_iter().map(|(l, m)| my_list(l, m)).collect(),
    ))
}

/// The signed-in account leaves a list (404 if it is no member).
#[utoipa::path(delete, path = "/me/lists/{id}", tag = "me", security(("bearer" = [])),
    params(("id" = String, Path, description = "The list's id")),
    responses((status = 204, description = "Left"), (status = 401, body = Problem), (status = 403, description = "An API key without account:write", body = Problem), (status = 404, body = Problem)))]
pub async fn leave_list(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    let address = user.account.address().to_string();
    admin(&state).leave(&address, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How the signed-in account gets a list's mail (404 if it is no member).
#[utoipa::path(patch, path = "/me/lists/{id}", tag = "me", security(("bearer" = [])), request_body = UpdateMyList,
    params(("id" = String, Path, description = "The list's id")),
    responses((status = 200, body = MyList), (status = 401, body = Problem), (status = 403, description = "An API key without account:write", body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_my_list(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<UpdateMyList>,
) -> Result<Json<MyList>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let address = user.account.address().to_string();
    let (list, member) = admin(&state)
        .set_own_mode(&address, &id, mode_in(req.delivery_mode))
        .await?;
    Ok(Json(my_list(list, member)))
}

fn my_list(l: ListRecord, m: ListMemberRecord) -> MyList {
    let m = member(m);
    let settings = settings_out(ListSettings::read(&l.settings));
    MyList {
        archive: settings.archive,
        digest: settings.digest,
        address: l.address(),
        id: l.id,
        name: l.name,
        description: l.description,
        delivery_mode: m.delivery_mode,
        joined_at: m.joined_at,
    }
}

/// A mailing list as the API shows it.
pub fn list(r: ListRecord) -> MailingList {
    let settings = ListSettings::read(&r.settings);
    MailingList {
        address: r.address(),
        companions: ROLES
            .iter()
            .filter(|(suffix, _)| !suffix.is_empty())
            .map(|(suffix, _)| format!("{}{suffix}@{}", r.local_part, r.domain))
            .collect(),
        id: r.id,
        domain_id: r.domain_id,
        domain: r.domain,
        name: r.name,
        description: r.description,
        settings: settings_out(settings),
        member_count: r.member_count,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// A list member as the API shows it.
pub fn member(r: ListMemberRecord) -> ListMember {
    ListMember {
        address: r.address,
        display_name: r.display_name,
        delivery_mode: match r.delivery_mode.as_str() {
            "nomail" => dto::DeliveryMode::Nomail,
            "digest" => dto::DeliveryMode::Digest,
            "digest_plain" => dto::DeliveryMode::DigestPlain,
            _ => dto::DeliveryMode::Each,
        },
        status: r.status,
        bounce_score: r.bounce_score,
        joined_at: r.joined_at,
    }
}

fn mode_in(m: dto::DeliveryMode) -> &'static str {
    match m {
        dto::DeliveryMode::Each => "each",
        dto::DeliveryMode::Digest => "digest",
        dto::DeliveryMode::DigestPlain => "digest_plain",
        dto::DeliveryMode::Nomail => "nomail",
    }
}

fn settings_in(s: dto::MailingListSettings) -> ListSettings {
    use osprey_lists::{
        ArchivePolicy as A, FromRewrite as F, PostingPolicy as P, ReplyTo as R,
        SubscriptionPolicy as S,
    };
    ListSettings {
        posting: match s.posting {
            dto::PostingPolicy::Anyone => P::Anyone,
            dto::PostingPolicy::Members => P::Members,
            dto::PostingPolicy::Announce => P::Announce,
            dto::PostingPolicy::Moderated => P::Moderated,
        },
        subscription: match s.subscription {
            dto::SubscriptionPolicy::Confirm => S::Confirm,
            dto::SubscriptionPolicy::Approval => S::Approval,
            dto::SubscriptionPolicy::Closed => S::Closed,
        },
        reply_to: match s.reply_to {
            dto::ReplyPolicy::Sender => R::Sender,
            dto::ReplyPolicy::List => R::List,
        },
        subject_prefix: s.subject_prefix,
        footer: s.footer,
        max_message_size: s.max_message_size,
        allowed_attachment_types: s.allowed_attachment_types,
        owners: s.owners,
        moderators: s.moderators,
        accept_from: s.accept_from,
        roster_visible_to_members: s.roster_visible_to_members,
        bounce_threshold: s.bounce_threshold,
        bounce_period_days: s.bounce_period_days,
        from_rewrite: match s.from_rewrite {
            dto::FromRewrite::Dmarc => F::Dmarc,
            dto::FromRewrite::Always => F::Always,
            dto::FromRewrite::Never => F::Never,
        },
        archive: match s.archive {
            dto::ArchivePolicy::Members => A::Members,
            dto::ArchivePolicy::Public => A::Public,
            dto::ArchivePolicy::Off => A::Off,
        },
        verp: s.verp,
        digest: s.digest,
        digest_max_posts: s.digest_max_posts,
        digest_max_bytes: s.digest_max_bytes,
    }
}

fn settings_out(s: ListSettings) -> dto::MailingListSettings {
    use osprey_lists::{
        ArchivePolicy as A, FromRewrite as F, PostingPolicy as P, ReplyTo as R,
        SubscriptionPolicy as S,
    };
    dto::MailingListSettings {
        posting: match s.posting {
            P::Anyone => dto::PostingPolicy::Anyone,
            P::Members => dto::PostingPolicy::Members,
            P::Announce => dto::PostingPolicy::Announce,
            P::Moderated => dto::PostingPolicy::Moderated,
        },
        subscription: match s.subscription {
            S::Confirm => dto::SubscriptionPolicy::Confirm,
            S::Approval => dto::SubscriptionPolicy::Approval,
            S::Closed => dto::SubscriptionPolicy::Closed,
        },
        reply_to: match s.reply_to {
            R::Sender => dto::ReplyPolicy::Sender,
            R::List => dto::ReplyPolicy::List,
        },
        subject_prefix: s.subject_prefix,
        footer: s.footer,
        max_message_size: s.max_message_size,
        allowed_attachment_types: s.allowed_attachment_types,
        owners: s.owners,
        moderators: s.moderators,
        accept_from: s.accept_from,
        roster_visible_to_members: s.roster_visible_to_members,
        bounce_threshold: s.bounce_threshold,
        bounce_period_days: s.bounce_period_days,
        from_rewrite: match s.from_rewrite {
            F::Dmarc => dto::FromRewrite::Dmarc,
            F::Always => dto::FromRewrite::Always,
            F::Never => dto::FromRewrite::Never,
        },
        archive: match s.archive {
            A::Members => dto::ArchivePolicy::Members,
            A::Public => dto::ArchivePolicy::Public,
            A::Off => dto::ArchivePolicy::Off,
        },
        verp: s.verp,
        digest: s.digest,
        digest_max_posts: s.digest_max_posts,
        digest_max_bytes: s.digest_max_bytes,
    }
}
