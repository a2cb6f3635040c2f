//! Content-addressed storage of message bodies.
//!
//! A blob's name is the hex SHA-256 of its bytes, so the same body stored twice takes the
//! space once. [`FsBlobStore`] keeps blobs as files under `root/ab/cd/<hash>`; a write goes
//! to a temporary file that is fsynced, renamed into place and followed by an fsync of
//! the directory, so a blob whose `put` returned survives a crash. [`FsBlobStore::put_many`]
//! stores many blobs with one file-system sync in all (group commit): their data is
//! durable when it returns, but a rename may still be in flight, which
//! [`FsBlobStore::recover`] finishes at the next start.

use std::{
    future::Future,
    io::Write,
    path::{Path, PathBuf},
    pin::Pin,
};

use sha2::{Digest, Sha256};

use crate::StoreError;

/// The hex SHA-256 of `bytes`: the name a blob is stored under.
pub fn blob_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What a [`BlobStore`] call returns.
pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A blob being read, a piece at a time, and its length in bytes.
pub struct BlobReader {
    pub len: u64,
    pub reader: Pin<Box<dyn tokio::io::AsyncRead + Send>>,
}

/// Where message bodies are kept, by the hash of their bytes. Callers hold it as
/// `Arc<dyn BlobStore>`: files on the local disk ([`FsBlobStore`]) today, an
/// S3-compatible store for several nodes later.
///
/// **Contract:** `put` and `put_many` return only once the bytes are durable (a crash
/// after they return loses nothing), so rows that name a blob are written after it;
/// storing the same bytes twice is harmless; `get` of an unknown hash is `NotFound`;
/// `delete` of an absent blob is not an error.
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores `bytes` durably; returns their hash.
    fn put(&self, bytes: Vec<u8>) -> BlobFuture<'_, String>;
    /// Stores several blobs durably, sharing what it can (one sync); returns their hashes
    /// in order.
    fn put_many(&self, blobs: Vec<Vec<u8>>) -> BlobFuture<'_, Vec<String>>;
    /// The bytes stored under `hash`.
    fn get<'a>(&'a self, hash: &'a str) -> BlobFuture<'a, Vec<u8>>;
    /// The bytes stored under `hash`, to read a piece at a time (a download that must not
    /// hold the whole blob in memory).
    fn open<'a>(&'a self, hash: &'a str) -> BlobFuture<'a, BlobReader>;
    /// Removes the blob `hash`.
    fn delete<'a>(&'a self, hash: &'a str) -> BlobFuture<'a, ()>;
    /// Finishes what a crash interrupted; run at start-up, before serving. Returns how
    /// many blobs it completed.
    fn recover(&self) -> Result<usize, StoreError>;
}

impl BlobStore for FsBlobStore {
    fn put(&self, bytes: Vec<u8>) -> BlobFuture<'_, String> {
        Box::pin(FsBlobStore::put(self, bytes))
    }

    fn put_many(&self, blobs: Vec<Vec<u8>>) -> BlobFuture<'_, Vec<String>> {
        Box::pin(FsBlobStore::put_many(self, blobs))
    }

    fn get<'a>(&'a self, hash: &'a str) -> BlobFuture<'a, Vec<u8>> {
        Box::pin(FsBlobStore::get(self, hash))
    }

    fn open<'a>(&'a self, hash: &'a str) -> BlobFuture<'a, BlobReader> {
        Box::pin(async move {
            if !valid_hash(hash) {
                return Err(StoreError::NotFound);
            }
            let file = match tokio::fs::File::open(self.path_of(hash)).await {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(StoreError::NotFound);
                }
                Err(e) => return Err(e.into()),
            };
            let len = file.metadata().await?.len();
            Ok(BlobReader {
                len,
                reader: Box::pin(file),
            })
        })
    }

    fn delete<'a>(&'a self, hash: &'a str) -> BlobFuture<'a, ()> {
        Box::pin(FsBlobStore::delete(self, hash))
    }

    fn recover(&self) -> Result<usize, StoreError> {
        FsBlobStore::recover(self)
    }
}

/// Blobs as files on the local file system.
#[derive(Debug, Clone)]
pub struct FsBlobStore {
    root: PathBuf,
}

fn valid_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl FsBlobStore {
    /// Opens (creating if needed) a blob store under `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let root = root.into();
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(Self { root })
    }

    /// Finishes what a crash interrupted: a temporary file whose content matches the
    /// hash in its name is moved into place (its data was synced before any row could
    /// point at it); anything else in `tmp/` is removed. Returns how many were moved.
    /// Run at start-up, before serving.
    pub fn recover(&self) -> Result<usize, StoreError> {
        let mut moved = 0;
        for entry in std::fs::read_dir(self.root.join("tmp"))? {
            let tmp = entry?.path();
            let name = tmp.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let hash = name.split('.').next().unwrap_or("");
            let intact = valid_hash(hash)
                && std::fs::read(&tmp).is_ok_and(|bytes| blob_hash(&bytes) == hash);
            let path = if intact {
                Some(self.path_of(hash))
            } else {
                None
            };
            match path {
                Some(path) if !path.exists() => {
                    std::fs::create_dir_all(path.parent().expect("blob paths have a parent"))?;
                    std::fs::rename(&tmp, &path)?;
                    moved += 1;
                }
                _ => std::fs::remove_file(&tmp)?,
            }
        }
        if moved > 0 {
            let root = std::fs::File::open(&self.root)?;
            rustix::fs::syncfs(&root).map_err(std::io::Error::from)?;
        }
        Ok(moved)
    }

    fn path_of(&self, hash: &str) -> PathBuf {
        self.root.join(&hash[0..2]).join(&hash[2..4]).join(hash)
    }

    /// Stores `bytes` durably and returns their hash. Storing bytes that are already
    /// present writes nothing.
    pub async fn put(&self, bytes: Vec<u8>) -> Result<String, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.put_blocking(&bytes))
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e)))?
    }

    fn put_blocking(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let hash = blob_hash(bytes);
        let path = self.path_of(&hash);
        if path.exists() {
            return Ok(hash);
        }
        let dir = path.parent().expect("blob paths have a parent");
        std::fs::create_dir_all(dir)?;
        let tmp = self
            .root
            .join("tmp")
            .join(format!("{hash}.{}", uuid::Uuid::now_v7()));
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        sync_dir(dir)?;
        Ok(hash)
    }

    /// Stores many blobs at the cost of one sync of the file system in all (instead of
    /// two fsyncs each): the temporary files are written, `syncfs` makes their data
    /// durable, and they are renamed into place. The renames become durable with the
    /// next sync; until then a crash leaves the data under `tmp/`, where
    /// [`FsBlobStore::recover`] finds it. Returns the hashes in order.
    pub async fn put_many(&self, blobs: Vec<Vec<u8>>) -> Result<Vec<String>, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.put_many_blocking(&blobs))
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e)))?
    }

    fn put_many_blocking(&self, blobs: &[Vec<u8>]) -> Result<Vec<String>, StoreError> {
        let mut hashes = Vec::with_capacity(blobs.len());
        let mut pending = Vec::new();
        for bytes in blobs {
            let hash = blob_hash(bytes);
            let path = self.path_of(&hash);
            if !path.exists() && !pending.iter().any(|(_, p): &(PathBuf, PathBuf)| *p == path) {
                std::fs::create_dir_all(path.parent().expect("blob paths have a parent"))?;
                let tmp = self
                    .root
                    .join("tmp")
                    .join(format!("{hash}.{}", uuid::Uuid::now_v7()));
                std::fs::File::create(&tmp)?.write_all(bytes)?;
                pending.push((tmp, path));
            }
            hashes.push(hash);
        }
        if pending.is_empty() {
            return Ok(hashes);
        }
        let root = std::fs::File::open(&self.root)?;
        rustix::fs::syncfs(&root).map_err(std::io::Error::from)?;
        for (tmp, path) in &pending {
            std::fs::rename(tmp, path)?;
        }
        Ok(hashes)
    }

    /// Reads a blob; `NotFound` if there is none with that hash.
    pub async fn get(&self, hash: &str) -> Result<Vec<u8>, StoreError> {
        if !valid_hash(hash) {
            return Err(StoreError::NotFound);
        }
        match tokio::fs::read(self.path_of(hash)).await {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes a blob; removing one that is absent is not an error.
    pub async fn delete(&self, hash: &str) -> Result<(), StoreError> {
        if !valid_hash(hash) {
            return Err(StoreError::NotFound);
        }
        match tokio::fs::remove_file(self.path_of(hash)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_once_reads_back_and_deletes() {
        let dir = std::env::temp_dir().join(format!("osprey-blob-{}", uuid::Uuid::now_v7()));
        let store = FsBlobStore::open(&dir).unwrap();
        let h1 = store
            .put(b"Subject: hi\r\n\r\nbody\r\n".to_vec())
            .await
            .unwrap();
        let h2 = store
            .put(b"Subject: hi\r\n\r\nbody\r\n".to_vec())
            .await
            .unwrap();
        assert_eq!(h1, h2);
        assert_eq!(h1, blob_hash(b"Subject: hi\r\n\r\nbody\r\n"));
        assert!(dir.join(&h1[0..2]).join(&h1[2..4]).join(&h1).is_file());
        assert_eq!(
            store.get(&h1).await.unwrap(),
            b"Subject: hi\r\n\r\nbody\r\n"
        );
        assert_eq!(
            std::fs::read_dir(dir.join("tmp")).unwrap().count(),
            0,
            "no temp left"
        );
        let many = store
            .put_many(vec![b"one".to_vec(), b"two".to_vec(), b"one".to_vec()])
            .await
            .unwrap();
        assert_eq!(
            many,
            vec![blob_hash(b"one"), blob_hash(b"two"), blob_hash(b"one")]
        );
        assert_eq!(store.get(&many[1]).await.unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
        // A crash after the data sync but before the rename was durable: recovery puts
        // the blob in place; a torn temporary file is dropped.
        let orphan = blob_hash(b"orphan");
        std::fs::write(dir.join("tmp").join(format!("{orphan}.x")), b"orphan").unwrap();
        std::fs::write(
            dir.join("tmp").join(format!("{}.y", blob_hash(b"whole"))),
            b"who",
        )
        .unwrap();
        assert_eq!(store.recover().unwrap(), 1);
        assert_eq!(store.get(&orphan).await.unwrap(), b"orphan");
        assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
        store.delete(&h1).await.unwrap();
        assert!(matches!(store.get(&h1).await, Err(StoreError::NotFound)));
        assert!(matches!(
            store.get("../../etc/passwd").await,
            Err(StoreError::NotFound)
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
