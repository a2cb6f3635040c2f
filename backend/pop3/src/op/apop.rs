//! APOP, RFC 1939 §7: the digest of the greeting's timestamp and the password. Offered
//! only with the legacy mechanisms enabled (the server must keep the password).

use osprey_directory::{LoginOrigin, Protocol};
use osprey_proto::sasl;

use crate::session::{Next, Session};

impl Session {
    pub(crate) async fn apop(&mut self, name: String, digest: String) -> Next {
        let Some(banner) = self.apop_banner.clone() else {
            self.err(None, "APOP is not offered; use AUTH SCRAM-SHA-256 or STLS");
            return Next::Continue;
        };
        let from = LoginOrigin::new(Protocol::Pop3, self.conn().peer().ip());
        let verified = self
            .server
            .auth
            .verify_legacy(&name, from, |secret| {
                let want = sasl::apop_digest(&banner, secret);
                sasl::constant_time_eq(want.as_bytes(), digest.as_bytes())
            })
            .await;
        match verified {
            Ok(account) => self.login(account).await,
            Err(e) => self.auth_failed(e),
        }
    }
}
