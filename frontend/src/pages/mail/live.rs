//! New mail without reloading: the account's live updates (Server-Sent Events, opened
//! with a ticket from `POST /events/ticket`) make the Mail page load its folders and list
//! again. A broken or expired stream is closed and opened again with a new ticket a few
//! seconds later, and the page loads again then, since changes may have been missed.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, EventSource};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, use_api};

/// Milliseconds before a lost stream is opened again.
const RETRY_MS: u32 = 3_000;

/// The open stream and the handlers it calls.
struct Live {
    source: EventSource,
    _handlers: Vec<Closure<dyn FnMut(Event)>>,
}

type Slot = Rc<RefCell<Option<Live>>>;

/// Calls `changed` whenever the account's mail changes (and after a reconnection), for as
/// long as the calling component is shown.
#[hook]
pub fn use_live_updates(changed: Callback<()>) {
    let api = use_api();
    let slot: Slot = use_mut_ref(|| None);
    use_effect_with((), move |_| {
        connect(api, changed, slot.clone(), false);
        move || {
            if let Some(live) = slot.borrow_mut().take() {
                live.source.close();
            }
        }
    });
}

fn connect(api: Api, changed: Callback<()>, slot: Slot, again: bool) {
    spawn_local(async move {
        if again {
            gloo::timers::future::TimeoutFuture::new(RETRY_MS).await;
        }
        let source = match api.create_events_ticket().await {
            Ok(t) => EventSource::new(&t.url).ok(),
            Err(_) => None,
        };
        let Some(source) = source else {
            return connect(api, changed, slot, true);
        };
        if again {
            // What happened while the stream was down is unknown.
            changed.emit(());
        }
        let on_change = {
            let changed = changed.clone();
            Closure::<dyn FnMut(Event)>::new(move |_| changed.emit(()))
        };
        for name in ["appended", "expunged", "flags", "mailboxes", "resync"] {
            let _ =
                source.add_event_listener_with_callback(name, on_change.as_ref().unchecked_ref());
        }
        let on_error = {
            let (source, slot) = (source.clone(), slot.clone());
            Closure::<dyn FnMut(Event)>::new(move |_| {
                source.close();
                slot.borrow_mut().take();
                connect(api.clone(), changed.clone(), slot.clone(), true);
            })
        };
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *slot.borrow_mut() = Some(Live {
            source,
            _handlers: vec![on_change, on_error],
        });
    });
}
