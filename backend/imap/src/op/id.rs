//! ID, RFC 2971 §3: the server names itself; what the client says is not kept.

use osprey_proto::imap::{Data, Tag};

use crate::session::{Next, Session};

impl Session {
    pub(crate) fn id(&mut self, tag: &Tag) -> Next {
        self.data(Data::Id(Some(vec![("name".into(), Some("Osprey".into()))])));
        self.ok(tag, None, "ID completed");
        Next::Continue
    }
}
