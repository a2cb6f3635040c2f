//! The address book over REST: contacts, groups, vCard import and export, suggestions.

use axum::http::{Method, StatusCode, header};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

async fn setup() -> (TestApp, String, String) {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    t.add_account("bob@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let bob = t.token("bob@example.com").await;
    (t, ann, bob)
}

async fn create(t: &TestApp, token: &str, body: Value) -> Value {
    t.call(Method::POST, "/api/v1/contacts", Some(token), Some(body))
        .await
        .expect(StatusCode::CREATED)
        .body
}

#[tokio::test]
async fn a_contact_is_made_read_changed_and_deleted_by_its_owner_only() {
    let (t, ann, bob) = setup().await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/contacts",
            Some(&ann),
            Some(json!({
                "given_name": "Grace", "family_name": "Hopper",
                "emails": [{"label": "work", "value": "grace@navy.example"}],
                "phones": [{"label": "cell", "value": "+1 202 555 0143"}],
                "birthday": "1906-12-09",
                "addresses": [{"label": "home", "street": "1 Cobol Way", "locality": "Arlington", "country": "USA"}]
            })),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.headers[header::LOCATION],
        format!("/api/v1/contacts/{id}").as_str()
    );
    // The name shown is made from the names given.
    assert_eq!(r.body["fields"]["full_name"], "Grace Hopper");
    assert_eq!(r.body["fields"]["addresses"][0]["locality"], "Arlington");
    let path = format!("/api/v1/contacts/{id}");
    for (method, body) in [
        (Method::GET, None),
        (Method::PUT, Some(json!({"full_name": "Stolen"}))),
        (Method::DELETE, None),
    ] {
        t.call(method, &path, Some(&bob), body)
            .await
            .expect(StatusCode::NOT_FOUND);
    }
    let r = t
        .call(
            Method::PUT,
            &path,
            Some(&ann),
            Some(json!({"full_name": "Rear Admiral Hopper", "emails": [{"value": "grace@navy.example"}]})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["fields"]["full_name"], "Rear Admiral Hopper");
    assert_eq!(r.body["fields"]["phones"], json!([]));
    t.call(Method::DELETE, &path, Some(&ann), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    t.call(Method::GET, &path, Some(&ann), None)
        .await
        .expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_fields_are_422_naming_them_and_change_nothing() {
    let (t, ann, _) = setup().await;
    for (body, field) in [
        (
            json!({"full_name": "X", "emails": [{"value": "x@y.example"}, {"value": "no at sign"}]}),
            "emails[1]",
        ),
        (
            json!({"full_name": "X", "birthday": "12/09/1906"}),
            "birthday",
        ),
        (json!({}), "full_name"),
        (json!({"full_name": "X", "colour": "red"}), "colour"),
    ] {
        let r = t
            .call(Method::POST, "/api/v1/contacts", Some(&ann), Some(body))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.fields(), vec![field.to_string()]);
    }
    let r = t
        .call(Method::GET, "/api/v1/contacts", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["items"], json!([]));
}

const FILE: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kept One\r\nEMAIL;TYPE=INTERNET:kept@example.org\r\nX-SOCIAL:@kept\r\nUID:kept-1\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Mail\r\nEMAIL:bad mail\r\nEND:VCARD\r\n";

#[tokio::test]
async fn import_reports_each_bad_card_and_export_gives_the_rest_back() {
    let (t, ann, bob) = setup().await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/contacts/import",
            Some(&ann),
            Some(json!({"vcard": FILE})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["created"], 1);
    assert_eq!(r.body["problems"][0]["line"], 8);
    assert_eq!(r.body["problems"][0]["name"], "Bad Mail");
    // Editing the imported contact keeps what the editor does not show.
    let list = t
        .call(Method::GET, "/api/v1/contacts?q=KEPT", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    let id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    t.call(
        Method::PUT,
        &format!("/api/v1/contacts/{id}"),
        Some(&ann),
        Some(json!({"full_name": "Kept Renamed", "emails": [{"value": "kept@example.org"}]})),
    )
    .await
    .expect(StatusCode::OK);
    let r = t
        .call(
            Method::GET,
            "/api/v1/contacts/export?version=3.0",
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/vcard")
    );
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let text = r.body.as_str().unwrap();
    assert!(text.contains("VERSION:3.0"), "{text}");
    assert!(text.contains("FN:Kept Renamed"), "{text}");
    assert!(text.contains("X-SOCIAL:@kept"), "{text}");
    assert!(text.contains("UID:kept-1"), "{text}");
    // Bob's export holds none of it.
    let r = t
        .call(Method::GET, "/api/v1/contacts/export", Some(&bob), None)
        .await
        .expect(StatusCode::OK);
    assert!(!r.body.to_string().contains("Kept"));
    t.call(
        Method::GET,
        "/api/v1/contacts/export?version=2.1",
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_import_over_the_limit_is_413_and_stores_nothing() {
    let (t, ann, _) = setup().await;
    let card = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Filler\r\nEND:VCARD\r\n";
    let big = card.repeat(osprey_contacts::MAX_IMPORT_BYTES / card.len() + 1);
    t.call(
        Method::POST,
        "/api/v1/contacts/import",
        Some(&ann),
        Some(json!({"vcard": big})),
    )
    .await
    .expect(StatusCode::PAYLOAD_TOO_LARGE);
    let r = t
        .call(Method::GET, "/api/v1/contacts", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["items"], json!([]));
}

#[tokio::test]
async fn suggestions_and_groups() {
    let (t, ann, _) = setup().await;
    let lin = create(
        &t,
        &ann,
        json!({"full_name": "Lin Wu", "emails": [{"value": "lin@example.net"}]}),
    )
    .await;
    create(
        &t,
        &ann,
        json!({"full_name": "Kalinda", "emails": [{"value": "k@example.net"}]}),
    )
    .await;
    let r = t
        .call(
            Method::GET,
            "/api/v1/contacts/suggest?q=lin",
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    let names: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    // "Lin" starts a word of "Lin Wu"; "Kalinda" only contains it.
    assert_eq!(names, ["Lin Wu", "Kalinda"]);
    let r = t
        .call(
            Method::POST,
            "/api/v1/contact-groups",
            Some(&ann),
            Some(json!({"name": "Linguists", "members": [lin["id"]]})),
        )
        .await
        .expect(StatusCode::CREATED);
    let group = r.body["id"].as_str().unwrap().to_owned();
    t.call(
        Method::POST,
        "/api/v1/contact-groups",
        Some(&ann),
        Some(json!({"name": "Linguists"})),
    )
    .await
    .expect(StatusCode::CONFLICT);
    let r = t
        .call(
            Method::GET,
            "/api/v1/contacts/suggest?q=lingu",
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body[0]["kind"], "group");
    assert_eq!(r.body[0]["addresses"], json!(["lin@example.net"]));
    let r = t
        .call(
            Method::PUT,
            &format!("/api/v1/contact-groups/{group}"),
            Some(&ann),
            Some(json!({"name": "Linguists", "members": ["no-such-contact"]})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["members".to_string()]);
    t.call(
        Method::GET,
        "/api/v1/contacts/suggest?q=lin&max=51",
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_spell_checker_knows_the_personal_dictionary_and_the_contacts() {
    let (t, ann, bob) = setup().await;
    let r = t
        .call(Method::GET, "/api/v1/spell/languages", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert!(
        r.body
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["code"] == "en_US" && l["name"] == "English (US)"),
        "{}",
        r.body
    );
    let check = |token: String| {
        let t = &t;
        async move {
            let r = t
                .call(
                    Method::POST,
                    "/api/v1/spell/check",
                    Some(&token),
                    Some(json!({"text": "Ask Zbigniew about the Qwzx numbrs", "lang": "en_US"})),
                )
                .await
                .expect(StatusCode::OK);
            r.body["misspellings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["word"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(check(ann.clone()).await, ["Zbigniew", "Qwzx", "numbrs"]);
    create(&t, &ann, json!({"full_name": "Zbigniew Lang"})).await;
    t.call(
        Method::POST,
        "/api/v1/spell/words",
        Some(&ann),
        Some(json!({"word": "Qwzx"})),
    )
    .await
    .expect(StatusCode::CREATED);
    assert_eq!(check(ann.clone()).await, ["numbrs"]);
    // Ann's words are hers.
    assert_eq!(check(bob.clone()).await, ["Zbigniew", "Qwzx", "numbrs"]);
    let r = t
        .call(Method::GET, "/api/v1/spell/words", Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body, json!(["Qwzx"]));
    t.call(Method::DELETE, "/api/v1/spell/words/Qwzx", Some(&bob), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    t.call(Method::DELETE, "/api/v1/spell/words/Qwzx", Some(&ann), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    for (body, field) in [
        (json!({"text": "x", "lang": "tlh_KL"}), "lang"),
        (json!({"text": "x", "lang": "../../../etc/passwd"}), "lang"),
    ] {
        let r = t
            .call(Method::POST, "/api/v1/spell/check", Some(&ann), Some(body))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.fields(), vec![field.to_string()]);
    }
    let r = t
        .call(
            Method::POST,
            "/api/v1/spell/words",
            Some(&ann),
            Some(json!({"word": "two words"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), vec!["word".to_string()]);
}
