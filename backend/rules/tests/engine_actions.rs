//! Actions, implicit keep, flags, ordering, stop and layers.

use osprey_rules::{
    Action, CompiledRules, Condition, ForwardKind, MessageView, Operator::*, RejectMode, ReplyKind,
    RuleResult, RuleSet, Vacation, evaluate_layers,
};

use crate::support::*;

fn flags_of<'a>(out: &'a osprey_rules::Outcome, mailbox: &str) -> Vec<&'a str> {
    out.deliveries
        .iter()
        .find(|d| d.mailbox == mailbox)
        .map(|d| d.flags.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn implicit_keep_delivers_to_inbox_when_nothing_cancels_it() {
    // RFC 5228 §2.10.2: "An implicit keep is a keep action (see section 4.3)
    // performed in absence of any action that cancels the implicit keep."
    let out = run(vec![], &message("", ""));
    assert_eq!(mailboxes(&out), ["INBOX"]);
    assert!(out.deliveries[0].implicit);
    assert!(out.trace.is_empty());
}

#[test]
fn file_into_cancels_the_keep_and_copy_into_does_not() {
    let raw = message("", "");
    let out = run(
        vec![rule("f", vec![], vec![file_into("Work/Reports")])],
        &raw,
    );
    assert_eq!(mailboxes(&out), ["Work/Reports"]);
    assert!(!out.deliveries[0].implicit);
    let copy = Action::CopyInto {
        mailbox: "Archive".into(),
        create_if_missing: true,
    };
    let out = run(vec![rule("c", vec![], vec![copy])], &raw);
    assert_eq!(mailboxes(&out), ["Archive", "INBOX"]);
    assert!(out.deliveries[0].create_if_missing);
}

#[test]
fn the_same_mailbox_is_delivered_once() {
    // RFC 5228 §2.10.3: "Implementations SHOULD NOT deliver a message to the same
    // mailbox more than once, even if a script explicitly asks for a message to be
    // written to a mailbox twice."
    let raw = message("", "");
    let out = run(
        vec![
            rule(
                "a",
                vec![],
                vec![file_into("X"), Action::MarkRead, file_into("X")],
            ),
            rule(
                "b",
                vec![],
                vec![Action::CopyInto {
                    mailbox: "inbox".into(),
                    create_if_missing: false,
                }],
            ),
        ],
        &raw,
    );
    assert_eq!(mailboxes(&out), ["X", "inbox"]);
    assert_eq!(flags_of(&out, "X"), ["\\Seen"]);
}

#[test]
fn flags_apply_to_later_deliveries_and_the_implicit_keep() {
    // RFC 5232 §3: flags set by addflag are those of later fileinto and keep actions.
    let raw = message("", "");
    let flag = Action::SetFlags {
        flags: vec!["\\Flagged".into(), "$Work".into()],
    };
    let out = run(
        vec![rule(
            "r",
            vec![],
            vec![
                Action::CopyInto {
                    mailbox: "Before".into(),
                    create_if_missing: false,
                },
                flag,
                Action::MarkRead,
                Action::CopyInto {
                    mailbox: "After".into(),
                    create_if_missing: false,
                },
            ],
        )],
        &raw,
    );
    assert_eq!(mailboxes(&out), ["Before", "After", "INBOX"]);
    assert!(flags_of(&out, "Before").is_empty());
    assert_eq!(flags_of(&out, "After"), ["\\Flagged", "$Work", "\\Seen"]);
    assert_eq!(flags_of(&out, "INBOX"), ["\\Flagged", "$Work", "\\Seen"]);
}

#[test]
fn forward_redirect_and_keep_copy() {
    let raw = message("", "");
    let fwd = |keep| Action::Forward {
        to: vec!["x@example.com".into(), "y@example.com".into()],
        keep_copy: keep,
    };
    let out = run(vec![rule("f", vec![], vec![fwd(true)])], &raw);
    assert_eq!(mailboxes(&out), ["INBOX"]);
    assert_eq!(out.forwards.len(), 2);
    assert_eq!(out.forwards[0].kind, ForwardKind::Forward);
    let out = run(vec![rule("f", vec![], vec![fwd(false)])], &raw);
    assert!(out.deliveries.is_empty());
    assert!(!out.is_discarded());
    let out = run(
        vec![rule(
            "r",
            vec![],
            vec![
                Action::Redirect {
                    to: "X@example.com".into(),
                },
                fwd(true),
            ],
        )],
        &raw,
    );
    assert!(out.deliveries.is_empty(), "redirect cancels the keep");
    assert_eq!(out.forwards.len(), 2, "the same address is sent to once");
    assert_eq!(out.forwards[0].kind, ForwardKind::Redirect);
}

#[test]
fn discard_cancels_only_the_implicit_keep() {
    let raw = message("", "");
    let out = run(vec![rule("d", vec![], vec![Action::Discard])], &raw);
    assert!(out.deliveries.is_empty());
    assert!(out.is_discarded());
    let out = run(
        vec![rule("d", vec![], vec![file_into("Kept"), Action::Discard])],
        &raw,
    );
    assert_eq!(mailboxes(&out), ["Kept"]);
}

#[test]
fn reject_refuses_at_smtp_time_or_by_dsn_and_plans_nothing_else() {
    let raw = message("", "");
    let rules = || {
        vec![rule(
            "r",
            vec![],
            vec![
                file_into("X"),
                Action::Reject {
                    text: "Go away".into(),
                },
            ],
        )]
    };
    let mut c = ctx();
    c.in_smtp_transaction = true;
    let out = run_with(rules(), &raw, &c);
    let rejection = out.rejection.clone().unwrap();
    assert_eq!(rejection.text, "Go away");
    assert_eq!(rejection.mode, RejectMode::SmtpReply);
    assert!(out.deliveries.is_empty() && out.forwards.is_empty());
    assert!(!out.is_discarded());
    let out = run(rules(), &raw);
    assert_eq!(out.rejection.unwrap().mode, RejectMode::Dsn);
}

#[test]
fn rules_run_in_order_and_stop_ends_all_processing() {
    let raw = message("", "");
    let mut first = rule(
        "first",
        vec![],
        vec![Action::CopyInto {
            mailbox: "A".into(),
            create_if_missing: false,
        }],
    );
    let second = rule("second", vec![], vec![file_into("B")]);
    let out = run(vec![first.clone(), second.clone()], &raw);
    assert_eq!(mailboxes(&out), ["A", "B"]);
    first.stop = true;
    let out = run(vec![first.clone(), second.clone()], &raw);
    assert_eq!(mailboxes(&out), ["A", "INBOX"]);
    assert_eq!(out.trace.len(), 1);
    // stop only when the rule matched
    let mut unmatched = rule("no", vec![Condition::Subject(t(Is, "nope"))], vec![]);
    unmatched.stop = true;
    let out = run(vec![unmatched, second.clone()], &raw);
    assert_eq!(mailboxes(&out), ["B"]);
    // The stop action ends the rule's own actions too.
    let r = rule(
        "s",
        vec![],
        vec![file_into("C"), Action::Stop, file_into("D")],
    );
    let out = run(vec![r, second], &raw);
    assert_eq!(mailboxes(&out), ["C"]);
}

#[test]
fn domain_rules_run_before_user_rules_with_one_keep() {
    let raw = message("", "");
    let domain = CompiledRules::compile(&RuleSet::new(vec![rule(
        "tag spam",
        vec![Condition::Subject(t(Contains, "report"))],
        vec![Action::SetFlags {
            flags: vec!["$Junk".into()],
        }],
    )]));
    let user = CompiledRules::compile(&RuleSet::new(vec![rule(
        "file",
        vec![],
        vec![file_into("Reports")],
    )]));
    let view = MessageView::parse(&raw);
    let out = evaluate_layers(&[&domain, &user], &view, &ctx());
    assert_eq!(mailboxes(&out), ["Reports"]);
    assert_eq!(flags_of(&out, "Reports"), ["$Junk"]);
    assert_eq!((out.trace[0].layer, out.trace[1].layer), (0, 1));
    assert_eq!(out.matched().collect::<Vec<_>>(), [(0, 0), (1, 0)]);

    // A domain rule's stop ends the user's rules too.
    let stopping = CompiledRules::compile(&RuleSet::new(vec![osprey_rules::Rule {
        stop: true,
        ..rule("quarantine", vec![], vec![file_into("Quarantine")])
    }]));
    let out = evaluate_layers(&[&stopping, &user], &view, &ctx());
    assert_eq!(mailboxes(&out), ["Quarantine"]);
    assert!(out.trace.iter().all(|t| t.layer == 0));
}

#[test]
fn auto_reply_answers_and_only_one_answer_per_message() {
    let raw = message("", "");
    let auto = Action::AutoReply {
        subject: None,
        body: "Thanks, we got it.".into(),
        from: None,
    };
    let vacation = Action::Vacation(Vacation::new("Away"));
    let out = run(vec![rule("a", vec![], vec![auto, vacation])], &raw);
    assert_eq!(out.replies.len(), 1);
    let reply = &out.replies[0];
    assert_eq!(reply.kind, ReplyKind::AutoReply);
    assert_eq!(reply.to, SENDER);
    assert_eq!(reply.from, RCPT);
    assert_eq!(reply.subject, "Auto: Quarterly report");
    assert!(
        out.trace[0].notes[0].contains("already answered"),
        "{:?}",
        out.trace[0].notes
    );
    // The keep is not affected.
    assert_eq!(mailboxes(&out), ["INBOX"]);
    assert_eq!(out.trace[0].result, RuleResult::Matched);
}

#[test]
fn a_vacation_that_does_not_answer_says_why_in_the_trace() {
    let raw = message("Precedence: bulk\r\n", "");
    let out = run(
        vec![rule(
            "v",
            vec![],
            vec![Action::Vacation(Vacation::new("Away"))],
        )],
        &raw,
    );
    assert!(out.replies.is_empty());
    assert!(
        out.trace[0].notes[0].contains("bulk"),
        "{:?}",
        out.trace[0].notes
    );
}
