//! The postmaster (RFC 5321 §4.5.1): "Any system that includes an SMTP server
//! supporting mail relaying or delivery MUST support the reserved mailbox "postmaster" as
//! a case-insensitive local name. ... The requirement to accept mail for postmaster
//! implies that RCPT commands that specify a mailbox for postmaster at any of the domains
//! for which the SMTP server provides mail service, as well as the special case of "RCPT
//! TO:<Postmaster>" (with no domain specification), MUST be supported." And: "SMTP
//! systems are expected to make every reasonable effort to accept mail directed to
//! Postmaster from any other system on the Internet."

use osprey_core::{Address, Role, hash_credentials};
use osprey_mail::auth::{MessageChecks, TxtTable};
use osprey_store::NewAccount;

use crate::harness::{ANN, Harness, PASSWORD};

/// Makes a server administrator; returns its id.
async fn admin(h: &Harness, address: &str) -> String {
    h.store
        .accounts()
        .create_account(NewAccount {
            address: Address::parse(address).unwrap(),
            credentials: hash_credentials(PASSWORD),
            role: Role::Admin,
            display_name: String::new(),
            quota_bytes: None,
            admin_domain_ids: vec![],
            enabled: true,
        })
        .await
        .unwrap()
        .id
}

async fn send_to(h: &Harness, sender: &str, rcpts: &[(&str, &str)]) -> Option<String> {
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO client.example", "250").await;
    c.expect(&format!("MAIL FROM:<{sender}>"), "250").await;
    let mut any = false;
    for (rcpt, want) in rcpts {
        let r = c.cmd(&format!("RCPT TO:<{rcpt}>")).await;
        assert!(
            r.starts_with(want),
            "RCPT TO:<{rcpt}> -> {r}, expected {want}"
        );
        any |= r.starts_with("250");
    }
    if !any {
        return None;
    }
    Some(
        c.data("From: x@client.example\r\nSubject: to the postmaster\r\n\r\nhi\r\n")
            .await,
    )
}

#[tokio::test]
async fn postmaster_of_every_local_domain_and_the_bare_form_reach_the_first_admin() {
    let h = Harness::start().await;
    let root = admin(&h, "root@mx.example").await;
    admin(&h, "later@mx.example").await;
    for rcpt in [
        "postmaster@mx.example",
        "PostMaster@MX.example",
        "postmaster@mx-alias.example",
        "Postmaster",
        "POSTMASTER",
    ] {
        let r = send_to(&h, "x@client.example", &[(rcpt, "250")]).await;
        assert!(r.is_some_and(|r| r.starts_with("250")), "{rcpt}");
    }
    assert_eq!(
        h.inbox(&root).await.len(),
        5,
        "all to the first server admin"
    );
    // Not a postmaster of ours: still refused.
    send_to(
        &h,
        "x@client.example",
        &[("postmaster@elsewhere.example", "550")],
    )
    .await;
}

#[tokio::test]
async fn a_named_postmaster_account_and_an_explicit_alias_win() {
    let h = Harness::start().await;
    admin(&h, "root@mx.example").await;
    h.store.settings().set_postmaster(&h.ann).await.unwrap();
    send_to(&h, "x@client.example", &[("postmaster@mx.example", "250")]).await;
    assert_eq!(h.inbox(&h.ann).await.len(), 1, "the named account");
    let bob = h.account_id("bob@mx.example").await;
    h.store
        .aliases()
        .create_alias(
            Some("postmaster"),
            "mx.example",
            vec!["bob@mx.example".into()],
        )
        .await
        .unwrap();
    send_to(&h, "x@client.example", &[("postmaster@mx.example", "250")]).await;
    assert_eq!(
        h.inbox(&bob).await.len(),
        1,
        "an alias of that name is followed"
    );
}

#[tokio::test]
async fn the_kill_file_never_refuses_mail_to_the_postmaster() {
    let h = Harness::start().await;
    let root = admin(&h, "root@mx.example").await;
    h.store
        .access()
        .create_kill_entry("domain", "bad.example", "", None)
        .await
        .unwrap();
    let mx = h
        .store
        .domains()
        .domain_by_name("mx.example")
        .await
        .unwrap();
    h.store
        .access()
        .create_kill_entry("domain", "pushy.example", "", Some(&mx.id))
        .await
        .unwrap();
    // Server-wide: every other recipient is refused, the postmaster is not.
    let r = send_to(
        &h,
        "x@bad.example",
        &[
            (ANN, "550 5.7.1"),
            ("postmaster@mx.example", "250"),
            ("Postmaster", "250"),
        ],
    )
    .await;
    assert!(r.is_some_and(|r| r.starts_with("250")));
    // For one domain's recipients.
    send_to(
        &h,
        "x@pushy.example",
        &[(ANN, "550 5.7.1"), ("postmaster@mx.example", "250")],
    )
    .await;
    assert_eq!(h.inbox(&root).await.len(), 2);
    assert!(h.inbox(&h.ann).await.is_empty());
}

#[tokio::test]
async fn enforced_dmarc_never_refuses_mail_only_to_the_postmaster() {
    let table = TxtTable::new([
        ("sender.example", "v=spf1 ip4:192.0.2.0/24 -all"),
        ("_dmarc.sender.example", "v=DMARC1; p=reject"),
    ]);
    let checks = MessageChecks::with_table("mx.example", table).unwrap();
    let h = Harness::with_checks(|c| c.dmarc_enforce = true, checks).await;
    let root = admin(&h, "root@mx.example").await;
    let message = "From: x@sender.example\r\nSubject: report\r\n\r\nbody\r\n";
    let mut c = h.connect(h.mx).await;
    c.expect("EHLO mx.sender.example", "250").await;
    c.expect("MAIL FROM:<x@sender.example>", "250").await;
    c.expect("RCPT TO:<postmaster@mx.example>", "250").await;
    let r = c.data(message).await;
    assert!(r.starts_with("250"), "{r}");
    assert_eq!(h.inbox(&root).await.len(), 1);
    // With an ordinary recipient too, the policy applies.
    c.expect("MAIL FROM:<x@sender.example>", "250").await;
    c.expect("RCPT TO:<postmaster@mx.example>", "250").await;
    c.expect(&format!("RCPT TO:<{ANN}>"), "250").await;
    let r = c.data(message).await;
    assert!(r.starts_with("550 5.7.1"), "{r}");
}

/// A list's address is one of its domain's: the domain's kill file refuses senders to
/// it as to the domain's accounts.
#[tokio::test]
async fn the_domains_kill_file_refuses_posts_to_its_lists() {
    let h = Harness::start().await;
    osprey_lists::ListAdmin::new(h.store.clone())
        .create(
            &osprey_directory::Actor::Operator,
            osprey_lists::NewListRequest {
                address: "team@mx.example".into(),
                name: "Team".into(),
                description: String::new(),
                settings: Some(osprey_lists::ListSettings {
                    posting: osprey_lists::PostingPolicy::Anyone,
                    ..osprey_lists::ListSettings::for_list("team")
                }),
            },
        )
        .await
        .unwrap();
    let mx = h
        .store
        .domains()
        .domain_by_name("mx.example")
        .await
        .unwrap();
    h.store
        .access()
        .create_kill_entry("domain", "pushy.example", "", Some(&mx.id))
        .await
        .unwrap();
    send_to(&h, "x@pushy.example", &[("team@mx.example", "550 5.7.1")]).await;
    let r = send_to(&h, "x@fine.example", &[("team@mx.example", "250")]).await;
    assert!(r.is_some_and(|r| r.starts_with("250")));
}
