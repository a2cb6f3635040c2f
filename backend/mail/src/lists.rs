//! The list server's place in submission: a mailing list's addresses are recipients of
//! their own kind. At RCPT the list server gives their verdict (a post allowed by the
//! list's posting policy, or refused with the reason); after the message is accepted,
//! it takes the message for the lists it was addressed to and distributes it. The list
//! server is a service above this crate (`osprey-lists`); this is its interface.

use std::{future::Future, pin::Pin};

use osprey_core::Address;
use osprey_store::StoreError;

use crate::{DeliveryError, Verdict};

/// A boxed future, for the object-safe [`ListHook`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One list address a message was accepted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListTarget {
    pub list_id: String,
    /// The address as the client gave it (`team@example.com`, `team-owner@...`).
    pub address: String,
    /// What the address is for (`post`, `owner`, ...).
    pub role: String,
}

/// What the list server answers for.
pub trait ListHook: Send + Sync + 'static {
    /// The verdict for `address` from the envelope `sender` (`""`: the null sender) for
    /// a message of `declared_size` octets (0: unknown), if it is one of a list's
    /// addresses; `None` otherwise.
    fn verdict<'a>(
        &'a self,
        sender: &'a str,
        address: &'a Address,
        declared_size: u64,
    ) -> BoxFuture<'a, Result<Option<Verdict>, StoreError>>;

    /// Takes `message` from `sender` for `targets`: distributes it durably before it
    /// returns `Ok`.
    fn take<'a>(
        &'a self,
        sender: &'a str,
        targets: &'a [ListTarget],
        message: &'a [u8],
    ) -> BoxFuture<'a, Result<(), DeliveryError>>;
}
