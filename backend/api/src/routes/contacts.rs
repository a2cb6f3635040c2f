//! `/contacts` and `/contact-groups`: the signed-in account's address book. The rules
//! are `osprey_contacts::AddressBook`'s; these handlers parse, call and convert.

use axum::{
    extract::{DefaultBodyLimit, Path, State},
    http::{StatusCode, header},
    response::IntoResponse,
};
use osprey_api_types::{
    Contact, ContactFields, ContactGroup, ContactGroupFields, ImportContacts, ImportProblem,
    ImportReport, LabeledValue, Page, PostalAddress, Problem, RecipientSuggestion, Scope,
};
use osprey_contacts::{AddressBook, Card, ContactsError, SuggestionKind, VcfVersion};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{location, page_limit};
use crate::{
    auth::AuthUser,
    error::ApiError,
    extract::{Json, Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    // A vCard file may be larger than other bodies (JSON escaping included).
    let import =
        OpenApiRouter::new()
            .routes(routes!(import_contacts))
            .layer(DefaultBodyLimit::max(
                osprey_contacts::MAX_IMPORT_BYTES * 5 / 4,
            ));
    OpenApiRouter::new()
        .merge(import)
        .routes(routes!(list_contacts, create_contact))
        .routes(routes!(get_contact, replace_contact, delete_contact))
        .routes(routes!(export_contacts))
        .routes(routes!(suggest_recipients))
        .routes(routes!(list_contact_groups, create_contact_group))
        .routes(routes!(replace_contact_group, delete_contact_group))
}

impl From<ContactsError> for ApiError {
    fn from(e: ContactsError) -> Self {
        match e {
            ContactsError::Invalid { field, message } => ApiError::field(field, message),
            ContactsError::NotFound => ApiError::NotFound,
            ContactsError::Conflict(why) => ApiError::Conflict(why),
            ContactsError::TooLarge(_) => ApiError::TooLarge(e.to_string()),
            ContactsError::Store(e) => e.into(),
        }
    }
}

fn book(state: &AppState) -> AddressBook {
    AddressBook::new(state.store.clone())
}

fn card(f: ContactFields) -> Card {
    let labeled = |v: Vec<LabeledValue>| {
        v.into_iter()
            .map(|l| osprey_contacts::Labeled {
                label: l.label,
                value: l.value,
            })
            .collect()
    };
    Card {
        full_name: f.full_name,
        given_name: f.given_name,
        family_name: f.family_name,
        emails: labeled(f.emails),
        phones: labeled(f.phones),
        organization: f.organization,
        title: f.title,
        addresses: f
            .addresses
            .into_iter()
            .map(|a| osprey_contacts::PostalAddress {
                label: a.label,
                street: a.street,
                locality: a.locality,
                region: a.region,
                postal_code: a.postal_code,
                country: a.country,
            })
            .collect(),
        birthday: f.birthday,
        notes: f.notes,
        photo: f.photo,
    }
}

fn fields(c: Card) -> ContactFields {
    let labeled = |v: Vec<osprey_contacts::Labeled>| {
        v.into_iter()
            .map(|l| LabeledValue {
                label: l.label,
                value: l.value,
            })
            .collect()
    };
    ContactFields {
        full_name: c.full_name,
        given_name: c.given_name,
        family_name: c.family_name,
        emails: labeled(c.emails),
        phones: labeled(c.phones),
        organization: c.organization,
        title: c.title,
        addresses: c
            .addresses
            .into_iter()
            .map(|a| PostalAddress {
                label: a.label,
                street: a.street,
                locality: a.locality,
                region: a.region,
                postal_code: a.postal_code,
                country: a.country,
            })
            .collect(),
        birthday: c.birthday,
        notes: c.notes,
        photo: c.photo,
    }
}

fn contact(c: osprey_contacts::Contact) -> Contact {
    Contact {
        id: c.id,
        uid: c.uid,
        fields: fields(c.card),
        updated_at: c.updated_at,
    }
}

fn group(g: osprey_contacts::ContactGroup) -> ContactGroup {
    ContactGroup {
        id: g.id,
        name: g.name,
        members: g.members,
        updated_at: g.updated_at,
    }
}

/// Paging and search of the contact list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactListParams {
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Keep contacts whose names, addresses, phones or organisation contain this text.
    pub q: Option<String>,
}

/// The account's contacts by name.
#[utoipa::path(get, path = "/contacts", tag = "contacts", security(("bearer" = [])), params(ContactListParams),
    responses((status = 200, body = Page<Contact>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list_contacts(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<ContactListParams>,
) -> Result<Json<Page<Contact>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let query = osprey_store::ListQuery {
        q: params.q,
        limit: page_limit(params.limit, 50)?.into(),
        cursor: params.cursor,
        domain_ids: None,
    };
    let page = book(&state)
        .list(&user.account.id, &query)
        .await
        .map_err(|e| match e {
            ContactsError::Invalid { message, .. } => ApiError::BadRequest {
                code: "bad_query",
                detail: message,
            },
            other => other.into(),
        })?;
    Ok(Json(Page {
        items: page.items.into_iter().map(contact).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Adds a contact.
#[utoipa::path(post, path = "/contacts", tag = "contacts", security(("bearer" = [])), request_body = ContactFields,
    responses((status = 201, body = Contact, headers(("Location" = String, description = "The contact's address"))),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_contact(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<ContactFields>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Scope::AccountWrite)?;
    let made = book(&state).create(&user.account.id, card(req)).await?;
    let id = made.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/contacts", &id),
        Json(contact(made)),
    ))
}

/// One contact.
#[utoipa::path(get, path = "/contacts/{id}", tag = "contacts", security(("bearer" = [])),
    params(("id" = String, Path, description = "The contact")),
    responses((status = 200, body = Contact), (status = 401, body = Problem),
        (status = 404, description = "No such contact of the signed-in account", body = Problem)))]
pub async fn get_contact(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Contact>, ApiError> {
    user.require(Scope::AccountRead)?;
    Ok(Json(contact(
        book(&state).get(&user.account.id, &id).await?,
    )))
}

/// Replaces a contact's fields (what other programs stored in its vCard is kept).
#[utoipa::path(put, path = "/contacts/{id}", tag = "contacts", security(("bearer" = [])), request_body = ContactFields,
    params(("id" = String, Path, description = "The contact")),
    responses((status = 200, body = Contact), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such contact of the signed-in account", body = Problem),
        (status = 422, body = Problem)))]
pub async fn replace_contact(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<ContactFields>,
) -> Result<Json<Contact>, ApiError> {
    user.require(Scope::AccountWrite)?;
    Ok(Json(contact(
        book(&state)
            .update(&user.account.id, &id, card(req))
            .await?,
    )))
}

/// Deletes a contact (and takes it out of its groups).
#[utoipa::path(delete, path = "/contacts/{id}", tag = "contacts", security(("bearer" = [])),
    params(("id" = String, Path, description = "The contact")),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such contact of the signed-in account", body = Problem)))]
pub async fn delete_contact(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    book(&state).delete(&user.account.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Imports a `.vcf` file (vCard 3.0 or 4.0, many cards): the good cards are kept (one
/// with the UID of a contact replaces it), the broken ones are listed with their line.
#[utoipa::path(post, path = "/contacts/import", tag = "contacts", security(("bearer" = [])), request_body = ImportContacts,
    responses((status = 200, body = ImportReport), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 413, description = "The file is larger than 10 MB", body = Problem), (status = 422, body = Problem)))]
pub async fn import_contacts(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<ImportContacts>,
) -> Result<Json<ImportReport>, ApiError> {
    user.require(Scope::AccountWrite)?;
    let report = book(&state).import(&user.account.id, &req.vcard).await?;
    Ok(Json(ImportReport {
        created: report.created as u64,
        updated: report.updated as u64,
        problems: report
            .problems
            .into_iter()
            .map(|p| ImportProblem {
                line: p.line as u64,
                name: p.name,
                message: p.message,
            })
            .collect(),
    }))
}

/// The vCard version of an export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `4.0` (the default) or `3.0`.
    pub version: Option<String>,
}

/// The account's contacts as one `.vcf` file.
#[utoipa::path(get, path = "/contacts/export", tag = "contacts", security(("bearer" = [])), params(ExportParams),
    responses((status = 200, description = "The file", content_type = "text/vcard", body = String),
        (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn export_contacts(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<ExportParams>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Scope::AccountRead)?;
    let version = match params.version.as_deref() {
        None | Some("4.0") => VcfVersion::V4,
        Some("3.0") => VcfVersion::V3,
        Some(other) => {
            return Err(ApiError::BadRequest {
                code: "bad_query",
                detail: format!("version is 3.0 or 4.0, not {other}"),
            });
        }
    };
    let text = book(&state).export(&user.account.id, version).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/vcard; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"contacts.vcf\"",
            ),
        ],
        text,
    ))
}

/// What the composer asks for.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// What was typed: the start of a name word or an address, or a part of one
    /// (nothing typed, nothing suggested).
    pub q: Option<String>,
    /// Most suggestions, 1 to 50 (default 10).
    #[param(minimum = 1, maximum = 50)]
    pub max: Option<u32>,
}

/// Recipients for what was typed: the account's contacts (one suggestion per address)
/// and groups, those whose name word or address starts with it first.
#[utoipa::path(get, path = "/contacts/suggest", tag = "contacts", security(("bearer" = [])), params(SuggestParams),
    responses((status = 200, body = Vec<RecipientSuggestion>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn suggest_recipients(
    State(state): State<AppState>,
    user: AuthUser,
    Query(params): Query<SuggestParams>,
) -> Result<Json<Vec<RecipientSuggestion>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let limit = params.max.unwrap_or(10);
    if !(1..=50).contains(&limit) {
        return Err(ApiError::BadRequest {
            code: "bad_query",
            detail: "max must be between 1 and 50".into(),
        });
    }
    let found = book(&state)
        .suggest(
            &user.account.id,
            params.q.as_deref().unwrap_or_default(),
            limit as usize,
        )
        .await?;
    Ok(Json(
        found
            .into_iter()
            .map(|s| RecipientSuggestion {
                kind: match s.kind {
                    SuggestionKind::Contact => "contact",
                    SuggestionKind::Group => "group",
                    SuggestionKind::Recent => "recent",
                    SuggestionKind::Directory => "directory",
                }
                .into(),
                id: s.id,
                name: s.name,
                addresses: s.addresses,
            })
            .collect(),
    ))
}

/// The account's contact groups by name.
#[utoipa::path(get, path = "/contact-groups", tag = "contacts", security(("bearer" = [])),
    responses((status = 200, body = Vec<ContactGroup>), (status = 401, body = Problem)))]
pub async fn list_contact_groups(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<ContactGroup>>, ApiError> {
    user.require(Scope::AccountRead)?;
    let groups = book(&state).groups(&user.account.id).await?;
    Ok(Json(groups.into_iter().map(group).collect()))
}

/// Creates a contact group of the account's contacts.
#[utoipa::path(post, path = "/contact-groups", tag = "contacts", security(("bearer" = [])), request_body = ContactGroupFields,
    responses((status = 201, body = ContactGroup), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "A group of that name exists", body = Problem), (status = 422, body = Problem)))]
pub async fn create_contact_group(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<ContactGroupFields>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Scope::AccountWrite)?;
    let g = book(&state)
        .save_group(&user.account.id, None, &req.name, &req.members)
        .await?;
    let id = g.id.clone();
    Ok((
        StatusCode::CREATED,
        location("/contact-groups", &id),
        Json(group(g)),
    ))
}

/// Renames a group and replaces its members.
#[utoipa::path(put, path = "/contact-groups/{id}", tag = "contacts", security(("bearer" = [])), request_body = ContactGroupFields,
    params(("id" = String, Path, description = "The group")),
    responses((status = 200, body = ContactGroup), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such group of the signed-in account", body = Problem),
        (status = 409, description = "Another group has that name", body = Problem), (status = 422, body = Problem)))]
pub async fn replace_contact_group(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(req): Json<ContactGroupFields>,
) -> Result<Json<ContactGroup>, ApiError> {
    user.require(Scope::AccountWrite)?;
    Ok(Json(group(
        book(&state)
            .save_group(&user.account.id, Some(&id), &req.name, &req.members)
            .await?,
    )))
}

/// Deletes a group (its contacts stay).
#[utoipa::path(delete, path = "/contact-groups/{id}", tag = "contacts", security(("bearer" = [])),
    params(("id" = String, Path, description = "The group")),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No such group of the signed-in account", body = Problem)))]
pub async fn delete_contact_group(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    book(&state).delete_group(&user.account.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
