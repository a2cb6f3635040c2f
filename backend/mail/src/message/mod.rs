//! What the server knows about a message as MIME (RFC 5322, RFC 2045–2049), for every
//! protocol and the web API alike: line endings (`crlf.rs`), the end of the header
//! section and raw field values (`header.rs`), one parse of a message
//! ([`ParsedMessage`], `parsed.rs`) into its MIME tree (`part.rs`) and envelope fields
//! (`envelope.rs`), transfer decoding (`decode.rs`), the skeleton of a large message read
//! a line at a time (`skeleton.rs`), the base subject and threading of
//! RFC 5256 (`osprey_core::subject`, `threading.rs`), and the messages the server writes itself
//! (`compose.rs`). Plain data only: protocols map it to their wire types.

mod compose;
mod crlf;
mod decode;
mod envelope;
mod header;
mod parsed;
mod part;
mod skeleton;
mod threading;

pub use compose::{AttachmentPart, Compose, NamedAddress, address_value, mime_type};
pub use crlf::normalize_crlf;
pub use decode::{DecodeError, decode_transfer};
pub use envelope::{EnvelopeFields, Group, Mailbox};
pub use header::{field_value, fields_end, header_end, split_header, written_day};
pub use osprey_core::subject::{base_subject, subject_key};
pub use parsed::ParsedMessage;
#[cfg(any(test, feature = "testing"))]
pub use parsed::parses_on_this_thread;
pub use part::{ContentType, Contents, Disposition, MAX_DEPTH, MAX_PARTS, MessageTree, Part};
pub use skeleton::{LEAVE_OUT_ABOVE, LeftOut, Skeleton, TransferEncoding, skeleton};
pub use threading::{Thread, ThreadMsg, message_ids, ordered_subject, references};
