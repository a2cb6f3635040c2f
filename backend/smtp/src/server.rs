//! The SMTP server: its configuration, its three kinds of listener and what sessions share.

use std::{
    sync::{Arc, LazyLock},
    time::Duration,
};

use osprey_core::Live;
use osprey_directory::Authenticator;
use osprey_mail::{Submission, auth::MessageChecks};
use osprey_net::{Connection, Protocol, Shutdown, TlsAcceptor};
use osprey_proto::smtp::replies;

use crate::session::Session;

/// Settings of the SMTP server; every limit is explicit.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// Greeting, EHLO and Received headers.
    pub hostname: String,
    /// Largest message in bytes, announced as SIZE (RFC 1870).
    pub max_message_size: usize,
    /// Recipients per message (RFC 5321 §4.5.3.1.8 asks for at least 100).
    pub max_recipients: usize,
    /// Longest command line in bytes (RFC 5321 §4.5.3.1.4: at least 512).
    pub max_line_length: usize,
    /// Bad commands before the session is closed with 421.
    pub max_errors: u32,
    /// Failed AUTH attempts in a session before it is closed.
    pub max_auth_failures: u32,
    /// Commands allowed on a submission port before AUTH.
    pub max_commands_before_auth: u32,
    /// Waiting for a command, and for each line of DATA (RFC 5321 §4.5.3.2: 5 minutes).
    pub command_timeout: Duration,
    /// Received headers after which a message is taken to loop (RFC 5321 §6.3).
    pub max_hops: usize,
    /// Allows AUTH PLAIN/LOGIN without TLS from loopback clients.
    pub plaintext_loopback: bool,
    /// Refuses mail whose From domain fails DMARC with `p=reject`, and files mail that
    /// fails with `p=quarantine` in the Junk mailbox (RFC 7489 §6.3). Off: the result is
    /// only recorded in Authentication-Results.
    pub dmarc_enforce: bool,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            hostname: "localhost".into(),
            max_message_size: 25 * 1024 * 1024,
            max_recipients: 100,
            max_line_length: 4096,
            max_errors: 10,
            max_auth_failures: 3,
            max_commands_before_auth: 10,
            command_timeout: Duration::from_secs(300),
            max_hops: 50,
            plaintext_loopback: false,
            dmarc_enforce: false,
        }
    }
}

/// Which port a session came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    /// Port 25 role: mail for local domains from anyone; AUTH offered after TLS.
    Mx,
    /// Port 587 role: AUTH required before MAIL; STARTTLS.
    Submission,
    /// Port 465 role: like submission, over implicit TLS (RFC 8314).
    Submissions,
}

impl Listener {
    /// The listener's name in configuration and in IP rules.
    pub fn name(self) -> &'static str {
        match self {
            Listener::Mx => "smtp",
            Listener::Submission => "submission",
            Listener::Submissions => "submissions",
        }
    }
}

/// What sessions share.
pub struct SmtpServer {
    /// Settings an administrator may change while it runs; each session takes them as
    /// they are when it begins.
    pub(crate) config: Live<SmtpConfig>,
    pub(crate) listener: Listener,
    /// Recipient verdicts, the access policy, and storage of accepted mail.
    pub(crate) submission: Submission,
    pub(crate) auth: Arc<Authenticator>,
    pub(crate) tls: Option<TlsAcceptor>,
    /// SPF, DKIM and DMARC for mail from unauthenticated clients on the MX listener.
    pub(crate) checks: Option<MessageChecks>,
}

impl SmtpServer {
    pub fn new(
        config: impl Into<Live<SmtpConfig>>,
        listener: Listener,
        submission: Submission,
        auth: Arc<Authenticator>,
        tls: Option<TlsAcceptor>,
    ) -> Self {
        Self {
            config: config.into(),
            listener,
            submission,
            auth,
            tls,
            checks: None,
        }
    }

    /// Checks SPF, DKIM and DMARC of mail received from unauthenticated clients.
    pub fn with_checks(mut self, checks: MessageChecks) -> Self {
        self.checks = Some(checks);
        self
    }
}

impl Protocol for SmtpServer {
    async fn session(self: Arc<Self>, conn: Connection, shutdown: Shutdown) {
        Session::new(self, conn, shutdown).run().await;
    }

    fn busy_reply(&self) -> &'static [u8] {
        // RFC 5321 §3.8: 421 and close.
        static BUSY: LazyLock<Vec<u8>> = LazyLock::new(|| replies::TOO_MANY_CONNECTIONS.to_bytes());
        &BUSY
    }

    fn kind(&self) -> osprey_core::activity::SessionKind {
        osprey_core::activity::SessionKind::Smtp
    }
}
