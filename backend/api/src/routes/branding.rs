//! Per-host look. `/admin/branding`: the server's look (server administrators) or a
//! domain's (`?domain=`, its administrators too), its logo and favicon. `/branding`: what
//! a page shows — by the `Host` it is reached at, or a domain's by name (`?domain=`, for
//! an administrator's preview) — its texts, stylesheet and images, for anyone (the
//! sign-in page shows them).

use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, State, multipart::MultipartRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use osprey_api_types::{Branding, BrandingLook, PageBranding, Problem, UploadForm};
use osprey_core::look::{Look, stylesheet};
use osprey_directory::branding::BrandingView;
use osprey_store::{BrandImage, EffectiveBranding, StoreError};
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
        .routes(routes!(get_branding, put_branding, delete_branding))
        .routes(routes!(put_branding_image, delete_branding_image))
        .layer(DefaultBodyLimit::max(crate::extract::MAX_IMAGE_UPLOAD_BODY))
        .routes(routes!(get_page_branding))
        .routes(routes!(get_branding_stylesheet))
        .routes(routes!(get_branding_custom_css))
        .routes(routes!(get_branding_image))
}

/// Whose look a page shows: a domain's by name, else the `Host`'s.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScopeParams {
    /// A domain (by name or alias name).
    pub domain: Option<String>,
    /// Ignored: lets a page name a version of the look so caches keep it.
    pub v: Option<String>,
}

/// Whose look an administrator reads or changes: a domain's by name, else the server's.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AdminScopeParams {
    /// A domain (by name or alias name); absent: the server's look.
    pub domain: Option<String>,
}

fn look_of(l: BrandingLook) -> Look {
    Look {
        product_name: l.product_name,
        accent_color: l.accent_color,
        header_color: l.header_color,
        login_title: l.login_title,
        login_text: l.login_text,
        footer: l.footer,
        custom_css: l.custom_css,
    }
}

fn api_look(l: Look) -> BrandingLook {
    BrandingLook {
        product_name: l.product_name,
        accent_color: l.accent_color,
        header_color: l.header_color,
        login_title: l.login_title,
        login_text: l.login_text,
        footer: l.footer,
        custom_css: l.custom_css,
    }
}

/// A look as the API shows it to its administrator.
pub fn to_api(v: BrandingView) -> Branding {
    let record = v.record;
    Branding {
        domain: v.scope.domain,
        look: api_look(record.as_ref().map(|r| r.look.clone()).unwrap_or_default()),
        inherited: api_look(v.inherited),
        logo_type: record.as_ref().and_then(|r| r.logo_type.clone()),
        favicon_type: record.as_ref().and_then(|r| r.favicon_type.clone()),
        updated_at: record.map(|r| r.updated_at),
    }
}

/// The addresses of a look's parts, with the scope a page named and its version.
fn page_url(part: &str, domain: Option<&str>, version: &str) -> String {
    match domain {
        Some(d) => format!(
            "/api/v1/branding/{part}?domain={}&v={version}",
            urlencode(d)
        ),
        None => format!("/api/v1/branding/{part}?v={version}"),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What a page shows, as the API describes it.
pub fn page_branding(e: EffectiveBranding, domain: Option<&str>) -> PageBranding {
    let v = e.version.as_str();
    PageBranding {
        product_name: e.look.name().to_owned(),
        logo_url: e
            .logo_scope
            .as_ref()
            .map(|_| page_url("images/logo", domain, v)),
        favicon_url: e
            .favicon_scope
            .as_ref()
            .map(|_| page_url("images/favicon", domain, v)),
        stylesheet_url: page_url("style.css", domain, v),
        custom_stylesheet_url: e
            .look
            .custom_css
            .as_ref()
            .map(|_| page_url("custom.css", domain, v)),
        login_title: e.look.login_title,
        login_text: e.look.login_text,
        footer: e.look.footer,
        accent_color: e.look.accent_color,
        header_color: e.look.header_color,
        version: e.version,
    }
}

fn image_kind(kind: &str) -> Result<BrandImage, ApiError> {
    match kind {
        "logo" => Ok(BrandImage::Logo),
        "favicon" => Ok(BrandImage::Favicon),
        _ => Err(StoreError::NotFound.into()),
    }
}

/// The look a page shows: the named domain's, else that of the `Host` it is reached at.
/// A name that is no domain of the server's gets the server's look, as an unknown host
/// does: the answer does not tell which domains the server keeps.
async fn effective(
    state: &AppState,
    params: &ScopeParams,
    headers: &HeaderMap,
) -> Result<EffectiveBranding, ApiError> {
    let host = match params.domain.as_deref() {
        Some(name) => name,
        None => crate::extract::host_header(headers),
    };
    Ok(state.directory.branding_for_host(host).await?)
}

/// A look (the server's, or `?domain=`'s): what it sets and what it inherits.
#[utoipa::path(get, path = "/admin/branding", tag = "admin", security(("bearer" = [])), params(AdminScopeParams),
    responses((status = 200, body = Branding), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn get_branding(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<AdminScopeParams>,
) -> Result<Json<Branding>, ApiError> {
    user.admin_scope(false)?;
    let v = state
        .directory
        .branding(&user.actor(), params.domain.as_deref())
        .await?;
    Ok(Json(to_api(v)))
}

/// Replaces a look's texts and colours (its images stay); every field is checked.
#[utoipa::path(put, path = "/admin/branding", tag = "admin", security(("bearer" = [])), params(AdminScopeParams),
    request_body = BrandingLook,
    responses((status = 200, body = Branding), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_branding(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<AdminScopeParams>,
    Json(input): Json<BrandingLook>,
) -> Result<Json<Branding>, ApiError> {
    user.admin_scope(true)?;
    let v = state
        .directory
        .set_branding(&user.actor(), params.domain.as_deref(), look_of(input))
        .await?;
    Ok(Json(to_api(v)))
}

/// Forgets a look, images and all: its pages show the server's (or Osprey's own).
#[utoipa::path(delete, path = "/admin/branding", tag = "admin", security(("bearer" = [])), params(AdminScopeParams),
    responses((status = 204, description = "Forgotten"), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn delete_branding(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<AdminScopeParams>,
) -> Result<StatusCode, ApiError> {
    user.admin_scope(true)?;
    state
        .directory
        .reset_branding(&user.actor(), params.domain.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a look's `logo` (PNG, JPEG, GIF or WebP, at most 256 KiB) or `favicon` (ICO
/// too, at most 64 KiB): a `multipart/form-data` body with one file field `file`.
#[utoipa::path(put, path = "/admin/branding/images/{kind}", tag = "admin", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    params(("kind" = String, Path, description = "`logo` or `favicon`", pattern = "^(logo|favicon)$"), AdminScopeParams),
    responses((status = 200, body = Branding), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn put_branding_image(
    State(state): State<AppState>,
    user: AuthUser,
    Path(kind): Path<String>,
    Query(params): Query<AdminScopeParams>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Json<Branding>, ApiError> {
    user.admin_scope(true)?;
    let which = image_kind(&kind)?;
    let image = crate::extract::one_file(form).await?;
    let v = state
        .directory
        .set_branding_image(&user.actor(), params.domain.as_deref(), which, Some(image))
        .await?;
    Ok(Json(to_api(v)))
}

/// Removes a look's `logo` or `favicon` (its pages show the inherited one).
#[utoipa::path(delete, path = "/admin/branding/images/{kind}", tag = "admin", security(("bearer" = [])),
    params(("kind" = String, Path, description = "`logo` or `favicon`", pattern = "^(logo|favicon)$"), AdminScopeParams),
    responses((status = 200, body = Branding), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn delete_branding_image(
    State(state): State<AppState>,
    user: AuthUser,
    Path(kind): Path<String>,
    Query(params): Query<AdminScopeParams>,
) -> Result<Json<Branding>, ApiError> {
    user.admin_scope(true)?;
    let which = image_kind(&kind)?;
    let v = state
        .directory
        .set_branding_image(&user.actor(), params.domain.as_deref(), which, None)
        .await?;
    Ok(Json(to_api(v)))
}

/// The look a page shows: of the domain named, else of the one the page is reached at
/// (its `Host`, a domain's name or alias name), over the server's look.
#[utoipa::path(get, path = "/branding", tag = "auth", params(ScopeParams),
    responses((status = 200, body = PageBranding), (status = 404, body = Problem), (status = 503, description = "The database is unavailable", body = Problem)))]
pub async fn get_page_branding(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ScopeParams>,
) -> Result<Json<PageBranding>, ApiError> {
    let e = effective(&state, &params, &headers).await?;
    Ok(Json(page_branding(e, params.domain.as_deref())))
}

/// The stylesheet of a page's colours: CSS variables for its accent and its bar (empty
/// when it sets neither). Loaded by every page after the app's own.
#[utoipa::path(get, path = "/branding/style.css", tag = "auth", params(ScopeParams),
    responses((status = 200, description = "The stylesheet", content_type = "text/css", body = String),
        (status = 404, body = Problem)))]
pub async fn get_branding_stylesheet(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ScopeParams>,
) -> Result<Response, ApiError> {
    let e = effective(&state, &params, &headers).await?;
    Ok(css(stylesheet(&e.look), cache(&params, &e.version)))
}

/// A page's custom CSS (empty when it has none): a stylesheet of its own after the
/// colours', which the web app leaves off the administration pages, so that a domain's
/// look cannot restyle the console that manages it.
#[utoipa::path(get, path = "/branding/custom.css", tag = "auth", params(ScopeParams),
    responses((status = 200, description = "The stylesheet", content_type = "text/css", body = String),
        (status = 404, body = Problem)))]
pub async fn get_branding_custom_css(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ScopeParams>,
) -> Result<Response, ApiError> {
    let e = effective(&state, &params, &headers).await?;
    let caching = cache(&params, &e.version);
    Ok(css(e.look.custom_css.unwrap_or_default(), caching))
}

fn css(text: String, caching: HeaderValue) -> Response {
    let mut response = text.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, caching);
    h.insert(header::VARY, HeaderValue::from_static("host"));
    response
}

/// A page's `logo` or `favicon` (the domain's, else the server's); 404 when its look
/// has none.
#[utoipa::path(get, path = "/branding/images/{kind}", tag = "auth",
    params(("kind" = String, Path, description = "`logo` or `favicon`", pattern = "^(logo|favicon)$"), ScopeParams),
    responses((status = 200, description = "The image, sent with its own media type (ICO, PNG, JPEG, GIF or WebP)", content_type = "application/octet-stream", body = String),
        (status = 404, body = Problem)))]
pub async fn get_branding_image(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(params): Query<ScopeParams>,
) -> Result<Response, ApiError> {
    let which = image_kind(&kind)?;
    let e = effective(&state, &params, &headers).await?;
    let caching = cache(&params, &e.version);
    let scope = match which {
        BrandImage::Logo => e.logo_scope,
        BrandImage::Favicon => e.favicon_scope,
    }
    .ok_or(StoreError::NotFound)?;
    let (bytes, media) = state
        .store
        .brandings()
        .image(&scope, which)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&media) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, caching);
    h.insert(header::VARY, HeaderValue::from_static("host"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(response)
}

/// An address naming the look's current version is kept a day (a change makes a new
/// one); any other is revalidated each time, so that no cache keeps a look under a
/// version it is not.
fn cache(params: &ScopeParams, version: &str) -> HeaderValue {
    HeaderValue::from_static(if params.v.as_deref() == Some(version) {
        "public, max-age=86400"
    } else {
        "no-cache"
    })
}
