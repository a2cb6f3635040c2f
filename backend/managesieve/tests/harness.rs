//! A ManageSieve server on a free loopback port with a fresh store, and a client that
//! reads responses (lines, with the literals they announce).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use osprey_core::{Address, Role, hash_credentials};
use osprey_directory::{Authenticator, CacheSettings};
use osprey_mail::DeliveryRules;
use osprey_managesieve::{ManageSieveConfig, ManageSieveServer};
use osprey_net::testing::{CertificateDer, ClientStream};
use osprey_net::{ConnectionLimits, Shutdown, ShutdownTrigger};
use osprey_proto::sasl::encode_base64;
use osprey_store::{NewAccount, NewDomain, RuleOwner, testing::TestDb};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

pub const PASSWORD: &str = "Quiet-Meadow-71k";
pub const USER: &str = "ann@sieve.example";

pub struct Harness {
    pub addr: SocketAddr,
    pub rules: DeliveryRules,
    pub account_id: String,
    pub cert: CertificateDer<'static>,
    /// Kept: dropping it would stop the server.
    _trigger: ShutdownTrigger,
    _db: TestDb,
}

impl Harness {
    /// A server allowing PLAIN from loopback without TLS.
    pub async fn start() -> Harness {
        Self::with(|c| c.plaintext_loopback = true).await
    }

    pub async fn with(configure: impl FnOnce(&mut ManageSieveConfig)) -> Harness {
        let db = TestDb::new().await;
        let store = db.store().await;
        store
            .domains()
            .create_domain(NewDomain {
                name: osprey_core::DomainName::parse("sieve.example").unwrap(),
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
        let mut config = ManageSieveConfig {
            hostname: "sieve.example".into(),
            ..Default::default()
        };
        configure(&mut config);
        let (acceptor, cert) = osprey_net::testing::self_signed();
        let auth = Arc::new(Authenticator::new(
            store.clone(),
            Arc::new(osprey_core::LoginThrottle::new(Default::default())),
            CacheSettings::default(),
        ));
        let rules = DeliveryRules::new(store.clone(), "sieve.example");
        let server = Arc::new(ManageSieveServer::new(
            config,
            rules.clone(),
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
            rules,
            account_id: account.id,
            cert,
            _trigger: trigger,
            _db: db,
        }
    }

    pub fn owner(&self) -> RuleOwner {
        RuleOwner::Account(self.account_id.clone())
    }

    /// A connected client and the greeting (capability lines and the OK) it read.
    pub async fn connect(&self) -> (Client, Vec<String>) {
        let tcp = TcpStream::connect(self.addr).await.unwrap();
        let mut c = Client {
            reader: BufReader::new(ClientStream::Plain(tcp)),
            cert: self.cert.clone(),
        };
        let greeting = c.response().await;
        (c, greeting)
    }

    /// A client signed in with PLAIN.
    pub async fn login(&self) -> Client {
        let (mut c, _) = self.connect().await;
        let r = c
            .cmd(&format!(
                "AUTHENTICATE \"PLAIN\" \"{}\"",
                plain(USER, PASSWORD)
            ))
            .await;
        assert_eq!(r.last().unwrap(), "OK \"Logged in\"");
        c
    }
}

/// The PLAIN message (RFC 4616) in base64.
pub fn plain(user: &str, password: &str) -> String {
    encode_base64(format!("\0{user}\0{password}").as_bytes())
}

/// The client side: plain, or TLS after STARTTLS.
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

    /// Reads one line without CRLF, with the octets of a literal it announces (and the
    /// rest of the line after them) appended; "<EOF>" at the end of the stream.
    pub async fn line(&mut self) -> String {
        let mut line = self.raw_line().await;
        while let Some(n) = line
            .strip_suffix('}')
            .and_then(|l| l.rsplit_once('{'))
            .and_then(|(_, n)| n.parse::<usize>().ok())
        {
            let mut octets = vec![0; n];
            tokio::time::timeout(Duration::from_secs(5), self.reader.read_exact(&mut octets))
                .await
                .expect("a literal within 5 s")
                .unwrap();
            line.push('\n');
            line.push_str(&String::from_utf8(octets).unwrap());
            line.push_str(&self.raw_line().await);
        }
        line
    }

    async fn raw_line(&mut self) -> String {
        let mut buf = Vec::new();
        let n = tokio::time::timeout(
            Duration::from_secs(5),
            self.reader.read_until(b'\n', &mut buf),
        )
        .await
        .expect("a response within 5 s")
        .unwrap();
        if n == 0 {
            return "<EOF>".into();
        }
        assert!(
            buf.ends_with(b"\r\n"),
            "response line ends in CRLF: {buf:?}"
        );
        String::from_utf8(buf[..buf.len() - 2].to_vec()).unwrap()
    }

    /// Reads lines up to and including the one starting with OK, NO or BYE.
    pub async fn response(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let l = self.line().await;
            let done = ["OK", "NO", "BYE", "<EOF>"]
                .iter()
                .any(|k| l == *k || l.starts_with(&format!("{k} ")));
            lines.push(l);
            if done {
                return lines;
            }
        }
    }

    /// Sends a command line and reads its response.
    pub async fn cmd(&mut self, line: &str) -> Vec<String> {
        self.raw(format!("{line}\r\n").as_bytes()).await;
        self.response().await
    }

    /// The last line of the response to `line`.
    pub async fn status(&mut self, line: &str) -> String {
        self.cmd(line).await.pop().unwrap()
    }

    /// PUTSCRIPT with the script as a non-synchronizing literal; the status line.
    pub async fn put(&mut self, name: &str, script: &str) -> String {
        let cmd = format!("PUTSCRIPT \"{name}\" {{{}+}}\r\n{script}\r\n", script.len());
        self.raw(cmd.as_bytes()).await;
        self.response().await.pop().unwrap()
    }

    /// Upgrades to TLS after the server's OK to STARTTLS.
    pub async fn start_tls(self) -> Client {
        let stream = self.reader.into_inner();
        let tls = stream.start_tls(&self.cert).await.unwrap();
        Client {
            reader: BufReader::new(tls),
            cert: self.cert,
        }
    }
}
