//! A list's settings: who may post, who may join, what a post becomes. Stored as JSON
//! with the list; read leniently (a field that no longer reads is its default), checked
//! strictly when set.

use osprey_core::Address;
use osprey_directory::{DirectoryError, FieldProblem};
use serde::{Deserialize, Serialize};

/// Who may post to the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostingPolicy {
    /// Anyone.
    Anyone,
    /// Its members (and its owners and moderators).
    #[default]
    Members,
    /// Only its owners and moderators: an announcement list.
    Announce,
    /// Members' posts wait for a moderator (owners' and moderators' go out at once).
    Moderated,
}

/// How people join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionPolicy {
    /// Anyone may join; a confirmation by mail proves the address.
    #[default]
    Confirm,
    /// The owners approve each request.
    Approval,
    /// Only owners add members.
    Closed,
}

/// Where replies to a post go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyTo {
    /// To the author (the post's own Reply-To or From); the list adds nothing.
    #[default]
    Sender,
    /// To the list: `Reply-To` is set to the list's address.
    List,
}

/// Who may read the list's archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchivePolicy {
    /// Its members, owners and moderators, and the domain's administrators.
    #[default]
    Members,
    /// Anyone, also without signing in (the list's public archive page).
    Public,
    /// No one: posts are not kept (but for a digest that has yet to send them).
    Off,
}

/// When a post's From is the list's own (`"Bob via team" <team@...>`), so that the
/// copy, signed by the list's domain, passes the receivers' DMARC checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromRewrite {
    /// When the author's domain publishes DMARC `p=reject` or `p=quarantine`.
    #[default]
    Dmarc,
    /// Always.
    Always,
    /// Never: the author's From stays (receivers may refuse the copy).
    Never,
}

/// The settings of one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListSettings {
    pub posting: PostingPolicy,
    pub subscription: SubscriptionPolicy,
    pub reply_to: ReplyTo,
    /// Put before each post's subject (`[team]`), once; empty: nothing.
    pub subject_prefix: String,
    /// Text added at the end of a plain-text post, after a `-- ` line; empty: nothing.
    pub footer: String,
    /// The largest post, in octets; `None`: the server's own limit.
    pub max_message_size: Option<u64>,
    /// The media types a post's attachments may have (`application/pdf`, `image/*`);
    /// empty: any. A post with another is not sent and its sender is told.
    pub allowed_attachment_types: Vec<String>,
    /// Who owns the list (addresses): they may always post and get `-owner@` mail.
    pub owners: Vec<String>,
    /// Who moderates (addresses): they may always post.
    pub moderators: Vec<String>,
    /// Senders whose posts are taken without membership and without moderation
    /// (Mailman's accepted non-members); a moderator adds one with "approve and always
    /// accept".
    pub accept_from: Vec<String>,
    /// Members may see the member list (`who`); otherwise only owners and moderators.
    pub roster_visible_to_members: bool,
    /// Bounces (at most one a day) within `bounce_period_days` of each other that
    /// pause a member's delivery.
    pub bounce_threshold: u32,
    /// A bounce after this many quiet days starts the count again.
    pub bounce_period_days: u32,
    pub from_rewrite: FromRewrite,
    pub archive: ArchivePolicy,
    /// Each remote member gets posts from its own bounce address (`-bounces+<token>@`,
    /// VERP) with its own one-click unsubscription; off, one envelope from `-bounces@`
    /// goes to each destination domain and bounces are read for their recipients.
    pub verp: bool,
    /// Members may take the posts as digests (`digest`: MIME, RFC 2046 `multipart/digest`;
    /// `digest_plain`: RFC 1153 text); without, digest members get each post.
    pub digest: bool,
    /// A digest goes out once this many posts wait (or daily, or at the size limit).
    pub digest_max_posts: u32,
    /// A digest goes out once its posts reach this many bytes.
    pub digest_max_bytes: u64,
}

impl Default for ListSettings {
    fn default() -> Self {
        Self {
            posting: PostingPolicy::default(),
            subscription: SubscriptionPolicy::default(),
            reply_to: ReplyTo::default(),
            subject_prefix: String::new(),
            footer: String::new(),
            max_message_size: None,
            allowed_attachment_types: Vec::new(),
            owners: Vec::new(),
            moderators: Vec::new(),
            accept_from: Vec::new(),
            roster_visible_to_members: false,
            bounce_threshold: DEFAULT_BOUNCE_THRESHOLD,
            bounce_period_days: DEFAULT_BOUNCE_PERIOD_DAYS,
            from_rewrite: FromRewrite::default(),
            archive: ArchivePolicy::default(),
            verp: true,
            digest: true,
            digest_max_posts: DEFAULT_DIGEST_POSTS,
            digest_max_bytes: DEFAULT_DIGEST_BYTES,
        }
    }
}

/// Mailman's defaults: five bounces, a week apart at most.
pub const DEFAULT_BOUNCE_THRESHOLD: u32 = 5;
pub const DEFAULT_BOUNCE_PERIOD_DAYS: u32 = 7;

/// The longest subject prefix.
/// A digest's default number of posts.
pub const DEFAULT_DIGEST_POSTS: u32 = 10;
/// A digest's default size.
pub const DEFAULT_DIGEST_BYTES: u64 = 100_000;

pub const MAX_PREFIX: usize = 40;
/// The longest footer.
pub const MAX_FOOTER: usize = 2_000;

impl ListSettings {
    /// The settings of a list named `local` by default: members post, replies go to
    /// the author, the subject prefix `[local]`.
    pub fn for_list(local: &str) -> Self {
        Self {
            subject_prefix: format!("[{local}]"),
            ..Self::default()
        }
    }

    /// Reads stored settings; what does not read is its default.
    pub fn read(json: &str) -> Self {
        serde_json::from_str(json).unwrap_or_default()
    }

    /// As stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("settings serialise")
    }

    /// Checks every field, naming each problem (`settings.owners[1]`); normalises the
    /// addresses.
    pub fn check(mut self) -> Result<Self, DirectoryError> {
        let mut problems = Vec::new();
        let mut problem = |field: String, message: &str| {
            problems.push(FieldProblem {
                field,
                message: message.to_owned(),
            })
        };
        let text_ok = |s: &str| !s.chars().any(|c| c.is_control() && c != '\n');
        if self.subject_prefix.chars().count() > MAX_PREFIX
            || self.subject_prefix.chars().any(char::is_control)
        {
            problem(
                "settings.subject_prefix".into(),
                "at most 40 characters, on one line",
            );
        }
        if self.footer.chars().count() > MAX_FOOTER || !text_ok(&self.footer) {
            problem("settings.footer".into(), "at most 2,000 characters of text");
        }
        if !(1..=100).contains(&self.bounce_threshold) {
            problem("settings.bounce_threshold".into(), "from 1 to 100");
        }
        if !(1..=365).contains(&self.bounce_period_days) {
            problem("settings.bounce_period_days".into(), "from 1 to 365 days");
        }
        for (i, t) in self.allowed_attachment_types.iter_mut().enumerate() {
            *t = t.trim().to_ascii_lowercase();
            let ok = t.split_once('/').is_some_and(|(ty, sub)| {
                let token = |s: &str| {
                    !s.is_empty()
                        && s.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
                };
                token(ty) && (sub == "*" || token(sub))
            });
            if !ok {
                problem(
                    format!("settings.allowed_attachment_types[{i}]"),
                    "a media type like application/pdf or image/*",
                );
            }
        }
        if !(1..=1_000).contains(&self.digest_max_posts) {
            problem("settings.digest_max_posts".into(), "from 1 to 1,000 posts");
        }
        if !(1_000..=10_000_000).contains(&self.digest_max_bytes) {
            problem(
                "settings.digest_max_bytes".into(),
                "from 1,000 to 10,000,000 bytes",
            );
        }
        if self.max_message_size == Some(0) {
            problem("settings.max_message_size".into(), "must be more than 0");
        }
        for (name, list) in [
            ("owners", &mut self.owners),
            ("moderators", &mut self.moderators),
            ("accept_from", &mut self.accept_from),
        ] {
            for (i, a) in list.iter_mut().enumerate() {
                match Address::parse(a.trim()) {
                    Ok(parsed) => *a = parsed.to_string(),
                    Err(_) => problem(format!("settings.{name}[{i}]"), "not an e-mail address"),
                }
            }
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(DirectoryError::Invalid(problems))
        }
    }

    /// Returns `true` if and only if posts from `address` are always taken as they are.
    pub fn accepts(&self, address: &str) -> bool {
        self.accept_from
            .iter()
            .any(|a| a.eq_ignore_ascii_case(address))
    }

    /// Returns `true` if and only if `address` is one of the owners or moderators.
    pub fn is_owner_or_moderator(&self, address: &str) -> bool {
        self.owners
            .iter()
            .chain(&self.moderators)
            .any(|a| a.eq_ignore_ascii_case(address))
    }
}
