//! Osprey's network layer, shared by the SMTP, IMAP and POP3 servers: listeners with
//! connection limits, one TLS configuration for implicit TLS and STARTTLS, a line reader
//! with a length limit, a DEFLATE layer (IMAP COMPRESS), the shutdown signal, and the
//! SASL exchanges, which verify through `osprey_directory::Authenticator`.
//!
//! It knows no protocol: a protocol crate implements [`Protocol`] and gets connected,
//! counted [`Connection`]s. It never logs a password or a SASL message.

mod conn;
mod deflate;
mod listener;
pub mod sasl;
mod shutdown;
mod stream;
#[cfg(feature = "testing")]
pub mod testing;

pub use conn::{Connection, Line, LongLine};
pub use listener::{ConnectionLimits, Protocol, serve};
pub use shutdown::{Shutdown, ShutdownTrigger};
pub use stream::Stream;
pub use tokio_rustls::TlsAcceptor;
