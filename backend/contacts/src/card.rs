//! [`Card`]: the fields of a contact people edit, and their mapping onto a vCard
//! (RFC 6350). A card read from vCard keeps what it does not show (unknown and
//! extension properties): writing a [`Card`] back replaces only the properties it owns.

use base64::{Engine, engine::general_purpose::STANDARD};
use calcard::{
    common::{Data, IanaParse, IanaString, PartialDateTime},
    vcard::{
        VCard, VCardEntry, VCardParameter, VCardParameterName, VCardParameterValue, VCardProperty,
        VCardType, VCardValue, VCardValueType,
    },
};

use crate::ContactsError;

/// A labelled value: an e-mail address or a phone number with `home`, `work`, `cell`…
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labeled {
    /// Lower-case label; empty for none.
    pub label: String,
    pub value: String,
}

/// A postal address (the vCard `ADR` components people fill in).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostalAddress {
    pub label: String,
    pub street: String,
    pub locality: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

/// A contact's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Card {
    /// The name shown (`FN`); made from the other names when a card has none.
    pub full_name: String,
    pub given_name: String,
    pub family_name: String,
    pub emails: Vec<Labeled>,
    pub phones: Vec<Labeled>,
    pub organization: String,
    pub title: String,
    pub addresses: Vec<PostalAddress>,
    /// `YYYY-MM-DD`, or `--MM-DD` without a year.
    pub birthday: Option<String>,
    pub notes: String,
    /// A `data:image/…;base64,` or `https:` URI.
    pub photo: Option<String>,
}

/// Most e-mail addresses, phones or postal addresses of one contact.
pub const MAX_VALUES: usize = 50;
/// Longest name, organisation or title, in characters.
pub const MAX_NAME: usize = 255;
/// Longest note, in characters.
pub const MAX_NOTES: usize = 10_000;
/// Largest photo URI, in bytes (a data URI of about 190 KB of image).
pub const MAX_PHOTO: usize = 256 * 1024;

/// The properties a [`Card`] owns; the rest of a vCard is kept as it is.
const OWNED: [VCardProperty; 12] = [
    VCardProperty::Version,
    VCardProperty::Fn,
    VCardProperty::N,
    VCardProperty::Email,
    VCardProperty::Tel,
    VCardProperty::Org,
    VCardProperty::Title,
    VCardProperty::Adr,
    VCardProperty::Bday,
    VCardProperty::Note,
    VCardProperty::Photo,
    VCardProperty::Rev,
];

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ContactsError {
    ContactsError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// Returns `true` if and only if `a` looks like a mailbox address (`local@domain`,
/// no spaces or angle brackets).
pub fn is_address(a: &str) -> bool {
    let Some((local, domain)) = a.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && a.len() <= 320
        && !a
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
}

impl Card {
    /// Trims every field, makes the full name from the others when it is empty, and
    /// checks the limits and formats; the error names the field
    /// (`emails[1]`, `birthday`…).
    pub fn normalized(mut self) -> Result<Self, ContactsError> {
        for s in [
            &mut self.full_name,
            &mut self.given_name,
            &mut self.family_name,
            &mut self.organization,
            &mut self.title,
            &mut self.notes,
        ] {
            *s = s.trim().to_owned();
        }
        let trim_list = |list: &mut Vec<Labeled>| {
            for l in list.iter_mut() {
                l.label = l.label.trim().to_lowercase();
                l.value = l.value.trim().to_owned();
            }
            list.retain(|l| !l.value.is_empty());
        };
        trim_list(&mut self.emails);
        trim_list(&mut self.phones);
        self.addresses.retain(|a| {
            [
                &a.street,
                &a.locality,
                &a.region,
                &a.postal_code,
                &a.country,
            ]
            .iter()
            .any(|s| !s.trim().is_empty())
        });
        if self.full_name.is_empty() {
            self.full_name = self.made_name();
        }
        if self.full_name.is_empty() {
            return Err(invalid(
                "full_name",
                "give a name, an organisation or an e-mail address",
            ));
        }
        for (field, value, max) in [
            ("full_name", &self.full_name, MAX_NAME),
            ("given_name", &self.given_name, MAX_NAME),
            ("family_name", &self.family_name, MAX_NAME),
            ("organization", &self.organization, MAX_NAME),
            ("title", &self.title, MAX_NAME),
            ("notes", &self.notes, MAX_NOTES),
        ] {
            if value.chars().count() > max {
                return Err(invalid(field, format!("at most {max} characters")));
            }
        }
        for (field, n) in [
            ("emails", self.emails.len()),
            ("phones", self.phones.len()),
            ("addresses", self.addresses.len()),
        ] {
            if n > MAX_VALUES {
                return Err(invalid(field, format!("at most {MAX_VALUES}")));
            }
        }
        for (i, e) in self.emails.iter().enumerate() {
            if !is_address(&e.value) {
                return Err(invalid(
                    format!("emails[{i}]"),
                    format!("“{}” is not an e-mail address", e.value),
                ));
            }
        }
        for (i, p) in self.phones.iter().enumerate() {
            if p.value.chars().count() > 64 {
                return Err(invalid(format!("phones[{i}]"), "at most 64 characters"));
            }
        }
        if let Some(b) = self.birthday.as_deref().map(str::trim) {
            self.birthday = if b.is_empty() {
                None
            } else {
                Some(check_birthday(b)?.to_owned())
            };
        }
        if let Some(p) = self.photo.as_deref().map(str::trim) {
            if p.is_empty() {
                self.photo = None;
            } else if p.len() > MAX_PHOTO {
                return Err(invalid("photo", "the picture is larger than 256 KB"));
            } else if !(p.starts_with("data:image/") || p.starts_with("https://")) {
                return Err(invalid("photo", "a data:image/ or https:// address"));
            }
        }
        Ok(self)
    }

    /// A name from the given and family names, else the organisation, else the first
    /// address.
    fn made_name(&self) -> String {
        let names = format!("{} {}", self.given_name, self.family_name);
        let names = names.trim();
        if !names.is_empty() {
            return names.to_owned();
        }
        if !self.organization.is_empty() {
            return self.organization.clone();
        }
        self.emails
            .first()
            .map(|e| e.value.clone())
            .unwrap_or_default()
    }

    /// The lower-cased e-mail addresses.
    pub fn addresses_lower(&self) -> Vec<String> {
        self.emails.iter().map(|e| e.value.to_lowercase()).collect()
    }

    /// What a search looks through: names, addresses, phones, organisation, title.
    pub fn search_text(&self) -> String {
        let mut parts = vec![
            self.full_name.as_str(),
            self.given_name.as_str(),
            self.family_name.as_str(),
            self.organization.as_str(),
            self.title.as_str(),
        ];
        parts.extend(self.emails.iter().map(|e| e.value.as_str()));
        parts.extend(self.phones.iter().map(|p| p.value.as_str()));
        parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase()
    }

    /// Reads the fields of `card`.
    pub fn from_vcard(card: &VCard) -> Self {
        let text = |p: VCardProperty| {
            card.property(&p)
                .and_then(|e| e.values.first())
                .and_then(VCardValue::as_text)
                .unwrap_or_default()
                .to_owned()
        };
        let n = card.property(&VCardProperty::N);
        let component = |i: usize| {
            n.and_then(|e| e.values.get(i))
                .and_then(VCardValue::as_text)
                .unwrap_or_default()
                .to_owned()
        };
        let labeled = |p: VCardProperty| {
            card.properties(&p)
                .filter_map(|e| {
                    let value = e.values.first()?.as_text()?;
                    let value = value.strip_prefix("tel:").unwrap_or(value);
                    let value = value.strip_prefix("mailto:").unwrap_or(value);
                    Some(Labeled {
                        label: label_of(e),
                        value: value.to_owned(),
                    })
                })
                .collect()
        };
        let addresses = card
            .properties(&VCardProperty::Adr)
            .map(|e| {
                let part = |i: usize| {
                    e.values
                        .get(i)
                        .and_then(VCardValue::as_text)
                        .unwrap_or_default()
                        .to_owned()
                };
                PostalAddress {
                    label: label_of(e),
                    street: part(2),
                    locality: part(3),
                    region: part(4),
                    postal_code: part(5),
                    country: part(6),
                }
            })
            .collect();
        let birthday = card
            .property(&VCardProperty::Bday)
            .and_then(|e| e.values.first())
            .and_then(|v| match v {
                VCardValue::PartialDateTime(d) => date_of(d),
                other => other
                    .as_text()
                    .and_then(|t| check_birthday(t).ok())
                    .map(str::to_owned),
            });
        let photo = card
            .property(&VCardProperty::Photo)
            .and_then(|e| e.values.first())
            .and_then(|v| match v {
                VCardValue::Binary(d) => Some(data_uri(d)),
                other => other.as_text().map(str::to_owned),
            });
        Self {
            full_name: text(VCardProperty::Fn),
            given_name: component(1),
            family_name: component(0),
            emails: labeled(VCardProperty::Email),
            phones: labeled(VCardProperty::Tel),
            organization: text(VCardProperty::Org),
            title: text(VCardProperty::Title),
            addresses,
            birthday,
            notes: text(VCardProperty::Note),
            photo,
        }
    }

    /// `base` (a stored or imported card, or an empty one) with the properties this
    /// card owns replaced by its fields, and a UID (`uid`, else the base's).
    pub fn to_vcard(&self, base: &VCard, uid: &str) -> VCard {
        let keep = |e: &&VCardEntry| !OWNED.contains(&e.name) && e.name != VCardProperty::Uid;
        let mut entries = vec![
            VCardEntry::new(VCardProperty::Version).with_value("4.0".to_owned()),
            VCardEntry::new(VCardProperty::Uid).with_value(uid.to_owned()),
            VCardEntry::new(VCardProperty::Fn).with_value(self.full_name.clone()),
        ];
        if !self.given_name.is_empty() || !self.family_name.is_empty() {
            entries.push(
                VCardEntry::new(VCardProperty::N).with_values(
                    [&self.family_name, &self.given_name, "", "", ""]
                        .into_iter()
                        .map(|s| VCardValue::Text(s.to_string()))
                        .collect(),
                ),
            );
        }
        for e in &self.emails {
            entries.push(labeled_entry(VCardProperty::Email, e));
        }
        for p in &self.phones {
            entries.push(labeled_entry(VCardProperty::Tel, p));
        }
        for (p, v) in [
            (VCardProperty::Org, &self.organization),
            (VCardProperty::Title, &self.title),
            (VCardProperty::Note, &self.notes),
        ] {
            if !v.is_empty() {
                entries.push(VCardEntry::new(p).with_value(v.clone()));
            }
        }
        for a in &self.addresses {
            let entry = VCardEntry::new(VCardProperty::Adr).with_values(
                [
                    "",
                    "",
                    &a.street,
                    &a.locality,
                    &a.region,
                    &a.postal_code,
                    &a.country,
                ]
                .into_iter()
                .map(|s| VCardValue::Text(s.trim().to_owned()))
                .collect(),
            );
            entries.push(with_label(entry, &a.label));
        }
        if let Some(b) = self.birthday.as_deref().and_then(partial_date) {
            entries.push(
                VCardEntry::new(VCardProperty::Bday)
                    .with_values(vec![VCardValue::PartialDateTime(b)]),
            );
        }
        if let Some(photo) = &self.photo {
            entries.push(photo_entry(photo));
        }
        entries.extend(base.entries.iter().filter(keep).cloned());
        VCard { entries }
    }
}

/// The first `TYPE` of an entry that is a label people use (not `internet`, `pref`,
/// `voice`), lower-cased.
fn label_of(e: &VCardEntry) -> String {
    e.parameters(&VCardParameterName::Type)
        .find_map(|v| {
            let t = match v {
                VCardParameterValue::Type(t) => t.as_str().to_lowercase(),
                VCardParameterValue::Text(t) => t.to_lowercase(),
                _ => return None,
            };
            (!matches!(t.as_str(), "internet" | "pref" | "voice" | "x400")).then_some(t)
        })
        .unwrap_or_default()
}

fn with_label(entry: VCardEntry, label: &str) -> VCardEntry {
    let label = label.trim().to_lowercase();
    if label.is_empty() {
        return entry;
    }
    let value = match VCardType::parse(label.as_bytes()) {
        Some(t) => VCardParameterValue::Type(t),
        None => VCardParameterValue::Text(label),
    };
    entry.with_param(VCardParameter::new(VCardParameterName::Type, value))
}

fn labeled_entry(p: VCardProperty, l: &Labeled) -> VCardEntry {
    with_label(VCardEntry::new(p).with_value(l.value.clone()), &l.label)
}

fn photo_entry(photo: &str) -> VCardEntry {
    let entry = VCardEntry::new(VCardProperty::Photo);
    if let Some(rest) = photo.strip_prefix("data:")
        && let Some((media, b64)) = rest.split_once(";base64,")
        && let Ok(data) = STANDARD.decode(b64.trim())
    {
        return entry.with_values(vec![VCardValue::Binary(Data {
            content_type: Some(media.to_owned()),
            data,
        })]);
    }
    entry
        .with_param(VCardParameter::new(
            VCardParameterName::Value,
            VCardParameterValue::ValueType(VCardValueType::Uri),
        ))
        .with_value(photo.to_owned())
}

fn data_uri(d: &Data) -> String {
    format!(
        "data:{};base64,{}",
        d.content_type.as_deref().unwrap_or("image/jpeg"),
        STANDARD.encode(&d.data)
    )
}

fn date_of(d: &PartialDateTime) -> Option<String> {
    let (month, day) = (d.month?, d.day?);
    Some(match d.year {
        Some(y) => format!("{y:04}-{month:02}-{day:02}"),
        None => format!("--{month:02}-{day:02}"),
    })
}

fn partial_date(s: &str) -> Option<PartialDateTime> {
    let (year, rest) = match s.strip_prefix("--") {
        Some(rest) => (None, rest),
        None => {
            let (y, rest) = s.split_once('-')?;
            (Some(y.parse().ok()?), rest)
        }
    };
    let (m, d) = rest.split_once('-')?;
    Some(PartialDateTime {
        year,
        month: Some(m.parse().ok()?),
        day: Some(d.parse().ok()?),
        ..PartialDateTime::default()
    })
}

/// `b` if it is `YYYY-MM-DD` (a real date) or `--MM-DD`.
fn check_birthday(b: &str) -> Result<&str, ContactsError> {
    let bad = || {
        invalid(
            "birthday",
            "a date as YYYY-MM-DD, or --MM-DD without a year",
        )
    };
    let p = partial_date(b).ok_or_else(bad)?;
    let (month, day) = (p.month.unwrap_or(0), p.day.unwrap_or(0));
    let year = p.year.map_or(2000, i32::from);
    chrono::NaiveDate::from_ymd_opt(year, month.into(), day.into()).ok_or_else(bad)?;
    let width_ok = match p.year {
        Some(_) => b.len() == 10,
        None => b.len() == 7,
    };
    if !width_ok {
        return Err(bad());
    }
    Ok(b)
}
