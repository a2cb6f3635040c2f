//! IMAP codec: parser tables from the RFCs' examples, framing, the response writer,
//! property round trips and the differential test against imap-codec.

mod command_strategies;
mod differential;
mod frame;
mod parse;
mod response;
mod roundtrip;
mod strategies;
mod utf7;
