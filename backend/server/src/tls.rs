//! The one TLS configuration that every TLS listener shares: the configured PEM files,
//! or a self-signed certificate generated into `data_dir/tls` on first start.

use std::{path::PathBuf, sync::Arc};

use anyhow::Context;
use rustls::{
    ServerConfig,
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
};

use crate::{config::Config, files::write_private};

/// Installs aws-lc-rs as rustls's process-wide provider; harmless when already done.
pub fn install_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// The certificate and key files to use, generating a self-signed pair when none are
/// configured and none were generated before.
pub fn ensure_files(config: &Config) -> anyhow::Result<(PathBuf, PathBuf)> {
    if !config.tls.cert.is_empty() {
        return Ok((
            PathBuf::from(&config.tls.cert),
            PathBuf::from(&config.tls.key),
        ));
    }
    let dir = config.data_dir.join("tls");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    if !cert.exists() || !key.exists() {
        let names = vec![config.hostname.clone(), "localhost".to_owned()];
        let generated = rcgen::generate_simple_self_signed(names)
            .context("cannot generate a TLS certificate")?;
        let _ = std::fs::remove_file(&key);
        let _ = std::fs::remove_file(&cert);
        write_private(&key, generated.signing_key.serialize_pem().as_bytes())?;
        write_private(&cert, generated.cert.pem().as_bytes())?;
        tracing::info!(cert = %cert.display(), "generated a self-signed TLS certificate");
    }
    Ok((cert, key))
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
