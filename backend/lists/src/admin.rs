//! Managing lists: creating, changing and deleting a domain's lists and their members,
//! for an actor — a server administrator for every domain, a domain administrator for
//! its own. Every rule lives here; the REST API and the CLI call it.

use osprey_core::Address;
use osprey_directory::{
    Actor, DirectoryError,
    audit::{Change, record},
};
use osprey_store::{
    HeldPostRecord, ListMemberRecord, ListOrder, ListQuery, ListRecord, NewList, NewListMember,
    PageOf, Store, StoreError,
};
use serde_json::{Value, json};

use crate::{
    moderation::Decision,
    server::{ListServer, ROLES},
    settings::{ListSettings, SubscriptionPolicy},
};
use osprey_mail::DeliveryError;

/// The audit log's view of a list.
fn list_view(list: &ListRecord) -> Value {
    json!({
        "address": list.address(),
        "name": list.name,
        "description": list.description,
        "settings": serde_json::from_str::<Value>(&list.settings).unwrap_or_default(),
    })
}

/// The audit log's view of a member.
fn member_view(member: &ListMemberRecord) -> Value {
    json!({
        "address": member.address,
        "display_name": member.display_name,
        "delivery_mode": member.delivery_mode,
        "status": member.status,
    })
}

/// A change to `list` (or one of its members) for the audit log.
pub(crate) fn list_change(action: &'static str, list: &ListRecord, target: String) -> Change {
    Change::new(action, target).domain(&list.domain_id)
}

/// How the audit log names a member of `list`.
fn member_target(list: &ListRecord, address: &str) -> String {
    format!("{address} in {}", list.address())
}

/// The longest list name.
pub const MAX_NAME: usize = 200;
/// The longest description.
pub const MAX_DESCRIPTION: usize = 2_000;

/// A new list.
#[derive(Debug, Clone)]
pub struct NewListRequest {
    /// `team@example.com`.
    pub address: String,
    pub name: String,
    pub description: String,
    /// `None`: the defaults for its name.
    pub settings: Option<ListSettings>,
}

/// Changes to a list; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct ListUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub settings: Option<ListSettings>,
}

/// How a member gets the list's mail: each post, digests (MIME or RFC 1153 plain
/// text), or nothing.
pub const DELIVERY_MODES: [&str; 4] = ["each", "digest", "digest_plain", "nomail"];

/// What is wrong with delivery mode `mode` on `list`, if anything.
pub(crate) fn mode_problem(list: &ListRecord, mode: &str) -> Option<String> {
    if !DELIVERY_MODES.contains(&mode) {
        Some(format!("one of {}", DELIVERY_MODES.join(", ")))
    } else if crate::digest::DIGEST_MODES.contains(&mode)
        && !ListSettings::read(&list.settings).digest
    {
        Some(format!("{} sends no digests", list.address()))
    } else {
        None
    }
}

/// A member to add.
#[derive(Debug, Clone)]
pub struct NewMemberRequest {
    pub address: String,
    pub display_name: Option<String>,
    /// One of [`DELIVERY_MODES`]; `each` by default.
    pub delivery_mode: Option<String>,
}

/// The list service.
#[derive(Clone)]
pub struct ListAdmin {
    pub(crate) store: Store,
    /// Tells members of the changes an owner makes; `None`: changes are silent (the CLI).
    mail: Option<ListServer>,
}

fn check_text(
    problems: &mut Vec<osprey_directory::FieldProblem>,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) {
    let message = if required && value.trim().is_empty() {
        Some("must not be empty".to_owned())
    } else if value.chars().count() > max {
        Some(format!("at most {max} characters"))
    } else if value
        .chars()
        .any(|c| c.is_control() && (field == "name" || c != '\n'))
    {
        Some("must not hold control characters".to_owned())
    } else {
        None
    };
    if let Some(message) = message {
        problems.push(osprey_directory::FieldProblem {
            field: field.to_owned(),
            message,
        });
    }
}

/// `settings` checked, their problems added to `problems`.
fn checked_settings(
    settings: Option<ListSettings>,
    problems: &mut Vec<osprey_directory::FieldProblem>,
) -> Option<ListSettings> {
    match settings.map(ListSettings::check).transpose() {
        Ok(s) => s,
        Err(DirectoryError::Invalid(p)) => {
            problems.extend(p);
            None
        }
        Err(_) => None,
    }
}

/// The address in the field `address`, or its problem added to `problems`.
fn parse_address(
    value: &str,
    problems: &mut Vec<osprey_directory::FieldProblem>,
) -> Option<Address> {
    let parsed = Address::parse(value.trim()).ok();
    if parsed.is_none() {
        problems.push(osprey_directory::FieldProblem {
            field: "address".into(),
            message: "not an e-mail address".into(),
        });
    }
    parsed
}

/// A failure of the list server's mail as the service's error.
fn delivery_error(e: DeliveryError) -> DirectoryError {
    match e {
        DeliveryError::Store(e) => e.into(),
        e => DirectoryError::Internal(e.to_string()),
    }
}

fn finish(problems: Vec<osprey_directory::FieldProblem>) -> Result<(), DirectoryError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(DirectoryError::Invalid(problems))
    }
}

impl ListAdmin {
    pub fn new(store: Store) -> Self {
        Self { store, mail: None }
    }

    /// The same service telling each member it adds or removes by mail, and deciding
    /// held posts, through `server`.
    pub fn with_mail(mut self, server: ListServer) -> Self {
        self.mail = Some(server);
        self
    }

    /// Creates a list; its address and companions must be free (`Conflict` otherwise).
    pub async fn create(
        &self,
        actor: &Actor,
        req: NewListRequest,
    ) -> Result<ListRecord, DirectoryError> {
        let scope = actor.admin_scope()?;
        let mut problems = Vec::new();
        let address = parse_address(&req.address, &mut problems);
        check_text(&mut problems, "name", &req.name, MAX_NAME, true);
        check_text(
            &mut problems,
            "description",
            &req.description,
            MAX_DESCRIPTION,
            false,
        );
        let settings = checked_settings(req.settings, &mut problems);
        finish(problems)?;
        let address = address.expect("checked");
        let local = address.local().to_ascii_lowercase();
        if address.is_postmaster() {
            return Err(DirectoryError::field(
                "address",
                "postmaster is the server's own address",
            ));
        }
        let domain = match self
            .store
            .domains()
            .domain_by_name(address.domain().as_str())
            .await
        {
            Ok(d) => d,
            Err(StoreError::NotFound) => {
                return Err(DirectoryError::field(
                    "address",
                    format!("the domain {} does not exist", address.domain()),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if !scope.includes(&domain.id) {
            return Err(DirectoryError::Forbidden(
                "this list is not in a domain you administer".into(),
            ));
        }
        let settings = settings.unwrap_or_else(|| ListSettings::for_list(&local));
        let new = NewList {
            domain: domain.name.clone(),
            local_part: local.clone(),
            name: req.name.trim().to_owned(),
            description: req.description,
            settings: settings.to_json(),
            addresses: ROLES
                .iter()
                .map(|(suffix, role)| (format!("{local}{suffix}"), (*role).to_owned()))
                .collect(),
        };
        let created = self.store.lists().create_list(new).await?;
        record(
            &self.store,
            actor,
            list_change("list.create", &created, created.address()).after(list_view(&created)),
        )
        .await;
        Ok(created)
    }

    /// The list with this id, if the actor administers its domain.
    pub async fn get(&self, actor: &Actor, id: &str) -> Result<ListRecord, DirectoryError> {
        let scope = actor.admin_scope()?;
        let list = self.store.lists().list(id).await?;
        scope.check(&list.domain_id, "this list is")?;
        Ok(list)
    }

    /// A page of the lists of the domains the actor administers (of `query.domain_ids`,
    /// when it names some).
    pub async fn list(
        &self,
        actor: &Actor,
        mut query: ListQuery,
        order: ListOrder,
    ) -> Result<PageOf<ListRecord>, DirectoryError> {
        // Only domains the actor administers, of those asked for.
        if let Some(allowed) = actor.admin_scope()?.restriction() {
            query.domain_ids = Some(match query.domain_ids {
                Some(asked) => asked.into_iter().filter(|d| allowed.contains(d)).collect(),
                None => allowed,
            });
        }
        Ok(self.store.lists().lists_in(&query, order).await?)
    }

    /// Changes a list.
    pub async fn update(
        &self,
        actor: &Actor,
        id: &str,
        changes: ListUpdate,
    ) -> Result<ListRecord, DirectoryError> {
        let list = self.get(actor, id).await?;
        let mut problems = Vec::new();
        if let Some(n) = &changes.name {
            check_text(&mut problems, "name", n, MAX_NAME, true);
        }
        if let Some(d) = &changes.description {
            check_text(&mut problems, "description", d, MAX_DESCRIPTION, false);
        }
        let settings = checked_settings(changes.settings, &mut problems);
        finish(problems)?;
        let after = self
            .store
            .lists()
            .update_list(
                id,
                changes
                    .name
                    .map(|n| n.trim().to_owned())
                    .unwrap_or_else(|| list.name.clone()),
                changes
                    .description
                    .unwrap_or_else(|| list.description.clone()),
                settings
                    .map(|s| s.to_json())
                    .unwrap_or_else(|| list.settings.clone()),
            )
            .await?;
        record(
            &self.store,
            actor,
            list_change("list.update", &after, after.address())
                .before(list_view(&list))
                .after(list_view(&after)),
        )
        .await;
        Ok(after)
    }

    /// Deletes a list with its members; its addresses become free.
    pub async fn delete(&self, actor: &Actor, id: &str) -> Result<(), DirectoryError> {
        let list = self.get(actor, id).await?;
        self.store.lists().delete_list(id).await?;
        record(
            &self.store,
            actor,
            list_change("list.delete", &list, list.address()).before(list_view(&list)),
        )
        .await;
        Ok(())
    }

    /// A page of a list's members.
    pub async fn members(
        &self,
        actor: &Actor,
        id: &str,
        query: ListQuery,
    ) -> Result<PageOf<ListMemberRecord>, DirectoryError> {
        self.get(actor, id).await?;
        Ok(self.store.lists().members(id, &query).await?)
    }

    /// Adds a member (`Conflict` if the address is one already).
    pub async fn add_member(
        &self,
        actor: &Actor,
        id: &str,
        req: NewMemberRequest,
    ) -> Result<ListMemberRecord, DirectoryError> {
        let list = self.get(actor, id).await?;
        let new = self.checked_member(&list, req).await?;
        let added = self.store.lists().add_member(id, new).await?;
        record(
            &self.store,
            actor,
            list_change(
                "list_member.add",
                &list,
                member_target(&list, &added.address),
            )
            .after(member_view(&added)),
        )
        .await;
        // Every change is told to the member (the welcome says how to leave).
        self.welcome(&list, &added.address).await;
        Ok(added)
    }

    /// `req` checked for the list: each bad field named, a list never its own member.
    pub(crate) async fn checked_member(
        &self,
        list: &ListRecord,
        req: NewMemberRequest,
    ) -> Result<NewListMember, DirectoryError> {
        let mut problems = Vec::new();
        let address = parse_address(&req.address, &mut problems);
        if let Some(n) = &req.display_name {
            check_text(&mut problems, "display_name", n, MAX_NAME, false);
        }
        let mode = req.delivery_mode.unwrap_or_else(|| "each".into());
        if let Some(message) = mode_problem(list, &mode) {
            problems.push(osprey_directory::FieldProblem {
                field: "delivery_mode".into(),
                message,
            });
        }
        finish(problems)?;
        let address = address.expect("checked");
        // A list among its own members would send each post back to itself.
        if self
            .store
            .lists()
            .list_by_address(&address.key())
            .await?
            .is_some_and(|(l, _)| l.id == list.id)
        {
            return Err(DirectoryError::field(
                "address",
                "a list cannot be a member of itself",
            ));
        }
        Ok(NewListMember {
            address: address.to_string(),
            display_name: req
                .display_name
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty()),
            delivery_mode: mode,
            status: "active".into(),
        })
    }

    /// Tells a member an owner added that it joined (the welcome says how to leave).
    pub(crate) async fn welcome(&self, list: &ListRecord, address: &str) {
        if let Some(mail) = &self.mail
            && let Err(e) = mail.welcome(list, address).await
        {
            tracing::warn!(error = %e, "the welcome to a new member was not sent");
        }
    }

    /// Tells a member its delivery mode changed (every change is confirmed by mail).
    async fn tell_mode(&self, list: &ListRecord, address: &str, mode: &str) {
        if let Some(mail) = &self.mail {
            let posting = list.address();
            let text = crate::requests::mode_sentence(address, &posting, mode);
            let subject = format!("Your mail from {posting}");
            if let Err(e) = mail.tell(list, address, &subject, &text).await {
                tracing::warn!(error = %e, "the notice of a member's new delivery mode was not sent");
            }
        }
    }

    /// The lists the account at `address` is a member of.
    pub async fn memberships(
        &self,
        address: &str,
    ) -> Result<Vec<(ListRecord, ListMemberRecord)>, DirectoryError> {
        Ok(self.store.lists().memberships(address).await?)
    }

    /// The account at `address` changes how it gets the list `id`'s mail (`NotFound`
    /// if it is no member): the list and the member as it is now.
    pub async fn set_own_mode(
        &self,
        address: &str,
        id: &str,
        mode: &str,
    ) -> Result<(ListRecord, ListMemberRecord), DirectoryError> {
        let list = self.store.lists().list(id).await?;
        let member = self
            .store
            .lists()
            .member(id, address)
            .await?
            .ok_or(DirectoryError::NotFound)?;
        self.set_mode(&list, address, mode).await?;
        let member = ListMemberRecord {
            delivery_mode: mode.to_owned(),
            ..member
        };
        Ok((list, member))
    }

    /// Sets a member's delivery mode, if the list takes it, and tells the member.
    async fn set_mode(
        &self,
        list: &ListRecord,
        address: &str,
        mode: &str,
    ) -> Result<(), DirectoryError> {
        if let Some(message) = mode_problem(list, mode) {
            return Err(DirectoryError::field("delivery_mode", message));
        }
        self.store
            .lists()
            .set_delivery_mode(&list.id, address, mode)
            .await?;
        self.tell_mode(list, address, mode).await;
        Ok(())
    }

    /// The account at `address` leaves the list `id` (`NotFound` if it is no member).
    pub async fn leave(&self, address: &str, id: &str) -> Result<(), DirectoryError> {
        Ok(self.store.lists().remove_member(id, address).await?)
    }

    /// The list and member address a one-click unsubscription token is for (RFC 8058),
    /// without using it: what the page that asks shows. `NotFound` for a token that is
    /// no member's.
    pub async fn token_membership(
        &self,
        token: &str,
    ) -> Result<(ListRecord, String), DirectoryError> {
        let token = token.to_ascii_lowercase();
        if token.len() != 20 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DirectoryError::NotFound);
        }
        let member = self
            .store
            .lists()
            .member_by_token(&token)
            .await?
            .ok_or(DirectoryError::NotFound)?;
        let list = self.store.lists().list(&member.list_id).await?;
        Ok((list, member.address))
    }

    /// RFC 8058 one-click unsubscription: the member whose token this is leaves its
    /// list and is told by mail. `NotFound` for a token that is no member's (used
    /// already, or forged): nothing changes.
    pub async fn unsubscribe_by_token(
        &self,
        token: &str,
    ) -> Result<(ListRecord, String), DirectoryError> {
        let (list, address) = self.token_membership(token).await?;
        self.store.lists().remove_member(&list.id, &address).await?;
        tracing::info!(list = %list.address(), member = %address, "one-click unsubscription");
        if let Some(mail) = &self.mail
            && let Err(e) = mail.goodbye(&list, &address).await
        {
            tracing::warn!(error = %e, "the goodbye to a member who left was not sent");
        }
        Ok((list, address))
    }

    /// The list at `address` for its public subscription page: `NotFound` unless it is
    /// a list's posting address and the list takes subscriptions.
    pub async fn public_list(&self, address: &str) -> Result<ListRecord, DirectoryError> {
        let address = Address::parse(address.trim()).map_err(|_| DirectoryError::NotFound)?;
        match crate::server::list_at(&self.store, &address).await? {
            Some((list, role))
                if role == "post"
                    && ListSettings::read(&list.settings).subscription
                        != SubscriptionPolicy::Closed =>
            {
                Ok(list)
            }
            _ => Err(DirectoryError::NotFound),
        }
    }

    /// A subscription from the list's public page: `email` gets the confirmation (or
    /// its owners the approval) as if it had written `subscribe`. `Invalid` (field
    /// `email`) for an address that is not one.
    pub async fn subscribe_by_web(
        &self,
        list: &ListRecord,
        email: &str,
    ) -> Result<(), DirectoryError> {
        let Ok(address) = Address::parse(email.trim()) else {
            return Err(DirectoryError::Invalid(vec![
                osprey_directory::FieldProblem {
                    field: "email".into(),
                    message: "not an e-mail address".into(),
                },
            ]));
        };
        self.mailer()?
            .subscribe_by_web(list, &address.to_string())
            .await
            .map_err(delivery_error)
    }

    /// The list and request a confirmation link names (joining, leaving, resuming),
    /// without using it; `NotFound` for any other token.
    pub async fn linked_request(
        &self,
        token: &str,
    ) -> Result<(ListRecord, osprey_store::ListRequestRecord), DirectoryError> {
        self.mailer()?
            .linked_request(token)
            .await
            .map_err(delivery_error)?
            .ok_or(DirectoryError::NotFound)
    }

    /// Confirms the request a link names; what it did, as the answer by mail says it.
    pub async fn confirm_link(&self, token: &str) -> Result<String, DirectoryError> {
        self.mailer()?
            .confirm_link(token)
            .await
            .map_err(delivery_error)?
            .ok_or(DirectoryError::NotFound)
    }

    fn mailer(&self) -> Result<&ListServer, DirectoryError> {
        self.mail.as_ref().ok_or_else(|| {
            DirectoryError::Internal("this needs a list server that sends mail".into())
        })
    }

    /// The posts of the list waiting for a moderator, oldest first.
    pub async fn held(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Vec<HeldPostRecord>, DirectoryError> {
        self.get(actor, id).await?;
        Ok(self.store.lists().held_posts(id).await?)
    }

    /// Changes a member's delivery mode (one of [`DELIVERY_MODES`]) and, with `resume`, lets a
    /// member whose delivery paused for bounces get posts again (its score reset).
    /// `NotFound` if the address is no member.
    pub async fn update_member(
        &self,
        actor: &Actor,
        id: &str,
        address: &str,
        mode: Option<&str>,
        resume: bool,
    ) -> Result<ListMemberRecord, DirectoryError> {
        let list = self.get(actor, id).await?;
        let lists = self.store.lists();
        let existing = lists
            .member(id, address)
            .await?
            .ok_or(DirectoryError::NotFound)?;
        if let Some(mode) = mode {
            self.set_mode(&list, address, mode).await?;
        }
        if resume {
            lists
                .set_bounce_state(id, address, crate::bounces::resumed())
                .await?;
            if mode.is_none() {
                self.tell_mode(&list, address, &existing.delivery_mode)
                    .await;
            }
        }
        let after = lists
            .member(id, address)
            .await?
            .ok_or(DirectoryError::NotFound)?;
        let mut after_view = member_view(&after);
        if resume {
            after_view["bounces"] = "resumed".into();
        }
        record(
            &self.store,
            actor,
            list_change("list_member.update", &list, member_target(&list, address))
                .before(member_view(&existing))
                .after(after_view),
        )
        .await;
        Ok(after)
    }

    /// Removes a member.
    pub async fn remove_member(
        &self,
        actor: &Actor,
        id: &str,
        address: &str,
    ) -> Result<(), DirectoryError> {
        let list = self.get(actor, id).await?;
        let before = self.store.lists().member(id, address).await?;
        self.store.lists().remove_member(id, address).await?;
        let mut change = list_change("list_member.remove", &list, member_target(&list, address));
        if let Some(before) = &before {
            change = change.before(member_view(before));
        }
        record(&self.store, actor, change).await;
        if let Some(mail) = &self.mail
            && let Err(e) = mail.farewell(&list, address).await
        {
            tracing::warn!(error = %e, "the farewell to a removed member was not sent");
        }
        Ok(())
    }

    /// Carries out a moderator's `decision` on the held post `post_id` of the list `id`;
    /// `NotFound` if it was decided already or has expired.
    pub async fn moderate(
        &self,
        actor: &Actor,
        id: &str,
        post_id: &str,
        decision: Decision,
    ) -> Result<(), DirectoryError> {
        let list = self.get(actor, id).await?;
        let verdict = match &decision {
            Decision::Approve => "approve".to_owned(),
            Decision::ApproveAndAccept => "approve and accept the sender".to_owned(),
            Decision::Reject(why) => format!("reject: {why}"),
            Decision::Discard => "discard".to_owned(),
        };
        match self.mailer()?.decide(&list, post_id, decision).await {
            Ok(true) => {
                record(
                    &self.store,
                    actor,
                    list_change("list.moderate", &list, list.address())
                        .after(json!({ "post": post_id, "decision": verdict })),
                )
                .await;
                Ok(())
            }
            Ok(false) => Err(DirectoryError::NotFound),
            Err(e) => Err(delivery_error(e)),
        }
    }
}
