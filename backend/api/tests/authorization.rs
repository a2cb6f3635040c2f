//! The authorisation matrix: every operation of the OpenAPI document, called as anonymous,
//! a plain user, an administrator of another domain and a server administrator, on
//! targets that belong to the plain user and its domain, answers as the table in
//! `backend/api/src/routes/authorization.rs` says. An operation without a row fails.

use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::{Method, StatusCode};
use osprey_api::{AUTHORIZATION, Access, Rule};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

const USER: &str = "user@example.com";
const TARGET: &str = "target@example.com";
const OTHER_ADMIN: &str = "boss@other.example";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    Anonymous,
    User,
    OtherDomainAdmin,
    ServerAdmin,
}

const CALLERS: [Caller; 4] = [
    Caller::Anonymous,
    Caller::User,
    Caller::OtherDomainAdmin,
    Caller::ServerAdmin,
];

fn expected(rule: &Rule, caller: Caller) -> Access {
    match caller {
        Caller::Anonymous => rule.anonymous,
        Caller::User => rule.user,
        Caller::OtherDomainAdmin => rule.other_domain_admin,
        Caller::ServerAdmin => rule.server_admin,
    }
}

/// The accounts, tokens and the user's things the calls aim at.
struct World {
    t: TestApp,
    admin: String,
    user: String,
    other_admin: String,
    domain: String,
    target: String,
    alias: String,
    inbox: String,
    message: String,
    queued: String,
    user_key: String,
    /// A finished run of the user's rules over its INBOX.
    run: String,
    /// A calendar of the user's most calendar calls share.
    calendar: tokio::sync::OnceCell<(String, String)>,
    counter: AtomicU32,
}

/// One call: the path parameters' values, the body, a text the answer must not hold when
/// it is `Filtered`, and a token to use instead of the caller's.
#[derive(Default)]
struct Call {
    id: Option<String>,
    /// A query string to append (without `?`).
    query: Option<String>,
    body: Option<Value>,
    marker: Option<String>,
    token: Option<String>,
    /// A body that is not JSON: its content type and text.
    raw: Option<(String, String)>,
    /// The answer is a stream that does not end: only its status is read.
    stream: bool,
}

/// A `multipart/form-data` body with one file field `file`.
pub const UPLOAD_BOUNDARY: &str = "osprey-test-boundary";

fn upload_form(name: &str, content: &str) -> (String, String) {
    (
        format!("multipart/form-data; boundary={UPLOAD_BOUNDARY}"),
        format!(
            "--{UPLOAD_BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: text/plain\r\n\r\n{content}\r\n--{UPLOAD_BOUNDARY}--\r\n"
        ),
    )
}

impl World {
    async fn new() -> World {
        let t = TestApp::new().await;
        let admin = t.token(ADMIN).await;
        let r = t
            .call(
                Method::POST,
                "/api/v1/admin/domains",
                Some(&admin),
                Some(json!({"name": "other.example"})),
            )
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(r.body["name"], "other.example");
        t.add_account(USER, Role::User, &[]).await;
        let target = t.add_account(TARGET, Role::User, &[]).await;
        t.add_account(OTHER_ADMIN, Role::DomainAdmin, &["other.example"])
            .await;
        let user = t.token(USER).await;
        let other_admin = t.token(OTHER_ADMIN).await;
        let domain = t
            .call(
                Method::GET,
                "/api/v1/admin/domains?q=example.com",
                Some(&admin),
                None,
            )
            .await
            .expect(StatusCode::OK)
            .body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "example.com")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let alias = t
            .call(
                Method::POST,
                "/api/v1/admin/aliases",
                Some(&admin),
                Some(json!({"address": "team@example.com", "targets": [TARGET]})),
            )
            .await
            .expect(StatusCode::CREATED)
            .body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        // A message in the user's INBOX, and one for another server in the queue.
        t.call(
            Method::POST,
            "/api/v1/messages/send",
            Some(&user),
            Some(json!({"to": [USER], "subject": "s", "text": "t"})),
        )
        .await
        .expect(StatusCode::CREATED);
        let inbox = t
            .call(Method::GET, "/api/v1/mailboxes", Some(&user), None)
            .await
            .expect(StatusCode::OK)
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == "INBOX")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let message = t
            .call(
                Method::GET,
                &format!("/api/v1/mailboxes/{inbox}/messages"),
                Some(&user),
                None,
            )
            .await
            .expect(StatusCode::OK)
            .body["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut w = World {
            t,
            admin,
            user,
            other_admin,
            domain,
            target,
            alias,
            inbox,
            message,
            queued: String::new(),
            user_key: String::new(),
            run: String::new(),
            calendar: tokio::sync::OnceCell::new(),
            counter: AtomicU32::new(0),
        };
        w.queued = w.queue_one().await;
        w.user_key = w.key_of(&w.user.clone()).await;
        w.run = w.finished_run().await;
        w
    }

    fn fresh(&self, what: &str) -> String {
        format!("{what}{}", self.counter.fetch_add(1, Ordering::Relaxed))
    }

    fn token(&self, caller: Caller) -> Option<String> {
        match caller {
            Caller::Anonymous => None,
            Caller::User => Some(self.user.clone()),
            Caller::OtherDomainAdmin => Some(self.other_admin.clone()),
            Caller::ServerAdmin => Some(self.admin.clone()),
        }
    }

    async fn admin_call(&self, method: Method, path: &str, body: Value) -> Value {
        let r = self
            .t
            .call(method, path, Some(&self.admin), Some(body))
            .await;
        assert!(r.status.is_success(), "{path}: {} {}", r.status, r.body);
        r.body
    }

    /// A fresh message in the user's INBOX (so that moving or deleting it leaves the
    /// matrix's own message alone).
    async fn fresh_message(&self) -> String {
        let subject = self.fresh("message");
        self.t
            .call(
                Method::POST,
                "/api/v1/messages/send",
                Some(&self.user),
                Some(json!({"to": [USER], "subject": subject, "text": "t"})),
            )
            .await
            .expect(StatusCode::CREATED);
        let list = self
            .t
            .call(
                Method::GET,
                &format!("/api/v1/mailboxes/{}/messages?limit=500", self.inbox),
                Some(&self.user),
                None,
            )
            .await
            .expect(StatusCode::OK)
            .body;
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["subject"] == subject.as_str())
            .expect("the fresh message")["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A fresh mailbox of the user's.
    async fn user_mailbox(&self) -> String {
        let r = self
            .t
            .call(
                Method::POST,
                "/api/v1/mailboxes",
                Some(&self.user),
                Some(json!({"name": self.fresh("Target")})),
            )
            .await
            .expect(StatusCode::CREATED);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// The user's Junk mailbox.
    async fn user_junk(&self) -> String {
        let r = self
            .t
            .call(Method::GET, "/api/v1/mailboxes", Some(&self.user), None)
            .await
            .expect(StatusCode::OK);
        r.body
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["special_use"] == "\\Junk")
            .expect("a Junk mailbox")["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A fresh word of the user's personal dictionary.
    async fn user_word(&self) -> String {
        // Letters only: the counter's digits spelled out.
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let word: String = format!("Zyx{n}")
            .chars()
            .map(|c| c.to_digit(10).map_or(c, |d| (b'a' + d as u8) as char))
            .collect();
        self.t
            .call(
                Method::POST,
                "/api/v1/spell/words",
                Some(&self.user),
                Some(json!({"word": word})),
            )
            .await
            .expect(StatusCode::CREATED);
        word
    }

    /// A fresh contact of the user's, in a fresh group: (contact id, its unique name,
    /// group id, the group's unique name).
    async fn user_contact(&self) -> (String, String, String, String) {
        let name = self.fresh("Zebulon");
        let r = self
            .t
            .call(
                Method::POST,
                "/api/v1/contacts",
                Some(&self.user),
                Some(json!({"full_name": name, "emails": [{"value": format!("{}@far.example", name.to_lowercase())}]})),
            )
            .await
            .expect(StatusCode::CREATED);
        let contact = r.body["id"].as_str().unwrap().to_owned();
        let group_name = self.fresh("Crew");
        let r = self
            .t
            .call(
                Method::POST,
                "/api/v1/contact-groups",
                Some(&self.user),
                Some(json!({"name": group_name, "members": [contact]})),
            )
            .await
            .expect(StatusCode::CREATED);
        let group = r.body["id"].as_str().unwrap().to_owned();
        (contact, name, group, group_name)
    }

    /// A new calendar of the user's: (id, its unique name). An account has at most 100,
    /// so most calls share one (`user_calendar`).
    async fn fresh_calendar(&self) -> (String, String) {
        let name = self.fresh("Rota");
        let r = self
            .t
            .call(
                Method::POST,
                "/api/v1/calendars",
                Some(&self.user),
                Some(json!({"name": name})),
            )
            .await
            .expect(StatusCode::CREATED);
        (r.body["id"].as_str().unwrap().to_owned(), name)
    }

    /// A fresh campaign of example.com with an image: (id, its unique name).
    async fn ad_campaign(&self) -> (String, String) {
        let name = self.fresh("Campaign");
        let actor = osprey_directory::Actor::Operator;
        let c = self
            .t
            .directory
            .create_ad_campaign(
                &actor,
                osprey_directory::ads::AdCampaignRequest {
                    domain: Some("example.com".into()),
                    name: name.clone(),
                    text: "Half price".into(),
                    link_url: "https://shop.example/".into(),
                    targets: vec!["webmail".into()],
                    enabled: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        self.t
            .directory
            .set_ad_image(&actor, &c.id, Some(b"GIF89a tiny".to_vec()))
            .await
            .unwrap();
        (c.id, name)
    }

    /// A fresh account of example.com that sees no ads: (id, address).
    async fn ad_exempt_account(&self) -> (String, String) {
        let address = format!("{}@example.com", self.fresh("exempt"));
        let id = self.t.add_account(&address, Role::User, &[]).await;
        self.t
            .directory
            .exempt_from_ads(&osprey_directory::Actor::Operator, &address)
            .await
            .unwrap();
        (id, address)
    }

    /// The user's shared test calendar with a new event in the first week of June 2026:
    /// (calendar id, its unique name, event id, the event's unique title).
    async fn user_calendar(&self) -> (String, String, String, String) {
        let (calendar, name) = self
            .calendar
            .get_or_init(|| self.fresh_calendar())
            .await
            .clone();
        let title = self.fresh("Shift");
        let r = self
            .t
            .call(
                Method::POST,
                &format!("/api/v1/calendars/{calendar}/events"),
                Some(&self.user),
                Some(json!({"title": title, "start": "2026-06-02T08:00", "end": "2026-06-02T16:00", "time_zone": "Europe/Berlin"})),
            )
            .await
            .expect(StatusCode::CREATED);
        let event = r.body["id"].as_str().unwrap().to_owned();
        (calendar, name, event, title)
    }

    /// A fresh calendar of the user's with a task and a note sharing one unique word:
    /// (calendar id, task id, note id, the word).
    async fn user_items(&self) -> (String, String, String, String) {
        let (calendar, ..) = self.user_calendar().await;
        let word = self.fresh("Errand");
        let task = self
            .t
            .call(
                Method::POST,
                &format!("/api/v1/calendars/{calendar}/tasks"),
                Some(&self.user),
                Some(json!({"title": word})),
            )
            .await
            .expect(StatusCode::CREATED)
            .body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let note = self
            .t
            .call(
                Method::POST,
                &format!("/api/v1/calendars/{calendar}/notes"),
                Some(&self.user),
                Some(json!({"title": word, "day": "2026-06-08"})),
            )
            .await
            .expect(StatusCode::CREATED)
            .body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        (calendar, task, note, word)
    }

    /// A run of the user's rules over its INBOX, waited for (so that the matrix's own
    /// run does not find one still going).
    async fn finished_run(&self) -> String {
        let r = self
            .t
            .call(
                Method::POST,
                "/api/v1/rules/runs",
                Some(&self.user),
                Some(json!({"mailbox_id": self.inbox})),
            )
            .await
            .expect(StatusCode::ACCEPTED);
        let id = r.body["id"].as_str().unwrap().to_owned();
        for _ in 0..200 {
            let r = self
                .t
                .call(
                    Method::GET,
                    &format!("/api/v1/rules/runs/{id}"),
                    Some(&self.user),
                    None,
                )
                .await
                .expect(StatusCode::OK);
            if r.body["state"] != "running" {
                return id;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the run did not finish");
    }

    /// A message of the user's in the queue, for another server.
    async fn queue_one(&self) -> String {
        let r = self
            .t
            .call(
                Method::POST,
                "/api/v1/messages/send",
                Some(&self.user),
                Some(json!({"to": ["someone@remote.example"], "subject": "s", "text": "t"})),
            )
            .await
            .expect(StatusCode::CREATED);
        r.body["queue_id"].as_str().unwrap().to_owned()
    }

    async fn key_of(&self, token: &str) -> String {
        let r = self
            .t
            .call(
                Method::POST,
                "/api/v1/me/api-keys",
                Some(token),
                Some(json!({"name": self.fresh("key"), "scopes": ["account:read"]})),
            )
            .await
            .expect(StatusCode::CREATED);
        r.body["key"]["id"].as_str().unwrap().to_owned()
    }

    async fn fresh_account(&self, role: Role, manages: &[&str]) -> (String, String) {
        let address = format!("{}@example.com", self.fresh("fresh"));
        let address = if role == Role::DomainAdmin {
            address.replace("@example.com", "@other.example")
        } else {
            address
        };
        let id = self.t.add_account(&address, role, manages).await;
        (id, address)
    }

    /// The refresh token of a session of an account that is nobody's in this test, so
    /// that signing it out cannot end the callers' sessions.
    async fn throwaway_session(&self) -> String {
        let (_, address) = self.fresh_account(Role::User, &[]).await;
        let r = self
            .t
            .login(&address, PASSWORD)
            .await
            .expect(StatusCode::OK);
        r.body["refresh_token"].as_str().unwrap().to_owned()
    }

    /// A fresh mailing list of the user's domain with one member: (id, address).
    async fn fresh_list(&self) -> (String, String) {
        let address = format!("{}@example.com", self.fresh("team"));
        let l = self
            .admin_call(
                Method::POST,
                "/api/v1/admin/lists",
                json!({"address": address, "name": "Team"}),
            )
            .await;
        let id = l["id"].as_str().unwrap().to_owned();
        self.admin_call(
            Method::POST,
            &format!("/api/v1/admin/lists/{id}/members"),
            json!({"address": TARGET}),
        )
        .await;
        (id, address)
    }

    /// A fresh list the user is a member of.
    async fn list_of_user(&self) -> String {
        let (list, _) = self.fresh_list().await;
        self.admin_call(
            Method::POST,
            &format!("/api/v1/admin/lists/{list}/members"),
            json!({"address": USER}),
        )
        .await;
        list
    }

    /// What to send for `operation` as `caller`; destructive calls get fresh targets.
    async fn prepare(&self, operation: &str, caller: Caller) -> Call {
        let id = |v: &str| Some(v.to_owned());
        match operation {
            "login" => Call {
                body: Some(json!({"username": USER, "password": PASSWORD})),
                ..Call::default()
            },
            "refresh" | "logout" => Call {
                body: Some(json!({"refresh_token": self.throwaway_session().await})),
                ..Call::default()
            },
            "healthz" | "readyz" | "metrics" | "get_me" => Call::default(),
            "update_me" => Call {
                body: Some(json!({"display_name": "Renamed"})),
                ..Call::default()
            },
            "change_password" => {
                // A fresh account of the caller's kind: the callers keep their sessions.
                let role = match caller {
                    Caller::ServerAdmin => Some((Role::Admin, vec![])),
                    Caller::OtherDomainAdmin => Some((Role::DomainAdmin, vec!["other.example"])),
                    Caller::User => Some((Role::User, vec![])),
                    Caller::Anonymous => None,
                };
                let token = match role {
                    Some((role, manages)) => {
                        let (_, address) = self.fresh_account(role, &manages).await;
                        Some(self.t.token(&address).await)
                    }
                    None => None,
                };
                Call {
                    body: Some(
                        json!({"current_password": PASSWORD, "new_password": "Other-Lantern-77k"}),
                    ),
                    token,
                    ..Call::default()
                }
            }
            "list_api_keys" => Call {
                marker: id(&self.user_key),
                ..Call::default()
            },
            "create_api_key" => Call {
                body: Some(json!({"name": self.fresh("k"), "scopes": ["account:read"]})),
                ..Call::default()
            },
            "delete_api_key" => Call {
                id: Some(self.key_of(&self.user).await),
                ..Call::default()
            },
            "list_mailboxes" => Call {
                marker: id(&self.inbox),
                ..Call::default()
            },
            "list_messages" => Call {
                id: id(&self.inbox),
                ..Call::default()
            },
            "update_flags" => Call {
                id: id(&self.message),
                body: Some(json!({"add": ["\\Flagged"]})),
                ..Call::default()
            },
            "send_message" => Call {
                body: Some(json!({"to": [USER], "subject": "s", "text": "t"})),
                ..Call::default()
            },
            "list_outbound" => Call {
                marker: id(&self.queued),
                ..Call::default()
            },
            "get_outbound" | "get_queued" => Call {
                id: id(&self.queued),
                ..Call::default()
            },
            "retry_queued" | "bounce_queued" | "delete_queued" => Call {
                id: Some(self.queue_one().await),
                ..Call::default()
            },
            "list_queue" => Call::default(),
            "list_domains" => Call {
                marker: id(&self.domain),
                ..Call::default()
            },
            "create_domain" => Call {
                body: Some(json!({"name": format!("{}.example", self.fresh("d"))})),
                ..Call::default()
            },
            "get_domain" | "get_dkim" | "rotate_dkim" | "get_domain_dns" => Call {
                id: id(&self.domain),
                ..Call::default()
            },
            "update_domain" => Call {
                id: id(&self.domain),
                body: Some(json!({"enabled": true})),
                ..Call::default()
            },
            "delete_domain" => {
                let name = format!("{}.example", self.fresh("gone"));
                let d = self
                    .admin_call(Method::POST, "/api/v1/admin/domains", json!({"name": name}))
                    .await;
                Call {
                    id: Some(d["id"].as_str().unwrap().to_owned()),
                    ..Call::default()
                }
            }
            "list_accounts" => Call {
                marker: id(&self.target),
                ..Call::default()
            },
            "create_account" => Call {
                body: Some(json!({
                    "address": format!("{}@example.com", self.fresh("new")),
                    "password": PASSWORD,
                })),
                ..Call::default()
            },
            "get_account" => Call {
                id: id(&self.target),
                ..Call::default()
            },
            "update_account" => Call {
                id: Some(self.fresh_account(Role::User, &[]).await.0),
                body: Some(json!({"display_name": "Changed"})),
                ..Call::default()
            },
            "delete_account" => Call {
                id: Some(self.fresh_account(Role::User, &[]).await.0),
                ..Call::default()
            },
            "list_aliases" => Call {
                marker: id(&self.alias),
                ..Call::default()
            },
            "create_alias" => Call {
                body: Some(json!({
                    "address": format!("{}@example.com", self.fresh("list")),
                    "targets": [TARGET],
                })),
                ..Call::default()
            },
            "get_alias" => Call {
                id: id(&self.alias),
                ..Call::default()
            },
            "update_alias" | "delete_alias" => {
                let address = format!("{}@example.com", self.fresh("alias"));
                let a = self
                    .admin_call(
                        Method::POST,
                        "/api/v1/admin/aliases",
                        json!({"address": address, "targets": [TARGET]}),
                    )
                    .await;
                Call {
                    id: Some(a["id"].as_str().unwrap().to_owned()),
                    body: (operation == "update_alias").then(|| json!({"targets": [USER]})),
                    ..Call::default()
                }
            }
            "list_lists" => Call {
                marker: Some(self.fresh_list().await.1),
                ..Call::default()
            },
            "create_list" => Call {
                body: Some(json!({
                    "address": format!("{}@example.com", self.fresh("newlist")),
                    "name": "New list",
                })),
                ..Call::default()
            },
            "get_list" | "delete_list" | "list_members" | "export_members" => Call {
                id: Some(self.fresh_list().await.0),
                ..Call::default()
            },
            "update_list" => Call {
                id: Some(self.fresh_list().await.0),
                body: Some(json!({"name": "Renamed"})),
                ..Call::default()
            },
            "add_member" => Call {
                id: Some(self.fresh_list().await.0),
                body: Some(json!({"address": format!("{}@far.example", self.fresh("m"))})),
                ..Call::default()
            },
            "import_members" => Call {
                id: Some(self.fresh_list().await.0),
                body: Some(
                    json!({"csv": format!("{}@far.example", self.fresh("m")), "notify": false}),
                ),
                ..Call::default()
            },
            "list_held" | "list_statistics" => Call {
                id: Some(self.fresh_list().await.0),
                ..Call::default()
            },
            "list_archive" | "archive_mbox" => Call {
                id: Some(self.list_of_user().await),
                ..Call::default()
            },
            "archive_thread" => {
                let list = self.list_of_user().await;
                let post = self
                    .t
                    .store
                    .list_posts()
                    .add(osprey_store::NewListPost {
                        list_id: list.clone(),
                        subject: "Hello".into(),
                        blob_hash: self
                            .t
                            .submission
                            .delivery()
                            .blobs()
                            .put(b"Subject: Hello\r\n\r\nHi\r\n".to_vec())
                            .await
                            .unwrap(),
                        ..Default::default()
                    })
                    .await
                    .unwrap();
                Call {
                    id: Some(format!("{list}|{}", post.thread_id)),
                    ..Call::default()
                }
            }
            "moderate" => {
                let (list, _) = self.fresh_list().await;
                let held = self
                    .t
                    .store
                    .lists()
                    .hold_post(
                        &list,
                        TARGET,
                        "held",
                        "0000",
                        10,
                        chrono::Utc::now() + chrono::Duration::days(1),
                    )
                    .await
                    .unwrap();
                Call {
                    id: Some(format!("{list}|{}", held.id)),
                    body: Some(json!({"action": "discard"})),
                    ..Call::default()
                }
            }
            "my_lists" => Call::default(),
            // A fresh list the user belongs to: the user leaves it or changes its mode;
            // others are no member of it.
            "leave_list" => Call {
                id: Some(self.list_of_user().await),
                ..Call::default()
            },
            "update_my_list" => Call {
                id: Some(self.list_of_user().await),
                body: Some(json!({"delivery_mode": "digest"})),
                ..Call::default()
            },
            "update_member" => Call {
                id: Some(format!("{}|{TARGET}", self.fresh_list().await.0)),
                body: Some(json!({"delivery_mode": "nomail"})),
                ..Call::default()
            },
            "remove_member" => Call {
                id: Some(format!("{}|{TARGET}", self.fresh_list().await.0)),
                ..Call::default()
            },
            "list_send_as" => Call {
                id: id(&self.target),
                ..Call::default()
            },
            "grant_send_as" => Call {
                id: id(&self.target),
                body: Some(json!({"address": format!("{}@example.com", self.fresh("as"))})),
                ..Call::default()
            },
            "revoke_send_as" => {
                let address = format!("{}@example.com", self.fresh("as"));
                let g = self
                    .admin_call(
                        Method::POST,
                        &format!("/api/v1/admin/accounts/{}/send-as", self.target),
                        json!({ "address": address }),
                    )
                    .await;
                Call {
                    id: Some(format!("{}|{}", self.target, g["id"].as_str().unwrap())),
                    ..Call::default()
                }
            }
            "my_send_as" | "get_postmaster" | "list_my_login_failures" => Call::default(),
            "get_rules" | "get_sieve" | "get_vacation" => Call::default(),
            "put_rules" => Call {
                body: Some(json!({"rules": [{"name": "r", "actions": [{"type": "mark_read"}]}]})),
                ..Call::default()
            },
            "put_sieve" => Call {
                body: Some(json!({"script": "require \"fileinto\";\nfileinto \"Junk\";\n"})),
                ..Call::default()
            },
            "put_vacation" => Call {
                body: Some(json!({"enabled": true, "vacation": {"body": "Away"}})),
                ..Call::default()
            },
            "test_rules" => Call {
                body: Some(json!({"message_id": self.message})),
                ..Call::default()
            },
            "move_messages" | "copy_messages" => Call {
                body: Some(json!({"ids": [self.fresh_message().await], "mailbox_id": self.inbox})),
                ..Call::default()
            },
            "delete_messages" | "report_junk" | "report_not_junk" => Call {
                body: Some(json!({"ids": [self.fresh_message().await]})),
                ..Call::default()
            },
            "flag_messages" => Call {
                body: Some(json!({"ids": [self.message.clone()], "add": ["\\Flagged"]})),
                ..Call::default()
            },
            "mark_mailbox_read" => Call {
                id: id(&self.inbox),
                ..Call::default()
            },
            "empty_mailbox" => Call {
                id: Some(self.user_junk().await),
                ..Call::default()
            },
            "search_messages" => {
                // Every caller searches for the user's fresh message: only the user finds it.
                let subject = self.fresh("needle");
                self.t
                    .call(
                        Method::POST,
                        "/api/v1/messages/send",
                        Some(&self.user),
                        Some(json!({"to": [USER], "subject": subject, "text": "t"})),
                    )
                    .await
                    .expect(StatusCode::CREATED);
                Call {
                    query: Some(format!("q=subject:{subject}")),
                    marker: Some(subject),
                    ..Call::default()
                }
            }
            "create_download_link" => Call {
                id: id(&self.message),
                body: Some(json!({})),
                ..Call::default()
            },
            "download" => {
                let r = self
                    .t
                    .call(
                        Method::POST,
                        &format!("/api/v1/messages/{}/download", self.message),
                        Some(&self.user),
                        Some(json!({})),
                    )
                    .await
                    .expect(StatusCode::OK);
                let url = r.body["url"].as_str().unwrap();
                Call {
                    id: Some(url.rsplit('/').next().unwrap().to_owned()),
                    ..Call::default()
                }
            }
            "get_message_invitation" | "answer_message_invitation" => {
                // An invitation from elsewhere in the user's INBOX.
                let user = self
                    .t
                    .store
                    .accounts()
                    .account_by_address(&osprey_core::Address::parse(USER).unwrap())
                    .await
                    .unwrap();
                let uid = self.fresh("invite");
                let message = format!(
                    "From: olga@far.example\r\nTo: {USER}\r\nSubject: Invitation\r\n\
                     MIME-Version: 1.0\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n\
                     BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Far//EN\r\nMETHOD:REQUEST\r\n\
                     BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260601T000000Z\r\nSUMMARY:Board\r\n\
                     DTSTART:20260610T080000Z\r\nDTEND:20260610T090000Z\r\n\
                     ORGANIZER:mailto:olga@far.example\r\nATTENDEE:mailto:{USER}\r\n\
                     END:VEVENT\r\nEND:VCALENDAR\r\n"
                );
                let landed = self
                    .t
                    .submission
                    .delivery()
                    .deliver(&[user.id], "INBOX", message.as_bytes(), 0)
                    .await
                    .unwrap();
                Call {
                    id: Some(landed[0].id.clone()),
                    body: (operation == "answer_message_invitation")
                        .then(|| json!({"status": "tentative"})),
                    ..Call::default()
                }
            }
            "get_message" => Call {
                id: id(&self.message),
                ..Call::default()
            },
            "get_thread" => {
                let r = self
                    .t
                    .call(
                        Method::GET,
                        &format!("/api/v1/mailboxes/{}/messages", self.inbox),
                        Some(&self.user),
                        None,
                    )
                    .await
                    .expect(StatusCode::OK);
                let item = r.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|m| m["id"] == self.message.as_str())
                    .unwrap();
                Call {
                    id: Some(item["thread_id"].as_str().unwrap().to_owned()),
                    ..Call::default()
                }
            }
            "start_reply" => Call {
                id: id(&self.message),
                query: Some("mode=reply_all".into()),
                ..Call::default()
            },
            "save_draft" => Call {
                body: Some(json!({"to": [USER], "subject": "Draft", "text": "t"})),
                ..Call::default()
            },
            "get_draft" => {
                let r = self
                    .t
                    .call(
                        Method::POST,
                        "/api/v1/drafts",
                        Some(&self.user),
                        Some(json!({"subject": self.fresh("draft")})),
                    )
                    .await
                    .expect(StatusCode::CREATED);
                Call {
                    id: Some(r.body["id"].as_str().unwrap().to_owned()),
                    ..Call::default()
                }
            }
            "create_events_ticket" => Call::default(),
            "open_events" => {
                // The user's ticket opens the user's stream, whoever presents it: the
                // ticket is the credential (as a download link is).
                let r = self
                    .t
                    .call(
                        Method::POST,
                        "/api/v1/events/ticket",
                        Some(&self.user),
                        None,
                    )
                    .await
                    .expect(StatusCode::OK);
                let url = r.body["url"].as_str().unwrap();
                Call {
                    id: Some(url.rsplit('/').next().unwrap().to_owned()),
                    stream: true,
                    ..Call::default()
                }
            }
            "upload_file" => Call {
                raw: Some(upload_form("notes.txt", "some notes")),
                ..Call::default()
            },
            "delete_upload" => {
                let (ct, body) = upload_form("gone.txt", "soon gone");
                let r = self
                    .t
                    .raw(
                        Method::POST,
                        "/api/v1/uploads",
                        Some(&self.user),
                        Some(&ct),
                        &body,
                    )
                    .await
                    .expect(StatusCode::CREATED);
                Call {
                    id: Some(r.body["id"].as_str().unwrap().to_owned()),
                    ..Call::default()
                }
            }
            "create_mailbox" => Call {
                body: Some(json!({"name": self.fresh("Made")})),
                ..Call::default()
            },
            "update_mailbox" => Call {
                id: Some(self.user_mailbox().await),
                body: Some(json!({"name": self.fresh("Renamed"), "subscribed": false})),
                ..Call::default()
            },
            "delete_mailbox" => Call {
                id: Some(self.user_mailbox().await),
                ..Call::default()
            },
            "list_contacts" | "export_contacts" => Call {
                marker: Some(self.user_contact().await.1),
                ..Call::default()
            },
            "suggest_recipients" => Call {
                // Every caller asks for the user's contact: only the user gets it.
                query: Some("q=zebulon".into()),
                marker: Some(self.user_contact().await.1),
                ..Call::default()
            },
            "spell_languages" | "get_preferences" => Call::default(),
            "put_preferences" => Call {
                body: Some(json!({"messages_per_page": 100})),
                ..Call::default()
            },
            "check_spelling" => Call {
                body: Some(json!({"text": "Teh report", "lang": "en_US"})),
                ..Call::default()
            },
            "list_personal_words" => Call {
                marker: Some(self.user_word().await),
                ..Call::default()
            },
            "add_personal_word" => Call {
                body: Some(json!({"word": self.fresh("Wordy").replace(char::is_numeric, "")})),
                ..Call::default()
            },
            "remove_personal_word" => Call {
                id: Some(self.user_word().await),
                ..Call::default()
            },
            "list_calendars" => Call {
                marker: Some(self.user_calendar().await.1),
                ..Call::default()
            },
            "create_calendar" => Call {
                body: Some(json!({"name": self.fresh("Made")})),
                ..Call::default()
            },
            "get_calendar" => Call {
                id: Some(self.user_calendar().await.0),
                ..Call::default()
            },
            "delete_calendar" => Call {
                id: Some(self.fresh_calendar().await.0),
                ..Call::default()
            },
            "replace_calendar" => Call {
                id: Some(self.user_calendar().await.0),
                body: Some(json!({"name": self.fresh("Renamed"), "color": "#112233"})),
                ..Call::default()
            },
            "share_calendar" => Call {
                id: Some(self.user_calendar().await.0),
                body: Some(json!({"address": TARGET, "access": "read"})),
                ..Call::default()
            },
            "unshare_calendar" => {
                let (calendar, ..) = self.user_calendar().await;
                self.t
                    .call(
                        Method::PUT,
                        &format!("/api/v1/calendars/{calendar}/shares"),
                        Some(&self.user),
                        Some(json!({"address": TARGET, "access": "read"})),
                    )
                    .await
                    .expect(StatusCode::OK);
                Call {
                    id: Some(format!("{calendar}|{}", self.target)),
                    ..Call::default()
                }
            }
            "list_due_reminders" => {
                let (calendar, ..) = self.user_calendar().await;
                let title = self.fresh("Dentist");
                self.t
                    .call(
                        Method::POST,
                        &format!("/api/v1/calendars/{calendar}/events"),
                        Some(&self.user),
                        Some(json!({"title": title, "start": "2026-06-03T10:00", "end": "2026-06-03T11:00",
                            "time_zone": "UTC", "reminders": [{"minutes_before": 30}]})),
                    )
                    .await
                    .expect(StatusCode::CREATED);
                Call {
                    query: Some("from=2026-06-03T09:00:00Z&to=2026-06-03T10:00:00Z".into()),
                    marker: Some(title),
                    ..Call::default()
                }
            }
            "list_occurrences" => Call {
                query: Some("from=2026-06-01T00:00:00Z&to=2026-06-08T00:00:00Z".into()),
                marker: Some(self.user_calendar().await.3),
                ..Call::default()
            },
            "create_event" => Call {
                id: Some(self.user_calendar().await.0),
                body: Some(
                    json!({"title": self.fresh("Made"), "start": "2026-06-02T10:00", "end": "2026-06-02T11:00", "time_zone": "UTC"}),
                ),
                ..Call::default()
            },
            "answer_invitation" => {
                // The server admin invites the user; the user answers in its calendar.
                let admin_calendar = self
                    .t
                    .call(Method::GET, "/api/v1/calendars", Some(&self.admin), None)
                    .await
                    .expect(StatusCode::OK)
                    .body[0]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                let title = self.fresh("Invite");
                self.t
                    .call(
                        Method::POST,
                        &format!("/api/v1/calendars/{admin_calendar}/events"),
                        Some(&self.admin),
                        Some(json!({"title": title, "start": "2026-06-04T10:00", "end": "2026-06-04T11:00",
                            "time_zone": "UTC", "attendees": [{"address": USER}]})),
                    )
                    .await
                    .expect(StatusCode::CREATED);
                let found = self
                    .t
                    .call(
                        Method::GET,
                        &format!("/api/v1/calendars/search?q={title}"),
                        Some(&self.user),
                        None,
                    )
                    .await
                    .expect(StatusCode::OK);
                let copy = &found.body["events"][0];
                Call {
                    id: Some(format!(
                        "{}|{}",
                        copy["calendar_id"].as_str().unwrap(),
                        copy["id"].as_str().unwrap()
                    )),
                    body: Some(json!({"status": "accepted"})),
                    ..Call::default()
                }
            }
            "get_event" | "delete_event" => {
                let (calendar, _, event, _) = self.user_calendar().await;
                Call {
                    id: Some(format!("{calendar}|{event}")),
                    ..Call::default()
                }
            }
            "replace_event" => {
                let (calendar, _, event, _) = self.user_calendar().await;
                Call {
                    id: Some(format!("{calendar}|{event}")),
                    body: Some(
                        json!({"title": self.fresh("Moved"), "start": "2026-06-03T10:00", "end": "2026-06-03T11:00"}),
                    ),
                    ..Call::default()
                }
            }
            "import_calendar" => Call {
                id: Some(self.user_calendar().await.0),
                body: Some(
                    json!({"ics": format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:{}@matrix\r\nSUMMARY:Imported\r\nDTSTART:20260605T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", self.fresh("u"))}),
                ),
                ..Call::default()
            },
            "export_calendar" | "create_calendar_feed" => Call {
                id: Some(self.user_calendar().await.0),
                ..Call::default()
            },
            "delete_calendar_feed" | "calendar_feed" => {
                let (calendar, _, _, title) = self.user_calendar().await;
                let r = self
                    .t
                    .call(
                        Method::POST,
                        &format!("/api/v1/calendars/{calendar}/feed"),
                        Some(&self.user),
                        None,
                    )
                    .await
                    .expect(StatusCode::CREATED);
                let url = r.body["url"].as_str().unwrap();
                let token = url.rsplit('/').next().unwrap().to_owned();
                if operation == "calendar_feed" {
                    Call {
                        id: Some(token),
                        marker: Some(title),
                        ..Call::default()
                    }
                } else {
                    Call {
                        id: Some(calendar),
                        ..Call::default()
                    }
                }
            }
            "search_calendars" => {
                let title = self.user_calendar().await.3;
                Call {
                    query: Some(format!("q={title}")),
                    marker: Some(title),
                    ..Call::default()
                }
            }
            "list_tasks" | "list_notes" => {
                let (_, _, _, title) = self.user_items().await;
                Call {
                    query: Some("filter=all".into()).filter(|_| operation == "list_tasks"),
                    marker: Some(title),
                    ..Call::default()
                }
            }
            "create_task" => Call {
                id: Some(self.user_calendar().await.0),
                body: Some(json!({"title": self.fresh("Todo"), "due": "2026-06-09"})),
                ..Call::default()
            },
            "create_note" => Call {
                id: Some(self.user_calendar().await.0),
                body: Some(json!({"title": self.fresh("Note"), "day": "2026-06-09"})),
                ..Call::default()
            },
            "get_task" | "delete_task" | "replace_task" => {
                let (calendar, task, _, _) = self.user_items().await;
                Call {
                    id: Some(format!("{calendar}|{task}")),
                    body: (operation == "replace_task")
                        .then(|| json!({"title": self.fresh("Done"), "status": "completed"})),
                    ..Call::default()
                }
            }
            "replace_note" | "delete_note" => {
                let (calendar, _, note, _) = self.user_items().await;
                Call {
                    id: Some(format!("{calendar}|{note}")),
                    body: (operation == "replace_note")
                        .then(|| json!({"title": self.fresh("Renote"), "day": "2026-06-10"})),
                    ..Call::default()
                }
            }
            "free_busy" => {
                // A busy event of the user's; the marker is its UTC start, which only a
                // caller of the user's domain sees.
                let (calendar, ..) = self.user_calendar().await;
                let start = format!(
                    "2026-07-{:02}T10:00",
                    1 + self.counter.fetch_add(1, Ordering::Relaxed) % 28
                );
                self.t
                    .call(
                        Method::POST,
                        &format!("/api/v1/calendars/{calendar}/events"),
                        Some(&self.user),
                        Some(json!({"title": self.fresh("Busy"), "start": start, "end": start.replace("T10", "T11"), "time_zone": "UTC"})),
                    )
                    .await
                    .expect(StatusCode::CREATED);
                Call {
                    query: Some(format!(
                        "addresses={USER}&from=2026-07-01T00:00:00Z&to=2026-08-01T00:00:00Z"
                    )),
                    marker: Some(format!("{start}:00Z")),
                    ..Call::default()
                }
            }
            "list_contact_groups" => Call {
                marker: Some(self.user_contact().await.3),
                ..Call::default()
            },
            "create_contact" => Call {
                body: Some(json!({"full_name": self.fresh("Made")})),
                ..Call::default()
            },
            "get_contact" | "delete_contact" => Call {
                id: Some(self.user_contact().await.0),
                ..Call::default()
            },
            "replace_contact" => Call {
                id: Some(self.user_contact().await.0),
                body: Some(json!({"full_name": self.fresh("Renamed")})),
                ..Call::default()
            },
            "import_contacts" => Call {
                body: Some(
                    json!({"vcard": format!("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:{}\r\nEND:VCARD\r\n", self.fresh("Imported"))}),
                ),
                ..Call::default()
            },
            "create_contact_group" => Call {
                body: Some(json!({"name": self.fresh("Group")})),
                ..Call::default()
            },
            "replace_contact_group" => Call {
                id: Some(self.user_contact().await.2),
                body: Some(json!({"name": self.fresh("Regrouped")})),
                ..Call::default()
            },
            "delete_contact_group" => Call {
                id: Some(self.user_contact().await.2),
                ..Call::default()
            },
            "start_run" => Call {
                body: Some(json!({"mailbox_id": self.inbox})),
                ..Call::default()
            },
            "get_run" => Call {
                id: id(&self.run),
                ..Call::default()
            },
            "get_domain_rules" => Call {
                id: id(&self.domain),
                ..Call::default()
            },
            "put_domain_rules" => Call {
                id: id(&self.domain),
                body: Some(json!({"rules": []})),
                ..Call::default()
            },
            "get_account_stats" => Call {
                id: id(&self.target),
                ..Call::default()
            },
            "list_account_login_failures" => Call {
                id: id(&self.target),
                ..Call::default()
            },
            "set_postmaster" => Call {
                body: Some(json!({ "address": ADMIN })),
                ..Call::default()
            },
            "list_ip_rules" | "list_kill_entries" | "get_relay_policy" => Call::default(),
            "create_ip_rule" => Call {
                body: Some(json!({"action": "deny", "network": "192.0.2.0/24"})),
                ..Call::default()
            },
            "delete_ip_rule" => {
                let r = self
                    .admin_call(
                        Method::POST,
                        "/api/v1/admin/ip-rules",
                        json!({"action": "deny", "network": "198.51.100.0/24"}),
                    )
                    .await;
                Call {
                    id: Some(r["id"].as_str().unwrap().to_owned()),
                    ..Call::default()
                }
            }
            "move_ip_rule" => {
                let r = self
                    .admin_call(
                        Method::POST,
                        "/api/v1/admin/ip-rules",
                        json!({"action": "allow", "network": "198.51.100.7"}),
                    )
                    .await;
                Call {
                    id: Some(r["id"].as_str().unwrap().to_owned()),
                    body: Some(json!({"position": 1})),
                    ..Call::default()
                }
            }
            "create_kill_entry" => Call {
                body: Some(
                    json!({"kind": "address", "value": format!("{}@spam.example", self.fresh("s"))}),
                ),
                ..Call::default()
            },
            "delete_kill_entry" => {
                let value = format!("{}@spam.example", self.fresh("k"));
                let r = self
                    .admin_call(
                        Method::POST,
                        "/api/v1/admin/kill-file",
                        json!({"kind": "address", "value": value}),
                    )
                    .await;
                Call {
                    id: Some(r["id"].as_str().unwrap().to_owned()),
                    ..Call::default()
                }
            }
            // The alias the world made through the API is example.com's change.
            "list_audit" => Call {
                marker: Some("team@example.com".to_owned()),
                ..Call::default()
            },
            "get_audit_settings" => Call::default(),
            "get_server_settings" => Call::default(),
            "get_server_stats" => Call::default(),
            "list_ad_campaigns" => Call {
                marker: Some(self.ad_campaign().await.1),
                ..Call::default()
            },
            "create_ad_campaign" => Call {
                body: Some(json!({
                    "domain": "example.com", "name": self.fresh("Spring sale"), "text": "Half price",
                    "link_url": "https://shop.example/", "targets": ["webmail"]
                })),
                ..Call::default()
            },
            "get_ad_campaign" | "delete_ad_campaign" | "delete_ad_image" | "list_ad_days"
            | "get_ad_image" | "click_ad" => Call {
                id: Some(self.ad_campaign().await.0),
                ..Call::default()
            },
            "update_ad_campaign" => Call {
                id: Some(self.ad_campaign().await.0),
                body: Some(json!({
                    "domain": "example.com", "name": self.fresh("Renamed"), "text": "Half price",
                    "link_url": "https://shop.example/", "targets": ["calendar"]
                })),
                ..Call::default()
            },
            "put_ad_image" => Call {
                id: Some(self.ad_campaign().await.0),
                raw: Some(upload_form("ad.gif", "GIF89a tiny")),
                ..Call::default()
            },
            "list_ad_exemptions" => Call {
                marker: Some(self.ad_exempt_account().await.1),
                ..Call::default()
            },
            "add_ad_exemption" => {
                let address = format!("{}@example.com", self.fresh("paying"));
                self.t.add_account(&address, Role::User, &[]).await;
                Call {
                    body: Some(json!({ "address": address })),
                    ..Call::default()
                }
            }
            "remove_ad_exemption" => Call {
                id: Some(self.ad_exempt_account().await.0),
                ..Call::default()
            },
            "get_ad_slot" => Call {
                query: Some("target=webmail".to_owned()),
                ..Call::default()
            },
            "get_login_ad" => Call::default(),
            "get_branding" | "delete_branding" => Call {
                query: Some("domain=example.com".into()),
                ..Call::default()
            },
            "put_branding" => Call {
                query: Some("domain=example.com".into()),
                body: Some(json!({ "product_name": self.fresh("Example Mail") })),
                ..Call::default()
            },
            "put_branding_image" => Call {
                id: Some("logo".into()),
                query: Some("domain=example.com".into()),
                raw: Some(upload_form("logo.gif", "GIF89a tiny")),
                ..Call::default()
            },
            "delete_branding_image" => Call {
                id: Some("favicon".into()),
                query: Some("domain=example.com".into()),
                ..Call::default()
            },
            "get_page_branding" | "get_branding_stylesheet" | "get_branding_custom_css" => Call {
                query: Some("domain=example.com".into()),
                ..Call::default()
            },
            "get_branding_image" => {
                self.t
                    .directory
                    .set_branding_image(
                        &osprey_directory::Actor::Operator,
                        Some("example.com"),
                        osprey_store::BrandImage::Logo,
                        Some(b"GIF89a tiny".to_vec()),
                    )
                    .await
                    .unwrap();
                Call {
                    id: Some("logo".into()),
                    query: Some("domain=example.com".into()),
                    ..Call::default()
                }
            }
            "list_domain_admins" => Call {
                id: id(&self.domain),
                ..Call::default()
            },
            "add_domain_admin" => {
                let address = format!("{}@example.com", self.fresh("delegate"));
                self.t.add_account(&address, Role::User, &[]).await;
                Call {
                    id: id(&self.domain),
                    body: Some(json!({ "address": address })),
                    ..Call::default()
                }
            }
            "remove_domain_admin" => {
                let address = format!("{}@example.com", self.fresh("delegated"));
                let account = self
                    .t
                    .add_account(&address, Role::DomainAdmin, &["example.com"])
                    .await;
                Call {
                    id: Some(format!("{}|{account}", self.domain)),
                    ..Call::default()
                }
            }
            "import_accounts" => Call {
                body: Some(
                    json!({"csv": format!("{}@example.com", self.fresh("csv")), "dry_run": true}),
                ),
                ..Call::default()
            },
            "export_accounts" => Call {
                marker: Some(TARGET.to_owned()),
                ..Call::default()
            },
            "update_server_settings" => Call {
                body: Some(json!({"max_recipients": 50})),
                ..Call::default()
            },
            "set_audit_settings" => Call {
                body: Some(json!({"retention_days": 400})),
                ..Call::default()
            },
            "set_relay_policy" => Call {
                body: Some(json!({"mode": "local_users"})),
                ..Call::default()
            },
            "check_relay" => Call {
                body: Some(json!({"client_ip": "192.0.2.1", "recipient": "x@remote.example"})),
                ..Call::default()
            },
            other => panic!(
                "the matrix test does not know how to call `{other}`: add it to `prepare` \
                 (and its row to routes/authorization.rs)"
            ),
        }
    }
}

fn matches(access: Access, status: StatusCode, body: &Value, marker: Option<&str>) -> bool {
    match access {
        // A redirect (an ad's click) is an answer too.
        Access::Allowed => status.is_success() || status.is_redirection(),
        Access::Filtered => {
            let marker = marker.expect("a Filtered row needs a marker in `prepare`");
            status.is_success() && !body.to_string().contains(marker)
        }
        Access::Unauthenticated => status == StatusCode::UNAUTHORIZED,
        Access::Forbidden => status == StatusCode::FORBIDDEN,
        Access::Hidden => status == StatusCode::NOT_FOUND,
    }
}

#[tokio::test]
async fn every_operation_answers_each_caller_as_the_table_says() {
    let w = World::new().await;
    let doc = serde_json::to_value(osprey_api::openapi()).unwrap();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap().to_owned();
            operations.push((id, method.to_uppercase(), path.clone()));
        }
    }
    let mut wrong = Vec::new();
    for (operation, method, path) in &operations {
        let Some(rule) = AUTHORIZATION.iter().find(|r| r.operation == operation) else {
            wrong.push(format!(
                "{operation} ({method} {path}) has no row in routes/authorization.rs"
            ));
            continue;
        };
        for caller in CALLERS {
            let call = w.prepare(operation, caller).await;
            // The path parameters in order, `|` between them.
            let mut target = path.clone();
            for id in call.id.iter().flat_map(|ids| ids.split('|')) {
                let start = target.find('{').expect("a path parameter");
                let end = start + target[start..].find('}').unwrap();
                target = format!("{}{id}{}", &target[..start], &target[end + 1..]);
            }
            if let Some(q) = &call.query {
                target = format!("{target}?{q}");
            }
            let token = call.token.clone().or_else(|| w.token(caller));
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let r = match &call.raw {
                _ if call.stream => w.t.head_only(method.clone(), &target).await,
                Some((ct, body)) => {
                    w.t.raw(method.clone(), &target, token.as_deref(), Some(ct), body)
                        .await
                }
                None => {
                    w.t.call(method.clone(), &target, token.as_deref(), call.body.clone())
                        .await
                }
            };
            let want = expected(rule, caller);
            if !matches(want, r.status, &r.body, call.marker.as_deref()) {
                let body = r.body.to_string();
                wrong.push(format!(
                    "{operation} as {caller:?}: the table says {want:?}, the server answered {} {}",
                    r.status,
                    &body[..body.len().min(200)]
                ));
            }
        }
    }
    for rule in AUTHORIZATION {
        if !operations.iter().any(|(id, _, _)| id == rule.operation) {
            wrong.push(format!(
                "routes/authorization.rs has a row for `{}`, which the document does not have",
                rule.operation
            ));
        }
    }
    assert!(operations.len() > 40);
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// What a user sent is account data: an API key reads it only with `account:read`, like
/// the mailboxes.
#[tokio::test]
async fn an_api_key_reads_sent_mail_only_with_account_read() {
    let w = World::new().await;
    let mut keys = Vec::new();
    for scopes in [json!(["account:write"]), json!(["account:read"])] {
        let r =
            w.t.call(
                Method::POST,
                "/api/v1/me/api-keys",
                Some(&w.user),
                Some(json!({"name": w.fresh("k"), "scopes": scopes})),
            )
            .await
            .expect(StatusCode::CREATED);
        keys.push(r.body["secret"].as_str().unwrap().to_owned());
    }
    let one = format!("/api/v1/messages/outbound/{}", w.queued);
    for path in ["/api/v1/messages/outbound", one.as_str()] {
        w.t.call(Method::GET, path, Some(&keys[0]), None)
            .await
            .expect(StatusCode::FORBIDDEN);
        w.t.call(Method::GET, path, Some(&keys[1]), None)
            .await
            .expect(StatusCode::OK);
    }
}
