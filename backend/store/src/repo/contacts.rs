//! The address book's rows: contacts as vCard text with the columns listings and lookups
//! need, their e-mail addresses (lower-cased) for "is this sender in my address book",
//! and contact groups with their members. The store checks no vCard: the contacts
//! service parses, validates and writes them, and hands the store the derived columns.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::LikeExpr,
};

use super::{
    new_id,
    paging::{ListQuery, PageOf, finish},
};
use crate::{
    StoreError,
    entity::{contact, contact_email, contact_group, contact_group_member},
    error::conflict_on_unique,
    views::Contacts,
};

/// A stored contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub id: String,
    pub uid: String,
    pub full_name: String,
    /// The card as vCard 4.0 text.
    pub vcard: String,
    pub updated_at: DateTime<Utc>,
}

/// What the contacts service derived from a card, for the store to keep.
#[derive(Debug, Clone, Copy)]
pub struct ContactRow<'a> {
    pub uid: &'a str,
    pub full_name: &'a str,
    /// Lower-cased text a search looks through (names, addresses, organisation…).
    pub search_text: &'a str,
    pub vcard: &'a str,
    /// The card's e-mail addresses, lower-cased.
    pub emails: &'a [String],
}

/// A contact group (distribution list) and the ids of its member contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactGroupRecord {
    pub id: String,
    pub name: String,
    pub members: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

fn record(m: contact::Model) -> ContactRecord {
    ContactRecord {
        id: m.id,
        uid: m.uid,
        full_name: m.full_name,
        vcard: m.vcard,
        updated_at: m.updated_at,
    }
}

/// The key contacts sort and page by: the name lower-cased, then the id (names repeat).
fn sort_key(full_name: &str, id: &str) -> String {
    let name: String = full_name.to_lowercase().chars().take(255).collect();
    format!("{name}\u{1}{id}")
}

fn same_uid() -> impl FnOnce(sea_orm::DbErr) -> StoreError {
    conflict_on_unique("a contact with that UID exists")
}

/// Writes the row `id` of `account_id` (new or replaced) and its addresses through `db`.
async fn write<C: ConnectionTrait>(
    db: &C,
    account_id: &str,
    id: &str,
    row: &ContactRow<'_>,
    new: bool,
) -> Result<ContactRecord, StoreError> {
    let now = Utc::now();
    let active = contact::ActiveModel {
        id: Set(id.to_owned()),
        account_id: Set(account_id.to_owned()),
        uid: Set(row.uid.to_owned()),
        full_name: Set(row.full_name.chars().take(255).collect()),
        sort_key: Set(sort_key(row.full_name, id)),
        search_text: Set(row.search_text.to_owned()),
        vcard: Set(row.vcard.to_owned()),
        updated_at: Set(now),
    };
    let model = if new {
        active.insert(db).await.map_err(same_uid())?
    } else {
        active.update(db).await.map_err(same_uid())?
    };
    contact_email::Entity::delete_many()
        .filter(contact_email::Column::ContactId.eq(id))
        .exec(db)
        .await?;
    if !row.emails.is_empty() {
        contact_email::Entity::insert_many(row.emails.iter().enumerate().map(|(i, a)| {
            contact_email::ActiveModel {
                contact_id: Set(id.to_owned()),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                account_id: Set(account_id.to_owned()),
                address: Set(a.chars().take(320).collect()),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(record(model))
}

impl Contacts<'_> {
    /// Adds a contact; `Conflict` when the account has one with the same UID.
    pub async fn insert_contact(
        self,
        account_id: &str,
        row: ContactRow<'_>,
    ) -> Result<ContactRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let made = write(&txn, account_id, &new_id(), &row, true).await?;
        self.commit(txn, turn).await?;
        Ok(made)
    }

    /// Replaces the contact `id` of `account_id`; `NotFound` when it has none such,
    /// `Conflict` when the new UID is another contact's.
    pub async fn replace_contact(
        self,
        account_id: &str,
        id: &str,
        row: ContactRow<'_>,
    ) -> Result<ContactRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        contact::Entity::find_by_id(id.to_owned())
            .filter(contact::Column::AccountId.eq(account_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let done = write(&txn, account_id, id, &row, false).await?;
        self.commit(txn, turn).await?;
        Ok(done)
    }

    /// Adds the cards in one transaction, each replacing the account's contact with the
    /// same UID if there is one (so that importing an export again changes nothing).
    /// Returns each card's contact and whether it was new.
    pub async fn upsert_contacts(
        self,
        account_id: &str,
        rows: &[ContactRow<'_>],
    ) -> Result<Vec<(ContactRecord, bool)>, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let mut done = Vec::with_capacity(rows.len());
        for row in rows {
            let existing = contact::Entity::find()
                .filter(contact::Column::AccountId.eq(account_id))
                .filter(contact::Column::Uid.eq(row.uid))
                .one(&txn)
                .await?;
            let (id, new) = match existing {
                Some(m) => (m.id, false),
                None => (new_id(), true),
            };
            done.push((write(&txn, account_id, &id, row, new).await?, new));
        }
        self.commit(txn, turn).await?;
        Ok(done)
    }

    /// The contact `id` of `account_id`.
    pub async fn contact(self, account_id: &str, id: &str) -> Result<ContactRecord, StoreError> {
        contact::Entity::find_by_id(id.to_owned())
            .filter(contact::Column::AccountId.eq(account_id))
            .one(&self.db)
            .await?
            .map(record)
            .ok_or(StoreError::NotFound)
    }

    /// Deletes the contact `id` of `account_id` (and its place in groups).
    pub async fn delete_contact(self, account_id: &str, id: &str) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        contact::Entity::find_by_id(id.to_owned())
            .filter(contact::Column::AccountId.eq(account_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        // SQLite enforces the cascades only with foreign keys on; say it outright.
        contact_email::Entity::delete_many()
            .filter(contact_email::Column::ContactId.eq(id))
            .exec(&txn)
            .await?;
        contact_group_member::Entity::delete_many()
            .filter(contact_group_member::Column::ContactId.eq(id))
            .exec(&txn)
            .await?;
        contact::Entity::delete_by_id(id.to_owned())
            .exec(&txn)
            .await?;
        self.commit(txn, turn).await
    }

    /// A page of the account's contacts by name; `q` looks through names, addresses,
    /// phones and organisation.
    pub async fn list_contacts(
        self,
        account_id: &str,
        query: &ListQuery,
    ) -> Result<PageOf<ContactRecord>, StoreError> {
        let mut select = contact::Entity::find()
            .filter(contact::Column::AccountId.eq(account_id))
            .order_by_asc(contact::Column::SortKey);
        if let Some(after) = query.after()? {
            select = select.filter(contact::Column::SortKey.gt(after));
        }
        if let Some(p) = query.pattern() {
            select = select.filter(contact::Column::SearchText.like(LikeExpr::new(p).escape('\\')));
        }
        let rows = select.limit(query.limit() + 1).all(&self.db).await?;
        let page = finish(rows, query.limit(), |m| m.sort_key.as_str());
        Ok(PageOf {
            items: page.items.into_iter().map(record).collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// Every contact of the account, by name (for export).
    pub async fn all_contacts(self, account_id: &str) -> Result<Vec<ContactRecord>, StoreError> {
        Ok(contact::Entity::find()
            .filter(contact::Column::AccountId.eq(account_id))
            .order_by_asc(contact::Column::SortKey)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// Up to `limit` contacts whose search text contains `needle` (lower-case), by name:
    /// each one's id, name and addresses (what autocomplete ranks).
    pub async fn matching(
        self,
        account_id: &str,
        needle: &str,
        limit: u64,
    ) -> Result<Vec<(String, String, Vec<String>)>, StoreError> {
        let pattern = ListQuery {
            q: Some(needle.to_owned()),
            ..ListQuery::default()
        }
        .pattern();
        let mut select = contact::Entity::find()
            .select_only()
            .column(contact::Column::Id)
            .column(contact::Column::FullName)
            .filter(contact::Column::AccountId.eq(account_id))
            .order_by_asc(contact::Column::SortKey)
            .limit(limit);
        if let Some(p) = pattern {
            select = select.filter(contact::Column::SearchText.like(LikeExpr::new(p).escape('\\')));
        }
        let found: Vec<(String, String)> = select.into_tuple().all(&self.db).await?;
        let mut emails = self
            .emails_of(found.iter().map(|(id, _)| id.clone()).collect())
            .await?;
        Ok(found
            .into_iter()
            .map(|(id, name)| {
                let e = emails.remove(&id).unwrap_or_default();
                (id, name, e)
            })
            .collect())
    }

    /// The addresses of the contacts `ids`, in each card's order.
    pub async fn emails_of(
        self,
        ids: Vec<String>,
    ) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let mut by_contact: HashMap<String, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows = contact_email::Entity::find()
                .filter(contact_email::Column::ContactId.is_in(chunk.to_vec()))
                .order_by_asc(contact_email::Column::ContactId)
                .order_by_asc(contact_email::Column::Position)
                .all(&self.db)
                .await?;
            for r in rows {
                by_contact.entry(r.contact_id).or_default().push(r.address);
            }
        }
        Ok(by_contact)
    }

    /// Every address in the account's contacts, lower-cased (what delivery rules that
    /// ask about the address book look in).
    pub async fn all_addresses(self, account_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(contact_email::Entity::find()
            .select_only()
            .column(contact_email::Column::Address)
            .filter(contact_email::Column::AccountId.eq(account_id))
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Returns `true` if and only if one of the account's contacts has one of
    /// `addresses` (compared lower-cased).
    pub async fn knows_any(
        self,
        account_id: &str,
        addresses: &[String],
    ) -> Result<bool, StoreError> {
        if addresses.is_empty() {
            return Ok(false);
        }
        let lower: Vec<String> = addresses.iter().map(|a| a.to_lowercase()).collect();
        Ok(contact_email::Entity::find()
            .filter(contact_email::Column::AccountId.eq(account_id))
            .filter(contact_email::Column::Address.is_in(lower))
            .one(&self.db)
            .await?
            .is_some())
    }

    /// The groups of the account by name, with their members.
    pub async fn groups(self, account_id: &str) -> Result<Vec<ContactGroupRecord>, StoreError> {
        let groups = contact_group::Entity::find()
            .filter(contact_group::Column::AccountId.eq(account_id))
            .order_by_asc(contact_group::Column::Name)
            .all(&self.db)
            .await?;
        let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
        let mut members: HashMap<String, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(500) {
            for m in contact_group_member::Entity::find()
                .filter(contact_group_member::Column::GroupId.is_in(chunk.to_vec()))
                .all(&self.db)
                .await?
            {
                members.entry(m.group_id).or_default().push(m.contact_id);
            }
        }
        Ok(groups
            .into_iter()
            .map(|g| ContactGroupRecord {
                members: members.remove(&g.id).unwrap_or_default(),
                id: g.id,
                name: g.name,
                updated_at: g.updated_at,
            })
            .collect())
    }

    /// Creates (`id` `None`) or replaces a group of the account: its name and members.
    /// `NotFound` for an unknown group, `Invalid` naming a member that is not one of
    /// the account's contacts, `Conflict` when another group has the name.
    pub async fn write_group(
        self,
        account_id: &str,
        id: Option<&str>,
        name: &str,
        members: &[String],
    ) -> Result<ContactGroupRecord, StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let known: Vec<String> = contact::Entity::find()
            .select_only()
            .column(contact::Column::Id)
            .filter(contact::Column::AccountId.eq(account_id))
            .filter(contact::Column::Id.is_in(members.to_vec()))
            .into_tuple()
            .all(&txn)
            .await?;
        if let Some(unknown) = members.iter().find(|m| !known.contains(m)) {
            return Err(StoreError::Invalid(format!("no contact {unknown}")));
        }
        let now = Utc::now();
        let taken = conflict_on_unique(format!("a group named {name} exists"));
        let group = match id {
            None => contact_group::ActiveModel {
                id: Set(new_id()),
                account_id: Set(account_id.to_owned()),
                name: Set(name.to_owned()),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await
            .map_err(taken)?,
            Some(id) => {
                let found = contact_group::Entity::find_by_id(id.to_owned())
                    .filter(contact_group::Column::AccountId.eq(account_id))
                    .one(&txn)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let mut active: contact_group::ActiveModel = found.into();
                active.name = Set(name.to_owned());
                active.updated_at = Set(now);
                active.update(&txn).await.map_err(taken)?
            }
        };
        contact_group_member::Entity::delete_many()
            .filter(contact_group_member::Column::GroupId.eq(group.id.clone()))
            .exec(&txn)
            .await?;
        let mut unique: Vec<String> = Vec::new();
        for m in members {
            if !unique.contains(m) {
                unique.push(m.clone());
            }
        }
        if !unique.is_empty() {
            contact_group_member::Entity::insert_many(unique.iter().map(|c| {
                contact_group_member::ActiveModel {
                    group_id: Set(group.id.clone()),
                    contact_id: Set(c.clone()),
                }
            }))
            .exec(&txn)
            .await?;
        }
        self.commit(txn, turn).await?;
        Ok(ContactGroupRecord {
            id: group.id,
            name: group.name,
            members: unique,
            updated_at: group.updated_at,
        })
    }

    /// Deletes a group of the account (its contacts stay).
    pub async fn delete_group(self, account_id: &str, id: &str) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        contact_group::Entity::find_by_id(id.to_owned())
            .filter(contact_group::Column::AccountId.eq(account_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        contact_group_member::Entity::delete_many()
            .filter(contact_group_member::Column::GroupId.eq(id))
            .exec(&txn)
            .await?;
        contact_group::Entity::delete_by_id(id.to_owned())
            .exec(&txn)
            .await?;
        self.commit(txn, turn).await
    }
}
