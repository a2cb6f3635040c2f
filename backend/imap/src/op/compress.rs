//! COMPRESS, RFC 4978 §3: DEFLATE only. After the tagged OK the read loop compresses the
//! connection both ways (`Connection::start_compress`); responses written before the OK,
//! the OK included, are not compressed.

use osprey_proto::imap::Code;

use crate::{
    op::{Completion, OpResult},
    session::{Next, Session},
};

impl Session {
    pub(crate) fn compress(&mut self, mechanism: &str) -> OpResult {
        if self.conn().is_compressed() {
            // RFC 4978 §3 lists BAD for a second COMPRESS and NO [COMPRESSIONACTIVE]
            // for compression by another layer; the code tells the client exactly why,
            // and after either answer the client must not start compressing again.
            return Err(Completion::no(
                Some(Code::CompressionActive),
                "DEFLATE is already active",
            ));
        }
        // RFC 4978 §3: BAD for an unknown mechanism.
        if mechanism != "DEFLATE" {
            return Err(Completion::bad(None, "unknown compression mechanism"));
        }
        Ok(Completion::ok(None, "DEFLATE active").then(Next::Compress))
    }
}
