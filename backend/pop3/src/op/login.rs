//! Entering the TRANSACTION state after a successful login (RFC 1939 §4): LOGIN-DELAY,
//! the maildrop lock, then the snapshot.

use osprey_proto::pop3::RespCode;
use osprey_store::AccountRecord;

use crate::{
    maildrop::Maildrop,
    session::{Next, Session, State},
};

impl Session {
    pub(crate) async fn login(&mut self, account: AccountRecord) -> Next {
        if let Some(delay) = self.config.login_delay
            && !self.server.locks.login_allowed(&account.id, delay)
        {
            // RFC 2449 §8.1.2
            self.err(Some(RespCode::LoginDelay), "logged in too recently");
            return Next::Continue;
        }
        let Some(lock) = self.server.locks.try_lock(&account.id) else {
            // RFC 2449 §8.1.1
            self.err(
                Some(RespCode::InUse),
                "maildrop is locked by another session",
            );
            return Next::Continue;
        };
        let watch = self.server.auth.watch(&account);
        match Maildrop::open(&self.server.store, account, lock).await {
            Ok(maildrop) => {
                self.watch = Some(watch);
                // Only a login that opened the maildrop starts the LOGIN-DELAY clock.
                if let Some(delay) = self.config.login_delay {
                    self.server.locks.record_login(&maildrop.account.id, delay);
                }
                let (n, octets) = maildrop.stat();
                tracing::debug!(account = %maildrop.account.address(), messages = n, "POP3 login");
                self.ok(&format!("maildrop has {n} messages ({octets} octets)"));
                self.state = State::Transaction(Box::new(maildrop));
            }
            Err(e) => {
                tracing::error!(error = %e, "opening a maildrop failed");
                self.err(Some(RespCode::SysTemp), "cannot open the maildrop now");
            }
        }
        Next::Continue
    }
}
