//! ID, RFC 2971 §3: the server names itself; what the client says is not kept.

use osprey_proto::imap::Data;

use crate::{
    op::{Completion, OpResult},
    session::Session,
};

impl Session {
    pub(crate) fn id(&mut self) -> OpResult {
        self.data(Data::Id(Some(vec![("name".into(), Some("Osprey".into()))])));
        Ok(Completion::ok(None, "ID completed"))
    }
}
