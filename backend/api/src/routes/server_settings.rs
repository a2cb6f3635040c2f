//! `/admin/settings`: the server settings administrators change while it runs, and the
//! ones the configuration file keeps (server administrators only).

use axum::extract::State;
use osprey_api_types::{
    Problem, RestartSetting, ServerSetting, ServerSettings, SettingKind, UpdateServerSettings,
};
use osprey_directory::{SettingValue, server_settings::SettingKind as Kind};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_server_settings, update_server_settings))
}

fn setting(v: SettingValue) -> ServerSetting {
    let info = v.info;
    let (kind, min, max, choices) = match info.kind {
        Kind::Integer { min, max } => (SettingKind::Integer, Some(min), Some(max), vec![]),
        Kind::Boolean => (SettingKind::Boolean, None, None, vec![]),
        Kind::Choice(names) => (
            SettingKind::Choice,
            None,
            None,
            names.iter().map(|n| (*n).to_owned()).collect(),
        ),
        Kind::IntegerList { min, max, .. } => {
            (SettingKind::IntegerList, Some(min), Some(max), vec![])
        }
    };
    ServerSetting {
        name: info.name.to_owned(),
        group: info.group.to_owned(),
        label: info.label.to_owned(),
        description: info.description.to_owned(),
        kind,
        unit: info.unit.map(str::to_owned),
        min,
        max,
        choices,
        value: v.value,
        default: v.default,
        overridden: v.overridden,
    }
}

/// The settings as the API shows them.
pub fn settings_view(
    values: Vec<SettingValue>,
    restart_required: Vec<RestartSetting>,
) -> ServerSettings {
    ServerSettings {
        settings: values.into_iter().map(setting).collect(),
        restart_required,
    }
}

fn view(state: &AppState, values: Vec<SettingValue>) -> ServerSettings {
    settings_view(values, state.settings.restart_required.clone())
}

/// The server settings: those in force (with the configuration file's value and
/// whether an administrator changed it) and those that need a restart.
#[utoipa::path(get, path = "/admin/settings", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = ServerSettings), (status = 403, body = Problem)))]
pub async fn get_server_settings(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<ServerSettings>, ApiError> {
    user.server_admin(false)?;
    let values = state.directory.server_settings(&user.actor()).await?;
    Ok(Json(view(&state, values)))
}

/// Changes server settings: `{"max_recipients": 50, "dmarc_enforce": null}` sets the
/// first and returns the second to the configuration file's value. Effective at once
/// for new connections and deliveries; a bad name or value refuses the whole change
/// (422 naming each).
#[utoipa::path(patch, path = "/admin/settings", tag = "admin", security(("bearer" = [])), request_body = UpdateServerSettings,
    responses((status = 200, body = ServerSettings), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn update_server_settings(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<UpdateServerSettings>,
) -> Result<Json<ServerSettings>, ApiError> {
    user.server_admin(true)?;
    let changes = req.0.into_iter().collect();
    let values = state
        .directory
        .update_server_settings(&user.actor(), &changes)
        .await?;
    Ok(Json(view(&state, values)))
}
