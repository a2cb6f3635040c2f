//! A user with 20 calendars and 50,000 events over ten years (about 14 a day), a fifth of
//! them repeating (weekly or daily with a count, one in a hundred of those without end),
//! in three time zones, on this run's engine (`OSPREY_TEST_BACKEND`, SQLite by default):
//! the range queries of 200 week views and 100 month views at random places of the years
//! (targets: week p99 ≤ 20 ms, month p99 ≤ 50 ms), and the import of a 10,000-event
//! `.ics` file (target ≥ 2,000 events/s) with the process's peak memory.
//!
//! `cargo bench -p osprey-calendar --bench range`

use std::time::{Duration, Instant};

use chrono::{Duration as Span, NaiveDate, TimeZone, Utc};
use osprey_calendar::{CalendarFields, CalendarService, Limits, Range};
use osprey_store::testing::{self, TestDb};

const CALENDARS: usize = 20;
const EVENTS: usize = 50_000;
const WEEKS: usize = 200;
const MONTHS: usize = 100;
const IMPORT: usize = 10_000;
/// The days the events are spread over.
const DAYS: u64 = 3_650;
const ZONES: [&str; 3] = ["Europe/Berlin", "America/New_York", "UTC"];

/// A small deterministic generator (no dependency for randomness).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).expect("a day")
}

/// A `.ics` file of `n` events, UIDs prefixed with `tag`.
fn file(tag: &str, n: usize, rng: &mut Lcg) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bench//EN\r\n");
    for i in 0..n {
        let start = day0().and_hms_opt(0, 0, 0).expect("midnight")
            + Span::minutes(15 * rng.next(DAYS * 24 * 4) as i64);
        let minutes = 30 + 15 * rng.next(8) as i64;
        let end = start + Span::minutes(minutes);
        let zone = ZONES[i % ZONES.len()];
        let f = "%Y%m%dT%H%M%S";
        out.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:{tag}-{i}@bench\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Event {i} of {tag}\r\n\
             LOCATION:Room {}\r\nDTSTART;TZID={zone}:{}\r\nDTEND;TZID={zone}:{}\r\n",
            i % 40,
            start.format(f),
            end.format(f)
        ));
        if i % 5 == 0 {
            let rule = match (i / 5) % 100 {
                0 => "FREQ=WEEKLY".to_owned(),
                k if k % 3 == 0 => format!("FREQ=DAILY;COUNT={}", 3 + k % 8),
                k => format!("FREQ=WEEKLY;COUNT={}", 5 + k % 16),
            };
            out.push_str(&format!("RRULE:{rule}\r\n"));
        }
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// The process's peak resident memory, from `/proc/self/status` (Linux).
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

fn report(what: &str, mut samples: Vec<Duration>, items: usize) {
    samples.sort();
    let n = samples.len();
    let pct = |p: usize| samples[(n * p / 100).min(n - 1)];
    println!(
        "  {what}: {n} queries, {:.1} occurrences each; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        items as f64 / n as f64,
        pct(50).as_secs_f64() * 1e3,
        pct(99).as_secs_f64() * 1e3,
        samples[n - 1].as_secs_f64() * 1e3,
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(run());
}

async fn run() {
    let db = TestDb::new().await;
    let store = db.store().await;
    let me = testing::user(&store, "me@bench.example").await;
    let cal = CalendarService::with_limits(store.clone(), Limits::default());
    let mut rng = Lcg(7);
    let started = Instant::now();
    let mut ids = Vec::new();
    for c in 0..CALENDARS {
        let made = cal
            .create(
                &me.id,
                CalendarFields {
                    name: format!("Calendar {c}"),
                    color: "#3366cc".into(),
                    description: String::new(),
                    time_zone: None,
                    default_reminders: vec![],
                    hidden: false,
                },
            )
            .await
            .expect("a calendar");
        let text = file(&format!("c{c}"), EVENTS / CALENDARS, &mut rng);
        let r = cal
            .import_ics(&me.id, &made.id, &text)
            .await
            .expect("an import");
        assert_eq!(r.created, EVENTS / CALENDARS, "{:?}", r.problems.first());
        ids.push(made.id);
    }
    testing::analyze(&store).await;
    println!(
        "calendar: {CALENDARS} calendars, {EVENTS} events (a fifth repeating) on {}, filled in {:.1} s",
        testing::backend_name(),
        started.elapsed().as_secs_f64()
    );

    let utc = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"));
    for (what, count, days) in [("week view", WEEKS, 7), ("month view", MONTHS, 42)] {
        let mut samples = Vec::with_capacity(count);
        let mut items = 0;
        for _ in 0..count {
            let from = day0() + Span::days(rng.next(DAYS - days as u64) as i64);
            let range = Range {
                from: utc(from),
                to: utc(from + Span::days(days)),
            };
            let t = Instant::now();
            let got = cal
                .occurrences(&me.id, range, None)
                .await
                .expect("occurrences");
            samples.push(t.elapsed());
            assert!(
                !got.truncated,
                "a {what} of {} occurrences was cut short",
                got.occurrences.len()
            );
            items += got.occurrences.len();
        }
        report(what, samples, items);
    }

    let extra = cal
        .create(
            &me.id,
            CalendarFields {
                name: "Imported".into(),
                color: "#cc6633".into(),
                description: String::new(),
                time_zone: None,
                default_reminders: vec![],
                hidden: false,
            },
        )
        .await
        .expect("a calendar");
    let text = file("import", IMPORT, &mut rng);
    let t = Instant::now();
    let r = cal
        .import_ics(&me.id, &extra.id, &text)
        .await
        .expect("an import");
    let took = t.elapsed();
    assert_eq!(r.created, IMPORT);
    println!(
        "  import: {IMPORT} events ({:.1} MB) in {:.2} s = {:.0} events/s; peak RSS of the bench {} MB",
        text.len() as f64 / 1e6,
        took.as_secs_f64(),
        IMPORT as f64 / took.as_secs_f64(),
        peak_rss_mb().map_or_else(|| "?".into(), |m| m.to_string())
    );
}
