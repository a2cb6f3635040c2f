//! IMAP wire format, RFC 9051 (IMAP4rev2) and RFC 3501 (IMAP4rev1 clients): framing of
//! commands with literals, the command parser, the response writer.
//!
//! Entry points: a session feeds lines and literal bytes to a [`Framer`], passes each
//! complete command to [`parse_command_with`], and writes [`Response`]s with
//! [`Response::write`]. No I/O, no store, no session state; never panics on input.

mod command;
mod data;
mod encode;
mod fetch;
mod frame;
mod lexer;
mod parse;
mod parse_fetch;
mod parse_search;
mod response;
mod types;
mod url;
pub mod utf7;
mod write;

pub use command::*;
pub use data::{Data, ESearch, ListExtended, ListItem, Namespace, QuotaResource, Thread};
pub use encode::encode_command;
pub use fetch::{
    Address, BodyStructure, Disposition, Envelope, FetchData, MultipartExtension, SingleExtension,
    SingleKind, SinglePart,
};
pub use frame::{Frame, FrameError, FrameErrorKind, Framer, Limits};
pub use parse::{
    ParseError, SaslResponse, is_idle_done, parse_command, parse_command_with, parse_sasl_response,
};
pub use response::{
    Code, Continue, PermanentFlags, Response, StatusKind, StatusResponse, WriteOptions,
};
pub use types::{
    Date, DateTime, Flag, Mailbox, SeqNum, SeqRange, SequenceSet, Tag, is_astring_char,
    is_atom_char,
};
pub use url::{MessageUrl, UrlPartial, parse_message_url};
