//! The OpenAPI document: the attributes on the handlers, then [`finish`], which writes
//! into every operation what the shared extractors make true of it, so that the
//! document lists every status and media type the server answers with.
//!
//! - A secured operation (`security`) answers 401 (the `AuthUser` extractor).
//! - An operation with a JSON body answers 400 (unreadable JSON), 413 (too large), 415
//!   (not JSON) and 422 (not an object, a missing, mistyped or unknown field): the `Json`
//!   extractor.
//! - An operation with query parameters answers 400 (the `Query` extractor, `limit`).
//! - An operation that answers with problem documents may also answer `5XX` (the
//!   database unavailable, an internal error).
//! - Every error body is `application/problem+json`, as `ApiError` serves it.
//! - Every response has a description (a standard one by status unless the handler
//!   gives its own).
//! - A schema that copies a named one is a reference to it (`refs`).
//!
//! Statuses that depend on the handler (403 for a role, domain or API-key scope, 404,
//! 409, a handler's own 422) are declared on the handler. It does not check the
//! document: the tests and `cargo xtask test` validate it and compare it with the
//! answers of a running server.

mod refs;
mod responses;

use serde_json::Value;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Osprey API",
        description = "The REST API of the Osprey mail and calendar server: everything the web app does, a script can do.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0")
    ),
    servers((url = "/", description = "The server that serves this document (paths start with /api/v1)")),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Signing in and out"),
        (name = "me", description = "The signed-in account"),
        (name = "mail", description = "The signed-in account's mailboxes, messages and sending"),
        (name = "contacts", description = "The signed-in account's address book: contacts, groups, vCard import and export, recipient suggestions"),
        (name = "calendars", description = "The signed-in account's calendars and those shared with it, their events (iCalendar, with recurrence and exceptions) and the occurrences of a window"),
        (name = "rules", description = "The signed-in account's delivery rules: filing, flags, forwarding, answers, refusals; as a list, as Sieve, the vacation answer"),
        (name = "admin", description = "Domains, accounts and aliases"),
        (name = "lists", description = "The list server: mailing lists of a domain and their members"),
        (name = "ops", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or API key (osk_...)")
                    .build(),
            ),
        );
    }
}

/// The document as the router's attributes make it, completed (see the module docs).
pub fn finish(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut value = serde_json::to_value(&doc).expect("the document serialises");
    if let Some(paths) = value.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for op in item
                .as_object_mut()
                .into_iter()
                .flat_map(|i| i.values_mut())
            {
                responses::complete(op);
            }
        }
    }
    refs::reference_copies(&mut value);
    serde_json::from_value(value).expect("the completed document is an OpenAPI document")
}
