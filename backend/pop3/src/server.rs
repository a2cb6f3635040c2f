//! The POP3 server: configuration and what every session shares.

use std::{sync::Arc, time::Duration};

use osprey_core::Live;
use osprey_directory::Authenticator;
use osprey_net::{Connection, Protocol, Shutdown, TlsAcceptor};
use osprey_store::{Store, blob::BlobStore};

use crate::{MaildropLocks, session::Session};

/// Settings of the POP3 server.
#[derive(Debug, Clone)]
pub struct Pop3Config {
    /// Shown in the greeting.
    pub hostname: String,
    /// Allows USER/PASS and AUTH PLAIN without TLS from loopback clients.
    pub plaintext_loopback: bool,
    /// Inactivity before the server closes a session: at least 10 minutes in the
    /// TRANSACTION state (RFC 1939 §3).
    pub idle_timeout: Duration,
    /// Inactivity allowed before login.
    pub login_timeout: Duration,
    /// Failed logins in one session before it is closed.
    pub max_auth_failures: u32,
    /// Bad commands in one session before it is closed.
    pub max_errors: u32,
    /// Minimum time between two logins of an account (RFC 2449 §6.5); `None` for none.
    pub login_delay: Option<Duration>,
}

impl Default for Pop3Config {
    fn default() -> Self {
        Self {
            hostname: "localhost".into(),
            plaintext_loopback: false,
            idle_timeout: Duration::from_secs(10 * 60),
            login_timeout: Duration::from_secs(60),
            max_auth_failures: 3,
            max_errors: 10,
            login_delay: None,
        }
    }
}

/// Everything sessions share.
pub struct Pop3Server {
    /// Settings an administrator may change while it runs; each session takes them as
    /// they are when it begins.
    pub(crate) config: Live<Pop3Config>,
    pub(crate) store: Store,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) auth: Arc<Authenticator>,
    /// For STLS; `None` when the server has no certificate (STLS is then not offered).
    pub(crate) tls: Option<TlsAcceptor>,
    pub(crate) locks: MaildropLocks,
}

impl Pop3Server {
    pub fn new(
        config: impl Into<Live<Pop3Config>>,
        store: Store,
        blobs: Arc<dyn BlobStore>,
        auth: Arc<Authenticator>,
        tls: Option<TlsAcceptor>,
    ) -> Self {
        Self {
            config: config.into(),
            store,
            blobs,
            auth,
            tls,
            locks: MaildropLocks::default(),
        }
    }
}

impl Pop3Server {
    /// The maildrop locks of this server's sessions (for the retention sweep).
    pub fn locks(&self) -> MaildropLocks {
        self.locks.clone()
    }
}

impl Protocol for Pop3Server {
    async fn session(self: Arc<Self>, conn: Connection, shutdown: Shutdown) {
        Session::new(self, conn, shutdown).run().await;
    }

    fn busy_reply(&self) -> &'static [u8] {
        // RFC 3206 §4: SYS/TEMP for a temporary condition of the server.
        b"-ERR [SYS/TEMP] too many connections, try again later\r\n"
    }

    fn kind(&self) -> osprey_core::activity::SessionKind {
        osprey_core::activity::SessionKind::Pop3
    }
}
