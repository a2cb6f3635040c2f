//! The month grid, the time grid of a week or a day, and the agenda.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use osprey_api_types::Note;
use yew::prelude::*;

use super::dates::{self, Placed};
use super::drag::{self, Grab, Moved};

/// Height of an hour in the time grid, in pixels (the CSS says the same).
pub const HOUR_PX: i32 = 48;
/// Events a month cell shows before "+N more".
const MONTH_CHIPS: usize = 3;

#[derive(Properties, PartialEq)]
pub struct ViewProps {
    pub first: NaiveDate,
    pub days: i64,
    pub items: Rc<Vec<Placed>>,
    /// Each calendar's colour by id.
    pub colors: Rc<HashMap<String, String>>,
    pub now: NaiveDateTime,
    pub onopen: Callback<Placed>,
    /// A new event starting then.
    pub onnew: Callback<NaiveDateTime>,
    /// Show that day alone.
    pub onday: Callback<NaiveDate>,
    /// An event dragged to another time, or its end dragged.
    pub onmove: Callback<Moved>,
    /// The calendars the account may change.
    pub writable: Rc<HashSet<String>>,
    /// The notes of the days shown (of the calendars shown).
    pub notes: Rc<Vec<Note>>,
    /// A note opened: the notes page.
    pub onnote: Callback<()>,
}

/// The notes of `day`, each a line that opens the notes page.
fn notes_of(p: &ViewProps, day: NaiveDate) -> Html {
    html! {
        { for p.notes.iter().filter(|n| n.fields.day == day).map(|n| {
            let onclick = {
                let open = p.onnote.clone();
                Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    open.emit(());
                })
            };
            let label = format!("Note: {}", n.fields.title);
            let color = p.colors.get(&n.calendar_id).cloned().unwrap_or_default();
            html! {
                <button type="button" class="cal-note" key={n.id.clone()} style={format!("--event-color: {color}")}
                    title={label.clone()} aria-label={label} {onclick}>
                    <span aria-hidden="true">{ "✎ " }</span>{ n.fields.title.clone() }
                </button>
            }
        }) }
    }
}

/// Where the pointer is in the closest element around the event's target that matches
/// `selector`, in pixels from its top. (Yew listens at the root, so the current target
/// is not the element the listener was written on.)
fn y_in(e: &DragEvent, selector: &str) -> i32 {
    let top = e
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .and_then(|el| el.closest(selector).ok().flatten())
        .map_or(0.0, |el| el.get_bounding_client_rect().top());
    e.client_y() - top as i32
}

/// Lets a drop happen here.
fn allow_drop() -> Callback<DragEvent> {
    Callback::from(|e: DragEvent| e.prevent_default())
}

/// Starts dragging `item` (or, with `resize`, its end).
fn start_drag(item: &Placed, resize: bool) -> Callback<DragEvent> {
    let item = item.clone();
    Callback::from(move |e: DragEvent| {
        e.stop_propagation();
        if let Some(dt) = e.data_transfer() {
            let _ = dt.set_data("text/plain", &item.occ.title);
            dt.set_effect_allowed("move");
        }
        drag::grab(Grab {
            item: item.clone(),
            offset_px: if resize { 0 } else { y_in(&e, ".cal-event") },
            resize,
        });
    })
}

/// A drop on a day of the month (or the all-day row): the item moves by whole days.
fn drop_on_day(p: &ViewProps, day: NaiveDate) -> Callback<DragEvent> {
    let onmove = p.onmove.clone();
    Callback::from(move |e: DragEvent| {
        e.prevent_default();
        let Some(g) = drag::take().filter(|g| !g.resize) else {
            return;
        };
        let by = Duration::days((day - g.item.start.date()).num_days());
        if by != Duration::zero() {
            onmove.emit(Moved {
                item: g.item,
                start: by,
                end: by,
            });
        }
    })
}

fn color(p: &ViewProps, item: &Placed) -> String {
    item.occ
        .color
        .clone()
        .or_else(|| p.colors.get(&item.occ.calendar_id).cloned())
        .unwrap_or_else(|| "#3b82f6".to_owned())
}

/// The button an event is: its time, title and, in the time grid, its place.
fn chip(p: &ViewProps, item: &Placed, style: String, timed: bool) -> Html {
    let onclick = {
        let (open, item) = (p.onopen.clone(), item.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            open.emit(item.clone());
        })
    };
    let time = (timed && !item.in_day_row()).then(|| dates::clock(item.start));
    let label = match &time {
        Some(t) => format!("{t} {}", item.occ.title),
        None => item.occ.title.clone(),
    };
    let class = classes!(
        "cal-event",
        (!item.occ.busy).then_some("free"),
        item.occ.masked.then_some("masked")
    );
    let movable = !item.occ.masked && p.writable.contains(&item.occ.calendar_id);
    // The end of a timed event in the time grid can be dragged too.
    let resizable = movable && timed && !item.in_day_row() && !style.is_empty();
    html! {
        <button type="button" {class} style={format!("--event-color: {}; {style}", color(p, item))}
            title={label.clone()} aria-label={label} {onclick}
            draggable={movable.then_some("true")} ondragstart={movable.then(|| start_drag(item, false))}>
            if let Some(t) = time { <span class="cal-time">{ t }</span>{ " " } }
            <span class="cal-title">{ item.occ.title.clone() }</span>
            if item.occ.recurring { <span class="cal-repeat" aria-hidden="true">{ "↻" }</span> }
            if resizable {
                <span class="cal-resize" draggable="true" aria-hidden="true" title="Drag to change the end"
                    ondragstart={start_drag(item, true)}></span>
            }
        </button>
    }
}

#[function_component]
pub fn MonthView(p: &ViewProps) -> Html {
    let month = (p.first + Duration::days(15)).month();
    let today = p.now.date();
    html! {
        <div class="cal-month" role="grid" aria-label="Month">
            <div class="cal-weekdays" role="row">
                { for ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].iter().map(|d| html! {
                    <div role="columnheader" class="cal-weekday">{ *d }</div>
                }) }
            </div>
            <div class="cal-weeks" role="rowgroup">
            { for (0..p.days).step_by(7).map(|w| html! {
                // A row of the grid for each week; `display: contents` leaves the cells
                // in the one grid of the month.
                <div class="cal-week" role="row">
                { for (w..(w + 7).min(p.days)).map(|i| {
                let day = p.first + Duration::days(i);
                let mut on: Vec<&Placed> = p.items.iter().filter(|it| it.on(day)).collect();
                on.sort_by_key(|it| (!it.in_day_row(), it.start));
                let more = on.len().saturating_sub(MONTH_CHIPS);
                let onnew = {
                    let new = p.onnew.clone();
                    Callback::from(move |_: MouseEvent| new.emit(day.and_hms_opt(9, 0, 0).unwrap_or_default()))
                };
                let ongo = {
                    let go = p.onday.clone();
                    Callback::from(move |e: MouseEvent| { e.stop_propagation(); go.emit(day) })
                };
                let class = classes!(
                    "cal-cell",
                    (day.month() != month).then_some("other-month"),
                    (day == today).then_some("today")
                );
                html! {
                    <div {class} role="gridcell" data-date={day.to_string()} onclick={onnew}
                        ondragover={allow_drop()} ondrop={drop_on_day(p, day)}>
                        <button type="button" class="cal-daynum" onclick={ongo.clone()}
                            aria-label={format!("{} {} {}", dates::weekday_name(day.weekday()), day.day(), dates::month_name(day))}>
                            { day.day() }
                        </button>
                        { notes_of(p, day) }
                        { for on.iter().take(if more > 0 { MONTH_CHIPS - 1 } else { MONTH_CHIPS }).map(|it| chip(p, it, String::new(), true)) }
                        if more > 0 {
                            <button type="button" class="cal-more" onclick={ongo}>{ format!("+{} more", more + 1) }</button>
                        }
                    </div>
                }
                }) }
                </div>
            }) }
            </div>
        </div>
    }
}

/// Side-by-side columns for overlapping events: (item, column, columns in its group).
fn columns<'a>(timed: &[&'a Placed]) -> Vec<(&'a Placed, usize, usize)> {
    let mut out: Vec<(&Placed, usize, usize)> = Vec::new();
    let mut group_start = 0;
    let mut ends: Vec<NaiveDateTime> = Vec::new();
    let mut group_end = NaiveDateTime::MIN;
    for it in timed {
        let end = it.end.max(it.start + Duration::minutes(15));
        if it.start >= group_end && !out.is_empty() {
            let n = ends.len();
            for o in &mut out[group_start..] {
                o.2 = n;
            }
            group_start = out.len();
            ends.clear();
        }
        let col = match ends.iter().position(|e| *e <= it.start) {
            Some(c) => {
                ends[c] = end;
                c
            }
            None => {
                ends.push(end);
                ends.len() - 1
            }
        };
        group_end = group_end.max(end);
        out.push((it, col, 0));
    }
    let n = ends.len();
    for o in &mut out[group_start..] {
        o.2 = n;
    }
    out
}

#[function_component]
pub fn TimeGrid(p: &ViewProps) -> Html {
    let scroller = use_node_ref();
    {
        // Opens on the working day, not at midnight.
        let scroller = scroller.clone();
        use_effect_with(p.first, move |_| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                el.set_scroll_top(7 * HOUR_PX - 12);
            }
        });
    }
    let days: Vec<NaiveDate> = (0..p.days).map(|i| p.first + Duration::days(i)).collect();
    let today = p.now.date();
    let style = format!("--days: {}", p.days);
    html! {
        <div class="cal-timegrid" {style}>
            <div class="cal-dayheads">
                <div class="cal-gutter"></div>
                { for days.iter().map(|d| {
                    let go = { let (go, d) = (p.onday.clone(), *d); Callback::from(move |_: MouseEvent| go.emit(d)) };
                    html! {
                        <button type="button" class={classes!("cal-dayhead", (*d == today).then_some("today"))} onclick={go}>
                            <span class="cal-dayname">{ &dates::weekday_name(d.weekday())[..3] }</span>
                            <span class="cal-daynum">{ d.day() }</span>
                        </button>
                    }
                }) }
            </div>
            <div class="cal-allday" aria-label="All day">
                <div class="cal-gutter">{ "all day" }</div>
                { for days.iter().map(|d| html! {
                    <div class="cal-allday-cell" ondragover={allow_drop()} ondrop={drop_on_day(p, *d)}>
                        { notes_of(p, *d) }
                        { for p.items.iter().filter(|it| it.in_day_row() && it.on(*d)).map(|it| chip(p, it, String::new(), false)) }
                    </div>
                }) }
            </div>
            <div class="cal-scroll" ref={scroller}>
                <div class="cal-hours">
                    <div class="cal-gutter">
                        { for (1..24).map(|h| html! { <span class="cal-hour" style={format!("top: {}px", h * HOUR_PX)}>{ format!("{h:02}:00") }</span> }) }
                    </div>
                    { for days.iter().map(|d| day_column(p, *d)) }
                </div>
            </div>
        </div>
    }
}

fn day_column(p: &ViewProps, day: NaiveDate) -> Html {
    let midnight = day.and_time(NaiveTime::MIN);
    let mut timed: Vec<&Placed> = p
        .items
        .iter()
        .filter(|it| !it.in_day_row() && it.on(day))
        .collect();
    timed.sort_by_key(|it| (it.start, std::cmp::Reverse(it.end)));
    let onclick = {
        let new = p.onnew.clone();
        Callback::from(move |e: MouseEvent| {
            // The half hour clicked.
            let minutes = (e.offset_y().max(0) * 60 / HOUR_PX) / 30 * 30;
            new.emit(midnight + Duration::minutes(i64::from(minutes.min(23 * 60 + 30))));
        })
    };
    let ondrop = {
        let onmove = p.onmove.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let Some(g) = drag::take() else { return };
            let px = i64::from(y_in(&e, ".cal-column") - g.offset_px);
            let at = drag::quarter(px * 60 / i64::from(HOUR_PX)).clamp(0, 24 * 60 - 15);
            let to = midnight + Duration::minutes(at);
            let moved = if g.resize {
                let by = to.max(g.item.start + Duration::minutes(15)) - g.item.end;
                Moved {
                    item: g.item,
                    start: Duration::zero(),
                    end: by,
                }
            } else if g.item.in_day_row() {
                return;
            } else {
                let by = to - g.item.start;
                Moved {
                    item: g.item,
                    start: by,
                    end: by,
                }
            };
            if moved.start != Duration::zero() || moved.end != Duration::zero() {
                onmove.emit(moved);
            }
        })
    };
    let minutes = |t: NaiveDateTime| (t - midnight).num_minutes().clamp(0, 24 * 60);
    let now_line = (p.now.date() == day).then(|| {
        let top = i64::from(p.now.hour() * 60 + p.now.minute()) * i64::from(HOUR_PX) / 60;
        html! { <div class="cal-now" style={format!("top: {top}px")} aria-hidden="true"></div> }
    });
    html! {
        <div class={classes!("cal-column", (p.now.date() == day).then_some("today"))} data-date={day.to_string()} {onclick}
            ondragover={allow_drop()} {ondrop}>
            { for columns(&timed).into_iter().map(|(it, col, cols)| {
                let top = minutes(it.start) * i64::from(HOUR_PX) / 60;
                let height = ((minutes(it.end) - minutes(it.start)).max(20) * i64::from(HOUR_PX) / 60).max(18);
                // Hundredths of a per cent, in integers (float formatting is large in wasm).
                let width = 10_000 / cols.max(1);
                let pct = |v: usize| format!("{}.{:02}%", v / 100, v % 100);
                let style = format!("top: {top}px; height: {height}px; left: {}; width: {}", pct(col * width), pct(width));
                chip(p, it, style, true)
            }) }
            { now_line.unwrap_or_default() }
        </div>
    }
}

#[function_component]
pub fn AgendaView(p: &ViewProps) -> Html {
    let days: Vec<(NaiveDate, Vec<&Placed>)> = (0..p.days)
        .map(|i| p.first + Duration::days(i))
        .map(|d| {
            let mut on: Vec<&Placed> = p.items.iter().filter(|it| it.on(d)).collect();
            on.sort_by_key(|it| (!it.in_day_row(), it.start));
            (d, on)
        })
        .filter(|(d, on)| !on.is_empty() || p.notes.iter().any(|n| n.fields.day == *d))
        .collect();
    if days.is_empty() {
        return html! {
            <div class="cal-agenda empty">
                <p class="muted">{ "Nothing planned in these days." }</p>
                <button type="button" class="button" onclick={{
                    let (new, at) = (p.onnew.clone(), p.first.and_hms_opt(9, 0, 0).unwrap_or_default());
                    Callback::from(move |_: MouseEvent| new.emit(at))
                }}>{ "New event" }</button>
            </div>
        };
    }
    html! {
        <ol class="cal-agenda">
            { for days.into_iter().map(|(d, on)| html! {
                <li class={classes!("cal-agenda-day", (d == p.now.date()).then_some("today"))}>
                    <h2 class="cal-agenda-date">{ format!("{} {} {}", dates::weekday_name(d.weekday()), d.day(), dates::month_name(d)) }</h2>
                    <ul>
                        if p.notes.iter().any(|n| n.fields.day == d) {
                            <li class="cal-agenda-item">
                                <span class="cal-agenda-time">{ "Notes" }</span>
                                <span class="cal-agenda-notes">{ notes_of(p, d) }</span>
                            </li>
                        }
                        { for on.into_iter().map(|it| html! {
                            <li class="cal-agenda-item">
                                <span class="cal-agenda-time">{
                                    if it.in_day_row() { "All day".to_owned() }
                                    else { format!("{} – {}", dates::clock(it.start), dates::clock(it.end)) }
                                }</span>
                                { chip(p, it, String::new(), false) }
                                if !it.occ.location.is_empty() { <span class="muted cal-where">{ it.occ.location.clone() }</span> }
                            </li>
                        }) }
                    </ul>
                </li>
            }) }
        </ol>
    }
}
