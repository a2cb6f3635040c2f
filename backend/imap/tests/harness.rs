//! An IMAP server on a free loopback port with a fresh store, and a line-based client.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use osprey_core::{Address, Role, hash_credentials};
use osprey_directory::{Authenticator, CacheSettings};
use osprey_imap::{ImapConfig, ImapServer};
use osprey_mail::LocalDelivery;
use osprey_net::testing::{CertificateDer, ClientStream};
use osprey_net::{ConnectionLimits, Shutdown, ShutdownTrigger};
use osprey_store::{NewAccount, NewDomain, Store, blob::FsBlobStore, testing::TestDb};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

pub const PASSWORD: &str = "Quiet-Meadow-71k";
pub const USER: &str = "ann@imap.example";

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

    pub async fn with(configure: impl FnOnce(&mut ImapConfig)) -> Harness {
        Self::build(configure, false).await
    }

    /// Like [`Harness::start`], with the legacy mechanisms (CRAM-MD5) on.
    pub async fn legacy() -> Harness {
        Self::build(|c| c.plaintext_loopback = true, true).await
    }

    async fn build(configure: impl FnOnce(&mut ImapConfig), legacy: bool) -> Harness {
        let db = TestDb::new().await;
        let store = db.store().await;
        store
            .domains()
            .create_domain(NewDomain {
                name: osprey_core::DomainName::parse("imap.example").unwrap(),
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
        let mut config = ImapConfig {
            hostname: "imap.example".into(),
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
        let delivery = LocalDelivery::new(store.clone(), blobs.clone());
        let server = Arc::new(ImapServer::new(
            config,
            delivery.clone(),
            blobs,
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
            delivery,
            store,
            account_id: account.id,
            cert,
            trigger,
            _db: db,
        }
    }

    /// A delivery through a store of its own on the same database and blobs: what
    /// another process (`osprey deliver`, a second node) does, unseen by this server's
    /// change bus.
    pub async fn other_process(&self) -> LocalDelivery {
        let store = self._db.store().await;
        let blobs = Arc::new(FsBlobStore::open(self._db.dir.join("blobs")).unwrap());
        LocalDelivery::new(store, blobs)
    }

    /// Delivers `message` to the test account's INBOX.
    pub async fn deliver(&self, message: &[u8]) {
        self.delivery
            .deliver(std::slice::from_ref(&self.account_id), "INBOX", message, 0)
            .await
            .unwrap();
    }

    /// A connected client that has read the greeting, and the greeting.
    pub async fn connect_greeting(&self) -> (Client, String) {
        let tcp = TcpStream::connect(self.addr).await.unwrap();
        let mut c = Client {
            reader: BufReader::new(ClientStream::Plain(tcp)),
            cert: self.cert.clone(),
            deflate: None,
        };
        let greeting = c.line().await;
        assert!(greeting.starts_with("* OK [CAPABILITY "), "{greeting}");
        (c, greeting)
    }

    pub async fn connect(&self) -> Client {
        self.connect_greeting().await.0
    }

    /// A client logged in with LOGIN.
    pub async fn login(&self) -> Client {
        let mut c = self.connect().await;
        c.expect_ok(&format!("l1 LOGIN {USER} {PASSWORD}")).await;
        c
    }

    /// A client logged in with INBOX selected.
    pub async fn select(&self) -> Client {
        let mut c = self.login().await;
        c.expect_ok("s1 SELECT INBOX").await;
        c
    }
}

/// The client side: plain or TLS after STARTTLS, compressed after COMPRESS.
pub struct Client {
    reader: BufReader<ClientStream>,
    cert: CertificateDer<'static>,
    /// After COMPRESS: the client's own DEFLATE streams (flate2, raw DEFLATE).
    deflate: Option<Box<ClientDeflate>>,
}

/// A compressing client's state: its deflater, its inflater, and inflated bytes not
/// yet read.
struct ClientDeflate {
    compress: Compress,
    decompress: Decompress,
    inflated: Vec<u8>,
}

/// Deflates `data` and ends with a sync flush, so the server can decode all of it at
/// once.
pub fn deflate_sync(z: &mut Compress, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    let mut rest = data;
    loop {
        out.reserve(1024);
        let before = z.total_in();
        z.compress_vec(rest, &mut out, FlushCompress::Sync).unwrap();
        rest = &rest[usize::try_from(z.total_in() - before).unwrap()..];
        if rest.is_empty() && out.len() < out.capacity() {
            return out;
        }
    }
}

/// A client deflater: raw DEFLATE, no zlib header (RFC 4978 §3).
pub fn client_deflater() -> Compress {
    Compress::new(Compression::default(), false)
}

impl Client {
    /// Sends `bytes`, compressed once compression is on.
    pub async fn raw(&mut self, bytes: &[u8]) {
        let wire = match &mut self.deflate {
            Some(z) => deflate_sync(&mut z.compress, bytes),
            None => bytes.to_vec(),
        };
        let s = self.reader.get_mut();
        s.write_all(&wire).await.unwrap();
        s.flush().await.unwrap();
    }

    /// Compresses both ways from now on (after the server's OK to COMPRESS DEFLATE).
    pub fn start_compress(&mut self) {
        self.start_compress_with(client_deflater());
    }

    /// Like [`Client::start_compress`], continuing the deflater `z` that already
    /// compressed bytes sent before the OK (a client pipelining after COMPRESS).
    pub fn start_compress_with(&mut self, z: Compress) {
        self.deflate = Some(Box::new(ClientDeflate {
            compress: z,
            decompress: Decompress::new(false),
            inflated: Vec::new(),
        }));
    }

    /// Compressed mode: reads what the server sent and inflates it. Returns `false` at
    /// end of stream; panics after 10 s without data, so a server that does not
    /// sync-flush its answers fails the test.
    async fn inflate_more(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(10), self.reader.read(&mut chunk))
            .await
            .expect("compressed data within 10 s")
            .unwrap_or(0);
        if n == 0 {
            return false;
        }
        let z = self.deflate.as_mut().expect("compressed mode");
        let mut input = &chunk[..n];
        loop {
            z.inflated.reserve(16 * 1024);
            let before_in = z.decompress.total_in();
            let before_out = z.decompress.total_out();
            z.decompress
                .decompress_vec(input, &mut z.inflated, FlushDecompress::None)
                .expect("the server's DEFLATE data is valid");
            input = &input[usize::try_from(z.decompress.total_in() - before_in).unwrap()..];
            let made = z.decompress.total_out() - before_out;
            if input.is_empty() && z.inflated.len() < z.inflated.capacity() {
                return true;
            }
            assert!(made > 0 || !input.is_empty(), "the inflater is stuck");
        }
    }

    /// Reads up to and including the next LF; empty at end of stream.
    async fn read_line_bytes(&mut self) -> Vec<u8> {
        let mut buf = Vec::new();
        if self.deflate.is_none() {
            tokio::time::timeout(
                Duration::from_secs(10),
                self.reader.read_until(b'\n', &mut buf),
            )
            .await
            .expect("a response within 10 s")
            .unwrap();
            return buf;
        }
        loop {
            let z = self.deflate.as_mut().unwrap();
            if let Some(i) = z.inflated.iter().position(|&b| b == b'\n') {
                buf.extend(z.inflated.drain(..=i));
                return buf;
            }
            if !self.inflate_more().await {
                return Vec::new();
            }
        }
    }

    /// Reads exactly `n` bytes.
    async fn read_bytes(&mut self, n: usize) -> Vec<u8> {
        let mut data = vec![0u8; n];
        if self.deflate.is_none() {
            tokio::time::timeout(Duration::from_secs(10), self.reader.read_exact(&mut data))
                .await
                .unwrap()
                .unwrap();
            return data;
        }
        while self.deflate.as_ref().unwrap().inflated.len() < n {
            assert!(self.inflate_more().await, "end of stream inside a literal");
        }
        self.deflate.as_mut().unwrap().inflated.drain(..n).collect()
    }

    pub async fn send(&mut self, line: &str) {
        self.raw(format!("{line}\r\n").as_bytes()).await;
    }

    /// Reads one line without CRLF; panics after 10 s. "<EOF>" at end of stream.
    pub async fn line(&mut self) -> String {
        let buf = self.read_line_bytes().await;
        if buf.is_empty() {
            return "<EOF>".into();
        }
        assert!(buf.ends_with(b"\r\n"), "line ends in CRLF: {buf:?}");
        String::from_utf8_lossy(&buf[..buf.len() - 2]).into_owned()
    }

    /// Sends a tagged command; returns every line up to and including the tagged
    /// answer. Literals in responses are read as part of their line.
    pub async fn cmd(&mut self, line: &str) -> Vec<String> {
        let tag = line.split(' ').next().unwrap().to_owned();
        self.send(line).await;
        self.until_tagged(&tag).await
    }

    /// Reads lines up to the tagged answer of `tag`.
    pub async fn until_tagged(&mut self, tag: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let mut l = self.line().await;
            // A literal `{n}` at the end of a line: read n bytes and the rest.
            while let Some(n) = literal_len(&l) {
                let data = self.read_bytes(n).await;
                l.push_str("\r\n");
                l.push_str(&String::from_utf8_lossy(&data));
                let rest = self.line().await;
                l.push_str(&rest);
            }
            let done = l.starts_with(&format!("{tag} ")) || l == "<EOF>";
            lines.push(l);
            if done {
                return lines;
            }
        }
    }

    /// Sends a command and asserts a tagged OK; returns every line.
    pub async fn expect_ok(&mut self, line: &str) -> Vec<String> {
        self.expect(line, "OK").await
    }

    pub async fn expect_no(&mut self, line: &str) -> Vec<String> {
        self.expect(line, "NO").await
    }

    pub async fn expect_bad(&mut self, line: &str) -> Vec<String> {
        self.expect(line, "BAD").await
    }

    async fn expect(&mut self, line: &str, status: &str) -> Vec<String> {
        let tag = line.split(' ').next().unwrap();
        let lines = self.cmd(line).await;
        let last = lines.last().unwrap();
        assert!(
            last.starts_with(&format!("{tag} {status}")),
            "{line} -> {lines:#?}"
        );
        lines
    }

    /// Returns `true` if and only if the server closed the connection.
    pub async fn closed(&mut self) -> bool {
        if self.deflate.is_some() {
            while self.inflate_more().await {}
            return true;
        }
        let mut rest = Vec::new();
        matches!(
            tokio::time::timeout(Duration::from_secs(10), self.reader.read_to_end(&mut rest)).await,
            Ok(Ok(_)) | Ok(Err(_))
        )
    }

    /// The client side of a TLS handshake after STARTTLS answered OK.
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
            deflate: None,
        }
    }
}

fn literal_len(line: &str) -> Option<usize> {
    let inner = line.strip_suffix('}')?;
    let open = inner.rfind('{')?;
    inner[open + 1..].parse().ok()
}

/// Returns `true` if and only if one of `lines` contains `want`.
pub fn has(lines: &[String], want: &str) -> bool {
    lines.iter().any(|l| l.contains(want))
}

pub const MSG: &[u8] = b"From: Bob <bob@example.com>\r\nTo: ann@imap.example\r\nSubject: Hello there\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.com>\r\n\r\nFirst body line\r\nsecond line\r\n";

/// The number after `key` in `line`, skipping an opening parenthesis.
pub fn number_after(line: &str, key: &str) -> u64 {
    let at = line.find(key).unwrap_or_else(|| panic!("{key} in {line}")) + key.len();
    line[at..]
        .trim_start_matches([' ', '('])
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("a number after {key} in {line}"))
}
