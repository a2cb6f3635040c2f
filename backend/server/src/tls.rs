//! The one TLS configuration that every TLS listener shares: the configured PEM files,
//! or a self-signed certificate generated into `data_dir/tls`: for the host name and
//! `localhost`, valid for a year, made again when the host name changes or it nears its
//! end.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use anyhow::Context;
use rustls::{
    ServerConfig,
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
};

use x509_parser::extensions::GeneralName;

use crate::{config::Config, files::write_private};

/// Installs aws-lc-rs as rustls's process-wide provider; harmless when already done.
pub fn install_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// How long a generated certificate is valid.
const VALIDITY: Duration = Duration::from_secs(365 * 24 * 3600);
/// A generated certificate is made again when it expires within this.
const RENEW_BEFORE: Duration = Duration::from_secs(30 * 24 * 3600);

/// The certificate and key files to use: the configured ones, or a self-signed pair in
/// `data_dir/tls`, generated when there is none, when it does not name the host name
/// (it was changed) or `localhost`, and when it expires within 30 days.
pub fn ensure_files(config: &Config) -> anyhow::Result<(PathBuf, PathBuf)> {
    if !config.tls.cert.is_empty() {
        return Ok((
            PathBuf::from(&config.tls.cert),
            PathBuf::from(&config.tls.key),
        ));
    }
    let dir = config.data_dir.join("tls");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let names = vec![config.hostname.clone(), "localhost".to_owned()];
    let why = if !cert.exists() || !key.exists() {
        Some("none yet".to_owned())
    } else {
        renewal_reason(&cert, &names, SystemTime::now())
    };
    if let Some(why) = why {
        let (cert_pem, key_pem) = self_signed(&names, SystemTime::now())?;
        let _ = std::fs::remove_file(&key);
        let _ = std::fs::remove_file(&cert);
        write_private(&key, key_pem.as_bytes())?;
        write_private(&cert, cert_pem.as_bytes())?;
        tracing::info!(cert = %cert.display(), names = ?names, reason = %why, "generated a self-signed TLS certificate");
    }
    Ok((cert, key))
}

/// A self-signed certificate (PEM) for `names`, the first also its subject's common
/// name, valid from `now` for a year, and its key (PEM).
fn self_signed(names: &[String], now: SystemTime) -> anyhow::Result<(String, String)> {
    let mut params = rcgen::CertificateParams::new(names.to_vec())
        .with_context(|| format!("cannot make a certificate for {names:?}"))?;
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, names[0].as_str());
    dn.push(rcgen::DnType::OrganizationName, "Osprey (self-signed)");
    params.distinguished_name = dn;
    // A minute back, for clocks a little behind.
    params.not_before = (now - Duration::from_secs(60)).into();
    params.not_after = (now + VALIDITY).into();
    let key = rcgen::KeyPair::generate().context("cannot generate a TLS key")?;
    let cert = params
        .self_signed(&key)
        .context("cannot generate a TLS certificate")?;
    Ok((cert.pem(), key.serialize_pem()))
}

/// Why the generated certificate at `path` must be made again at `now`, if it must:
/// unreadable, a name of `names` missing, or expiring within [`RENEW_BEFORE`].
fn renewal_reason(path: &Path, names: &[String], now: SystemTime) -> Option<String> {
    let der = match CertificateDer::from_pem_file(path) {
        Ok(der) => der,
        Err(e) => return Some(format!("unreadable: {e}")),
    };
    let cert = match x509_parser::parse_x509_certificate(&der) {
        Ok((_, cert)) => cert,
        Err(e) => return Some(format!("unreadable: {e}")),
    };
    let listed: Vec<String> = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(d) => Some(d.to_ascii_lowercase()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(missing) = names
        .iter()
        .find(|n| !listed.contains(&n.to_ascii_lowercase()))
    {
        return Some(format!("it does not name {missing}"));
    }
    let expires = cert.validity().not_after.timestamp();
    let renew_at = UNIX_EPOCH + Duration::from_secs(u64::try_from(expires).unwrap_or(0));
    (now + RENEW_BEFORE >= renew_at).then(|| "it expires within 30 days".to_owned())
}

/// Loads the TLS configuration for the listeners.
pub fn server_config(config: &Config) -> anyhow::Result<Arc<ServerConfig>> {
    let (cert, key) = ensure_files(config)?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert)
        .with_context(|| format!("cannot read {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} holds no valid PEM certificate", cert.display()))?;
    anyhow::ensure!(!chain.is_empty(), "{} holds no certificate", cert.display());
    let key = PrivateKeyDer::from_pem_file(&key)
        .with_context(|| format!("cannot read a private key from {}", key.display()))?;
    let tls = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the TLS certificate and key do not fit together")?;
    Ok(Arc::new(tls))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_names_the_host_and_is_renewed_when_it_must() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cert.pem");
        let names = vec!["mail.example.com".to_owned(), "localhost".to_owned()];
        let now = SystemTime::now();
        let (pem, _) = self_signed(&names, now).unwrap();
        std::fs::write(&path, &pem).unwrap();
        let der = CertificateDer::from_pem_file(&path).unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
        assert_eq!(
            cert.subject().to_string(),
            "CN=mail.example.com, O=Osprey (self-signed)"
        );
        let days = (cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp())
            / 86400;
        assert_eq!(days, 365);
        assert_eq!(renewal_reason(&path, &names, now), None);
        let renamed = vec!["mx.example.org".to_owned(), "localhost".to_owned()];
        assert_eq!(
            renewal_reason(&path, &renamed, now).as_deref(),
            Some("it does not name mx.example.org")
        );
        let late = now + Duration::from_secs(340 * 24 * 3600);
        assert_eq!(
            renewal_reason(&path, &names, late).as_deref(),
            Some("it expires within 30 days")
        );
        std::fs::write(&path, "not a certificate").unwrap();
        assert!(
            renewal_reason(&path, &names, now)
                .unwrap()
                .starts_with("unreadable")
        );
    }
}
