//! E-mail reminders: the schedule each save writes, the worker that mails each one
//! once — every occurrence of a series, after a worker stopped mid-way, with two
//! workers (nodes) on one database — and the grace period for reminders missed while
//! no server ran.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use osprey_calendar::{
    CalendarService, Due, EventFields, Frequency, Recurrence, Reminder, ReminderPass,
    ReminderSettings, ReminderWorker, TaskFields, TaskStatus,
};
use osprey_mail::LocalDelivery;
use osprey_store::{AccountChanges, Store, blob::BlobStore, blob::FsBlobStore, testing::TestDb};

use crate::support::{account, repeating, service, timed};

struct World {
    store: Store,
    blobs: Arc<dyn BlobStore>,
    cal: CalendarService,
    ann: String,
    calendar: String,
}

async fn world(db: &TestDb) -> World {
    let store = db.store().await;
    let blobs: Arc<dyn BlobStore> = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
    let cal = service(&store);
    let (ann, calendar) = account(&store, &cal, "ann@remind.example").await;
    store
        .accounts()
        .update_account(
            &ann,
            AccountChanges {
                time_zone: Some(Some("Europe/Berlin".into())),
                ..AccountChanges::default()
            },
        )
        .await
        .unwrap();
    World {
        store,
        blobs,
        cal,
        ann,
        calendar,
    }
}

impl World {
    fn worker(&self, store: &Store) -> ReminderWorker {
        ReminderWorker::new(
            service(store),
            LocalDelivery::new(store.clone(), self.blobs.clone()),
            ReminderSettings {
                hostname: "mail.remind.example".into(),
                web_url: "https://mail.remind.example".into(),
                ..ReminderSettings::default()
            },
        )
    }

    /// The text of every message in Ann's INBOX, oldest first.
    async fn inbox(&self) -> Vec<String> {
        let inbox = self
            .store
            .messages()
            .mailbox_by_name(&self.ann, "INBOX")
            .await
            .unwrap();
        let mut out = Vec::new();
        for m in self.store.messages().in_mailbox(&inbox.id).await.unwrap() {
            let body = self.blobs.get(&m.blob_hash).await.unwrap();
            out.push(String::from_utf8(body).unwrap());
        }
        out
    }

    async fn add(&self, f: EventFields) -> String {
        self.cal
            .create_event(&self.ann, &self.calendar, f)
            .await
            .expect("the event")
            .id
    }

    async fn next(&self, event: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.store.calendars().next_reminder(event).await.unwrap()
    }
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A timed event next year (reminders are scheduled from now on).
fn with_reminders(title: &str, start: &str, reminders: Vec<Reminder>) -> EventFields {
    EventFields {
        reminders: Some(reminders),
        ..timed(title, start, 60, "Europe/Berlin")
    }
}

fn sent(n: usize) -> ReminderPass {
    ReminderPass {
        sent: n,
        ..ReminderPass::default()
    }
}

#[tokio::test]
async fn each_occurrence_is_reminded_once_at_its_time_in_the_owners_zone() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let year = Utc::now().format("%Y").to_string().parse::<i32>().unwrap() + 1;
    // A weekly meeting at 09:00 Berlin time from the Monday before summer time starts
    // (the last Sunday of March) — reminded a day and ten minutes before.
    let first = chrono::NaiveDate::from_ymd_opt(year, 3, 31).unwrap();
    let monday = (0..7)
        .map(|d| first - Duration::days(d))
        .find(|d| chrono::Datelike::weekday(d) == chrono::Weekday::Sun)
        .unwrap()
        - Duration::days(6);
    let mut f = with_reminders(
        "Team meeting",
        &format!("{monday} 09:00"),
        vec![Reminder::Before(10), Reminder::Before(1440)],
    );
    f.location = "Room 4".into();
    // The server's look names the product the reminders come from.
    w.store
        .brandings()
        .save_look(
            osprey_store::SERVER_SCOPE,
            &osprey_core::look::Look {
                product_name: Some("Remind Mail".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let f = repeating(
        f,
        Recurrence {
            count: Some(3),
            ..Recurrence::every(Frequency::Weekly)
        },
    );
    let id = w.add(f).await;
    let berlin = |d: chrono::NaiveDate, h: u32, m: u32| {
        chrono_tz::Europe::Berlin
            .from_local_datetime(&d.and_hms_opt(h, m, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let start1 = berlin(monday, 9, 0);
    assert_eq!(
        w.next(&id).await,
        Some((start1 - Duration::days(1), start1)),
        "the first reminder is the day before the first meeting"
    );
    let worker = w.worker(&w.store);
    assert_eq!(
        worker
            .run_due(start1 - Duration::days(1) - Duration::seconds(1))
            .await
            .unwrap(),
        ReminderPass::default(),
        "nothing is due a second early"
    );
    assert_eq!(
        worker.run_due(start1 - Duration::days(1)).await.unwrap(),
        sent(1)
    );
    assert_eq!(
        worker.run_due(start1 - Duration::days(1)).await.unwrap(),
        ReminderPass::default(),
        "a reminder goes once"
    );
    assert_eq!(
        w.next(&id).await,
        Some((start1 - Duration::minutes(10), start1))
    );
    assert_eq!(
        worker
            .run_due(start1 - Duration::minutes(10))
            .await
            .unwrap(),
        sent(1)
    );
    // The second and third meetings are in summer time: still 09:00 in Berlin.
    for week in [1, 2] {
        let s = berlin(monday + Duration::days(7 * week), 9, 0);
        assert_eq!(w.next(&id).await, Some((s - Duration::days(1), s)));
        assert_eq!(
            worker.run_due(s - Duration::days(1)).await.unwrap(),
            sent(1)
        );
        assert_eq!(
            worker.run_due(s - Duration::minutes(10)).await.unwrap(),
            sent(1)
        );
    }
    assert_eq!(
        w.next(&id).await,
        None,
        "a series that ended has nothing left"
    );
    let mail = w.inbox().await;
    assert_eq!(mail.len(), 6, "two reminders for each of three meetings");
    let second = &mail[4];
    let day2 = monday + Duration::days(14);
    assert!(
        second.contains(&format!(
            "Subject: Reminder: Team meeting ({}, 09:00)",
            day2.format("%a %-d %b")
        )),
        "{second}"
    );
    assert!(
        second.contains(&format!(
            "When: {}, 09:00 to 10:00",
            day2.format("%A %-d %B %Y")
        )),
        "the time in the owner's zone: {second}"
    );
    assert!(second.contains("(Europe/Berlin)") && second.contains("Where: Room 4"));
    assert!(second.contains(&format!("https://mail.remind.example/calendar?date={day2}")));
    assert!(second.contains("Auto-Submitted: auto-generated"));
    assert!(
        second.contains("From: \"Remind Mail Calendar\" <noreply@mail.remind.example>"),
        "{second}"
    );
    assert!(!second.contains("was due at"), "sent on time");
}

#[tokio::test]
async fn reminders_follow_changes_and_the_calendars_defaults() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let year = Utc::now().format("%Y").to_string().parse::<i32>().unwrap() + 1;
    let start = chrono_tz::Europe::Berlin
        .with_ymd_and_hms(year, 6, 2, 14, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    // No reminders given: the calendar's defaults (none on a new calendar).
    let id = w
        .add(timed(
            "Call",
            &format!("{year}-06-02 14:00"),
            30,
            "Europe/Berlin",
        ))
        .await;
    assert_eq!(w.next(&id).await, None);
    let e = w.cal.get_event(&w.ann, &w.calendar, &id).await.unwrap();
    assert_eq!(e.fields.reminders, Some(vec![]));
    // A change that says nothing of reminders keeps them; one that does replaces them.
    let mut f = e.fields.clone();
    f.reminders = Some(vec![
        Reminder::Before(60),
        Reminder::At(start - Duration::days(2)),
    ]);
    w.cal
        .update_event(
            &w.ann,
            &w.calendar,
            &id,
            f,
            None,
            osprey_calendar::Scope::All,
        )
        .await
        .unwrap();
    assert_eq!(w.next(&id).await, Some((start - Duration::days(2), start)));
    let mut f = w
        .cal
        .get_event(&w.ann, &w.calendar, &id)
        .await
        .unwrap()
        .fields;
    assert_eq!(
        f.reminders,
        Some(vec![
            Reminder::Before(60),
            Reminder::At(start - Duration::days(2))
        ])
    );
    f.title = "Call with Bo".into();
    f.reminders = None;
    let e = w
        .cal
        .update_event(
            &w.ann,
            &w.calendar,
            &id,
            f,
            None,
            osprey_calendar::Scope::All,
        )
        .await
        .unwrap();
    assert_eq!(e.fields.reminders.as_ref().map(Vec::len), Some(2), "kept");
    // The iCalendar text holds them as VALARMs (RFC 5545 §3.6.6: "ACTION" and "TRIGGER"
    // are REQUIRED; a DISPLAY alarm also needs a DESCRIPTION).
    let ics = w.cal.export_ics(&w.ann, &w.calendar).await.unwrap();
    assert_eq!(ics.matches("BEGIN:VALARM").count(), 2, "{ics}");
    assert!(ics.contains("TRIGGER:-PT1H"), "{ics}");
    assert!(ics.contains("TRIGGER;VALUE=DATE-TIME:"), "{ics}");
    assert!(
        ics.contains("ACTION:DISPLAY") && ics.contains("DESCRIPTION:Call with Bo"),
        "{ics}"
    );
    // Too many, or too far ahead: named and refused.
    let mut bad = e.fields.clone();
    bad.reminders = Some(vec![Reminder::Before(40_321)]);
    let err = w
        .cal
        .update_event(
            &w.ann,
            &w.calendar,
            &id,
            bad,
            None,
            osprey_calendar::Scope::All,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("reminders[0]"), "{err}");
    // Removing them all empties the schedule; deleting the event too.
    let mut none = e.fields.clone();
    none.reminders = Some(vec![]);
    w.cal
        .update_event(
            &w.ann,
            &w.calendar,
            &id,
            none,
            None,
            osprey_calendar::Scope::All,
        )
        .await
        .unwrap();
    assert_eq!(w.next(&id).await, None);
    // A calendar's default reminders go to new events that name none.
    let work = w
        .cal
        .create(
            &w.ann,
            osprey_calendar::CalendarFields {
                name: "Work".into(),
                color: "#112233".into(),
                description: String::new(),
                time_zone: None,
                default_reminders: vec![15],
                hidden: false,
            },
        )
        .await
        .unwrap();
    let e = w
        .cal
        .create_event(
            &w.ann,
            &work.id,
            timed("Standup", &format!("{year}-06-03 09:00"), 15, "UTC"),
        )
        .await
        .unwrap();
    assert_eq!(e.fields.reminders, Some(vec![Reminder::Before(15)]));
    let at = utc(&format!("{year}-06-03T09:00:00Z"));
    assert_eq!(w.next(&e.id).await, Some((at - Duration::minutes(15), at)));
    // The web app's list of what is due soon.
    let due = w
        .cal
        .due_reminders(
            &w.ann,
            osprey_calendar::Range {
                from: at - Duration::hours(1),
                to: at,
            },
        )
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].title.as_str(), due[0].due_at),
        ("Standup", at - Duration::minutes(15))
    );
    w.cal
        .delete_event(&w.ann, &work.id, &e.id, None, osprey_calendar::Scope::All)
        .await
        .unwrap();
    assert_eq!(w.next(&e.id).await, None);
}

#[tokio::test]
async fn a_worker_that_stopped_mid_way_is_taken_over_without_a_second_mail() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let year = Utc::now().format("%Y").to_string().parse::<i32>().unwrap() + 1;
    let a = w
        .add(with_reminders(
            "Flight",
            &format!("{year}-07-01 07:00"),
            vec![Reminder::Before(120)],
        ))
        .await;
    let b = w
        .add(with_reminders(
            "Dentist",
            &format!("{year}-07-01 06:00"),
            vec![Reminder::Before(60)],
        ))
        .await;
    let (due_a, _) = w.next(&a).await.unwrap();
    let (due_b, _) = w.next(&b).await.unwrap();
    assert_eq!(due_a, due_b);
    // A node claims both with a five-minute lease, mails the flight's reminder, and
    // stops before it moves either row on (a crash, a restart).
    let node = w.worker(&w.store);
    let claimed = w
        .store
        .calendars()
        .claim_due_reminders(due_a, Duration::minutes(5), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    let flight = claimed.iter().find(|c| c.object_id == a).unwrap();
    let mail = format!(
        "From: Calendar <noreply@mail.remind.example>\r\nTo: ann@remind.example\r\n\
         Subject: Reminder: Flight\r\nMessage-ID: <{}>\r\n\r\nFlight\r\n",
        node.message_id(flight)
    );
    LocalDelivery::new(w.store.clone(), w.blobs.clone())
        .deliver(std::slice::from_ref(&w.ann), "INBOX", mail.as_bytes(), 0)
        .await
        .unwrap();
    // The restarted server's worker: nothing while the lease holds, then each once.
    let restarted = w.worker(&w.store);
    assert_eq!(
        restarted
            .run_due(due_a + Duration::minutes(1))
            .await
            .unwrap(),
        ReminderPass::default()
    );
    let pass = restarted
        .run_due(due_a + Duration::minutes(6))
        .await
        .unwrap();
    assert_eq!(
        pass,
        ReminderPass {
            sent: 1,
            already_sent: 1,
            ..ReminderPass::default()
        }
    );
    let inbox = w.inbox().await;
    assert_eq!(inbox.len(), 2, "one mail each");
    assert!(inbox[1].contains("Reminder: Dentist"));
    assert_eq!(w.next(&a).await, None);
    assert_eq!(w.next(&b).await, None);
}

#[tokio::test]
async fn two_nodes_on_one_database_send_each_reminder_once() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let year = Utc::now().format("%Y").to_string().parse::<i32>().unwrap() + 1;
    let mut ids = Vec::new();
    for i in 0..40 {
        let f = with_reminders(
            &format!("Slot {i}"),
            &format!("{year}-08-03 {:02}:{:02}", 9 + i / 12, (i % 12) * 5),
            vec![Reminder::Before(30)],
        );
        ids.push(w.add(f).await);
    }
    // Two nodes: two stores (two connection pools) on the same database, each with
    // its own worker, small batches so that they interleave.
    let other = db.store().await;
    let small = |store: &Store| {
        ReminderWorker::new(
            service(store),
            LocalDelivery::new(store.clone(), w.blobs.clone()),
            ReminderSettings {
                batch: 3,
                ..ReminderSettings::default()
            },
        )
    };
    let (one, two) = (small(&w.store), small(&other));
    // 09:00 to 12:55 in Berlin is 07:00 to 10:55 UTC; every reminder is due by 10:30.
    let now = utc(&format!("{year}-08-03T10:30:00Z"));
    let (p1, p2) = tokio::join!(
        tokio::spawn(async move { one.run_due(now).await.unwrap() }),
        tokio::spawn(async move { two.run_due(now).await.unwrap() })
    );
    let (p1, p2) = (p1.unwrap(), p2.unwrap());
    assert_eq!(p1.sent + p2.sent, 40, "{p1:?} {p2:?}");
    let inbox = w.inbox().await;
    let mut titles: Vec<String> = inbox
        .iter()
        .filter_map(|m| {
            m.lines()
                .find(|l| l.starts_with("Subject:"))
                .map(str::to_owned)
        })
        .collect();
    titles.sort();
    titles.dedup();
    assert_eq!(inbox.len(), 40, "no reminder twice");
    assert_eq!(titles.len(), inbox.len());
}

#[tokio::test]
async fn a_reminder_missed_while_down_goes_late_within_the_grace_period_only() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let year = Utc::now().format("%Y").to_string().parse::<i32>().unwrap() + 1;
    let soon = w
        .add(with_reminders(
            "Lunch",
            &format!("{year}-09-01 12:00"),
            vec![Reminder::Before(30)],
        ))
        .await;
    let (due, _) = w.next(&soon).await.unwrap();
    let worker = w.worker(&w.store);
    // The server comes back 40 minutes after the reminder was due: it goes, late.
    assert_eq!(
        worker.run_due(due + Duration::minutes(40)).await.unwrap(),
        sent(1)
    );
    let mail = w.inbox().await;
    assert!(
        mail[0].contains(&format!(
            "This reminder was due at {}, 11:30",
            chrono::NaiveDate::from_ymd_opt(year, 9, 1)
                .unwrap()
                .format("%A %-d %B %Y")
        )),
        "{}",
        mail[0]
    );
    // Seven hours late (the grace period is six): skipped, and the schedule moves on.
    let old = w
        .add(repeating(
            with_reminders(
                "Gym",
                &format!("{year}-09-02 18:00"),
                vec![Reminder::Before(0)],
            ),
            Recurrence {
                count: Some(2),
                ..Recurrence::every(Frequency::Daily)
            },
        ))
        .await;
    let (due, occurrence) = w.next(&old).await.unwrap();
    let pass = worker.run_due(due + Duration::hours(7)).await.unwrap();
    assert_eq!(
        pass,
        ReminderPass {
            skipped: 1,
            ..ReminderPass::default()
        }
    );
    assert_eq!(
        w.next(&old).await,
        Some((
            occurrence + Duration::days(1),
            occurrence + Duration::days(1)
        )),
        "the next day's reminder is still to come"
    );
    assert_eq!(w.inbox().await.len(), 1);
}

fn task_due_at(title: &str, at: &str, reminders: Vec<Reminder>) -> TaskFields {
    TaskFields {
        title: title.into(),
        notes: "Standing order form".into(),
        due: Some(Due::At {
            at: crate::support::at(at),
            time_zone: "Europe/Berlin".into(),
        }),
        start: None,
        priority: 0,
        status: TaskStatus::NeedsAction,
        percent: 0,
        parent: None,
        repeat: None,
        reminders: Some(reminders),
    }
}

/// RFC 5545 §3.8.6.3: "If the alarm is specified for a to-do with a trigger set relative
/// to the END, then either the 'DUE' property or the 'DTSTART' and 'DURATION' properties
/// MUST be present" — a task's reminders count back from when it is due.
#[tokio::test]
async fn a_tasks_reminders_count_back_from_its_due_time_and_follow_its_repeats() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let year = Utc::now().format("%Y").to_string().parse::<i32>().unwrap() + 1;
    let berlin = |s: &str| {
        chrono_tz::Europe::Berlin
            .from_local_datetime(&crate::support::at(s))
            .unwrap()
            .with_timezone(&Utc)
    };
    let rent = TaskFields {
        repeat: Some(Recurrence {
            count: Some(3),
            ..Recurrence::every(Frequency::Monthly)
        }),
        ..task_due_at(
            "Pay rent",
            &format!("{year}-05-01 17:00"),
            vec![Reminder::Before(60)],
        )
    };
    let t = w
        .cal
        .create_task(&w.ann, &w.calendar, rent)
        .await
        .expect("the task");
    assert_eq!(t.fields.reminders, Some(vec![Reminder::Before(60)]));
    let stored = w
        .store
        .calendars()
        .object(&w.calendar, &t.id)
        .await
        .unwrap();
    assert!(
        stored.ical.contains("TRIGGER;RELATED=END:-PT1H"),
        "{}",
        stored.ical
    );
    let due = berlin(&format!("{year}-05-01 17:00"));
    assert_eq!(w.next(&t.id).await, Some((due - Duration::hours(1), due)));
    let worker = w.worker(&w.store);
    assert_eq!(
        worker.run_due(due - Duration::hours(1)).await.unwrap(),
        sent(1)
    );
    assert_eq!(w.next(&t.id).await, None, "one reminder for this due date");
    let mail = w.inbox().await;
    let day = chrono::NaiveDate::from_ymd_opt(year, 5, 1).unwrap();
    assert!(
        mail[0].contains(&format!(
            "Subject: Reminder: Pay rent (due {}, 17:00)",
            day.format("%a %-d %b")
        )),
        "{}",
        mail[0]
    );
    assert!(
        mail[0].contains(&format!(
            "Due: {}, 17:00 (Europe/Berlin)",
            day.format("%A %-d %B %Y")
        )),
        "{}",
        mail[0]
    );
    // The tasks page is at /calendar/tasks (a link to /tasks found no page).
    assert!(mail[0].contains("https://mail.remind.example/calendar/tasks"));
    assert!(mail[0].contains("Standing order form"));

    // Completing it moves it to the next month, and its reminder with it (a change
    // that names no reminders keeps them).
    let done = TaskFields {
        status: TaskStatus::Completed,
        reminders: None,
        ..t.fields.clone()
    };
    let moved = w
        .cal
        .update_task(&w.ann, &w.calendar, &t.id, done)
        .await
        .unwrap();
    assert_eq!(moved.fields.reminders, Some(vec![Reminder::Before(60)]));
    let june = berlin(&format!("{year}-06-01 17:00"));
    assert_eq!(w.next(&t.id).await, Some((june - Duration::hours(1), june)));
    // A task cancelled has none.
    w.cal
        .update_task(
            &w.ann,
            &w.calendar,
            &t.id,
            TaskFields {
                status: TaskStatus::Cancelled,
                ..moved.fields.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(w.next(&t.id).await, None);

    // A task due on a day is due at its start: fifteen hours before is 09:00 the day
    // before, and the web app's list of due reminders has it too.
    let bins = w
        .cal
        .create_task(
            &w.ann,
            &w.calendar,
            TaskFields {
                due: Some(Due::Day(
                    chrono::NaiveDate::from_ymd_opt(year, 7, 14).unwrap(),
                )),
                ..task_due_at("Bins out", "2000-01-01 00:00", vec![Reminder::Before(900)])
            },
        )
        .await
        .unwrap();
    let midnight = berlin(&format!("{year}-07-14 00:00"));
    let nine = berlin(&format!("{year}-07-13 09:00"));
    assert_eq!(w.next(&bins.id).await, Some((nine, midnight)));
    let due = w
        .cal
        .due_reminders(
            &w.ann,
            osprey_calendar::Range {
                from: nine - Duration::hours(1),
                to: nine + Duration::hours(1),
            },
        )
        .await
        .unwrap();
    assert_eq!(due.len(), 1, "{due:?}");
    assert!(due[0].task && due[0].item_id == bins.id && due[0].all_day);
    assert_eq!((due[0].due_at, due[0].starts_at), (nine, midnight));
    assert_eq!(worker.run_due(nine).await.unwrap(), sent(1));
    let mail = w.inbox().await;
    assert!(
        mail[1].contains(&format!(
            "Subject: Reminder: Bins out (due {})",
            chrono::NaiveDate::from_ymd_opt(year, 7, 14)
                .unwrap()
                .format("%a %-d %b")
        )),
        "{}",
        mail[1]
    );
}
