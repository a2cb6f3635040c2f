//! An SMTP server (MX and submission) on free loopback ports with a fresh store, and a
//! line-based client.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use osprey_core::{Address, DomainName, Role, hash_credentials};
use osprey_mail::LocalDelivery;
use osprey_net::{
    Authenticator, CacheSettings, ConnectionLimits, Shutdown, ShutdownTrigger, TlsAcceptor,
};
use osprey_smtp::{Listener, SmtpConfig, SmtpServer};
use osprey_store::{NewAccount, NewDomain, Store, blob::FsBlobStore, testing::TestDb};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

pub const PASSWORD: &str = "Harbor-Signal-58w";
pub const ANN: &str = "ann@mx.example";

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

fn tls() -> (TlsAcceptor, CertificateDer<'static>) {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = generated.cert.der().clone();
    let key = PrivateKeyDer::try_from(generated.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    (TlsAcceptor::from(Arc::new(config)), cert)
}

impl Harness {
    pub async fn start() -> Harness {
        Self::with(|_| {}).await
    }

    pub async fn with(configure: impl FnOnce(&mut SmtpConfig)) -> Harness {
        let db = TestDb::new().await;
        let store = db.store().await;
        store
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
        let delivery = LocalDelivery::with_group_commit(store.clone(), blobs.clone());
        let mut config = SmtpConfig {
            hostname: "mx.example".into(),
            ..Default::default()
        };
        configure(&mut config);
        let (acceptor, cert) = tls();
        let auth = Arc::new(Authenticator::new(
            store.clone(),
            Arc::new(osprey_core::LoginThrottle::new(Default::default())),
            CacheSettings::default(),
        ));
        let (trigger, shutdown) = Shutdown::new();
        let mut addrs = Vec::new();
        for kind in [Listener::Mx, Listener::Submission] {
            let server = Arc::new(SmtpServer::new(
                config.clone(),
                kind,
                delivery.clone(),
                auth.clone(),
                Some(acceptor.clone()),
            ));
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

    /// The messages in the INBOX of `account_id`, as stored.
    pub async fn inbox(&self, account_id: &str) -> Vec<osprey_store::MessageRecord> {
        let inbox = self
            .store
            .mailbox_by_name(account_id, "INBOX")
            .await
            .unwrap();
        self.store.messages(&inbox.id).await.unwrap()
    }

    pub async fn account_id(&self, address: &str) -> String {
        self.store
            .account_by_address(&Address::parse(address).unwrap())
            .await
            .unwrap()
            .id
    }

    /// A client that has read the 220 greeting.
    pub async fn connect(&self, addr: SocketAddr) -> Client {
        let tcp = TcpStream::connect(addr).await.unwrap();
        let mut c = Client {
            reader: BufReader::new(Stream2::Plain(tcp)),
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
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cert = rcgen::generate_simple_self_signed(vec!["x".to_owned()])
        .unwrap()
        .cert
        .der()
        .clone();
    Client {
        reader: BufReader::new(Stream2::Plain(tcp)),
        cert,
    }
}

/// Plain TCP or client-side TLS.
pub enum Stream2 {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self.get_mut() {
            Stream2::Plain($s) => {
                let $s = std::pin::Pin::new($s);
                $e
            }
            Stream2::Tls($s) => {
                let $s = std::pin::Pin::new($s.as_mut());
                $e
            }
        }
    };
}

impl tokio::io::AsyncRead for Stream2 {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        delegate!(self, s => s.poll_read(cx, buf))
    }
}

impl tokio::io::AsyncWrite for Stream2 {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        delegate!(self, s => s.poll_write(cx, buf))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        delegate!(self, s => s.poll_flush(cx))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        delegate!(self, s => s.poll_shutdown(cx))
    }
}

pub struct Client {
    reader: BufReader<Stream2>,
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
        let Stream2::Plain(tcp) = self.reader.into_inner() else {
            panic!("already TLS")
        };
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.cert.clone()).unwrap();
        let config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let tls = connector
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .unwrap();
        Client {
            reader: BufReader::new(Stream2::Tls(Box::new(tls))),
            cert: self.cert,
        }
    }
}
