//! 10,000 reminders due in the same minute — 100 accounts with 100 events each, all
//! starting at one time with a reminder ten minutes before — sent by one worker pass, on
//! this run's engine (`OSPREY_TEST_BACKEND`, SQLite by default). Target: all mailed
//! within 60 s, none twice (each account's INBOX is counted and its Message-IDs
//! compared).
//!
//! `cargo bench -p osprey-calendar --bench reminders`

use std::{collections::HashSet, sync::Arc, time::Instant};

use chrono::{Duration, Timelike, Utc};
use osprey_calendar::{CalendarService, ReminderSettings, ReminderWorker};
use osprey_mail::LocalDelivery;
use osprey_store::{
    blob::{BlobStore, FsBlobStore},
    testing::{self, TestDb},
};

const ACCOUNTS: usize = 100;
const EVENTS_EACH: usize = 100;

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
    let blobs: Arc<dyn BlobStore> =
        Arc::new(FsBlobStore::open(db.dir.join("blobs")).expect("a blob store"));
    let cal = CalendarService::new(store.clone());
    // Every event starts at the same minute, two days from now.
    let start = (Utc::now() + Duration::days(2))
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .expect("a whole minute");
    let stamp = start.format("%Y%m%dT%H%M%SZ");
    let mut accounts = Vec::new();
    let made = Instant::now();
    for a in 0..ACCOUNTS {
        let user = testing::user(&store, &format!("user{a}@remind.bench")).await;
        let calendar = cal.default_calendar(&user.id).await.expect("a calendar");
        let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bench//EN\r\n");
        for e in 0..EVENTS_EACH {
            ics.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:{a}-{e}@bench\r\nDTSTAMP:20260101T000000Z\r\n\
                 SUMMARY:Meeting {e}\r\nDTSTART:{stamp}\r\nDURATION:PT30M\r\n\
                 BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Meeting {e}\r\n\
                 TRIGGER:-PT10M\r\nEND:VALARM\r\nEND:VEVENT\r\n"
            ));
        }
        ics.push_str("END:VCALENDAR\r\n");
        let report = cal
            .import_ics(&user.id, &calendar.id, &ics)
            .await
            .expect("the import");
        assert_eq!(report.created, EVENTS_EACH, "{:?}", report.problems);
        accounts.push(user.id);
    }
    println!(
        "reminders: {} events with a reminder made in {:.1} s",
        ACCOUNTS * EVENTS_EACH,
        made.elapsed().as_secs_f64()
    );
    let worker = ReminderWorker::new(
        cal.clone(),
        LocalDelivery::with_group_commit(store.clone(), blobs.clone()),
        ReminderSettings::default(),
    );
    let due = start - Duration::minutes(10);
    let began = Instant::now();
    let pass = worker
        .run_due(due + Duration::seconds(30))
        .await
        .expect("the pass");
    let took = began.elapsed();
    let mut total = 0;
    let mut twice = 0;
    for a in &accounts {
        let inbox = store
            .messages()
            .mailbox_by_name(a, "INBOX")
            .await
            .expect("an INBOX");
        let mails = store.messages().in_mailbox(&inbox.id).await.expect("mail");
        let ids: HashSet<_> = mails.iter().map(|m| m.summary.message_id.clone()).collect();
        twice += mails.len() - ids.len();
        total += mails.len();
    }
    println!(
        "reminders: {} sent in {:.1} s ({:.0}/s), {} in the INBOXes, {} twice; {:?}",
        pass.sent,
        took.as_secs_f64(),
        pass.sent as f64 / took.as_secs_f64(),
        total,
        twice,
        pass
    );
    assert_eq!(total, ACCOUNTS * EVENTS_EACH, "every reminder arrives");
    assert_eq!(twice, 0, "none twice");
}
