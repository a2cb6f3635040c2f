//! The list server: mailing lists of a domain and their members.

use chrono::{DateTime, Utc};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Who may post to a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PostingPolicy {
    /// Anyone.
    Anyone,
    /// Its members, owners and moderators; others are refused at SMTP time.
    #[default]
    Members,
    /// Only its owners and moderators (an announcement list).
    Announce,
    /// Members' posts wait for a moderator's approval; others are refused.
    Moderated,
}

/// How people join a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionPolicy {
    /// Anyone, after confirming the address by mail.
    #[default]
    Confirm,
    /// The owners approve each request.
    Approval,
    /// Only the owners add members.
    Closed,
}

/// Where replies to a post go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReplyPolicy {
    /// To the author: the list adds no Reply-To.
    #[default]
    Sender,
    /// To the list: Reply-To is the list's address.
    List,
}

/// When a post's From becomes the list's (`"Bob via team" <team@example.com>`), so
/// that receivers' DMARC checks pass on the copy the list's domain signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FromRewrite {
    /// When the author's domain publishes DMARC `p=reject` or `p=quarantine`.
    #[default]
    Dmarc,
    Always,
    Never,
}

/// Who may read a list's archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArchivePolicy {
    /// Its members, owners and moderators, and the domain's administrators.
    #[default]
    Members,
    /// Anyone, also on the list's public archive page without signing in.
    Public,
    /// No one; posts are not kept (but until a digest has sent them).
    Off,
}

/// A list's settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MailingListSettings {
    #[serde(default)]
    pub posting: PostingPolicy,
    #[serde(default)]
    pub subscription: SubscriptionPolicy,
    #[serde(default)]
    pub reply_to: ReplyPolicy,
    /// Put before each post's subject once (`[team]`); empty: nothing. At most 40
    /// characters.
    #[serde(default)]
    pub subject_prefix: String,
    /// Added after a plain-text post, below a `-- ` line; empty: nothing.
    #[serde(default)]
    pub footer: String,
    /// The largest post in octets (larger: `552 5.3.4`); none: the server's limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_message_size: Option<u64>,
    /// Media types a post's attachments may have (`application/pdf`, `image/*`); empty:
    /// any. A post with another is not sent, and its sender is told.
    #[serde(default)]
    pub allowed_attachment_types: Vec<String>,
    /// Addresses of the owners: they may always post and get `-owner@` mail.
    #[serde(default)]
    pub owners: Vec<String>,
    /// Addresses of the moderators: they may always post.
    #[serde(default)]
    pub moderators: Vec<String>,
    /// Senders whose posts are taken without membership and without moderation.
    #[serde(default)]
    pub accept_from: Vec<String>,
    /// Members may ask for the member list (`who`); otherwise owners and moderators only.
    #[serde(default)]
    pub roster_visible_to_members: bool,
    /// Bounces (one a day at most, each within `bounce_period_days` of the last) that
    /// pause a member's delivery; 1 to 100.
    #[serde(default = "default_bounce_threshold")]
    #[cfg_attr(feature = "openapi", schema(default = 5, minimum = 1, maximum = 100))]
    pub bounce_threshold: u32,
    /// Quiet days after which a bounce starts the count again; 1 to 365.
    #[serde(default = "default_bounce_period_days")]
    #[cfg_attr(feature = "openapi", schema(default = 7, minimum = 1, maximum = 365))]
    pub bounce_period_days: u32,
    #[serde(default)]
    pub from_rewrite: FromRewrite,
    #[serde(default)]
    pub archive: ArchivePolicy,
    /// Each remote member gets posts from its own bounce address (VERP) with its own
    /// one-click unsubscription link; off, one envelope goes to each destination domain.
    #[serde(default = "default_true")]
    #[cfg_attr(feature = "openapi", schema(default = true))]
    pub verp: bool,
    /// Members may take the posts as digests; without, digest members get each post.
    #[serde(default = "default_true")]
    #[cfg_attr(feature = "openapi", schema(default = true))]
    pub digest: bool,
    /// A digest goes out once this many posts wait (or a day after the oldest); 1 to
    /// 1,000.
    #[serde(default = "default_digest_max_posts")]
    #[cfg_attr(feature = "openapi", schema(default = 10, minimum = 1, maximum = 1000))]
    pub digest_max_posts: u32,
    /// A digest goes out once its posts reach this many octets; 1,000 to 10,000,000.
    #[serde(default = "default_digest_max_bytes")]
    #[cfg_attr(
        feature = "openapi",
        schema(default = 100000, minimum = 1000, maximum = 10000000)
    )]
    pub digest_max_bytes: u64,
}

fn default_digest_max_posts() -> u32 {
    10
}

fn default_digest_max_bytes() -> u64 {
    100_000
}

fn default_bounce_threshold() -> u32 {
    5
}

fn default_bounce_period_days() -> u32 {
    7
}

impl Default for MailingListSettings {
    fn default() -> Self {
        Self {
            posting: PostingPolicy::default(),
            subscription: SubscriptionPolicy::default(),
            reply_to: ReplyPolicy::default(),
            subject_prefix: String::new(),
            footer: String::new(),
            max_message_size: None,
            allowed_attachment_types: Vec::new(),
            owners: Vec::new(),
            moderators: Vec::new(),
            accept_from: Vec::new(),
            roster_visible_to_members: false,
            bounce_threshold: default_bounce_threshold(),
            bounce_period_days: default_bounce_period_days(),
            from_rewrite: FromRewrite::default(),
            archive: ArchivePolicy::default(),
            verp: true,
            digest: true,
            digest_max_posts: default_digest_max_posts(),
            digest_max_bytes: default_digest_max_bytes(),
        }
    }
}

/// A mailing list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MailingList {
    pub id: String,
    /// Where members post: `team@example.com`.
    pub address: String,
    /// The companion addresses the list also holds (`team-owner@`, `team-request@`, ...).
    pub companions: Vec<String>,
    pub domain_id: String,
    pub domain: String,
    pub name: String,
    pub description: String,
    pub settings: MailingListSettings,
    pub member_count: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/admin/lists`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateMailingList {
    /// `name@domain`; the domain must exist, and neither this address nor its companions
    /// may be an account, an alias or another list's (409).
    pub address: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// None: members post, replies to the author, the prefix `[name]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<MailingListSettings>,
}

/// `PATCH /api/v1/admin/lists/{id}`: what is given changes.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMailingList {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Replaces every setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<MailingListSettings>,
}

/// How a member gets a list's mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMode {
    /// Each post as it comes.
    #[default]
    Each,
    /// The posts gathered in MIME digests (RFC 2046 `multipart/digest`).
    Digest,
    /// The posts gathered in plain-text digests (RFC 1153).
    DigestPlain,
    /// No mail (the member may still post to a members-only list).
    Nomail,
}

/// One member of a list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ListMember {
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub delivery_mode: DeliveryMode,
    /// `active`, or `disabled` (no mail, by bounces).
    pub status: String,
    pub bounce_score: i32,
    pub joined_at: DateTime<Utc>,
}

/// `POST /api/v1/admin/lists/{id}/members`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddListMember {
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default)]
    pub delivery_mode: DeliveryMode,
}

/// `PATCH /api/v1/admin/lists/{id}/members/{address}`: what changes.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateListMember {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_mode: Option<DeliveryMode>,
    /// Lets a member whose delivery paused for bounces get posts again (score reset).
    #[serde(default)]
    pub resume: bool,
}

/// A post waiting for a moderator.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HeldPost {
    pub id: String,
    /// The envelope sender.
    pub sender: String,
    pub subject: String,
    /// In octets.
    pub size: u64,
    pub received_at: DateTime<Utc>,
    /// When it goes, undecided.
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/v1/admin/lists/{id}/members/import`: members as CSV, one a line:
/// `address[,display name[,delivery mode]]`, an optional first line naming the columns,
/// fields quoted when they hold commas (RFC 4180). At most 10,000 lines.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportListMembers {
    pub csv: String,
    /// Only check: say what an import would do, change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Send each added member the welcome (the default).
    #[serde(default = "default_true")]
    pub notify: bool,
}

fn default_true() -> bool {
    true
}

/// What an import did, or in a dry run would do.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberImportReport {
    pub dry_run: bool,
    /// Addresses added (that would be added).
    pub added: Vec<String>,
    /// Addresses that are members already, left as they are.
    pub already_members: Vec<String>,
    /// Lines not taken, with why (`name` is not used).
    pub problems: Vec<crate::ImportProblem>,
}

/// What a moderator decides about a held post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ModerationAction {
    /// Distributed to the members as any post.
    Approve,
    /// Approved, and the sender's later posts are taken without moderation (added to
    /// `accept_from`).
    ApproveAndAccept,
    /// Not distributed; the sender is told, with the reason.
    Reject,
    /// Not distributed; nobody is told (spam).
    Discard,
}

/// `POST /api/v1/admin/lists/{id}/held/{post_id}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ModerationDecision {
    pub action: ModerationAction,
    /// For `reject`: told to the sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A list the signed-in account is a member of.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyList {
    pub id: String,
    pub address: String,
    pub name: String,
    pub description: String,
    pub delivery_mode: DeliveryMode,
    pub joined_at: DateTime<Utc>,
    /// Who may read the list's archive (`off`: it keeps none).
    pub archive: ArchivePolicy,
    /// The list sends digests to members who ask.
    pub digest: bool,
}

/// `PATCH /api/v1/me/lists/{id}`: how the signed-in account gets a list's mail.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMyList {
    pub delivery_mode: DeliveryMode,
}

/// A post of a list's archive, as listed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ArchivedPostSummary {
    pub id: String,
    /// The thread it belongs to (its first post's id).
    pub thread_id: String,
    pub subject: String,
    pub author_name: String,
    pub author_address: String,
    pub posted_at: DateTime<Utc>,
    /// In octets.
    pub size: u64,
}

/// A thread of a list's archive.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ArchiveThread {
    /// Its first post.
    pub first: ArchivedPostSummary,
    pub posts: u64,
    pub last_posted_at: DateTime<Utc>,
}

/// A page of a list's archive: its threads, latest activity first, or with `q` the
/// posts that match, newest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ArchivePage {
    pub list_address: String,
    pub list_name: String,
    #[serde(default)]
    pub threads: Vec<ArchiveThread>,
    #[serde(default)]
    pub posts: Vec<ArchivedPostSummary>,
    /// The `offset` of the next page, when there may be one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<u64>,
}

/// A post of a thread, with its text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ArchivedPost {
    pub id: String,
    pub subject: String,
    pub author_name: String,
    pub author_address: String,
    pub posted_at: DateTime<Utc>,
    /// The post it answers, when the archive has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// How deep in the thread it answers (0: the first post).
    pub depth: u32,
    /// Its text, never markup (reduced from HTML when it has no plain text).
    pub text: String,
}

/// A thread of a list's archive with its posts, in the order they came.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ArchiveThreadPosts {
    pub list_address: String,
    pub list_name: String,
    pub posts: Vec<ArchivedPost>,
}

/// One day of a list's statistics.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ListDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub posts: u32,
    pub joined: u32,
    pub left: u32,
    /// Bounces counted against members.
    pub bounces: u32,
    /// Members at the day's end.
    pub members: u64,
}
