//! A calendar invitation in an open message: the event, who invites (and whether from
//! this server), and Yes / Maybe / No, which put the event into the calendar with the
//! answer and tell the organiser. An answer or a cancellation is shown as what it is.

use osprey_api_types::{AnswerInvitation, AttendeeStatus, MessageInvitation};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, use_api};
use crate::components::banner::ProblemBanner;

#[derive(Properties, PartialEq)]
pub struct InvitationProps {
    /// The message.
    pub id: AttrValue,
}

fn when(i: &MessageInvitation) -> String {
    let f = &i.fields;
    if f.all_day {
        format!("{} (all day)", f.start)
    } else {
        let (day, start) = f.start.split_once('T').unwrap_or((&f.start, ""));
        let end = f.end.split_once('T').map_or("", |(_, t)| t);
        let zone = f.time_zone.as_deref().unwrap_or("UTC");
        format!(
            "{day}, {} to {} ({zone})",
            &start[..start.len().min(5)],
            &end[..end.len().min(5)]
        )
    }
}

fn answered(s: AttendeeStatus) -> &'static str {
    match s {
        AttendeeStatus::Accepted => "You are going.",
        AttendeeStatus::Tentative => "You might go.",
        AttendeeStatus::Declined => "You are not going.",
        AttendeeStatus::NeedsAction => "You have not answered yet.",
    }
}

#[function_component]
pub fn InvitationCard(p: &InvitationProps) -> Html {
    let api = use_api();
    let found = use_state(|| None::<MessageInvitation>);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    {
        let (api, found, error) = (api.clone(), found.clone(), error.clone());
        use_effect_with(p.id.clone(), move |id| {
            let id = id.to_string();
            found.set(None);
            spawn_local(async move {
                match api.get_message_invitation(&id).await {
                    Ok(i) => found.set(Some(i)),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let Some(i) = (*found).clone() else {
        return html! { <ProblemBanner error={(*error).clone()} /> };
    };
    let answer = |status: AttendeeStatus| {
        let (api, found, error, busy, id) = (
            api.clone(),
            found.clone(),
            error.clone(),
            busy.clone(),
            p.id.to_string(),
        );
        Callback::from(move |_: MouseEvent| {
            let (api, found, error, busy, id) = (
                api.clone(),
                found.clone(),
                error.clone(),
                busy.clone(),
                id.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                match api
                    .answer_message_invitation(&id, &AnswerInvitation { status })
                    .await
                {
                    Ok(i) => {
                        error.set(None);
                        found.set(Some(i));
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let organizer = i.fields.organizer.clone().unwrap_or_default();
    let heading = match i.method.as_str() {
        "REQUEST" => "Invitation",
        "CANCEL" => "Cancelled",
        "REPLY" => "Answer to an invitation",
        _ => "Calendar event",
    };
    html! {
        <section class="card mail-invitation" id="reader-invitation" aria-label="Calendar invitation">
            <ProblemBanner error={(*error).clone()} />
            <p class="muted">{ heading }</p>
            <p><strong>{ i.fields.title.clone() }</strong></p>
            <p>{ when(&i) }</p>
            if !i.fields.location.is_empty() { <p>{ i.fields.location.clone() }</p> }
            if !organizer.is_empty() {
                <p class="muted">
                    { format!("Organiser: {organizer}") }
                    if !i.organizer_here { { " · from outside this server" } }
                </p>
            }
            if i.method == "REQUEST" && i.answer.is_some() {
                <p id="invitation-answer">{ answered(i.answer.unwrap_or_default()) }
                    if i.event_id.is_some() { { " It is in your calendar." } }</p>
                <div class="actions">
                    { for [(AttendeeStatus::Accepted, "Yes", "invitation-yes"), (AttendeeStatus::Tentative, "Maybe", "invitation-maybe"), (AttendeeStatus::Declined, "No", "invitation-no")].into_iter().map(|(s, label, id)| {
                        let chosen = i.event_id.is_some() && i.answer == Some(s);
                        html! {
                            <button type="button" class={classes!("button", chosen.then_some("primary"))} id={id}
                                aria-pressed={chosen.to_string()} disabled={*busy} onclick={answer(s)}>{ label }</button>
                        }
                    }) }
                </div>
            }
        </section>
    }
}
