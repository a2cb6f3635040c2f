//! A task opened for editing: its title and notes, due day, priority, status and how far
//! along it is, the list (calendar) it is on and the task it is a step of. Errors stand
//! at their fields.

use osprey_api_types::{Calendar, Task, TaskStatus};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::field::{Select, TextArea, TextField};

const STATUSES: [(TaskStatus, &str, &str); 4] = [
    (TaskStatus::NeedsAction, "needs_action", "To do"),
    (TaskStatus::InProcess, "in_process", "In progress"),
    (TaskStatus::Completed, "completed", "Done"),
    (TaskStatus::Cancelled, "cancelled", "Cancelled"),
];

#[derive(Properties, PartialEq)]
pub struct TaskEditorProps {
    pub task: Task,
    /// The lists it may go to: the calendars the account may change.
    pub lists: Vec<Calendar>,
    /// The other tasks, which it may be a step of.
    pub tasks: Vec<Task>,
    /// Saved (or moved): the list reads again.
    pub onsaved: Callback<()>,
    pub oncancel: Callback<()>,
}

#[function_component]
pub fn TaskEditor(p: &TaskEditorProps) -> Html {
    let api = use_api();
    let fields = use_state(|| p.task.fields.clone());
    let list = use_state(|| p.task.calendar_id.clone());
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let set = |apply: fn(&mut osprey_api_types::TaskFields, String)| {
        let fields = fields.clone();
        Callback::from(move |v: String| {
            let mut f = (*fields).clone();
            apply(&mut f, v);
            fields.set(f);
        })
    };
    let onsubmit = {
        let (api, fields, list, error, busy, task, onsaved) = (
            api.clone(),
            fields.clone(),
            list.clone(),
            error.clone(),
            busy.clone(),
            p.task.clone(),
            p.onsaved.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut f = (*fields).clone();
            f.title = f.title.trim().to_owned();
            if f.status == TaskStatus::Completed {
                f.percent = 100;
            }
            let (api, list, error, busy, task, onsaved) = (
                api.clone(),
                (*list).clone(),
                error.clone(),
                busy.clone(),
                task.clone(),
                onsaved.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                // Another list: the task is made there, then leaves the one it was on.
                let done = if list == task.calendar_id {
                    api.replace_task(&task.calendar_id, &task.id, &f)
                        .await
                        .map(drop)
                } else {
                    match api.create_task(&list, &f).await {
                        Ok(_) => api.delete_task(&task.calendar_id, &task.id).await,
                        Err(e) => Err(e),
                    }
                };
                busy.set(false);
                match done {
                    Ok(()) => onsaved.emit(()),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let err = |name: &str| error.as_ref().and_then(|e| e.field(name));
    let f = &*fields;
    let status_value = STATUSES
        .iter()
        .find(|(s, ..)| *s == f.status)
        .map_or("needs_action", |(_, v, _)| *v);
    let parents: Vec<(AttrValue, AttrValue)> = std::iter::once(("".into(), "None".into()))
        .chain(
            p.tasks
                .iter()
                .filter(|t| t.uid != p.task.uid && t.fields.parent.as_deref() != Some(&p.task.uid))
                .map(|t| (t.uid.clone().into(), t.fields.title.clone().into())),
        )
        .collect();
    let lists: Vec<(AttrValue, AttrValue)> = p
        .lists
        .iter()
        .map(|c| (c.id.clone().into(), c.name.clone().into()))
        .collect();
    let oncancel = {
        let cancel = p.oncancel.clone();
        Callback::from(move |_: MouseEvent| cancel.emit(()))
    };
    html! {
        <form class="card task-editor" id="task-editor" {onsubmit} aria-label={format!("Edit {}", p.task.fields.title)}
            onkeydown={{
                let cancel = p.oncancel.clone();
                Callback::from(move |e: KeyboardEvent| if e.key() == "Escape" { cancel.emit(()) })
            }}>
            <ProblemBanner error={(*error).clone()} fields={&["title", "notes", "due", "priority", "percent", "parent"][..]} />
            <TextField id="task-edit-title" label="Title" required=true value={f.title.clone()} oninput={set(|f, v| f.title = v)} error={err("title")} />
            <div class="cal-pair">
                <TextField id="task-edit-due" label="Due" kind="date" value={f.due.clone().unwrap_or_default()}
                    oninput={set(|f, v| f.due = Some(v).filter(|d| !d.is_empty()))} error={err("due")} />
                <Select id="task-edit-priority" label="Priority" value={f.priority.to_string()}
                    options={[(0u8, "No priority"), (1, "High"), (5, "Medium"), (9, "Low")].into_iter().map(|(v, l)| (v.to_string().into(), l.into())).collect::<Vec<_>>()}
                    onchange={set(|f, v| f.priority = v.parse().unwrap_or(0))} error={err("priority")} />
            </div>
            <div class="cal-pair">
                <Select id="task-edit-status" label="Status" value={status_value}
                    options={STATUSES.iter().map(|(_, v, l)| ((*v).into(), (*l).into())).collect::<Vec<_>>()}
                    onchange={set(|f, v| {
                        f.status = STATUSES.iter().find(|(_, n, _)| *n == v).map_or(TaskStatus::NeedsAction, |(s, ..)| *s);
                    })} />
                <TextField id="task-edit-percent" label="Done (%)" kind="number" inputmode="numeric" value={f.percent.to_string()}
                    oninput={set(|f, v| f.percent = v.trim().parse().unwrap_or(0))} error={err("percent")} />
            </div>
            <div class="cal-pair">
                <Select id="task-edit-list" label="List" value={(*list).clone()} options={lists}
                    onchange={{ let list = list.clone(); Callback::from(move |v: String| list.set(v)) }} />
                <Select id="task-edit-parent" label="Step of" value={f.parent.clone().unwrap_or_default()} options={parents}
                    onchange={set(|f, v| f.parent = Some(v).filter(|p| !p.is_empty()))} error={err("parent")} />
            </div>
            <TextArea id="task-edit-notes" label="Notes" rows={3} value={f.notes.clone()} oninput={set(|f, v| f.notes = v)} error={err("notes")} />
            <div class="actions">
                <button type="submit" class="button primary" id="task-edit-save" disabled={*busy}>{ "Save" }</button>
                <button type="button" class="button" id="task-edit-cancel" onclick={oncancel}>{ "Cancel" }</button>
            </div>
        </form>
    }
}
