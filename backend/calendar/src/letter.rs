//! The readable part of a scheduling mail (an invitation, an update, a cancellation, an
//! answer): the sentence that says what happened, then the event — when (in its own
//! time zone), where, who organises it, who is invited, what it is about — as plain text
//! and as HTML (escaped), next to the `text/calendar` part that calendar programs read.

use crate::{EventFields, When};

use osprey_core::markup::escape;

/// When the event is, in words: `Tuesday 2 June 2026, 09:00 to 10:00 (Europe/Berlin)`,
/// or whole days.
pub(crate) fn when_words(when: &When) -> String {
    match when {
        When::AllDay { start, end } => {
            let last = end.pred_opt().filter(|l| l > start).unwrap_or(*start);
            if last == *start {
                format!("{} (all day)", start.format("%A %-d %B %Y"))
            } else {
                format!(
                    "{} to {} (all day)",
                    start.format("%A %-d %B %Y"),
                    last.format("%A %-d %B %Y")
                )
            }
        }
        When::Timed {
            start,
            end,
            time_zone,
        } => {
            let end_text = if end.date() == start.date() {
                end.format("%H:%M").to_string()
            } else {
                end.format("%A %-d %B %Y, %H:%M").to_string()
            };
            format!(
                "{} to {end_text} ({time_zone})",
                start.format("%A %-d %B %Y, %H:%M")
            )
        }
    }
}

/// `(text, html)` of `line` alone, for an event whose facts do not read.
pub(crate) fn only(line: &str) -> (String, String) {
    (
        format!("{line}\n"),
        format!(
            "<!DOCTYPE html><html><body><p>{}</p></body></html>\n",
            escape(line)
        ),
    )
}

/// `(text, html)`: `line`, then the event's facts.
pub(crate) fn letter(line: &str, f: &EventFields) -> (String, String) {
    let mut facts: Vec<(&str, String)> = vec![("When", when_words(&f.when))];
    if f.recurrence.is_some() {
        facts.push(("Repeats", "yes: see the attached invitation".to_owned()));
    }
    if !f.location.trim().is_empty() {
        facts.push(("Where", f.location.trim().to_owned()));
    }
    if let Some(o) = f.organizer.as_deref().filter(|o| !o.is_empty()) {
        facts.push(("Organiser", o.to_owned()));
    }
    let guests: Vec<String> = f
        .attendees
        .iter()
        .flatten()
        .map(|a| {
            if a.name.is_empty() {
                a.address.clone()
            } else {
                format!("{} <{}>", a.name, a.address)
            }
        })
        .collect();
    if !guests.is_empty() {
        facts.push(("Guests", guests.join(", ")));
    }
    let mut text = format!("{line}\n\n{}\n", f.title);
    for (name, value) in &facts {
        text.push_str(&format!("{name}: {value}\n"));
    }
    let description = f.description.trim();
    if !description.is_empty() {
        text.push_str(&format!("\n{description}\n"));
    }
    let mut html = format!(
        "<!DOCTYPE html><html><body><p>{}</p><h2>{}</h2><table>",
        escape(line),
        escape(&f.title)
    );
    for (name, value) in &facts {
        html.push_str(&format!(
            "<tr><th align=\"left\">{name}</th><td>{}</td></tr>",
            escape(value)
        ));
    }
    html.push_str("</table>");
    if !description.is_empty() {
        html.push_str(&format!(
            "<p style=\"white-space: pre-wrap\">{}</p>",
            escape(description)
        ));
    }
    html.push_str("</body></html>\n");
    (text, html)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn times_read_in_the_events_zone_and_days_to_the_last_one() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let timed = When::Timed {
            start: d(6, 2).and_hms_opt(9, 0, 0).unwrap(),
            end: d(6, 2).and_hms_opt(10, 30, 0).unwrap(),
            time_zone: "Europe/Berlin".into(),
        };
        assert_eq!(
            when_words(&timed),
            "Tuesday 2 June 2026, 09:00 to 10:30 (Europe/Berlin)"
        );
        // iCalendar's DTEND of whole days is the day after the last.
        let trip = When::AllDay {
            start: d(6, 10),
            end: d(6, 13),
        };
        assert_eq!(
            when_words(&trip),
            "Wednesday 10 June 2026 to Friday 12 June 2026 (all day)"
        );
        let one = When::AllDay {
            start: d(6, 10),
            end: d(6, 11),
        };
        assert_eq!(when_words(&one), "Wednesday 10 June 2026 (all day)");
    }
}
