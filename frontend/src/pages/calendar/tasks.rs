//! Tasks: the to-do lists of the account's calendars — quick add to a chosen list, tick
//! off, due dates with the overdue ones marked, priorities, steps under the task they
//! belong to, editing, and the lists Today, Overdue, Upcoming, Open and Completed.

use osprey_api_types::{
    Calendar, CalendarAccess, EventRecurrence, EventReminder, RecurrenceFrequency, Task,
    TaskFields, TaskStatus,
};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::task_editor::TaskEditor;
use super::{CalendarTabs, dates};
use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;

const FILTERS: [(&str, &str); 5] = [
    ("open", "Open"),
    ("today", "Today"),
    ("overdue", "Overdue"),
    ("upcoming", "Upcoming"),
    ("completed", "Completed"),
];

fn priority_label(p: u8) -> Option<&'static str> {
    match p {
        1..=4 => Some("High"),
        5 => Some("Medium"),
        6..=9 => Some("Low"),
        _ => None,
    }
}

/// The reminders the quick-add form offers for a task due on a day, in minutes before
/// the day starts (RFC 5545 counts a day's alarms from its start): 18:00 the evening
/// before, 09:00 the day before, 09:00 a week before.
const DAY_REMINDERS: [(u32, &str); 3] = [
    (360, "The evening before, 18:00"),
    (900, "The day before, 09:00"),
    (9540, "A week before, 09:00"),
];

/// A task's reminder in words, to follow "Reminder:": for a day, the day and time it
/// goes ("the day before at 09:00"); for a due time, as an event's ("1 hour before").
fn task_reminder_words(r: &EventReminder, due_is_day: bool) -> String {
    match (r.minutes_before, r.at) {
        (Some(m), _) if due_is_day => {
            let days = m.div_ceil(1440);
            let at = days * 1440 - m;
            let time = format!("{:02}:{:02}", at / 60, at % 60);
            match days {
                0 => format!("on the day at {time}"),
                1 => format!("the day before at {time}"),
                n => format!("{n} days before at {time}"),
            }
        }
        (Some(0), _) => "when it is due".into(),
        (Some(m), _) => super::editor::reminder_words(m),
        (None, Some(t)) => format!(
            "at {} UTC",
            t.to_rfc3339()
                .get(..16)
                .unwrap_or_default()
                .replace('T', " ")
        ),
        (None, None) => String::new(),
    }
}

fn empty_text(filter: &str) -> &'static str {
    match filter {
        "today" => "Nothing due today.",
        "overdue" => "Nothing overdue.",
        "upcoming" => "Nothing coming up.",
        "completed" => "No completed tasks yet.",
        _ => "Nothing to do. Add a task above.",
    }
}

#[function_component]
pub fn TasksPage() -> Html {
    let api = use_api();
    let filter = use_state(|| "open".to_owned());
    let tasks = use_state(|| None::<Vec<Task>>);
    let calendars = use_state(Vec::<Calendar>::new);
    let error = use_state(|| None::<ApiError>);
    let generation = use_state(|| 0u32);
    let title = use_state(String::new);
    let due = use_state(String::new);
    // `none`, `daily`, `weekly`, `monthly` or `yearly`.
    let repeat = use_state(|| "none".to_owned());
    // Minutes before the due day starts; empty: no reminder.
    let remind = use_state(String::new);
    // RFC 5545 §3.8.1.9: 1 (high) to 9 (low), 0 none.
    let priority = use_state(|| 0u8);
    // The list a new task goes to; `None`: the default calendar.
    let list_choice = use_state(|| None::<String>);
    // The task open for editing, by id.
    let editing = use_state(|| None::<String>);
    {
        let (api, calendars) = (api.clone(), calendars.clone());
        use_effect_with((), move |()| {
            spawn_local(async move {
                if let Ok(list) = api.list_calendars().await {
                    calendars.set(list);
                }
            });
        });
    }
    {
        let (api, tasks, error) = (api.clone(), tasks.clone(), error.clone());
        use_effect_with(((*filter).clone(), *generation), move |(f, _)| {
            let f = f.clone();
            spawn_local(async move {
                match api.list_tasks(Some(&f), None).await {
                    Ok(list) => {
                        tasks.set(Some(list));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    let home = calendars
        .iter()
        .find(|c| c.access == CalendarAccess::Owner && c.is_default)
        .or_else(|| {
            calendars
                .iter()
                .find(|c| matches!(c.access, CalendarAccess::Owner | CalendarAccess::Write))
        })
        .map(|c| c.id.clone());
    let lists: Vec<Calendar> = calendars
        .iter()
        .filter(|c| matches!(c.access, CalendarAccess::Owner | CalendarAccess::Write))
        .cloned()
        .collect();
    let target = (*list_choice)
        .clone()
        .filter(|id| lists.iter().any(|c| c.id == *id))
        .or(home);
    let onadd = {
        let add_to = target.clone();
        let (api, title, due, repeat, remind, error, reload) = (
            api.clone(),
            title.clone(),
            due.clone(),
            repeat.clone(),
            remind.clone(),
            error.clone(),
            reload.clone(),
        );
        let priority = priority.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(cal) = add_to.clone() else { return };
            let body = TaskFields {
                title: title.trim().to_owned(),
                notes: String::new(),
                due: Some(due.trim().to_owned()).filter(|d| !d.is_empty()),
                time_zone: None,
                start: None,
                priority: *priority,
                status: TaskStatus::NeedsAction,
                percent: 0,
                parent: None,
                repeat: rule(&repeat),
                reminders: Some(
                    remind
                        .parse::<u32>()
                        .ok()
                        .filter(|_| !due.trim().is_empty())
                        .map(|m| EventReminder {
                            minutes_before: Some(m),
                            at: None,
                        })
                        .into_iter()
                        .collect(),
                ),
            };
            let (api, title, due, repeat, remind, error, reload) = (
                api.clone(),
                title.clone(),
                due.clone(),
                repeat.clone(),
                remind.clone(),
                error.clone(),
                reload.clone(),
            );
            let priority = priority.clone();
            spawn_local(async move {
                match api.create_task(&cal, &body).await {
                    Ok(_) => {
                        title.set(String::new());
                        due.set(String::new());
                        repeat.set("none".into());
                        remind.set(String::new());
                        priority.set(0);
                        error.set(None);
                        reload.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let today = dates::now().date().to_string();
    let writable = |t: &Task| {
        calendars.iter().any(|c| {
            c.id == t.calendar_id
                && matches!(c.access, CalendarAccess::Owner | CalendarAccess::Write)
        })
    };
    html! {
        <section class="page tasks" aria-labelledby="tasks-title">
            <CalendarTabs />
            <h1 id="tasks-title">{ "Tasks" }</h1>
            <form class="card inline-form task-add" onsubmit={onadd} aria-label="New task">
                <ProblemBanner error={(*error).clone()} />
                <label for="task-title" class="visually-hidden">{ "New task" }</label>
                <input id="task-title" type="text" placeholder="Add a task" required=true value={(*title).clone()}
                    oninput={{ let title = title.clone(); Callback::from(move |e: InputEvent| title.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())) }} />
                <label for="task-due" class="visually-hidden">{ "Due" }</label>
                <input id="task-due" type="date" value={(*due).clone()} aria-label="Due"
                    oninput={{ let due = due.clone(); Callback::from(move |e: InputEvent| due.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())) }} />
                <label for="task-repeat" class="visually-hidden">{ "Repeat" }</label>
                <select id="task-repeat" aria-label="Repeat" onchange={{
                    let repeat = repeat.clone();
                    Callback::from(move |e: Event| repeat.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
                }}>
                    { for [("none", "Does not repeat"), ("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly"), ("yearly", "Yearly")].into_iter().map(|(v, l)| html! {
                        <option value={v} selected={*repeat == v}>{ l }</option>
                    }) }
                </select>
                <label for="task-remind" class="visually-hidden">{ "Reminder" }</label>
                <select id="task-remind" aria-label="Reminder" disabled={due.is_empty()}
                    title={due.is_empty().then_some("Choose a due date to be reminded")} onchange={{
                    let remind = remind.clone();
                    Callback::from(move |e: Event| remind.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
                }}>
                    <option value="" selected={remind.is_empty()}>{ "No reminder" }</option>
                    { for DAY_REMINDERS.iter().map(|(m, l)| html! {
                        <option value={m.to_string()} selected={*remind == m.to_string()}>{ *l }</option>
                    }) }
                </select>
                <label for="task-priority" class="visually-hidden">{ "Priority" }</label>
                <select id="task-priority" aria-label="Priority" onchange={{
                    let priority = priority.clone();
                    Callback::from(move |e: Event| priority.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value().parse().unwrap_or(0)))
                }}>
                    { for [(0u8, "No priority"), (1, "High"), (5, "Medium"), (9, "Low")].into_iter().map(|(v, l)| html! {
                        <option value={v.to_string()} selected={*priority == v}>{ l }</option>
                    }) }
                </select>
                if lists.len() > 1 {
                    <label for="task-list-choice" class="visually-hidden">{ "List" }</label>
                    <select id="task-list-choice" aria-label="List" onchange={{
                        let list_choice = list_choice.clone();
                        Callback::from(move |e: Event| list_choice.set(Some(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value())))
                    }}>
                        { for lists.iter().map(|c| html! {
                            <option value={c.id.clone()} selected={target.as_deref() == Some(c.id.as_str())}>{ c.name.clone() }</option>
                        }) }
                    </select>
                }
                <button type="submit" class="button primary" id="task-add">{ "Add" }</button>
            </form>
            <div class="cal-views task-filters" role="group" aria-label="Show">
                { for FILTERS.iter().map(|(v, label)| {
                    let set = { let filter = filter.clone(); let v = (*v).to_owned(); Callback::from(move |_: MouseEvent| filter.set(v.clone())) };
                    let on = *filter == *v;
                    html! {
                        <button type="button" id={format!("tasks-{v}")} class={classes!("button", on.then_some("selected"))}
                            aria-pressed={on.to_string()} onclick={set}>{ *label }</button>
                    }
                }) }
            </div>
            <ul class="rows task-list" id="task-list" aria-busy={tasks.is_none().then_some("true")}>
                { for ordered(tasks.as_deref().unwrap_or_default()).into_iter().map(|(t, step)| {
                    let done = matches!(t.fields.status, TaskStatus::Completed | TaskStatus::Cancelled);
                    let overdue = !done && t.fields.due.as_deref().is_some_and(|d| d[..10.min(d.len())] < *today.as_str());
                    let toggle = {
                        let (api, t, reload, error) = (api.clone(), t.clone(), reload.clone(), error.clone());
                        Callback::from(move |_: Event| {
                            let mut f = t.fields.clone();
                            f.status = if done { TaskStatus::NeedsAction } else { TaskStatus::Completed };
                            if done { f.percent = 0; }
                            let (api, t, reload, error) = (api.clone(), t.clone(), reload.clone(), error.clone());
                            spawn_local(async move {
                                match api.replace_task(&t.calendar_id, &t.id, &f).await {
                                    Ok(_) => reload.emit(()),
                                    Err(e) => error.set(Some(e)),
                                }
                            });
                        })
                    };
                    let remove = {
                        let (api, t, reload, error) = (api.clone(), t.clone(), reload.clone(), error.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (api, t, reload, error) = (api.clone(), t.clone(), reload.clone(), error.clone());
                            spawn_local(async move {
                                match api.delete_task(&t.calendar_id, &t.id).await {
                                    Ok(()) => reload.emit(()),
                                    Err(e) => error.set(Some(e)),
                                }
                            });
                        })
                    };
                    let id = format!("task-{}", t.id);
                    let can = writable(t);
                    if editing.as_deref() == Some(t.id.as_str()) {
                        let close = { let editing = editing.clone(); Callback::from(move |()| editing.set(None)) };
                        let saved = { let (editing, reload) = (editing.clone(), reload.clone()); Callback::from(move |()| { editing.set(None); reload.emit(()) }) };
                        return html! {
                            <li class="row task-editing" key={t.id.clone()}>
                                <TaskEditor task={t.clone()} lists={lists.clone()} tasks={tasks.as_deref().unwrap_or_default().to_vec()}
                                    onsaved={saved} oncancel={close} />
                            </li>
                        };
                    }
                    let edit = { let (editing, tid) = (editing.clone(), t.id.clone()); Callback::from(move |_: MouseEvent| editing.set(Some(tid.clone()))) };
                    html! {
                        <li class={classes!("row", "task", done.then_some("done"), overdue.then_some("overdue"), step.then_some("subtask"))} key={t.id.clone()}>
                            <input type="checkbox" id={id.clone()} checked={done} onchange={toggle} disabled={!can} />
                            <label for={id} class="row-main">
                                <span class="row-title">{ t.fields.title.clone() }</span>
                                if t.fields.repeat.is_some() { <span class="cal-repeat" title="Repeats" aria-label="Repeats">{ "↻" }</span> }
                                <span class="row-meta">
                                    if let Some(d) = &t.fields.due {
                                        <span class="task-due">{ if overdue { format!("Overdue · {}", &d[..10.min(d.len())]) } else if d.starts_with(today.as_str()) { format!("Due today{}", d.get(10..16).map(|t| t.replace('T', " at ")).unwrap_or_default()) } else { format!("Due {}", d.replace('T', " at ").get(..19).unwrap_or(d)) } }</span>
                                    }
                                    if t.fields.status == TaskStatus::InProcess {
                                        <span class="task-progress">{ if t.fields.percent > 0 { format!(" · In progress, {}%", t.fields.percent) } else { " · In progress".to_owned() } }</span>
                                    }
                                    if let Some(p) = priority_label(t.fields.priority) {
                                        <span class="task-priority">{ format!(" · {p} priority") }</span>
                                    }
                                    { for t.fields.reminders.iter().flatten().filter(|_| !done).map(|r| {
                                        let day = t.fields.due.as_deref().is_some_and(|d| d.len() == 10);
                                        html! { <span class="task-reminder">{ format!(" · Reminder: {}", task_reminder_words(r, day)) }</span> }
                                    }) }
                                </span>
                            </label>
                            if can {
                                <button type="button" class="button subtle" aria-label={format!("Edit {}", t.fields.title)} onclick={edit}>{ "Edit" }</button>
                                <button type="button" class="button subtle" aria-label={format!("Delete {}", t.fields.title)} onclick={remove}>{ "Delete" }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
            if tasks.as_ref().is_some_and(Vec::is_empty) {
                <p class="empty" id="tasks-empty">{ empty_text(&filter) }</p>
            }
        </section>
    }
}

/// The tasks in their order, each step right after the task it belongs to (when that is
/// in the list too), with whether it is a step shown under its task.
fn ordered(tasks: &[Task]) -> Vec<(&Task, bool)> {
    let listed = |uid: &str| tasks.iter().any(|t| t.uid == uid);
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        if t.fields.parent.as_deref().is_some_and(listed) {
            continue;
        }
        out.push((t, false));
        out.extend(
            tasks
                .iter()
                .filter(|s| s.fields.parent.as_deref() == Some(t.uid.as_str()))
                .map(|s| (s, true)),
        );
    }
    out
}

/// The rule the quick-add form's "Repeat" chose.
fn rule(choice: &str) -> Option<EventRecurrence> {
    let frequency = match choice {
        "daily" => RecurrenceFrequency::Daily,
        "weekly" => RecurrenceFrequency::Weekly,
        "monthly" => RecurrenceFrequency::Monthly,
        "yearly" => RecurrenceFrequency::Yearly,
        _ => return None,
    };
    Some(EventRecurrence {
        frequency,
        interval: 1,
        count: None,
        until: None,
        by_day: Vec::new(),
        by_month_day: Vec::new(),
        by_month: Vec::new(),
        by_set_pos: Vec::new(),
        rdates: Vec::new(),
        exdates: Vec::new(),
    })
}
