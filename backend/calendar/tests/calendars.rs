//! Calendars: the default one, several per account, sharing and what each access allows.

use osprey_calendar::{Access, CalendarError, CalendarFields, Scope, When};
use osprey_store::testing::TestDb;

use crate::support::{account, day, service, timed, window};

fn fields(name: &str) -> CalendarFields {
    CalendarFields {
        name: name.into(),
        color: "#22AA44".into(),
        description: String::new(),
        time_zone: None,
        default_reminders: vec![30, 10],
        hidden: false,
    }
}

#[tokio::test]
async fn first_requests_at_once_make_one_default_calendar() {
    // The web app's first visit asks for the calendar list and the week's events at
    // once; each makes the default calendar if there is none. There must be one.
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let id = osprey_store::testing::user(&store, "new@cal.example")
        .await
        .id;
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (cal, id) = (cal.clone(), id.clone());
        requests.spawn(async move { cal.list(&id).await });
    }
    let mut defaults = std::collections::BTreeSet::new();
    while let Some(list) = requests.join_next().await {
        let list = list.unwrap().expect("each request gets the calendars");
        assert_eq!(list.len(), 1, "one calendar, not one per request: {list:?}");
        defaults.insert(list[0].id.clone());
    }
    assert_eq!(defaults.len(), 1, "every request sees the same default");
    assert_eq!(cal.list(&id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_account_has_a_default_calendar_and_more_of_its_own() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, default) = account(&store, &cal, "ann@cal.example").await;
    let list = cal.list(&ann).await.unwrap();
    assert_eq!(list.len(), 1, "listing twice makes no second default");
    assert!(list[0].is_default && list[0].access == Access::Owner);
    let work = cal.create(&ann, fields("Work")).await.unwrap();
    assert_eq!(work.color, "#22aa44");
    assert_eq!(work.default_reminders, [10, 30]);
    assert!(
        work.position > list[0].position,
        "a new calendar comes last"
    );
    let names: Vec<_> = cal
        .list(&ann)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Calendar", "Work"]);

    // Bad fields are named and change nothing.
    for (f, want) in [
        (fields(""), "name"),
        (
            CalendarFields {
                color: "blue".into(),
                ..fields("X")
            },
            "color",
        ),
        (
            CalendarFields {
                time_zone: Some("Nowhere/Land".into()),
                ..fields("X")
            },
            "time_zone",
        ),
        (
            CalendarFields {
                default_reminders: vec![50_000],
                ..fields("X")
            },
            "default_reminders[0]",
        ),
    ] {
        match cal.update(&ann, &work.id, f, None).await {
            Err(CalendarError::Invalid { field, .. }) => assert_eq!(field, want),
            other => panic!("{want}: {other:?}"),
        }
    }
    assert_eq!(cal.get(&ann, &work.id).await.unwrap().name, "Work");

    // Deleting a calendar takes its events; the default calendar stays.
    let e = cal
        .create_event(
            &ann,
            &work.id,
            timed("Review", "2026-06-01 10:00", 30, "UTC"),
        )
        .await
        .unwrap();
    cal.delete(&ann, &work.id).await.unwrap();
    assert!(matches!(
        cal.get(&ann, &work.id).await,
        Err(CalendarError::NotFound)
    ));
    assert!(store.calendars().object(&work.id, &e.id).await.is_err());
    assert!(matches!(
        cal.delete(&ann, &default).await,
        Err(CalendarError::Conflict(_))
    ));
}

#[tokio::test]
async fn sharing_gives_exactly_the_access_granted() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, anns) = account(&store, &cal, "ann@cal.example").await;
    let (bob, _) = account(&store, &cal, "bob@cal.example").await;
    let (eve, _) = account(&store, &cal, "eve@cal.example").await;
    let mut secret = timed("Doctor", "2026-06-02 09:00", 60, "Europe/Berlin");
    secret.private = true;
    secret.location = "Clinic".into();
    let secret = cal.create_event(&ann, &anns, secret).await.unwrap();
    let mut free = timed("Maybe gym", "2026-06-02 18:00", 60, "Europe/Berlin");
    free.busy = false;
    cal.create_event(&ann, &anns, free).await.unwrap();
    let open = cal
        .create_event(
            &ann,
            &anns,
            timed("Team lunch", "2026-06-03 12:00", 60, "Europe/Berlin"),
        )
        .await
        .unwrap();
    let week = window("2026-06-01", "2026-06-08");

    // Another account sees nothing of an unshared calendar: not found, not forbidden.
    assert!(matches!(
        cal.get(&bob, &anns).await,
        Err(CalendarError::NotFound)
    ));
    assert!(matches!(
        cal.get_event(&bob, &anns, &open.id).await,
        Err(CalendarError::NotFound)
    ));
    assert!(matches!(
        cal.create_event(&bob, &anns, timed("X", "2026-06-04 12:00", 60, "UTC"))
            .await,
        Err(CalendarError::NotFound)
    ));

    // Read: every event, a private one as "Busy" only.
    let shared = cal
        .share(&ann, &anns, "Bob@Cal.Example", Access::Read)
        .await
        .unwrap();
    assert_eq!(shared.shares.len(), 1);
    assert_eq!(shared.shares[0].address, "bob@cal.example");
    let bobs = cal.list(&bob).await.unwrap();
    let seen = bobs
        .iter()
        .find(|c| c.id == anns)
        .expect("the shared calendar is listed");
    assert_eq!(seen.access, Access::Read);
    assert!(
        seen.shares.is_empty(),
        "only the owner sees who a calendar is shared with"
    );
    let got = cal.occurrences(&bob, week, None).await.unwrap();
    let titles: Vec<_> = got
        .occurrences
        .iter()
        .map(|o| (o.title.as_str(), o.location.as_str(), o.masked))
        .collect();
    assert_eq!(
        titles,
        [
            ("Busy", "", true),
            ("Maybe gym", "", false),
            ("Team lunch", "", false)
        ]
    );
    let masked = cal.get_event(&bob, &anns, &secret.id).await.unwrap();
    assert!(masked.masked);
    assert_eq!(
        (
            masked.fields.title.as_str(),
            masked.fields.location.as_str()
        ),
        ("Busy", "")
    );
    // Read-only: writing is forbidden, and nothing changes.
    assert!(matches!(
        cal.update_event(
            &bob,
            &anns,
            &open.id,
            timed("Mine", "2026-06-03 12:00", 60, "UTC"),
            None,
            Scope::All
        )
        .await,
        Err(CalendarError::Forbidden(_))
    ));
    assert!(matches!(
        cal.delete_event(&bob, &anns, &open.id, None, Scope::All)
            .await,
        Err(CalendarError::Forbidden(_))
    ));
    assert!(matches!(
        cal.update(&bob, &anns, fields("Hijack"), None).await,
        Err(CalendarError::Forbidden(_))
    ));
    assert_eq!(
        cal.get_event(&ann, &anns, &open.id)
            .await
            .unwrap()
            .fields
            .title,
        "Team lunch"
    );

    // Write: changes events, but the calendar itself stays the owner's.
    cal.share(&ann, &anns, "bob@cal.example", Access::Write)
        .await
        .unwrap();
    let changed = cal
        .update_event(
            &bob,
            &anns,
            &open.id,
            timed(
                "Team lunch (moved)",
                "2026-06-03 13:00",
                60,
                "Europe/Berlin",
            ),
            None,
            Scope::All,
        )
        .await
        .unwrap();
    assert_eq!(changed.fields.title, "Team lunch (moved)");
    assert!(matches!(
        cal.delete(&bob, &anns).await,
        Err(CalendarError::Forbidden(_))
    ));
    assert!(matches!(
        cal.share(&bob, &anns, "eve@cal.example", Access::Read)
            .await,
        Err(CalendarError::Forbidden(_))
    ));

    // Free/busy: busy times only, under "Busy"; free events and details stay hidden.
    cal.share(&ann, &anns, "eve@cal.example", Access::FreeBusy)
        .await
        .unwrap();
    let got = cal.occurrences(&eve, week, None).await.unwrap();
    let titles: Vec<_> = got
        .occurrences
        .iter()
        .map(|o| (o.title.as_str(), o.masked))
        .collect();
    assert_eq!(titles, [("Busy", true), ("Busy", true)]);
    assert!(matches!(
        cal.get_event(&eve, &anns, &open.id).await,
        Err(CalendarError::Forbidden(_))
    ));

    // Unsharing ends it; sharing with nobody or with oneself is refused.
    cal.unshare(&ann, &anns, &eve).await.unwrap();
    assert!(matches!(
        cal.get(&eve, &anns).await,
        Err(CalendarError::NotFound)
    ));
    for (address, want) in [
        ("nobody@cal.example", "address"),
        ("ann@cal.example", "address"),
        ("not an address", "address"),
    ] {
        match cal.share(&ann, &anns, address, Access::Read).await {
            Err(CalendarError::Invalid { field, .. }) => assert_eq!(field, want),
            other => panic!("{address}: {other:?}"),
        }
    }
    // Naming a calendar one does not see in a query is refused.
    match cal
        .occurrences(&eve, week, Some(std::slice::from_ref(&anns)))
        .await
    {
        Err(CalendarError::Invalid { field, .. }) => assert_eq!(field, "calendars"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_day_long_event_falls_on_its_dates_in_every_zone() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, c) = account(&store, &cal, "ann@cal.example").await;
    let mut trip = timed("Trip", "2026-07-10 00:00", 0, "UTC");
    trip.when = When::AllDay {
        start: day("2026-07-10"),
        end: day("2026-07-13"),
    };
    cal.create_event(&ann, &c, trip).await.unwrap();
    for zone in ["Pacific/Auckland", "America/Los_Angeles", "UTC"] {
        let changes = osprey_store::AccountChanges {
            time_zone: Some(Some(zone.into())),
            ..Default::default()
        };
        store
            .accounts()
            .update_account(&ann, changes)
            .await
            .unwrap();
        let got = cal
            .occurrences(&ann, window("2026-07-01", "2026-08-01"), None)
            .await
            .unwrap();
        assert_eq!(got.occurrences.len(), 1, "{zone}");
        assert_eq!(
            got.occurrences[0].time,
            osprey_calendar::OccurrenceTime::AllDay {
                start: day("2026-07-10"),
                end: day("2026-07-13"),
            },
            "{zone}"
        );
    }
}

#[tokio::test]
async fn free_busy_shows_people_of_the_domain_their_busy_times_only() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let cal = service(&store);
    let (ann, _) = account(&store, &cal, "ann@cal.example").await;
    let (bob, bobs) = account(&store, &cal, "bob@cal.example").await;
    let (_, _) = account(&store, &cal, "eve@other.example").await;
    for (title, at, minutes, busy) in [
        ("Dentist", "2026-06-02 09:00", 60, true),
        ("Call", "2026-06-02 09:30", 60, true),
        ("Maybe gym", "2026-06-02 18:00", 60, false),
        ("Review", "2026-06-03 14:00", 30, true),
    ] {
        let mut f = timed(title, at, minutes, "UTC");
        f.busy = busy;
        cal.create_event(&bob, &bobs, f).await.unwrap();
    }
    let got = cal
        .free_busy(
            &ann,
            &[
                "Bob@cal.example".into(),
                "eve@other.example".into(),
                "nobody@cal.example".into(),
            ],
            window("2026-06-01", "2026-06-08"),
        )
        .await
        .unwrap();
    let periods: Vec<(String, String)> = got[0]
        .busy
        .iter()
        .map(|(s, e)| (s.to_rfc3339(), e.to_rfc3339()))
        .collect();
    // Overlapping events merge; the free one is left out; no titles anywhere.
    assert_eq!(
        periods,
        [
            (
                "2026-06-02T09:00:00+00:00".into(),
                "2026-06-02T10:30:00+00:00".into()
            ),
            (
                "2026-06-03T14:00:00+00:00".into(),
                "2026-06-03T14:30:00+00:00".into()
            ),
        ]
    );
    assert!(got[0].known);
    // Another domain's account and an unknown address tell nothing.
    assert!(!got[1].known && got[1].busy.is_empty());
    assert!(!got[2].known);
    let too_many: Vec<String> = (0..51).map(|i| format!("u{i}@cal.example")).collect();
    assert!(matches!(
        cal.free_busy(&ann, &too_many, window("2026-06-01", "2026-06-08"))
            .await,
        Err(CalendarError::Invalid { .. })
    ));
}
