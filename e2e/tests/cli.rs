//! The CLI on the same database as a running server, and start-up refusals.

use std::process::Output;

use crate::support::*;

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn refused(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "expected a failure, got: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn cli_manages_the_directory_while_the_server_runs() {
    let s = Server::start(false).await;
    // Embedded mode keeps its files private.
    use std::os::unix::fs::PermissionsExt;
    let data = s.db.dir.join("data");
    let mode = |p: std::path::PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(data.clone()), 0o700);
    for f in ["jwt.key", "tls/key.pem", "tls/cert.pem"] {
        assert_eq!(mode(data.join(f)), 0o600, "{f}");
    }
    ok(&osprey(
        &s.db,
        &["domain", "add", "cli.example", "--alias", "cli.example.net"],
    ));
    let out = ok(&osprey(
        &s.db,
        &["user", "add", "eve@cli.example", "--display-name", "Eve"],
    ));
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("a generated password is printed")
        .to_owned();
    ok(&osprey(
        &s.db,
        &[
            "alias",
            "add",
            "team@cli.example",
            "eve@cli.example",
            "ext@remote.example",
        ],
    ));
    assert!(
        ok(&osprey(&s.db, &["domain", "list"]))
            .contains("cli.example\t1 account(s) aliases: cli.example.net")
    );
    assert!(
        ok(&osprey(&s.db, &["user", "list", "--domain", "cli.example"]))
            .contains("eve@cli.example\tuser\tEve")
    );
    assert!(
        ok(&osprey(&s.db, &["alias", "list"]))
            .contains("team@cli.example\teve@cli.example, ext@remote.example")
    );
    // --json: the REST API's objects.
    let json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_str(&ok(&osprey(&s.db, args))).unwrap()
    };
    let domains = json(&["domain", "list", "--json"]);
    let cli_domain = domains
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "cli.example")
        .expect("cli.example listed");
    assert_eq!(
        cli_domain["aliases"],
        serde_json::json!(["cli.example.net"])
    );
    assert_eq!(cli_domain["account_count"], 1);
    let users = json(&["user", "list", "--domain", "cli.example", "--json"]);
    assert_eq!(users[0]["address"], "eve@cli.example", "{users}");
    assert_eq!(users[0]["display_name"], "Eve");
    assert_eq!(users[0]["role"], "user");
    assert!(
        !users.to_string().contains("argon2"),
        "no password hash: {users}"
    );
    let aliases = json(&["alias", "list", "--domain", "cli.example", "--json"]);
    assert_eq!(aliases[0]["address"], "team@cli.example");
    assert_eq!(
        aliases[0]["targets"],
        serde_json::json!(["eve@cli.example", "ext@remote.example"])
    );
    ok(&osprey(&s.db, &["domain", "add", "bare.example"]));
    assert_eq!(
        json(&["alias", "list", "--domain", "bare.example", "--json"]),
        serde_json::json!([]),
        "an empty list is [] on standard output"
    );
    ok(&osprey(&s.db, &["domain", "remove", "bare.example"]));

    // The running server sees what the CLI wrote: the new user signs in over HTTP.
    let c = reqwest::Client::new();
    let r = c
        .post(format!("{}/api/v1/auth/login", s.url))
        .json(&serde_json::json!({"username": "eve@cli.example.net", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        reqwest::StatusCode::OK,
        "login through a domain alias"
    );

    assert!(refused(&osprey(&s.db, &["domain", "add", "cli.example"])).contains("already exists"));
    assert!(
        refused(&osprey(
            &s.db,
            &["user", "add", "x@cli.example", "--password", "weak"]
        ))
        .contains("password")
    );
    assert!(
        refused(&osprey(
            &s.db,
            &[
                "user",
                "add",
                "x@nowhere.example",
                "--password",
                "Amber-Falcon-63t"
            ]
        ))
        .contains("nowhere.example")
    );
    assert!(refused(&osprey(&s.db, &["domain", "remove", "cli.example"])).contains("account"));
    ok(&osprey(
        &s.db,
        &[
            "user",
            "passwd",
            "eve@cli.example",
            "--password",
            "Amber-Falcon-63t",
        ],
    ));
    // The relay policy: shown, replaced, checked; bad input changes nothing.
    assert!(ok(&osprey(&s.db, &["relay", "show"])).contains("mode\tlocal_users"));
    assert!(refused(&osprey(&s.db, &["relay", "set", "open-relay"])).contains("not a relay mode"));
    assert!(
        refused(&osprey(
            &s.db,
            &["relay", "set", "local-hosts", "--network", "10.0.0.0/33"]
        ))
        .contains("10.0.0.0/33")
    );
    ok(&osprey(
        &s.db,
        &["relay", "set", "local-hosts", "--network", "10.0.0.0/8"],
    ));
    let shown = ok(&osprey(&s.db, &["relay", "show"]));
    assert!(
        shown.contains("mode\tlocal_hosts") && shown.contains("network\t10.0.0.0/8"),
        "{shown}"
    );
    let check = |ip: &str, rcpt: &str| ok(&osprey(&s.db, &["relay", "check", "--ip", ip, rcpt]));
    assert!(check("10.9.8.7", "x@far.example").starts_with("relay\tmode local_hosts"));
    assert!(check("192.0.2.1", "x@far.example").starts_with("refuse\t"));
    assert!(check("192.0.2.1", "eve@cli.example").starts_with("local\t"));
    assert!(
        refused(&osprey(
            &s.db,
            &["relay", "check", "--ip", "nope", "x@y.example"]
        ))
        .contains("--ip")
    );
    assert_eq!(ok(&osprey(&s.db, &["queue", "list"])), "");
    assert!(refused(&osprey(&s.db, &["queue", "show", "missing"])).contains("no queued message"));
    assert!(refused(&osprey(&s.db, &["queue", "bounce", "missing"])).contains("no queued message"));
    assert!(refused(&osprey(&s.db, &["queue", "list", "--state", "lost"])).contains("--state"));
    ok(&osprey(&s.db, &["alias", "remove", "team@cli.example"]));
    // The newest first: an account added now heads the list; by address it follows eve.
    ok(&osprey(&s.db, &["user", "add", "fay@cli.example"]));
    let newest = ok(&osprey(
        &s.db,
        &[
            "user",
            "list",
            "--domain",
            "cli.example",
            "--sort",
            "newest",
        ],
    ));
    assert!(newest.starts_with("fay@cli.example\t"), "{newest}");
    let by_address = ok(&osprey(&s.db, &["user", "list", "--domain", "cli.example"]));
    assert!(by_address.starts_with("eve@cli.example\t"), "{by_address}");
    assert!(
        !osprey(&s.db, &["user", "list", "--sort", "oldest"])
            .status
            .success()
    );
    ok(&osprey(&s.db, &["user", "remove", "fay@cli.example"]));
    let domains = ok(&osprey(&s.db, &["domain", "list", "--sort", "newest"]));
    assert!(
        domains.starts_with("cli.example\t"),
        "the newest first: {domains}"
    );
    ok(&osprey(&s.db, &["user", "remove", "eve@cli.example"]));
    ok(&osprey(&s.db, &["domain", "remove", "cli.example"]));
    assert!(
        refused(&osprey(&s.db, &["user", "remove", &Server::admin()]))
            .contains("last server administrator")
    );
}

#[tokio::test]
async fn bad_configuration_and_unreachable_database_refuse_to_start() {
    let db = osprey_store::testing::TestDb::new().await;
    let cfg = db.dir.join("bad.toml");
    std::fs::write(
        &cfg,
        "hostname = \"x.example\"\nlisten_http = \"127.0.0.1:1\"\n",
    )
    .unwrap();
    let err = refused(
        &base_command(&db)
            .args(["--config", cfg.to_str().unwrap(), "serve"])
            .output()
            .unwrap(),
    );
    assert!(err.contains("listen_http"), "names the unknown key: {err}");
    let err = refused(
        &base_command(&db)
            .env("OSPREY_LISTEN_HTTP", "not-an-address")
            .arg("serve")
            .output()
            .unwrap(),
    );
    assert!(err.contains("listen.http"), "names the key: {err}");
    let err = refused(
        &base_command(&db)
            .env(
                "OSPREY_DATABASE_URL",
                format!("postgres://postgres@127.0.0.1:{}/none", free_port()),
            )
            .arg("serve")
            .output()
            .unwrap(),
    );
    assert!(err.contains("cannot open the database"), "{err}");
}

#[tokio::test]
async fn openapi_command_prints_the_committed_document() {
    let db = osprey_store::testing::TestDb::new().await;
    let out = ok(&osprey(&db, &["openapi"]));
    let committed = std::fs::read_to_string(repo_root().join("openapi/openapi.json")).unwrap();
    assert!(
        out.trim_end() == committed.trim_end(),
        "`osprey openapi` differs from openapi/openapi.json"
    );
}

/// The CLI and the REST API reach the same directory rules and refuse the same inputs,
/// with the same reasons: a display name with a line break (it would inject header
/// fields into the `From:` of mail the account sends), a weak password, domains managed
/// by a plain user, and an account beyond a domain's `max_accounts`.
#[tokio::test]
async fn the_cli_and_the_api_refuse_the_same_inputs() {
    use reqwest::StatusCode;
    use serde_json::json;

    use crate::api::{login, post};
    let s = Server::start(false).await;
    let c = reqwest::Client::new();
    let admin = login(&c, &s.url, &Server::admin(), ADMIN_PASSWORD).await;
    ok(&osprey(&s.db, &["domain", "add", "same.example"]));
    let good = "Amber-Falcon-63t";
    let cases: [(&[&str], serde_json::Value, &str); 3] = [
        (
            &["--display-name", "Mallory\r\nBcc: victim@other.example"],
            json!({"display_name": "Mallory\r\nBcc: victim@other.example"}),
            "display_name: must not contain control characters",
        ),
        (&[], json!({"password": "weak"}), "password: the password"),
        (
            &["--manages", "same.example"],
            json!({"admin_domains": ["same.example"]}),
            "admin_domains: only a domain_admin manages domains",
        ),
    ];
    for (flags, fields, reason) in cases {
        let password = fields["password"].as_str().unwrap_or(good);
        let mut args = vec![
            "user",
            "add",
            "mallory@same.example",
            "--password",
            password,
        ];
        args.extend_from_slice(flags);
        let cli = refused(&osprey(&s.db, &args));
        assert!(cli.contains(reason), "CLI: {cli}");
        let mut body = json!({"address": "mallory@same.example", "password": good});
        body.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        let (status, problem) = post(&c, &s.url, &admin, "/api/v1/admin/accounts", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(reason), "API: {detail}");
    }
    // Nothing was created by either.
    assert!(!ok(&osprey(&s.db, &["user", "list"])).contains("mallory"));

    // A domain's account limit holds for the CLI as for the API.
    let (status, _) = post(
        &c,
        &s.url,
        &admin,
        "/api/v1/admin/domains",
        json!({"name": "tiny.example", "settings": {"max_accounts": 1}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    ok(&osprey(&s.db, &["user", "add", "one@tiny.example"]));
    let cli = refused(&osprey(&s.db, &["user", "add", "two@tiny.example"]));
    assert!(cli.contains("holds its limit of 1 account"), "CLI: {cli}");
    // Limits set from the CLI hold there too.
    ok(&osprey(
        &s.db,
        &[
            "domain",
            "add",
            "capped.example",
            "--max-aliases",
            "0",
            "--max-quota",
            "10485760",
        ],
    ));
    let quota = refused(&osprey(
        &s.db,
        &["user", "add", "big@capped.example", "--quota", "11534336"],
    ));
    assert!(quota.contains("at most 10 MiB"), "CLI: {quota}");
    let alias = refused(&osprey(
        &s.db,
        &["alias", "add", "info@capped.example", "one@tiny.example"],
    ));
    assert!(alias.contains("its limit of 0 aliases"), "CLI: {alias}");
    let (status, problem) = post(
        &c,
        &s.url,
        &admin,
        "/api/v1/admin/accounts",
        json!({"address": "two@tiny.example", "password": good}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "address", "{problem}");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("holds its limit of 1 account"),
        "{problem}"
    );
}

/// Commands other than `serve` run from a directory without the server's data refuse,
/// naming the database they looked for, and create nothing; `--init` creates it.
#[tokio::test]
async fn commands_refuse_a_missing_database_and_create_it_only_with_init() {
    let db = osprey_store::testing::TestDb::new().await;
    let elsewhere = db.dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    // Embedded mode's defaults: ./data and the SQLite file in it.
    let run = |args: &[&str]| {
        base_command(&db)
            .env_remove("OSPREY_DATA_DIR")
            .env_remove("OSPREY_DATABASE_URL")
            .current_dir(&elsewhere)
            .args(args)
            .output()
            .unwrap()
    };
    let database = elsewhere.join("data/osprey.db").display().to_string();
    for args in [
        &["domain", "list"][..],
        &["domain", "add", "init.example"],
        &["user", "list"],
        &["alias", "list"],
        &["access", "ip", "list"],
        &["relay", "show"],
        &["queue", "list"],
        &["deliver", "--to", "a@init.example"],
    ] {
        let err = refused(&run(args));
        assert!(
            err.contains(&format!("there is no Osprey database at {database}")),
            "{args:?} names the database it looked for: {err}"
        );
        assert!(
            err.contains("--init"),
            "{args:?} says how to create one: {err}"
        );
        assert_eq!(
            std::fs::read_dir(&elsewhere).unwrap().count(),
            0,
            "{args:?} created nothing"
        );
    }

    // --init creates the data directory (private) and the database, then runs the command.
    assert!(ok(&run(&["--init", "domain", "add", "init.example"])).contains("added domain"));
    use std::os::unix::fs::PermissionsExt;
    let data = elsewhere.join("data");
    assert_eq!(
        std::fs::metadata(&data).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert!(data.join("osprey.db").is_file());
    // From then on, the commands find it without --init.
    assert!(ok(&run(&["domain", "list"])).contains("init.example"));

    // A database named by URL is the one that must exist; `deliver` also needs the data
    // directory, where it writes the message files.
    let missing_dir = db.dir.join("no-such-data");
    let with_url = |args: &[&str]| {
        base_command(&db)
            .env("OSPREY_DATA_DIR", &missing_dir)
            .args(args)
            .output()
            .unwrap()
    };
    ok(&with_url(&["--init", "domain", "add", "url.example"]));
    std::fs::remove_dir(&missing_dir).expect("--init made the data directory, empty");
    assert!(ok(&with_url(&["domain", "list"])).contains("url.example"));
    let err = refused(&with_url(&["deliver", "--to", "a@url.example"]));
    assert!(
        err.contains(&format!(
            "there is no Osprey data directory at {}",
            missing_dir.display()
        )),
        "{err}"
    );
    assert!(!missing_dir.exists(), "deliver created nothing");
}

/// Every list command says the same of an empty list: nothing on standard output (a
/// script reads no rows) and "no …" on standard error.
#[tokio::test]
async fn every_empty_list_says_so_on_standard_error_only() {
    let s = Server::start(false).await;
    ok(&osprey(&s.db, &["domain", "add", "empty.example"]));
    for (args, says) in [
        (
            &["user", "list", "--domain", "empty.example"][..],
            "no accounts",
        ),
        (&["alias", "list"], "no aliases"),
        (&["access", "ip", "list"], "no IP rules"),
        (&["access", "kill", "list"], "no kill file entries"),
        (&["list", "ls"], "no lists"),
        (&["queue", "list"], "no queued messages"),
        (&["ad", "list"], "no ad campaigns"),
        (
            &["audit", "show", "--search", "nothing-matches-this"],
            "no changes recorded",
        ),
    ] {
        let out = osprey(&s.db, args);
        assert_eq!(ok(&out), "", "{args:?} prints no rows");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            says,
            "{args:?}"
        );
    }
}

/// `osprey domain dns`: the records as zone-file lines, and a check through the DNS
/// servers of `dns_servers` (a real DNS server on loopback here, served by a second
/// worker thread while the CLI runs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_prints_and_checks_a_domains_dns_records() {
    use osprey_mail::dns::testing::{DnsServer, Zone};
    let s = Server::start(false).await;
    let db = &s.db;
    ok(&osprey(db, &["domain", "add", "dns.example"]));
    let zone_file = ok(&osprey(db, &["domain", "dns", "dns.example"]));
    let lines: Vec<&str> = zone_file.lines().collect();
    assert_eq!(lines[0], format!("dns.example. 3600 IN MX 10 {HOSTNAME}."));
    assert_eq!(lines[1], "dns.example. 3600 IN TXT \"v=spf1 mx -all\"");
    assert!(
        lines[2].contains("._domainkey.dns.example. 3600 IN TXT \"v=DKIM1; k=rsa; p="),
        "{zone_file}"
    );
    assert_eq!(
        lines[3],
        "_dmarc.dns.example. 3600 IN TXT \"v=DMARC1; p=quarantine\""
    );
    // The mail client listeners are off here: no service records, no set-up names.
    assert_eq!(lines.len(), 4, "{zone_file}");
    // With an MTA-STS policy, its records: the id, the policy's host, TLS reports.
    ok(&osprey(db, &["settings", "set", "mta_sts_mode", "testing"]));
    let zone_file = ok(&osprey(db, &["domain", "dns", "dns.example"]));
    assert!(
        zone_file.contains("\n_mta-sts.dns.example. 3600 IN TXT \"v=STSv1; id="),
        "{zone_file}"
    );
    assert!(
        zone_file.contains(&format!(
            "\nmta-sts.dns.example. 3600 IN CNAME {HOSTNAME}.\n"
        )),
        "{zone_file}"
    );
    assert!(
        zone_file.contains("\n_smtp._tls.dns.example. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@dns.example\""),
        "{zone_file}"
    );
    ok(&osprey(db, &["settings", "reset", "mta_sts_mode"]));

    let zone = Zone::default();
    zone.add("dns.example", "MX", &format!("10 {HOSTNAME}"));
    zone.add(HOSTNAME, "A", "192.0.2.25");
    zone.add(
        "dns.example",
        "TXT",
        "v=spf1 include:elsewhere.example -all",
    );
    let dns = DnsServer::start(zone).await;
    let checked = ok(&base_command(db)
        .env("OSPREY_DNS_SERVERS", dns.addr.to_string())
        .args(["domain", "dns", "dns.example", "--check"])
        .output()
        .unwrap());
    assert!(
        checked.starts_with(&format!(
            "ok        dns.example. 3600 IN MX 10 {HOSTNAME}.\n"
        )),
        "{checked}"
    );
    assert!(
        checked.contains("different dns.example. 3600 IN TXT \"v=spf1 mx -all\"\n          published: v=spf1 include:elsewhere.example -all\n"),
        "{checked}"
    );
    assert!(
        checked.contains("missing   _dmarc.dns.example."),
        "{checked}"
    );
    let json = ok(&base_command(db)
        .env("OSPREY_DNS_SERVERS", dns.addr.to_string())
        .args(["domain", "dns", "dns.example", "--check", "--json"])
        .output()
        .unwrap());
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["records"][0]["status"], "ok", "{report}");
    assert_eq!(report["records"][3]["status"], "missing", "{report}");
    assert!(report["checked_at"].is_string());

    assert!(
        refused(&osprey(db, &["domain", "dns", "nowhere.example"]))
            .contains("no domain nowhere.example")
    );
    let bad = refused(
        &base_command(db)
            .env("OSPREY_DNS_SERVERS", "resolver.example")
            .args(["domain", "dns", "dns.example", "--check"])
            .output()
            .unwrap(),
    );
    assert!(bad.contains("dns_servers"), "{bad}");
}

/// Every list command answers `--json` with the REST API's objects (`[]` when empty), so
/// that scripts read one shape through either door.
#[tokio::test]
async fn list_commands_answer_json_in_the_apis_shape() {
    let s = Server::start(false).await;
    let json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_str(&ok(&osprey(&s.db, args))).unwrap()
    };
    assert_eq!(
        json(&["access", "ip", "list", "--json"]),
        serde_json::json!([])
    );
    ok(&osprey(
        &s.db,
        &[
            "access",
            "ip",
            "add",
            "deny",
            "203.0.113.0/24",
            "--listener",
            "smtp",
        ],
    ));
    let rules = json(&["access", "ip", "list", "--json"]);
    assert_eq!(rules[0]["network"], "203.0.113.0/24");
    assert_eq!(rules[0]["action"], "deny");
    assert_eq!(rules[0]["listener"], "smtp");
    assert_eq!(rules[0]["position"], 1);
    ok(&osprey(
        &s.db,
        &[
            "access",
            "kill",
            "add",
            "domain",
            "spam.example",
            "--domain",
            HOSTNAME,
        ],
    ));
    let kills = json(&["access", "kill", "list", "--json"]);
    assert_eq!(kills[0]["kind"], "domain");
    assert_eq!(kills[0]["value"], "spam.example");
    assert_eq!(kills[0]["domain"], HOSTNAME);
    assert_eq!(json(&["relay", "show", "--json"])["mode"], "local_users");
    assert_eq!(json(&["queue", "list", "--json"]), serde_json::json!([]));
    let list = format!("team@{HOSTNAME}");
    ok(&osprey(&s.db, &["list", "add", &list, "--name", "Team"]));
    ok(&osprey(
        &s.db,
        &["list", "subscribe", &list, "bob@elsewhere.example"],
    ));
    let lists = json(&["list", "ls", "--json"]);
    assert_eq!(lists[0]["address"], list);
    assert_eq!(lists[0]["member_count"], 1);
    let members = json(&["list", "members", &list, "--json"]);
    assert_eq!(members[0]["address"], "bob@elsewhere.example");
    assert_eq!(members[0]["delivery_mode"], "each");
}

/// `osprey domain admins`: an existing account is made an administrator of a domain and
/// withdrawn again; an address that is no account is refused, changing nothing.
#[tokio::test]
async fn domain_admins_are_delegated_and_withdrawn() {
    let s = Server::start(false).await;
    ok(&osprey(&s.db, &["domain", "add", "shop.example"]));
    ok(&osprey(
        &s.db,
        &["user", "add", "kim@shop.example", "--display-name", "Kim"],
    ));
    let err = refused(&osprey(
        &s.db,
        &[
            "domain",
            "admins",
            "shop.example",
            "--add",
            "nobody@shop.example",
        ],
    ));
    assert!(
        err.contains("there is no account nobody@shop.example"),
        "{err}"
    );
    let out = ok(&osprey(
        &s.db,
        &[
            "domain",
            "admins",
            "shop.example",
            "--add",
            "kim@shop.example",
        ],
    ));
    assert_eq!(out, "kim@shop.example\tKim\n");
    let listed = ok(&osprey(
        &s.db,
        &["user", "list", "--domain", "shop.example"],
    ));
    assert!(
        listed.contains("kim@shop.example\tdomain_admin"),
        "{listed}"
    );
    let out = osprey(
        &s.db,
        &[
            "domain",
            "admins",
            "shop.example",
            "--remove",
            "kim@shop.example",
            "--json",
        ],
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );
    let listed = ok(&osprey(
        &s.db,
        &["user", "list", "--domain", "shop.example"],
    ));
    assert!(listed.contains("kim@shop.example\tuser"), "{listed}");
}

/// `osprey ad`: campaigns with the API's rules, their images, counts and the accounts
/// and domains without ads; the running server shows what the command line set.
#[tokio::test]
async fn cli_runs_banner_ads_with_the_apis_rules() {
    let s = Server::start(false).await;
    let db = &s.db;
    ok(&osprey(db, &["domain", "add", "ads.example"]));
    ok(&osprey(
        db,
        &[
            "user",
            "add",
            "reader@ads.example",
            "--password",
            ADMIN_PASSWORD,
        ],
    ));
    let said = refused(&osprey(
        db,
        &[
            "ad",
            "add",
            "Spring",
            "--text",
            "Half price",
            "--link",
            "javascript:alert(1)",
            "--target",
            "webmail",
        ],
    ));
    assert!(
        said.contains("link_url") && said.contains("https://"),
        "{said}"
    );
    let id = ok(&osprey(
        db,
        &[
            "ad",
            "add",
            "Spring",
            "--text",
            "Half price",
            "--link",
            "https://shop.example/",
            "--target",
            "webmail",
            "--domain",
            "ads.example",
            "--weight",
            "2",
        ],
    ))
    .trim()
    .to_owned();
    let gif = db.dir.join("spring.gif");
    std::fs::write(&gif, b"GIF89a-tiny").unwrap();
    ok(&osprey(db, &["ad", "image", &id, gif.to_str().unwrap()]));
    let svg = db.dir.join("spring.svg");
    std::fs::write(&svg, b"<svg onload='alert(1)'/>").unwrap();
    assert!(
        refused(&osprey(db, &["ad", "image", &id, svg.to_str().unwrap()]))
            .contains("PNG, JPEG, GIF or WebP")
    );
    let list: serde_json::Value =
        serde_json::from_str(&ok(&osprey(db, &["ad", "list", "--json"]))).unwrap();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["domain"], "ads.example");
    assert_eq!(list[0]["weight"], 2);
    assert_eq!(list[0]["image_url"], format!("/api/v1/ads/{id}/image"));

    // The running server shows it to the reader, then not once she is exempt.
    let c = reqwest::Client::new();
    let token = crate::api::login(&c, &s.url, "reader@ads.example", ADMIN_PASSWORD).await;
    let slot = |token: String| {
        let (c, url) = (c.clone(), s.url.clone());
        async move {
            c.get(format!("{url}/api/v1/ads/slot?target=webmail"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(slot(token.clone()).await["ad"]["id"], id.as_str());
    ok(&osprey(db, &["ad", "exempt", "reader@ads.example"]));
    assert_eq!(slot(token.clone()).await["ad"], serde_json::Value::Null);
    ok(&osprey(
        db,
        &["ad", "exempt", "reader@ads.example", "--remove"],
    ));
    ok(&osprey(db, &["ad", "domain", "ads.example", "--off"]));
    assert_eq!(slot(token.clone()).await["ad"], serde_json::Value::Null);
    ok(&osprey(db, &["ad", "domain", "ads.example"]));
    assert_eq!(slot(token).await["ad"]["id"], id.as_str());

    let stats = ok(&osprey(db, &["ad", "stats", &id]));
    assert!(stats.contains("\t2 shown\t0 clicks"), "{stats}");
    ok(&osprey(db, &["ad", "remove", &id]));
    assert_eq!(ok(&osprey(db, &["ad", "list"])), "");
}
