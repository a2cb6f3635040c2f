//! Accounts in bulk at the command line: `osprey user import` checks a CSV file line by
//! line (a dry run creates nothing; a bad line stops a real run unless --skip-invalid),
//! prints the passwords it drew, and `osprey user export` prints CSV that imports again.

use crate::support::*;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn user_import_checks_each_line_and_export_round_trips() {
    let server = Server::start(false).await;
    let db = &server.db;
    let csv = db.dir.join("people.csv");
    std::fs::write(
        &csv,
        format!(
            "address,name,password,quota_mib\n\
             ann@{HOSTNAME},\"Doe, Ann\",Quiet-Lantern-77k,50\n\
             bob@{HOSTNAME},Bob\n\
             broken,No address\n"
        ),
    )
    .unwrap();
    let file = csv.to_str().unwrap();

    let out = osprey(db, &["user", "import", file, "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("would create 2 account(s); 1 line(s) not taken"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("line 4: broken: address:"),
        "{}",
        text(&out.stderr)
    );

    // A bad line stops the real run before it creates anything.
    let out = osprey(db, &["user", "import", file]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("line 4: address:"), "{err}");
    assert!(err.contains("nothing was imported: 1 bad line(s)"), "{err}");
    let out = osprey(db, &["user", "list", "--domain", HOSTNAME]);
    assert!(!text(&out.stdout).contains("ann@"), "{}", text(&out.stdout));

    let out = osprey(db, &["user", "import", file, "--skip-invalid"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(
        printed.contains("created 2 account(s); 1 line(s) not taken"),
        "{printed}"
    );
    // Bob's line had no password: the one drawn for him is printed, and it works.
    let bob_line = printed
        .lines()
        .find(|l| l.starts_with(&format!("bob@{HOSTNAME}\t")))
        .unwrap_or_else(|| panic!("no password printed for bob: {printed}"));
    let password = bob_line.split('\t').nth(1).unwrap();
    let c = reqwest::Client::new();
    crate::api::login(&c, &server.url, &format!("bob@{HOSTNAME}"), password).await;

    let out = osprey(db, &["user", "export", "--domain", HOSTNAME]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exported = text(&out.stdout);
    assert!(
        exported
            .starts_with("address,name,role,quota_mib,used_bytes,enabled,pop3_mode,created\r\n"),
        "{exported}"
    );
    assert!(
        exported.contains(&format!(
            "\r\nann@{HOSTNAME},\"Doe, Ann\",user,50,0,true,offline,"
        )),
        "{exported}"
    );
    // The export imports again: every line is an account that exists.
    let again = db.dir.join("again.csv");
    std::fs::write(&again, &exported).unwrap();
    let out = osprey(
        db,
        &["user", "import", again.to_str().unwrap(), "--dry-run"],
    );
    assert!(
        text(&out.stdout).contains("would create 0 account(s)"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains(&format!("the account ann@{HOSTNAME} already exists")),
        "{}",
        text(&out.stderr)
    );
}
