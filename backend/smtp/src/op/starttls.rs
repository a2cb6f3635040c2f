//! STARTTLS (RFC 3207); `op::allowed` refuses it over TLS.

use osprey_proto::smtp::{Reply, replies};

use crate::{error::SmtpError, session::Session};

impl Session {
    pub(crate) fn starttls(&mut self) -> Result<Reply, SmtpError> {
        if self.server.tls.is_none() {
            return Err(replies::TLS_NOT_AVAILABLE.into());
        }
        Ok(replies::READY_FOR_TLS)
    }
}
