//! Each domain's DKIM key: made when the domain is created (or on demand, which also
//! rotates it), kept in the store, published by the administrator from [`dns_record`].

use chrono::Utc;
use osprey_store::{DkimKeyRecord, Store, StoreError};

use super::dkim::{DkimKey, generate_key};

/// A selector that changes with every new key, so that the old key's DNS record can stay
/// published while mail signed with it is still in transit.
fn new_selector() -> String {
    format!("osprey{}", Utc::now().format("%Y%m%d%H%M%S"))
}

/// Makes a new key for the domain and stores it, replacing any old one.
pub async fn rotate_dkim_key(store: &Store, domain_id: &str) -> Result<DkimKeyRecord, StoreError> {
    let selector = new_selector();
    // RSA key generation takes tens of milliseconds: keep it off the async threads.
    let key = tokio::task::spawn_blocking(move || generate_key(&selector))
        .await
        .map_err(|e| StoreError::Invalid(format!("key generation stopped: {e}")))?
        .map_err(StoreError::Invalid)?;
    store
        .dkim()
        .set_dkim_key(
            domain_id,
            &key.selector,
            &key.private_pkcs8,
            &key.public_spki,
        )
        .await
}

/// An administrator's rotation of `domain`'s key (the caller checked `actor` may):
/// recorded in the audit log with the old and new selectors.
pub async fn rotate_dkim_key_by(
    store: &Store,
    actor: &osprey_directory::Actor,
    domain: &osprey_store::DomainRecord,
) -> Result<DkimKeyRecord, StoreError> {
    use osprey_directory::audit::{Change, record};
    let before = store.dkim().dkim_key(&domain.id).await?;
    let key = rotate_dkim_key(store, &domain.id).await?;
    record(
        store,
        actor,
        Change::new("dkim.rotate", &domain.name)
            .domain(&domain.id)
            .before(serde_json::json!({ "selector": before.map(|k| k.selector) }))
            .after(serde_json::json!({ "selector": key.selector })),
    )
    .await;
    Ok(key)
}

/// The domain's key, made first if it has none.
pub async fn ensure_dkim_key(store: &Store, domain_id: &str) -> Result<DkimKeyRecord, StoreError> {
    match store.dkim().dkim_key(domain_id).await? {
        Some(k) => Ok(k),
        None => rotate_dkim_key(store, domain_id).await,
    }
}

impl From<&DkimKeyRecord> for DkimKey {
    fn from(r: &DkimKeyRecord) -> Self {
        DkimKey {
            selector: r.selector.clone(),
            private_pkcs8: r.private_key.clone(),
            public_spki: r.public_key.clone(),
        }
    }
}
