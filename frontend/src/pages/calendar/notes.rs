//! Notes: dated notes of the account's calendars, latest day first, searchable.

use osprey_api_types::{Calendar, CalendarAccess, Note, NoteFields};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::{CalendarTabs, dates};
use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;
use crate::components::field::{TextArea, TextField};
use crate::components::search::SearchBox;

#[function_component]
pub fn NotesPage() -> Html {
    let api = use_api();
    let notes = use_state(|| None::<Vec<Note>>);
    let calendars = use_state(Vec::<Calendar>::new);
    let error = use_state(|| None::<ApiError>);
    let query = use_state(String::new);
    let generation = use_state(|| 0u32);
    let title = use_state(String::new);
    let text = use_state(String::new);
    let day = use_state(|| dates::now().date().to_string());
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
        let (api, notes, error) = (api.clone(), notes.clone(), error.clone());
        use_effect_with(((*query).clone(), *generation), move |(q, _)| {
            let q = (!q.is_empty()).then(|| q.clone());
            spawn_local(async move {
                match api.list_notes(None, None, q.as_deref()).await {
                    Ok(list) => notes.set(Some(list)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let home = calendars
        .iter()
        .find(|c| c.access == CalendarAccess::Owner && c.is_default)
        .map(|c| c.id.clone());
    let onadd = {
        let (api, title, text, day, error, generation) = (
            api.clone(),
            title.clone(),
            text.clone(),
            day.clone(),
            error.clone(),
            generation.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(cal) = home.clone() else { return };
            let Some(d) = dates::parse_day(&day) else {
                error.set(Some(ApiError::local("day", "Choose a day.")));
                return;
            };
            let body = NoteFields {
                title: title.trim().to_owned(),
                text: text.trim().to_owned(),
                day: d,
            };
            let (api, title, text, error, generation) = (
                api.clone(),
                title.clone(),
                text.clone(),
                error.clone(),
                generation.clone(),
            );
            spawn_local(async move {
                match api.create_note(&cal, &body).await {
                    Ok(_) => {
                        title.set(String::new());
                        text.set(String::new());
                        error.set(None);
                        generation.set(*generation + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let err = |f: &str| error.as_ref().and_then(|e| e.field(f));
    html! {
        <section class="page notes" aria-labelledby="notes-title">
            <CalendarTabs />
            <h1 id="notes-title">{ "Notes" }</h1>
            <form class="card note-add" onsubmit={onadd} aria-label="New note">
                <ProblemBanner error={(*error).clone()} fields={&["title", "text", "day"][..]} />
                <div class="cal-pair">
                    <TextField id="note-title" label="Title" required=true value={(*title).clone()} error={err("title")}
                        oninput={{ let title = title.clone(); Callback::from(move |v| title.set(v)) }} />
                    <TextField id="note-day" label="Day" kind="date" required=true value={(*day).clone()} error={err("day")}
                        oninput={{ let day = day.clone(); Callback::from(move |v| day.set(v)) }} />
                </div>
                <TextArea id="note-text" label="Note" rows={3} value={(*text).clone()} error={err("text")}
                    oninput={{ let text = text.clone(); Callback::from(move |v| text.set(v)) }} />
                <div class="actions"><button type="submit" class="button primary" id="note-add">{ "Add note" }</button></div>
            </form>
            <SearchBox id="notes-search" label="Search notes" placeholder="Search notes"
                onsearch={{ let query = query.clone(); Callback::from(move |q: String| query.set(q.trim().to_owned())) }} />
            <ul class="rows note-list" id="note-list" aria-busy={notes.is_none().then_some("true")}>
                { for notes.iter().flatten().map(|n| {
                    let remove = {
                        let (api, n, error, generation) = (api.clone(), n.clone(), error.clone(), generation.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (api, n, error, generation) = (api.clone(), n.clone(), error.clone(), generation.clone());
                            spawn_local(async move {
                                match api.delete_note(&n.calendar_id, &n.id).await {
                                    Ok(()) => generation.set(*generation + 1),
                                    Err(e) => error.set(Some(e)),
                                }
                            });
                        })
                    };
                    let d = n.fields.day;
                    html! {
                        <li class="row note" key={n.id.clone()}>
                            <div class="row-main">
                                <span class="row-meta"><time datetime={d.to_string()}>{ format!("{} {} {}", dates::weekday_name(chrono::Datelike::weekday(&d)), chrono::Datelike::day(&d), dates::month_name(d)) }</time></span>
                                <span class="row-title">{ n.fields.title.clone() }</span>
                                if !n.fields.text.is_empty() { <p class="note-text">{ n.fields.text.clone() }</p> }
                            </div>
                            <button type="button" class="button subtle" aria-label={format!("Delete {}", n.fields.title)} onclick={remove}>{ "Delete" }</button>
                        </li>
                    }
                }) }
            </ul>
            if notes.as_ref().is_some_and(Vec::is_empty) {
                <p class="empty" id="notes-empty">{ if query.is_empty() { "No notes yet." } else { "No notes match." } }</p>
            }
        </section>
    }
}
