//! Recurrence against fixed lists of expected occurrences (RFC 5545 §3.3.10, §3.8.5),
//! in the event's time zone across daylight-saving changes, and exceptions.

use chrono::Weekday;
use osprey_calendar::{CalendarError, DayRule, EventFields, Frequency, Recurrence, Scope, When};
use osprey_store::testing::TestDb;

use crate::support::{account, at, day, repeating, service, starts, timed, window};

fn count(frequency: Frequency, n: u32) -> Recurrence {
    Recurrence {
        count: Some(n),
        ..Recurrence::every(frequency)
    }
}

#[tokio::test]
async fn a_weekly_event_keeps_its_wall_time_across_daylight_saving_changes() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    // Berlin leaves winter time on Sunday 29 March 2026 and returns on 25 October;
    // New York springs forward on 8 March and falls back on 1 November.
    cal.create_event(
        &ann,
        &c,
        repeating(
            timed("Berlin", "2026-03-16 09:00", 60, "Europe/Berlin"),
            count(Frequency::Weekly, 4),
        ),
    )
    .await
    .unwrap();
    cal.create_event(
        &ann,
        &c,
        repeating(
            timed("Autumn", "2026-10-24 08:00", 30, "Europe/Berlin"),
            count(Frequency::Daily, 3),
        ),
    )
    .await
    .unwrap();
    cal.create_event(
        &ann,
        &c,
        repeating(
            timed("New York", "2026-03-07 09:00", 30, "America/New_York"),
            count(Frequency::Daily, 3),
        ),
    )
    .await
    .unwrap();
    let got = cal
        .occurrences(&ann, window("2026-03-01", "2026-04-30"), None)
        .await
        .unwrap();
    assert_eq!(
        starts(&got),
        [
            "2026-03-07T09:00:00-05:00",
            "2026-03-08T09:00:00-04:00",
            "2026-03-09T09:00:00-04:00",
            "2026-03-16T09:00:00+01:00",
            "2026-03-23T09:00:00+01:00",
            "2026-03-30T09:00:00+02:00",
            "2026-04-06T09:00:00+02:00",
        ]
    );
    assert!(!got.truncated);
    let autumn = cal
        .occurrences(&ann, window("2026-10-20", "2026-10-30"), None)
        .await
        .unwrap();
    assert_eq!(
        starts(&autumn),
        [
            "2026-10-24T08:00:00+02:00",
            "2026-10-25T08:00:00+01:00",
            "2026-10-26T08:00:00+01:00",
        ]
    );
    // Each occurrence names itself by its UTC start, what an edit of it gives back.
    let first = &got.occurrences[3];
    assert_eq!(first.recurrence_id.as_deref(), Some("2026-03-16T08:00:00Z"));
    assert!(first.recurring && !first.exception);
}

#[tokio::test]
async fn months_without_the_day_are_skipped_and_positions_count_from_the_end() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    // §3.3.10: "Recurrence rules may generate recurrence instances with an invalid date
    // (e.g., February 30) ... Such recurrence instances MUST be ignored and MUST NOT be
    // counted as part of the recurrence set."
    cal.create_event(
        &ann,
        &c,
        repeating(
            timed("Month end", "2026-01-31 10:00", 30, "UTC"),
            count(Frequency::Monthly, 4),
        ),
    )
    .await
    .unwrap();
    // BYDAY=-1FR: "the last Friday of the month".
    cal.create_event(
        &ann,
        &c,
        repeating(
            timed("Last Friday", "2026-01-30 16:00", 60, "UTC"),
            Recurrence {
                by_day: vec![DayRule {
                    weekday: Weekday::Fri,
                    ordinal: Some(-1),
                }],
                ..count(Frequency::Monthly, 4)
            },
        ),
    )
    .await
    .unwrap();
    let got = cal
        .occurrences(&ann, window("2026-01-01", "2026-08-01"), None)
        .await
        .unwrap();
    assert_eq!(
        starts(&got),
        [
            "2026-01-30T16:00:00+00:00",
            "2026-01-31T10:00:00+00:00",
            "2026-02-27T16:00:00+00:00",
            "2026-03-27T16:00:00+00:00",
            "2026-03-31T10:00:00+00:00",
            "2026-04-24T16:00:00+00:00",
            "2026-05-31T10:00:00+00:00",
            "2026-07-31T10:00:00+00:00",
        ]
    );
}

#[tokio::test]
async fn a_yearly_day_on_29_february_comes_in_leap_years_only() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    let mut leap = timed("Leap day", "2024-02-29 00:00", 0, "UTC");
    leap.when = When::AllDay {
        start: day("2024-02-29"),
        end: day("2024-03-01"),
    };
    cal.create_event(&ann, &c, repeating(leap, count(Frequency::Yearly, 3)))
        .await
        .unwrap();
    let got = cal
        .occurrences(&ann, window("2024-01-01", "2033-01-01"), None)
        .await
        .unwrap();
    assert_eq!(starts(&got), ["2024-02-29", "2028-02-29", "2032-02-29"]);
    assert_eq!(
        got.occurrences[1].recurrence_id.as_deref(),
        Some("2028-02-29")
    );
}

#[tokio::test]
async fn one_occurrence_or_the_following_ones_change_on_their_own() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    let standup = repeating(
        timed("Standup", "2026-04-07 10:00", 15, "Europe/Berlin"),
        count(Frequency::Weekly, 6),
    );
    let e = cal.create_event(&ann, &c, standup.clone()).await.unwrap();
    let span = window("2026-04-01", "2026-06-01");

    // Delete the second occurrence only: an EXDATE.
    cal.delete_event(&ann, &c, &e.id, Some("2026-04-14T08:00:00Z"), Scope::This)
        .await
        .unwrap();
    // Move the third to the afternoon under another title: a RECURRENCE-ID override.
    let mut moved = timed("Moved", "2026-04-21 15:00", 30, "Europe/Berlin");
    moved.location = "Room 2".into();
    cal.update_event(
        &ann,
        &c,
        &e.id,
        moved,
        Some("2026-04-21T08:00:00Z"),
        Scope::This,
    )
    .await
    .unwrap();
    // From the fifth on, the meeting is at 11:00 and called "Later": the series splits.
    let later = cal
        .update_event(
            &ann,
            &c,
            &e.id,
            repeating(
                timed("Later", "2026-05-05 11:00", 15, "Europe/Berlin"),
                count(Frequency::Weekly, 2),
            ),
            Some("2026-05-05T08:00:00Z"),
            Scope::Following,
        )
        .await
        .unwrap();
    assert_ne!(later.id, e.id);
    let got = cal.occurrences(&ann, span, None).await.unwrap();
    let seen: Vec<(String, String, bool)> = got
        .occurrences
        .iter()
        .map(|o| {
            (
                o.title.clone(),
                starts(&osprey_calendar::RangeResult {
                    occurrences: vec![o.clone()],
                    truncated: false,
                })[0]
                    .clone(),
                o.exception,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("Standup".into(), "2026-04-07T10:00:00+02:00".into(), false),
            ("Moved".into(), "2026-04-21T15:00:00+02:00".into(), true),
            ("Standup".into(), "2026-04-28T10:00:00+02:00".into(), false),
            ("Later".into(), "2026-05-05T11:00:00+02:00".into(), false),
            ("Later".into(), "2026-05-12T11:00:00+02:00".into(), false),
        ]
    );
    let moved = &got.occurrences[1];
    assert_eq!(moved.location, "Room 2");
    assert_eq!(moved.recurrence_id.as_deref(), Some("2026-04-21T08:00:00Z"));

    // The stored form is iCalendar as RFC 5545 writes it: the rule ends with a UTC
    // UNTIL one second before the split, the deleted occurrence is an EXDATE in the
    // event's zone, the moved one a RECURRENCE-ID, and the zone has its VTIMEZONE.
    let text = store.calendars().object(&c, &e.id).await.unwrap().ical;
    for want in [
        "RRULE:FREQ=WEEKLY;UNTIL=20260505T075959Z",
        "EXDATE;TZID=Europe/Berlin:20260414T100000",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260421T100000",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
    ] {
        assert!(text.contains(want), "{want} is missing from\n{text}");
    }
    let stored = cal.get_event(&ann, &c, &e.id).await.unwrap();
    assert_eq!(stored.exceptions, ["2026-04-21T08:00:00Z"]);
    assert!(stored.sequence >= 3, "each change raises SEQUENCE");

    // Moving one occurrence with "all" moves the series by as much.
    cal.update_event(
        &ann,
        &c,
        &later.id,
        repeating(
            timed("Later", "2026-05-12 12:30", 15, "Europe/Berlin"),
            count(Frequency::Weekly, 2),
        ),
        Some("2026-05-12T09:00:00Z"),
        Scope::All,
    )
    .await
    .unwrap();
    // Deleting "this and following" from the fourth ends the first series at the third.
    cal.delete_event(
        &ann,
        &c,
        &e.id,
        Some("2026-04-28T08:00:00Z"),
        Scope::Following,
    )
    .await
    .unwrap();
    let got = cal.occurrences(&ann, span, None).await.unwrap();
    assert_eq!(
        starts(&got),
        [
            "2026-04-07T10:00:00+02:00",
            "2026-04-21T15:00:00+02:00",
            "2026-05-05T12:30:00+02:00",
            "2026-05-12T12:30:00+02:00",
        ]
    );

    // An occurrence the event does not have is not found; a malformed one is named.
    assert!(matches!(
        cal.delete_event(&ann, &c, &e.id, Some("2026-04-08T08:00:00Z"), Scope::This)
            .await,
        Err(CalendarError::NotFound)
    ));
    match cal
        .delete_event(&ann, &c, &e.id, Some("next tuesday"), Scope::This)
        .await
    {
        Err(CalendarError::Invalid { field, .. }) => assert_eq!(field, "occurrence"),
        other => panic!("a malformed occurrence gave {other:?}"),
    }
    // "This and following" from the first occurrence is the whole series.
    cal.delete_event(
        &ann,
        &c,
        &later.id,
        Some("2026-05-05T10:30:00Z"),
        Scope::Following,
    )
    .await
    .unwrap();
    assert!(matches!(
        cal.get_event(&ann, &c, &later.id).await,
        Err(CalendarError::NotFound)
    ));
}

#[tokio::test]
async fn the_following_ones_moved_with_the_series_count_keep_the_series_end() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    // Weekly, six times: 6 April to 11 May. The second is deleted (an EXDATE).
    let yoga = repeating(
        timed("Yoga", "2026-04-06 07:00", 60, "UTC"),
        count(Frequency::Weekly, 6),
    );
    let e = cal.create_event(&ann, &c, yoga).await.unwrap();
    cal.delete_event(&ann, &c, &e.id, Some("2026-04-13T07:00:00Z"), Scope::This)
        .await
        .unwrap();
    // The third and the following ones go to 07:30, the form sending the series' own
    // rule back ("6 times"), as a drag does. RFC 5545 §3.3.10: "The COUNT rule part
    // defines the number of occurrences at which to range-bound the recurrence. The
    // "DTSTART" property value always counts as the first occurrence." The series
    // still ends on 11 May: the new one repeats the four dates the old one had left.
    let later = cal
        .update_event(
            &ann,
            &c,
            &e.id,
            repeating(
                timed("Yoga", "2026-04-20 07:30", 60, "UTC"),
                count(Frequency::Weekly, 6),
            ),
            Some("2026-04-20T07:00:00Z"),
            Scope::Following,
        )
        .await
        .unwrap();
    assert_eq!(later.fields.recurrence.unwrap().count, Some(4));
    let got = cal
        .occurrences(&ann, window("2026-04-01", "2026-07-01"), None)
        .await
        .unwrap();
    assert_eq!(
        starts(&got),
        [
            "2026-04-06T07:00:00+00:00",
            "2026-04-20T07:30:00+00:00",
            "2026-04-27T07:30:00+00:00",
            "2026-05-04T07:30:00+00:00",
            "2026-05-11T07:30:00+00:00",
        ]
    );
    // A count the form changes is the new series' own: five more from 4 May.
    cal.update_event(
        &ann,
        &c,
        &later.id,
        repeating(
            timed("Yoga", "2026-05-04 08:00", 60, "UTC"),
            count(Frequency::Weekly, 5),
        ),
        Some("2026-05-04T07:30:00Z"),
        Scope::Following,
    )
    .await
    .unwrap();
    let got = cal
        .occurrences(&ann, window("2026-05-01", "2026-07-01"), None)
        .await
        .unwrap();
    assert_eq!(starts(&got).len(), 5, "{:?}", starts(&got));
    assert_eq!(starts(&got)[4], "2026-06-01T08:00:00+00:00");
}

#[tokio::test]
async fn a_rule_without_end_is_bounded_and_says_so() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = osprey_calendar::CalendarService::with_limits(
        store.clone(),
        osprey_calendar::Limits {
            max_occurrences: 10,
            ..osprey_calendar::Limits::default()
        },
    );
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    let daily = repeating(
        timed("Pills", "2020-01-01 08:00", 5, "Europe/Berlin"),
        Recurrence::every(Frequency::Daily),
    );
    let e = cal.create_event(&ann, &c, daily).await.unwrap();
    // Years after its start, the rule still gives exactly the window's days.
    let week = cal
        .occurrences(&ann, window("2026-06-01", "2026-06-08"), None)
        .await
        .unwrap();
    assert_eq!(week.occurrences.len(), 7);
    assert_eq!(
        week.occurrences[0].recurrence_id.as_deref(),
        Some("2026-06-01T06:00:00Z")
    );
    assert!(!week.truncated);
    // A month holds more than the query may return: it stops at ten and says so.
    let month = cal
        .occurrences(&ann, window("2026-06-01", "2026-07-01"), None)
        .await
        .unwrap();
    assert_eq!(month.occurrences.len(), 10);
    assert!(month.truncated);
    // The store bounds it from its start with no end.
    let row = store.calendars().object(&c, &e.id).await.unwrap();
    assert!(row.recurring && row.ends_at.is_none());
    // A window longer than the limit is refused, naming the end.
    match cal
        .occurrences(&ann, window("2026-01-01", "2028-01-01"), None)
        .await
    {
        Err(CalendarError::Invalid { field, .. }) => assert_eq!(field, "to"),
        other => panic!("a two-year window gave {other:?}"),
    }
}

#[tokio::test]
async fn bad_events_are_refused_naming_the_field() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    let ok = timed("Lunch", "2026-05-01 12:00", 60, "Europe/Paris");
    let backwards = EventFields {
        when: When::Timed {
            start: crate::support::at("2026-05-01 12:00"),
            end: crate::support::at("2026-05-01 11:00"),
            time_zone: "Europe/Paris".into(),
        },
        ..ok.clone()
    };
    let cases: Vec<(EventFields, &str)> = vec![
        (
            EventFields {
                title: "  ".into(),
                ..ok.clone()
            },
            "title",
        ),
        (backwards, "end"),
        (
            timed("Lunch", "2026-05-01 12:00", 60, "Mars/Olympus"),
            "time_zone",
        ),
        (
            repeating(ok.clone(), count(Frequency::Daily, 10_001)),
            "recurrence.count",
        ),
        (
            repeating(
                ok.clone(),
                Recurrence {
                    until: Some(day("2026-04-01")),
                    ..Recurrence::every(Frequency::Daily)
                },
            ),
            "recurrence.until",
        ),
        (
            repeating(
                ok.clone(),
                Recurrence {
                    interval: 0,
                    ..Recurrence::every(Frequency::Daily)
                },
            ),
            "recurrence.interval",
        ),
        (
            EventFields {
                color: Some("red".into()),
                ..ok.clone()
            },
            "color",
        ),
        (
            EventFields {
                categories: vec!["a,b".into()],
                ..ok.clone()
            },
            "categories[0]",
        ),
    ];
    for (f, want) in cases {
        match cal.create_event(&ann, &c, f.clone()).await {
            Err(CalendarError::Invalid { field, .. }) => assert_eq!(field, want, "{f:?}"),
            other => panic!("{f:?} gave {other:?}"),
        }
    }
    // Nothing was stored.
    let got = cal
        .occurrences(&ann, window("2026-01-01", "2026-12-31"), None)
        .await
        .unwrap();
    assert!(got.occurrences.is_empty());
}

#[tokio::test]
async fn wall_times_the_clock_change_skips_or_repeats_are_read_as_rfc_5545_says() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    // §3.3.5: "If the local time represented by a DATE-TIME value is nonexistent ... the
    // value MUST be interpreted by using the UTC offset before the gap in local time";
    // for an ambiguous one, the first occurrence.
    cal.create_event(
        &ann,
        &c,
        repeating(
            timed("Night shift", "2026-03-28 02:30", 60, "Europe/Berlin"),
            count(Frequency::Daily, 3),
        ),
    )
    .await
    .unwrap();
    cal.create_event(
        &ann,
        &c,
        timed("Gap", "2026-03-29 02:30", 30, "Europe/Berlin"),
    )
    .await
    .unwrap();
    cal.create_event(
        &ann,
        &c,
        timed("Twice", "2026-10-25 02:30", 30, "Europe/Berlin"),
    )
    .await
    .unwrap();
    let spring = cal
        .occurrences(&ann, window("2026-03-27", "2026-04-01"), None)
        .await
        .unwrap();
    let seen: Vec<(String, String)> = spring
        .occurrences
        .iter()
        .map(|o| match &o.time {
            osprey_calendar::OccurrenceTime::Timed { start, .. } => {
                (o.title.clone(), start.to_rfc3339())
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "Night shift".to_owned(),
                "2026-03-28T02:30:00+01:00".to_owned()
            ),
            ("Gap".to_owned(), "2026-03-29T03:30:00+02:00".to_owned()),
            (
                "Night shift".to_owned(),
                "2026-03-29T03:30:00+02:00".to_owned()
            ),
            (
                "Night shift".to_owned(),
                "2026-03-30T02:30:00+02:00".to_owned()
            ),
        ]
    );
    let autumn = cal
        .occurrences(&ann, window("2026-10-24", "2026-10-27"), None)
        .await
        .unwrap();
    assert_eq!(autumn.occurrences.len(), 1);
    match &autumn.occurrences[0].time {
        osprey_calendar::OccurrenceTime::Timed { start, .. } => {
            assert_eq!(
                start.with_timezone(&chrono::Utc).to_rfc3339(),
                "2026-10-25T00:30:00+00:00"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_window_just_before_a_rule_without_end_expands_nothing_and_is_not_cut_short() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    // It starts at 06:00 UTC on 2 June: a window ending at midnight is within the day's
    // margin the store keeps, so the event is read, and its rule must not run on.
    cal.create_event(
        &ann,
        &c,
        repeating(
            timed("Early", "2026-06-02 08:00", 30, "Europe/Berlin"),
            Recurrence::every(Frequency::Weekly),
        ),
    )
    .await
    .unwrap();
    let got = cal
        .occurrences(&ann, window("2026-05-26", "2026-06-02"), None)
        .await
        .unwrap();
    assert!(got.occurrences.is_empty());
    assert!(
        !got.truncated,
        "a window before the first date was reported cut short"
    );
}

#[tokio::test]
async fn a_changed_series_is_never_shown_from_an_earlier_expansion() {
    // Range queries keep repeating events expanded for the next windows; a change to
    // the event must show at once.
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@series.example").await;
    let e = cal
        .create_event(
            &ann,
            &c,
            repeating(
                timed("Yoga", "2026-03-02 18:00", 60, "Europe/Berlin"),
                Recurrence::every(Frequency::Weekly),
            ),
        )
        .await
        .unwrap();
    let week = window("2026-03-09", "2026-03-16");
    let first = cal.occurrences(&ann, week, None).await.unwrap();
    assert_eq!(first.occurrences[0].title, "Yoga");
    let mut f = e.fields.clone();
    f.title = "Pilates".into();
    f.when = When::Timed {
        start: at("2026-03-02 19:00"),
        end: at("2026-03-02 20:00"),
        time_zone: "Europe/Berlin".into(),
    };
    cal.update_event(&ann, &c, &e.id, f, None, Scope::All)
        .await
        .unwrap();
    let again = cal.occurrences(&ann, week, None).await.unwrap();
    assert_eq!(again.occurrences[0].title, "Pilates");
    assert_eq!(starts(&again), ["2026-03-09T19:00:00+01:00"]);
    // A later window than the first one reached: expanded further.
    let later = cal
        .occurrences(&ann, window("2027-03-08", "2027-03-15"), None)
        .await
        .unwrap();
    assert_eq!(starts(&later), ["2027-03-08T19:00:00+01:00"]);
}

#[tokio::test]
async fn yearly_on_the_second_sunday_of_may() {
    // RFC 5545 §3.3.10: "FREQ=YEARLY;BYMONTH=5;BYDAY=2SU" — what the editor writes for
    // "every year on the second Sunday of May".
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@yearly.example").await;
    cal.create_event(
        &ann,
        &c,
        repeating(
            timed(
                "Mother's Day brunch",
                "2026-05-10 11:00",
                120,
                "America/New_York",
            ),
            Recurrence {
                count: Some(3),
                by_month: vec![5],
                by_day: vec![DayRule {
                    weekday: Weekday::Sun,
                    ordinal: Some(2),
                }],
                ..Recurrence::every(Frequency::Yearly)
            },
        ),
    )
    .await
    .unwrap();
    let got = cal
        .occurrences(&ann, window("2026-01-01", "2029-01-01"), None)
        .await
        .unwrap();
    assert_eq!(
        starts(&got),
        [
            "2026-05-10T11:00:00-04:00",
            "2027-05-09T11:00:00-04:00",
            "2028-05-14T11:00:00-04:00",
        ]
    );
}

/// A range query finds each kind of object by the lookup made for it: an event of an
/// hour by its start, a series with an end by its end, a series without end (no end to
/// look up) on its own — years after each began.
#[tokio::test]
async fn a_window_years_later_finds_the_series_without_end_and_not_those_that_ended() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@later.example").await;
    let weekly = |title: &str, start: &str, count: Option<u32>| {
        repeating(
            timed(title, start, 60, "UTC"),
            Recurrence {
                count,
                ..Recurrence::every(Frequency::Weekly)
            },
        )
    };
    for f in [
        weekly("Forever", "2026-01-05 09:00", None),
        weekly("Ten weeks", "2026-01-06 09:00", Some(10)),
        weekly("Until 2031", "2030-12-31 10:00", Some(6)),
        timed("Once", "2031-01-08 12:00", 60, "UTC"),
        timed("Long ago", "2026-01-08 12:00", 60, "UTC"),
    ] {
        cal.create_event(&ann, &c, f).await.unwrap();
    }
    let got = cal
        .occurrences(&ann, window("2031-01-06", "2031-01-13"), None)
        .await
        .unwrap();
    let titles: Vec<&str> = got.occurrences.iter().map(|o| o.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Forever", "Until 2031", "Once"],
        "{:?}",
        starts(&got)
    );
}

#[tokio::test]
async fn extra_dates_join_the_rule_and_left_out_dates_leave_it() {
    // RFC 5545 §3.8.5.2: "The final recurrence set is generated by gathering all of
    // the start DATE-TIME values generated by any of the specified RRULE and RDATE
    // properties, and then excluding any start DATE-TIME values specified by EXDATE
    // properties."
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    let mut rule = count(Frequency::Weekly, 3);
    // A Saturday after the change to summer time, at its own wall time; the second
    // Monday left out.
    rule.rdates = vec![at("2026-04-04 11:30")];
    rule.exdates = vec![at("2026-03-30 09:00")];
    let e = cal
        .create_event(
            &ann,
            &c,
            repeating(
                timed("Stand-up", "2026-03-23 09:00", 15, "Europe/Berlin"),
                rule,
            ),
        )
        .await
        .unwrap();
    let got = cal
        .occurrences(&ann, window("2026-03-01", "2026-05-01"), None)
        .await
        .unwrap();
    assert_eq!(
        starts(&got),
        [
            "2026-03-23T09:00:00+01:00",
            "2026-04-04T11:30:00+02:00",
            "2026-04-06T09:00:00+02:00",
        ]
    );
    // Read back as it was written.
    let back = cal.get_event(&ann, &c, &e.id).await.unwrap();
    let r = back.fields.recurrence.unwrap();
    assert_eq!(r.rdates, [at("2026-04-04 11:30")]);
    assert_eq!(r.exdates, [at("2026-03-30 09:00")]);
}
