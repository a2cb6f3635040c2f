//! A POP3 server on a free loopback port with a fresh store, and a line-based client.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use osprey_core::{Address, Role, hash_credentials};
use osprey_directory::{Authenticator, CacheSettings};
use osprey_mail::LocalDelivery;
use osprey_net::testing::{CertificateDer, ClientStream};
use osprey_net::{ConnectionLimits, Shutdown, ShutdownTrigger};
use osprey_pop3::{Pop3Config, Pop3Server};
use osprey_store::{NewAccount, NewDomain, Store, blob::FsBlobStore, testing::TestDb};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

pub const PASSWORD: &str = "Quiet-Meadow-71k";
pub const USER: &str = "ann@pop.example";

pub struct Harness {
    pub addr: SocketAddr,
    pub store: Store,
    pub delivery: LocalDelivery,
    pub account_id: String,
    pub cert: CertificateDer<'static>,
    pub trigger: ShutdownTrigger,
    _db: TestDb,
}

impl Harness {
    /// A server allowing plaintext passwords from loopback.
    pub async fn start() -> Harness {
        Self::with(|c| c.plaintext_loopback = true).await
    }

    pub async fn with(configure: impl FnOnce(&mut Pop3Config)) -> Harness {
        Self::build(configure, false).await
    }

    /// A server with APOP and CRAM-MD5 enabled, plaintext allowed from loopback.
    pub async fn legacy() -> Harness {
        Self::build(|c| c.plaintext_loopback = true, true).await
    }

    async fn build(configure: impl FnOnce(&mut Pop3Config), legacy: bool) -> Harness {
        let db = TestDb::new().await;
        let store = db.store().await;
        store
            .domains()
            .create_domain(NewDomain {
                name: osprey_core::DomainName::parse("pop.example").unwrap(),
                aliases: vec![],
                settings: Default::default(),
                enabled: true,
            })
            .await
            .unwrap();
        let account = store
            .accounts()
            .create_account(NewAccount {
                address: Address::parse(USER).unwrap(),
                credentials: hash_credentials(PASSWORD),
                role: Role::User,
                display_name: "Ann".into(),
                quota_bytes: None,
                admin_domain_ids: vec![],
                enabled: true,
            })
            .await
            .unwrap();
        let blobs = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
        let mut config = Pop3Config {
            hostname: "pop.example".into(),
            ..Default::default()
        };
        configure(&mut config);
        let (acceptor, cert) = osprey_net::testing::self_signed();
        let mut auth = Authenticator::new(
            store.clone(),
            Arc::new(osprey_core::LoginThrottle::new(Default::default())),
            CacheSettings::default(),
        );
        if legacy {
            auth = auth.with_legacy(osprey_directory::LegacyKey::new(&[42; 32]));
        }
        let auth = Arc::new(auth);
        let server = Arc::new(Pop3Server::new(
            config,
            store.clone(),
            blobs.clone(),
            auth,
            Some(acceptor),
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (trigger, shutdown) = Shutdown::new();
        tokio::spawn(osprey_net::serve(
            listener,
            None,
            ConnectionLimits::default(),
            server,
            shutdown,
        ));
        Harness {
            addr,
            delivery: LocalDelivery::new(store.clone(), blobs),
            store,
            account_id: account.id,
            cert,
            trigger,
            _db: db,
        }
    }

    /// Delivers `message` to the test account's INBOX.
    pub async fn deliver(&self, message: &[u8]) {
        self.delivery
            .deliver(std::slice::from_ref(&self.account_id), "INBOX", message, 0)
            .await
            .unwrap();
    }

    pub async fn inbox_count(&self) -> usize {
        let inbox = self
            .store
            .messages()
            .mailbox_by_name(&self.account_id, "INBOX")
            .await
            .unwrap();
        self.store
            .messages()
            .in_mailbox(&inbox.id)
            .await
            .unwrap()
            .len()
    }

    pub async fn count_in(&self, mailbox: &str) -> usize {
        let mb = self
            .store
            .messages()
            .mailbox_by_name(&self.account_id, mailbox)
            .await
            .unwrap();
        self.store
            .messages()
            .in_mailbox(&mb.id)
            .await
            .unwrap()
            .len()
    }

    /// A connected client that has read the greeting.
    pub async fn connect(&self) -> Client {
        self.connect_greeting().await.0
    }

    /// A connected client and the greeting it read.
    pub async fn connect_greeting(&self) -> (Client, String) {
        let tcp = TcpStream::connect(self.addr).await.unwrap();
        let mut c = Client {
            reader: BufReader::new(ClientStream::Plain(tcp)),
            cert: self.cert.clone(),
        };
        let greeting = c.line().await;
        assert!(greeting.starts_with("+OK pop.example"), "{greeting}");
        (c, greeting)
    }

    /// A client logged in with USER/PASS.
    pub async fn login(&self) -> Client {
        let mut c = self.connect().await;
        c.ok(&format!("USER {USER}")).await;
        c.ok(&format!("PASS {PASSWORD}")).await;
        c
    }
}

/// The client side: plain or TLS after STLS.
pub struct Client {
    reader: BufReader<ClientStream>,
    cert: CertificateDer<'static>,
}

impl Client {
    /// Sends raw bytes.
    pub async fn raw(&mut self, bytes: &[u8]) {
        let s = self.reader.get_mut();
        s.write_all(bytes).await.unwrap();
        s.flush().await.unwrap();
    }

    pub async fn send(&mut self, line: &str) {
        self.raw(format!("{line}\r\n").as_bytes()).await;
    }

    /// Reads one line without CRLF; panics after 5 s. Returns "<EOF>" at end of stream.
    pub async fn line(&mut self) -> String {
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
        assert!(buf.ends_with(b"\r\n"), "reply line ends in CRLF: {buf:?}");
        String::from_utf8(buf[..buf.len() - 2].to_vec()).unwrap()
    }

    /// Sends a command and returns the status line.
    pub async fn cmd(&mut self, line: &str) -> String {
        self.send(line).await;
        self.line().await
    }

    /// Sends a command and asserts `+OK`.
    pub async fn ok(&mut self, line: &str) -> String {
        let r = self.cmd(line).await;
        assert!(r.starts_with("+OK"), "{line} -> {r}");
        r
    }

    /// Sends a command and asserts `-ERR`.
    pub async fn err(&mut self, line: &str) -> String {
        let r = self.cmd(line).await;
        assert!(r.starts_with("-ERR"), "{line} -> {r}");
        r
    }

    /// Reads a multi-line body up to the terminating `.`, as raw bytes (still stuffed).
    pub async fn body_raw(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let mut line = Vec::new();
            tokio::time::timeout(
                Duration::from_secs(5),
                self.reader.read_until(b'\n', &mut line),
            )
            .await
            .unwrap()
            .unwrap();
            assert!(!line.is_empty(), "EOF inside a multi-line reply");
            if line == b".\r\n" {
                return out;
            }
            out.extend_from_slice(&line);
        }
    }

    /// Reads a multi-line body's lines.
    pub async fn lines(&mut self) -> Vec<String> {
        String::from_utf8(self.body_raw().await)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Returns `true` if and only if the server closed the connection.
    pub async fn closed(&mut self) -> bool {
        let mut b = [0u8; 1];
        matches!(
            tokio::time::timeout(Duration::from_secs(5), self.reader.read(&mut b)).await,
            Ok(Ok(0)) | Ok(Err(_))
        )
    }

    /// Runs the client side of a TLS handshake (after `STLS` answered `+OK`). Bytes
    /// already buffered from the plain connection are dropped.
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

/// A message whose body has lines starting with dots and mixed line endings.
pub const DOTTED: &[u8] = b"From: Bob <bob@example.com>\r\nTo: ann@pop.example\r\nSubject: dots\r\n\r\n.leading dot\nplain line\r\n..two dots\r\n.\r\nlast\r\n";
