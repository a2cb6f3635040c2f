//! `/admin/accounts/import` and `/admin/accounts/export`: accounts in bulk as CSV, for
//! the domains the administrator manages. The rules are the directory's.

use axum::{extract::State, http::header, response::IntoResponse};
use osprey_api_types::{AccountImportLine, AccountImportReport, ImportAccounts, Problem};
use osprey_directory::account_import::{self, ImportOptions, LineOutcome};
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
        .routes(routes!(import_accounts))
        .routes(routes!(export_accounts))
}

/// The report as the API shows it.
pub fn report_view(report: account_import::AccountImportReport) -> AccountImportReport {
    AccountImportReport {
        dry_run: report.dry_run,
        added: report.added() as u64,
        problems: report.problems() as u64,
        lines: report
            .lines
            .into_iter()
            .map(|l| {
                let (added, problem, generated_password) = match l.outcome {
                    LineOutcome::Added { generated_password } => {
                        (true, None, generated_password.filter(|_| !report.dry_run))
                    }
                    LineOutcome::Problem(why) => (false, Some(why), None),
                };
                AccountImportLine {
                    line: l.line as u64,
                    address: l.address,
                    added,
                    problem,
                    generated_password,
                }
            })
            .collect(),
    }
}

/// Creates user accounts from CSV (`address[,display name[,password[,quota in MiB]]]`,
/// or columns named by a first line), each by the rules of one new account. `dry_run` checks every line and creates
/// nothing; a real run with a bad line creates nothing (422, one error per bad line)
/// unless `skip_invalid`, which creates the good lines' accounts. Passwords the server
/// draws for lines without one are in the answer, once.
#[utoipa::path(post, path = "/admin/accounts/import", tag = "admin", security(("bearer" = [])), request_body = ImportAccounts,
    responses((status = 200, body = AccountImportReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn import_accounts(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<ImportAccounts>,
) -> Result<Json<AccountImportReport>, ApiError> {
    user.admin_scope(!req.dry_run)?;
    let report = state
        .directory
        .import_accounts(
            &user.actor(),
            &req.csv,
            ImportOptions {
                dry_run: req.dry_run,
                skip_invalid: req.skip_invalid,
            },
            &|_, _| {},
        )
        .await?;
    Ok(Json(report_view(report)))
}

/// Which accounts to export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Only this domain's accounts.
    pub domain: Option<String>,
}

/// The accounts the caller manages as CSV:
/// `address,name,role,quota_mib,used_bytes,enabled,pop3_mode,created`.
#[utoipa::path(get, path = "/admin/accounts/export", tag = "admin", security(("bearer" = [])), params(ExportParams),
    responses((status = 200, description = "The accounts", content_type = "text/csv", body = String),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn export_accounts(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<ExportParams>,
) -> Result<impl IntoResponse, ApiError> {
    user.admin_scope(false)?;
    let csv = state
        .directory
        .export_accounts(&user.actor(), params.domain.as_deref(), &|_| {})
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"accounts.csv\"",
            ),
        ],
        csv,
    ))
}
