//! TLS for STARTTLS: the encrypt-only configuration of the opportunistic policy and the
//! server name a certificate is checked against.

use std::{
    net::IpAddr,
    sync::{Arc, OnceLock},
};

use rustls::{
    DigitallySignedStruct, SignatureScheme,
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    crypto::{CryptoProvider, aws_lc_rs, verify_tls12_signature, verify_tls13_signature},
    pki_types::{CertificateDer, ServerName, UnixTime},
};

/// A client configuration that accepts any certificate: opportunistic TLS protects
/// against passive listeners only, as most MTAs do for MX delivery, because MX hosts'
/// certificates rarely match their names. The handshake signatures are still checked, so
/// the session key belongs to whoever holds the presented certificate.
// RFC 3207 §4.1
pub(crate) fn encrypt_only() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let provider = Arc::new(aws_lc_rs::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .expect("the default provider supports the default versions")
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
                .with_no_client_auth();
            Arc::new(config)
        })
        .clone()
}

/// The name for SNI and certificate checks: a host name, or the address of an address
/// literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`).
pub(crate) fn server_name(host: &str) -> Option<ServerName<'static>> {
    let host = host.trim_end_matches('.');
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let inner = inner
            .get(..5)
            .filter(|tag| tag.eq_ignore_ascii_case("IPv6:"))
            .map_or(inner, |_| &inner[5..]);
        return inner
            .parse::<IpAddr>()
            .ok()
            .map(|ip| ServerName::IpAddress(ip.into()));
    }
    ServerName::try_from(host.to_owned()).ok()
}

#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Where Debian, Ubuntu, Fedora and Alpine keep the system's trusted CA bundle.
const CA_BUNDLES: [&str; 3] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
];

/// A client configuration that checks certificates against the system's trusted CAs, for
/// destinations where TLS is required. With no bundle found, no certificate is trusted and
/// such destinations stay deferred (the log says why).
pub fn system_roots_config() -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    if let Some(path) = CA_BUNDLES.iter().find(|p| std::path::Path::new(p).exists())
        && let Ok(certs) = CertificateDer::pem_file_iter(path)
    {
        let (added, _) = roots.add_parsable_certificates(certs.flatten());
        tracing::debug!(bundle = path, added, "trusted CAs for required TLS");
    } else {
        tracing::warn!("no CA bundle found: destinations that require TLS cannot be verified");
    }
    let provider = Arc::new(aws_lc_rs::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("the default provider supports the default versions")
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}
