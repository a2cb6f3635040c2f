//! RSET (RFC 5321 §4.1.1.5).

use crate::{
    reply::Reply,
    session::{Next, Session},
};

impl Session {
    pub(crate) fn rset(&mut self) -> Next {
        self.envelope = None;
        self.reply(Reply::new(250, "2.0.0", "OK"))
    }
}
