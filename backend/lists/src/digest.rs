//! Digests: the posts a list distributed, gathered for the members who take them that
//! way — once `digest_max_posts` posts or `digest_max_bytes` bytes wait, or a day after
//! the oldest — as a MIME digest (RFC 2046 §5.1.5 `multipart/digest`, mode `digest`) or
//! as RFC 1153 plain text (mode `digest_plain`). Each post goes in one digest.

use chrono::{DateTime, Duration, Utc};
use osprey_core::Address;
use osprey_mail::{
    DeliveryError,
    message::{Compose, NamedAddress},
};
use osprey_store::{DigestBacklog, ListPostRecord, ListRecord};

use crate::{
    post::ListIdentity,
    requests::{new_token, request_address},
    server::ListServer,
    settings::{ArchivePolicy, ListSettings},
};

/// A digest goes out at the latest this long after its oldest post.
pub const DIGEST_PERIOD: Duration = Duration::days(1);

/// The delivery modes that take digests.
pub const DIGEST_MODES: [&str; 2] = ["digest", "digest_plain"];

/// Members read per page for a digest.
const ROSTER_PAGE: u64 = 1_000;

/// Returns `true` if and only if the list's digest is due at `now`: posts wait, and
/// there are enough of them, or enough bytes, or the oldest waited a day.
pub fn due(settings: &ListSettings, backlog: &DigestBacklog, now: DateTime<Utc>) -> bool {
    backlog.posts > 0
        && (backlog.posts >= u64::from(settings.digest_max_posts)
            || backlog.bytes >= settings.digest_max_bytes
            || backlog.oldest.is_some_and(|at| at + DIGEST_PERIOD <= now))
}

/// One post of a digest: its record and its members' copy.
pub struct DigestPost {
    pub record: ListPostRecord,
    pub raw: Vec<u8>,
}

/// A digest's subject: `<name> Digest, Vol 1, Issue <n>`.
fn subject(list: &ListIdentity<'_>, issue: u64) -> String {
    format!("{} Digest, Vol 1, Issue {issue}", list.name)
}

/// The table of contents both forms begin with.
fn topics(list: &ListIdentity<'_>, posts: &[DigestPost]) -> String {
    let mut text = format!(
        "Send posts to {address}. To change how you get {address} (each post, a digest, \
         no mail) or to leave, write to {request}.\n\nToday's Topics:\n\n",
        address = list.address,
        request = request_of(list.address),
    );
    for (i, post) in posts.iter().enumerate() {
        let who = match (
            post.record.author_name.as_str(),
            &post.record.author_address,
        ) {
            ("", a) => a.clone(),
            (n, a) => format!("{n} <{a}>"),
        };
        text.push_str(&format!(
            "  {:>3}. {} ({who})\n",
            i + 1,
            one_line(&post.record.subject)
        ));
    }
    text
}

fn request_of(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{local}-request@{domain}"),
        None => address.to_owned(),
    }
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// RFC 1153's separator between the topics and the first message: 70 hyphens.
const TOPICS_END: &str = "----------------------------------------------------------------------";
/// RFC 1153's separator between messages: 30 hyphens.
const MESSAGE_END: &str = "------------------------------";

/// The RFC 1153 text of a digest: the topics, then each post's Date, From and Subject
/// and its text, separated by lines of 30 hyphens (a line of the text that is one is
/// set off by a space), then the end line and a line of asterisks.
pub fn plain_text(list: &ListIdentity<'_>, issue: u64, posts: &[DigestPost]) -> String {
    let mut text = topics(list, posts);
    text.push('\n');
    text.push_str(TOPICS_END);
    text.push_str("\n\n");
    for post in posts {
        let read = osprey_mail::reading::read(&post.raw);
        let date = read.date.unwrap_or(post.record.posted_at);
        let from = match (
            post.record.author_name.as_str(),
            &post.record.author_address,
        ) {
            ("", a) => a.clone(),
            (n, a) => format!("{n} <{a}>"),
        };
        text.push_str(&format!(
            "Date: {}\nFrom: {from}\nSubject: {}\n\n",
            date.to_rfc2822(),
            one_line(&post.record.subject)
        ));
        for line in read.text.lines() {
            if line == MESSAGE_END {
                text.push(' ');
            }
            text.push_str(line);
            text.push('\n');
        }
        text.push('\n');
        text.push_str(MESSAGE_END);
        text.push_str("\n\n");
    }
    let end = format!("End of {} Digest, Vol 1, Issue {issue}", list.name);
    text.push_str(&end);
    text.push('\n');
    text.push_str(&"*".repeat(end.chars().count()));
    text.push('\n');
    text
}

impl ListServer {
    /// Sends the list's digest if it is due by its size (the daily one is the timer's).
    pub(crate) async fn digest_if_full(
        &self,
        list: &ListRecord,
        settings: &ListSettings,
    ) -> Result<(), DeliveryError> {
        if !settings.digest {
            return Ok(());
        }
        let backlog = self.store().list_posts().digest_backlog(&list.id).await?;
        if due(settings, &backlog, Utc::now()) {
            self.send_digest(list).await?;
        }
        Ok(())
    }

    /// Sends every list's digest that is due at `now`; how many went out. A failure of
    /// one list's is logged, and the others still go.
    pub async fn send_due_digests(&self, now: DateTime<Utc>) -> Result<usize, DeliveryError> {
        let mut sent = 0;
        for id in self.store().list_posts().lists_with_backlog().await? {
            let Ok(list) = self.store().lists().list(&id).await else {
                continue;
            };
            let settings = ListSettings::read(&list.settings);
            let backlog = self.store().list_posts().digest_backlog(&list.id).await?;
            if !settings.digest || due(&settings, &backlog, now) {
                match self.send_digest(&list).await {
                    Ok(true) => sent += 1,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(list = %list.address(), error = %e, "a digest was not sent")
                    }
                }
            }
        }
        Ok(sent)
    }

    /// Takes the posts waiting for the list's digest and sends them, as each digest
    /// member asked; `false` when none waited. A list that keeps no archive then
    /// forgets them.
    pub async fn send_digest(&self, list: &ListRecord) -> Result<bool, DeliveryError> {
        let settings = ListSettings::read(&list.settings);
        let posts = self.store().list_posts();
        let digest_id = new_token();
        let taken = posts.take_backlog(&list.id, &digest_id).await?;
        if taken.is_empty() {
            return Ok(false);
        }
        if settings.digest
            && let Err(e) = self.send_taken(list, &digest_id, taken).await
        {
            // Its posts wait for the next digest: none is lost.
            posts.release_backlog(&list.id, &digest_id).await?;
            return Err(e);
        }
        if settings.archive == ArchivePolicy::Off {
            posts.forget_digested(&list.id).await?;
        }
        Ok(true)
    }

    /// Sends the posts `taken` as digest `digest_id` to the digest members of each mode.
    /// (A failure part-way may have reached some members; the posts then go again in the
    /// next digest, rather than to nobody.)
    async fn send_taken(
        &self,
        list: &ListRecord,
        digest_id: &str,
        taken: Vec<ListPostRecord>,
    ) -> Result<(), DeliveryError> {
        let issue = self.store().list_posts().digests_sent(&list.id).await?;
        let mut digest = Vec::with_capacity(taken.len());
        for record in taken {
            let raw = self.blobs().get(&record.blob_hash).await?;
            digest.push(DigestPost { record, raw });
        }
        for mode in DIGEST_MODES {
            let members = self.digest_members(list, mode).await?;
            if members.is_empty() {
                continue;
            }
            let message = self.digest_message(list, mode, issue, &digest);
            self.send(list, &members, &message).await?;
        }
        tracing::info!(list = %list.address(), issue, digest_id, posts = digest.len(), "digest sent");
        Ok(())
    }

    /// The active members of delivery mode `mode`.
    async fn digest_members(
        &self,
        list: &ListRecord,
        mode: &str,
    ) -> Result<Vec<String>, DeliveryError> {
        let mut members = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self
                .store()
                .lists()
                .recipients_page(&list.id, &[mode], after.as_deref(), ROSTER_PAGE)
                .await?;
            members.extend(page.iter().map(|m| m.address.clone()));
            if (page.len() as u64) < ROSTER_PAGE {
                break;
            }
            after = page.last().map(|m| m.address.clone());
        }
        Ok(members)
    }

    /// The digest message of `mode` (`digest`: MIME, `digest_plain`: RFC 1153).
    fn digest_message(
        &self,
        list: &ListRecord,
        mode: &str,
        issue: u64,
        posts: &[DigestPost],
    ) -> Vec<u8> {
        let address = list.address();
        let identity = ListIdentity {
            address: &address,
            name: &list.name,
            archive_url: None,
        };
        let Ok(from) = Address::parse(&request_address(list)) else {
            return Vec::new();
        };
        let to = Address::parse(&address).map(NamedAddress::from);
        // Replies go to the list, not to the commands address the digest is from.
        let reply_to = to.clone();
        let compose = Compose::new(
            NamedAddress {
                name: Some(format!("{} list", list.name)),
                address: from,
            },
            format!("digest-{}@{}", new_token(), list.domain),
        )
        .to(to)
        .reply_to(reply_to)
        .subject(subject(&identity, issue))
        .field(
            "List-Id",
            format!("\"{}\" <{}>", one_line(&list.name), identity.list_id()),
        )
        .field("List-Post", format!("<mailto:{address}>"))
        .field(
            "List-Unsubscribe",
            format!("<mailto:{}-unsubscribe@{}>", list.local_part, list.domain),
        )
        .field("Precedence", "list")
        .field("X-Loop", address.clone());
        let message = if mode == "digest_plain" {
            compose.text(plain_text(&identity, issue, posts).replace('\n', "\r\n"))
        } else {
            compose
                .text(topics(&identity, posts).replace('\n', "\r\n"))
                .digest(posts.iter().map(|p| p.raw.clone()).collect())
        };
        message.to_bytes()
    }
}
