//! Calendar invitations between two Osprey servers (iTIP over iMIP, RFC 5546 and 6047),
//! through their queues over loopback SMTP: an organiser on A invites a guest on B; the
//! REQUEST arrives as mail, the guest accepts in the webmail, the REPLY goes back and
//! lands on the organiser's event; deleting the event sends a CANCEL, which takes it out
//! of the guest's calendar.

use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};

use crate::api::{get, inbox_items, login, post};
use crate::exchange::{PASSWORD, ok};
use crate::support::Server;

const AL: &str = "al@a.e2e.test";
const BEA: &str = "bea@b.e2e.test";

/// Polls `check` every 300 ms until it gives a value (or 30 s pass).
async fn until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "still waiting for {what}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The id of the first message of the INBOX whose subject starts with `subject`.
async fn message(c: &Client, s: &Server, token: &str, subject: &str) -> Option<String> {
    inbox_items(c, &s.url, token)
        .await
        .iter()
        .find(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|t| t.starts_with(subject))
        })
        .map(|m| m["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn an_invitation_goes_to_another_server_and_its_answer_comes_back() {
    let mut a = Server::start_with(false, &[("OSPREY_OUTBOUND_RETRY_INTERVALS_SECS", "1")]).await;
    let b = Server::start_with(
        false,
        &[
            (
                "OSPREY_OUTBOUND_ROUTES",
                &format!("a.e2e.test=127.0.0.1:{}", a.smtp_port),
            ),
            ("OSPREY_OUTBOUND_RETRY_INTERVALS_SECS", "1"),
        ],
    )
    .await;
    a.set_env(
        "OSPREY_OUTBOUND_ROUTES",
        &format!("b.e2e.test=127.0.0.1:{}", b.smtp_port),
    );
    a.kill();
    a.restart().await;
    ok(&a, &["domain", "add", "a.e2e.test"]);
    ok(&b, &["domain", "add", "b.e2e.test"]);
    ok(&a, &["user", "add", AL, "--password", PASSWORD]);
    ok(&b, &["user", "add", BEA, "--password", PASSWORD]);
    let c = Client::new();
    let al = login(&c, &a.url, AL, PASSWORD).await;
    let bea = login(&c, &b.url, BEA, PASSWORD).await;

    // Al, on A, invites Bea, on B.
    let (_, cals) = get(&c, &a.url, &al, "/api/v1/calendars").await;
    let cal = cals[0]["id"].as_str().unwrap().to_owned();
    let (status, event) = post(
        &c,
        &a.url,
        &al,
        &format!("/api/v1/calendars/{cal}/events"),
        json!({"title": "Launch", "start": "2027-02-03T10:00", "end": "2027-02-03T11:00",
               "time_zone": "Europe/Berlin", "attendees": [{"address": BEA, "name": "Bea"}]}),
    )
    .await;
    assert_eq!(status, 201, "{event}");
    let event_id = event["id"].as_str().unwrap().to_owned();

    // The REQUEST arrives on B as mail; the reader shows it, from outside that server.
    let invitation = until("the invitation on B", || {
        message(&c, &b, &bea, "Invitation: Launch")
    })
    .await;
    let path = format!("/api/v1/messages/{invitation}/invitation");
    let (status, seen) = get(&c, &b.url, &bea, &path).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["method"], "REQUEST");
    assert_eq!(seen["fields"]["organizer"], AL);
    assert_eq!(seen["organizer_here"], false);
    assert_eq!(seen["answer"], "needs_action");

    // Bea accepts: the event is in her calendar, and the REPLY goes to A.
    let (status, answered) = post(&c, &b.url, &bea, &path, json!({"status": "accepted"})).await;
    assert_eq!(status, 200, "{answered}");
    assert!(answered["event_id"].is_string(), "{answered}");
    let (_, occ) = get(
        &c,
        &b.url,
        &bea,
        "/api/v1/calendars/occurrences?from=2027-02-03T00:00:00Z&to=2027-02-04T00:00:00Z",
    )
    .await;
    assert_eq!(occ["items"][0]["title"], "Launch", "{occ}");
    let answer_path = format!("/api/v1/calendars/{cal}/events/{event_id}");
    let shown: Value = until("Bea's answer on Al's event", || {
        let (c, url, al, path) = (c.clone(), a.url.clone(), al.clone(), answer_path.clone());
        async move {
            let (_, e) = get(&c, &url, &al, &path).await;
            (e["fields"]["attendees"][0]["status"] == "accepted").then_some(e)
        }
    })
    .await;
    assert_eq!(shown["fields"]["attendees"][0]["address"], BEA);
    // The REPLY stays in Al's INBOX as mail too.
    assert!(message(&c, &a, &al, "Answer: Launch").await.is_some());

    // Al deletes the event: Bea gets the CANCEL.
    let r = c
        .delete(format!("{}{answer_path}", a.url))
        .bearer_auth(&al)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let cancel = until("the cancel on B", || {
        message(&c, &b, &bea, "Cancelled: Launch")
    })
    .await;
    let (_, seen) = get(
        &c,
        &b.url,
        &bea,
        &format!("/api/v1/messages/{cancel}/invitation"),
    )
    .await;
    assert_eq!(seen["method"], "CANCEL");
    // The cancel came from the event's organiser: the event left Bea's calendar.
    let (_, occ) = get(
        &c,
        &b.url,
        &bea,
        "/api/v1/calendars/occurrences?from=2027-02-03T00:00:00Z&to=2027-02-04T00:00:00Z",
    )
    .await;
    assert_eq!(occ["items"], json!([]), "{occ}");
}
