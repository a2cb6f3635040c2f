//! The JSON form: tagged, snake_case, versioned.

use osprey_rules::{Action, Condition, Operator, Rule, RuleSet, TextTest, Vacation};
use serde_json::json;

#[test]
fn the_json_form_is_tagged_and_snake_case() {
    let set = RuleSet::new(vec![Rule::new(
        "Lists",
        vec![
            Condition::ListId(TextTest::new(Operator::Is, "users.rust-lang.org")),
            Condition::Header {
                name: "X-Spam".into(),
                test: TextTest {
                    case_sensitive: true,
                    ..TextTest::new(Operator::StartsWith, "yes")
                },
            },
            Condition::SizeOver { bytes: 1024 },
            Condition::HasAttachment,
        ],
        vec![
            Action::FileInto {
                mailbox: "Lists/Rust".into(),
                create_if_missing: true,
            },
            Action::Vacation(Vacation::new("Away")),
        ],
    )]);
    let value = serde_json::to_value(&set).unwrap();
    assert_eq!(
        value,
        json!({
            "version": 1,
            "rules": [{
                "name": "Lists",
                "enabled": true,
                "match_mode": "all",
                "conditions": [
                    {"field": "list_id", "op": "is", "value": "users.rust-lang.org"},
                    {"field": "header", "name": "X-Spam", "op": "starts_with", "value": "yes", "case_sensitive": true},
                    {"field": "size_over", "bytes": 1024},
                    {"field": "has_attachment"}
                ],
                "actions": [
                    {"type": "file_into", "mailbox": "Lists/Rust", "create_if_missing": true},
                    {"type": "vacation", "days": 7, "body": "Away"}
                ],
                "stop": false
            }]
        })
    );
    let back: RuleSet = serde_json::from_value(value).unwrap();
    assert_eq!(back, set);
}

#[test]
fn defaults_fill_what_a_client_leaves_out() {
    let set: RuleSet = serde_json::from_value(json!({
        "version": 1,
        "rules": [{"name": "x", "conditions": [{"field": "subject", "op": "contains", "value": "a"}],
                   "actions": [{"type": "mark_read"}]}]
    }))
    .unwrap();
    let rule = &set.rules[0];
    assert!(rule.enabled && !rule.stop);
    assert_eq!(
        rule.conditions[0],
        Condition::Subject(TextTest::new(Operator::Contains, "a"))
    );
    assert!(
        serde_json::from_value::<RuleSet>(
            json!({"version": 1, "rules": [{"name": "x", "conditions": [{"field": "nope"}]}]})
        )
        .is_err()
    );
}
