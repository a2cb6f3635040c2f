//! "Run now": `/rules/runs` starts the signed-in account's rules over one of its
//! mailboxes as a background job, `/rules/runs/{id}` tells how far it got. The job is
//! `osprey_mail::DeliveryRules`'.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use osprey_api_types::{Problem, RuleRun, RuleRunRequest, RuleRunState, Scope};
use osprey_mail::rules::{self, RunState};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, error::ApiError, extract::Json, routes::location, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_run))
        .routes(routes!(get_run))
}

fn run(r: rules::RuleRun) -> RuleRun {
    let (state, error) = match r.state {
        RunState::Running => (RuleRunState::Running, None),
        RunState::Finished => (RuleRunState::Finished, None),
        RunState::Failed(e) => (RuleRunState::Failed, Some(e)),
    };
    let n = |v: usize| v as u64;
    RuleRun {
        id: r.id,
        mailbox_id: r.mailbox_id,
        rule_index: r.rule.map(|i| i as u32),
        state,
        error,
        total: n(r.total),
        processed: n(r.processed),
        matched: n(r.matched),
        moved: n(r.moved),
        copied: n(r.copied),
        flagged: n(r.flagged),
        trashed: n(r.trashed),
        skipped_actions: n(r.skipped_actions),
        started_at: r.started_at,
        finished_at: r.finished_at,
    }
}

/// Runs the signed-in account's rules (all, or the one at `rule_index`) over the mail
/// already in one of its mailboxes, in the background: files, copies, flags and moves
/// what they discard to Trash. Poll the run's address for its progress.
#[utoipa::path(post, path = "/rules/runs", tag = "rules", security(("bearer" = [])), request_body = RuleRunRequest,
    responses((status = 202, body = RuleRun, headers(("Location" = String, description = "The run's address"))),
        (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such mailbox of the signed-in account", body = Problem),
        (status = 409, description = "A run of this account is still going", body = Problem),
        (status = 422, body = Problem)))]
pub async fn start_run(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<RuleRunRequest>,
) -> Result<
    (
        StatusCode,
        [(axum::http::HeaderName, String); 1],
        Json<RuleRun>,
    ),
    ApiError,
> {
    user.require(Scope::AccountWrite)?;
    let mailbox = super::mailboxes::own_mailbox(&state, &user, &req.mailbox_id).await?;
    let started = super::rules::rules_of(&state)?
        .start_run(
            state.submission.delivery().clone(),
            &user.account.id,
            &mailbox.id,
            req.rule_index.map(|i| i as usize),
        )
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        location("/rules/runs", &started.id),
        Json(run(started)),
    ))
}

/// A run of the signed-in account's rules over a mailbox, with its progress.
#[utoipa::path(get, path = "/rules/runs/{id}", tag = "rules", security(("bearer" = [])),
    params(("id" = String, Path, description = "The run's id")),
    responses((status = 200, body = RuleRun), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such run of the signed-in account (runs are forgotten at a restart)", body = Problem)))]
pub async fn get_run(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<RuleRun>, ApiError> {
    user.require(Scope::AccountRead)?;
    let r = super::rules::rules_of(&state)?.run_status(&user.account.id, &id)?;
    Ok(Json(run(r)))
}
