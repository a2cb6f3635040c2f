//! Banner ads. `/admin/ads`: campaigns (server administrators for every domain's pages,
//! domain administrators for their domains'), their images, daily counts and the
//! accounts that see none. `/ads`: the ad a page shows (signed in, or the login page of
//! the host it is reached at), a campaign's image, and a click that the server counts
//! before it sends the browser to the campaign's own stored link — never elsewhere.

use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, State, multipart::MultipartRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use osprey_api_types::{
    AdCampaign, AdCampaignInput, AdDay, AdExemption, AdExemptionInput, AdSlot, Problem, ShownAd,
    UploadForm,
};
use osprey_directory::ads::{AdCampaignRequest, ChosenAd};
use osprey_directory::branding::host_name;
use osprey_store::AdCampaignRecord;
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
        .routes(routes!(list_ad_campaigns, create_ad_campaign))
        .routes(routes!(
            get_ad_campaign,
            update_ad_campaign,
            delete_ad_campaign
        ))
        .routes(routes!(put_ad_image, delete_ad_image))
        .layer(DefaultBodyLimit::max(crate::extract::MAX_IMAGE_UPLOAD_BODY))
        .routes(routes!(list_ad_days))
        .routes(routes!(list_ad_exemptions, add_ad_exemption))
        .routes(routes!(remove_ad_exemption))
        .routes(routes!(get_ad_slot))
        .routes(routes!(get_login_ad))
        .routes(routes!(get_ad_image))
        .routes(routes!(click_ad))
}

async fn campaign(state: &AppState, c: AdCampaignRecord) -> AdCampaign {
    let domain = match &c.row.domain_id {
        Some(id) => state.store.domains().domain(id).await.ok().map(|d| d.name),
        None => None,
    };
    to_api(c, domain)
}

/// A campaign as the API shows it, with its domain's name.
pub fn to_api(c: AdCampaignRecord, domain: Option<String>) -> AdCampaign {
    AdCampaign {
        image_url: c
            .image_type
            .as_ref()
            .map(|_| format!("/api/v1/ads/{}/image", c.id)),
        id: c.id,
        domain,
        name: c.row.name,
        text: c.row.text,
        link_url: c.row.link_url,
        targets: c.row.targets,
        weight: c.row.weight,
        starts_at: c.row.starts_at,
        ends_at: c.row.ends_at,
        enabled: c.row.enabled,
        impressions: c.impressions,
        clicks: c.clicks,
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}

fn request(i: AdCampaignInput) -> AdCampaignRequest {
    AdCampaignRequest {
        domain: i.domain,
        name: i.name,
        text: i.text,
        link_url: i.link_url,
        targets: i.targets,
        weight: i.weight,
        starts_at: i.starts_at,
        ends_at: i.ends_at,
        enabled: i.enabled.unwrap_or(true),
    }
}

fn shown(ad: Option<ChosenAd>) -> AdSlot {
    AdSlot {
        ad: ad.map(|a| ShownAd {
            image_url: a.has_image.then(|| format!("/api/v1/ads/{}/image", a.id)),
            click_url: format!("/api/v1/ads/{}/click", a.id),
            id: a.id,
            text: a.text,
        }),
    }
}

/// The campaigns the caller may see (a domain administrator: its domains'), newest
/// first, with what each showed and was clicked in all.
#[utoipa::path(get, path = "/admin/ads", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<AdCampaign>), (status = 403, body = Problem)))]
pub async fn list_ad_campaigns(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<AdCampaign>>, ApiError> {
    user.admin_scope(false)?;
    let mut out = Vec::new();
    for c in state.directory.ad_campaigns(&user.actor()).await? {
        out.push(campaign(&state, c).await);
    }
    Ok(Json(out))
}

/// Starts a campaign: plain text, a link, the pages it shows on, optional dates and
/// weight; for one domain's pages, or (server administrators) every domain's.
#[utoipa::path(post, path = "/admin/ads", tag = "admin", security(("bearer" = [])), request_body = AdCampaignInput,
    responses((status = 201, body = AdCampaign), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_ad_campaign(
    State(state): State<AppState>,
    user: AuthUser,
    Json(input): Json<AdCampaignInput>,
) -> Result<(StatusCode, Json<AdCampaign>), ApiError> {
    user.admin_scope(true)?;
    let created = state
        .directory
        .create_ad_campaign(&user.actor(), request(input))
        .await?;
    Ok((StatusCode::CREATED, Json(campaign(&state, created).await)))
}

/// One campaign.
#[utoipa::path(get, path = "/admin/ads/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The campaign")),
    responses((status = 200, body = AdCampaign), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_ad_campaign(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<AdCampaign>, ApiError> {
    user.admin_scope(false)?;
    let c = state.directory.ad_campaign(&user.actor(), &id).await?;
    Ok(Json(campaign(&state, c).await))
}

/// Replaces a campaign's fields (its image and counts stay).
#[utoipa::path(put, path = "/admin/ads/{id}", tag = "admin", security(("bearer" = [])), request_body = AdCampaignInput,
    params(("id" = String, Path, description = "The campaign")),
    responses((status = 200, body = AdCampaign), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_ad_campaign(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(input): Json<AdCampaignInput>,
) -> Result<Json<AdCampaign>, ApiError> {
    user.admin_scope(true)?;
    let c = state
        .directory
        .update_ad_campaign(&user.actor(), &id, request(input))
        .await?;
    Ok(Json(campaign(&state, c).await))
}

/// Ends a campaign, its counts with it.
#[utoipa::path(delete, path = "/admin/ads/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The campaign")),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_ad_campaign(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.admin_scope(true)?;
    state
        .directory
        .delete_ad_campaign(&user.actor(), &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a campaign's image: a `multipart/form-data` body with one file field `file`
/// (PNG, JPEG, GIF or WebP, at most 256 KiB).
#[utoipa::path(put, path = "/admin/ads/{id}/image", tag = "admin", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    params(("id" = String, Path, description = "The campaign")),
    responses((status = 200, body = AdCampaign), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn put_ad_image(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Json<AdCampaign>, ApiError> {
    user.admin_scope(true)?;
    let image = crate::extract::one_file(form).await?;
    let c = state
        .directory
        .set_ad_image(&user.actor(), &id, Some(image))
        .await?;
    Ok(Json(campaign(&state, c).await))
}

/// Removes a campaign's image (it shows as text).
#[utoipa::path(delete, path = "/admin/ads/{id}/image", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The campaign")),
    responses((status = 200, body = AdCampaign), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_ad_image(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<AdCampaign>, ApiError> {
    user.admin_scope(true)?;
    let c = state
        .directory
        .set_ad_image(&user.actor(), &id, None)
        .await?;
    Ok(Json(campaign(&state, c).await))
}

/// How many days of a campaign's counts to read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdDaysParams {
    /// 1 to 366 (default 30).
    #[param(minimum = 1, maximum = 366)]
    pub days: Option<u32>,
}

/// What a campaign showed and was clicked on each of the last days (days without any
/// are left out), oldest first.
#[utoipa::path(get, path = "/admin/ads/{id}/days", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "The campaign"), AdDaysParams),
    responses((status = 200, body = Vec<AdDay>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_ad_days(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Query(params): Query<AdDaysParams>,
) -> Result<Json<Vec<AdDay>>, ApiError> {
    user.admin_scope(false)?;
    let days = state
        .directory
        .ad_campaign_days(&user.actor(), &id, params.days.unwrap_or(30))
        .await?;
    Ok(Json(
        days.into_iter()
            .map(|d| AdDay {
                day: d.day,
                impressions: d.impressions,
                clicks: d.clicks,
            })
            .collect(),
    ))
}

/// The accounts the caller manages that see no ads (paying customers, say), by address.
#[utoipa::path(get, path = "/admin/ads/exemptions", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<AdExemption>), (status = 403, body = Problem)))]
pub async fn list_ad_exemptions(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<AdExemption>>, ApiError> {
    user.admin_scope(false)?;
    Ok(Json(
        state
            .directory
            .ad_exemptions(&user.actor())
            .await?
            .into_iter()
            .map(|(account_id, address)| AdExemption {
                account_id,
                address,
            })
            .collect(),
    ))
}

/// Spares an account the ads.
#[utoipa::path(post, path = "/admin/ads/exemptions", tag = "admin", security(("bearer" = [])), request_body = AdExemptionInput,
    responses((status = 204, description = "The account sees no ads"), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_ad_exemption(
    State(state): State<AppState>,
    user: AuthUser,
    Json(input): Json<AdExemptionInput>,
) -> Result<StatusCode, ApiError> {
    user.admin_scope(true)?;
    state
        .directory
        .exempt_from_ads(&user.actor(), &input.address)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The account sees ads again.
#[utoipa::path(delete, path = "/admin/ads/exemptions/{account_id}", tag = "admin", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The account")),
    responses((status = 204, description = "The account sees ads again"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove_ad_exemption(
    State(state): State<AppState>,
    user: AuthUser,
    Path(account_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.admin_scope(true)?;
    state
        .directory
        .remove_ad_exemption(&user.actor(), &account_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which page asks for an ad.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdSlotParams {
    /// `webmail` or `calendar`.
    #[param(pattern = "^(webmail|calendar)$")]
    pub target: String,
}

/// The ad for a page of the signed-in account: one of the running campaigns of its
/// domain and the server-wide ones, in turn by weight, counted as shown; none when its
/// domain turned ads off, it is exempt, or nothing runs.
#[utoipa::path(get, path = "/ads/slot", tag = "me", security(("bearer" = [])), params(AdSlotParams),
    responses((status = 200, body = AdSlot), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn get_ad_slot(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<AdSlotParams>,
) -> Result<Json<AdSlot>, ApiError> {
    if params.target == "login" {
        return Err(ApiError::field("target", "webmail or calendar"));
    }
    let ad = state
        .directory
        .choose_ad(
            Some((&user.account.id, &user.account.domain_id)),
            None,
            &params.target,
        )
        .await?;
    Ok(Json(shown(ad)))
}

/// The ad of the login page: of the domain the page is reached at (its `Host`, or one
/// of its alias names) and the server-wide campaigns that target the login page.
#[utoipa::path(get, path = "/ads/login", tag = "auth",
    responses((status = 200, body = AdSlot), (status = 503, description = "The database is unavailable", body = Problem)))]
pub async fn get_login_ad(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<AdSlot>, ApiError> {
    let host = crate::extract::host_header(&headers);
    let domain = state.directory.hosted_domain(&host_name(host)).await?;
    let ad = state
        .directory
        .choose_ad(None, domain.as_ref().map(|d| d.id.as_str()), "login")
        .await?;
    Ok(Json(shown(ad)))
}

/// A campaign's image (ads are public).
#[utoipa::path(get, path = "/ads/{id}/image", tag = "auth",
    params(("id" = String, Path, description = "The campaign")),
    responses((status = 200, description = "The image, sent with its own media type (PNG, JPEG, GIF or WebP)", content_type = "application/octet-stream", body = String),
        (status = 404, body = Problem)))]
pub async fn get_ad_image(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (bytes, kind) = state.directory.ad_image(&id).await?;
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&kind) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(response)
}

/// A click on an ad: counted, then a redirect (303) to the campaign's own link.
#[utoipa::path(get, path = "/ads/{id}/click", tag = "auth",
    params(("id" = String, Path, description = "The campaign")),
    responses((status = 303, description = "To the campaign's link"), (status = 404, body = Problem)))]
pub async fn click_ad(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Redirect, ApiError> {
    let link = state.directory.ad_click(&id).await?;
    Ok(Redirect::to(&link))
}
