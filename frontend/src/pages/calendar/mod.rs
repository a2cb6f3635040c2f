//! The calendar: month, week, day and agenda views of every calendar the account sees
//! (its own and those shared with it, each in its colour and each can be hidden), the
//! server expanding repeating events; a click on a free time makes an event there, a
//! click on an event opens it. Keys: `t` today, `d`/`w`/`m`/`a` the views, `n` a new
//! event, arrows or `j`/`k` the next and previous period.

mod availability;
mod dates;
mod drag;
mod editor;
mod notes;
mod settings;
mod task_editor;
mod tasks;
mod views;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use gloo::events::EventListener;
use osprey_api_types::{Calendar, CalendarAccess, CalendarFields, Note};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::shell::NavLink;
use crate::route::Route;
use dates::{Placed, View};
use editor::{EventEditor, Target};
use settings::CalendarSettings;
use views::{AgendaView, MonthView, TimeGrid};

pub use notes::NotesPage;
pub use tasks::TasksPage;

/// Below this width (CSS pixels) the page opens on the agenda.
const NARROW: f64 = 640.0;

fn narrow() -> bool {
    gloo::utils::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < NARROW)
}

fn press(id: &str) {
    if let Some(b) = gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        b.click();
    }
}

/// Follows the page's keys while it is shown (keys typed into a field are the field's).
#[hook]
fn use_calendar_keys() {
    use_effect_with((), move |_| {
        let listener = EventListener::new(&gloo::utils::document(), "keydown", move |e| {
            let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlElement>().ok())
                .is_some_and(|t| {
                    matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || t.is_content_editable()
                });
            if typing
                || gloo::utils::document()
                    .get_element_by_id("event-heading")
                    .is_some()
            {
                return;
            }
            match e.key().as_str() {
                "t" => press("cal-today"),
                "d" => press("cal-view-day"),
                "w" => press("cal-view-week"),
                "m" => press("cal-view-month"),
                "a" => press("cal-view-agenda"),
                "n" => press("cal-new"),
                "ArrowLeft" | "k" => press("cal-prev"),
                "ArrowRight" | "j" => press("cal-next"),
                _ => return,
            }
            e.prevent_default();
        });
        move || drop(listener)
    });
}

/// Events, tasks and notes: the calendar's three pages.
#[function_component]
pub fn CalendarTabs() -> Html {
    html! {
        <nav class="tabs cal-tabs" aria-label="Calendar">
            <NavLink to={Route::Calendar} id="cal-tab-events">{ "Events" }</NavLink>
            <NavLink to={Route::CalendarTasks} id="cal-tab-tasks">{ "Tasks" }</NavLink>
            <NavLink to={Route::CalendarNotes} id="cal-tab-notes">{ "Notes" }</NavLink>
        </nav>
    }
}

#[function_component]
pub fn CalendarPage() -> Html {
    let api = use_api();
    let now = use_state(dates::now);
    {
        // The current-time line moves every minute, not only when the window loads.
        let now = now.clone();
        use_effect_with((), move |_| {
            let timer =
                gloo::timers::callback::Interval::new(60_000, move || now.set(dates::now()));
            move || drop(timer)
        });
    }
    let view = use_state(|| if narrow() { View::Agenda } else { View::Month });
    // A reminder's link names the day it is about: /calendar?date=2026-06-08.
    let anchor = use_state(|| {
        gloo::utils::window()
            .location()
            .search()
            .ok()
            .and_then(|q| {
                q.trim_start_matches('?')
                    .split('&')
                    .find_map(|p| p.strip_prefix("date="))
                    .and_then(dates::parse_day)
            })
            .unwrap_or_else(|| dates::now().date())
    });
    let calendars = use_state(|| None::<Vec<Calendar>>);
    let hidden = use_state(HashSet::<String>::new);
    let items = use_state(|| Rc::new(Vec::<Placed>::new()));
    let notes = use_state(|| Rc::new(Vec::<Note>::new()));
    let loading = use_state(|| true);
    let truncated = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let generation = use_state(|| 0u32);
    let editing = use_state(|| None::<Target>);
    let settings = use_state(|| None::<Calendar>);
    // A repeating event dragged: waits for "this / following / all".
    let pending_move = use_state(|| None::<drag::Moved>);
    let zone = use_memo((), |()| dates::browser_zone());
    use_calendar_keys();
    {
        let (api, calendars, hidden, error) = (
            api.clone(),
            calendars.clone(),
            hidden.clone(),
            error.clone(),
        );
        use_effect_with(*generation, move |_| {
            spawn_local(async move {
                match api.list_calendars().await {
                    Ok(list) => {
                        hidden.set(
                            list.iter()
                                .filter(|c| c.hidden)
                                .map(|c| c.id.clone())
                                .collect(),
                        );
                        calendars.set(Some(list));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let (first, days) = dates::span(*view, *anchor);
    // Only the answer to the latest request is shown: one for a window left meanwhile
    // may arrive after it.
    let latest = use_mut_ref(|| 0u32);
    {
        let (api, items, notes, loading, truncated, error, now, latest) = (
            api.clone(),
            items.clone(),
            notes.clone(),
            loading.clone(),
            truncated.clone(),
            error.clone(),
            now.clone(),
            latest.clone(),
        );
        use_effect_with((first, days, *generation), move |(first, days, _)| {
            let ticket = {
                let mut n = latest.borrow_mut();
                *n += 1;
                *n
            };
            let from = dates::utc_of(first.and_hms_opt(0, 0, 0).unwrap_or_default());
            let to = dates::utc_of(
                (*first + Duration::days(*days))
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default(),
            );
            loading.set(true);
            now.set(dates::now());
            let (first_day, last_day) = (
                first.to_string(),
                (*first + Duration::days(*days - 1)).to_string(),
            );
            spawn_local(async move {
                let answer = api.list_occurrences(&from, &to, None).await;
                // The days' notes beside their events; the events show without them
                // when they cannot be read.
                let day_notes = api
                    .list_notes(Some(&first_day), Some(&last_day), None)
                    .await
                    .unwrap_or_default();
                if *latest.borrow() != ticket {
                    return;
                }
                notes.set(Rc::new(day_notes));
                match answer {
                    Ok(list) => {
                        truncated.set(list.truncated);
                        items.set(Rc::new(list.items.into_iter().map(Placed::new).collect()));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
                loading.set(false);
            });
        });
    }
    let reload = {
        let (generation, editing) = (generation.clone(), editing.clone());
        Callback::from(move |()| {
            editing.set(None);
            generation.set(*generation + 1);
        })
    };
    let refresh = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    let shown: Rc<Vec<Placed>> = Rc::new(
        items
            .iter()
            .filter(|it| !hidden.contains(&it.occ.calendar_id))
            .cloned()
            .collect(),
    );
    let shown_notes: Rc<Vec<Note>> = Rc::new(
        notes
            .iter()
            .filter(|n| !hidden.contains(&n.calendar_id))
            .cloned()
            .collect(),
    );
    let onnote = {
        let navigator = yew_router::prelude::use_navigator();
        Callback::from(move |()| {
            if let Some(n) = &navigator {
                n.push(&Route::CalendarNotes);
            }
        })
    };
    let colors: Rc<HashMap<String, String>> = Rc::new(
        calendars
            .as_ref()
            .map(|cs| cs.iter().map(|c| (c.id.clone(), c.color.clone())).collect())
            .unwrap_or_default(),
    );
    let onopen = {
        let editing = editing.clone();
        Callback::from(move |p: Placed| editing.set(Some(Target::Existing(p.occ))))
    };
    let onnew = {
        let editing = editing.clone();
        Callback::from(move |start: NaiveDateTime| editing.set(Some(Target::New { start })))
    };
    let onday = {
        let (view, anchor) = (view.clone(), anchor.clone());
        Callback::from(move |d: NaiveDate| {
            anchor.set(d);
            view.set(View::Day);
        })
    };
    let go = |by: i32| {
        let (view, anchor) = (view.clone(), anchor.clone());
        Callback::from(move |_: MouseEvent| anchor.set(dates::step(*view, *anchor, by)))
    };
    let writable: Rc<HashSet<String>> = Rc::new(
        calendars
            .as_ref()
            .map(|cs| {
                cs.iter()
                    .filter(|c| matches!(c.access, CalendarAccess::Owner | CalendarAccess::Write))
                    .map(|c| c.id.clone())
                    .collect()
            })
            .unwrap_or_default(),
    );
    // Saves a drag: the event's fields with the new times, for `scope`.
    let commit_move = {
        let (api, error, generation, pending_move) = (
            api.clone(),
            error.clone(),
            generation.clone(),
            pending_move.clone(),
        );
        Callback::from(move |(m, scope): (drag::Moved, Option<&'static str>)| {
            pending_move.set(None);
            let (api, error, generation) = (api.clone(), error.clone(), generation.clone());
            spawn_local(async move {
                let o = &m.item.occ;
                let done = match api.get_event(&o.calendar_id, &o.event_id).await {
                    Ok(e) => match drag::shifted(o, e.fields, &m, scope) {
                        Some(f) => {
                            let occurrence = scope.and(o.recurrence_id.clone());
                            api.replace_event(
                                &o.calendar_id,
                                &o.event_id,
                                &f,
                                occurrence.as_deref(),
                                scope,
                            )
                            .await
                            .map(drop)
                        }
                        None => Ok(()),
                    },
                    Err(e) => Err(e),
                };
                if let Err(e) = done {
                    error.set(Some(e));
                }
                generation.set(*generation + 1);
            });
        })
    };
    let onmove = {
        let (pending_move, commit_move) = (pending_move.clone(), commit_move.clone());
        Callback::from(move |m: drag::Moved| {
            if m.item.occ.recurring {
                pending_move.set(Some(m));
            } else {
                commit_move.emit((m, None));
            }
        })
    };
    let props_now = *now;
    let body = match *view {
        View::Month => {
            html! { <MonthView {first} {days} items={shown.clone()} colors={colors.clone()} now={props_now}
            onopen={onopen.clone()} onnew={onnew.clone()} onday={onday.clone()}
            onmove={onmove.clone()} writable={writable.clone()}
            notes={shown_notes.clone()} onnote={onnote.clone()} /> }
        }
        View::Week | View::Day => {
            html! { <TimeGrid {first} {days} items={shown.clone()} colors={colors.clone()} now={props_now}
            onopen={onopen.clone()} onnew={onnew.clone()} onday={onday.clone()}
            onmove={onmove.clone()} writable={writable.clone()}
            notes={shown_notes.clone()} onnote={onnote.clone()} /> }
        }
        View::Agenda => {
            html! { <AgendaView {first} {days} items={shown.clone()} colors={colors.clone()} now={props_now}
            onopen={onopen.clone()} onnew={onnew.clone()} onday={onday.clone()}
            onmove={onmove.clone()} writable={writable.clone()}
            notes={shown_notes.clone()} onnote={onnote.clone()} /> }
        }
    };
    let new_at = {
        let (editing, now) = (editing.clone(), now.clone());
        Callback::from(move |_: MouseEvent| {
            let start = now.date().and_hms_opt(0, 0, 0).unwrap_or_default()
                + Duration::hours(i64::from(chrono::Timelike::hour(&*now)) + 1);
            editing.set(Some(Target::New { start }));
        })
    };
    html! {
        <section class="page calendar" aria-labelledby="calendar-title">
            <CalendarTabs />
            <crate::components::ad_slot::AdSlot target="calendar" />
            <div class="cal-toolbar">
                <h1 id="calendar-title">{ dates::title(*view, *anchor) }</h1>
                <div class="cal-nav">
                    <button type="button" class="button" id="cal-today" onclick={{
                        let anchor = anchor.clone();
                        Callback::from(move |_: MouseEvent| anchor.set(dates::now().date()))
                    }}>{ "Today" }</button>
                    <button type="button" class="button" id="cal-prev" aria-label="Previous" onclick={go(-1)}>{ "‹" }</button>
                    <button type="button" class="button" id="cal-next" aria-label="Next" onclick={go(1)}>{ "›" }</button>
                    <input type="date" class="cal-jump" aria-label="Go to date" value={anchor.to_string()} onchange={{
                        let anchor = anchor.clone();
                        Callback::from(move |e: Event| {
                            let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
                            if let Some(d) = dates::parse_day(&v) { anchor.set(d) }
                        })
                    }} />
                </div>
                <div class="cal-views" role="group" aria-label="View">
                    { for [View::Day, View::Week, View::Month, View::Agenda].into_iter().map(|v| {
                        let set = { let view = view.clone(); Callback::from(move |_: MouseEvent| view.set(v)) };
                        html! {
                            <button type="button" id={format!("cal-view-{}", v.label().to_lowercase())}
                                class={classes!("button", (*view == v).then_some("selected"))}
                                aria-pressed={(*view == v).to_string()} onclick={set}>{ v.label() }</button>
                        }
                    }) }
                </div>
                <button type="button" class="button primary" id="cal-new" onclick={new_at}>{ "New event" }</button>
            </div>
            <div class="cal-layout">
                <Sidebar calendars={(*calendars).clone().unwrap_or_default()} hidden={(*hidden).clone()}
                    ontoggle={{
                        let hidden = hidden.clone();
                        Callback::from(move |id: String| {
                            let mut h = (*hidden).clone();
                            if !h.remove(&id) { h.insert(id); }
                            hidden.set(h);
                        })
                    }}
                    onchanged={reload.clone()}
                    onsettings={{ let settings = settings.clone(); Callback::from(move |c: Calendar| settings.set(Some(c))) }} />
                <div class="cal-main" aria-busy={loading.then_some("true")}>
                    <ProblemBanner error={(*error).clone()} />
                    if *truncated {
                        <p class="muted" role="status">{ "Some events are left out: this period holds more than can be shown at once." }</p>
                    }
                    { body }
                </div>
            </div>
            if let Some(calendar) = (*settings).clone() {
                <CalendarSettings {calendar} onchanged={refresh}
                    onclose={{ let settings = settings.clone(); Callback::from(move |()| settings.set(None)) }} />
            }
            if let Some(m) = (*pending_move).clone() {
                <div class="cal-overlay" onclick={{ let p = pending_move.clone(); Callback::from(move |_: MouseEvent| p.set(None)) }}>
                    <div class="card cal-dialog cal-move" role="dialog" aria-modal="true" aria-labelledby="move-heading"
                        onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                        <h2 id="move-heading">{ format!("Change \u{201c}{}\u{201d}", m.item.occ.title) }</h2>
                        <p>{ "It repeats. Which events change?" }</p>
                        <div class="actions">
                            { for [("this", "This event"), ("following", "This and following events"), ("all", "All events")].into_iter().map(|(scope, label)| {
                                let (commit, m) = (commit_move.clone(), m.clone());
                                html! {
                                    <button type="button" class="button" id={format!("move-{scope}")}
                                        onclick={Callback::from(move |_: MouseEvent| commit.emit((m.clone(), Some(scope))))}>{ label }</button>
                                }
                            }) }
                            <button type="button" class="button subtle" id="move-cancel"
                                onclick={{ let p = pending_move.clone(); Callback::from(move |_: MouseEvent| p.set(None)) }}>{ "Cancel" }</button>
                        </div>
                    </div>
                </div>
            }
            if let Some(target) = (*editing).clone() {
                <EventEditor {target} calendars={(*calendars).clone().unwrap_or_default()} zone={(*zone).clone()}
                    onclose={{ let editing = editing.clone(); Callback::from(move |()| editing.set(None)) }}
                    onsaved={reload} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SidebarProps {
    calendars: Vec<Calendar>,
    hidden: HashSet<String>,
    ontoggle: Callback<String>,
    /// A calendar was added.
    onchanged: Callback<()>,
    /// Open a calendar's settings.
    onsettings: Callback<Calendar>,
}

/// The calendars, each shown or hidden, and a new one.
#[function_component]
fn Sidebar(p: &SidebarProps) -> Html {
    let api = use_api();
    let name = use_state(String::new);
    let color = use_state(|| "#16a34a".to_owned());
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (api, name, color, error, onchanged) = (
            api.clone(),
            name.clone(),
            color.clone(),
            error.clone(),
            p.onchanged.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = CalendarFields {
                name: name.trim().to_owned(),
                color: (*color).clone(),
                description: String::new(),
                time_zone: None,
                default_reminders: vec![],
                hidden: false,
                position: None,
            };
            let (api, name, error, onchanged) =
                (api.clone(), name.clone(), error.clone(), onchanged.clone());
            spawn_local(async move {
                match api.create_calendar(&body).await {
                    Ok(_) => {
                        name.set(String::new());
                        error.set(None);
                        onchanged.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <aside class="cal-sidebar" aria-label="Calendars">
            <h2>{ "Calendars" }</h2>
            <ul class="cal-list">
                { for p.calendars.iter().map(|c| {
                    let toggle = { let (t, id) = (p.ontoggle.clone(), c.id.clone()); Callback::from(move |_: Event| t.emit(id.clone())) };
                    let id = format!("cal-show-{}", c.id);
                    html! {
                        <li>
                            <input type="checkbox" id={id.clone()} checked={!p.hidden.contains(&c.id)} onchange={toggle}
                                style={format!("accent-color: {}", c.color)} />
                            <label for={id}>
                                <span class="cal-swatch" style={format!("background: {}", c.color)} aria-hidden="true"></span>
                                { c.name.clone() }
                                if c.access != CalendarAccess::Owner {
                                    <span class="muted">{ format!(" · {}", c.owner_address) }</span>
                                }
                            </label>
                            if c.access == CalendarAccess::Owner {
                                <button type="button" class="button subtle cal-gear" id={format!("cal-settings-{}", c.id)}
                                    aria-label={format!("Settings of {}", c.name)} title="Settings"
                                    onclick={{ let (open, c) = (p.onsettings.clone(), c.clone()); Callback::from(move |_: MouseEvent| open.emit(c.clone())) }}>
                                    { "⚙" }
                                </button>
                            }
                        </li>
                    }
                }) }
            </ul>
            <form class="cal-add" {onsubmit} aria-label="New calendar">
                <ProblemBanner error={(*error).clone()} />
                <label for="cal-add-name" class="visually-hidden">{ "New calendar's name" }</label>
                <input id="cal-add-name" type="text" placeholder="New calendar" value={(*name).clone()} required=true
                    oninput={{ let name = name.clone(); Callback::from(move |e: InputEvent| name.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())) }} />
                <input type="color" aria-label="Colour" value={(*color).clone()}
                    oninput={{ let color = color.clone(); Callback::from(move |e: InputEvent| color.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())) }} />
                <button type="submit" class="button" id="cal-add">{ "Add" }</button>
            </form>
        </aside>
    }
}
