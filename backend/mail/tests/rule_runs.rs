//! "Run now": rules applied to mail already stored, as a background job.

use std::time::Duration;

use osprey_mail::{RulesError, rules::RunState};
use osprey_rules::{Action, Condition, Operator, Rule, TextTest};
use osprey_store::{StoreError, flags, testing::TestDb};

use crate::rules::{LIST_POST, World, subject_has, world};

fn lists_rule() -> Rule {
    Rule::new(
        "lists",
        vec![Condition::ListId(TextTest::new(
            Operator::Contains,
            "rust.lists",
        ))],
        vec![
            Action::SetFlags {
                flags: vec!["\\Flagged".into()],
            },
            Action::FileInto {
                mailbox: "Lists/Rust".into(),
                create_if_missing: true,
            },
        ],
    )
}

fn discard_rule() -> Rule {
    Rule::new(
        "spam",
        vec![subject_has("cheap pills")],
        vec![Action::Discard],
    )
}

/// Three messages in Ann's INBOX, delivered before she had rules.
async fn stored(w: &World) -> String {
    for m in [
        LIST_POST.to_owned(),
        LIST_POST.replace("[rust] release", "[rust] meeting"),
        "From: x@far.example\r\nTo: ann@here.example\r\nSubject: cheap pills\r\n\r\nbuy\r\n"
            .to_owned(),
        "From: mum@far.example\r\nTo: ann@here.example\r\nSubject: Sunday\r\n\r\nlunch?\r\n"
            .to_owned(),
    ] {
        w.send("x@far.example", &["ann@here.example"], &m)
            .await
            .unwrap();
    }
    w.store
        .messages()
        .mailbox_by_name(&w.ann.id, "INBOX")
        .await
        .unwrap()
        .id
}

async fn finished(w: &World, id: &str) -> osprey_mail::rules::RuleRun {
    for _ in 0..200 {
        let run = w.rules.run_status(&w.ann.id, id).unwrap();
        if run.state != RunState::Running {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the run did not finish in 10 s");
}

#[tokio::test]
async fn running_all_rules_files_flags_and_trashes_the_stored_mail() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let inbox = stored(&w).await;
    w.set_rules(&w.ann, vec![lists_rule(), discard_rule()])
        .await;
    let delivery = w.s.delivery().clone();
    let run = w
        .rules
        .start_run(delivery, &w.ann.id, &inbox, None)
        .await
        .unwrap();
    assert_eq!(run.total, 4);
    let run = finished(&w, &run.id).await;
    assert_eq!(run.state, RunState::Finished);
    assert_eq!(
        (
            run.processed,
            run.matched,
            run.moved,
            run.flagged,
            run.trashed,
            run.copied
        ),
        (4, 3, 3, 2, 1, 0)
    );
    let lists = w.mailbox(&w.ann, "Lists/Rust").await;
    assert_eq!(lists.len(), 2, "{lists:?}");
    assert!(lists.iter().all(|(f, _, _)| f & flags::FLAGGED != 0));
    let trash = w.mailbox(&w.ann, "Trash").await;
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0].2, "cheap pills");
    let inbox = w.mailbox(&w.ann, "INBOX").await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].2, "Sunday");
}

#[tokio::test]
async fn one_rule_runs_alone_and_what_is_for_arriving_mail_is_skipped() {
    let db = TestDb::new().await;
    let w = world(&db).await;
    let inbox = stored(&w).await;
    let forward = Rule::new(
        "mum",
        vec![subject_has("Sunday")],
        vec![Action::Redirect {
            to: "bob@here.example".into(),
        }],
    );
    w.set_rules(&w.ann, vec![lists_rule(), discard_rule(), forward])
        .await;
    let delivery = w.s.delivery().clone();
    // Only rule 2: the redirect is not carried out on stored mail, and the message
    // stays where it is.
    let run = w
        .rules
        .start_run(delivery.clone(), &w.ann.id, &inbox, Some(2))
        .await
        .unwrap();
    let run = finished(&w, &run.id).await;
    assert_eq!((run.matched, run.moved, run.skipped_actions), (1, 0, 1));
    assert_eq!(w.mailbox(&w.ann, "INBOX").await.len(), 4);
    assert!(w.queue().await.is_empty(), "nothing is sent");
    assert!(w.mailbox(&w.bob, "INBOX").await.is_empty());
    // A rule that does not exist, or a mailbox of another account, is refused.
    let err = w
        .rules
        .start_run(delivery.clone(), &w.ann.id, &inbox, Some(3))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, RulesError::Invalid(e) if e[0].path == "rule_index" && e[0].reason.contains("no rule 3")),
        "{err:?}"
    );
    let err = w
        .rules
        .start_run(delivery, &w.bob.id, &inbox, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, RulesError::Store(StoreError::NotFound)),
        "{err:?}"
    );
    // Another account cannot read the job.
    assert!(w.rules.run_status(&w.bob.id, &run.id).is_err());
}
