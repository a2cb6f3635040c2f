//! Tasks (VTODO) and notes (VJOURNAL).

use chrono::{Duration, Utc};
use osprey_calendar::{Access, CalendarError, Due, NoteFields, TaskFields, TaskFilter, TaskStatus};
use osprey_store::testing::TestDb;

use crate::support::{account, day, service};

fn task(title: &str, due: Option<Due>, priority: u8) -> TaskFields {
    TaskFields {
        title: title.into(),
        notes: String::new(),
        due,
        start: None,
        priority,
        status: TaskStatus::NeedsAction,
        percent: 0,
        parent: None,
        repeat: None,
        reminders: None,
    }
}

#[tokio::test]
async fn a_to_do_list_filters_sorts_and_completes() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@tasks.example").await;
    let today = Utc::now().date_naive();
    let made = |t: TaskFields| {
        let (cal, ann, c) = (cal.clone(), ann.clone(), c.clone());
        async move { cal.create_task(&ann, &c, t).await.unwrap() }
    };
    made(task(
        "Pay rent",
        Some(Due::Day(today - Duration::days(2))),
        1,
    ))
    .await;
    let call = made(task("Call plumber", Some(Due::Day(today)), 5)).await;
    made(task("Buy milk", Some(Due::Day(today)), 1)).await;
    made(task(
        "Plan trip",
        Some(Due::Day(today + Duration::days(10))),
        0,
    ))
    .await;
    let someday = made(task("Learn Welsh", None, 9)).await;
    let titles =
        |v: Vec<osprey_calendar::Task>| v.into_iter().map(|t| t.fields.title).collect::<Vec<_>>();
    assert_eq!(
        titles(cal.tasks(&ann, TaskFilter::Overdue, None).await.unwrap()),
        ["Pay rent"]
    );
    // Due the same day: higher priority (1) first.
    assert_eq!(
        titles(cal.tasks(&ann, TaskFilter::Today, None).await.unwrap()),
        ["Buy milk", "Call plumber"]
    );
    assert_eq!(
        titles(cal.tasks(&ann, TaskFilter::Upcoming, None).await.unwrap()),
        ["Plan trip", "Learn Welsh"]
    );

    // Completing stamps the time and 100 %; it leaves the open lists.
    let mut done = call.fields.clone();
    done.status = TaskStatus::Completed;
    let done = cal.update_task(&ann, &c, &call.id, done).await.unwrap();
    assert_eq!(done.fields.percent, 100);
    assert!(done.completed_at.is_some());
    assert_eq!(
        titles(cal.tasks(&ann, TaskFilter::Today, None).await.unwrap()),
        ["Buy milk"]
    );
    assert_eq!(
        titles(cal.tasks(&ann, TaskFilter::Done, None).await.unwrap()),
        ["Call plumber"]
    );
    // Reopening clears it.
    let mut open = done.fields.clone();
    open.status = TaskStatus::InProcess;
    open.percent = 50;
    let open = cal.update_task(&ann, &c, &call.id, open).await.unwrap();
    assert!(open.completed_at.is_none());
    assert_eq!(open.fields.status, TaskStatus::InProcess);

    // A subtask names its parent; the stored form is a VTODO with RELATED-TO.
    let mut sub = task(
        "Book flights",
        Some(Due::At {
            at: crate::support::at("2030-01-05 18:00"),
            time_zone: "Europe/Lisbon".into(),
        }),
        3,
    );
    sub.parent = Some(someday.uid.clone());
    let sub = cal.create_task(&ann, &c, sub).await.unwrap();
    let text = store.calendars().object(&c, &sub.id).await.unwrap().ical;
    for want in [
        "BEGIN:VTODO",
        &format!("RELATED-TO:{}", someday.uid),
        "DUE;TZID=Europe/Lisbon:20300105T180000",
        "PRIORITY:3",
        "STATUS:NEEDS-ACTION",
    ] {
        assert!(text.contains(want), "{want} missing from\n{text}");
    }
    assert_eq!(
        cal.get_task(&ann, &c, &sub.id)
            .await
            .unwrap()
            .fields
            .parent
            .as_deref(),
        Some(someday.uid.as_str())
    );

    // Bad fields are named and change nothing.
    for (f, field) in [
        (task("", None, 0), "title"),
        (task("X", None, 10), "priority"),
        (
            TaskFields {
                percent: 101,
                ..task("X", None, 0)
            },
            "percent",
        ),
        (
            TaskFields {
                reminders: Some(vec![osprey_calendar::Reminder::Before(10)]),
                ..task("X", None, 0)
            },
            "reminders",
        ),
        (
            TaskFields {
                start: Some(day("2030-02-01")),
                ..task("X", Some(Due::Day(day("2030-01-01"))), 0)
            },
            "start",
        ),
        (
            task(
                "X",
                Some(Due::At {
                    at: crate::support::at("2030-01-01 10:00"),
                    time_zone: "Nowhere".into(),
                }),
                0,
            ),
            "time_zone",
        ),
    ] {
        match cal.create_task(&ann, &c, f).await {
            Err(CalendarError::Invalid { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(
        cal.tasks(&ann, TaskFilter::All, None).await.unwrap().len(),
        6
    );
    // Events are not tasks, and tasks are not events.
    assert!(matches!(
        cal.get_event(&ann, &c, &sub.id).await,
        Err(CalendarError::NotFound)
    ));
    cal.delete_task(&ann, &c, &sub.id).await.unwrap();
    assert!(matches!(
        cal.get_task(&ann, &c, &sub.id).await,
        Err(CalendarError::NotFound)
    ));
}

#[tokio::test]
async fn tasks_and_notes_follow_the_calendars_sharing() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@tasks.example").await;
    let (bob, _) = account(&store, &cal, "bob@tasks.example").await;
    let t = cal
        .create_task(&ann, &c, task("Water plants", None, 0))
        .await
        .unwrap();
    let note = NoteFields {
        title: "Ideas".into(),
        text: "A garden shed\r\nPaint the fence".into(),
        day: day("2026-05-04"),
    };
    let n = cal.create_note(&ann, &c, note).await.unwrap();
    assert_eq!(n.fields.text, "A garden shed\nPaint the fence");
    cal.create_note(
        &ann,
        &c,
        NoteFields {
            title: "Later".into(),
            text: String::new(),
            day: day("2026-05-20"),
        },
    )
    .await
    .unwrap();
    // Notes by day, latest first; by window; by words.
    let titles =
        |v: Vec<osprey_calendar::Note>| v.into_iter().map(|n| n.fields.title).collect::<Vec<_>>();
    assert_eq!(
        titles(cal.notes(&ann, None, None, None).await.unwrap()),
        ["Later", "Ideas"]
    );
    assert_eq!(
        titles(
            cal.notes(&ann, Some(day("2026-05-01")), Some(day("2026-05-10")), None)
                .await
                .unwrap()
        ),
        ["Ideas"]
    );
    assert_eq!(
        titles(cal.notes(&ann, None, None, Some("FENCE")).await.unwrap()),
        ["Ideas"]
    );
    // Bob sees nothing until it is shared; read-only cannot change them.
    assert!(
        cal.tasks(&bob, TaskFilter::All, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(cal.notes(&bob, None, None, None).await.unwrap().is_empty());
    assert!(matches!(
        cal.get_task(&bob, &c, &t.id).await,
        Err(CalendarError::NotFound)
    ));
    cal.share(&ann, &c, "bob@tasks.example", Access::Read)
        .await
        .unwrap();
    assert_eq!(
        cal.tasks(&bob, TaskFilter::All, None).await.unwrap().len(),
        1
    );
    assert_eq!(cal.notes(&bob, None, None, None).await.unwrap().len(), 2);
    assert!(matches!(
        cal.update_task(&bob, &c, &t.id, task("Mine", None, 0))
            .await,
        Err(CalendarError::Forbidden(_))
    ));
    assert!(matches!(
        cal.delete_note(&bob, &c, &n.id).await,
        Err(CalendarError::Forbidden(_))
    ));
    cal.share(&ann, &c, "bob@tasks.example", Access::FreeBusy)
        .await
        .unwrap();
    assert!(
        cal.tasks(&bob, TaskFilter::All, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(cal.notes(&bob, None, None, None).await.unwrap().is_empty());
    let changed = cal
        .update_note(
            &ann,
            &c,
            &n.id,
            NoteFields {
                title: "Ideas (2)".into(),
                text: "Shed".into(),
                day: day("2026-05-05"),
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.fields.day, day("2026-05-05"));
    let text = store.calendars().object(&c, &n.id).await.unwrap().ical;
    assert!(
        text.contains("BEGIN:VJOURNAL") && text.contains("DTSTART;VALUE=DATE:20260505"),
        "{text}"
    );
}

#[tokio::test]
async fn a_repeating_task_moves_on_when_completed_until_its_rule_ends() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@tasks.example").await;
    // Water the plants every Monday and Thursday, four times.
    let mut f = task("Water the plants", Some(Due::Day(day("2026-06-01"))), 0);
    f.repeat = Some(osprey_calendar::Recurrence {
        count: Some(4),
        by_day: vec![
            osprey_calendar::DayRule {
                weekday: chrono::Weekday::Mon,
                ordinal: None,
            },
            osprey_calendar::DayRule {
                weekday: chrono::Weekday::Thu,
                ordinal: None,
            },
        ],
        ..osprey_calendar::Recurrence::every(osprey_calendar::Frequency::Weekly)
    });
    let t = cal.create_task(&ann, &c, f).await.unwrap();
    assert!(t.fields.repeat.is_some());
    assert_eq!(t.fields.start, None, "the rule's start is not a start day");
    let mut dues = vec![];
    let mut now = t;
    for _ in 0..4 {
        dues.push(now.fields.due.clone());
        let mut done = now.fields.clone();
        done.status = TaskStatus::Completed;
        now = cal.update_task(&ann, &c, &now.id, done).await.unwrap();
    }
    assert_eq!(
        dues,
        [
            Some(Due::Day(day("2026-06-01"))),
            Some(Due::Day(day("2026-06-04"))),
            Some(Due::Day(day("2026-06-08"))),
            Some(Due::Day(day("2026-06-11"))),
        ]
    );
    assert_eq!(
        now.fields.status,
        TaskStatus::Completed,
        "the fourth one completes"
    );
    assert!(now.completed_at.is_some());
    // A rule needs a due date to count from; a wrong rule is named as `repeat`.
    let mut bad = task("Someday", None, 0);
    bad.repeat = Some(osprey_calendar::Recurrence::every(
        osprey_calendar::Frequency::Daily,
    ));
    let err = cal.create_task(&ann, &c, bad).await.unwrap_err();
    assert!(err.to_string().starts_with("repeat"), "{err}");
    let mut zero = task("Daily", Some(Due::Day(day("2026-06-01"))), 0);
    zero.repeat = Some(osprey_calendar::Recurrence {
        interval: 0,
        ..osprey_calendar::Recurrence::every(osprey_calendar::Frequency::Daily)
    });
    let err = cal.create_task(&ann, &c, zero).await.unwrap_err();
    assert!(err.to_string().starts_with("repeat.interval"), "{err}");
}
