//! Secret files in the data directory: created once, mode 0600.

use std::{io::Write, path::Path};

use anyhow::Context;

/// Writes `bytes` to a new file readable by the owner only, durably.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// The random bytes in the file `name` of `data_dir` (hex, 0600): `len` bytes made on
/// first use; a file made by hand must hold at least `min`.
fn random_key(data_dir: &Path, name: &str, len: usize, min: usize) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join(name);
    if !path.exists() {
        let mut bytes = vec![0u8; len];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        write_private(&path, hex::encode(bytes).as_bytes())?;
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let bytes =
        hex::decode(text.trim()).with_context(|| format!("{} is not hex", path.display()))?;
    anyhow::ensure!(
        bytes.len() >= min,
        "{} holds fewer than {min} bytes",
        path.display()
    );
    Ok(bytes)
}

/// The JWT signing secret in `data_dir/jwt.key`, generated on first use.
pub fn jwt_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    random_key(data_dir, "jwt.key", 64, 32)
}

/// The key that seals the legacy mechanisms' secrets: 32 random bytes in
/// `data_dir/legacy.key` (hex, 0600), created on first use. Nodes that share a database
/// must share this file.
pub fn legacy_key(data_dir: &Path) -> anyhow::Result<[u8; 32]> {
    let path = data_dir.join("legacy.key");
    random_key(data_dir, "legacy.key", 32, 32)?
        .try_into()
        .map_err(|_| anyhow::anyhow!("{} must hold exactly 32 bytes", path.display()))
}

/// The key that signs SRS addresses of forwarded mail: 32 random bytes in
/// `data_dir/srs.key` (hex, 0600), created on first use. Nodes that share a database
/// must share this file, or bounces to forwarded mail come back unverifiable.
pub fn srs_key(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    random_key(data_dir, "srs.key", 32, 32)
}
