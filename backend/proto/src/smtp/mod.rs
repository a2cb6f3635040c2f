//! SMTP replies (RFC 5321 §4.2), for both ends of a connection: the server writes them,
//! the outbound client reads them, and both hold them as one [`Reply`].
//!
//! Owns the reply syntax (three-digit code, `-` on every line but the last), the enhanced
//! status codes of RFC 3463 carried as RFC 2034 asks, and every reply text the server
//! sends ([`replies`]). It knows nothing of commands, sessions or sockets: the server
//! decides which reply a command gets, the client what a reply means for its mail. Every
//! function takes bytes or values and never panics.

mod parse;
pub mod replies;
mod reply;

pub use parse::{DEFAULT_MAX_LINES, ReplyError, ReplyParser, parse_reply};
pub use reply::{EnhancedStatus, Reply};
