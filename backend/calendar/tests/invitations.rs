//! Invitations (iTIP over iMIP): guests of this server get the event in their calendar
//! at once and answer there; guests elsewhere get a `METHOD:REQUEST` mail through the
//! queue and answer with a `REPLY`, which is applied only when it comes from the guest
//! it answers for; changes send a new request, removals and deletes a cancel.

use std::sync::Arc;

use osprey_calendar::{Attendee, CalendarService, PartStat, ReplyOutcome, Scope};
use osprey_mail::{LocalDelivery, Outbox, Submission};
use osprey_store::{
    QueueFilter, Store,
    blob::{BlobStore, FsBlobStore},
    testing::TestDb,
};

use crate::support::{account, service, timed};

struct World {
    store: Store,
    blobs: Arc<dyn BlobStore>,
    cal: CalendarService,
    ann: (String, String),
    bob: (String, String),
}

async fn world(db: &TestDb) -> World {
    let store = db.store().await;
    let blobs: Arc<dyn BlobStore> = Arc::new(FsBlobStore::open(db.dir.join("blobs")).unwrap());
    let submission = Submission::new(
        LocalDelivery::new(store.clone(), blobs.clone()),
        Outbox::new(store.clone(), blobs.clone()),
        8,
    );
    let cal = service(&store).with_mail(submission, "mail.invite.example");
    let ann = account(&store, &cal, "ann@invite.example").await;
    let bob = account(&store, &cal, "bob@invite.example").await;
    World {
        store,
        blobs,
        cal,
        ann,
        bob,
    }
}

fn guest(address: &str) -> Attendee {
    Attendee {
        address: address.into(),
        name: String::new(),
        status: PartStat::NeedsAction,
    }
}

impl World {
    /// The whole text of every message in the account's INBOX.
    async fn inbox(&self, account: &str) -> Vec<String> {
        let inbox = self
            .store
            .messages()
            .mailbox_by_name(account, "INBOX")
            .await
            .unwrap();
        let mut out = Vec::new();
        for m in self.store.messages().in_mailbox(&inbox.id).await.unwrap() {
            out.push(String::from_utf8(self.blobs.get(&m.blob_hash).await.unwrap()).unwrap());
        }
        out
    }

    /// The whole text of every queued message, oldest first.
    async fn queued(&self) -> Vec<String> {
        let mut out = Vec::new();
        let entries = self
            .store
            .queue()
            .queue_entries(&QueueFilter {
                limit: 100,
                ..QueueFilter::default()
            })
            .await
            .unwrap();
        for e in entries.iter().rev() {
            out.push(
                String::from_utf8(self.blobs.get(&e.message.blob_hash).await.unwrap()).unwrap(),
            );
        }
        out
    }

    /// Bob's copy of the event `uid`: (calendar, event id, his answer).
    async fn bobs_copy(&self, uid: &str) -> Option<(String, String, PartStat)> {
        let list = self.cal.list(&self.bob.0).await.unwrap();
        for c in list.iter().filter(|c| c.owner_id == self.bob.0) {
            let found = self
                .cal
                .search(&self.bob.0, "planning", 50)
                .await
                .unwrap()
                .events
                .into_iter()
                .find(|e| e.uid == uid && e.calendar_id == c.id);
            if let Some(e) = found {
                let me = e
                    .fields
                    .attendees
                    .unwrap()
                    .into_iter()
                    .find(|a| a.address == "bob@invite.example")
                    .unwrap();
                return Some((c.id.clone(), e.id, me.status));
            }
        }
        None
    }
}

#[tokio::test]
async fn a_guest_here_answers_in_the_calendar_and_one_elsewhere_by_mail() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let mut f = timed("Planning", "2027-03-10 10:00", 60, "Europe/Berlin");
    f.attendees = Some(vec![
        guest("bob@invite.example"),
        Attendee {
            name: "Carol Far".into(),
            ..guest("carol@far.example")
        },
        // The organiser is not a guest of their own event.
        guest("ann@invite.example"),
    ]);
    let e = w.cal.create_event(&w.ann.0, &w.ann.1, f).await.unwrap();
    assert_eq!(e.fields.organizer.as_deref(), Some("ann@invite.example"));
    // Search finds an event by its attendees too.
    let found = w.cal.search(&w.ann.0, "carol far", 10).await.unwrap();
    assert_eq!(found.events.len(), 1, "by an attendee's name");
    let guests = e.fields.attendees.clone().unwrap();
    assert_eq!(guests.len(), 2, "{guests:?}");
    assert!(guests.iter().all(|g| g.status == PartStat::NeedsAction));

    // Bob, here: the event is in his calendar at once, and the invitation in his INBOX.
    let (bob_cal, bob_event, status) = w.bobs_copy(&e.uid).await.expect("Bob's copy");
    assert_eq!(status, PartStat::NeedsAction);
    let mail = w.inbox(&w.bob.0).await;
    assert_eq!(mail.len(), 1);
    // RFC 6047 §2.4: the iCalendar object is a text/calendar part with a "method"
    // parameter equal to its METHOD property.
    assert!(
        mail[0].contains("Subject: Invitation: Planning"),
        "{}",
        mail[0]
    );
    assert!(
        mail[0].contains("text/calendar; method=\"REQUEST\""),
        "{}",
        mail[0]
    );
    assert!(mail[0].contains("METHOD:REQUEST"));
    // RFC 6047 §2.4 also wants a part people can read: what, when, where and who, as
    // text and as HTML.
    let parsed = mail_parser::MessageParser::default()
        .parse(mail[0].as_bytes())
        .unwrap();
    let text = parsed.body_text(0).unwrap();
    assert!(text.contains("invites you to \"Planning\""), "{text}");
    assert!(
        text.contains("When: Wednesday 10 March 2027, 10:00 to 11:00 (Europe/Berlin)"),
        "{text}"
    );
    assert!(text.contains("Organiser: ann@invite.example"), "{text}");
    assert!(text.contains("Carol Far <carol@far.example>"), "{text}");
    let html = parsed.body_html(0).unwrap();
    assert!(
        html.contains("<th align=\"left\">When</th><td>Wednesday 10 March 2027, 10:00 to 11:00 (Europe/Berlin)</td>"),
        "{html}"
    );
    assert!(
        html.contains("Carol Far &lt;carol@far.example&gt;"),
        "{html}"
    );
    assert!(
        !mail[0].contains("BEGIN:VALARM"),
        "the organiser's reminders stay hers"
    );
    // Carol, elsewhere: the same request waits in the queue, from Ann.
    let queued = w.queued().await;
    assert_eq!(queued.len(), 1);
    assert!(queued[0].contains("METHOD:REQUEST") && queued[0].contains("carol@far.example"));

    // Bob accepts; Ann's event shows it.
    w.cal
        .answer(&w.bob.0, &bob_cal, &bob_event, PartStat::Accepted)
        .await
        .unwrap();
    let ann_view = w.cal.get_event(&w.ann.0, &w.ann.1, &e.id).await.unwrap();
    let answers = ann_view.fields.attendees.unwrap();
    let of = |who: &str| answers.iter().find(|a| a.address == who).unwrap().status;
    assert_eq!(of("bob@invite.example"), PartStat::Accepted);
    assert_eq!(of("carol@far.example"), PartStat::NeedsAction);

    // Carol declines from her own program: a REPLY mailed to Ann.
    let reply = |from: &str, status: &str, uid: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Far//EN\r\nMETHOD:REPLY\r\n\
             BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270301T000000Z\r\nSEQUENCE:0\r\n\
             ORGANIZER:mailto:ann@invite.example\r\n\
             ATTENDEE;PARTSTAT={status}:mailto:{from}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    // RFC 5546 §3.2.3: a REPLY is sent by an attendee about itself — one from someone
    // else, or about an event Ann does not have, changes nothing.
    assert_eq!(
        w.cal
            .apply_reply(
                &w.ann.0,
                "mallory@evil.example",
                &reply("carol@far.example", "DECLINED", &e.uid)
            )
            .await
            .unwrap(),
        ReplyOutcome::Ignored
    );
    assert_eq!(
        w.cal
            .apply_reply(
                &w.ann.0,
                "dave@far.example",
                &reply("dave@far.example", "ACCEPTED", &e.uid)
            )
            .await
            .unwrap(),
        ReplyOutcome::Ignored,
        "not a guest"
    );
    assert_eq!(
        w.cal
            .apply_reply(
                &w.ann.0,
                "carol@far.example",
                &reply("carol@far.example", "DECLINED", "nope@far")
            )
            .await
            .unwrap(),
        ReplyOutcome::Ignored,
        "an unknown UID"
    );
    let still = w.cal.get_event(&w.ann.0, &w.ann.1, &e.id).await.unwrap();
    assert_eq!(
        still.fields.attendees,
        Some(answers.clone()),
        "nothing changed"
    );
    assert_eq!(
        w.cal
            .apply_reply(
                &w.ann.0,
                "carol@far.example",
                &reply("carol@far.example", "DECLINED", &e.uid)
            )
            .await
            .unwrap(),
        ReplyOutcome::Applied
    );
    let now = w.cal.get_event(&w.ann.0, &w.ann.1, &e.id).await.unwrap();
    let carol = now
        .fields
        .attendees
        .unwrap()
        .into_iter()
        .find(|a| a.address == "carol@far.example")
        .unwrap();
    assert_eq!(carol.status, PartStat::Declined);

    // Carol proposes another time (a COUNTER): it is declined politely (RFC 5546
    // §3.2.8), the event stays as it was; one from someone not invited is ignored.
    let counter = |from: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Far//EN\r\nMETHOD:COUNTER\r\n\
             BEGIN:VEVENT\r\nUID:{}\r\nDTSTAMP:20270301T000000Z\r\n\
             DTSTART:20270311T090000Z\r\nDTEND:20270311T100000Z\r\n\
             ORGANIZER:mailto:ann@invite.example\r\n\
             ATTENDEE;PARTSTAT=ACCEPTED:mailto:{from}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            e.uid
        )
    };
    assert_eq!(
        w.cal
            .apply_reply(&w.ann.0, "carol@far.example", &counter("carol@far.example"))
            .await
            .unwrap(),
        ReplyOutcome::Declined
    );
    let declined = w.queued().await;
    let last = declined.last().unwrap();
    assert!(
        last.contains("METHOD:DECLINECOUNTER") && last.contains("carol@far.example"),
        "{last}"
    );
    assert_eq!(
        w.cal
            .apply_reply(&w.ann.0, "dave@far.example", &counter("dave@far.example"))
            .await
            .unwrap(),
        ReplyOutcome::Ignored
    );
    let same = w.cal.get_event(&w.ann.0, &w.ann.1, &e.id).await.unwrap();
    assert_eq!(same.fields.when, e.fields.when, "the time stays");
}

#[tokio::test]
async fn changes_send_a_new_request_and_removals_and_deletes_a_cancel() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let mut f = timed("Planning", "2027-04-01 09:00", 30, "UTC");
    f.attendees = Some(vec![
        guest("bob@invite.example"),
        guest("carol@far.example"),
    ]);
    let e = w.cal.create_event(&w.ann.0, &w.ann.1, f).await.unwrap();
    let (bob_cal, bob_event, _) = w.bobs_copy(&e.uid).await.unwrap();
    w.cal
        .answer(&w.bob.0, &bob_cal, &bob_event, PartStat::Tentative)
        .await
        .unwrap();

    // A new time: everyone hears again, with a higher SEQUENCE; Bob's answer is kept.
    let mut moved = e.fields.clone();
    moved.title = "Planning (moved)".into();
    moved.attendees = None;
    let after = w
        .cal
        .update_event(&w.ann.0, &w.ann.1, &e.id, moved, None, Scope::All)
        .await
        .unwrap();
    assert!(after.sequence > e.sequence);
    let queued = w.queued().await;
    assert_eq!(queued.len(), 2);
    assert!(
        queued[1].contains(&format!("SEQUENCE:{}", after.sequence)),
        "{}",
        queued[1]
    );
    let (_, _, status) = w.bobs_copy(&e.uid).await.unwrap();
    assert_eq!(
        status,
        PartStat::Tentative,
        "Bob's answer stays on his copy"
    );

    // Bob is taken off: his copy goes and he gets a cancel.
    let mut fewer = after.fields.clone();
    fewer.attendees = Some(vec![guest("carol@far.example")]);
    w.cal
        .update_event(&w.ann.0, &w.ann.1, &e.id, fewer, None, Scope::All)
        .await
        .unwrap();
    assert!(w.bobs_copy(&e.uid).await.is_none());
    let bob_mail = w.inbox(&w.bob.0).await;
    let last = bob_mail.last().unwrap();
    assert!(
        last.contains("Subject: Cancelled: Planning (moved)") && last.contains("METHOD:CANCEL")
    );
    assert!(last.contains("STATUS:CANCELLED"));

    // Ann deletes the event: Carol gets a cancel.
    w.cal
        .delete_event(&w.ann.0, &w.ann.1, &e.id, None, Scope::All)
        .await
        .unwrap();
    let queued = w.queued().await;
    let last = queued.last().unwrap();
    assert!(
        last.contains("METHOD:CANCEL") && last.contains("carol@far.example"),
        "{last}"
    );

    // An attendee cannot change the guests of an invitation's copy, nor answer an event
    // they organise.
    let mut mine = timed("Solo", "2027-04-02 09:00", 30, "UTC");
    mine.attendees = Some(vec![]);
    let solo = w.cal.create_event(&w.bob.0, &w.bob.1, mine).await.unwrap();
    let err = w
        .cal
        .answer(&w.bob.0, &w.bob.1, &solo.id, PartStat::Accepted)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("status"), "{err}");
}

#[tokio::test]
async fn a_reply_arriving_by_mail_reaches_the_organisers_event() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let mut f = timed("Review", "2027-05-04 15:00", 60, "UTC");
    f.attendees = Some(vec![guest("carol@far.example")]);
    let e = w.cal.create_event(&w.ann.0, &w.ann.1, f).await.unwrap();
    // Mail from outside, as the SMTP server hands it on: RCPT, then the message.
    let smtp = Submission::new(
        LocalDelivery::new(w.store.clone(), w.blobs.clone()),
        Outbox::new(w.store.clone(), w.blobs.clone()),
        8,
    )
    .with_scheduling(Arc::new(w.cal.clone()));
    let client = osprey_mail::Client {
        ip: None,
        account: None,
        sender: "carol@far.example".into(),
    };
    let to = osprey_core::Address::parse("ann@invite.example").unwrap();
    let verdict = smtp.recipient(&client, &to, 0).await.unwrap();
    let mut envelope = osprey_mail::Envelope {
        sender: "carol@far.example".into(),
        ..osprey_mail::Envelope::default()
    };
    envelope.add(
        verdict,
        osprey_store::NewQueuedRecipient::to(to.to_string()),
    );
    let message = format!(
        "From: Carol <carol@far.example>\r\nTo: ann@invite.example\r\n\
         Subject: Accepted: Review\r\nMessage-ID: <r1@far.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n\
         BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Far//EN\r\nMETHOD:REPLY\r\n\
         BEGIN:VEVENT\r\nUID:{}\r\nDTSTAMP:20270401T000000Z\r\n\
         ORGANIZER:mailto:ann@invite.example\r\n\
         ATTENDEE;PARTSTAT=ACCEPTED:mailto:carol@far.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        e.uid
    );
    smtp.submit(&envelope, message.as_bytes(), "INBOX")
        .await
        .unwrap();
    assert_eq!(
        w.inbox(&w.ann.0).await.len(),
        1,
        "the reply is kept as mail too"
    );
    let now = w.cal.get_event(&w.ann.0, &w.ann.1, &e.id).await.unwrap();
    assert_eq!(
        now.fields.attendees.unwrap()[0].status,
        PartStat::Accepted,
        "Carol's answer is on Ann's event"
    );
}

#[tokio::test]
async fn an_invitation_from_elsewhere_lands_only_when_answered() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let request = |organizer: &str, uid: &str, attendee: &str| {
        vec![format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Far//EN\r\nMETHOD:REQUEST\r\n\
             BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270401T000000Z\r\nSEQUENCE:2\r\n\
             SUMMARY:Board meeting\r\nLOCATION:Far House\r\n\
             DTSTART:20270610T080000Z\r\nDTEND:20270610T090000Z\r\n\
             ORGANIZER;CN=Olga:mailto:{organizer}\r\n\
             ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{attendee}\r\n\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        )]
    };
    let texts = request(
        "olga@far.example",
        "board-1@far.example",
        "ann@invite.example",
    );
    let seen = w
        .cal
        .mail_invitation(&w.ann.0, &texts)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.method, "REQUEST");
    assert_eq!(seen.fields.title, "Board meeting");
    assert_eq!(seen.fields.organizer.as_deref(), Some("olga@far.example"));
    assert!(!seen.organizer_here);
    assert_eq!(
        (seen.answer, seen.event.clone()),
        (Some(PartStat::NeedsAction), None)
    );
    let nothing = w.cal.search(&w.ann.0, "board", 10).await.unwrap();
    assert!(
        nothing.events.is_empty(),
        "an invitation by mail is not added by itself"
    );

    // Ann accepts: the event is in her calendar with her answer; Olga gets a REPLY.
    let after = w
        .cal
        .answer_mail_invitation(&w.ann.0, &texts, PartStat::Accepted)
        .await
        .unwrap();
    assert_eq!(after.answer, Some(PartStat::Accepted));
    let (cal, event) = after.event.clone().expect("in Ann's calendar");
    let e = w.cal.get_event(&w.ann.0, &cal, &event).await.unwrap();
    assert_eq!(e.fields.title, "Board meeting");
    assert_eq!(e.fields.organizer.as_deref(), Some("olga@far.example"));
    let queued = w.queued().await;
    let reply = queued.last().unwrap();
    assert!(reply.contains("METHOD:REPLY"), "{reply}");
    assert!(reply.contains("PARTSTAT=ACCEPTED") && reply.contains("olga@far.example"));
    // Answering again changes the answer on the same copy.
    let again = w
        .cal
        .answer_mail_invitation(&w.ann.0, &texts, PartStat::Declined)
        .await
        .unwrap();
    assert_eq!(again.event, after.event);
    assert_eq!(again.answer, Some(PartStat::Declined));

    // Olga moves the meeting: her new REQUEST (a higher SEQUENCE) changes Ann's copy,
    // which keeps Ann's answer; the same from someone else, or an older version,
    // changes nothing; a new invitation is never added by itself.
    let update = |sequence: u32, title: &str, method: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Far//EN\r\nMETHOD:{method}\r\n\
             BEGIN:VEVENT\r\nUID:board-1@far.example\r\nDTSTAMP:20270402T000000Z\r\n\
             SEQUENCE:{sequence}\r\nSUMMARY:{title}\r\n\
             DTSTART:20270611T080000Z\r\nDTEND:20270611T090000Z\r\n\
             ORGANIZER:mailto:olga@far.example\r\n\
             ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:ann@invite.example\r\n\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    let moved = update(3, "Board meeting (moved)", "REQUEST");
    assert!(
        !w.cal
            .apply_organiser_update(&w.ann.0, "mallory@evil.example", &moved)
            .await
            .unwrap()
    );
    assert!(
        !w.cal
            .apply_organiser_update(&w.ann.0, "olga@far.example", &update(1, "Old", "REQUEST"))
            .await
            .unwrap()
    );
    assert!(
        w.cal
            .apply_organiser_update(&w.ann.0, "olga@far.example", &moved)
            .await
            .unwrap()
    );
    let e = w.cal.get_event(&w.ann.0, &cal, &event).await.unwrap();
    assert_eq!(e.fields.title, "Board meeting (moved)");
    let mine = e.fields.attendees.unwrap();
    assert_eq!(mine[0].status, PartStat::Declined, "Ann's answer stays");
    let fresh = request(
        "olga@far.example",
        "board-9@far.example",
        "ann@invite.example",
    );
    assert!(
        !w.cal
            .apply_organiser_update(&w.ann.0, "olga@far.example", &fresh[0])
            .await
            .unwrap()
    );
    assert!(
        w.cal
            .search(&w.ann.0, "board-9", 10)
            .await
            .unwrap()
            .events
            .is_empty()
    );
    // Olga cancels it: it leaves Ann's calendar.
    assert!(
        w.cal
            .apply_organiser_update(
                &w.ann.0,
                "olga@far.example",
                &update(4, "Board meeting (moved)", "CANCEL")
            )
            .await
            .unwrap()
    );
    assert!(w.cal.get_event(&w.ann.0, &cal, &event).await.is_err());

    // Not one of its attendees: refused, nothing added.
    let other = request("olga@far.example", "board-2@far.example", "zed@far.example");
    let err = w
        .cal
        .answer_mail_invitation(&w.ann.0, &other, PartStat::Accepted)
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("status"), "{err}");
    // A forged invitation in the name of Bob, who has no such event: shown as from
    // elsewhere.
    let forged = request(
        "bob@invite.example",
        "forged@evil.example",
        "ann@invite.example",
    );
    let seen = w
        .cal
        .mail_invitation(&w.ann.0, &forged)
        .await
        .unwrap()
        .unwrap();
    assert!(!seen.organizer_here);
}
