//! Calendars over REST: calendars and sharing, events with recurrence and exceptions,
//! the occurrences of a window, and bad input answered without changing anything.

use axum::http::{Method, StatusCode, header};
use osprey_core::Role;
use serde_json::{Value, json};

use crate::support::*;

async fn setup() -> (TestApp, String, String) {
    let t = TestApp::new().await;
    t.add_account("ann@example.com", Role::User, &[]).await;
    t.add_account("bob@example.com", Role::User, &[]).await;
    let ann = t.token("ann@example.com").await;
    let bob = t.token("bob@example.com").await;
    (t, ann, bob)
}

async fn default_calendar(t: &TestApp, token: &str) -> String {
    let r = t
        .call(Method::GET, "/api/v1/calendars", Some(token), None)
        .await
        .expect(StatusCode::OK);
    let first = &r.body.as_array().unwrap()[0];
    assert_eq!(first["is_default"], true);
    first["id"].as_str().unwrap().to_owned()
}

async fn occurrences(t: &TestApp, token: &str, from: &str, to: &str) -> Value {
    t.call(
        Method::GET,
        &format!("/api/v1/calendars/occurrences?from={from}&to={to}"),
        Some(token),
        None,
    )
    .await
    .expect(StatusCode::OK)
    .body
}

fn starts(list: &Value) -> Vec<(String, String)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["title"].as_str().unwrap().to_owned(),
                o["start"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_recurring_event_is_made_expanded_and_changed_one_occurrence_at_a_time() {
    let (t, ann, bob) = setup().await;
    let cal = default_calendar(&t, &ann).await;
    let r = t
        .call(
            Method::POST,
            &format!("/api/v1/calendars/{cal}/events"),
            Some(&ann),
            Some(json!({
                "title": "Yoga", "location": "Studio 3",
                "start": "2026-03-24T18:30", "end": "2026-03-24T19:30", "time_zone": "Europe/Berlin",
                "categories": ["Sport"],
                "recurrence": {"frequency": "weekly", "by_day": [{"weekday": "tuesday"}], "count": 3}
            })),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.headers[header::LOCATION],
        format!("/api/v1/calendars/{cal}/events/{id}").as_str()
    );
    assert_eq!(r.body["fields"]["start"], "2026-03-24T18:30:00");
    assert_eq!(r.body["fields"]["recurrence"]["count"], 3);
    // Across the change to summer time (29 March) the class stays at 18:30 in Berlin.
    let got = occurrences(&t, &ann, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z").await;
    assert_eq!(
        starts(&got),
        [
            ("Yoga".to_owned(), "2026-03-24T18:30:00+01:00".to_owned()),
            ("Yoga".to_owned(), "2026-03-31T18:30:00+02:00".to_owned()),
            ("Yoga".to_owned(), "2026-04-07T18:30:00+02:00".to_owned()),
        ]
    );
    assert_eq!(got["truncated"], false);
    let second = got["items"][1]["recurrence_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(second, "2026-03-31T16:30:00Z");

    // One occurrence moves; the others stay.
    let path = format!("/api/v1/calendars/{cal}/events/{id}");
    t.call(
        Method::PUT,
        &format!("{path}?occurrence={second}&scope=this"),
        Some(&ann),
        Some(json!({"title": "Yoga (late)", "start": "2026-03-31T20:00", "end": "2026-03-31T21:00", "time_zone": "Europe/Berlin"})),
    )
    .await
    .expect(StatusCode::OK);
    // Another one is cancelled.
    let third = got["items"][2]["recurrence_id"].as_str().unwrap();
    t.call(
        Method::DELETE,
        &format!("{path}?occurrence={third}&scope=this"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let got = occurrences(&t, &ann, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z").await;
    assert_eq!(
        starts(&got),
        [
            ("Yoga".to_owned(), "2026-03-24T18:30:00+01:00".to_owned()),
            (
                "Yoga (late)".to_owned(),
                "2026-03-31T20:00:00+02:00".to_owned()
            ),
        ]
    );
    assert_eq!(got["items"][1]["exception"], true);
    let stored = t
        .call(Method::GET, &path, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(stored.body["exceptions"], json!([second]));

    // Bob sees none of it, and cannot reach it.
    assert!(
        occurrences(&t, &bob, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    for (method, body) in [
        (Method::GET, None),
        (
            Method::PUT,
            Some(json!({"title": "Mine", "start": "2026-03-24T10:00", "end": "2026-03-24T11:00"})),
        ),
        (Method::DELETE, None),
    ] {
        t.call(method, &path, Some(&bob), body)
            .await
            .expect(StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn shared_calendars_answer_with_the_access_given() {
    let (t, ann, bob) = setup().await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/calendars",
            Some(&ann),
            Some(json!({"name": "Family", "color": "#AA3300", "time_zone": "America/New_York"})),
        )
        .await
        .expect(StatusCode::CREATED);
    let cal = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["color"], "#aa3300");
    // No time zone given: the calendar's.
    let e = t
        .call(
            Method::POST,
            &format!("/api/v1/calendars/{cal}/events"),
            Some(&ann),
            Some(json!({"title": "Dentist", "start": "2026-06-02T09:00", "end": "2026-06-02T10:00", "private": true})),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(e.body["fields"]["time_zone"], "America/New_York");
    let event = e.body["id"].as_str().unwrap().to_owned();
    let shared = t
        .call(
            Method::PUT,
            &format!("/api/v1/calendars/{cal}/shares"),
            Some(&ann),
            Some(json!({"address": "bob@example.com", "access": "read"})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(shared.body["shares"][0]["address"], "bob@example.com");
    let bobs = t
        .call(Method::GET, "/api/v1/calendars", Some(&bob), None)
        .await
        .expect(StatusCode::OK);
    let family = bobs
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == cal.as_str())
        .unwrap()
        .clone();
    assert_eq!(family["access"], "read");
    assert_eq!(family["owner_address"], "ann@example.com");
    let got = occurrences(&t, &bob, "2026-06-01T00:00:00Z", "2026-06-08T00:00:00Z").await;
    assert_eq!(got["items"][0]["title"], "Busy");
    assert_eq!(got["items"][0]["masked"], true);
    assert_eq!(got["items"][0]["start"], "2026-06-02T09:00:00-04:00");
    // Writing a calendar shared read-only is forbidden, and changes nothing.
    let path = format!("/api/v1/calendars/{cal}/events/{event}");
    t.call(
        Method::PUT,
        &path,
        Some(&bob),
        Some(json!({"title": "Cancelled", "start": "2026-06-02T09:00", "end": "2026-06-02T10:00"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    t.call(Method::DELETE, &path, Some(&bob), None)
        .await
        .expect(StatusCode::FORBIDDEN);
    t.call(
        Method::POST,
        &format!("/api/v1/calendars/{cal}/events"),
        Some(&bob),
        Some(json!({"title": "Mine", "start": "2026-06-04T09:00", "end": "2026-06-04T10:00"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    let own = t
        .call(Method::GET, &path, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(own.body["fields"]["title"], "Dentist");
    // Unsharing takes it away.
    let bob_id = shared.body["shares"][0]["account_id"].as_str().unwrap();
    t.call(
        Method::DELETE,
        &format!("/api/v1/calendars/{cal}/shares/{bob_id}"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(
        Method::GET,
        &format!("/api/v1/calendars/{cal}"),
        Some(&bob),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    // The default calendar stays.
    let default = default_calendar(&t, &ann).await;
    t.call(
        Method::DELETE,
        &format!("/api/v1/calendars/{default}"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::CONFLICT);
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let (t, ann, _) = setup().await;
    let cal = default_calendar(&t, &ann).await;
    let events = format!("/api/v1/calendars/{cal}/events");
    let ok = json!({"title": "Lunch", "start": "2026-05-01T12:00", "end": "2026-05-01T13:00", "time_zone": "Europe/Paris"});
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("end", json!("2026-05-01T11:00")), "end"),
        (with("start", json!("tomorrow noon")), "start"),
        (with("time_zone", json!("Europe/Atlantis")), "time_zone"),
        (with("title", json!("")), "title"),
        (
            with(
                "recurrence",
                json!({"frequency": "daily", "count": 1_000_000}),
            ),
            "recurrence.count",
        ),
        (
            with(
                "recurrence",
                json!({"frequency": "weekly", "by_day": [{"weekday": "friday", "ordinal": 2}]}),
            ),
            "recurrence.by_day",
        ),
        (
            json!({"title": "Trip", "all_day": true, "start": "2026-05-03", "end": "2026-05-03"}),
            "end",
        ),
    ] {
        let r = t
            .call(Method::POST, &events, Some(&ann), Some(body.clone()))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.fields(), [field], "{body}");
    }
    // Unknown fields and wrong types are refused before anything is read.
    t.call(
        Method::POST,
        &events,
        Some(&ann),
        Some(with("colour", json!("#ffffff"))),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    // Windows: reversed, too long, missing an end, or naming another's calendar.
    for (q, status) in [
        (
            "from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("from=2026-05-01T00:00:00Z", StatusCode::BAD_REQUEST),
        (
            "from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&calendars=nope",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        t.call(
            Method::GET,
            &format!("/api/v1/calendars/occurrences?{q}"),
            Some(&ann),
            None,
        )
        .await
        .expect(status);
    }
    // An occurrence that is not one of the event's.
    let e = t
        .call(
            Method::POST,
            &events,
            Some(&ann),
            Some(with(
                "recurrence",
                json!({"frequency": "daily", "count": 3}),
            )),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = e.body["id"].as_str().unwrap();
    t.call(
        Method::DELETE,
        &format!("{events}/{id}?occurrence=2026-05-09T10:00:00Z&scope=this"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    t.call(
        Method::DELETE,
        &format!("{events}/{id}?occurrence=2026-05-02T10:00:00Z&scope=some"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    // Nothing but that one event was made.
    let got = occurrences(&t, &ann, "2026-04-01T00:00:00Z", "2026-06-01T00:00:00Z").await;
    assert_eq!(got["items"].as_array().unwrap().len(), 3);
    // Calendars: a bad colour or zone is named.
    for (body, field) in [
        (json!({"name": "X", "color": "blue"}), "color"),
        (json!({"name": "X", "time_zone": "Moon/Base"}), "time_zone"),
        (json!({"name": ""}), "name"),
    ] {
        let r = t
            .call(Method::POST, "/api/v1/calendars", Some(&ann), Some(body))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.fields(), [field]);
    }
}

#[tokio::test]
async fn ics_files_feeds_and_search_over_rest() {
    let (t, ann, bob) = setup().await;
    let cal = default_calendar(&t, &ann).await;
    let file = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n\
        BEGIN:VEVENT\r\nUID:kickoff@example.com\r\nSUMMARY:Kickoff\r\nLOCATION:Hall B\r\n\
        DTSTART;TZID=Europe/Berlin:20260707T090000\r\nDTEND;TZID=Europe/Berlin:20260707T100000\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:broken@example.com\r\nSUMMARY:Broken\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let r = t
        .call(
            Method::POST,
            &format!("/api/v1/calendars/{cal}/import"),
            Some(&ann),
            Some(json!({"ics": file})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["created"], 1);
    assert_eq!(r.body["problems"][0]["title"], "Broken");
    assert_eq!(r.body["problems"][0]["uid"], "broken@example.com");
    // Export: a text/calendar attachment holding the event.
    let r = t
        .call(
            Method::GET,
            &format!("/api/v1/calendars/{cal}/export"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert_eq!(
        r.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"Calendar.ics\""
    );
    let text = r
        .body
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| r.body.to_string());
    assert!(text.contains("SUMMARY:Kickoff"), "{text}");
    // A feed: the address works without signing in until it is revoked.
    let feed = t
        .call(
            Method::POST,
            &format!("/api/v1/calendars/{cal}/feed"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::CREATED);
    let url = feed.body["url"].as_str().unwrap().to_owned();
    assert!(
        feed.body["webcal_url"]
            .as_str()
            .unwrap()
            .starts_with("webcal://")
    );
    let path = &url[url.find("/api/v1/").unwrap()..];
    let r = t
        .call(Method::GET, path, None, None)
        .await
        .expect(StatusCode::OK);
    let text = r
        .body
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| r.body.to_string());
    assert!(text.contains("SUMMARY:Kickoff"), "{text}");
    t.call(
        Method::POST,
        &format!("/api/v1/calendars/{cal}/feed"),
        Some(&bob),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    t.call(
        Method::DELETE,
        &format!("/api/v1/calendars/{cal}/feed"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    t.call(Method::GET, path, None, None)
        .await
        .expect(StatusCode::NOT_FOUND);
    // Search finds by place; another account finds nothing; a bad limit is a 400.
    let r = t
        .call(
            Method::GET,
            "/api/v1/calendars/search?q=hall%20b",
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["events"][0]["fields"]["title"], "Kickoff");
    let r = t
        .call(
            Method::GET,
            "/api/v1/calendars/search?q=hall",
            Some(&bob),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body, json!({"events": [], "tasks": [], "notes": []}));
    t.call(
        Method::GET,
        "/api/v1/calendars/search?q=hall&limit=0",
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn tasks_and_notes_over_rest() {
    let (t, ann, bob) = setup().await;
    let cal = default_calendar(&t, &ann).await;
    let tasks = format!("/api/v1/calendars/{cal}/tasks");
    let r = t
        .call(
            Method::POST,
            &tasks,
            Some(&ann),
            Some(json!({"title": "Renew passport", "due": "2030-03-01T17:00", "time_zone": "Europe/Rome", "priority": 1,
                "reminders": [{"minutes_before": 1440}]})),
        )
        .await
        .expect(StatusCode::CREATED);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["fields"]["due"], "2030-03-01T17:00:00");
    assert_eq!(r.body["fields"]["status"], "needs_action");
    assert_eq!(
        r.body["fields"]["reminders"],
        json!([{"minutes_before": 1440}])
    );
    // The web app's list of due reminders names it as a task's.
    let r = t
        .call(
            Method::GET,
            "/api/v1/calendars/reminders?from=2030-02-28T15:00:00Z&to=2030-02-28T17:00:00Z",
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["reminders"][0]["kind"], "task");
    assert_eq!(r.body["reminders"][0]["item_id"], id.as_str());
    assert_eq!(r.body["reminders"][0]["due_at"], "2030-02-28T16:00:00Z");
    for (body, field) in [
        (json!({"title": "X", "due": "next week"}), "due"),
        (
            json!({"title": "X", "reminders": [{"minutes_before": 10}]}),
            "reminders",
        ),
        (
            json!({"title": "X", "due": "2030-01-01", "reminders": [{"minutes_before": 10, "at": "2030-01-01T00:00:00Z"}]}),
            "reminders[0]",
        ),
        (json!({"title": "X", "priority": 12}), "priority"),
        (json!({"title": ""}), "title"),
    ] {
        let r = t
            .call(Method::POST, &tasks, Some(&ann), Some(body))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.fields(), [field]);
    }
    let r = t
        .call(
            Method::PUT,
            &format!("{tasks}/{id}"),
            Some(&ann),
            Some(json!({"title": "Renew passport", "status": "completed"})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["fields"]["percent"], 100);
    assert!(r.body["completed_at"].is_string());
    let done = t
        .call(
            Method::GET,
            "/api/v1/calendars/tasks?filter=completed",
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(done.body[0]["fields"]["title"], "Renew passport");
    t.call(
        Method::GET,
        "/api/v1/calendars/tasks?filter=someday",
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    t.call(Method::GET, &format!("{tasks}/{id}"), Some(&bob), None)
        .await
        .expect(StatusCode::NOT_FOUND);

    let notes = format!("/api/v1/calendars/{cal}/notes");
    let r = t
        .call(
            Method::POST,
            &notes,
            Some(&ann),
            Some(
                json!({"title": "Standup notes", "text": "Ship the calendar", "day": "2026-06-02"}),
            ),
        )
        .await
        .expect(StatusCode::CREATED);
    let note = r.body["id"].as_str().unwrap().to_owned();
    let found = t
        .call(
            Method::GET,
            "/api/v1/calendars/notes?q=ship&from=2026-06-01",
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(found.body[0]["id"], note.as_str());
    t.call(
        Method::POST,
        &notes,
        Some(&ann),
        Some(json!({"title": "No day"})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    t.call(Method::DELETE, &format!("{notes}/{note}"), Some(&bob), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    t.call(Method::DELETE, &format!("{notes}/{note}"), Some(&ann), None)
        .await
        .expect(StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn free_busy_over_rest() {
    let (t, ann, bob) = setup().await;
    let cal = default_calendar(&t, &bob).await;
    t.call(
        Method::POST,
        &format!("/api/v1/calendars/{cal}/events"),
        Some(&bob),
        Some(json!({"title": "Secret meeting", "start": "2026-06-02T09:00", "end": "2026-06-02T10:00", "time_zone": "Europe/Berlin"})),
    )
    .await
    .expect(StatusCode::CREATED);
    let r = t
        .call(
            Method::GET,
            "/api/v1/calendars/freebusy?addresses=bob@example.com,ghost@example.com&from=2026-06-01T00:00:00Z&to=2026-06-08T00:00:00Z",
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        r.body,
        json!([
            {"address": "bob@example.com", "known": true, "busy": [{"start": "2026-06-02T07:00:00Z", "end": "2026-06-02T08:00:00Z"}]},
            {"address": "ghost@example.com", "known": false, "busy": []}
        ])
    );
    t.call(
        Method::GET,
        "/api/v1/calendars/freebusy?addresses=bob@example.com&from=2026-06-08T00:00:00Z&to=2026-06-01T00:00:00Z",
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_invitation_in_a_message_is_read_and_answered_over_rest() {
    let (t, ann, bob) = setup().await;
    let account = t
        .store
        .accounts()
        .account_by_address(&osprey_core::Address::parse("ann@example.com").unwrap())
        .await
        .unwrap();
    let deliver = |text: String| {
        let (t, id) = (&t, account.id.clone());
        async move {
            t.submission
                .delivery()
                .deliver(&[id], "INBOX", text.as_bytes(), 0)
                .await
                .unwrap()[0]
                .id
                .clone()
        }
    };
    let invitation = deliver(
        "From: olga@far.example\r\nTo: ann@example.com\r\nSubject: Invitation: Board\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nJoin us.\r\n\
         --b\r\nContent-Type: application/ics; name=invite.ics\r\n\
         Content-Disposition: attachment; filename=invite.ics\r\n\r\n\
         BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Far//EN\r\nMETHOD:REQUEST\r\n\
         BEGIN:VEVENT\r\nUID:board@far.example\r\nDTSTAMP:20260601T000000Z\r\n\
         SUMMARY:Board\r\nDTSTART:20260610T080000Z\r\nDTEND:20260610T090000Z\r\n\
         ORGANIZER:mailto:olga@far.example\r\nATTENDEE:mailto:ann@example.com\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n--b--\r\n"
            .into(),
    )
    .await;
    let plain = deliver("From: x@far.example\r\nSubject: Hi\r\n\r\nHello\r\n".into()).await;
    // The reader says which messages carry one.
    let m = t
        .call(
            Method::GET,
            &format!("/api/v1/messages/{invitation}"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(m.body["has_invitation"], true);
    let m = t
        .call(
            Method::GET,
            &format!("/api/v1/messages/{plain}"),
            Some(&ann),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(m.body["has_invitation"], false);
    t.call(
        Method::GET,
        &format!("/api/v1/messages/{plain}/invitation"),
        Some(&ann),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let path = format!("/api/v1/messages/{invitation}/invitation");
    let r = t
        .call(Method::GET, &path, Some(&ann), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["method"], "REQUEST");
    assert_eq!(r.body["fields"]["title"], "Board");
    assert_eq!(r.body["organizer_here"], false);
    assert_eq!(r.body["answer"], "needs_action");
    assert!(
        r.body.get("event_id").is_none(),
        "not in the calendar before an answer"
    );
    // Another account's message is not found; a bad answer is a 422 and changes nothing.
    t.call(Method::GET, &path, Some(&bob), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    t.call(
        Method::POST,
        &path,
        Some(&ann),
        Some(json!({"status": "maybe"})),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .call(
            Method::POST,
            &path,
            Some(&ann),
            Some(json!({"status": "accepted"})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.body["answer"], "accepted");
    let calendar = r.body["calendar_id"].as_str().unwrap();
    assert_eq!(calendar, default_calendar(&t, &ann).await);
    let list = occurrences(&t, &ann, "2026-06-10T00:00:00Z", "2026-06-11T00:00:00Z").await;
    assert_eq!(list["items"][0]["title"], "Board");
}
