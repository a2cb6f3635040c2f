//! A post: whether the list takes it from its sender, and the copy its members get.
//! Pure functions over bytes and settings; the list server calls them.

use osprey_core::Address;
use osprey_mail::message::{
    Contents, NamedAddress, ParsedMessage, address_value, field_value, split_header,
};

use crate::settings::{ListSettings, PostingPolicy, ReplyTo};

/// Why a post is refused at RCPT, for the sender (`None`: it is taken).
pub fn refusal(
    settings: &ListSettings,
    list_address: &str,
    sender: &str,
    sender_is_member: bool,
) -> Option<String> {
    if sender.is_empty() {
        // RFC 3834 §2 and RFC 5321 §4.5.5: the null sender is for reports, which a
        // list does not redistribute.
        return Some(format!("{list_address} takes no mail from the null sender"));
    }
    let privileged = settings.is_owner_or_moderator(sender);
    let accepted = settings.accepts(sender);
    match settings.posting {
        PostingPolicy::Anyone => None,
        PostingPolicy::Members | PostingPolicy::Moderated
            if sender_is_member || privileged || accepted =>
        {
            None
        }
        PostingPolicy::Members | PostingPolicy::Moderated => {
            Some(format!("only members may post to {list_address}"))
        }
        PostingPolicy::Announce if privileged => None,
        PostingPolicy::Announce => Some(format!(
            "only the owners and moderators of {list_address} may post to it"
        )),
    }
}

/// What a list is, for its copy of a post.
#[derive(Debug, Clone)]
pub struct ListIdentity<'a> {
    /// `team@example.com`.
    pub address: &'a str,
    /// The list's name, shown in `List-Id`.
    pub name: &'a str,
    /// Where its archive is read (RFC 2369 §3.6 `List-Archive`), when it keeps one and
    /// the web app's address is known.
    pub archive_url: Option<&'a str>,
}

impl ListIdentity<'_> {
    /// RFC 2919 §2: the list identifier, "a globally unique identifier ... in the form
    /// of a host name": the address with `@` as a dot.
    pub fn list_id(&self) -> String {
        self.address.to_ascii_lowercase().replace('@', ".")
    }
}

/// Returns `true` if and only if `message` already went through this list (its
/// `List-Id` or `X-Loop` names it): a loop, which the list cuts.
pub fn has_been_here(message: &[u8], list: &ListIdentity<'_>) -> bool {
    let (header, _) = split_header(message);
    let id = format!("<{}>", list.list_id());
    let mut fields = Fields::new(header);
    fields.any(|(name, value)| {
        let value = String::from_utf8_lossy(value).to_ascii_lowercase();
        (name.eq_ignore_ascii_case("List-Id") && value.contains(&id))
            || (name.eq_ignore_ascii_case("X-Loop")
                && value.trim() == list.address.to_ascii_lowercase())
    })
}

/// The fields a list replaces with its own.
const REPLACED: [&str; 9] = [
    "List-Id",
    "List-Post",
    "List-Help",
    "List-Subscribe",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "List-Archive",
    "List-Owner",
    "Precedence",
];

/// The copy of `message` (CRLF line endings) that the list's members get: its own
/// `List-*` fields (RFC 2369, RFC 2919; `List-Archive` when the list says where) and `Precedence: list` instead of any the post
/// had, `X-Loop` naming the list, the subject prefix once (not again on replies), the
/// list's Reply-To when it sets one, and the footer after a plain-text body.
pub fn list_copy(message: &[u8], list: &ListIdentity<'_>, settings: &ListSettings) -> Vec<u8> {
    let (header, body) = split_header(message);
    let mut out = Vec::with_capacity(message.len() + 512);
    let name = list.name.replace(['\r', '\n', '"', '\\'], " ");
    let (local, domain) = list.address.split_once('@').unwrap_or((list.address, ""));
    // RFC 2919 §3 and RFC 2369 §3.1-§3.4: what the list is, and the mailto: URLs of
    // its help, subscription, unsubscription and posting.
    out.extend_from_slice(
        format!(
            "List-Id: \"{name}\" <{id}>\r\n\
             List-Help: <mailto:{local}-request@{domain}?subject=help>\r\n\
             List-Subscribe: <mailto:{local}-subscribe@{domain}>\r\n\
             List-Unsubscribe: <mailto:{local}-unsubscribe@{domain}>\r\n\
             List-Post: <mailto:{address}>\r\n\
             Precedence: list\r\nX-Loop: {address}\r\n",
            id = list.list_id(),
            address = list.address,
        )
        .as_bytes(),
    );
    let mut subject_seen = false;
    for (field_name, value) in Fields::new(header) {
        if REPLACED.iter().any(|r| r.eq_ignore_ascii_case(field_name)) {
            continue;
        }
        if settings.reply_to == ReplyTo::List && field_name.eq_ignore_ascii_case("Reply-To") {
            continue;
        }
        if field_name.eq_ignore_ascii_case("Subject") && !subject_seen {
            subject_seen = true;
            out.extend_from_slice(b"Subject:");
            out.extend_from_slice(&prefixed(value, &settings.subject_prefix));
            continue;
        }
        out.extend_from_slice(field_name.as_bytes());
        out.push(b':');
        out.extend_from_slice(value);
    }
    if let Some(url) = list.archive_url {
        // RFC 2369 §3.6: "The List-Archive field describes how to access archives for
        // the list."
        out.extend_from_slice(format!("List-Archive: <{url}>\r\n").as_bytes());
    }
    if !subject_seen && !settings.subject_prefix.is_empty() {
        out.extend_from_slice(format!("Subject: {}\r\n", settings.subject_prefix).as_bytes());
    }
    if settings.reply_to == ReplyTo::List {
        out.extend_from_slice(format!("Reply-To: <{}>\r\n", list.address).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    // (A message without an empty line is all header: `split_header` gives no body.)
    out.extend_from_slice(body);
    if !settings.footer.is_empty() && is_plain_text(header) {
        if !body.is_empty() && !body.ends_with(b"\r\n") {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"-- \r\n");
        for line in settings.footer.lines() {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// The media type of the first attachment of `message` that `allowed` does not take
/// (`type/subtype` or `type/*` patterns; empty takes any). The body's own text parts
/// (text/plain and text/html not marked as attachments) are never attachments.
pub fn disallowed_attachment(message: &[u8], allowed: &[String]) -> Option<String> {
    if allowed.is_empty() {
        return None;
    }
    let parsed = ParsedMessage::parse(message);
    let mut stack: Vec<&osprey_mail::message::Part> = parsed.tree().root.iter().collect();
    while let Some(part) = stack.pop() {
        match &part.contents {
            Contents::Multipart(children) => stack.extend(children.iter()),
            Contents::Message(_) | Contents::Single => {
                let ty = part.content_type.as_ref().map_or_else(
                    || "text/plain".to_owned(),
                    |c| {
                        format!(
                            "{}/{}",
                            c.media_type.to_ascii_lowercase(),
                            c.subtype.as_deref().unwrap_or("").to_ascii_lowercase()
                        )
                    },
                );
                let attached = part
                    .disposition
                    .as_ref()
                    .is_some_and(|d| d.kind.eq_ignore_ascii_case("attachment"));
                if !attached && (ty == "text/plain" || ty == "text/html") {
                    continue;
                }
                let (major, _) = ty.split_once('/').unwrap_or((&ty, ""));
                let taken = allowed
                    .iter()
                    .any(|a| *a == ty || a.strip_suffix("/*").is_some_and(|m| m == major));
                if !taken {
                    return Some(ty);
                }
            }
        }
    }
    None
}

/// The copy with the list's address in From (`"Bob via The team" <team@...>`): for an
/// author whose domain's DMARC policy would have receivers refuse a copy the list's
/// domain signs. Replies still reach the author: Reply-To names the author when replies
/// go to the sender (unless the post set its own), Cc when they go to the list. A copy
/// without an author's address stays as it is.
pub fn rewrite_from(copy: &[u8], list: &ListIdentity<'_>, settings: &ListSettings) -> Vec<u8> {
    let parsed = ParsedMessage::parse(copy);
    let Some(author) = parsed
        .envelope()
        .from
        .iter()
        .flat_map(|g| &g.mailboxes)
        .next()
    else {
        return copy.to_vec();
    };
    let (Some(local), Some(domain)) = (&author.local, &author.domain) else {
        return copy.to_vec();
    };
    let (Ok(author_address), Ok(list_address)) = (
        Address::parse(&format!("{local}@{domain}")),
        Address::parse(list.address),
    ) else {
        return copy.to_vec();
    };
    let shown = author
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| local.clone());
    let via = NamedAddress {
        name: Some(format!("{shown} via {}", list.name)),
        address: list_address,
    };
    let original = NamedAddress {
        name: author.name.clone(),
        address: author_address,
    };
    let (header, body) = split_header(copy);
    let to_list = settings.reply_to == ReplyTo::List;
    let mut out = Vec::with_capacity(copy.len() + 200);
    let (mut has_reply_to, mut has_cc) = (false, false);
    for (name, value) in Fields::new(header) {
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        if name.eq_ignore_ascii_case("From") {
            out.extend_from_slice(&address_value(&via, name.len()));
            continue;
        }
        if name.eq_ignore_ascii_case("Cc") && to_list && !has_cc {
            has_cc = true;
            out.extend_from_slice(value.strip_suffix(b"\r\n").unwrap_or(value));
            out.extend_from_slice(b",\r\n");
            out.extend_from_slice(&address_value(&original, 0));
            continue;
        }
        has_reply_to |= name.eq_ignore_ascii_case("Reply-To");
        out.extend_from_slice(value);
    }
    if !to_list && !has_reply_to {
        out.extend_from_slice(b"Reply-To:");
        out.extend_from_slice(&address_value(&original, "Reply-To".len()));
    }
    if to_list && !has_cc {
        out.extend_from_slice(b"Cc:");
        out.extend_from_slice(&address_value(&original, "Cc".len()));
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// `copy` (a list's copy) without its `List-Unsubscribe` field: a remote member gets
/// one of its own, with its one-click URL, put before the copy at delivery.
pub fn without_unsubscribe(copy: &[u8]) -> Vec<u8> {
    let (header, body) = split_header(copy);
    let mut out = Vec::with_capacity(copy.len());
    for (name, value) in Fields::new(header) {
        if name.eq_ignore_ascii_case("List-Unsubscribe") {
            continue;
        }
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        out.extend_from_slice(value);
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// The subject value (as written, with its leading space and final CRLF) with `prefix`
/// before it, unless the subject already holds the prefix (a reply to a post).
fn prefixed(value: &[u8], prefix: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(value);
    if prefix.is_empty() || text.to_lowercase().contains(&prefix.to_lowercase()) {
        return value.to_vec();
    }
    let trimmed = value.trim_ascii_start();
    let mut out = format!(" {prefix} ").into_bytes();
    out.extend_from_slice(trimmed);
    out
}

/// Returns `true` if and only if the body is one plain-text part the footer may follow:
/// `text/plain` (or no Content-Type, RFC 2045 §5.2) in 7bit or 8bit.
fn is_plain_text(header: &[u8]) -> bool {
    let ty = field_value(header, "Content-Type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let cte = field_value(header, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    (ty.is_empty() || ty.starts_with("text/plain")) && matches!(cte.trim(), "" | "7bit" | "8bit")
}

/// The fields of a header section: each name and its raw value (from after the colon,
/// folded lines and the final CRLF included).
struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    fn new(header: &'a [u8]) -> Self {
        Self { rest: header }
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = (&'a str, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.is_empty() || self.rest.starts_with(b"\r\n") {
                return None;
            }
            // The field runs to the CRLF not followed by folding white space.
            let mut end = 0;
            loop {
                match self.rest[end..].windows(2).position(|w| w == b"\r\n") {
                    Some(i) => {
                        end += i + 2;
                        if !matches!(self.rest.get(end), Some(b' ' | b'\t')) {
                            break;
                        }
                    }
                    None => {
                        end = self.rest.len();
                        break;
                    }
                }
            }
            let (field, rest) = self.rest.split_at(end);
            self.rest = rest;
            let Some(colon) = field.iter().position(|&b| b == b':') else {
                // Not a field (no colon): left out of the copy.
                continue;
            };
            let Ok(name) = std::str::from_utf8(&field[..colon]) else {
                continue;
            };
            return Some((name, &field[colon + 1..]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team() -> ListIdentity<'static> {
        ListIdentity {
            address: "team@example.com",
            name: "The team",
            archive_url: None,
        }
    }

    fn settings() -> ListSettings {
        ListSettings {
            footer: "Team list: team@example.com".into(),
            ..ListSettings::for_list("team")
        }
    }

    const POST: &[u8] = b"From: Bob <bob@far.example>\r\nTo: team@example.com\r\n\
        Subject: Lunch\r\nList-Id: <other.example.org>\r\nPrecedence: bulk\r\n\r\nAt noon?\r\n";

    fn text(b: &[u8]) -> String {
        String::from_utf8(b.to_vec()).unwrap()
    }

    #[test]
    fn only_attachments_of_the_allowed_types_pass_and_the_text_body_always_does() {
        let post = b"From: bob@far.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
            --b\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n\
            --a\r\nContent-Type: text/plain\r\n\r\nHi\r\n--a\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n--a--\r\n\
            --b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=a.png\r\n\r\nAA==\r\n\
            --b\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=a.zip\r\n\r\nAA==\r\n\
            --b--\r\n";
        let allowed = |types: &[&str]| types.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(disallowed_attachment(post, &[]), None);
        assert_eq!(
            disallowed_attachment(post, &allowed(&["image/*"])).as_deref(),
            Some("application/zip")
        );
        assert_eq!(
            disallowed_attachment(post, &allowed(&["image/png", "application/zip"])),
            None
        );
        assert_eq!(
            disallowed_attachment(POST, &allowed(&["application/pdf"])),
            None
        );
    }

    #[test]
    fn a_rewritten_from_is_the_lists_and_replies_still_reach_the_author() {
        let copy = list_copy(POST, &team(), &settings());
        let rewritten = text(&rewrite_from(&copy, &team(), &settings()));
        assert!(
            rewritten.contains("From: \"Bob via The team\" <team@example.com>\r\n"),
            "{rewritten}"
        );
        assert!(
            rewritten.contains("Reply-To: \"Bob\" <bob@far.example>\r\n"),
            "{rewritten}"
        );
        assert!(!rewritten.contains("From: Bob"), "{rewritten}");
        assert!(
            rewritten.ends_with("\r\n\r\nAt noon?\r\n-- \r\nTeam list: team@example.com\r\n"),
            "{rewritten}"
        );
        // Replies to the list: the author in Cc, the list's Reply-To kept.
        let to_list = ListSettings {
            reply_to: ReplyTo::List,
            ..settings()
        };
        let copy = list_copy(POST, &team(), &to_list);
        let rewritten = text(&rewrite_from(&copy, &team(), &to_list));
        assert!(
            rewritten.contains("Reply-To: <team@example.com>\r\n"),
            "{rewritten}"
        );
        assert!(
            rewritten.contains("Cc: \"Bob\" <bob@far.example>\r\n"),
            "{rewritten}"
        );
        // A name in another script is written as encoded words (RFC 2047).
        let post = "From: Zoë <zoe@far.example>\r\nSubject: Hi\r\n\r\nHi\r\n".as_bytes();
        let rewritten = text(&rewrite_from(post, &team(), &settings()));
        let from = rewritten.lines().find(|l| l.starts_with("From:")).unwrap();
        assert!(
            from.contains("=?utf-8?") && from.ends_with("<team@example.com>"),
            "{from}"
        );
        assert!(from.is_ascii(), "{from}");
    }

    #[test]
    fn the_copy_carries_the_lists_fields_instead_of_the_posts() {
        let copy = text(&list_copy(POST, &team(), &settings()));
        // RFC 2919 §3: "List-Id: List Header Mailing List <list-header.nisto.com>".
        assert!(
            copy.contains("List-Id: \"The team\" <team.example.com>\r\n"),
            "{copy}"
        );
        // RFC 2369 §3.4: "List-Post: <mailto:list@host.com>".
        assert!(
            copy.contains("List-Post: <mailto:team@example.com>\r\n"),
            "{copy}"
        );
        // RFC 2369 §3.1: "List-Help: <mailto:list@host.com?subject=help>".
        for field in [
            "List-Help: <mailto:team-request@example.com?subject=help>\r\n",
            "List-Subscribe: <mailto:team-subscribe@example.com>\r\n",
            "List-Unsubscribe: <mailto:team-unsubscribe@example.com>\r\n",
        ] {
            assert!(copy.contains(field), "{field}: {copy}");
        }
        assert!(copy.contains("Precedence: list\r\n"), "{copy}");
        assert!(!copy.contains("other.example.org"), "{copy}");
        assert!(!copy.contains("bulk"), "{copy}");
        assert!(copy.contains("X-Loop: team@example.com\r\n"), "{copy}");
        assert!(copy.contains("Subject: [team] Lunch\r\n"), "{copy}");
        assert!(
            copy.ends_with("\r\n\r\nAt noon?\r\n-- \r\nTeam list: team@example.com\r\n"),
            "{copy}"
        );
    }

    #[test]
    fn a_reply_keeps_one_prefix() {
        let reply = b"From: a@b.example\r\nSubject: Re: [team] Lunch\r\n\r\nYes\r\n";
        let copy = text(&list_copy(reply, &team(), &settings()));
        assert!(copy.contains("Subject: Re: [team] Lunch\r\n"), "{copy}");
        assert_eq!(copy.matches("[team]").count(), 1, "{copy}");
    }

    #[test]
    fn folded_fields_stay_whole_and_reply_to_goes_to_the_list_when_set() {
        let post = b"From: a@b.example\r\nReply-To: a@b.example\r\nSubject: A long\r\n subject\r\n\r\nx\r\n";
        let s = ListSettings {
            reply_to: ReplyTo::List,
            ..settings()
        };
        let copy = text(&list_copy(post, &team(), &s));
        assert!(
            copy.contains("Subject: [team] A long\r\n subject\r\n"),
            "{copy}"
        );
        assert!(copy.contains("Reply-To: <team@example.com>\r\n"), "{copy}");
        assert_eq!(copy.matches("Reply-To").count(), 1, "{copy}");
    }

    #[test]
    fn no_footer_inside_encoded_or_multipart_bodies() {
        let post = b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n";
        let copy = text(&list_copy(post, &team(), &settings()));
        assert!(copy.ends_with("--x--\r\n"), "{copy}");
        let post = b"From: a@b.example\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n";
        assert!(text(&list_copy(post, &team(), &settings())).ends_with("aGk=\r\n"));
    }

    #[test]
    fn a_copy_of_this_list_is_a_loop_and_another_lists_is_not() {
        let copy = list_copy(POST, &team(), &settings());
        assert!(has_been_here(&copy, &team()));
        assert!(!has_been_here(POST, &team()));
    }

    #[test]
    fn posting_policies() {
        let mut s = settings();
        s.owners = vec!["own@example.com".into()];
        let list = "team@example.com";
        assert!(refusal(&s, list, "bob@far.example", false).is_some());
        assert!(refusal(&s, list, "bob@far.example", true).is_none());
        assert!(refusal(&s, list, "OWN@example.com", false).is_none());
        assert!(refusal(&s, list, "", true).is_some(), "the null sender");
        s.posting = PostingPolicy::Announce;
        assert!(refusal(&s, list, "bob@far.example", true).is_some());
        assert!(refusal(&s, list, "own@example.com", false).is_none());
        s.posting = PostingPolicy::Anyone;
        assert!(refusal(&s, list, "stranger@x.example", false).is_none());
    }
}
