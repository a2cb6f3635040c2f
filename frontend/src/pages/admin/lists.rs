//! Mailing lists: list, search, filter by domain, create, edit (name, description,
//! policies, prefix, footer, owners, moderators, size limit, archive, digests), delete; a
//! list's form holds its statistics, held posts and members.

use std::future::Future;

use osprey_api_types::{
    ArchivePolicy, CreateMailingList, FromRewrite, MailingList, MailingListSettings, Page,
    PostingPolicy, ReplyPolicy, SubscriptionPolicy, UpdateMailingList,
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::AdminLayout;
use super::held::HeldPosts;
use super::list_stats::ListStats;
use super::members::ListMembers;
use crate::api::{Api, ApiError, ListQuery};
use crate::components::field::{Checkbox, Select, TextArea, TextField};
use crate::components::resource::{Form, Resource, ResourceList};
use crate::format;
use crate::route::Route;
use crate::state::use_session;

#[function_component]
pub fn ListsPage() -> Html {
    let session = use_session();
    let my_domains = session
        .account
        .as_ref()
        .map(|a| a.admin_domains.clone())
        .unwrap_or_default();
    html! {
        <AdminLayout title="Mailing lists" intro="Lists of a domain: who may post, who may join, and their members. Members join and leave by mail too.">
            <ResourceList<Lists> domains={my_domains} />
        </AdminLayout>
    }
}

/// The admin list of mailing lists.
struct Lists;

#[derive(Clone, PartialEq)]
struct Draft {
    id: String,
    address: String,
    name: String,
    description: String,
    posting: PostingPolicy,
    subscription: SubscriptionPolicy,
    reply_to: ReplyPolicy,
    subject_prefix: String,
    footer: String,
    owners: String,
    moderators: String,
    accept_from: String,
    max_kib: String,
    attachment_types: String,
    roster: bool,
    bounces: String,
    bounce_period_days: u32,
    from_rewrite: FromRewrite,
    archive: ArchivePolicy,
    verp: bool,
    digest: bool,
    digest_posts: String,
    digest_max_bytes: u64,
    /// The list's address, when editing (its public page).
    existing: String,
}

impl Draft {
    fn settings(&self) -> Result<MailingListSettings, ApiError> {
        let max = self.max_kib.trim();
        let max_message_size = if max.is_empty() {
            None
        } else {
            Some(
                max.parse::<u64>()
                    .ok()
                    .filter(|k| *k > 0)
                    .map(|k| k * 1024)
                    .ok_or_else(|| {
                        ApiError::local("settings.max_message_size", "a whole number of KiB")
                    })?,
            )
        };
        let bounce_threshold = self
            .bounces
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                ApiError::local("settings.bounce_threshold", "a number from 1 to 100")
            })?;
        let digest_max_posts = self
            .digest_posts
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| {
                ApiError::local("settings.digest_max_posts", "a number from 1 to 1,000")
            })?;
        Ok(MailingListSettings {
            archive: self.archive,
            verp: self.verp,
            digest: self.digest,
            digest_max_posts,
            digest_max_bytes: self.digest_max_bytes,
            posting: self.posting,
            subscription: self.subscription,
            reply_to: self.reply_to,
            subject_prefix: self.subject_prefix.trim().to_owned(),
            footer: self.footer.clone(),
            max_message_size,
            allowed_attachment_types: format::split_list(&self.attachment_types),
            owners: format::split_list(&self.owners),
            moderators: format::split_list(&self.moderators),
            accept_from: format::split_list(&self.accept_from),
            roster_visible_to_members: self.roster,
            bounce_threshold,
            bounce_period_days: self.bounce_period_days,
            from_rewrite: self.from_rewrite,
        })
    }
}

fn posting_label(p: PostingPolicy) -> &'static str {
    match p {
        PostingPolicy::Anyone => "Anyone may post",
        PostingPolicy::Members => "Members post",
        PostingPolicy::Announce => "Owners and moderators post (announcements)",
        PostingPolicy::Moderated => "Members post; a moderator approves each post",
    }
}

fn options<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(AttrValue, AttrValue)> {
    all.iter()
        .map(|&v| (value(v).into(), label(v).into()))
        .collect()
}

fn posting_value(p: PostingPolicy) -> &'static str {
    match p {
        PostingPolicy::Anyone => "anyone",
        PostingPolicy::Members => "members",
        PostingPolicy::Announce => "announce",
        PostingPolicy::Moderated => "moderated",
    }
}

fn subscription_value(s: SubscriptionPolicy) -> &'static str {
    match s {
        SubscriptionPolicy::Confirm => "confirm",
        SubscriptionPolicy::Approval => "approval",
        SubscriptionPolicy::Closed => "closed",
    }
}

fn subscription_label(s: SubscriptionPolicy) -> &'static str {
    match s {
        SubscriptionPolicy::Confirm => "Anyone, after confirming by mail",
        SubscriptionPolicy::Approval => "An owner approves each request",
        SubscriptionPolicy::Closed => "Only owners add members",
    }
}

fn reply_value(r: ReplyPolicy) -> &'static str {
    match r {
        ReplyPolicy::Sender => "sender",
        ReplyPolicy::List => "list",
    }
}

fn reply_label(r: ReplyPolicy) -> &'static str {
    match r {
        ReplyPolicy::Sender => "To the author",
        ReplyPolicy::List => "To the list",
    }
}

const POSTING: [PostingPolicy; 4] = [
    PostingPolicy::Members,
    PostingPolicy::Moderated,
    PostingPolicy::Anyone,
    PostingPolicy::Announce,
];
const SUBSCRIPTION: [SubscriptionPolicy; 3] = [
    SubscriptionPolicy::Confirm,
    SubscriptionPolicy::Approval,
    SubscriptionPolicy::Closed,
];
const REPLY: [ReplyPolicy; 2] = [ReplyPolicy::Sender, ReplyPolicy::List];
const ARCHIVE: [ArchivePolicy; 3] = [
    ArchivePolicy::Members,
    ArchivePolicy::Public,
    ArchivePolicy::Off,
];

fn archive_value(a: ArchivePolicy) -> &'static str {
    match a {
        ArchivePolicy::Members => "members",
        ArchivePolicy::Public => "public",
        ArchivePolicy::Off => "off",
    }
}

fn archive_label(a: ArchivePolicy) -> &'static str {
    match a {
        ArchivePolicy::Members => "Kept, for the members",
        ArchivePolicy::Public => "Kept, for anyone (a public page)",
        ArchivePolicy::Off => "Not kept",
    }
}

const REWRITE: [FromRewrite; 3] = [FromRewrite::Dmarc, FromRewrite::Always, FromRewrite::Never];

fn rewrite_value(r: FromRewrite) -> &'static str {
    match r {
        FromRewrite::Dmarc => "dmarc",
        FromRewrite::Always => "always",
        FromRewrite::Never => "never",
    }
}

fn rewrite_label(r: FromRewrite) -> &'static str {
    match r {
        FromRewrite::Dmarc => "The list's, when the author's domain asks (DMARC)",
        FromRewrite::Always => "Always the list's",
        FromRewrite::Never => "Always the author's",
    }
}

impl Resource for Lists {
    type Item = MailingList;
    type Draft = Draft;

    const NOUN: &'static str = "list";
    const PLURAL: &'static str = "lists";
    const DOMAIN_FILTER: bool = true;
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("name", "By address"), ("newest", "Newest first")];
    const FIELDS: &'static [&'static str] = &[
        "address",
        "name",
        "description",
        "settings.subject_prefix",
        "settings.footer",
        "settings.max_message_size",
        "settings.allowed_attachment_types",
        "settings.owners",
        "settings.moderators",
        "settings.accept_from",
        "settings.bounce_threshold",
        "settings.digest_max_posts",
    ];

    fn title(l: &MailingList) -> String {
        l.address.clone()
    }

    fn summary(l: &MailingList) -> Html {
        let members = match l.member_count {
            1 => "1 member".to_owned(),
            n => format!("{n} members"),
        };
        html! {
            <>
                <span class="tag">{ members }</span>
                <div class="row-meta">{ format!("{} · {}", l.name, posting_label(l.settings.posting)) }</div>
            </>
        }
    }

    fn draft(list: Option<&MailingList>) -> Draft {
        let s = list.map(|l| l.settings.clone()).unwrap_or_default();
        Draft {
            id: list.map(|l| l.id.clone()).unwrap_or_default(),
            address: String::new(),
            name: list.map(|l| l.name.clone()).unwrap_or_default(),
            description: list.map(|l| l.description.clone()).unwrap_or_default(),
            posting: s.posting,
            subscription: s.subscription,
            reply_to: s.reply_to,
            subject_prefix: s.subject_prefix,
            footer: s.footer,
            owners: s.owners.join("\n"),
            moderators: s.moderators.join("\n"),
            accept_from: s.accept_from.join("\n"),
            max_kib: s
                .max_message_size
                .map(|b| (b / 1024).to_string())
                .unwrap_or_default(),
            attachment_types: s.allowed_attachment_types.join("\n"),
            roster: s.roster_visible_to_members,
            bounces: s.bounce_threshold.to_string(),
            bounce_period_days: s.bounce_period_days,
            from_rewrite: s.from_rewrite,
            archive: s.archive,
            verp: s.verp,
            digest: s.digest,
            digest_posts: s.digest_max_posts.to_string(),
            digest_max_bytes: s.digest_max_bytes,
            existing: list.map(|l| l.address.clone()).unwrap_or_default(),
        }
    }

    fn fields(form: &Form<Draft>) -> Html {
        let d = form.draft();
        html! {
            <>
                if !form.editing {
                    <TextField id={form.id("address")} label="Address" kind="email" required=true
                        placeholder="team@example.com" autocomplete="off"
                        hint="Where members post. The list also takes -request, -owner, -bounces, -subscribe and -unsubscribe at its domain."
                        value={d.address.clone()} oninput={form.set(|d, v| d.address = v)}
                        error={form.error("address")} />
                }
                <TextField id={form.id("name")} label="Name" required=true autocomplete="off"
                    value={d.name.clone()} oninput={form.set(|d, v| d.name = v)}
                    error={form.error("name")} />
                <TextArea id={form.id("description")} label="Description" rows={2}
                    value={d.description.clone()} oninput={form.set(|d, v| d.description = v)}
                    error={form.error("description")} />
                <Select id={form.id("posting")} label="Who may post" value={posting_value(d.posting)}
                    options={options(&POSTING, posting_value, posting_label)}
                    onchange={form.set(|d, v: String| d.posting = POSTING.into_iter().find(|p| posting_value(*p) == v).unwrap_or_default())} />
                <Select id={form.id("subscription")} label="Who may join" value={subscription_value(d.subscription)}
                    options={options(&SUBSCRIPTION, subscription_value, subscription_label)}
                    onchange={form.set(|d, v: String| d.subscription = SUBSCRIPTION.into_iter().find(|p| subscription_value(*p) == v).unwrap_or_default())} />
                <Select id={form.id("reply-to")} label="Replies go" value={reply_value(d.reply_to)}
                    options={options(&REPLY, reply_value, reply_label)}
                    onchange={form.set(|d, v: String| d.reply_to = REPLY.into_iter().find(|p| reply_value(*p) == v).unwrap_or_default())} />
                <Select id={form.id("from")} label="From of posts" value={rewrite_value(d.from_rewrite)}
                    options={options(&REWRITE, rewrite_value, rewrite_label)}
                    onchange={form.set(|d, v: String| d.from_rewrite = REWRITE.into_iter().find(|r| rewrite_value(*r) == v).unwrap_or_default())} />
                <TextField id={form.id("prefix")} label="Subject prefix" autocomplete="off"
                    hint={if form.editing { "Put before each post's subject once; empty for none." } else { "Empty: the list's name in brackets, like [team]." }}
                    value={d.subject_prefix.clone()} oninput={form.set(|d, v| d.subject_prefix = v)}
                    error={form.error("settings.subject_prefix")} />
                <TextArea id={form.id("footer")} label="Footer" rows={2}
                    hint="Added below plain-text posts."
                    value={d.footer.clone()} oninput={form.set(|d, v| d.footer = v)}
                    error={form.error("settings.footer")} />
                <TextArea id={form.id("owners")} label="Owners" rows={2}
                    hint="One address per line. Owners may always post and get mail sent to the -owner address."
                    value={d.owners.clone()} oninput={form.set(|d, v| d.owners = v)}
                    error={form.error("settings.owners")} />
                <TextArea id={form.id("moderators")} label="Moderators" rows={2}
                    hint="One address per line. Moderators may always post."
                    value={d.moderators.clone()} oninput={form.set(|d, v| d.moderators = v)}
                    error={form.error("settings.moderators")} />
                <TextArea id={form.id("accept-from")} label="Always accepted senders" rows={2}
                    hint="One address per line. Their posts are taken without membership and without moderation."
                    value={d.accept_from.clone()} oninput={form.set(|d, v| d.accept_from = v)}
                    error={form.error("settings.accept_from")} />
                <TextField id={form.id("max-size")} label="Largest post (KiB)" inputmode="numeric"
                    hint="Empty: the server's limit."
                    value={d.max_kib.clone()} oninput={form.set(|d, v| d.max_kib = v)}
                    error={form.error("settings.max_message_size")} />
                <TextArea id={form.id("attachment-types")} label="Attachment types allowed" rows={2}
                    hint="One media type per line, like application/pdf or image/*. Empty: any. A post with another is not sent, and its sender is told."
                    value={d.attachment_types.clone()} oninput={form.set(|d, v| d.attachment_types = v)}
                    error={form.error("settings.allowed_attachment_types")} />
                <TextField id={form.id("bounces")} label="Bounces before delivery pauses" inputmode="numeric" required=true
                    hint="A member's address that bounces this many times (on different days, a week apart at most) gets no more posts until it answers; if the notice bounces too, it is removed."
                    value={d.bounces.clone()} oninput={form.set(|d, v| d.bounces = v)}
                    error={form.error("settings.bounce_threshold")} />
                <Checkbox id={form.id("roster")} label="Members may see the member list"
                    checked={d.roster} onchange={form.set(|d, on| d.roster = on)} />
                <Select id={form.id("archive")} label="Archive" value={archive_value(d.archive)}
                    options={options(&ARCHIVE, archive_value, archive_label)}
                    onchange={form.set(|d, v: String| d.archive = ARCHIVE.into_iter().find(|a| archive_value(*a) == v).unwrap_or_default())} />
                <Checkbox id={form.id("verp")} label="Each remote member's own bounce address and unsubscribe link (VERP)"
                    checked={d.verp} onchange={form.set(|d, on| d.verp = on)} />
                <Checkbox id={form.id("digest")} label="Members may get digests"
                    checked={d.digest} onchange={form.set(|d, on| d.digest = on)} />
                if d.digest {
                    <TextField id={form.id("digest-posts")} label="Posts per digest" inputmode="numeric" required=true
                        hint="A digest goes out once this many posts wait, or a day after the oldest."
                        value={d.digest_posts.clone()} oninput={form.set(|d, v| d.digest_posts = v)}
                        error={form.error("settings.digest_max_posts")} />
                }
                if form.editing && d.subscription != SubscriptionPolicy::Closed {
                    <p class="hint">
                        { "People may also join on the list's page: " }
                        <a href={format!("/lists/subscribe/{}", d.existing)} target="_blank" rel="noopener">
                            { format!("/lists/subscribe/{}", d.existing) }
                        </a>
                    </p>
                }
                if form.editing && d.archive != ArchivePolicy::Off {
                    <p class="hint">
                        <Link<Route> to={Route::Archive { id: d.id.clone() }}>{ "Read the archive" }</Link<Route>>
                        if d.archive == ArchivePolicy::Public {
                            { " · public page: " }
                            <a href={format!("/lists/archive/{}", d.existing)} target="_blank" rel="noopener">
                                { format!("/lists/archive/{}", d.existing) }
                            </a>
                        }
                    </p>
                }
                if form.editing {
                    <ListStats list_id={d.id.clone()} />
                    if d.posting == PostingPolicy::Moderated {
                        <HeldPosts list_id={d.id.clone()} />
                    }
                    <ListMembers list_id={d.id.clone()} />
                }
            </>
        }
    }

    async fn list(api: Api, query: ListQuery) -> Result<Page<MailingList>, ApiError> {
        let (limit, cursor) = (Some(ListQuery::LIMIT), query.cursor());
        api.list_lists(limit, cursor, query.q(), query.domain(), None)
            .await
    }

    fn create(
        api: Api,
        draft: &Draft,
    ) -> Result<impl Future<Output = Result<MailingList, ApiError>> + 'static, ApiError> {
        let mut settings = draft.settings()?;
        let address = draft.address.trim().to_owned();
        if settings.subject_prefix.is_empty() {
            let local = address.split('@').next().unwrap_or_default().to_lowercase();
            settings.subject_prefix = format!("[{local}]");
        }
        let body = CreateMailingList {
            address,
            name: draft.name.trim().to_owned(),
            description: draft.description.clone(),
            settings: Some(settings),
        };
        Ok(async move { api.create_list(&body).await })
    }

    fn update(
        api: Api,
        list: &MailingList,
        draft: &Draft,
    ) -> Result<impl Future<Output = Result<MailingList, ApiError>> + 'static, ApiError> {
        let body = UpdateMailingList {
            name: Some(draft.name.trim().to_owned()),
            description: Some(draft.description.clone()),
            settings: Some(draft.settings()?),
        };
        let id = list.id.clone();
        Ok(async move { api.update_list(&id, &body).await })
    }

    async fn delete(api: Api, id: String) -> Result<(), ApiError> {
        api.delete_list(&id).await
    }
}
