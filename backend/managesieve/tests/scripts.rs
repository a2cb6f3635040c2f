//! The script commands over the account's delivery rules: the active script is the rule
//! set, others are kept as text.

use osprey_rules::{Action, Rule, RuleSet, from_sieve};

use crate::harness::Harness;

const LISTS: &str = "require [\"fileinto\"];\r\n\
# rule:[Lists]\r\n\
if header :contains \"list-id\" \"lists.example\" {\r\n\
\tfileinto \"Lists\";\r\n\
}\r\n";

const FLAG: &str = "require [\"imap4flags\"];\r\n\
# rule:[Boss]\r\n\
if address :is \"from\" \"boss@example.com\" {\r\n\
\taddflag \"\\\\Flagged\";\r\n\
}\r\n";

#[tokio::test]
async fn a_script_made_active_becomes_the_delivery_rules() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    // §2.6: "The PUTSCRIPT command is used by the client to submit a Sieve script".
    assert_eq!(c.put("lists", LISTS).await, "OK \"Putscript completed\"");
    // §2.7: LISTSCRIPTS names each script, the active one followed by ACTIVE.
    assert_eq!(
        c.cmd("LISTSCRIPTS").await,
        ["\"lists\"", "OK \"Listscripts completed\""]
    );
    // Not active yet: the rules are untouched.
    assert!(
        h.rules
            .load(&h.owner())
            .await
            .unwrap()
            .rules
            .rules
            .is_empty()
    );
    // §2.8: "This command sets a script active".
    assert_eq!(
        c.status("SETACTIVE \"lists\"").await,
        "OK \"Setactive completed\""
    );
    let stored = h.rules.load(&h.owner()).await.unwrap();
    assert_eq!(stored.rules, from_sieve(LISTS).unwrap());
    assert_eq!(
        c.cmd("LISTSCRIPTS").await,
        ["\"lists\" ACTIVE", "OK \"Listscripts completed\""]
    );
    // §2.9: GETSCRIPT returns the script: the rules as Sieve, read back the same.
    let got = c.cmd("GETSCRIPT \"lists\"").await;
    assert_eq!(got.last().unwrap(), "OK \"Getscript completed\"");
    let text = got[0].split_once('\n').unwrap().1;
    assert_eq!(from_sieve(text).unwrap(), stored.rules);
    // Replacing the active script replaces the rules at once.
    assert_eq!(c.put("lists", FLAG).await, "OK \"Putscript completed\"");
    assert_eq!(
        h.rules.load(&h.owner()).await.unwrap().rules,
        from_sieve(FLAG).unwrap()
    );
}

#[tokio::test]
async fn rules_made_on_the_web_show_as_the_active_script_and_survive_a_switch() {
    let h = Harness::start().await;
    let web = RuleSet {
        version: RuleSet::default().version,
        rules: vec![Rule::new(
            "From the web",
            vec![],
            vec![Action::FileInto {
                mailbox: "Web".into(),
                create_if_missing: true,
            }],
        )],
    };
    h.rules.save(&h.owner(), &web, None).await.unwrap();
    let mut c = h.login().await;
    assert_eq!(
        c.cmd("LISTSCRIPTS").await,
        ["\"osprey\" ACTIVE", "OK \"Listscripts completed\""]
    );
    assert_eq!(c.put("lists", LISTS).await, "OK \"Putscript completed\"");
    assert_eq!(
        c.status("SETACTIVE \"lists\"").await,
        "OK \"Setactive completed\""
    );
    // The rules the web made are kept as the script they were shown as.
    let kept = c.cmd("GETSCRIPT \"osprey\"").await;
    let text = kept[0].split_once('\n').unwrap().1;
    assert_eq!(from_sieve(text).unwrap(), web);
    assert_eq!(
        c.status("SETACTIVE \"osprey\"").await,
        "OK \"Setactive completed\""
    );
    assert_eq!(h.rules.load(&h.owner()).await.unwrap().rules, web);
    // §2.8: "If the script name is the empty string ... the server MUST deactivate all
    // scripts"; the account then has no rules, and none is lost.
    assert_eq!(
        c.status("SETACTIVE \"\"").await,
        "OK \"Setactive completed\""
    );
    assert!(
        h.rules
            .load(&h.owner())
            .await
            .unwrap()
            .rules
            .rules
            .is_empty()
    );
    assert_eq!(
        c.cmd("LISTSCRIPTS").await,
        ["\"lists\"", "\"osprey\"", "OK \"Listscripts completed\""]
    );
}

#[tokio::test]
async fn an_unsupported_script_is_refused_naming_its_line_and_nothing_is_stored() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    let script =
        "require [\"fileinto\"];\r\nif true {\r\n  notify \"mailto:x@example.com\";\r\n}\r\n";
    let r = c.put("bad", script).await;
    assert!(r.starts_with("NO \"line 3, column 3:"), "{r}");
    assert_eq!(c.cmd("LISTSCRIPTS").await, ["OK \"Listscripts completed\""]);
    // §2.12: CHECKSCRIPT checks without storing.
    let cmd = format!("CHECKSCRIPT {{{}+}}\r\n{script}\r\n", script.len());
    c.raw(cmd.as_bytes()).await;
    let r = c.response().await.pop().unwrap();
    assert!(r.starts_with("NO \"line 3"), "{r}");
    let cmd = format!("CHECKSCRIPT {{{}+}}\r\n{LISTS}\r\n", LISTS.len());
    c.raw(cmd.as_bytes()).await;
    assert_eq!(c.response().await.pop().unwrap(), "OK \"Script is valid\"");
    // A name RFC 5804 §1.6 prohibits.
    let r = c.put("a\u{2028}b", LISTS).await;
    assert!(r.starts_with("NO \"a script name cannot contain"), "{r}");
}

#[tokio::test]
async fn refusals_carry_the_response_codes_of_rfc_5804() {
    let h = Harness::start().await;
    let mut c = h.login().await;
    c.put("one", LISTS).await;
    c.put("two", FLAG).await;
    c.status("SETACTIVE \"one\"").await;
    // §2.10: "the server MUST NOT allow the client to delete an active script"; ACTIVE.
    let r = c.status("DELETESCRIPT \"one\"").await;
    assert!(r.starts_with("NO (ACTIVE)"), "{r}");
    // §1.3 NONEXISTENT: "the name of a script that does not exist".
    for cmd in [
        "GETSCRIPT \"nope\"",
        "DELETESCRIPT \"nope\"",
        "SETACTIVE \"nope\"",
        "RENAMESCRIPT \"nope\" \"other\"",
    ] {
        let r = c.status(cmd).await;
        assert!(r.starts_with("NO (NONEXISTENT)"), "{cmd} -> {r}");
    }
    // §2.11: "If a script with the new name already exists, the server MUST return NO
    // with the ALREADYEXISTS response code".
    let r = c.status("RENAMESCRIPT \"two\" \"one\"").await;
    assert!(r.starts_with("NO (ALREADYEXISTS)"), "{r}");
    // §2.11: renaming the active script keeps it active.
    assert_eq!(
        c.status("RENAMESCRIPT \"one\" \"first\"").await,
        "OK \"Renamescript completed\""
    );
    assert_eq!(
        c.cmd("LISTSCRIPTS").await,
        [
            "\"first\" ACTIVE",
            "\"two\"",
            "OK \"Listscripts completed\""
        ]
    );
    // §2.5 HAVESPACE: QUOTA/MAXSIZE for a script over the limit.
    assert_eq!(
        c.status("HAVESPACE \"x\" 1000").await,
        "OK \"Putscript would succeed\""
    );
    let r = c.status("HAVESPACE \"x\" 10000000").await;
    assert!(r.starts_with("NO (QUOTA/MAXSIZE)"), "{r}");
    // QUOTA/MAXSCRIPTS once the account keeps the most scripts.
    for i in 2..osprey_mail::rules::MAX_SCRIPTS {
        assert_eq!(
            c.put(&format!("s{i}"), LISTS).await,
            "OK \"Putscript completed\""
        );
    }
    let r = c.put("one-too-many", LISTS).await;
    assert!(r.starts_with("NO (QUOTA/MAXSCRIPTS)"), "{r}");
    // Deleting an inactive one works, and frees a place.
    assert_eq!(
        c.status("DELETESCRIPT \"two\"").await,
        "OK \"Deletescript completed\""
    );
    assert_eq!(
        c.put("one-too-many", LISTS).await,
        "OK \"Putscript completed\""
    );
}
