//! Osprey's network layer, shared by the SMTP, IMAP and POP3 servers: listeners with
//! connection limits, one TLS configuration for implicit TLS and STARTTLS, a line reader
//! with a length limit, a DEFLATE layer (IMAP COMPRESS), the shutdown signal, and
//! password checks for the protocols.
//!
//! It knows no protocol: a protocol crate implements [`Protocol`] and gets connected,
//! counted [`Connection`]s. It never logs a password or a SASL message.

mod auth;
mod conn;
mod deflate;
mod legacy;
mod listener;
pub mod sasl;
mod shutdown;
mod stream;
#[cfg(feature = "testing")]
pub mod testing;

pub use auth::{AuthError, Authenticator, CacheSettings, ScramLookup};
pub use conn::{Connection, Line};
pub use legacy::LegacyKey;
pub use listener::{ConnectionLimits, Protocol, serve};
pub use shutdown::{Shutdown, ShutdownTrigger};
pub use stream::Stream;
pub use tokio_rustls::TlsAcceptor;
