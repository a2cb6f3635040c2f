//! A list loaded page by page through the API's cursors.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use osprey_api_types::{Account, Alias, ApiKey, Domain, Page};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::ApiError;

/// Items with an id, so a list can replace or drop one in place.
pub trait Keyed {
    fn key(&self) -> &str;
}

impl Keyed for Domain {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for Account {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for osprey_api_types::Contact {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for Alias {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for osprey_api_types::MailingList {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for ApiKey {
    fn key(&self) -> &str {
        &self.id
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PagedState<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub loading: bool,
    pub error: Option<ApiError>,
    /// The request whose answer the list waits for; older answers are dropped.
    request: u64,
}

impl<T> Default for PagedState<T> {
    fn default() -> Self {
        PagedState {
            items: Vec::new(),
            next_cursor: None,
            loading: true,
            error: None,
            request: 0,
        }
    }
}

pub enum PagedAction<T> {
    /// A request started; `fresh` lists start over.
    Start {
        request: u64,
        fresh: bool,
    },
    Loaded {
        request: u64,
        page: Page<T>,
    },
    Failed {
        request: u64,
        error: ApiError,
    },
    /// An item was created (goes first) or changed (stays in place).
    Upsert(T),
    /// An item was deleted.
    Remove(String),
}

impl<T: Clone + Keyed> Reducible for PagedState<T> {
    type Action = PagedAction<T>;

    fn reduce(self: Rc<Self>, action: PagedAction<T>) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            PagedAction::Start { request, fresh } => {
                next.request = request;
                next.loading = true;
                next.error = None;
                if fresh {
                    next.items.clear();
                    next.next_cursor = None;
                }
            }
            PagedAction::Loaded { request, page } => {
                if request != self.request {
                    return self;
                }
                next.loading = false;
                next.items.extend(page.items);
                next.next_cursor = page.next_cursor;
            }
            PagedAction::Failed { request, error } => {
                if request != self.request {
                    return self;
                }
                next.loading = false;
                next.error = Some(error);
            }
            PagedAction::Upsert(item) => {
                match next.items.iter_mut().find(|x| x.key() == item.key()) {
                    Some(slot) => *slot = item,
                    None => next.items.insert(0, item),
                }
            }
            PagedAction::Remove(id) => next.items.retain(|x| x.key() != id),
        }
        Rc::new(next)
    }
}

type Fetch<K, T> =
    Rc<dyn Fn(K, Option<String>) -> Pin<Box<dyn Future<Output = Result<Page<T>, ApiError>>>>>;

pub struct UsePaged<T: Clone + Keyed + 'static> {
    pub state: UseReducerHandle<PagedState<T>>,
    /// Fetches the page after the last one loaded.
    pub load_more: Callback<()>,
}

/// Loads the first page whenever `key` (the search, the filter) changes; `fetch` gets the
/// key and the cursor of the page to load.
#[hook]
pub fn use_paged<T, K, F, Fut>(key: K, fetch: F) -> UsePaged<T>
where
    T: Clone + Keyed + 'static,
    K: Clone + PartialEq + 'static,
    F: Fn(K, Option<String>) -> Fut + 'static,
    Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    let state = use_reducer(PagedState::<T>::default);
    let counter = use_mut_ref(|| 0u64);
    let latest: Rc<RefCell<Option<Fetch<K, T>>>> = use_mut_ref(|| None);
    *latest.borrow_mut() = Some(Rc::new(move |k, cursor| Box::pin(fetch(k, cursor))));

    let start = {
        let dispatcher = state.dispatcher();
        move |key: K, cursor: Option<String>| {
            let request = {
                let mut c = counter.borrow_mut();
                *c += 1;
                *c
            };
            dispatcher.dispatch(PagedAction::Start {
                request,
                fresh: cursor.is_none(),
            });
            let Some(fetch) = latest.borrow().clone() else {
                return;
            };
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                match fetch(key, cursor).await {
                    Ok(page) => dispatcher.dispatch(PagedAction::Loaded { request, page }),
                    Err(error) => dispatcher.dispatch(PagedAction::Failed { request, error }),
                }
            });
        }
    };

    {
        let start = start.clone();
        use_effect_with(key.clone(), move |key| start(key.clone(), None));
    }

    let load_more = {
        let cursor = state.next_cursor.clone();
        Callback::from(move |()| {
            if let Some(cursor) = cursor.clone() {
                start(key.clone(), Some(cursor));
            }
        })
    };

    UsePaged { state, load_more }
}
