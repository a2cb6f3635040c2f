//! DKIM keys by domain. The store keeps the bytes; `osprey-mail` makes and uses them.

use chrono::{DateTime, Utc};
use sea_orm::{EntityTrait, Set, sea_query::OnConflict};

use crate::views::DkimKeys;
use crate::{StoreError, entity::dkim_key};

/// A domain's DKIM key pair, DER bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct DkimKeyRecord {
    pub domain_id: String,
    pub selector: String,
    /// PKCS#8 DER.
    pub private_key: Vec<u8>,
    /// SubjectPublicKeyInfo DER.
    pub public_key: Vec<u8>,
    pub created_at: DateTime<Utc>,
}

/// Never prints the private key.
impl std::fmt::Debug for DkimKeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DkimKeyRecord")
            .field("domain_id", &self.domain_id)
            .field("selector", &self.selector)
            .finish_non_exhaustive()
    }
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

impl DkimKeys<'_> {
    /// Sets (or replaces) the DKIM key of a domain.
    pub async fn set_dkim_key(
        self,
        domain_id: &str,
        selector: &str,
        private_key: &[u8],
        public_key: &[u8],
    ) -> Result<DkimKeyRecord, StoreError> {
        use base64::Engine;
        self.domains().domain(domain_id).await?;
        let now = Utc::now();
        dkim_key::Entity::insert(dkim_key::ActiveModel {
            domain_id: Set(domain_id.to_owned()),
            selector: Set(selector.to_owned()),
            private_key: Set(b64().encode(private_key)),
            public_key: Set(b64().encode(public_key)),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(dkim_key::Column::DomainId)
                .update_columns([
                    dkim_key::Column::Selector,
                    dkim_key::Column::PrivateKey,
                    dkim_key::Column::PublicKey,
                    dkim_key::Column::CreatedAt,
                ])
                .to_owned(),
        )
        .exec(&self.db)
        .await?;
        // Read back, so the timestamp is the one the database keeps.
        self.dkim_key(domain_id).await?.ok_or(StoreError::NotFound)
    }

    /// The DKIM key of a domain, if it has one.
    pub async fn dkim_key(self, domain_id: &str) -> Result<Option<DkimKeyRecord>, StoreError> {
        use base64::Engine;
        let Some(m) = dkim_key::Entity::find_by_id(domain_id.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let decode = |s: &str| {
            b64()
                .decode(s)
                .map_err(|_| StoreError::Invalid("a stored DKIM key is not base64".into()))
        };
        Ok(Some(DkimKeyRecord {
            private_key: decode(&m.private_key)?,
            public_key: decode(&m.public_key)?,
            domain_id: m.domain_id,
            selector: m.selector,
            created_at: m.created_at,
        }))
    }
}
