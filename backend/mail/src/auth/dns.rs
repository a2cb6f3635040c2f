//! Where the message-authentication checks get their DNS answers: the system resolver, or
//! a fixed table of TXT records (tests, and sites that pin their partners' records). With
//! a table, a name that is not in it does not exist: no query leaves the host.

use std::{borrow::Borrow, collections::HashMap, hash::Hash, sync::Arc};

use mail_auth::{
    DnsError, Error, Txt, common::parse::TxtRecordParser, common::verify::DomainKey, dmarc::Dmarc,
    hickory_resolver::proto::op::ResponseCode, spf::Spf,
};

/// TXT records by name, parsed as the kind their name implies.
#[derive(Clone, Default)]
pub struct TxtTable(Arc<HashMap<Box<str>, Txt>>);

impl TxtTable {
    /// A table from `(name, record)` pairs; `_dmarc.` names hold DMARC records,
    /// `._domainkey.` names DKIM keys, every other name SPF.
    pub fn new<'a>(records: impl IntoIterator<Item = (&'a str, &'a str)>) -> TxtTable {
        let mut map = HashMap::new();
        for (name, record) in records {
            let name = fqdn(name);
            let bytes = record.as_bytes();
            let txt: Txt = if name.starts_with("_dmarc.") {
                Dmarc::parse(bytes).into()
            } else if name.contains("._domainkey.") {
                DomainKey::parse(bytes).into()
            } else {
                Spf::parse(bytes).into()
            };
            map.insert(name.into_boxed_str(), txt);
        }
        TxtTable(Arc::new(map))
    }
}

fn fqdn(name: &str) -> String {
    let mut n = name.trim().to_ascii_lowercase();
    if !n.ends_with('.') {
        n.push('.');
    }
    n
}

impl TxtTable {
    /// The answer for `name`: its record, or "no such record".
    pub(crate) fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        // Every name is answered: from the table, or as not existing.
        Some(
            self.0
                .get(name)
                .cloned()
                .unwrap_or(Txt::Error(Error::Dns(DnsError::RecordNotFound(
                    ResponseCode::NXDomain,
                )))),
        )
    }
}
