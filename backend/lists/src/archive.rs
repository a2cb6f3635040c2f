//! A list's archive: each post the list distributes is kept (its members' copy, threaded
//! by References) while the list keeps an archive or its digest has yet to send it;
//! members read it (threads, a thread, search, an mbox export), and anyone does when the
//! list's archive is public. Who may read is decided here.

use std::{collections::HashMap, sync::Arc};

use osprey_directory::{Actor, DirectoryError};
use osprey_mail::{
    DeliveryError,
    message::{field_value, message_ids, split_header},
};
use osprey_store::{
    ListPostRecord, ListRecord, ListThreadRecord, MAX_POST_SEARCH_TEXT, NewListPost, Store,
    blob::BlobStore,
};

use crate::{
    server::{ListServer, list_at},
    settings::{ArchivePolicy, ListSettings},
};

/// Threads or search results per page, at most.
pub const MAX_ARCHIVE_PAGE: u64 = 500;
/// The most search terms a query may have.
const MAX_TERMS: usize = 8;
/// Posts an export reads at a time.
const EXPORT_PAGE: u64 = 200;

impl ListServer {
    /// Keeps the members' copy of a post, when the list keeps an archive or sends
    /// digests; then sends the digest if it is full.
    pub(crate) async fn keep(
        &self,
        list: &ListRecord,
        settings: &ListSettings,
        copy: &[u8],
    ) -> Result<(), DeliveryError> {
        if settings.archive == ArchivePolicy::Off && !settings.digest {
            return Ok(());
        }
        let read = osprey_mail::reading::read(copy);
        // RFC 5256 §3 step 1: without References, In-Reply-To's message IDs stand in.
        let (header, _) = split_header(copy);
        let references = match field_value(header, "References") {
            Some(f) => message_ids(&f),
            None => field_value(header, "In-Reply-To")
                .and_then(|f| message_ids(&f).into_iter().next())
                .into_iter()
                .collect(),
        };
        let author = read.from.first();
        let author_name = author.and_then(|a| a.name.clone()).unwrap_or_default();
        let author_address = author.and_then(|a| a.address.clone()).unwrap_or_default();
        let subject = read.subject.clone().unwrap_or_default();
        let mut search_text = format!("{subject}\n{author_name} {author_address}\n");
        search_text.extend(read.text.chars().take(MAX_POST_SEARCH_TEXT));
        let blob_hash = self.blobs().put(copy.to_vec()).await?;
        self.store()
            .list_posts()
            .add(NewListPost {
                list_id: list.id.clone(),
                message_id: read.message_id.clone().unwrap_or_default(),
                references,
                subject,
                author_name,
                author_address,
                size: copy.len() as u64,
                blob_hash,
                search_text: search_text.to_lowercase(),
                awaits_digest: settings.digest,
            })
            .await?;
        self.digest_if_full(list, settings).await
    }
}

/// Who reads an archive.
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    /// Someone not signed in: public archives only.
    Anyone,
    /// A signed-in account, by its actor and address.
    Account { actor: &'a Actor, address: &'a str },
}

/// A post as the archive shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedPost {
    pub record: ListPostRecord,
    /// How deep in its thread it answers (0: the first post or one whose parent is
    /// not kept).
    pub depth: u32,
    /// Its text (reduced from HTML when it has no plain text), never markup.
    pub text: String,
}

/// The archives of the lists.
#[derive(Clone)]
pub struct ListArchive {
    store: Store,
    blobs: Arc<dyn BlobStore>,
}

impl ListArchive {
    pub fn new(store: Store, blobs: Arc<dyn BlobStore>) -> Self {
        Self { store, blobs }
    }

    /// The list `id`, if `reader` may read its archive: anyone a public one; a members'
    /// archive its members, owners and moderators and its domain's administrators
    /// (others are `Forbidden`, someone not signed in gets `NotFound`); an archive that
    /// is off no one (`NotFound`).
    pub async fn readable(
        &self,
        reader: Reader<'_>,
        id: &str,
    ) -> Result<ListRecord, DirectoryError> {
        let list = self.store.lists().list(id).await?;
        let settings = ListSettings::read(&list.settings);
        match (settings.archive, reader) {
            (ArchivePolicy::Off, _) | (ArchivePolicy::Members, Reader::Anyone) => {
                Err(DirectoryError::NotFound)
            }
            (ArchivePolicy::Public, _) => Ok(list),
            (ArchivePolicy::Members, Reader::Account { actor, address }) => {
                let admin = actor
                    .admin_scope()
                    .is_ok_and(|scope| scope.check(&list.domain_id, "this list is").is_ok());
                if admin
                    || settings.is_owner_or_moderator(address)
                    || self
                        .store
                        .lists()
                        .member(&list.id, address)
                        .await?
                        .is_some()
                {
                    Ok(list)
                } else {
                    Err(DirectoryError::Forbidden(format!(
                        "the archive of {} is for its members",
                        list.address()
                    )))
                }
            }
        }
    }

    /// The list at `address` (its posting address), if its archive is public.
    pub async fn public(&self, address: &str) -> Result<ListRecord, DirectoryError> {
        let address =
            osprey_core::Address::parse(address.trim()).map_err(|_| DirectoryError::NotFound)?;
        match list_at(&self.store, &address).await? {
            Some((list, role)) if role == "post" => self.readable(Reader::Anyone, &list.id).await,
            _ => Err(DirectoryError::NotFound),
        }
    }

    /// A page of the list's threads, latest activity first.
    pub async fn threads(
        &self,
        reader: Reader<'_>,
        id: &str,
        offset: u64,
        limit: u64,
    ) -> Result<(ListRecord, Vec<ListThreadRecord>), DirectoryError> {
        let list = self.readable(reader, id).await?;
        let threads = self
            .store
            .list_posts()
            .threads(&list.id, offset, limit.clamp(1, MAX_ARCHIVE_PAGE))
            .await?;
        Ok((list, threads))
    }

    /// The list's posts whose subject, author or text hold every word of `query`,
    /// newest first. `Invalid` (field `q`) for a query without words or with too many.
    pub async fn search(
        &self,
        reader: Reader<'_>,
        id: &str,
        query: &str,
        offset: u64,
        limit: u64,
    ) -> Result<(ListRecord, Vec<ListPostRecord>), DirectoryError> {
        let terms: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if terms.is_empty() || terms.len() > MAX_TERMS {
            return Err(DirectoryError::field("q", "from 1 to 8 words"));
        }
        let list = self.readable(reader, id).await?;
        let posts = self
            .store
            .list_posts()
            .search(&list.id, &terms, offset, limit.clamp(1, MAX_ARCHIVE_PAGE))
            .await?;
        Ok((list, posts))
    }

    /// The posts of a thread, in the order they came, each with its depth and text.
    /// `NotFound` for a thread the list does not have.
    pub async fn thread(
        &self,
        reader: Reader<'_>,
        id: &str,
        thread_id: &str,
    ) -> Result<(ListRecord, Vec<ArchivedPost>), DirectoryError> {
        let list = self.readable(reader, id).await?;
        let records = self.store.list_posts().thread(&list.id, thread_id).await?;
        if records.is_empty() {
            return Err(DirectoryError::NotFound);
        }
        let mut depths: HashMap<String, u32> = HashMap::new();
        let mut posts = Vec::with_capacity(records.len());
        for record in records {
            let depth = record
                .parent_id
                .as_ref()
                .and_then(|p| depths.get(p))
                .map_or(0, |d| d + 1);
            depths.insert(record.id.clone(), depth);
            let raw = self.blobs.get(&record.blob_hash).await?;
            posts.push(ArchivedPost {
                text: osprey_mail::reading::read(&raw).text,
                record,
                depth,
            });
        }
        Ok((list, posts))
    }

    /// The list's archive as an mbox (RFC 4155, in the `mboxrd` form: a `From ` line
    /// before each post, `>` before any line of a post that begins with `From ` after
    /// `>`s), in the order the posts came, read a page of posts at a time.
    pub async fn mbox_export(
        &self,
        reader: Reader<'_>,
        id: &str,
    ) -> Result<(ListRecord, MboxExport), DirectoryError> {
        let list = self.readable(reader, id).await?;
        let export = MboxExport {
            archive: self.clone(),
            list_id: list.id.clone(),
            after: None,
            done: false,
        };
        Ok((list, export))
    }

    /// [`Self::mbox_export`], whole, in memory.
    pub async fn mbox(
        &self,
        reader: Reader<'_>,
        id: &str,
    ) -> Result<(ListRecord, Vec<u8>), DirectoryError> {
        let (list, mut export) = self.mbox_export(reader, id).await?;
        let mut out = Vec::new();
        while let Some(piece) = export.next().await? {
            out.extend_from_slice(&piece);
        }
        Ok((list, out))
    }
}

/// A list's archive as an mbox, a page of posts at a time.
pub struct MboxExport {
    archive: ListArchive,
    list_id: String,
    /// The last post written.
    after: Option<String>,
    done: bool,
}

impl MboxExport {
    /// The next posts of the export, `None` after the last (or after a failure).
    pub async fn next(&mut self) -> Result<Option<Vec<u8>>, DirectoryError> {
        if self.done {
            return Ok(None);
        }
        let page = match self
            .archive
            .store
            .list_posts()
            .page(&self.list_id, self.after.as_deref(), EXPORT_PAGE)
            .await
        {
            Ok(page) => page,
            Err(e) => {
                self.done = true;
                return Err(e.into());
            }
        };
        self.done = (page.len() as u64) < EXPORT_PAGE;
        if page.is_empty() {
            return Ok(None);
        }
        let mut out = Vec::new();
        for post in &page {
            match self.archive.blobs.get(&post.blob_hash).await {
                Ok(raw) => mbox_entry(&mut out, post, &raw),
                Err(e) => {
                    self.done = true;
                    return Err(e.into());
                }
            }
        }
        self.after = page.last().map(|p| p.id.clone());
        Ok(Some(out))
    }
}

/// Appends one post to an mbox: its `From ` line (the author and the date it was
/// posted, in `asctime` form), the message with LF line endings and its `From ` lines
/// quoted (mboxrd), and an empty line.
pub fn mbox_entry(out: &mut Vec<u8>, post: &ListPostRecord, raw: &[u8]) {
    let sender = if post.author_address.is_empty() {
        "MAILER-DAEMON"
    } else {
        &post.author_address
    };
    out.extend_from_slice(
        format!(
            "From {sender} {}\n",
            post.posted_at.format("%a %b %e %H:%M:%S %Y")
        )
        .as_bytes(),
    );
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    for line in raw.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let quoted = line.iter().position(|b| *b != b'>');
        if quoted.is_some_and(|i| line[i..].starts_with(b"From ")) {
            out.push(b'>');
        }
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out.push(b'\n');
}
