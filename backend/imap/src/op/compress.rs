//! COMPRESS, RFC 4978 §3: DEFLATE only. After the tagged OK the read loop compresses the
//! connection both ways (`Connection::start_compress`); responses written before the OK,
//! the OK included, are not compressed.

use osprey_proto::imap::{Code, Tag};

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn compress(&mut self, tag: &Tag, mechanism: &str) -> Next {
        if self.conn().is_compressed() {
            // RFC 4978 §3 lists BAD for a second COMPRESS and NO [COMPRESSIONACTIVE]
            // for compression by another layer; the code tells the client exactly why,
            // and after either answer the client must not start compressing again.
            self.no(
                tag,
                Some(Code::CompressionActive),
                "DEFLATE is already active",
            );
            return Next::Continue;
        }
        // RFC 4978 §3: BAD for an unknown mechanism.
        if mechanism != "DEFLATE" {
            self.bad(tag, None, "unknown compression mechanism");
            return Next::Continue;
        }
        self.ok(tag, None, "DEFLATE active");
        Next::Compress
    }
}
