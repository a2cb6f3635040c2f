//! DKIM keys and signatures (RFC 6376): an RSA-2048 key per domain, the TXT record that
//! publishes it, and the `DKIM-Signature` header for outgoing mail.

use aws_lc_rs::{
    encoding::AsDer,
    rsa::{KeyPair, KeySize},
    signature::KeyPair as _,
};
use base64::Engine;
use mail_auth::{
    common::{
        crypto::{RsaKey, Sha256},
        headers::HeaderWriter,
    },
    dkim::DkimSigner,
};

/// The header fields signed when present (RFC 6376 §5.4.1 recommends these).
const SIGNED_HEADERS: [&str; 16] = [
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    // RFC 8058 §4: "The List-Unsubscribe and List-Unsubscribe-Post header fields MUST
    // be covered by a valid DKIM signature"; a list's identity with them.
    "List-Id",
    "List-Post",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// A domain's signing key.
#[derive(Clone)]
pub struct DkimKey {
    /// The selector: the key is published at `<selector>._domainkey.<domain>`.
    pub selector: String,
    /// PKCS#8 DER.
    pub private_pkcs8: Vec<u8>,
    /// SubjectPublicKeyInfo DER.
    pub public_spki: Vec<u8>,
}

/// Never prints the private key.
impl std::fmt::Debug for DkimKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DkimKey")
            .field("selector", &self.selector)
            .finish_non_exhaustive()
    }
}

/// A new RSA-2048 key under `selector`.
pub fn generate_key(selector: &str) -> Result<DkimKey, String> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|e| e.to_string())?;
    let private =
        AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair).map_err(|e| e.to_string())?;
    let public = AsDer::<aws_lc_rs::encoding::PublicKeyX509Der>::as_der(pair.public_key())
        .map_err(|e| e.to_string())?;
    Ok(DkimKey {
        selector: selector.to_owned(),
        private_pkcs8: private.as_ref().to_vec(),
        public_spki: public.as_ref().to_vec(),
    })
}

/// The TXT record value that publishes a public key (RFC 6376 §3.6.1).
pub fn dns_record(public_spki: &[u8]) -> String {
    format!(
        "v=DKIM1; k=rsa; p={}",
        base64::engine::general_purpose::STANDARD.encode(public_spki)
    )
}

/// The `DKIM-Signature` header field (CRLF-terminated) for `message`, signed for
/// `domain` with `key`; relaxed/relaxed canonicalisation.
pub fn sign(message: &[u8], domain: &str, key: &DkimKey) -> Result<String, String> {
    let der = rustls_pki_types::PrivateKeyDer::Pkcs8(key.private_pkcs8.clone().into());
    let rsa = RsaKey::<Sha256>::from_key_der(der).map_err(|e| e.to_string())?;
    let signature = DkimSigner::from_key(rsa)
        .domain(domain)
        .selector(key.selector.as_str())
        .headers(SIGNED_HEADERS)
        .sign(message)
        .map_err(|e| e.to_string())?;
    Ok(signature.to_header())
}
