//! [`AddressBook`]: the address book service over the store.

use calcard::vcard::VCard;
use chrono::{DateTime, Utc};
use osprey_store::{ContactRecord, ContactRow, ListQuery, PageOf, Store, StoreError};

use crate::{
    Card, ContactsError,
    vcf::{self, CardProblem, MAX_IMPORT_BYTES, VcfVersion},
};

/// A stored contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: String,
    pub uid: String,
    pub card: Card,
    pub updated_at: DateTime<Utc>,
}

/// A contact group (distribution list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactGroup {
    pub id: String,
    pub name: String,
    /// The member contacts' ids.
    pub members: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Cards that became new contacts.
    pub created: usize,
    /// Cards that replaced a contact with the same UID.
    pub updated: usize,
    /// The cards that were not imported, each with its line and why.
    pub problems: Vec<CardProblem>,
}

/// Where a suggestion comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionKind {
    Contact,
    Group,
    /// An address the account sent mail to lately (its Sent mailbox).
    Recent,
    /// An account of its domain, when the domain shows its directory.
    Directory,
}

/// Messages of Sent looked at for recently used addresses.
const RECENT_POOL: u64 = 500;

/// A recipient a composer may offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    /// The contact's or group's id.
    pub id: String,
    pub name: String,
    /// The address to send to; for a group, its members' first addresses.
    pub addresses: Vec<String>,
}

/// Most suggestions one request returns.
pub const MAX_SUGGESTIONS: usize = 50;
/// Most contacts looked at to rank suggestions.
const SUGGESTION_POOL: u64 = 200;

fn contact(r: ContactRecord) -> Contact {
    let card = VCard::parse(&r.vcard)
        .map(|v| Card::from_vcard(&v))
        .unwrap_or_default();
    Contact {
        id: r.id,
        uid: r.uid,
        card,
        updated_at: r.updated_at,
    }
}

fn new_uid() -> String {
    format!("urn:uuid:{}", uuid::Uuid::now_v7())
}

/// The row the store keeps for `card` with `uid`, written over `base`.
struct Prepared {
    uid: String,
    full_name: String,
    search_text: String,
    vcard: String,
    emails: Vec<String>,
}

impl Prepared {
    fn new(card: &Card, base: &VCard, uid: String) -> Self {
        Self {
            full_name: card.full_name.clone(),
            search_text: card.search_text(),
            vcard: card.to_vcard(base, &uid).to_string(),
            emails: card.addresses_lower(),
            uid,
        }
    }

    fn row(&self) -> ContactRow<'_> {
        ContactRow {
            uid: &self.uid,
            full_name: &self.full_name,
            search_text: &self.search_text,
            vcard: &self.vcard,
            emails: &self.emails,
        }
    }
}

/// The address book service.
#[derive(Debug, Clone)]
pub struct AddressBook {
    store: Store,
}

impl AddressBook {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Adds a contact to the account's book.
    pub async fn create(&self, account_id: &str, card: Card) -> Result<Contact, ContactsError> {
        let card = card.normalized()?;
        let p = Prepared::new(&card, &VCard::default(), new_uid());
        let made = self
            .store
            .contacts()
            .insert_contact(account_id, p.row())
            .await?;
        Ok(contact(made))
    }

    /// Replaces the fields of a contact; what the card holds besides them (properties
    /// other programs wrote) is kept.
    pub async fn update(
        &self,
        account_id: &str,
        id: &str,
        card: Card,
    ) -> Result<Contact, ContactsError> {
        let card = card.normalized()?;
        let stored = self.store.contacts().contact(account_id, id).await?;
        let base = VCard::parse(&stored.vcard).unwrap_or_default();
        let p = Prepared::new(&card, &base, stored.uid);
        let done = self
            .store
            .contacts()
            .replace_contact(account_id, id, p.row())
            .await?;
        Ok(contact(done))
    }

    /// One contact of the account.
    pub async fn get(&self, account_id: &str, id: &str) -> Result<Contact, ContactsError> {
        Ok(contact(
            self.store.contacts().contact(account_id, id).await?,
        ))
    }

    /// Deletes a contact of the account.
    pub async fn delete(&self, account_id: &str, id: &str) -> Result<(), ContactsError> {
        Ok(self.store.contacts().delete_contact(account_id, id).await?)
    }

    /// A page of the account's contacts by name; `query.q` searches names, addresses,
    /// phones and organisation.
    pub async fn list(
        &self,
        account_id: &str,
        query: &ListQuery,
    ) -> Result<PageOf<Contact>, ContactsError> {
        let page = self
            .store
            .contacts()
            .list_contacts(account_id, query)
            .await?;
        Ok(PageOf {
            items: page.items.into_iter().map(contact).collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// Imports a `.vcf` file: every good card is kept (a card whose UID the account
    /// has replaces that contact), every broken one is reported with its line.
    pub async fn import(
        &self,
        account_id: &str,
        text: &str,
    ) -> Result<ImportReport, ContactsError> {
        if text.len() > MAX_IMPORT_BYTES {
            return Err(ContactsError::TooLarge(MAX_IMPORT_BYTES));
        }
        let (cards, problems) = vcf::parse_file(text);
        let prepared: Vec<Prepared> = cards
            .into_iter()
            .map(|c| Prepared::new(&c.card, &c.vcard, c.uid.unwrap_or_else(new_uid)))
            .collect();
        let rows: Vec<ContactRow<'_>> = prepared.iter().map(Prepared::row).collect();
        let done = self
            .store
            .contacts()
            .upsert_contacts(account_id, &rows)
            .await?;
        let created = done.iter().filter(|(_, new)| *new).count();
        Ok(ImportReport {
            created,
            updated: done.len() - created,
            problems,
        })
    }

    /// The account's contacts as one `.vcf` file.
    pub async fn export(
        &self,
        account_id: &str,
        version: VcfVersion,
    ) -> Result<String, ContactsError> {
        let all = self.store.contacts().all_contacts(account_id).await?;
        Ok(vcf::write_file(
            all.iter().map(|c| c.vcard.as_str()),
            version,
        ))
    }

    /// Returns `true` if and only if a contact of the account has one of `addresses`.
    pub async fn knows_any(
        &self,
        account_id: &str,
        addresses: &[String],
    ) -> Result<bool, ContactsError> {
        Ok(self
            .store
            .contacts()
            .knows_any(account_id, addresses)
            .await?)
    }

    /// Up to `limit` recipients for what a person has typed (`q`): contacts (one
    /// suggestion per address) and groups. Ranked: a name word or an address that
    /// starts with `q` first, then ones that contain it; then by name.
    pub async fn suggest(
        &self,
        account_id: &str,
        q: &str,
        limit: usize,
    ) -> Result<Vec<Suggestion>, ContactsError> {
        let q = q.trim().to_lowercase();
        let limit = limit.clamp(1, MAX_SUGGESTIONS);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        // The address book, the domain's directory and the addresses written to lately,
        // asked at once.
        let contacts = self.store.contacts();
        let (found, directory, recent) = tokio::try_join!(
            async {
                contacts
                    .matching(account_id, &q, SUGGESTION_POOL)
                    .await
                    .map_err(ContactsError::from)
            },
            self.directory(account_id, &q),
            self.recent(account_id, &q),
        )?;
        let mut ranked: Vec<(u8, Suggestion)> = Vec::new();
        for (id, full_name, emails) in &found {
            let lower = full_name.to_lowercase();
            let name_hit = starts_a_word(&lower, &q);
            for e in emails {
                let rank = if e.starts_with(&q) || name_hit {
                    0
                } else if e.contains(&q) || lower.contains(&q) {
                    1
                } else {
                    2
                };
                ranked.push((
                    rank,
                    Suggestion {
                        kind: SuggestionKind::Contact,
                        id: id.clone(),
                        name: full_name.clone(),
                        addresses: vec![e.clone()],
                    },
                ));
            }
        }
        let groups: Vec<_> = self
            .store
            .contacts()
            .groups(account_id)
            .await?
            .into_iter()
            .filter(|g| g.name.to_lowercase().contains(&q))
            .collect();
        if !groups.is_empty() {
            let members: Vec<String> = groups.iter().flat_map(|g| g.members.clone()).collect();
            let emails = self.store.contacts().emails_of(members).await?;
            for g in groups {
                let addresses = g
                    .members
                    .iter()
                    .filter_map(|m| emails.get(m).and_then(|e| e.first()).cloned())
                    .collect();
                let rank = if starts_a_word(&g.name.to_lowercase(), &q) {
                    0
                } else {
                    1
                };
                ranked.push((
                    rank,
                    Suggestion {
                        kind: SuggestionKind::Group,
                        id: g.id,
                        name: g.name,
                        addresses,
                    },
                ));
            }
        }
        // Then people of the domain's directory and addresses written to lately, ranked
        // after the address book, each address once.
        ranked.extend(directory.into_iter().map(|s| (3, s)));
        ranked.extend(recent.into_iter().map(|s| (4, s)));
        let mut seen = std::collections::HashSet::new();
        ranked.retain(|(_, s)| {
            s.kind == SuggestionKind::Group || seen.insert(s.addresses.join(",").to_lowercase())
        });
        ranked.sort_by(|a, b| {
            (a.0, a.1.name.to_lowercase(), &a.1.addresses).cmp(&(
                b.0,
                b.1.name.to_lowercase(),
                &b.1.addresses,
            ))
        });
        Ok(ranked.into_iter().take(limit).map(|(_, s)| s).collect())
    }

    /// Accounts of the account's domain whose address or name holds `q`, when the domain
    /// shows its directory.
    async fn directory(&self, account_id: &str, q: &str) -> Result<Vec<Suggestion>, ContactsError> {
        let me = self.store.accounts().account(account_id).await?;
        let domain = self.store.domains().domain(&me.domain_id).await?;
        if !osprey_directory::DomainSettings::of(&domain).directory_visible {
            return Ok(Vec::new());
        }
        let page = self
            .store
            .accounts()
            .list_accounts(&ListQuery {
                q: Some(q.to_owned()),
                limit: 20,
                cursor: None,
                domain_ids: Some(vec![me.domain_id.clone()]),
            })
            .await?;
        Ok(page
            .items
            .into_iter()
            .filter(|a| a.id != me.id && a.enabled)
            .map(|a| Suggestion {
                kind: SuggestionKind::Directory,
                id: a.id.clone(),
                name: a.display_name.clone(),
                addresses: vec![a.address().to_lowercase()],
            })
            .collect())
    }

    /// Addresses of the account's latest sent mail that hold `q`.
    async fn recent(&self, account_id: &str, q: &str) -> Result<Vec<Suggestion>, ContactsError> {
        let Some(sent) = self
            .store
            .mailboxes()
            .of_account(account_id)
            .await?
            .into_iter()
            .find(|m| m.special_use.as_deref() == Some("\\Sent"))
        else {
            return Ok(Vec::new());
        };
        let mut out: Vec<Suggestion> = Vec::new();
        for m in self
            .store
            .messages()
            .messages_before(&sent.id, u32::MAX, RECENT_POOL)
            .await?
        {
            for a in m.summary.to_addrs.as_deref().unwrap_or("").split(',') {
                let a = a.trim().to_lowercase();
                if !a.is_empty() && a.contains(q) && !out.iter().any(|s| s.addresses[0] == a) {
                    out.push(Suggestion {
                        kind: SuggestionKind::Recent,
                        id: String::new(),
                        name: a.clone(),
                        addresses: vec![a],
                    });
                }
            }
        }
        Ok(out)
    }

    /// The addresses the account's group named `name` (any case) sends to: its
    /// members' first addresses; `None` when it has no such group.
    pub async fn group_addresses(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<Vec<String>>, ContactsError> {
        let wanted = name.trim().to_lowercase();
        let Some(group) = self
            .store
            .contacts()
            .groups(account_id)
            .await?
            .into_iter()
            .find(|g| g.name.trim().to_lowercase() == wanted)
        else {
            return Ok(None);
        };
        let emails = self
            .store
            .contacts()
            .emails_of(group.members.clone())
            .await?;
        Ok(Some(
            group
                .members
                .iter()
                .filter_map(|m| emails.get(m).and_then(|e| e.first()).cloned())
                .collect(),
        ))
    }

    /// The account's groups by name.
    pub async fn groups(&self, account_id: &str) -> Result<Vec<ContactGroup>, ContactsError> {
        Ok(self
            .store
            .contacts()
            .groups(account_id)
            .await?
            .into_iter()
            .map(|g| ContactGroup {
                id: g.id,
                name: g.name,
                members: g.members,
                updated_at: g.updated_at,
            })
            .collect())
    }

    /// Creates (`id` `None`) or replaces a group: its name and its member contacts.
    pub async fn save_group(
        &self,
        account_id: &str,
        id: Option<&str>,
        name: &str,
        members: &[String],
    ) -> Result<ContactGroup, ContactsError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > crate::MAX_NAME {
            return Err(ContactsError::Invalid {
                field: "name".into(),
                message: format!("1 to {} characters", crate::MAX_NAME),
            });
        }
        let g = self
            .store
            .contacts()
            .write_group(account_id, id, name, members)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(message) => ContactsError::Invalid {
                    field: "members".into(),
                    message,
                },
                other => other.into(),
            })?;
        Ok(ContactGroup {
            id: g.id,
            name: g.name,
            members: g.members,
            updated_at: g.updated_at,
        })
    }

    /// Deletes a group (its contacts stay).
    pub async fn delete_group(&self, account_id: &str, id: &str) -> Result<(), ContactsError> {
        Ok(self.store.contacts().delete_group(account_id, id).await?)
    }
}

/// Returns `true` if and only if a word of `text` starts with `q`.
fn starts_a_word(text: &str, q: &str) -> bool {
    text.starts_with(q)
        || text
            .match_indices(q)
            .any(|(i, _)| text[..i].ends_with(|c: char| !c.is_alphanumeric()))
}
