//! Mail to a list's `-request`, `-subscribe` and `-unsubscribe` addresses: the mail
//! commands, each subscription and unsubscription confirmed by the address itself
//! (double opt-in) or approved by an owner, and every answer and change told by mail.
//! Mail from the null sender and automatic mail (RFC 3834) is never answered.

use chrono::{Duration, Utc};
use osprey_core::Address;
use osprey_mail::{
    DeliveryError,
    message::{Compose, NamedAddress, field_value, split_header},
};
use osprey_store::{ListQuery, ListRecord, ListRequestRecord, NewListMember, StoreError};

use crate::{
    commands::{Command, commands},
    server::ListServer,
    settings::{ListSettings, SubscriptionPolicy},
};

/// The requests a confirmation link may confirm.
const LINKED: [&str; 3] = ["subscribe", "unsubscribe", "enable"];

/// How long a request waits for its confirmation.
pub const REQUEST_TTL_DAYS: i64 = 5;

/// The most members `who` lists.
const MAX_WHO: u64 = 500;

/// A fresh request token: 20 random bytes in hex.
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Returns `true` if and only if the message was sent automatically (RFC 3834 §5:
/// `Auto-Submitted` other than `no`) or is bulk or list mail (`Precedence`).
fn automatic(header: &[u8]) -> bool {
    let auto =
        field_value(header, "Auto-Submitted").is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"));
    let bulk = field_value(header, "Precedence").is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "bulk" | "junk" | "list"
        )
    });
    auto || bulk
}

/// What one command did, for the answer.
struct Outcome {
    text: String,
    /// A confirmation the answer asks for.
    token: Option<String>,
}

impl Outcome {
    fn said(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            token: None,
        }
    }
}

impl ListServer {
    /// Handles mail to the list's `role` address (`request`, `subscribe`, `unsubscribe`)
    /// from the envelope `sender`.
    pub(crate) async fn request(
        &self,
        list: &ListRecord,
        role: &str,
        sender: &str,
        message: &[u8],
    ) -> Result<(), DeliveryError> {
        let (header, _) = split_header(message);
        if sender.is_empty() || automatic(header) {
            tracing::info!(list = %list.address(), %sender, "automatic mail to a command address: not answered");
            return Ok(());
        }
        let summary = osprey_mail::summarize(message);
        // The address the commands are for: the author's, as Mailman takes it.
        let Some(who) = summary
            .from_addr
            .as_deref()
            .and_then(|a| Address::parse(a).ok())
            .or_else(|| Address::parse(sender).ok())
        else {
            return Ok(());
        };
        let who = who.to_string().to_ascii_lowercase();
        let found = match role {
            "subscribe" => vec![Command::Subscribe],
            "unsubscribe" => vec![Command::Unsubscribe],
            _ => {
                let body = osprey_mail::extract_text(message)
                    .map(|t| t.body)
                    .unwrap_or_default();
                commands(summary.subject.as_deref().unwrap_or(""), &body)
            }
        };
        self.answer(list, &who, &found).await
    }

    /// Carries out `found`, the commands of `who`, and answers `who` by mail: one message,
    /// whose subject is `confirm <token>` when it asks for a confirmation.
    async fn answer(
        &self,
        list: &ListRecord,
        who: &str,
        found: &[Command],
    ) -> Result<(), DeliveryError> {
        let settings = ListSettings::read(&list.settings);
        let mut outcomes = Vec::new();
        for command in found {
            outcomes.push(self.command(list, &settings, who, command).await?);
        }
        let mut text = String::new();
        if found.is_empty() || found.iter().any(|c| matches!(c, Command::Unknown(_))) {
            if found.is_empty() {
                text.push_str("No command was found in your message.\n\n");
            }
            outcomes.push(Outcome::said(help(list)));
        }
        let mut token = None;
        for o in outcomes {
            text.push_str(&o.text);
            text.push_str("\n\n");
            token = token.or(o.token);
        }
        let subject = match &token {
            Some(t) => format!("confirm {t}"),
            None => format!("Your request to {}", list.address()),
        };
        self.tell(list, who, &subject, &text).await
    }

    /// A subscription asked for on the list's web page: the same as `subscribe` by mail
    /// from `address`, whose answer goes to `address` (the page says only that a message
    /// was sent, so it tells nobody who is a member). Asked again within the hour, no
    /// second message goes: the page cannot be used to flood an address.
    pub async fn subscribe_by_web(
        &self,
        list: &ListRecord,
        address: &str,
    ) -> Result<(), DeliveryError> {
        let who = address.to_ascii_lowercase();
        let lists = self.store().lists();
        for action in ["subscribe", "approve"] {
            if let Some(at) = lists.pending_since(&list.id, &who, action).await?
                && Utc::now() - at < Duration::hours(1)
            {
                tracing::info!(list = %list.address(), %who, "a web subscription asked again within the hour: no message");
                return Ok(());
            }
        }
        self.answer(list, &who, &[Command::Subscribe]).await
    }

    /// The request a confirmation link names, if a link may confirm it: joining,
    /// leaving and resuming are the address's own; approvals and moderation are not
    /// done by link.
    pub async fn linked_request(
        &self,
        token: &str,
    ) -> Result<Option<(ListRecord, ListRequestRecord)>, DeliveryError> {
        let lists = self.store().lists();
        let Some(request) = lists.request(&token.to_ascii_lowercase()).await? else {
            return Ok(None);
        };
        if !LINKED.contains(&request.action.as_str()) {
            return Ok(None);
        }
        Ok(Some((lists.list(&request.list_id).await?, request)))
    }

    /// Confirms the request a link names, as a reply with `confirm <token>` from its
    /// address would; the outcome's text, or `None` for a link that confirms nothing.
    pub async fn confirm_link(&self, token: &str) -> Result<Option<String>, DeliveryError> {
        let Some((list, request)) = self.linked_request(token).await? else {
            return Ok(None);
        };
        let settings = ListSettings::read(&list.settings);
        let outcome = self
            .confirm(&list, &settings, &request.address, &request.token)
            .await?;
        Ok(Some(outcome.text))
    }

    /// The sentence that offers the confirmation link, when the web app's address is
    /// known.
    pub(crate) fn link_offer(&self, token: &str) -> String {
        match self.web_url() {
            Some(web) => {
                format!(" You may also open {web}/lists/confirm/{token} and confirm there.")
            }
            None => String::new(),
        }
    }

    async fn command(
        &self,
        list: &ListRecord,
        settings: &ListSettings,
        who: &str,
        command: &Command,
    ) -> Result<Outcome, DeliveryError> {
        let lists = self.store().lists();
        let posting = list.address();
        let member = lists.member(&list.id, who).await?;
        Ok(match command {
            Command::Help => Outcome::said(help(list)),
            Command::Unknown(line) => Outcome::said(format!("Not a command: {line}")),
            Command::Subscribe if member.is_some() => {
                Outcome::said(format!("{who} is a member of {posting} already."))
            }
            Command::Subscribe => match settings.subscription {
                SubscriptionPolicy::Closed => Outcome::said(format!(
                    "{posting} takes no subscriptions by mail; write to its owners at {}.",
                    crate::owner_address(list)
                )),
                SubscriptionPolicy::Confirm => {
                    let token = self.pending_token(list, who, "subscribe").await?;
                    Outcome {
                        text: format!(
                            "Someone (maybe you) asked for {who} to join {posting}. To confirm, \
                             reply to this message keeping its subject, or send a message to {} \
                             with the subject \"confirm {token}\".{} If it was not you, do \
                             nothing: the request expires in {REQUEST_TTL_DAYS} days.",
                            request_address(list),
                            self.link_offer(&token),
                        ),
                        token: Some(token),
                    }
                }
                SubscriptionPolicy::Approval => {
                    let token = self.pending_token(list, who, "approve").await?;
                    let note = format!(
                        "{who} asks to join {posting}. To let them in, reply to this message \
                         keeping its subject. To refuse, do nothing: the request expires in \
                         {REQUEST_TTL_DAYS} days."
                    );
                    for owner in &settings.owners {
                        self.tell(list, owner, &format!("confirm {token}"), &note)
                            .await?;
                    }
                    Outcome::said(format!(
                        "Your request to join {posting} waits for its owners' approval."
                    ))
                }
            },
            Command::Unsubscribe if member.is_none() => {
                Outcome::said(format!("{who} is not a member of {posting}."))
            }
            Command::Unsubscribe => {
                let token = self.pending_token(list, who, "unsubscribe").await?;
                Outcome {
                    text: format!(
                        "Someone (maybe you) asked for {who} to leave {posting}. To confirm, reply \
                         to this message keeping its subject.{} If it was not you, do nothing: \
                         the request expires in {REQUEST_TTL_DAYS} days.",
                        self.link_offer(&token),
                    ),
                    token: Some(token),
                }
            }
            Command::SetMode(mode) => match member {
                None => Outcome::said(format!("{who} is not a member of {posting}.")),
                Some(_) if crate::admin::mode_problem(list, mode).is_some() => {
                    Outcome::said(format!("{posting} sends no digests: nothing changed."))
                }
                Some(m) => {
                    lists.set_delivery_mode(&list.id, who, mode).await?;
                    if *mode == "each" && m.status == "disabled" {
                        self.resume(list, who).await?;
                    }
                    Outcome::said(mode_sentence(who, &posting, mode))
                }
            },
            Command::Who => {
                let allowed = settings.is_owner_or_moderator(who)
                    || (member.is_some() && settings.roster_visible_to_members);
                if !allowed {
                    Outcome::said(format!(
                        "The members of {posting} are shown to its owners only."
                    ))
                } else {
                    let page = lists
                        .members(
                            &list.id,
                            &ListQuery {
                                limit: MAX_WHO,
                                ..Default::default()
                            },
                        )
                        .await?;
                    let mut text = format!("The members of {posting}:\n");
                    for m in page.items {
                        text.push_str(&format!("  {}\n", m.address));
                    }
                    Outcome::said(text)
                }
            }
            Command::Confirm(token) => self.confirm(list, settings, who, token).await?,
        })
    }

    /// Takes the request `token` and carries it out.
    async fn confirm(
        &self,
        list: &ListRecord,
        settings: &ListSettings,
        who: &str,
        token: &str,
    ) -> Result<Outcome, DeliveryError> {
        let lists = self.store().lists();
        let posting = list.address();
        let refused = || {
            Outcome::said(format!(
                "That confirmation is unknown or has expired; nothing changed. Send \"help\" to \
                 {} to see what you can do.",
                request_address(list)
            ))
        };
        // Who may use the token is checked before it is used: someone else's reply
        // must not spend it.
        let Some(request) = lists.request(token).await? else {
            return Ok(refused());
        };
        let is = |a: &str| a.eq_ignore_ascii_case(who);
        let owner = settings.owners.iter().any(|o| is(o));
        let allowed = request.list_id == list.id
            && match request.action.as_str() {
                "subscribe" | "unsubscribe" => true,
                "approve" => owner,
                "moderate" => settings.is_owner_or_moderator(who),
                "enable" => owner || is(&request.address),
                _ => false,
            };
        if !allowed || lists.take_request(token).await?.is_none() {
            return Ok(refused());
        }
        Ok(match request.action.as_str() {
            "subscribe" => Outcome::said(self.join(list, &request.address).await?),
            "approve" => {
                let welcome = self.join(list, &request.address).await?;
                self.tell(
                    list,
                    &request.address,
                    &format!("Welcome to {posting}"),
                    &welcome,
                )
                .await?;
                Outcome::said(format!(
                    "{} may now post to and read {posting}.",
                    request.address
                ))
            }
            "moderate" => {
                let approved = self
                    .decide(list, &request.address, crate::moderation::Decision::Approve)
                    .await?;
                Outcome::said(if approved {
                    format!("The post went to the members of {posting}.")
                } else {
                    format!("That post to {posting} was decided already or has expired.")
                })
            }
            "enable" => match self.resume(list, &request.address).await {
                Ok(()) => Outcome::said(format!(
                    "{} gets the posts of {posting} again.",
                    request.address
                )),
                Err(DeliveryError::Store(StoreError::NotFound)) => {
                    Outcome::said(format!("{} is not a member of {posting}.", request.address))
                }
                Err(e) => return Err(e),
            },
            "unsubscribe" => match lists.remove_member(&list.id, &request.address).await {
                Ok(()) => Outcome::said(format!(
                    "{} is no longer a member of {posting}. Goodbye.",
                    request.address
                )),
                Err(StoreError::NotFound) => {
                    Outcome::said(format!("{} is not a member of {posting}.", request.address))
                }
                Err(e) => return Err(e.into()),
            },
            _ => refused(),
        })
    }

    /// Lets a member whose delivery paused for bounces get posts again, its score reset.
    async fn resume(&self, list: &ListRecord, address: &str) -> Result<(), DeliveryError> {
        self.store()
            .lists()
            .set_bounce_state(&list.id, address, crate::bounces::resumed())
            .await?;
        Ok(())
    }

    /// Adds `address` as a member that gets each post; the welcome text.
    async fn join(&self, list: &ListRecord, address: &str) -> Result<String, DeliveryError> {
        let added = self
            .store()
            .lists()
            .add_member(
                &list.id,
                NewListMember {
                    address: address.to_owned(),
                    display_name: None,
                    delivery_mode: "each".into(),
                    status: "active".into(),
                },
            )
            .await;
        match added {
            Ok(_) | Err(StoreError::Conflict(_)) => Ok(welcome_text(list, address)),
            Err(e) => Err(e.into()),
        }
    }

    /// Tells `address` that an owner made it a member of the list.
    pub async fn welcome(&self, list: &ListRecord, address: &str) -> Result<(), DeliveryError> {
        let subject = format!("Welcome to {}", list.address());
        self.tell(list, address, &subject, &welcome_text(list, address))
            .await
    }

    /// Tells `address` that an owner took it off the list.
    pub async fn farewell(&self, list: &ListRecord, address: &str) -> Result<(), DeliveryError> {
        let posting = list.address();
        self.tell(
            list,
            address,
            &format!("You left {posting}"),
            &format!(
                "{address} is no longer a member of {posting}; its owners took it off. Questions \
                 go to {}.",
                crate::owner_address(list)
            ),
        )
        .await
    }

    /// Tells `address` that it left the list from the link in a post (RFC 8058).
    pub async fn goodbye(&self, list: &ListRecord, address: &str) -> Result<(), DeliveryError> {
        let posting = list.address();
        self.tell(
            list,
            address,
            &format!("You left {posting}"),
            &format!(
                "{address} is no longer a member of {posting}: it was unsubscribed from the link \
                 in a post. To join again, send \"subscribe\" to {}.",
                request_address(list)
            ),
        )
        .await
    }

    /// Sends `text` to `to` from the list's `-request` address (answers come back there),
    /// marked as an automatic answer (RFC 3834 §5).
    pub(crate) async fn tell(
        &self,
        list: &ListRecord,
        to: &str,
        subject: &str,
        text: &str,
    ) -> Result<(), DeliveryError> {
        self.tell_from(list, None, to, subject, text).await
    }

    /// [`Self::tell`] with the envelope sender `sender` (a VERP address) instead of the
    /// list's `-bounces` address.
    pub(crate) async fn tell_from(
        &self,
        list: &ListRecord,
        sender: Option<String>,
        to: &str,
        subject: &str,
        text: &str,
    ) -> Result<(), DeliveryError> {
        let (Ok(from), Ok(rcpt)) = (Address::parse(&request_address(list)), Address::parse(to))
        else {
            return Ok(());
        };
        // Signed with the name the list's domain gives itself (its per-host look).
        let product = self.store().brandings().product_name(&list.address()).await;
        let text = format!(
            "{text}

-- 
{product} list server, {}",
            list.domain
        );
        let bytes = Compose::new(
            NamedAddress {
                name: Some(format!("{} list", list.name)),
                address: from.clone(),
            },
            format!("{}@{}", new_token(), list.domain),
        )
        .to([NamedAddress::from(rcpt)])
        .reply_to([NamedAddress::from(from)])
        .subject(subject)
        .field("Auto-Submitted", "auto-replied")
        .text(text.replace('\n', "\r\n"))
        .to_bytes();
        self.send_from(list, sender, &[to.to_owned()], &bytes).await
    }
}

/// What a new member is told.
fn welcome_text(list: &ListRecord, address: &str) -> String {
    let posting = list.address();
    format!(
        "Welcome to {posting}, {address}. Post by writing to {posting}; send \"help\" to {} \
         for the commands, \"unsubscribe\" to leave.",
        request_address(list)
    )
}

/// What delivery mode `mode` means for `who` on the list at `posting`, as it is told.
pub(crate) fn mode_sentence(who: &str, posting: &str, mode: &str) -> String {
    match mode {
        "nomail" => format!("{who} gets no mail from {posting} now."),
        "digest" => format!("{who} gets {posting} as MIME digests now."),
        "digest_plain" => format!("{who} gets {posting} as plain-text digests now."),
        _ => format!("{who} gets each post to {posting} now."),
    }
}

/// The list's address for commands.
pub fn request_address(list: &ListRecord) -> String {
    format!("{}-request@{}", list.local_part, list.domain)
}

/// The commands, for `help`.
fn help(list: &ListRecord) -> String {
    format!(
        "Commands for {posting}, sent to {request} in the subject or on the first lines of \
         the body:\n\n  subscribe      join the list (you will be asked to confirm)\n  \
         unsubscribe    leave the list (you will be asked to confirm)\n  \
         set nomail     stay a member but get no posts\n  set each       get each post\n  \
         set digest     get the posts gathered in MIME digests\n  \
         set digest plain   the same as plain text (RFC 1153)\n  \
         who            the members (when the list shows them)\n  help           this text\n\n\
         To reach the owners, write to {owner}.",
        posting = list.address(),
        request = request_address(list),
        owner = crate::owner_address(list),
    )
}
