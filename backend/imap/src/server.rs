//! The IMAP server: configuration and what every session shares.

use std::{sync::Arc, time::Duration};

use osprey_core::Live;
use osprey_directory::Authenticator;
use osprey_mail::LocalDelivery;
use osprey_net::{Connection, Protocol, Shutdown, TlsAcceptor};
use osprey_store::{Store, blob::BlobStore};

use crate::session::Session;

/// Settings of the IMAP server.
#[derive(Debug, Clone)]
pub struct ImapConfig {
    /// Shown in the greeting.
    pub hostname: String,
    /// Allows LOGIN and AUTHENTICATE PLAIN without TLS from loopback clients.
    pub plaintext_loopback: bool,
    /// Inactivity before the server closes an authenticated session: at least 30
    /// minutes (RFC 9051 §5.4).
    pub idle_timeout: Duration,
    /// Inactivity allowed before login.
    pub login_timeout: Duration,
    /// Failed logins in one session before it is closed.
    pub max_auth_failures: u32,
    /// Bad commands in one session before it is closed.
    pub max_bad_commands: u32,
    /// Largest message APPEND accepts, in bytes (RFC 7889 APPENDLIMIT).
    pub append_limit: u64,
}

impl Default for ImapConfig {
    fn default() -> Self {
        Self {
            hostname: "localhost".into(),
            plaintext_loopback: false,
            idle_timeout: Duration::from_secs(30 * 60),
            login_timeout: Duration::from_secs(60),
            max_auth_failures: 3,
            max_bad_commands: 20,
            append_limit: 50 * 1024 * 1024,
        }
    }
}

/// Everything sessions share.
pub struct ImapServer {
    /// Settings an administrator may change while it runs; each session takes them as
    /// they are when it begins.
    pub(crate) config: Live<ImapConfig>,
    pub(crate) store: Store,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) delivery: LocalDelivery,
    pub(crate) auth: Arc<Authenticator>,
    /// For STARTTLS; `None` when the server has no certificate (then not offered).
    pub(crate) tls: Option<TlsAcceptor>,
}

impl ImapServer {
    pub fn new(
        config: impl Into<Live<ImapConfig>>,
        delivery: LocalDelivery,
        blobs: Arc<dyn BlobStore>,
        auth: Arc<Authenticator>,
        tls: Option<TlsAcceptor>,
    ) -> Self {
        Self {
            config: config.into(),
            store: delivery.store().clone(),
            blobs,
            delivery,
            auth,
            tls,
        }
    }
}

impl Protocol for ImapServer {
    async fn session(self: Arc<Self>, conn: Connection, shutdown: Shutdown) {
        Session::new(self, conn, shutdown).run().await;
    }

    fn busy_reply(&self) -> &'static [u8] {
        // RFC 9051 §7.1.5: BYE instead of a greeting when the server will not serve.
        b"* BYE [UNAVAILABLE] too many connections, try again later\r\n"
    }

    fn kind(&self) -> osprey_core::activity::SessionKind {
        osprey_core::activity::SessionKind::Imap
    }
}
