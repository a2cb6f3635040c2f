//! Files a user uploads before sending them as attachments: kept per account under the
//! data directory (`<dir>/<account id>/<upload id>`, with a `.json` beside it holding
//! the name and type), written to a temporary name, synced and renamed, so an upload
//! that is answered exists whole. Each is used by one send or draft save (then removed)
//! or swept a day after it came. Uploads are not content-addressed blobs: removing one
//! can never remove another's bytes.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::message::mime_type;

/// How long an upload that no message used is kept.
pub const UPLOAD_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest file name kept, in characters.
const MAX_NAME: usize = 255;

/// An uploaded file, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadInfo {
    pub id: String,
    pub name: String,
    /// `type/subtype`.
    pub content_type: String,
    pub size: u64,
}

/// The upload area. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Uploads {
    dir: PathBuf,
}

impl Uploads {
    /// Uploads kept under `dir` (made when missing).
    pub fn open(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir })
    }

    /// Keeps `content` for `account_id` as a file named `name` of type `content_type`
    /// (both cleaned: a name without path or control characters, a type that is one).
    pub async fn put(
        &self,
        account_id: &str,
        name: &str,
        content_type: &str,
        content: Vec<u8>,
    ) -> std::io::Result<UploadInfo> {
        let info = UploadInfo {
            id: uuid::Uuid::now_v7().simple().to_string(),
            name: clean_name(name),
            content_type: mime_type(content_type),
            size: content.len() as u64,
        };
        let dir = self.account_dir(account_id).ok_or_else(invalid)?;
        let meta = serde_json::to_vec(&info).map_err(std::io::Error::other)?;
        let id = info.id.clone();
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&dir)?;
            write_synced(&dir, &format!("{id}.json"), &meta)?;
            write_synced(&dir, &id, &content)?;
            std::fs::File::open(&dir)?.sync_all()
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(info)
    }

    /// The upload `id` of `account_id` and its bytes; `None` when there is none.
    pub async fn get(
        &self,
        account_id: &str,
        id: &str,
    ) -> std::io::Result<Option<(UploadInfo, Vec<u8>)>> {
        let Some(info) = self.info(account_id, id).await? else {
            return Ok(None);
        };
        let path = self.path(account_id, id).ok_or_else(invalid)?;
        match tokio::fs::read(path).await {
            Ok(bytes) => Ok(Some((info, bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The upload `id` of `account_id`, without its bytes.
    pub async fn info(&self, account_id: &str, id: &str) -> std::io::Result<Option<UploadInfo>> {
        let Some(path) = self.path(account_id, id) else {
            return Ok(None);
        };
        match tokio::fs::read(path.with_extension("json")).await {
            Ok(meta) => Ok(serde_json::from_slice(&meta).ok()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes the upload `id` of `account_id`; whether there was one.
    pub async fn remove(&self, account_id: &str, id: &str) -> std::io::Result<bool> {
        let Some(path) = self.path(account_id, id) else {
            return Ok(false);
        };
        let meta = remove_file(path.with_extension("json")).await?;
        Ok(remove_file(path).await? || meta)
    }

    /// Removes every upload older than `age`; how many.
    pub async fn sweep(&self, age: Duration) -> std::io::Result<usize> {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || sweep(&dir, age))
            .await
            .map_err(std::io::Error::other)?
    }

    /// Sweeps every `every` (first at once) until `stop` completes.
    pub async fn run_sweeper(self, every: Duration, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            match self.sweep(UPLOAD_LIFETIME).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "swept unused uploads"),
                Err(e) => tracing::warn!(error = %e, "sweeping uploads failed"),
            }
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(every) => {}
            }
        }
    }

    fn account_dir(&self, account_id: &str) -> Option<PathBuf> {
        safe_segment(account_id).then(|| self.dir.join(account_id))
    }

    fn path(&self, account_id: &str, id: &str) -> Option<PathBuf> {
        let dir = self.account_dir(account_id)?;
        (safe_segment(id) && !id.contains('.')).then(|| dir.join(id))
    }
}

fn invalid() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, "not an id")
}

/// Ids are letters, digits and dashes: nothing that walks out of the directory.
fn safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The last path segment of `name`, without control characters, at most 255
/// characters; `attachment` when nothing is left.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "attachment".to_owned()
    } else {
        cleaned.to_owned()
    }
}

fn write_synced(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(tmp, dir.join(name))
}

async fn remove_file(path: PathBuf) -> std::io::Result<bool> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

fn sweep(dir: &Path, age: Duration) -> std::io::Result<usize> {
    let now = SystemTime::now();
    let mut removed = 0;
    for account in std::fs::read_dir(dir)? {
        let account = account?;
        if !account.file_type()?.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(account.path())? {
            let file = file?;
            let old = file
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() >= age);
            if old {
                std::fs::remove_file(file.path())?;
                if file.path().extension().is_none() {
                    removed += 1;
                }
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_path_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\me\\Bericht Ä.pdf"), "Bericht Ä.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\r\nb.txt"), "ab.txt");
        assert_eq!(clean_name(".."), "attachment");
        assert_eq!(clean_name(""), "attachment");
    }

    #[tokio::test]
    async fn an_upload_is_its_accounts_until_removed_or_swept() {
        let dir = tempfile::tempdir().unwrap();
        let uploads = Uploads::open(dir.path().join("uploads")).unwrap();
        let info = uploads
            .put("acc1", "r.pdf", "application/pdf; name=x", b"%PDF".to_vec())
            .await
            .unwrap();
        assert_eq!(info.content_type, "application/pdf");
        assert_eq!(info.size, 4);
        let (got, bytes) = uploads.get("acc1", &info.id).await.unwrap().unwrap();
        assert_eq!((got, bytes), (info.clone(), b"%PDF".to_vec()));
        // Another account, or a path in place of an id, finds nothing.
        assert!(uploads.get("acc2", &info.id).await.unwrap().is_none());
        assert!(uploads.get("acc1", "../acc1").await.unwrap().is_none());
        assert!(uploads.get("..", &info.id).await.unwrap().is_none());
        // A sweep keeps what is young and removes what is old.
        assert_eq!(uploads.sweep(UPLOAD_LIFETIME).await.unwrap(), 0);
        assert_eq!(uploads.sweep(Duration::ZERO).await.unwrap(), 1);
        assert!(uploads.get("acc1", &info.id).await.unwrap().is_none());
        assert!(!uploads.remove("acc1", &info.id).await.unwrap());
    }
}
