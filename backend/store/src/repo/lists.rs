//! Mailing lists: each list of a domain, the addresses it answers at (one namespace with
//! accounts and aliases: an address is one of the three, never two), and its members.
//! The rules (policies, what a post becomes) belong to the list service; this stores.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
    sea_query::{Expr, ExprTrait, LikeExpr},
};

use crate::{
    StoreError,
    entity::{
        account, alias, domain, list_address, list_held_post, list_member, list_token, mailing_list,
    },
    error::conflict_on_unique,
    repo::{
        DayCounter, ListQuery, PageOf, new_id,
        paging::{ListOrder, finish, finish_by, newest_after, newest_key, plain_key},
    },
    views::Lists,
};

/// One mailing list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRecord {
    pub id: String,
    pub domain_id: String,
    /// Its domain's name.
    pub domain: String,
    /// The local part of its address (`team` of `team@example.com`).
    pub local_part: String,
    pub name: String,
    pub description: String,
    /// The list service's settings, as JSON.
    pub settings: String,
    pub member_count: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ListRecord {
    /// The list's posting address.
    pub fn address(&self) -> String {
        format!("{}@{}", self.local_part, self.domain)
    }
}

/// What `Lists::create_list` needs.
#[derive(Debug, Clone)]
pub struct NewList {
    pub domain: String,
    pub local_part: String,
    pub name: String,
    pub description: String,
    pub settings: String,
    /// Every address the list answers at (local parts, lower-case) with its role.
    pub addresses: Vec<(String, String)>,
}

/// One member of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListMemberRecord {
    pub list_id: String,
    /// As the member gave it.
    pub address: String,
    pub display_name: Option<String>,
    pub delivery_mode: String,
    pub status: String,
    pub bounce_score: i32,
    pub joined_at: DateTime<Utc>,
    /// The member's secret: in the VERP address its posts come from and in its
    /// one-click unsubscription URL.
    pub token: Option<String>,
    pub last_bounce_at: Option<DateTime<Utc>>,
}

/// One member a post goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRecipient {
    pub address: String,
    pub token: Option<String>,
}

/// A member's bounce state, as the list server decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BounceState {
    pub bounce_score: i32,
    pub last_bounce_at: Option<DateTime<Utc>>,
    /// `active` or `disabled`.
    pub status: String,
}

/// A member to add.
#[derive(Debug, Clone)]
pub struct NewListMember {
    pub address: String,
    pub display_name: Option<String>,
    pub delivery_mode: String,
    pub status: String,
}

/// A request waiting for its confirmation (a subscription, an unsubscription, an
/// owner's approval).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequestRecord {
    pub token: String,
    pub list_id: String,
    /// The address it is for, lower-case.
    pub address: String,
    pub action: String,
    pub expires_at: DateTime<Utc>,
}

/// A post held for a moderator: its body is in the blob store under `blob_hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPostRecord {
    pub id: String,
    pub list_id: String,
    pub sender: String,
    pub subject: String,
    pub blob_hash: String,
    pub size: u64,
    pub received_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

fn held_record(m: list_held_post::Model) -> HeldPostRecord {
    HeldPostRecord {
        id: m.id,
        list_id: m.list_id,
        sender: m.sender,
        subject: m.subject,
        blob_hash: m.blob_hash,
        size: m.size as u64,
        received_at: m.received_at,
        expires_at: m.expires_at,
    }
}

fn request_record(m: list_token::Model) -> ListRequestRecord {
    ListRequestRecord {
        token: m.token,
        list_id: m.list_id,
        address: m.address,
        action: m.action,
        expires_at: m.expires_at,
    }
}

/// A member's secret token: 80 random bits as 20 hex digits, short enough for a VERP
/// address's local part.
fn member_token() -> String {
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).expect("the system's random source works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key an address is compared by: lower-case.
fn member_key(address: &str) -> String {
    address.to_ascii_lowercase()
}

fn member_record(m: list_member::Model) -> ListMemberRecord {
    ListMemberRecord {
        list_id: m.list_id,
        address: m.address,
        display_name: m.display_name,
        delivery_mode: m.delivery_mode,
        status: m.status,
        bounce_score: m.bounce_score,
        joined_at: m.joined_at,
        token: m.token,
        last_bounce_at: m.last_bounce_at,
    }
}

impl Lists<'_> {
    /// Creates a list with its addresses, in one transaction. `Invalid` if the domain does
    /// not exist; `Conflict` if one of the addresses is an account, an alias or another
    /// list's already.
    pub async fn create_list(self, new: NewList) -> Result<ListRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let dom = domain::Entity::find()
            .filter(domain::Column::Name.eq(new.domain.as_str()))
            .one(&txn)
            .await?
            .ok_or_else(|| {
                StoreError::Invalid(format!("the domain {} does not exist", new.domain))
            })?;
        let keys: Vec<String> = new
            .addresses
            .iter()
            .map(|(local, _)| format!("{local}@{}", dom.name))
            .collect();
        if let Some(a) = account::Entity::find()
            .filter(account::Column::AddressKey.is_in(keys.clone()))
            .one(&txn)
            .await?
        {
            return Err(StoreError::Conflict(format!(
                "{} is already an account",
                a.address_key
            )));
        }
        if let Some(a) = alias::Entity::find()
            .filter(alias::Column::AddressKey.is_in(keys.clone()))
            .one(&txn)
            .await?
        {
            return Err(StoreError::Conflict(format!(
                "{} is already an alias",
                a.address_key
            )));
        }
        let id = new_id();
        let now = Utc::now();
        mailing_list::ActiveModel {
            id: Set(id.clone()),
            domain_id: Set(dom.id.clone()),
            local_part: Set(new.local_part.to_ascii_lowercase()),
            name: Set(new.name),
            description: Set(new.description),
            settings: Set(new.settings),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(conflict_on_unique(format!(
            "the list {}@{} already exists",
            new.local_part, dom.name
        )))?;
        for (key, (_, role)) in keys.into_iter().zip(new.addresses) {
            list_address::ActiveModel {
                address_key: Set(key.clone()),
                list_id: Set(id.clone()),
                role: Set(role),
            }
            .insert(&txn)
            .await
            .map_err(conflict_on_unique(format!(
                "{key} is already a list's address"
            )))?;
        }
        self.commit(txn, turn).await?;
        self.list(&id).await
    }

    /// The list with this id.
    pub async fn list(self, id: &str) -> Result<ListRecord, StoreError> {
        let model = mailing_list::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(self.complete(vec![model]).await?.remove(0))
    }

    /// The list answering at `key` (`local@domain`, the domain's own name, lower-case)
    /// and the role of that address (`post`, `request`, ...), if any.
    pub async fn list_by_address(
        self,
        key: &str,
    ) -> Result<Option<(ListRecord, String)>, StoreError> {
        let Some(a) = list_address::Entity::find_by_id(key.to_ascii_lowercase())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((self.list(&a.list_id).await?, a.role)))
    }

    /// Returns `true` if and only if `key` (`local@domain`) is one of a list's addresses.
    pub async fn is_list_address(self, key: &str) -> Result<bool, StoreError> {
        Ok(list_address::Entity::find_by_id(key.to_ascii_lowercase())
            .one(&self.db)
            .await?
            .is_some())
    }

    /// A page of lists in address order (`q` matches the name or the local part).
    pub async fn lists(self, query: &ListQuery) -> Result<PageOf<ListRecord>, StoreError> {
        self.lists_in(query, ListOrder::Key).await
    }

    /// A page of lists by address (their local part, then their domain's list by id) or
    /// the newest first; `q` matches the name or the local part.
    pub async fn lists_in(
        self,
        query: &ListQuery,
        order: ListOrder,
    ) -> Result<PageOf<ListRecord>, StoreError> {
        use mailing_list::Column as C;
        let mut select = match order {
            ListOrder::Key => mailing_list::Entity::find().order_by_asc(C::LocalPart),
            ListOrder::Newest => mailing_list::Entity::find().order_by_desc(C::CreatedAt),
        }
        .order_by_asc(C::Id);
        if let Some(after) = query.after()? {
            select = select.filter(match order {
                ListOrder::Key => {
                    let key = plain_key(after)?;
                    let (local, id) = key.rsplit_once(' ').ok_or_else(|| {
                        StoreError::Invalid("the cursor is not one this server issued".into())
                    })?;
                    Condition::any()
                        .add(C::LocalPart.gt(local))
                        .add(C::LocalPart.eq(local).and(C::Id.gt(id)))
                }
                ListOrder::Newest => newest_after(&after, C::CreatedAt, C::Id)?,
            });
        }
        if let Some(p) = query.pattern() {
            select = select.filter(
                C::LocalPart
                    .like(LikeExpr::new(p.clone()).escape('\\'))
                    .or(C::Name.like(LikeExpr::new(p).escape('\\'))),
            );
        }
        if let Some(ids) = &query.domain_ids {
            select = select.filter(C::DomainId.is_in(ids.clone()));
        }
        let rows = select.limit(query.limit() + 1).all(&self.db).await?;
        let page = match order {
            ListOrder::Key => finish_by(rows, query.limit(), |m| {
                format!("{} {}", m.local_part, m.id)
            }),
            ListOrder::Newest => {
                finish_by(rows, query.limit(), |m| newest_key(&m.created_at, &m.id))
            }
        };
        Ok(PageOf {
            items: self.complete(page.items).await?,
            next_cursor: page.next_cursor,
        })
    }

    /// Changes a list's name, description and settings.
    pub async fn update_list(
        self,
        id: &str,
        name: String,
        description: String,
        settings: String,
    ) -> Result<ListRecord, StoreError> {
        let model = mailing_list::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut active: mailing_list::ActiveModel = model.into();
        active.name = Set(name);
        active.description = Set(description);
        active.settings = Set(settings);
        active.updated_at = Set(Utc::now());
        active.update(&self.db).await?;
        self.list(id).await
    }

    /// Deletes a list with its addresses and members.
    pub async fn delete_list(self, id: &str) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        list_member::Entity::delete_many()
            .filter(list_member::Column::ListId.eq(id))
            .exec(&txn)
            .await?;
        list_address::Entity::delete_many()
            .filter(list_address::Column::ListId.eq(id))
            .exec(&txn)
            .await?;
        list_token::Entity::delete_many()
            .filter(list_token::Column::ListId.eq(id))
            .exec(&txn)
            .await?;
        list_held_post::Entity::delete_many()
            .filter(list_held_post::Column::ListId.eq(id))
            .exec(&txn)
            .await?;
        let done = mailing_list::Entity::delete_by_id(id.to_owned())
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        self.commit(txn, turn).await
    }

    /// Adds a member; `Conflict` if the address is one already.
    pub async fn add_member(
        self,
        list_id: &str,
        new: NewListMember,
    ) -> Result<ListMemberRecord, StoreError> {
        let model = list_member::ActiveModel {
            list_id: Set(list_id.to_owned()),
            address_key: Set(member_key(&new.address)),
            address: Set(new.address.clone()),
            display_name: Set(new.display_name),
            delivery_mode: Set(new.delivery_mode),
            status: Set(new.status),
            bounce_score: Set(0),
            joined_at: Set(Utc::now()),
            token: Set(Some(member_token())),
            last_bounce_at: Set(None),
        }
        .insert(&self.db)
        .await
        .map_err(conflict_on_unique(format!(
            "{} is already a member",
            new.address
        )))?;
        self.list_posts().count(list_id, DayCounter::Joined).await?;
        Ok(member_record(model))
    }

    /// The member with this address, if any.
    pub async fn member(
        self,
        list_id: &str,
        address: &str,
    ) -> Result<Option<ListMemberRecord>, StoreError> {
        Ok(
            list_member::Entity::find_by_id((list_id.to_owned(), member_key(address)))
                .one(&self.db)
                .await?
                .map(member_record),
        )
    }

    /// The member whose token this is, if any.
    pub async fn member_by_token(
        self,
        token: &str,
    ) -> Result<Option<ListMemberRecord>, StoreError> {
        Ok(list_member::Entity::find()
            .filter(list_member::Column::Token.eq(token))
            .one(&self.db)
            .await?
            .map(member_record))
    }

    /// Records a member's bounce state; `NotFound` if the address is not a member.
    pub async fn set_bounce_state(
        self,
        list_id: &str,
        address: &str,
        state: BounceState,
    ) -> Result<(), StoreError> {
        let done = list_member::Entity::update_many()
            .col_expr(
                list_member::Column::BounceScore,
                Expr::value(state.bounce_score),
            )
            .col_expr(
                list_member::Column::LastBounceAt,
                Expr::value(state.last_bounce_at),
            )
            .col_expr(list_member::Column::Status, Expr::value(state.status))
            .filter(list_member::Column::ListId.eq(list_id))
            .filter(list_member::Column::AddressKey.eq(member_key(address)))
            .exec(&self.db)
            .await?;
        if done.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Removes a member; `NotFound` if the address is not one.
    pub async fn remove_member(self, list_id: &str, address: &str) -> Result<(), StoreError> {
        let done = list_member::Entity::delete_by_id((list_id.to_owned(), member_key(address)))
            .exec(&self.db)
            .await?;
        if done.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        self.list_posts().count(list_id, DayCounter::Left).await
    }

    /// A page of a list's members in address order (`q` matches the address or name).
    pub async fn members(
        self,
        list_id: &str,
        query: &ListQuery,
    ) -> Result<PageOf<ListMemberRecord>, StoreError> {
        let mut select = list_member::Entity::find()
            .filter(list_member::Column::ListId.eq(list_id))
            .order_by_asc(list_member::Column::AddressKey);
        if let Some(after) = query.after()? {
            select = select.filter(list_member::Column::AddressKey.gt(after));
        }
        if let Some(p) = query.pattern() {
            select = select.filter(
                list_member::Column::AddressKey
                    .like(LikeExpr::new(p.clone()).escape('\\'))
                    .or(list_member::Column::DisplayName.like(LikeExpr::new(p).escape('\\'))),
            );
        }
        let rows = select.limit(query.limit() + 1).all(&self.db).await?;
        let page = finish(rows, query.limit(), |m| m.address_key.as_str());
        Ok(PageOf {
            items: page.items.into_iter().map(member_record).collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// The lists `address` is a member of, with its membership, by list address.
    pub async fn memberships(
        self,
        address: &str,
    ) -> Result<Vec<(ListRecord, ListMemberRecord)>, StoreError> {
        let rows = list_member::Entity::find()
            .filter(list_member::Column::AddressKey.eq(member_key(address)))
            .all(&self.db)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for m in rows {
            let list = self.list(&m.list_id).await?;
            out.push((list, member_record(m)));
        }
        out.sort_by_key(|(l, _)| l.address());
        Ok(out)
    }

    /// Up to `limit` of the list's active members of one of the delivery modes `modes`
    /// (`each`: they receive each post), in address order after `after`: a fan-out reads the roster a
    /// page at a time.
    pub async fn recipients_page(
        self,
        list_id: &str,
        modes: &[&str],
        after: Option<&str>,
        limit: u64,
    ) -> Result<Vec<ListRecipient>, StoreError> {
        let mut select = list_member::Entity::find()
            .select_only()
            .column(list_member::Column::Address)
            .column(list_member::Column::Token)
            .filter(list_member::Column::ListId.eq(list_id))
            .filter(list_member::Column::Status.eq("active"))
            .filter(list_member::Column::DeliveryMode.is_in(modes.iter().copied()))
            .order_by_asc(list_member::Column::AddressKey);
        if let Some(after) = after {
            select = select.filter(list_member::Column::AddressKey.gt(member_key(after)));
        }
        let rows: Vec<(String, Option<String>)> =
            select.limit(limit).into_tuple().all(&self.db).await?;
        Ok(rows
            .into_iter()
            .map(|(address, token)| ListRecipient { address, token })
            .collect())
    }

    /// Changes a member's delivery mode; `NotFound` if the address is not a member.
    pub async fn set_delivery_mode(
        self,
        list_id: &str,
        address: &str,
        mode: &str,
    ) -> Result<(), StoreError> {
        let model = list_member::Entity::find_by_id((list_id.to_owned(), member_key(address)))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut active: list_member::ActiveModel = model.into();
        active.delivery_mode = Set(mode.to_owned());
        active.update(&self.db).await?;
        Ok(())
    }

    /// Keeps a request waiting for its confirmation under `token` until `expires_at`:
    /// it replaces any request of the same address and action on the list, and the
    /// list's expired requests go.
    pub async fn create_request(self, request: ListRequestRecord) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        list_token::Entity::delete_many()
            .filter(list_token::Column::ListId.eq(request.list_id.as_str()))
            .filter(
                list_token::Column::ExpiresAt
                    .lt(Utc::now())
                    .or(list_token::Column::Address
                        .eq(member_key(&request.address))
                        .and(list_token::Column::Action.eq(request.action.as_str()))),
            )
            .exec(&txn)
            .await?;
        list_token::ActiveModel {
            token: Set(request.token),
            list_id: Set(request.list_id),
            address: Set(member_key(&request.address)),
            action: Set(request.action),
            created_at: Set(Utc::now()),
            expires_at: Set(request.expires_at),
        }
        .insert(&txn)
        .await?;
        self.commit(txn, turn).await
    }

    /// When the newest unexpired request of `action` for `address` on the list was made,
    /// if there is one.
    pub async fn pending_since(
        self,
        list_id: &str,
        address: &str,
        action: &str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(list_token::Entity::find()
            .filter(list_token::Column::ListId.eq(list_id))
            .filter(list_token::Column::Address.eq(member_key(address)))
            .filter(list_token::Column::Action.eq(action))
            .filter(list_token::Column::ExpiresAt.gte(Utc::now()))
            .order_by_desc(list_token::Column::CreatedAt)
            .one(&self.db)
            .await?
            .map(|m| m.created_at))
    }

    /// The request named by `token`, without using it: `None` if there is none or it
    /// has expired.
    pub async fn request(self, token: &str) -> Result<Option<ListRequestRecord>, StoreError> {
        Ok(list_token::Entity::find_by_id(token.to_owned())
            .one(&self.db)
            .await?
            .filter(|m| m.expires_at >= Utc::now())
            .map(request_record))
    }

    /// Takes the request named by `token` (it is used once): `None` if there is none or
    /// it has expired.
    pub async fn take_request(self, token: &str) -> Result<Option<ListRequestRecord>, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let Some(model) = list_token::Entity::find_by_id(token.to_owned())
            .one(&txn)
            .await?
        else {
            return Ok(None);
        };
        list_token::Entity::delete_by_id(token.to_owned())
            .exec(&txn)
            .await?;
        self.commit(txn, turn).await?;
        if model.expires_at < Utc::now() {
            return Ok(None);
        }
        Ok(Some(request_record(model)))
    }

    /// Holds a post for a moderator (its id is fresh); the list's expired posts go.
    pub async fn hold_post(
        self,
        list_id: &str,
        sender: &str,
        subject: &str,
        blob_hash: &str,
        size: u64,
        expires_at: DateTime<Utc>,
    ) -> Result<HeldPostRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        list_held_post::Entity::delete_many()
            .filter(list_held_post::Column::ListId.eq(list_id))
            .filter(list_held_post::Column::ExpiresAt.lt(Utc::now()))
            .exec(&txn)
            .await?;
        let model = list_held_post::ActiveModel {
            id: Set(new_id()),
            list_id: Set(list_id.to_owned()),
            sender: Set(sender.to_owned()),
            subject: Set(subject.to_owned()),
            blob_hash: Set(blob_hash.to_owned()),
            size: Set(size as i64),
            received_at: Set(Utc::now()),
            expires_at: Set(expires_at),
        }
        .insert(&txn)
        .await?;
        self.commit(txn, turn).await?;
        Ok(held_record(model))
    }

    /// The list's held posts that have not expired, oldest first.
    pub async fn held_posts(self, list_id: &str) -> Result<Vec<HeldPostRecord>, StoreError> {
        Ok(list_held_post::Entity::find()
            .filter(list_held_post::Column::ListId.eq(list_id))
            .filter(list_held_post::Column::ExpiresAt.gte(Utc::now()))
            .order_by_asc(list_held_post::Column::ReceivedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(held_record)
            .collect())
    }

    /// Takes the held post `id` of the list (a decision is made once): `None` if there
    /// is none or it has expired.
    pub async fn take_held_post(
        self,
        list_id: &str,
        id: &str,
    ) -> Result<Option<HeldPostRecord>, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let Some(model) = list_held_post::Entity::find_by_id(id.to_owned())
            .filter(list_held_post::Column::ListId.eq(list_id))
            .one(&txn)
            .await?
        else {
            return Ok(None);
        };
        list_held_post::Entity::delete_by_id(id.to_owned())
            .exec(&txn)
            .await?;
        self.commit(txn, turn).await?;
        Ok((model.expires_at >= Utc::now()).then(|| held_record(model)))
    }

    /// The records of `models`: their domains' names and member counts read for all of
    /// them at once (two queries, not two per list).
    async fn complete(
        self,
        models: Vec<mailing_list::Model>,
    ) -> Result<Vec<ListRecord>, StoreError> {
        if models.is_empty() {
            return Ok(Vec::new());
        }
        let domain_ids: Vec<String> = models.iter().map(|m| m.domain_id.clone()).collect();
        let domains: HashMap<String, String> = domain::Entity::find()
            .select_only()
            .column(domain::Column::Id)
            .column(domain::Column::Name)
            .filter(domain::Column::Id.is_in(domain_ids))
            .into_tuple()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let list_ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
        let counts: HashMap<String, i64> = list_member::Entity::find()
            .select_only()
            .column(list_member::Column::ListId)
            .column_as(list_member::Column::AddressKey.count(), "n")
            .filter(list_member::Column::ListId.is_in(list_ids))
            .group_by(list_member::Column::ListId)
            .into_tuple()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(models
            .into_iter()
            .map(|m| ListRecord {
                domain: domains.get(&m.domain_id).cloned().unwrap_or_default(),
                member_count: counts.get(&m.id).map_or(0, |n| *n as u64),
                id: m.id,
                domain_id: m.domain_id,
                local_part: m.local_part,
                name: m.name,
                description: m.description,
                settings: m.settings,
                created_at: m.created_at,
                updated_at: m.updated_at,
            })
            .collect())
    }
}
