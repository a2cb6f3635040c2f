//! A test application and a small client for it.

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode},
};
use http_body_util::BodyExt;
use osprey_api::{
    ApiSettings, AppState,
    auth::{JwtKeys, LoginThrottle, ThrottleLimits, install_crypto_provider},
};
use osprey_core::{Address, Role};
use osprey_store::{NewAccount, NewDomain, Store, testing::TestDb};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const ADMIN: &str = "root@example.com";
pub const PASSWORD: &str = "Vivid-Harbor-42x";
/// The machine's Hunspell dictionaries (Debian `hunspell-en-us`, which `.ci/run` installs).
pub const SPELL_DICTIONARIES: &str = "/usr/share/hunspell";
/// The message size limit of the test server (uploads and sent mail), small enough to
/// test.
pub const MAX_MESSAGE_SIZE: usize = 512 * 1024;

pub struct TestApp {
    pub app: Router,
    pub store: Store,
    /// The submission service the app sends and delivers with (to store raw messages).
    pub submission: osprey_mail::Submission,
    /// The upload area the composer uses.
    pub uploads: osprey_mail::outgoing::Uploads,
    /// Stops the app as the server does when it shuts down.
    pub stop: osprey_net::ShutdownTrigger,
    /// The DNS server the app's resolver asks (empty until a test adds records).
    pub dns: osprey_mail::dns::testing::DnsServer,
    /// The directory the app uses (its server settings in force).
    pub directory: osprey_directory::Directory,
    _db: TestDb,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl TestApp {
    /// An application with the domain example.com and its server admin.
    pub async fn new() -> TestApp {
        Self::with_limits(ThrottleLimits::default()).await
    }

    pub async fn with_limits(limits: ThrottleLimits) -> TestApp {
        install_crypto_provider();
        let db = TestDb::new().await;
        let store = db.store().await;
        store
            .domains()
            .create_domain(NewDomain {
                name: osprey_core::DomainName::parse("example.com").unwrap(),
                aliases: vec![],
                settings: json!({}),
                enabled: true,
            })
            .await
            .unwrap();
        let submission = {
            let blobs: Arc<dyn osprey_store::blob::BlobStore> =
                Arc::new(osprey_store::blob::FsBlobStore::open(db.dir.join("blobs")).unwrap());
            osprey_mail::Submission::new(
                osprey_mail::LocalDelivery::new(store.clone(), blobs.clone()),
                osprey_mail::Outbox::new(store.clone(), blobs),
                8,
            )
            .with_rules(osprey_mail::DeliveryRules::new(
                store.clone(),
                "mx.example.com",
            ))
        };
        let lists = Arc::new(osprey_lists::ListServer::new(&submission));
        let submission = submission.with_lists(lists);
        let uploads = osprey_mail::outgoing::Uploads::open(db.dir.join("uploads")).unwrap();
        let (stop, shutdown) = osprey_net::Shutdown::new();
        let dns = osprey_mail::dns::testing::DnsServer::start(Default::default()).await;
        let resolver = osprey_mail::dns::HickoryResolver::new(&[dns.addr], 25, false).unwrap();
        let directory = osprey_directory::Directory::new(store.clone());
        let app = osprey_api::router(AppState {
            store: store.clone(),
            jwt: Arc::new(JwtKeys::from_secret(&[7u8; 32], 900)),
            directory: directory.clone(),
            auth: Arc::new(osprey_directory::Authenticator::new(
                store.clone(),
                Arc::new(LoginThrottle::new(limits)),
                osprey_directory::CacheSettings::default(),
            )),
            settings: Arc::new(ApiSettings {
                hostname: "mx.example.com".into(),
                ..ApiSettings::default()
            }),
            metrics: osprey_api::metrics_handle(),
            submission: submission.clone(),
            composer: osprey_mail::Composer::new(
                submission.clone(),
                uploads.clone(),
                "mx.example.com",
                MAX_MESSAGE_SIZE,
            ),
            shutdown: shutdown.clone(),
            spell: osprey_spell::SpellChecker::new(
                store.clone(),
                osprey_spell::Dictionaries::new(SPELL_DICTIONARIES),
            ),
            calendar: osprey_calendar::CalendarService::new(store.clone()),
            dns: Arc::new(resolver),
        });
        let t = TestApp {
            app,
            store,
            submission,
            uploads,
            stop,
            dns,
            directory,
            _db: db,
        };
        t.add_account(ADMIN, Role::Admin, &[]).await;
        t
    }

    /// The id of the mailbox of `token`'s account named `name`, or with the special use
    /// `name` (`\\Junk`).
    pub async fn mailbox_id(&self, token: &str, name: &str) -> String {
        let boxes = self
            .call(Method::GET, "/api/v1/mailboxes", Some(token), None)
            .await
            .expect(StatusCode::OK)
            .body;
        boxes
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name || m["special_use"] == name)
            .unwrap_or_else(|| panic!("no mailbox {name}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Delivers `raw` to the INBOX of the account `account_id` (signed in as `token`)
    /// and returns the message's id.
    pub async fn deliver_to_inbox(&self, account_id: &str, token: &str, raw: &[u8]) -> String {
        self.submission
            .delivery()
            .deliver(&[account_id.to_owned()], "INBOX", raw, 0)
            .await
            .unwrap();
        let inbox = self.mailbox_id(token, "INBOX").await;
        let list = self
            .call(
                Method::GET,
                &format!("/api/v1/mailboxes/{inbox}/messages?newest_first=true"),
                Some(token),
                None,
            )
            .await
            .expect(StatusCode::OK)
            .body;
        list["items"][0]["id"].as_str().unwrap().to_owned()
    }

    pub async fn add_account(&self, address: &str, role: Role, manages: &[&str]) -> String {
        let names: Vec<String> = manages.iter().map(|s| s.to_string()).collect();
        let ids = self
            .store
            .domains()
            .domain_ids_by_names(&names)
            .await
            .unwrap();
        self.store
            .accounts()
            .create_account(NewAccount {
                address: Address::parse(address).unwrap(),
                credentials: osprey_core::hash_credentials(PASSWORD),
                role,
                display_name: String::new(),
                quota_bytes: None,
                admin_domain_ids: ids,
                enabled: true,
            })
            .await
            .unwrap()
            .id
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: &str,
    ) -> Reply {
        self.raw_from(None, method, path, token, content_type, body)
            .await
    }

    /// The status and headers of an answer whose body is a stream that does not end (the
    /// body is not read).
    pub async fn head_only(&self, method: Method, path: &str) -> Reply {
        let req = Request::builder().method(method).uri(path);
        let res = self
            .app
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        Reply {
            status: res.status(),
            headers: res.headers().clone(),
            body: Value::Null,
        }
    }

    /// [`raw`](Self::raw) from a client at `peer`, as the server's listener reports it
    /// (without one, the request carries no client address).
    pub async fn raw_from(
        &self,
        peer: Option<&str>,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: &str,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(ip) = peer {
            let addr = std::net::SocketAddr::new(ip.parse().unwrap(), 40000);
            req = req.extension(axum::extract::ConnectInfo(addr));
        }
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let res = self
            .app
            .clone()
            .oneshot(req.body(Body::from(body.to_owned())).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()));
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        match body {
            Some(b) => {
                self.raw(
                    method,
                    path,
                    token,
                    Some("application/json"),
                    &b.to_string(),
                )
                .await
            }
            None => self.raw(method, path, token, None, "").await,
        }
    }

    pub async fn login(&self, user: &str, password: &str) -> Reply {
        self.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": user, "password": password})),
        )
        .await
    }

    /// Signs in from the client address `ip`.
    pub async fn login_from(&self, ip: &str, user: &str, password: &str) -> Reply {
        let body = json!({"username": user, "password": password}).to_string();
        self.raw_from(
            Some(ip),
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some("application/json"),
            &body,
        )
        .await
    }

    pub async fn token(&self, user: &str) -> String {
        let r = self.login(user, PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        r.body["access_token"].as_str().unwrap().to_owned()
    }
}

impl Reply {
    /// Asserts the status and, for errors, the problem+json shape; returns self.
    pub fn expect(self, status: StatusCode) -> Reply {
        assert_eq!(self.status, status, "body: {}", self.body);
        if status.is_client_error() || status.is_server_error() {
            assert_eq!(
                self.headers.get("content-type").unwrap(),
                "application/problem+json",
                "errors are problem+json"
            );
            assert_eq!(self.body["status"], status.as_u16());
            assert!(self.body["code"].is_string(), "{}", self.body);
        }
        self
    }

    /// The `field`s named in a 422 body.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Small limits: three failures from one IP for one account, then back-off.
pub fn short_window() -> ThrottleLimits {
    ThrottleLimits {
        per_ip: 100,
        per_ip_account: 3,
        per_account: 1000,
        max_backoff: Duration::from_secs(60),
        ..ThrottleLimits::default()
    }
}
