//! The ManageSieve server: configuration and what every session shares.

use std::{sync::Arc, time::Duration};

use osprey_core::Live;
use osprey_directory::Authenticator;
use osprey_mail::DeliveryRules;
use osprey_net::{Connection, Protocol, Shutdown, TlsAcceptor};

use crate::session::Session;

/// Settings of the ManageSieve server.
#[derive(Debug, Clone)]
pub struct ManageSieveConfig {
    /// Named in the greeting's OK.
    pub hostname: String,
    /// Allows AUTHENTICATE PLAIN without TLS from loopback clients.
    pub plaintext_loopback: bool,
    /// Inactivity before an authenticated session is closed.
    pub idle_timeout: Duration,
    /// Inactivity allowed before authenticating.
    pub login_timeout: Duration,
    /// Failed authentications in one session before it is closed.
    pub max_auth_failures: u32,
    /// Bad commands in one session before it is closed.
    pub max_errors: u32,
}

impl Default for ManageSieveConfig {
    fn default() -> Self {
        Self {
            hostname: "localhost".into(),
            plaintext_loopback: false,
            idle_timeout: Duration::from_secs(30 * 60),
            login_timeout: Duration::from_secs(60),
            max_auth_failures: 3,
            max_errors: 10,
        }
    }
}

/// Everything sessions share.
pub struct ManageSieveServer {
    /// Settings an administrator may change while it runs; each session takes them as
    /// they are when it begins.
    pub(crate) config: Live<ManageSieveConfig>,
    pub(crate) rules: DeliveryRules,
    pub(crate) auth: Arc<Authenticator>,
    /// For STARTTLS; `None` when the server has no certificate (it is then not offered).
    pub(crate) tls: Option<TlsAcceptor>,
}

impl ManageSieveServer {
    pub fn new(
        config: impl Into<Live<ManageSieveConfig>>,
        rules: DeliveryRules,
        auth: Arc<Authenticator>,
        tls: Option<TlsAcceptor>,
    ) -> Self {
        Self {
            config: config.into(),
            rules,
            auth,
            tls,
        }
    }
}

impl Protocol for ManageSieveServer {
    async fn session(self: Arc<Self>, conn: Connection, shutdown: Shutdown) {
        Session::new(self, conn, shutdown).run().await;
    }

    fn busy_reply(&self) -> &'static [u8] {
        // RFC 5804 §1.3: TRYLATER for a temporary condition.
        b"BYE (TRYLATER) \"too many connections, try again later\"\r\n"
    }

    fn kind(&self) -> osprey_core::activity::SessionKind {
        osprey_core::activity::SessionKind::ManageSieve
    }
}
