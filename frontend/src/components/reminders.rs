//! Reminders shown while the web app is open, on every page: every half minute the shell
//! asks the server which of the account's reminders fell due in the last ten minutes and
//! shows each one once, until dismissed. (The mail goes out from the server either way.)

use std::cell::Cell;
use std::collections::HashSet;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use osprey_api_types::{DueReminder, DueReminderKind};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::use_api;

/// How often the page asks, and how far back.
const POLL_MS: u32 = 30_000;
const LOOK_BACK_MS: f64 = 600_000.0;

thread_local! {
    /// The reminders shown already, over every page of this visit: each shows once.
    static SEEN: std::cell::RefCell<HashSet<(String, i64)>> = std::cell::RefCell::new(HashSet::new());
    /// Those shown and not dismissed yet: they stay from page to page.
    static SHOWN: std::cell::RefCell<Vec<DueReminder>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Shows `list` and keeps it for the next page.
fn show(state: &UseStateHandle<Vec<DueReminder>>, list: Vec<DueReminder>) {
    SHOWN.with(|s| *s.borrow_mut() = list.clone());
    state.set(list);
}

fn iso(ms: f64) -> String {
    String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).to_iso_string())
}

/// An instant as the browser's wall time: (`YYYY-MM-DD`, `HH:MM`).
fn local(t: DateTime<Utc>) -> (String, String) {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.timestamp_millis() as f64));
    (
        format!(
            "{:04}-{:02}-{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date()
        ),
        format!("{:02}:{:02}", d.get_hours(), d.get_minutes()),
    )
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

#[function_component]
pub fn ReminderAlerts() -> Html {
    let api = use_api();
    let shown = use_state(|| SHOWN.with(|s| s.borrow().clone()));

    {
        let (api, shown) = (api.clone(), shown.clone());
        use_effect_with((), move |()| {
            let live = Rc::new(Cell::new(true));
            let running = live.clone();
            spawn_local(async move {
                while running.get() {
                    let at = js_sys::Date::now();
                    if let Ok(due) = api
                        .list_due_reminders(&iso(at - LOOK_BACK_MS), &iso(at + 1_000.0))
                        .await
                    {
                        let fresh: Vec<DueReminder> = due
                            .reminders
                            .into_iter()
                            .filter(|r| r.due_at <= now())
                            .filter(|r| {
                                SEEN.with(|s| {
                                    s.borrow_mut()
                                        .insert((r.item_id.clone(), r.due_at.timestamp()))
                                })
                            })
                            .collect();
                        if !fresh.is_empty() && running.get() {
                            let mut all = SHOWN.with(|s| s.borrow().clone());
                            all.extend(fresh);
                            show(&shown, all);
                        }
                    }
                    gloo::timers::future::TimeoutFuture::new(POLL_MS).await;
                }
            });
            move || live.set(false)
        });
    }
    if shown.is_empty() {
        return html! {};
    }
    html! {
        <div class="cal-alerts" role="alert" aria-live="assertive" id="cal-alerts">
            { for shown.iter().enumerate().map(|(i, r)| {
                let (day, time) = local(r.starts_at);
                let task = r.kind == DueReminderKind::Task;
                let when = match (task, r.all_day) {
                    (false, true) => format!("{day}, all day"),
                    (false, false) => format!("{day} at {time}"),
                    (true, true) => format!("Task due {day}"),
                    (true, false) => format!("Task due {day} at {time}"),
                };
                let dismiss = {
                    let shown = shown.clone();
                    Callback::from(move |_: MouseEvent| {
                        let mut all = (*shown).clone();
                        all.remove(i);
                        show(&shown, all);
                    })
                };
                html! {
                    <div class="card cal-alert">
                        <p><strong>{ format!("Reminder: {}", r.title) }</strong></p>
                        <p class="muted">{ when }{ if r.location.is_empty() { String::new() } else { format!(" · {}", r.location) } }</p>
                        <button type="button" class="button subtle" onclick={dismiss}
                            aria-label={format!("Dismiss the reminder of {}", r.title)}>{ "Dismiss" }</button>
                    </div>
                }
            }) }
        </div>
    }
}
