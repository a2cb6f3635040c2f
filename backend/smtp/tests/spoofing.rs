//! The spoofing matrix for submission (issue: a signed-in user could send as anyone):
//! every combination of envelope sender, `From:` and `Sender:` a signed-in account might
//! try, with the answer the server must give and, for accepted mail, the DKIM domain it
//! signs with.
//!
//! RFC 6409 §6.1: "The MSA MAY ... reject the message" when the sender is not one the
//! authenticated user is authorised to use; RFC 5321 §4.5.5: the null reverse-path is
//! for notifications (delivery reports), not for a user's mail.

use osprey_core::{Address, DomainName, Role, hash_credentials};
use osprey_store::{NewAccount, NewDomain};

use crate::harness::{ANN, Harness, PASSWORD, plain};

/// Ann (mx.example) may send as: herself, under the domain's alias name too
/// (mx-alias.example); `sales@` (an alias to her) and `team@` (an alias to bob and
/// her); `news@other.example` and all of `grant.example` (grants). She may not send as
/// bob, `bobs@` (an alias to bob), `nobody@mx.example` (only the catch-all, which
/// delivers to her, has it), carol@other.example or anyone outside.
async fn setup(h: &Harness) {
    let s = &h.store;
    let mut domain_ids = vec![];
    for name in ["other.example", "grant.example"] {
        let d = s
            .domains()
            .create_domain(NewDomain {
                name: DomainName::parse(name).unwrap(),
                aliases: vec![],
                settings: Default::default(),
                enabled: true,
            })
            .await
            .unwrap();
        domain_ids.push(d.id);
    }
    s.accounts()
        .create_account(NewAccount {
            address: Address::parse("carol@other.example").unwrap(),
            credentials: hash_credentials(PASSWORD),
            role: Role::User,
            display_name: String::new(),
            quota_bytes: None,
            admin_domain_ids: vec![],
            enabled: true,
        })
        .await
        .unwrap();
    for (local, targets) in [
        (Some("sales"), vec![ANN]),
        (Some("team"), vec!["bob@mx.example", ANN]),
        (Some("bobs"), vec!["bob@mx.example"]),
        (None, vec![ANN]),
    ] {
        s.aliases()
            .create_alias(
                local,
                "mx.example",
                targets.into_iter().map(String::from).collect(),
            )
            .await
            .unwrap();
    }
    for grant in ["news@other.example", "@grant.example"] {
        s.send_as().grant(&h.ann, grant).await.unwrap();
    }
    let mx = s.domains().domain_by_name("mx.example").await.unwrap();
    for id in [mx.id.as_str(), &domain_ids[0], &domain_ids[1]] {
        osprey_mail::auth::ensure_dkim_key(s, id).await.unwrap();
    }
}

/// Submits as Ann to a remote recipient: the reply to MAIL and, when it was accepted,
/// the reply to the end of DATA.
async fn submit(h: &Harness, envelope: &str, header: &str) -> (String, Option<String>) {
    let mut c = h.connect(h.submission).await;
    c.expect("EHLO c", "250").await;
    c.expect(&format!("AUTH PLAIN {}", plain(ANN, PASSWORD)), "235")
        .await;
    let mail = c.cmd(&format!("MAIL FROM:<{envelope}>")).await;
    if !mail.starts_with("250") {
        return (mail, None);
    }
    c.expect("RCPT TO:<friend@elsewhere.example>", "250").await;
    let data = c
        .data(&format!(
            "{header}To: friend@elsewhere.example\r\nSubject: t\r\n\r\nhi\r\n"
        ))
        .await;
    (mail, Some(data))
}

/// The ids of the queued messages.
async fn queued_ids(h: &Harness) -> Vec<String> {
    h.queue().await.into_iter().map(|e| e.message.id).collect()
}

/// The `d=` of the DKIM signature of the one message queued since `before`, if it has
/// one.
async fn signed_domain(h: &Harness, before: &[String]) -> Option<String> {
    let queue = h.queue().await;
    let mut new = queue.iter().filter(|e| !before.contains(&e.message.id));
    let newest = new.next().expect("a queued message");
    assert!(new.next().is_none(), "one message queued");
    let body = h.blobs.get(&newest.message.blob_hash).await.unwrap();
    let text = String::from_utf8_lossy(&body);
    let sig = text.split("DKIM-Signature:").nth(1)?;
    let d = sig.split("d=").nth(1)?;
    Some(d.split(';').next()?.trim().to_owned())
}

#[tokio::test]
async fn a_signed_in_user_sends_only_as_addresses_it_may_use() {
    let h = Harness::with(|c| c.plaintext_loopback = true).await;
    setup(&h).await;
    // (envelope sender, header fields, expected reply to MAIL, to the end of DATA, d=)
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
    );
    let allowed = |env, header, d| (env, header, "250", Some("250"), d);
    let cases: &[Case] = &[
        allowed(ANN, "From: Ann <ann@mx.example>\r\n", Some("mx.example")),
        allowed(ANN, "From: ANN@MX.EXAMPLE\r\n", Some("mx.example")),
        // Her address under the domain's other name (signed with the domain's key).
        allowed(
            "ann@mx-alias.example",
            "From: ann@mx-alias.example\r\n",
            Some("mx-alias.example"),
        ),
        allowed(
            "sales@mx.example",
            "From: sales@mx.example\r\n",
            Some("mx.example"),
        ),
        allowed(ANN, "From: team@mx.example\r\n", Some("mx.example")),
        allowed(ANN, "From: news@other.example\r\n", Some("other.example")),
        allowed(ANN, "From: anyone@grant.example\r\n", Some("grant.example")),
        allowed(
            ANN,
            "From: ann@mx.example, sales@mx.example\r\nSender: ann@mx.example\r\n",
            Some("mx.example"),
        ),
        // Envelope: the null sender and addresses that are not hers.
        (
            "",
            "",
            "550 5.7.1 The null sender is not for signed-in users",
            None,
            None,
        ),
        (
            "bob@mx.example",
            "",
            "550 5.7.1 <bob@mx.example> (envelope)",
            None,
            None,
        ),
        (
            "bobs@mx.example",
            "",
            "550 5.7.1 <bobs@mx.example> (envelope)",
            None,
            None,
        ),
        (
            "nobody@mx.example",
            "",
            "550 5.7.1 <nobody@mx.example> (envelope)",
            None,
            None,
        ),
        (
            "carol@other.example",
            "",
            "550 5.7.1 <carol@other.example> (envelope)",
            None,
            None,
        ),
        ("someone@elsewhere.example", "", "550 5.7.1", None, None),
        // Header fields: her envelope, someone else's From or Sender.
        (
            ANN,
            "From: Carol <carol@other.example>\r\n",
            "250",
            Some("550 5.7.1 <carol@other.example> (From)"),
            None,
        ),
        (
            ANN,
            "From: ann@mx.example, bob@mx.example\r\n",
            "250",
            Some("550 5.7.1 <bob@mx.example> (From)"),
            None,
        ),
        (
            ANN,
            "From: list: ann@mx.example, ceo@elsewhere.example;\r\n",
            "250",
            Some("550 5.7.1 <ceo@elsewhere.example> (From)"),
            None,
        ),
        (
            ANN,
            "From: ann@mx.example\r\nSender: bob@mx.example\r\n",
            "250",
            Some("550 5.7.1 <bob@mx.example> (Sender)"),
            None,
        ),
        (
            ANN,
            "From: nobody@mx.example\r\n",
            "250",
            Some("550 5.7.1 <nobody@mx.example> (From)"),
            None,
        ),
    ];
    for &(env, header, mail_reply, data_reply, dkim) in cases {
        let before = queued_ids(&h).await;
        let (mail, data) = submit(&h, env, header).await;
        let case = format!("MAIL FROM:<{env}> with {header:?}");
        assert!(mail.starts_with(mail_reply), "{case}: MAIL -> {mail}");
        match (data_reply, &data) {
            (Some(want), Some(got)) => assert!(got.starts_with(want), "{case}: DATA -> {got}"),
            (None, None) => {}
            _ => panic!("{case}: DATA -> {data:?}, expected {data_reply:?}"),
        }
        if data_reply == Some("250") {
            let d = signed_domain(&h, &before).await;
            assert_eq!(d.as_deref(), dkim, "{case}: DKIM d=");
        } else {
            assert_eq!(
                queued_ids(&h).await,
                before,
                "{case}: a refused message leaves nothing"
            );
        }
    }
}

#[tokio::test]
async fn a_domain_that_allows_any_sender_still_signs_only_what_the_account_owns() {
    let h = Harness::with(|c| c.plaintext_loopback = true).await;
    setup(&h).await;
    let mx = h
        .store
        .domains()
        .domain_by_name("mx.example")
        .await
        .unwrap();
    h.store
        .domains()
        .update_domain(
            &mx.id,
            osprey_store::DomainChanges {
                settings: Some(serde_json::json!({ "any_sender": true })),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let before = queued_ids(&h).await;
    let (mail, data) = submit(&h, "carol@other.example", "From: carol@other.example\r\n").await;
    assert!(mail.starts_with("250"), "{mail}");
    assert!(
        data.as_deref().is_some_and(|d| d.starts_with("250")),
        "{data:?}"
    );
    let d = signed_domain(&h, &before).await;
    assert_eq!(d, None, "never signed as other.example");
    let (mail, _) = submit(&h, "", "From: ann@mx.example\r\n").await;
    assert!(
        mail.starts_with("550 5.7.1"),
        "the null sender stays refused: {mail}"
    );
    let before = queued_ids(&h).await;
    let (_, data) = submit(&h, ANN, "From: ann@mx.example\r\n").await;
    assert!(data.as_deref().is_some_and(|d| d.starts_with("250")));
    let d = signed_domain(&h, &before).await;
    assert_eq!(d.as_deref(), Some("mx.example"));
}
