//! `/admin/settings`: server administrators read the settings in force with their
//! configuration-file defaults, change them (effective at once, recorded in the audit
//! log) and return them to the defaults; bad names and values are refused with the
//! field named, all or nothing.

use axum::http::{Method, StatusCode};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

const PATH: &str = "/api/v1/admin/settings";

fn setting<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no setting {name} in {body}"))
}

#[tokio::test]
async fn settings_show_their_defaults_and_kinds() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let body = t
        .call(Method::GET, PATH, Some(&admin), None)
        .await
        .expect(StatusCode::OK)
        .body;
    let size = setting(&body, "max_message_size");
    assert_eq!(size["kind"], "integer");
    assert_eq!(size["unit"], "bytes");
    assert_eq!(size["value"], 25 * 1024 * 1024);
    assert_eq!(size["default"], size["value"]);
    assert_eq!(size["overridden"], false);
    assert_eq!(size["label"], "Largest message");
    let mode = setting(&body, "pop3_default_mode");
    assert_eq!(mode["kind"], "choice");
    assert_eq!(mode["choices"], json!(["offline", "keep", "trash"]));
    assert_eq!(
        setting(&body, "retry_intervals_secs")["kind"],
        "integer_list"
    );
    assert_eq!(setting(&body, "dmarc_enforce")["value"], false);
}

#[tokio::test]
async fn a_change_applies_is_audited_and_a_null_resets_it() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let body = t
        .call(
            Method::PATCH,
            PATH,
            Some(&admin),
            Some(json!({"max_recipients": 50, "retry_intervals_secs": [30, 600], "dmarc_enforce": true})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(setting(&body, "max_recipients")["value"], 50);
    assert_eq!(setting(&body, "max_recipients")["default"], 100);
    assert_eq!(setting(&body, "max_recipients")["overridden"], true);
    assert_eq!(
        setting(&body, "retry_intervals_secs")["value"],
        json!([30, 600])
    );
    // Read back, and in force in the directory the listeners follow.
    let again = t
        .call(Method::GET, PATH, Some(&admin), None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(setting(&again, "dmarc_enforce")["value"], true);
    let now = t.directory.settings_now();
    assert_eq!(now.values.max_recipients, 50);
    assert!(now.values.dmarc_enforce);
    assert!(now.is_set("max_recipients"));
    // The audit log names the fields that changed.
    let audit = t
        .call(
            Method::GET,
            "/api/v1/admin/audit?action=settings.",
            Some(&admin),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "settings.update");
    let changed: Vec<&str> = entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        changed,
        ["dmarc_enforce", "max_recipients", "retry_intervals_secs"]
    );
    // null: back to the configuration file's value.
    let body = t
        .call(
            Method::PATCH,
            PATH,
            Some(&admin),
            Some(json!({"max_recipients": null})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(setting(&body, "max_recipients")["value"], 100);
    assert_eq!(setting(&body, "max_recipients")["overridden"], false);
    assert_eq!(setting(&body, "dmarc_enforce")["value"], true);
    assert_eq!(t.directory.settings_now().values.max_recipients, 100);
}

#[tokio::test]
async fn bad_names_and_values_are_refused_and_change_nothing() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    let reply = t
        .call(
            Method::PATCH,
            PATH,
            Some(&admin),
            Some(json!({
                "max_recipients": 0,
                "max_message_size": "big",
                "pop3_default_mode": "delete",
                "retry_intervals_secs": [],
                "no_such_setting": 1,
                "legacy_auth": true
            })),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = reply.fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "max_message_size",
            "max_recipients",
            "no_such_setting",
            "pop3_default_mode",
            "retry_intervals_secs"
        ]
    );
    // All or nothing: the good value in the same request was not kept either.
    assert!(!t.directory.settings_now().values.legacy_auth);
    // A delay notice must come before the message bounces.
    let reply = t
        .call(
            Method::PATCH,
            PATH,
            Some(&admin),
            Some(json!({"queue_lifetime_hours": 4, "delay_notice_hours": 4})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.fields(), ["delay_notice_hours"]);
    assert_eq!(t.directory.settings_now().values.queue_lifetime_hours, 120);
}

#[tokio::test]
async fn only_server_administrators_read_or_change_them() {
    let t = TestApp::new().await;
    t.add_account("boss@example.com", Role::DomainAdmin, &["example.com"])
        .await;
    let domain_admin = t.token("boss@example.com").await;
    t.call(Method::GET, PATH, Some(&domain_admin), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::PATCH,
        PATH,
        Some(&domain_admin),
        Some(json!({"max_recipients": 5})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    assert_eq!(t.directory.settings_now().values.max_recipients, 100);
}

#[tokio::test]
async fn new_accounts_take_the_pop3_mode_set_for_them() {
    let t = TestApp::new().await;
    let admin = t.token(ADMIN).await;
    t.call(
        Method::PATCH,
        PATH,
        Some(&admin),
        Some(json!({"pop3_default_mode": "keep"})),
    )
    .await
    .expect(StatusCode::OK);
    let created = t
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(&admin),
            Some(json!({"address": "new@example.com", "password": PASSWORD})),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(created["pop3"]["mode"], "keep", "{created}");
}
