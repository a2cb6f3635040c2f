//! How the client connects: the TLS policy, the login, the HELO name and the timeouts.

use std::{fmt, sync::Arc, time::Duration};

/// When to use STARTTLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsPolicy {
    /// STARTTLS when the server offers it, without checking the certificate (encrypt
    /// only); plaintext when it is not offered or the server refuses the command. A failed
    /// handshake fails the connection with a temporary [`SmtpError::Tls`]: the caller
    /// decides whether to retry without TLS.
    Opportunistic,
    /// STARTTLS with the certificate checked by [`ClientConfig::tls_config`] against the
    /// server name; a server without STARTTLS is a temporary `4.7.4` policy error.
    Require,
    /// Never STARTTLS.
    Disabled,
}

/// The login for servers that require AUTH (smarthosts).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

/// Never prints the password.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// Everything a connection needs; one value serves every connection.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The name sent with EHLO/HELO: this server's host name.
    pub helo: String,
    pub tls: TlsPolicy,
    /// Certificate checks for [`TlsPolicy::Require`].
    pub tls_config: Arc<rustls::ClientConfig>,
    /// AUTH after TLS when set.
    pub auth: Option<Credentials>,
    /// Allows AUTH without TLS when the server is on a loopback address.
    pub auth_plaintext_loopback: bool,
    pub connect_timeout: Duration,
    /// The wait for the greeting and for replies to EHLO, MAIL, RCPT and the rest
    /// (RFC 5321 §4.5.3.2: 5 minutes).
    pub command_timeout: Duration,
    /// The wait for the reply to `DATA` (2 minutes).
    pub data_init_timeout: Duration,
    /// The wait for each block of the message to be sent (3 minutes).
    pub data_block_timeout: Duration,
    /// The wait for the reply after the terminating dot (10 minutes).
    pub data_end_timeout: Duration,
}

impl ClientConfig {
    /// Opportunistic TLS, no AUTH, a 30-second connect timeout and the RFC 5321 §4.5.3.2
    /// client timeouts.
    pub fn new(helo: impl Into<String>, tls_config: Arc<rustls::ClientConfig>) -> ClientConfig {
        ClientConfig {
            helo: helo.into(),
            tls: TlsPolicy::Opportunistic,
            tls_config,
            auth: None,
            auth_plaintext_loopback: false,
            connect_timeout: Duration::from_secs(30),
            command_timeout: Duration::from_secs(5 * 60),
            data_init_timeout: Duration::from_secs(2 * 60),
            data_block_timeout: Duration::from_secs(3 * 60),
            data_end_timeout: Duration::from_secs(10 * 60),
        }
    }
}
