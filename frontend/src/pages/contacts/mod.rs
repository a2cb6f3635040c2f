//! Contacts: the address book — search, add, edit, delete (the list-and-edit component
//! the admin pages use), import a `.vcf` file and export one.

mod transfer;

use std::future::Future;

use osprey_api_types::{Contact, ContactFields, LabeledValue, Page};
use yew::prelude::*;

use crate::api::{Api, ApiError, ListQuery};
use crate::components::field::{TextArea, TextField};
use crate::components::resource::{Form, Resource, ResourceList};
use transfer::Transfer;

#[function_component]
pub fn ContactsPage() -> Html {
    // A new import reloads the list.
    let generation = use_state(|| 0u32);
    let onimported = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    html! {
        <section class="page" aria-labelledby="contacts-title">
            <h1 id="contacts-title">{ "Contacts" }</h1>
            <p class="muted">{ "Your address book: the composer suggests these addresses, and delivery rules can ask whether a sender is in it." }</p>
            <Transfer {onimported} />
            <ResourceList<Contacts> key={*generation} />
        </section>
    }
}

/// The contact list.
struct Contacts;

/// The form: one line per address or phone (`label: value` keeps a label).
#[derive(Clone, PartialEq)]
struct Draft {
    full_name: String,
    given_name: String,
    family_name: String,
    emails: String,
    phones: String,
    organization: String,
    title: String,
    birthday: String,
    notes: String,
    /// What the form does not edit, kept as it was.
    rest: ContactFields,
}

fn lines(values: &[LabeledValue]) -> String {
    values
        .iter()
        .map(|v| {
            if v.label.is_empty() {
                v.value.clone()
            } else {
                format!("{}: {}", v.label, v.value)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `label: value` lines (or bare values) as labelled values.
fn parse_lines(text: &str) -> Vec<LabeledValue> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(": ") {
            Some((label, value)) if !label.contains('@') && label.len() <= 20 => LabeledValue {
                label: label.trim().to_lowercase(),
                value: value.trim().to_owned(),
            },
            _ => LabeledValue {
                label: String::new(),
                value: l.to_owned(),
            },
        })
        .collect()
}

fn body(d: &Draft) -> ContactFields {
    ContactFields {
        full_name: d.full_name.trim().to_owned(),
        given_name: d.given_name.trim().to_owned(),
        family_name: d.family_name.trim().to_owned(),
        emails: parse_lines(&d.emails),
        phones: parse_lines(&d.phones),
        organization: d.organization.trim().to_owned(),
        title: d.title.trim().to_owned(),
        birthday: Some(d.birthday.trim().to_owned()).filter(|b| !b.is_empty()),
        notes: d.notes.trim().to_owned(),
        ..d.rest.clone()
    }
}

impl Resource for Contacts {
    type Item = Contact;
    type Draft = Draft;

    const NOUN: &'static str = "contact";
    const PLURAL: &'static str = "contacts";
    const DOMAIN_FILTER: bool = false;
    const FIELDS: &'static [&'static str] = &[
        "full_name",
        "given_name",
        "family_name",
        "emails",
        "phones",
        "organization",
        "title",
        "birthday",
        "notes",
    ];

    fn title(c: &Contact) -> String {
        c.fields.full_name.clone()
    }

    fn summary(c: &Contact) -> Html {
        let f = &c.fields;
        let mut meta: Vec<String> = f.emails.iter().map(|e| e.value.clone()).collect();
        meta.extend(f.phones.iter().map(|p| p.value.clone()));
        let org = [f.title.as_str(), f.organization.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        html! {
            <>
                if !org.is_empty() { <span class="tag">{ org }</span> }
                <div class="row-meta">{ meta.join(" · ") }</div>
            </>
        }
    }

    fn draft(c: Option<&Contact>) -> Draft {
        let f = c.map(|c| c.fields.clone()).unwrap_or_default();
        Draft {
            full_name: f.full_name.clone(),
            given_name: f.given_name.clone(),
            family_name: f.family_name.clone(),
            emails: lines(&f.emails),
            phones: lines(&f.phones),
            organization: f.organization.clone(),
            title: f.title.clone(),
            birthday: f.birthday.clone().unwrap_or_default(),
            notes: f.notes.clone(),
            rest: f,
        }
    }

    fn fields(form: &Form<Draft>) -> Html {
        let d = form.draft();
        html! {
            <>
                <TextField id={form.id("full_name")} label="Name shown" autocomplete="off"
                    hint="Left empty, it is made from the first and last name."
                    value={d.full_name.clone()} oninput={form.set(|d, v| d.full_name = v)}
                    error={form.error("full_name")} />
                    <TextField id={form.id("given_name")} label="First name" autocomplete="off"
                        value={d.given_name.clone()} oninput={form.set(|d, v| d.given_name = v)}
                        error={form.error("given_name")} />
                    <TextField id={form.id("family_name")} label="Last name" autocomplete="off"
                        value={d.family_name.clone()} oninput={form.set(|d, v| d.family_name = v)}
                        error={form.error("family_name")} />
                <TextArea id={form.id("emails")} label="E-mail addresses" rows={2}
                    hint="One per line; “work: ann@example.com” gives it a label."
                    value={d.emails.clone()} oninput={form.set(|d, v| d.emails = v)}
                    error={form.error("emails")} />
                <TextArea id={form.id("phones")} label="Phone numbers" rows={2}
                    hint="One per line; “cell: +1 555 0100” gives it a label."
                    value={d.phones.clone()} oninput={form.set(|d, v| d.phones = v)}
                    error={form.error("phones")} />
                    <TextField id={form.id("organization")} label="Organisation" autocomplete="off"
                        value={d.organization.clone()} oninput={form.set(|d, v| d.organization = v)}
                        error={form.error("organization")} />
                    <TextField id={form.id("title")} label="Job title" autocomplete="off"
                        value={d.title.clone()} oninput={form.set(|d, v| d.title = v)}
                        error={form.error("title")} />
                <TextField id={form.id("birthday")} label="Birthday" autocomplete="off"
                    placeholder="1990-04-30" hint="YYYY-MM-DD, or --MM-DD without the year."
                    value={d.birthday.clone()} oninput={form.set(|d, v| d.birthday = v)}
                    error={form.error("birthday")} />
                <TextArea id={form.id("notes")} label="Notes" rows={2}
                    value={d.notes.clone()} oninput={form.set(|d, v| d.notes = v)}
                    error={form.error("notes")} />
            </>
        }
    }

    async fn list(api: Api, query: ListQuery) -> Result<Page<Contact>, ApiError> {
        api.list_contacts(Some(ListQuery::LIMIT), query.cursor(), query.q())
            .await
    }

    fn create(
        api: Api,
        draft: &Draft,
    ) -> Result<impl Future<Output = Result<Contact, ApiError>> + 'static, ApiError> {
        let body = body(draft);
        Ok(async move { api.create_contact(&body).await })
    }

    fn update(
        api: Api,
        c: &Contact,
        draft: &Draft,
    ) -> Result<impl Future<Output = Result<Contact, ApiError>> + 'static, ApiError> {
        let body = body(draft);
        let id = c.id.clone();
        Ok(async move { api.replace_contact(&id, &body).await })
    }

    async fn delete(api: Api, id: String) -> Result<(), ApiError> {
        api.delete_contact(&id).await
    }
}
