//! Delivery rules across two Osprey servers: a rule on A forwards to an account on B
//! through the outbound queue with an SRS envelope sender, so that SPF passes at B for
//! A's own name; and when B's account forwards back, the loop is cut at A (the message
//! is kept once, not sent round again).

use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};

use crate::exchange::{PASSWORD, auth_results, messages, ok, subjects, token};
use crate::support::Server;

/// A's host name: the domain of its SRS addresses, whose SPF record B pins.
const A_HOST: &str = "mx.a.e2e.test";

async fn put_rules(c: &Client, s: &Server, token: &str, rules: Value) {
    let r = c
        .put(format!("{}/api/v1/rules", s.url))
        .bearer_auth(token)
        .json(&json!({ "rules": rules }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
}

fn forward_to(address: &str) -> Value {
    json!([{
        "name": "forward",
        "actions": [{"type": "forward", "to": [address], "keep_copy": true}]
    }])
}

/// Waits until `user` on `s` has `n` messages (or 30 s pass); returns their subjects.
async fn wait_count(s: &Server, user: &str, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen = subjects(s, user);
        if seen.len() >= n || Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn a_forward_reaches_another_server_with_srs_and_a_loop_back_is_cut() {
    let pinned =
        std::env::temp_dir().join(format!("osprey-e2e-srs-{}", crate::support::free_port()));
    std::fs::write(&pinned, format!("{A_HOST} v=spf1 ip4:127.0.0.1 -all\n")).unwrap();
    let mut a = Server::start_with(
        false,
        &[
            ("OSPREY_HOSTNAME", A_HOST),
            ("OSPREY_OUTBOUND_RETRY_INTERVALS_SECS", "1"),
        ],
    )
    .await;
    let b = Server::start_with(
        false,
        &[
            ("OSPREY_SMTP_DNS_TXT_FILE", pinned.to_str().unwrap()),
            (
                "OSPREY_OUTBOUND_ROUTES",
                &format!("a.e2e.test=127.0.0.1:{}", a.smtp_port),
            ),
            ("OSPREY_OUTBOUND_RETRY_INTERVALS_SECS", "1"),
        ],
    )
    .await;
    // A learns B's address: restarted with its route.
    a.set_env(
        "OSPREY_OUTBOUND_ROUTES",
        &format!("b.e2e.test=127.0.0.1:{}", b.smtp_port),
    );
    a.kill();
    a.restart().await;
    ok(&a, &["domain", "add", "a.e2e.test"]);
    ok(&b, &["domain", "add", "b.e2e.test"]);
    for (s, user) in [
        (&a, "al@a.e2e.test"),
        (&a, "cy@a.e2e.test"),
        (&b, "bea@b.e2e.test"),
    ] {
        ok(s, &["user", "add", user, "--password", PASSWORD]);
    }
    let c = Client::new();
    let al = token(&c, &a, "al@a.e2e.test", PASSWORD).await;
    put_rules(&c, &a, &al, forward_to("bea@b.e2e.test")).await;

    // cy writes to al; al keeps a copy and the rule forwards one to bea on B.
    let cy = token(&c, &a, "cy@a.e2e.test", PASSWORD).await;
    let r = c
        .post(format!("{}/api/v1/messages/send", a.url))
        .bearer_auth(&cy)
        .json(&json!({"to": ["al@a.e2e.test"], "subject": "plans", "text": "See you.\r\n"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    assert_eq!(wait_count(&b, "bea@b.e2e.test", 1).await, ["plans"]);
    assert_eq!(subjects(&a, "al@a.e2e.test"), ["plans"]);
    let forwarded = &messages(&b, "bea@b.e2e.test")[0];
    let results = auth_results(forwarded);
    // SPF is checked for the SRS address in A's name, which A's record covers.
    assert!(
        results.contains("spf=pass") && results.contains(&format!("@{A_HOST}")),
        "{results}"
    );
    assert!(
        forwarded
            .iter()
            .any(|l| l.eq_ignore_ascii_case("Delivered-To: al@a.e2e.test")),
        "{forwarded:?}"
    );
    let return_path = forwarded
        .iter()
        .find(|l| l.starts_with("Return-Path:"))
        .expect("a Return-Path");
    assert!(
        return_path.contains("SRS0=") && return_path.ends_with(&format!("@{A_HOST}>")),
        "{return_path}"
    );

    // bea forwards everything back to al: the next message goes A → B → A, where al's
    // rule sees its own Delivered-To and keeps the message instead of sending it round.
    let bea = token(&c, &b, "bea@b.e2e.test", PASSWORD).await;
    put_rules(&c, &b, &bea, forward_to("al@a.e2e.test")).await;
    let r = c
        .post(format!("{}/api/v1/messages/send", a.url))
        .bearer_auth(&cy)
        .json(&json!({"to": ["al@a.e2e.test"], "subject": "round", "text": "Again.\r\n"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    // al: the first message, this one, and this one back from B.
    wait_count(&a, "al@a.e2e.test", 3).await;
    // Time for a loop to show, if the cut failed.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut al_box = subjects(&a, "al@a.e2e.test");
    al_box.sort();
    assert_eq!(al_box, ["plans", "round", "round"]);
    let mut bea_box = subjects(&b, "bea@b.e2e.test");
    bea_box.sort();
    assert_eq!(bea_box, ["plans", "round"]);
}
