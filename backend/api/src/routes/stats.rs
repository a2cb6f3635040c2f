//! `/admin/stats`: the dashboard's figures (server administrators only).

use axum::extract::State;
use chrono::Utc;
use osprey_api_types::{Problem, ServerStats, StatsRange};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::AuthUser,
    convert,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_server_stats))
}

/// Which figures to read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// `24h` (a point per hour, the default) or `30d` (a point per day).
    #[param(pattern = "^(24h|30d)$")]
    pub range: Option<String>,
}

/// The dashboard: messages received, submitted, sent, bounced and refused, sign-ins and
/// failed ones per hour for the last 24 hours or per day for 30 days; the queue's size
/// and the open sessions (the highest of each span, and now); storage per domain, the
/// largest mailboxes, the top senders and refused addresses. The figures are what the
/// servers recorded into the store, each at its `activity.interval_secs`.
#[utoipa::path(get, path = "/admin/stats", tag = "admin", security(("bearer" = [])),
    params(StatsParams),
    responses((status = 200, body = ServerStats), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn get_server_stats(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<StatsParams>,
) -> Result<Json<ServerStats>, ApiError> {
    user.server_admin(false)?;
    let range = match params.range.as_deref() {
        None | Some("24h") => StatsRange::Day,
        Some("30d") => StatsRange::Month,
        Some(_) => {
            return Err(ApiError::BadRequest {
                code: "bad_query",
                detail: "range must be 24h or 30d".into(),
            });
        }
    };
    let report = state
        .directory
        .activity(
            &user.actor(),
            convert::stats_range(range),
            Utc::now(),
            state.settings.activity_interval,
        )
        .await?;
    Ok(Json(convert::server_stats(report)))
}
