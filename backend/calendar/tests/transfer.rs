//! `.ics` import and export, the private feed, and search.

use osprey_calendar::{Access, CalendarError};
use osprey_store::testing::TestDb;

use crate::support::{account, service, starts, timed, window};

/// A file as calendar programs write them: a weekly meeting in Berlin with its
/// VTIMEZONE and one moved occurrence, a day-long holiday, a task and a note; and five
/// items that cannot be kept (no start, an unknown zone, an end before its start, a task
/// without a title, a note without a day).
const FILE: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example Corp.//Calendar 1.0//EN\r
BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
BEGIN:STANDARD\r
DTSTART:19701025T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19700329T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:weekly-1@example.com\r
DTSTAMP:20260101T000000Z\r
SUMMARY:Planning\r
LOCATION:Room Kepler\r
DTSTART;TZID=Europe/Berlin:20260302T100000\r
DTEND;TZID=Europe/Berlin:20260302T110000\r
RRULE:FREQ=WEEKLY;COUNT=4\r
X-EXAMPLE-COLOR:teal\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:weekly-1@example.com\r
DTSTAMP:20260101T000000Z\r
RECURRENCE-ID;TZID=Europe/Berlin:20260316T100000\r
SUMMARY:Planning (long)\r
DTSTART;TZID=Europe/Berlin:20260316T140000\r
DTEND;TZID=Europe/Berlin:20260316T170000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:holiday-1@example.com\r
DTSTAMP:20260101T000000Z\r
SUMMARY:Holiday\r
DTSTART;VALUE=DATE:20260305\r
DTEND;VALUE=DATE:20260306\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:nostart@example.com\r
DTSTAMP:20260101T000000Z\r
SUMMARY:Nowhen\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:mars@example.com\r
DTSTAMP:20260101T000000Z\r
SUMMARY:Landing\r
DTSTART;TZID=Mars/Olympus:20260310T100000\r
DTEND;TZID=Mars/Olympus:20260310T110000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:backwards@example.com\r
DTSTAMP:20260101T000000Z\r
SUMMARY:Backwards\r
DTSTART:20260311T100000Z\r
DTEND:20260311T090000Z\r
END:VEVENT\r
BEGIN:VTODO\r
UID:todo-1@example.com\r
SUMMARY:File taxes\r
DUE;VALUE=DATE:20260415\r
PRIORITY:1\r
END:VTODO\r
BEGIN:VTODO\r
UID:todo-2@example.com\r
DESCRIPTION:a task without a title\r
END:VTODO\r
BEGIN:VJOURNAL\r
UID:note-1@example.com\r
SUMMARY:Minutes of the planning\r
DESCRIPTION:Moved to Kepler.\r
DTSTART;VALUE=DATE:20260302\r
END:VJOURNAL\r
BEGIN:VJOURNAL\r
UID:note-2@example.com\r
SUMMARY:Undated\r
END:VJOURNAL\r
END:VCALENDAR\r
";

const MARCH: (&str, &str) = ("2026-03-01", "2026-04-01");

#[tokio::test]
async fn an_ics_file_keeps_its_good_events_reports_the_bad_and_imports_again_in_place() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@ics.example").await;
    let report = cal.import_ics(&ann, &c, FILE).await.unwrap();
    assert_eq!((report.created, report.updated), (4, 0));
    let problems: Vec<(&str, &str)> = report
        .problems
        .iter()
        .map(|p| (p.title.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            ("", "title: 1 to 500 characters"),
            ("Undated", "it has no day (DTSTART)"),
            ("Nowhen", "it has no start (DTSTART)"),
            ("Landing", "the time zone \"Mars/Olympus\" is not known"),
            ("Backwards", "it ends before it starts"),
        ]
    );
    let got = cal
        .occurrences(&ann, window(MARCH.0, MARCH.1), None)
        .await
        .unwrap();
    assert_eq!(
        starts(&got),
        [
            "2026-03-02T10:00:00+01:00",
            "2026-03-05",
            "2026-03-09T10:00:00+01:00",
            "2026-03-16T14:00:00+01:00",
            "2026-03-23T10:00:00+01:00",
        ]
    );
    assert_eq!(got.occurrences[3].title, "Planning (long)");
    // What the file held beyond the fields Osprey edits is kept.
    let e = cal.search(&ann, "kepler", 10).await.unwrap().events;
    assert_eq!(e.len(), 1);
    let text = store.calendars().object(&c, &e[0].id).await.unwrap().ical;
    assert!(text.contains("X-EXAMPLE-COLOR:teal"), "{text}");

    // The same file again replaces what it made: nothing is doubled.
    // The task and the note, as their pages read them.
    let tasks = cal
        .tasks(&ann, osprey_calendar::TaskFilter::All, None)
        .await
        .unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        (tasks[0].fields.title.as_str(), tasks[0].fields.priority),
        ("File taxes", 1)
    );
    let notes = cal.notes(&ann, None, None, Some("kepler")).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].fields.title, "Minutes of the planning");
    assert_eq!(notes[0].fields.day.to_string(), "2026-03-02");

    let again = cal.import_ics(&ann, &c, FILE).await.unwrap();
    assert_eq!((again.created, again.updated), (0, 4));
    let got = cal
        .occurrences(&ann, window(MARCH.0, MARCH.1), None)
        .await
        .unwrap();
    assert_eq!(got.occurrences.len(), 5);
}

#[tokio::test]
async fn an_export_imported_elsewhere_gives_the_same_occurrences() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@ics.example").await;
    let (bob, bobs) = account(&store, &cal, "bob@ics.example").await;
    cal.import_ics(&ann, &c, FILE).await.unwrap();
    let mut lunch = timed("Lunch with Kim", "2026-03-12 12:30", 60, "America/New_York");
    lunch.private = true;
    cal.create_event(&ann, &c, lunch).await.unwrap();
    let exported = cal.export_ics(&ann, &c).await.unwrap();
    assert!(exported.starts_with("BEGIN:VCALENDAR"));
    assert_eq!(
        exported
            .matches("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin")
            .count(),
        1,
        "{exported}"
    );
    assert!(
        exported.contains("BEGIN:VTODO") && exported.contains("BEGIN:VJOURNAL"),
        "tasks and notes go with their calendar: {exported}"
    );
    let report = cal.import_ics(&bob, &bobs, &exported).await.unwrap();
    assert_eq!(
        (report.created, report.problems.len()),
        (5, 0),
        "{:?}",
        report.problems
    );
    let bobs_tasks = cal
        .tasks(&bob, osprey_calendar::TaskFilter::All, None)
        .await
        .unwrap();
    assert_eq!(bobs_tasks[0].fields.title, "File taxes");
    assert_eq!(
        cal.notes(&bob, None, None, None).await.unwrap()[0]
            .fields
            .title,
        "Minutes of the planning"
    );
    let a = cal
        .occurrences(&ann, window(MARCH.0, MARCH.1), None)
        .await
        .unwrap();
    let b = cal
        .occurrences(&bob, window(MARCH.0, MARCH.1), None)
        .await
        .unwrap();
    assert_eq!(starts(&a), starts(&b));
    let titles = |r: &osprey_calendar::RangeResult| {
        r.occurrences
            .iter()
            .map(|o| o.title.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(&a), titles(&b));

    // A reader's export shows a private event as busy only; free/busy cannot export.
    cal.share(&ann, &c, "bob@ics.example", Access::Read)
        .await
        .unwrap();
    let read = cal.export_ics(&bob, &c).await.unwrap();
    assert!(
        !read.contains("Kim") && read.contains("SUMMARY:Busy"),
        "{read}"
    );
    cal.share(&ann, &c, "bob@ics.example", Access::FreeBusy)
        .await
        .unwrap();
    assert!(matches!(
        cal.export_ics(&bob, &c).await,
        Err(CalendarError::Forbidden(_))
    ));
    // Importing into a calendar shared read-only is forbidden; a file too large refused.
    cal.share(&ann, &c, "bob@ics.example", Access::Read)
        .await
        .unwrap();
    assert!(matches!(
        cal.import_ics(&bob, &c, FILE).await,
        Err(CalendarError::Forbidden(_))
    ));
    let huge = "X".repeat(osprey_calendar::MAX_IMPORT_BYTES + 1);
    assert!(matches!(
        cal.import_ics(&ann, &c, &huge).await,
        Err(CalendarError::TooLarge(_))
    ));
}

#[tokio::test]
async fn a_feed_serves_its_calendar_until_it_is_revoked() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@ics.example").await;
    let (bob, _) = account(&store, &cal, "bob@ics.example").await;
    cal.create_event(
        &ann,
        &c,
        timed("Dentist", "2026-03-12 08:00", 30, "Europe/Paris"),
    )
    .await
    .unwrap();
    let token = cal.create_feed(&ann, &c).await.unwrap();
    assert_eq!(token.len(), 64);
    assert!(cal.get(&ann, &c).await.unwrap().has_feed);
    let ics = cal.feed(&token).await.unwrap();
    assert!(ics.contains("SUMMARY:Dentist"), "{ics}");
    // Only the owner makes one; a new token revokes the old; deleting revokes it.
    assert!(matches!(
        cal.create_feed(&bob, &c).await,
        Err(CalendarError::NotFound)
    ));
    let second = cal.create_feed(&ann, &c).await.unwrap();
    assert!(matches!(
        cal.feed(&token).await,
        Err(CalendarError::NotFound)
    ));
    assert!(cal.feed(&second.to_uppercase()).await.is_ok());
    cal.delete_feed(&ann, &c).await.unwrap();
    for t in [second.as_str(), "", "not-a-token", &"0".repeat(64)] {
        assert!(
            matches!(cal.feed(t).await, Err(CalendarError::NotFound)),
            "{t}"
        );
    }
    assert!(matches!(
        cal.delete_feed(&ann, &c).await,
        Err(CalendarError::NotFound)
    ));
}

#[tokio::test]
async fn search_finds_titles_places_and_notes_the_account_may_read() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@ics.example").await;
    let (bob, _) = account(&store, &cal, "bob@ics.example").await;
    let mut review = timed("Quarterly review", "2026-04-02 15:00", 60, "UTC");
    review.description = "Bring the 100% numbers".into();
    cal.create_event(&ann, &c, review).await.unwrap();
    let mut doctor = timed("Doctor", "2026-04-03 09:00", 30, "UTC");
    doctor.location = "Review Street 5".into();
    doctor.private = true;
    cal.create_event(&ann, &c, doctor).await.unwrap();
    let titles = |v: osprey_calendar::SearchResults| {
        v.events
            .into_iter()
            .map(|e| e.fields.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        titles(cal.search(&ann, "REVIEW", 10).await.unwrap()),
        ["Doctor", "Quarterly review"]
    );
    // "%" is a character, not a wildcard.
    assert_eq!(
        titles(cal.search(&ann, "100%", 10).await.unwrap()),
        ["Quarterly review"]
    );
    assert!(titles(cal.search(&ann, "10%0", 10).await.unwrap()).is_empty());
    assert!(titles(cal.search(&bob, "review", 10).await.unwrap()).is_empty());
    // Tasks and notes are found too: a task by its notes, a note by its text.
    cal.create_task(
        &ann,
        &c,
        osprey_calendar::TaskFields {
            title: "Slides".into(),
            notes: "for the quarterly REVIEW".into(),
            due: None,
            start: None,
            priority: 0,
            status: osprey_calendar::TaskStatus::NeedsAction,
            percent: 0,
            parent: None,
            repeat: None,
            reminders: None,
        },
    )
    .await
    .unwrap();
    cal.create_note(
        &ann,
        &c,
        osprey_calendar::NoteFields {
            title: "Minutes".into(),
            text: "The review went well.".into(),
            day: chrono::NaiveDate::from_ymd_opt(2026, 4, 2).unwrap(),
        },
    )
    .await
    .unwrap();
    let all = cal.search(&ann, "review", 10).await.unwrap();
    assert_eq!(all.events.len(), 2);
    assert_eq!(all.tasks.len(), 1);
    assert_eq!(all.tasks[0].fields.title, "Slides");
    assert_eq!(all.notes.len(), 1);
    assert_eq!(all.notes[0].fields.title, "Minutes");
    cal.share(&ann, &c, "bob@ics.example", Access::Read)
        .await
        .unwrap();
    assert_eq!(
        titles(cal.search(&bob, "review", 10).await.unwrap()),
        ["Quarterly review"]
    );
    cal.share(&ann, &c, "bob@ics.example", Access::FreeBusy)
        .await
        .unwrap();
    assert!(titles(cal.search(&bob, "review", 10).await.unwrap()).is_empty());
}

/// A file of `n` one-hour events on the days of March 2026, from the 1st.
fn events(n: usize) -> String {
    let mut file = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n");
    for i in 0..n {
        file.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:many-{i}@example.com\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Event {i}\r\nDTSTART:202603{:02}T090000Z\r\nDTEND:202603{:02}T100000Z\r\nEND:VEVENT\r\n",
            i % 28 + 1,
            i % 28 + 1
        ));
    }
    file.push_str("END:VCALENDAR\r\n");
    file
}

#[tokio::test]
async fn an_import_keeps_the_first_events_up_to_its_limit_and_reports_the_rest() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = osprey_calendar::CalendarService::with_limits(
        store.clone(),
        osprey_calendar::Limits {
            max_import_events: 3,
            ..osprey_calendar::Limits::default()
        },
    );
    let (ann, c) = account(&store, &cal, "ann@ics.example").await;
    let report = cal.import_ics(&ann, &c, &events(5)).await.unwrap();
    assert_eq!((report.created, report.updated), (3, 0));
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0]
            .message
            .contains("at most 3 items: the file's items after the first 3"),
        "{:?}",
        report.problems
    );
    let got = cal
        .occurrences(&ann, window(MARCH.0, MARCH.1), None)
        .await
        .unwrap();
    let titles: Vec<&str> = got.occurrences.iter().map(|o| o.title.as_str()).collect();
    assert_eq!(titles, ["Event 0", "Event 1", "Event 2"], "the first ones");
}

/// Rules that would give a million dates, or never end, import like any other and are
/// expanded only as far as a window asks, within the query's bound.
const ENDLESS: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
BEGIN:VEVENT\r
UID:million@example.com\r
DTSTAMP:20260101T000000Z\r
SUMMARY:A million mornings\r
DTSTART:20260301T070000Z\r
DTEND:20260301T071500Z\r
RRULE:FREQ=DAILY;COUNT=1000000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:forever@example.com\r
DTSTAMP:20260101T000000Z\r
SUMMARY:Every minute\r
DTSTART:20260301T000000Z\r
DTEND:20260301T000100Z\r
RRULE:FREQ=MINUTELY\r
END:VEVENT\r
END:VCALENDAR\r
";

#[tokio::test]
async fn rules_of_a_million_dates_or_none_import_and_expand_only_within_the_bound() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = osprey_calendar::CalendarService::with_limits(
        store.clone(),
        osprey_calendar::Limits {
            max_occurrences: 100,
            ..osprey_calendar::Limits::default()
        },
    );
    let (ann, c) = account(&store, &cal, "ann@ics.example").await;
    let report = cal.import_ics(&ann, &c, ENDLESS).await.unwrap();
    assert_eq!(
        (report.created, report.problems.len()),
        (2, 0),
        "{report:?}"
    );
    // A day holds 1,440 minutes: the query stops at its bound and says so.
    let day = cal
        .occurrences(&ann, window("2026-03-02", "2026-03-03"), None)
        .await
        .unwrap();
    assert_eq!(day.occurrences.len(), 100);
    assert!(day.truncated);
    // Years on, the million mornings still come (they run to the 29th century); the
    // endless minutes lie beyond the dates a rule is expanded to (a month of minutes),
    // so that rule is cut there, and the answer says so rather than expanding millions.
    let later = cal
        .occurrences(&ann, window("2031-06-02", "2031-06-03"), None)
        .await
        .unwrap();
    let titles: Vec<&str> = later.occurrences.iter().map(|o| o.title.as_str()).collect();
    assert_eq!(titles, ["A million mornings"]);
    assert!(later.truncated);
}
