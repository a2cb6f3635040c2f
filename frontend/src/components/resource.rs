//! The admin section's list-and-edit component: a "New …" form over a searchable list,
//! loaded page by page, whose rows edit in place and delete after a confirmation.
//!
//! A page is a [`Resource`]: its names, what a row says, the form's fields, and the list,
//! create, update and delete calls. The rest is here and the same on every page: element ids,
//! the loading, empty and error states, busy buttons, messages next to fields, the form
//! emptied after a create, the list updated in place after a change.

use std::future::Future;
use std::pin::Pin;

use osprey_api_types::Page;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError, ListQuery, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::confirm::ConfirmButton;
use crate::components::search::SearchBox;
use crate::hooks::{Keyed, PagedAction, use_paged};
use crate::state::{Session, use_session};

/// What one admin list edits, and how.
pub trait Resource: 'static {
    /// What the list shows and the calls answer.
    type Item: Clone + PartialEq + Keyed + 'static;
    /// What the form edits, as typed.
    type Draft: Clone + PartialEq + 'static;

    /// `domain`: "New domain", "Create domain"; ids `domain-list`, `domain-name` in the
    /// create form and `edit-domain-name` in a row's editor.
    const NOUN: &'static str;
    /// `domains`: "All domains", "Search domains", "No domains yet."
    const PLURAL: &'static str;
    /// Whether a domain filter sits next to the search.
    const DOMAIN_FILTER: bool;
    /// The orders the list offers beside the domain filter, `(value, label)`, the
    /// default first; none: the server's one order.
    const SORTS: &'static [(&'static str, &'static str)] = &[];
    /// The request fields whose messages the form shows next to its inputs; the banner over
    /// the form shows the others.
    const FIELDS: &'static [&'static str];

    /// The row's title, also the subject of its Edit and Delete buttons.
    fn title(item: &Self::Item) -> String;
    /// The tags after the title and the line under it.
    fn summary(item: &Self::Item) -> Html;
    /// The form's values for `item`, or for a new one.
    fn draft(item: Option<&Self::Item>) -> Self::Draft;
    /// The form's inputs.
    fn fields(form: &Form<Self::Draft>) -> Html;

    fn list(
        api: Api,
        query: ListQuery,
    ) -> impl Future<Output = Result<Page<Self::Item>, ApiError>> + 'static;
    /// The create call, or the form's own message when the draft cannot make a request.
    fn create(
        api: Api,
        draft: &Self::Draft,
    ) -> Result<impl Future<Output = Result<Self::Item, ApiError>> + 'static, ApiError>;
    /// The update call for `item`, or the form's own message.
    fn update(
        api: Api,
        item: &Self::Item,
        draft: &Self::Draft,
    ) -> Result<impl Future<Output = Result<Self::Item, ApiError>> + 'static, ApiError>;
    fn delete(api: Api, id: String) -> impl Future<Output = Result<(), ApiError>> + 'static;
}

/// What [`Resource::fields`] works with: the draft, its messages, ids and setters.
pub struct Form<D: 'static> {
    prefix: String,
    /// A row's editor rather than the create form.
    pub editing: bool,
    /// (Read by the administration's forms, which the full app alone has.)
    #[cfg_attr(not(feature = "full"), allow(dead_code))]
    pub session: UseReducerHandle<Session>,
    draft: UseStateHandle<D>,
    error: Option<ApiError>,
}

impl<D: Clone + 'static> Form<D> {
    pub fn draft(&self) -> &D {
        &self.draft
    }

    /// An input's id: `domain-name` in the create form, `edit-domain-name` in an editor.
    pub fn id(&self, name: &str) -> String {
        format!("{}-{name}", self.prefix)
    }

    /// The message about one request field, from the server or the form itself.
    pub fn error(&self, field: &str) -> Option<String> {
        self.error.as_ref().and_then(|e| e.field(field))
    }

    /// A callback that changes the draft with `f`.
    pub fn set<V: 'static>(&self, f: fn(&mut D, V)) -> Callback<V> {
        let draft = self.draft.clone();
        Callback::from(move |value: V| {
            let mut next = (*draft).clone();
            f(&mut next, value);
            draft.set(next);
        })
    }
}

type Pending<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

#[derive(Properties, PartialEq)]
pub struct ResourceListProps {
    /// Domain names offered in the domain filter.
    #[prop_or_default]
    pub domains: Vec<String>,
}

/// The create form and the list of one [`Resource`].
#[function_component]
pub fn ResourceList<R: Resource>(props: &ResourceListProps) -> Html {
    let api = use_api();
    // (search text, domain name, order)
    let filter = use_state(|| (String::new(), String::new(), String::new()));
    let list = use_paged((*filter).clone(), move |(q, domain, sort), cursor| {
        R::list(
            api.clone(),
            ListQuery {
                q,
                domain,
                sort,
                cursor,
            },
        )
    });
    let state = list.state.clone();
    let onsaved = {
        let state = state.clone();
        Callback::from(move |item: R::Item| state.dispatch(PagedAction::Upsert(item)))
    };
    let ondeleted = {
        let state = state.clone();
        Callback::from(move |id: String| state.dispatch(PagedAction::Remove(id)))
    };
    let search = if R::DOMAIN_FILTER || !R::SORTS.is_empty() {
        let filter = filter.clone();
        html! {
            <FilterBar prefix={R::NOUN} what={R::PLURAL} domain_filter={R::DOMAIN_FILTER}
                domains={props.domains.clone()} sorts={R::SORTS}
                onsearch={Callback::from(move |f| filter.set(f))} />
        }
    } else {
        let filter = filter.clone();
        let label = format!("Search {}", R::PLURAL);
        html! {
            <SearchBox id={format!("{}-search", R::NOUN)} label={label.clone()} placeholder={label}
                onsearch={Callback::from(move |q| filter.set((q, String::new(), String::new())))} />
        }
    };
    let filtered = !filter.0.is_empty() || !filter.1.is_empty();
    let empty_text = if filtered {
        format!("No {} match.", R::PLURAL)
    } else {
        format!("No {} yet.", R::PLURAL)
    };

    html! {
        <>
            <div class="card">
                <h2>{ format!("New {}", R::NOUN) }</h2>
                <ItemForm<R> item={None::<R::Item>} onsaved={onsaved.clone()} oncancel={None::<Callback<()>>} />
            </div>
            <div class="card">
                <div class="list-head">
                    <h2>{ format!("All {}", R::PLURAL) }</h2>
                    { search }
                </div>
                <ProblemBanner error={state.error.clone()} />
                <ul class="rows" id={format!("{}-list", R::NOUN)} aria-busy={state.loading.then_some("true")}>
                    { for state.items.iter().map(|item| html! {
                        <Row<R> key={item.key().to_owned()} item={item.clone()}
                            onsaved={onsaved.clone()} ondeleted={ondeleted.clone()} />
                    }) }
                </ul>
                <ListFooter loading={state.loading} empty={state.items.is_empty() && state.error.is_none()}
                    more={state.next_cursor.is_some()} onmore={list.load_more.clone()} {empty_text} />
            </div>
        </>
    }
}

#[derive(Properties)]
struct RowProps<R: Resource> {
    item: R::Item,
    onsaved: Callback<R::Item>,
    ondeleted: Callback<String>,
}

impl<R: Resource> PartialEq for RowProps<R> {
    fn eq(&self, other: &Self) -> bool {
        self.item == other.item
            && self.onsaved == other.onsaved
            && self.ondeleted == other.ondeleted
    }
}

/// One item: its summary, then Edit and Delete, or its editor.
#[function_component]
fn Row<R: Resource>(props: &RowProps<R>) -> Html {
    let api = use_api();
    let editing = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let item = &props.item;
    let title = R::title(item);

    let ondelete = {
        let (id, error, busy, ondeleted) = (
            item.key().to_owned(),
            error.clone(),
            busy.clone(),
            props.ondeleted.clone(),
        );
        Callback::from(move |()| {
            busy.set(true);
            let (error, busy, ondeleted, id) =
                (error.clone(), busy.clone(), ondeleted.clone(), id.clone());
            let call = R::delete(api.clone(), id.clone());
            spawn_local(async move {
                match call.await {
                    Ok(()) => ondeleted.emit(id),
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let edit = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(true))
    };
    let close = {
        let editing = editing.clone();
        Callback::from(move |()| editing.set(false))
    };
    let onsaved = {
        let (editing, onsaved) = (editing.clone(), props.onsaved.clone());
        Callback::from(move |item: R::Item| {
            editing.set(false);
            onsaved.emit(item);
        })
    };

    html! {
        <li class={classes!("row", (*editing).then_some("editing"))}>
            <div class="row-main">
                <span class="row-title">{ title.clone() }</span>
                { R::summary(item) }
                <ProblemBanner error={(*error).clone()} />
            </div>
            if *editing {
                <div class="row-editor">
                    <h3>{ format!("Edit {title}") }</h3>
                    <ItemForm<R> item={Some(item.clone())} {onsaved} oncancel={Some(close)} />
                </div>
            } else {
                <div class="row-actions">
                    <button type="button" class="button" onclick={edit} aria-label={format!("Edit {title}")}>{ "Edit" }</button>
                    <ConfirmButton label="Delete" subject={title} onconfirm={ondelete} busy={*busy} />
                </div>
            }
        </li>
    }
}

#[derive(Properties)]
struct ItemFormProps<R: Resource> {
    /// `None` creates an item.
    item: Option<R::Item>,
    onsaved: Callback<R::Item>,
    oncancel: Option<Callback<()>>,
}

impl<R: Resource> PartialEq for ItemFormProps<R> {
    fn eq(&self, other: &Self) -> bool {
        self.item == other.item && self.onsaved == other.onsaved && self.oncancel == other.oncancel
    }
}

/// The create form, or a row's editor.
#[function_component]
fn ItemForm<R: Resource>(props: &ItemFormProps<R>) -> Html {
    let api = use_api();
    let session = use_session();
    let draft = use_state(|| R::draft(props.item.as_ref()));
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let editing = props.item.clone();
    // Ids differ between the create form and the one open editor.
    let prefix = match editing {
        Some(_) => format!("edit-{}", R::NOUN),
        None => R::NOUN.to_owned(),
    };

    let onsubmit = {
        let (draft, error, busy, onsaved) = (
            draft.clone(),
            error.clone(),
            busy.clone(),
            props.onsaved.clone(),
        );
        let editing = editing.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let call: Result<Pending<R::Item>, ApiError> = match &editing {
                Some(item) => R::update(api.clone(), item, &draft).map(|c| Box::pin(c) as _),
                None => R::create(api.clone(), &draft).map(|c| Box::pin(c) as _),
            };
            let call = match call {
                Ok(call) => call,
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            };
            busy.set(true);
            let (draft, error, busy, onsaved, creating) = (
                draft.clone(),
                error.clone(),
                busy.clone(),
                onsaved.clone(),
                editing.is_none(),
            );
            spawn_local(async move {
                let result = call.await;
                busy.set(false);
                match result {
                    Ok(item) => {
                        error.set(None);
                        if creating {
                            draft.set(R::draft(None));
                        }
                        onsaved.emit(item);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let form = Form {
        prefix: prefix.clone(),
        editing: editing.is_some(),
        session,
        draft,
        error: (*error).clone(),
    };
    let cancel = props.oncancel.clone().map(|c| c.reform(|_: MouseEvent| ()));
    // Escape closes a row's editor, as it closes a dialog.
    let onkeydown = props.oncancel.clone().map(|c| {
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                c.emit(());
            }
        })
    });

    html! {
        <form class="form-grid" {onsubmit} {onkeydown} novalidate=true>
            <ProblemBanner error={(*error).clone()} fields={R::FIELDS} id={format!("{prefix}-form-error")} />
            { R::fields(&form) }
            <div class="actions">
                <button type="submit" class="button primary" disabled={*busy}>
                    { if form.editing { "Save changes".to_owned() } else { format!("Create {}", R::NOUN) } }
                </button>
                if let Some(cancel) = cancel {
                    <button type="button" class="button" onclick={cancel}>{ "Cancel" }</button>
                }
            </div>
        </form>
    }
}

/// The list's footer: an empty note, or the button that loads the next page.
#[derive(Properties, PartialEq)]
pub struct ListFooterProps {
    pub loading: bool,
    pub empty: bool,
    pub more: bool,
    pub onmore: Callback<()>,
    /// `No domains match.`
    pub empty_text: AttrValue,
}

#[function_component]
pub fn ListFooter(props: &ListFooterProps) -> Html {
    html! {
        <div class="list-footer">
            if props.loading {
                <p class="loading" role="status">{ "Loading…" }</p>
            } else if props.empty {
                <p class="empty">{ props.empty_text.clone() }</p>
            }
            if props.more {
                <button type="button" class="button" onclick={props.onmore.reform(|_: MouseEvent| ())} disabled={props.loading}>
                    { "Load more" }
                </button>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FilterBarProps {
    /// `account` gives inputs `account-search` and `account-domain-filter`.
    prefix: AttrValue,
    /// What the search looks in, for its label.
    what: AttrValue,
    /// Whether the domain filter shows.
    domain_filter: bool,
    /// Domain names to suggest in the filter.
    #[prop_or_default]
    domains: Vec<String>,
    /// The orders offered, `(value, label)`; none: no order to choose.
    #[prop_or_default]
    sorts: &'static [(&'static str, &'static str)],
    /// `(search text, domain name, order)`.
    onsearch: Callback<(String, String, String)>,
}

/// Search text and a domain filter over a list; applies on submit.
#[function_component]
fn FilterBar(props: &FilterBarProps) -> Html {
    let q = use_state(String::new);
    let domain = use_state(String::new);
    let sort = use_state(String::new);
    let search_id = format!("{}-search", props.prefix);
    let sort_id = format!("{}-sort", props.prefix);
    let domain_id = format!("{}-domain-filter", props.prefix);
    let list_id = format!("{}-domain-options", props.prefix);
    let onsubmit = {
        let (q, domain, sort, onsearch) = (
            q.clone(),
            domain.clone(),
            sort.clone(),
            props.onsearch.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            onsearch.emit(((*q).clone(), (*domain).clone(), (*sort).clone()));
        })
    };
    // A new order applies at once, with the search as it was typed.
    let onsort = {
        let (q, domain, sort, onsearch) = (
            q.clone(),
            domain.clone(),
            sort.clone(),
            props.onsearch.clone(),
        );
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            sort.set(value.clone());
            onsearch.emit(((*q).clone(), (*domain).clone(), value));
        })
    };
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <form class="search filters" role="search" {onsubmit}>
            <div class="filter">
                <label for={search_id.clone()}>{ format!("Search {}", props.what) }</label>
                <input id={search_id} type="search" value={(*q).clone()} oninput={input(&q)} />
            </div>
            if props.domain_filter {
                <div class="filter">
                    <label for={domain_id.clone()}>{ "Domain" }</label>
                    <input id={domain_id} type="text" list={list_id.clone()} placeholder="All domains"
                        value={(*domain).clone()} oninput={input(&domain)} />
                    <datalist id={list_id}>
                        { for props.domains.iter().map(|d| html! { <option value={d.clone()} /> }) }
                    </datalist>
                </div>
            }
            if !props.sorts.is_empty() {
                <div class="filter">
                    <label for={sort_id.clone()}>{ "Order" }</label>
                    <select id={sort_id} onchange={onsort}>
                        { for props.sorts.iter().enumerate().map(|(i, (value, label))| {
                            let value = if i == 0 { "" } else { *value };
                            html! { <option value={value} selected={*sort == value}>{ *label }</option> }
                        }) }
                    </select>
                </div>
            }
            <button type="submit" class="button">{ "Search" }</button>
        </form>
    }
}
