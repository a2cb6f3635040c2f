//! An SMTP server (MX and submission) on free loopback ports with a fresh store, and a
//! line-based client.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use osprey_core::{Address, DomainName, Role, hash_credentials};
use osprey_directory::{Authenticator, CacheSettings};
use osprey_mail::{DeliveryRules, LocalDelivery, Outbox, Submission};
use osprey_net::testing::{CertificateDer, ClientStream};
use osprey_net::{ConnectionLimits, Shutdown, ShutdownTrigger};
use osprey_smtp::{Listener, SmtpConfig, SmtpServer};
use osprey_store::{NewAccount, NewDomain, Store, blob::FsBlobStore, testing::TestDb};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

pub const PASSWORD: &str = "Harbor-Signal-58w";
pub const ANN: &str = "ann@mx.example";

/// The AUTH PLAIN initial response for `user` and `password`.
pub fn plain(user: &str, password: &str) -> String {
    osprey_proto::sasl::encode_base64(format!("\0{user}\0{password}").as_bytes())
}

pub struct Harness {
    pub mx: SocketAddr,
    pub submission: SocketAddr,
    pub store: Store,
    pub blobs: Arc<FsBlobStore>,
    pub ann: String,
    pub cert: CertificateDer<'static>,
    pub trigger: ShutdownTrigger,
    _db: TestDb,
}

impl Harness {
    pub async fn start() -> Harness {
        Self::with(|_| {}).await
    }

    pub async fn with(configure: impl FnOnce(&mut SmtpConfig)) -> Harness {
        Self::build(configure, false, None).await
    }

    /// A server that follows aliases at most `depth` levels deep.
    pub async fn with_alias_depth(depth: usize) -> Harness {
        Self::build_deep(|_| {}, false, None, depth).await
    }

    /// A server whose MX listener checks SPF, DKIM and DMARC against `checks`.
    pub async fn with_checks(
        configure: impl FnOnce(&mut SmtpConfig),
        checks: osprey_mail::auth::MessageChecks,
    ) -> Harness {
        Self::build(configure, false, Some(checks)).await
    }

    /// A server with the legacy mechanisms (CRAM-MD5) enabled.
    pub async fn legacy() -> Harness {
        Self::build(|c| c.plaintext_loopback = true, true, None).await
    }

    async fn build(
        configure: impl FnOnce(&mut SmtpConfig),
        legacy: bool,
        checks: Option<osprey_mail::auth::MessageChecks>,
    ) -> Harness {
        Self::build_deep(configure, legacy, checks, 8).await
    }

    async fn build_deep(
        configure: impl FnOnce(&mut SmtpConfig),
        legacy: bool,
        checks: Option<osprey_mail::auth::MessageChecks>,
        alias_depth: usize,
    ) -> Harness {
        let db = TestDb::new().await;
        let store = db.store().await;
        store
            .domains()
            .create_domain(NewDomain {
                name: DomainName::parse("mx.example").unwrap(),
                aliases: vec![DomainName::parse("mx-alias.example").unwrap()],
                settings: Default::default(),
                enabled: true,
            })
            .await
            .unwrap();
        let mut ann = String::new();
        for (address, quota) in [
            (ANN, None),
            ("bob@mx.example", None),
            ("tiny@mx.example", Some(200)),
        ] {
            let a = store
                .accounts()
                .create_account(NewAccount {
                    address: Address::parse(address).unwrap(),
                    credentials: hash_credentials(PASSWORD),
                    role: Role::User,
                    display_name: String::new(),
                    quota_bytes: quota,
                    admin_domain_ids: vec![],
                    enabled: true,
                })
                .await
                .unwrap();
            if address == ANN {
                ann = a.id;
            }
        }
        let blobs = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
        let mut config = SmtpConfig {
            hostname: "mx.example".into(),
            ..Default::default()
        };
        configure(&mut config);
        let submission = Submission::new(
            LocalDelivery::with_group_commit(store.clone(), blobs.clone()),
            Outbox::new(store.clone(), blobs.clone()),
            alias_depth,
        )
        .with_rules(
            DeliveryRules::new(store.clone(), "mx.example").with_srs(vec![7; 32], "mx.example"),
        );
        let lists = Arc::new(osprey_lists::ListServer::new(&submission));
        let submission = submission.with_lists(lists);
        let (acceptor, cert) = osprey_net::testing::self_signed();
        let mut auth = Authenticator::new(
            store.clone(),
            Arc::new(osprey_core::LoginThrottle::new(Default::default())),
            CacheSettings::default(),
        );
        if legacy {
            auth = auth.with_legacy(osprey_directory::LegacyKey::new(&[7; 32]));
        }
        let auth = Arc::new(auth);
        let (trigger, shutdown) = Shutdown::new();
        let mut addrs = Vec::new();
        for kind in [Listener::Mx, Listener::Submission] {
            let mut server = SmtpServer::new(
                config.clone(),
                kind,
                submission.clone(),
                auth.clone(),
                Some(acceptor.clone()),
            );
            if let Some(c) = &checks {
                server = server.with_checks(c.clone());
            }
            let server = Arc::new(server);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addrs.push(listener.local_addr().unwrap());
            tokio::spawn(osprey_net::serve(
                listener,
                None,
                ConnectionLimits::default(),
                server,
                shutdown.clone(),
            ));
        }
        Harness {
            mx: addrs[0],
            submission: addrs[1],
            store,
            blobs,
            ann,
            cert,
            trigger,
            _db: db,
        }
    }

    /// Makes every insert of a message row for `account_id` fail until
    /// [`heal`](Self::heal): a store failure in the middle of a delivery.
    pub async fn break_deliveries_to(&self, account_id: &str) {
        let sql = match osprey_store::testing::backend_name().as_str() {
            "postgres" => format!(
                "CREATE FUNCTION osprey_test_fail() RETURNS trigger AS $$ BEGIN \
                 RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER osprey_test_fail BEFORE INSERT ON messages FOR EACH ROW \
                 WHEN (NEW.account_id = '{account_id}') EXECUTE FUNCTION osprey_test_fail();"
            ),
            _ => format!(
                "CREATE TRIGGER osprey_test_fail BEFORE INSERT ON messages \
                 WHEN NEW.account_id = '{account_id}' \
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
            ),
        };
        self._db.execute(&sql).await;
    }

    /// Undoes [`break_deliveries_to`](Self::break_deliveries_to).
    pub async fn heal(&self) {
        let sql = match osprey_store::testing::backend_name().as_str() {
            "postgres" => "DROP TRIGGER osprey_test_fail ON messages",
            _ => "DROP TRIGGER osprey_test_fail",
        };
        self._db.execute(sql).await;
    }

    /// The outbound queue, newest first.
    pub async fn queue(&self) -> Vec<osprey_store::QueueEntry> {
        self.store
            .queue()
            .queue_entries(&osprey_store::QueueFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
    }

    /// The messages in the mailbox `name` of `account_id`, as stored.
    pub async fn mailbox(&self, account_id: &str, name: &str) -> Vec<osprey_store::MessageRecord> {
        let mb = self
            .store
            .messages()
            .mailbox_by_name(account_id, name)
            .await
            .unwrap();
        self.store.messages().in_mailbox(&mb.id).await.unwrap()
    }

    /// The messages in the INBOX of `account_id`, as stored.
    pub async fn inbox(&self, account_id: &str) -> Vec<osprey_store::MessageRecord> {
        let inbox = self
            .store
            .messages()
            .mailbox_by_name(account_id, "INBOX")
            .await
            .unwrap();
        self.store.messages().in_mailbox(&inbox.id).await.unwrap()
    }

    pub async fn account_id(&self, address: &str) -> String {
        self.store
            .accounts()
            .account_by_address(&Address::parse(address).unwrap())
            .await
            .unwrap()
            .id
    }

    /// A client that has read the 220 greeting.
    pub async fn connect(&self, addr: SocketAddr) -> Client {
        let tcp = TcpStream::connect(addr).await.unwrap();
        let mut c = Client {
            reader: BufReader::new(ClientStream::Plain(tcp)),
            cert: self.cert.clone(),
        };
        let greeting = c.reply().await;
        assert!(greeting.starts_with("220 mx.example"), "{greeting}");
        c
    }
}

/// A client that has not read anything yet (for refusals at connect).
pub async fn raw_connect(addr: SocketAddr) -> Client {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (_, cert) = osprey_net::testing::self_signed();
    Client {
        reader: BufReader::new(ClientStream::Plain(tcp)),
        cert,
    }
}

pub struct Client {
    reader: BufReader<ClientStream>,
    cert: CertificateDer<'static>,
}

impl Client {
    pub async fn raw(&mut self, bytes: &[u8]) {
        let s = self.reader.get_mut();
        s.write_all(bytes).await.unwrap();
        s.flush().await.unwrap();
    }

    /// Reads one whole reply (all its lines, joined by '\n'); "<EOF>" at end of stream.
    pub async fn reply(&mut self) -> String {
        let mut lines = Vec::new();
        loop {
            let mut buf = Vec::new();
            let n = tokio::time::timeout(
                Duration::from_secs(5),
                self.reader.read_until(b'\n', &mut buf),
            )
            .await
            .expect("a reply within 5 s")
            .unwrap();
            if n == 0 {
                return "<EOF>".into();
            }
            let line = String::from_utf8(buf).unwrap();
            let line = line.trim_end_matches("\r\n").to_owned();
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                return lines.join("\n");
            }
        }
    }

    pub async fn cmd(&mut self, line: &str) -> String {
        self.raw(format!("{line}\r\n").as_bytes()).await;
        self.reply().await
    }

    /// Sends a command and asserts the reply starts with `code`.
    pub async fn expect(&mut self, line: &str, code: &str) -> String {
        let r = self.cmd(line).await;
        assert!(r.starts_with(code), "{line} -> {r}");
        r
    }

    pub async fn closed(&mut self) -> bool {
        let mut b = [0u8; 1];
        matches!(
            tokio::time::timeout(Duration::from_secs(5), self.reader.read(&mut b)).await,
            Ok(Ok(0)) | Ok(Err(_))
        )
    }

    /// Sends a message with DATA (dot-stuffing it) and returns the final reply.
    pub async fn data(&mut self, message: &str) -> String {
        self.expect("DATA", "354").await;
        let mut wire = String::new();
        for line in message
            .strip_suffix("\r\n")
            .unwrap_or(message)
            .split("\r\n")
        {
            if line.starts_with('.') {
                wire.push('.');
            }
            wire.push_str(line);
            wire.push_str("\r\n");
        }
        wire.push_str(".\r\n");
        self.raw(wire.as_bytes()).await;
        self.reply().await
    }

    pub async fn start_tls(self) -> Client {
        let stream = self
            .reader
            .into_inner()
            .start_tls(&self.cert)
            .await
            .unwrap();
        Client {
            reader: BufReader::new(stream),
            cert: self.cert,
        }
    }
}
