//! Delivery rules: `/rules` (the signed-in account's own, as one ordered list with a
//! revision; as a Sieve script; the vacation shortcut; a dry run against one of its
//! messages) and `/admin/domains/{id}/rules` (a domain's, run before its accounts',
//! for the domain's administrators). The rule model's schemas are `osprey-rules`'s own;
//! every rule of who may do what and what is valid is `osprey_mail::DeliveryRules`'.

use axum::extract::{Path, State};
use osprey_api_types::{
    PlannedAnswer, PlannedDelivery, Problem, RuleTestLine, RuleTestRequest, RuleTestResult,
    RulesDocument, RulesUpdate, Scope, SieveScript, VacationDocument, VacationUpdate,
};
use osprey_mail::{
    DeliveryRules,
    rules::{RecipientPlan, StoredRules, VacationSetting},
};
use osprey_rules::RuleResult;
use osprey_store::RuleOwner;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::Json,
    rule_wire::{to_model, to_wire, vacation_to_model, vacation_to_wire},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_rules, put_rules))
        .routes(routes!(get_sieve, put_sieve))
        .routes(routes!(get_vacation, put_vacation))
        .routes(routes!(test_rules))
        .routes(routes!(get_domain_rules, put_domain_rules))
}

pub(crate) fn rules_of(state: &AppState) -> Result<&DeliveryRules, ApiError> {
    state
        .submission
        .rules()
        .ok_or_else(|| ApiError::Unavailable("delivery rules are not configured".into()))
}

fn document(s: StoredRules) -> Result<RulesDocument, ApiError> {
    Ok(RulesDocument {
        revision: s.revision,
        updated_at: s.updated_at,
        rules: to_wire(&s.rules)?,
    })
}

/// Reads the rules of `owner` as `user`.
async fn load(
    state: &AppState,
    user: &AuthUser,
    owner: &RuleOwner,
) -> Result<StoredRules, ApiError> {
    let rules = rules_of(state)?;
    rules.authorize(&user.actor(), owner).await?;
    Ok(rules.load(owner).await?)
}

/// Replaces the rules of `owner` as `user`.
async fn save(
    state: &AppState,
    user: &AuthUser,
    owner: &RuleOwner,
    req: RulesUpdate,
) -> Result<StoredRules, ApiError> {
    let rules = rules_of(state)?;
    rules.authorize(&user.actor(), owner).await?;
    let model = to_model(req.rules)?;
    Ok(rules.save(owner, &model, req.revision).await?)
}

fn mine(user: &AuthUser) -> RuleOwner {
    RuleOwner::Account(user.account.id.clone())
}

/// The signed-in account's delivery rules, in the order they run.
#[utoipa::path(get, path = "/rules", tag = "rules", security(("bearer" = [])),
    responses((status = 200, body = RulesDocument), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_rules(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<RulesDocument>, ApiError> {
    user.require(Scope::AccountRead)?;
    Ok(Json(document(load(&state, &user, &mine(&user)).await?)?))
}

/// Replaces the signed-in account's delivery rules (to add, change, remove or reorder
/// rules, send the whole list). Each invalid value is named by its path, e.g.
/// `rules[2].actions[0].mailbox`.
#[utoipa::path(put, path = "/rules", tag = "rules", security(("bearer" = [])), request_body = RulesUpdate,
    responses((status = 200, body = RulesDocument), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, description = "The rules changed since `revision`", body = Problem), (status = 422, body = Problem)))]
pub async fn put_rules(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<RulesUpdate>,
) -> Result<Json<RulesDocument>, ApiError> {
    user.require(Scope::AccountWrite)?;
    Ok(Json(document(
        save(&state, &user, &mine(&user), req).await?,
    )?))
}

/// The signed-in account's delivery rules as a Sieve script.
#[utoipa::path(get, path = "/rules/sieve", tag = "rules", security(("bearer" = [])),
    responses((status = 200, body = SieveScript), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_sieve(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<SieveScript>, ApiError> {
    user.require(Scope::AccountRead)?;
    let (script, revision) = rules_of(&state)?.export_sieve(&mine(&user)).await?;
    Ok(Json(SieveScript {
        script,
        revision: Some(revision),
    }))
}

/// Replaces the signed-in account's delivery rules with a Sieve script of the supported
/// subset; a 422 names the line and column of anything else.
#[utoipa::path(put, path = "/rules/sieve", tag = "rules", security(("bearer" = [])), request_body = SieveScript,
    responses((status = 200, body = RulesDocument), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_sieve(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<SieveScript>,
) -> Result<Json<RulesDocument>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let stored = rules_of(&state)?
        .import_sieve(&mine(&user), &req.script, req.revision)
        .await?;
    Ok(Json(document(stored)?))
}

/// The signed-in account's out-of-office answer.
#[utoipa::path(get, path = "/rules/vacation", tag = "rules", security(("bearer" = [])),
    responses((status = 200, body = VacationDocument), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get_vacation(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<VacationDocument>, ApiError> {
    user.require(Scope::AccountRead)?;
    let (setting, revision) = rules_of(&state)?.vacation(&mine(&user)).await?;
    Ok(Json(VacationDocument {
        enabled: setting.as_ref().is_some_and(|s| s.enabled),
        vacation: setting.map(|s| vacation_to_wire(s.vacation)),
        revision,
    }))
}

/// Sets the signed-in account's out-of-office answer, on or off. It answers each sender
/// at most once per `days`, never mailing lists, bounces or automatic mail.
#[utoipa::path(put, path = "/rules/vacation", tag = "rules", security(("bearer" = [])), request_body = VacationUpdate,
    responses((status = 200, body = VacationDocument), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_vacation(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<VacationUpdate>,
) -> Result<Json<VacationDocument>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let setting = VacationSetting {
        enabled: req.enabled,
        vacation: vacation_to_model(req.vacation),
    };
    let stored = rules_of(&state)?
        .set_vacation(&mine(&user), setting.clone(), req.revision)
        .await?;
    Ok(Json(VacationDocument {
        enabled: setting.enabled,
        vacation: Some(vacation_to_wire(setting.vacation)),
        revision: stored.revision,
    }))
}

/// What the rules (the domain's, then the account's) would do with one of the
/// signed-in account's messages if it arrived now. Nothing is stored or sent.
#[utoipa::path(post, path = "/rules/test", tag = "rules", security(("bearer" = [])), request_body = RuleTestRequest,
    responses((status = 200, body = RuleTestResult), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, description = "No such message of the signed-in account", body = Problem), (status = 422, body = Problem)))]
pub async fn test_rules(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<RuleTestRequest>,
) -> Result<Json<RuleTestResult>, ApiError> {
    user.require(Scope::AccountRead)?;
    let message = state.store.messages().message(&req.message_id).await?;
    super::mailboxes::own_mailbox(&state, &user, &message.mailbox_id).await?;
    let raw = state
        .submission
        .delivery()
        .blobs()
        .get(&message.blob_hash)
        .await?;
    let plan = rules_of(&state)?.dry_run(&user.account.id, &raw).await?;
    Ok(Json(test_result(plan)))
}

fn test_result(plan: RecipientPlan) -> RuleTestResult {
    let rules = plan
        .trace
        .iter()
        .map(|t| {
            let (result, reason) = match &t.result {
                RuleResult::Matched => ("matched", None),
                RuleResult::NotMatched => ("not_matched", None),
                RuleResult::Disabled => ("disabled", None),
                RuleResult::Skipped { reason } => ("skipped", Some(reason.clone())),
            };
            RuleTestLine {
                owner: match plan.layers.get(t.layer) {
                    Some(RuleOwner::Domain(_)) => "domain",
                    _ => "account",
                }
                .into(),
                index: t.index,
                name: t.name.clone(),
                result: result.into(),
                reason,
                notes: t.notes.clone(),
            }
        })
        .collect();
    RuleTestResult {
        rules,
        deliveries: plan
            .placements
            .iter()
            .map(|p| PlannedDelivery {
                mailbox: p.mailbox.clone(),
                flags: super::mailboxes::flag_names(p.flags, p.keywords.clone()),
            })
            .collect(),
        forwards: plan.forwards.iter().map(|f| f.to.clone()).collect(),
        rejection: plan.rejection.map(|r| r.text),
        answers: plan
            .replies
            .iter()
            .map(|r| PlannedAnswer {
                to: r.to.clone(),
                subject: r.subject.clone(),
            })
            .collect(),
    }
}

/// A domain's delivery rules, run before those of each of its accounts (the domain's
/// administrators).
#[utoipa::path(get, path = "/admin/domains/{id}/rules", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The domain's id")),
    responses((status = 200, body = RulesDocument), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_domain_rules(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<RulesDocument>, ApiError> {
    user.admin_scope(false)?;
    Ok(Json(document(
        load(&state, &user, &RuleOwner::Domain(id)).await?,
    )?))
}

/// Replaces a domain's delivery rules (the domain's administrators).
#[utoipa::path(put, path = "/admin/domains/{id}/rules", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The domain's id")), request_body = RulesUpdate,
    responses((status = 200, body = RulesDocument), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_domain_rules(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<RulesUpdate>,
) -> Result<Json<RulesDocument>, ApiError> {
    user.admin_scope(true)?;
    Ok(Json(document(
        save(&state, &user, &RuleOwner::Domain(id), req).await?,
    )?))
}
