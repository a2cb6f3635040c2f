//! POP3 command parser and response writers.

use osprey_proto::pop3::{
    Capabilities, Command, Expire, MAX_ARG_LEN, MAX_COMMAND_LINE, MAX_NAME_LEN, RespCode, err,
    octet_count, ok, parse_command, write_capa, write_multiline,
};
use osprey_proto::sasl::apop_digest;
use proptest::prelude::*;

fn parse(line: &str) -> Result<Command, String> {
    parse_command(line.as_bytes()).map_err(|e| e.message)
}

#[test]
fn parses_every_command() {
    use Command::*;
    let cases: Vec<(&str, Command)> = vec![
        // RFC 1939 §4, §5, §7 examples
        ("USER mrose", User("mrose".into())),
        ("PASS secret", Pass("secret".into())),
        (
            "APOP mrose c4c9334bac560ecc979e58001b3e22fb",
            Apop {
                name: "mrose".into(),
                digest: "c4c9334bac560ecc979e58001b3e22fb".into(),
            },
        ),
        ("STAT", Stat),
        ("LIST", List(None)),
        ("LIST 2", List(Some(2))),
        ("RETR 1", Retr(1)),
        ("DELE 1", Dele(1)),
        ("NOOP", Noop),
        ("RSET", Rset),
        ("QUIT", Quit),
        ("TOP 1 10", Top { msg: 1, lines: 10 }),
        ("TOP 1 0", Top { msg: 1, lines: 0 }),
        ("UIDL", Uidl(None)),
        ("UIDL 2", Uidl(Some(2))),
        ("CAPA", Capa),
        ("STLS", Stls),
        ("UTF8", Utf8),
        (
            "AUTH",
            Auth {
                mechanism: None,
                initial_response: None,
            },
        ),
        (
            "AUTH plain",
            Auth {
                mechanism: Some("PLAIN".into()),
                initial_response: None,
            },
        ),
        (
            "AUTH SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=",
            Auth {
                mechanism: Some("SCRAM-SHA-256".into()),
                initial_response: Some("biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=".into()),
            },
        ),
        (
            "AUTH PLAIN =",
            Auth {
                mechanism: Some("PLAIN".into()),
                initial_response: Some("=".into()),
            },
        ),
        // numbers: zero is the session's business; leading zeros are decimal
        ("RETR 0", Retr(0)),
        ("RETR 007", Retr(7)),
        ("RETR 4294967295", Retr(u32::MAX)),
        // keywords are case-insensitive (RFC 1939 §3); arguments keep their case
        ("user MRose", User("MRose".into())),
        ("Stat", Stat),
        ("qUiT", Quit),
        ("list 3", List(Some(3))),
        ("top 2 5", Top { msg: 2, lines: 5 }),
        (
            "apop mrose C4C9334BAC560ECC979E58001B3E22FB",
            Apop {
                name: "mrose".into(),
                digest: "c4c9334bac560ecc979e58001b3e22fb".into(),
            },
        ),
        // PASS takes the rest of the line (RFC 1939 §7)
        ("PASS my secret  phrase ", Pass("my secret  phrase ".into())),
        ("pass ", Pass("".into())),
        // UTF-8 user names (RFC 6856)
        ("USER jörg", User("jörg".into())),
    ];
    for (line, expected) in cases {
        assert_eq!(parse(line), Ok(expected), "{line:?}");
    }
}

#[test]
fn refuses_bad_commands() {
    let long = "a".repeat(MAX_ARG_LEN + 1);
    let exact = "a".repeat(MAX_ARG_LEN);
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "empty"),
        ("FOO".into(), "unknown command"),
        ("RETRIEVE 1".into(), "unknown command"),
        (" STAT".into(), "unknown command"),
        // arity
        ("USER".into(), "USER"),
        ("USER a b".into(), "USER"),
        ("PASS".into(), "PASS"),
        ("APOP mrose".into(), "APOP"),
        ("APOP a b c".into(), "APOP"),
        ("STAT 1".into(), "STAT"),
        ("QUIT now".into(), "QUIT"),
        ("NOOP x".into(), "NOOP"),
        ("RSET 1".into(), "RSET"),
        ("CAPA x".into(), "CAPA"),
        ("STLS x".into(), "STLS"),
        ("UTF8 x".into(), "UTF8"),
        ("LIST 1 2".into(), "LIST"),
        ("UIDL 1 2".into(), "UIDL"),
        ("RETR".into(), "RETR"),
        ("RETR 1 2".into(), "RETR"),
        ("DELE".into(), "DELE"),
        ("TOP 1".into(), "TOP"),
        ("TOP 1 2 3".into(), "TOP"),
        ("AUTH PLAIN x y".into(), "AUTH"),
        // spacing
        ("LIST  1".into(), "LIST"),
        ("USER  mrose".into(), "USER"),
        // numbers
        ("RETR -1".into(), "RETR"),
        ("RETR +1".into(), "RETR"),
        ("RETR 1x".into(), "RETR"),
        ("RETR x".into(), "RETR"),
        ("RETR 99999999999".into(), "RETR"),
        ("RETR 4294967296".into(), "RETR"),
        ("DELE 1.0".into(), "DELE"),
        ("LIST -0".into(), "LIST"),
        ("TOP 1 -1".into(), "TOP"),
        ("UIDL 0x1".into(), "UIDL"),
        // over-long arguments (RFC 2449 §4)
        (format!("USER {}", "a".repeat(MAX_NAME_LEN + 1)), "USER"),
        (format!("APOP mrose {long}"), "APOP"),
        (
            format!("RETR 0000000000000000000000000000000000000001{exact}"),
            "RETR",
        ),
        // mechanism names (RFC 4422 §3.1)
        ("AUTH PL=AIN".into(), "AUTH"),
        ("AUTH ABCDEFGHIJKLMNOPQRSTU".into(), "AUTH"),
        // control characters
        ("USER a\tb".into(), "control"),
        ("PASS a\rb".into(), "control"),
        ("NOOP\0".into(), "control"),
    ];
    for (line, needle) in cases {
        let error = parse(&line).expect_err(&line);
        assert!(
            error.contains(needle),
            "{line:?}: error {error:?} should mention {needle:?}"
        );
    }
}

#[test]
fn argument_length_limits() {
    let exact = "a".repeat(MAX_ARG_LEN);
    assert_eq!(
        parse(&format!("USER {exact}")),
        Ok(Command::User(exact.clone()))
    );
    // PASS and the AUTH initial response are not bound by MAX_ARG_LEN.
    let long = "b".repeat(500);
    assert_eq!(
        parse(&format!("PASS {long}")),
        Ok(Command::Pass(long.clone()))
    );
    assert_eq!(
        parse(&format!("AUTH PLAIN {long}")),
        Ok(Command::Auth {
            mechanism: Some("PLAIN".into()),
            initial_response: Some(long),
        })
    );
    // The whole line is bounded: MAX_COMMAND_LINE counts the CRLF the caller stripped.
    let fits = format!("PASS {}", "c".repeat(MAX_COMMAND_LINE - 2 - 5));
    assert_eq!(fits.len(), MAX_COMMAND_LINE - 2);
    assert!(parse(&fits).is_ok());
    let too_long = format!("{fits}c");
    assert!(parse(&too_long).unwrap_err().contains("too long"));
}

#[test]
fn refuses_non_utf8() {
    for line in [&b"USER \xff"[..], b"\xc3", b"PASS \xc3\x28", b"\xffSTAT"] {
        let error = parse_command(line).unwrap_err();
        assert!(error.message.contains("UTF-8"), "{line:?}: {error}");
        assert_eq!(error.to_string(), error.message);
    }
}

#[test]
fn apop_example_of_rfc_1939() {
    // RFC 1939 §7
    let digest = apop_digest("<1896.697170952@dbc.mtview.ca.us>", b"tanstaaf");
    assert_eq!(digest, "c4c9334bac560ecc979e58001b3e22fb");
    let Ok(Command::Apop { name, digest: sent }) =
        parse("APOP mrose c4c9334bac560ecc979e58001b3e22fb")
    else {
        panic!("APOP did not parse");
    };
    assert_eq!(name, "mrose");
    assert_eq!(sent, digest);
}

#[test]
fn status_lines() {
    // (true = +OK, false = -ERR), code, text, expected line
    let cases: &[(bool, Option<RespCode>, &str, &str)] = &[
        (true, None, "", "+OK\r\n"),
        (true, None, "2 320", "+OK 2 320\r\n"),
        (true, None, "a\r\nb", "+OK a  b\r\n"),
        (false, None, "no such message", "-ERR no such message\r\n"),
        (false, None, "", "-ERR\r\n"),
        (
            false,
            Some(RespCode::InUse),
            "busy",
            "-ERR [IN-USE] busy\r\n",
        ),
        (
            false,
            Some(RespCode::LoginDelay),
            "wait",
            "-ERR [LOGIN-DELAY] wait\r\n",
        ),
        (
            false,
            Some(RespCode::SysTemp),
            "later",
            "-ERR [SYS/TEMP] later\r\n",
        ),
        (
            false,
            Some(RespCode::SysPerm),
            "no",
            "-ERR [SYS/PERM] no\r\n",
        ),
        (false, Some(RespCode::Auth), "bad", "-ERR [AUTH] bad\r\n"),
        (false, Some(RespCode::Utf8), "utf8", "-ERR [UTF8] utf8\r\n"),
        (false, Some(RespCode::Auth), "", "-ERR [AUTH]\r\n"),
    ];
    for &(positive, code, text, expected) in cases {
        let mut out = Vec::new();
        if positive {
            ok(&mut out, text);
        } else {
            err(&mut out, code, text);
        }
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
    assert_eq!(RespCode::SysTemp.to_string(), "[SYS/TEMP]");
}

fn multiline(message: &[u8], max: Option<u32>) -> String {
    let mut out = Vec::new();
    write_multiline(&mut out, message, max);
    String::from_utf8(out).unwrap()
}

#[test]
fn multiline_bodies() {
    let cases: Vec<(&str, Option<u32>, &str)> = vec![
        ("", None, ".\r\n"),
        ("a\r\n", None, "a\r\n.\r\n"),
        ("a", None, "a\r\n.\r\n"),
        ("a\r\nb", None, "a\r\nb\r\n.\r\n"),
        // bare LF and bare CR become CRLF
        ("a\nb\n", None, "a\r\nb\r\n.\r\n"),
        ("a\rb\r", None, "a\r\nb\r\n.\r\n"),
        ("a\r\r\nb", None, "a\r\n\r\nb\r\n.\r\n"),
        ("a\n\rb", None, "a\r\n\r\nb\r\n.\r\n"),
        ("\n", None, "\r\n.\r\n"),
        // dot-stuffing (RFC 1939 §3)
        (".\r\n", None, "..\r\n.\r\n"),
        ("a\r\n.\r\nb\r\n", None, "a\r\n..\r\nb\r\n.\r\n"),
        ("..x\n.y", None, "...x\r\n..y\r\n.\r\n"),
        ("a.b\r\n", None, "a.b\r\n.\r\n"),
        // TOP (RFC 1939 §7)
        (
            "S: x\r\nT: y\r\n\r\nl1\r\nl2\r\nl3\r\n",
            Some(0),
            "S: x\r\nT: y\r\n\r\n.\r\n",
        ),
        (
            "S: x\r\n\r\nl1\r\nl2\r\nl3\r\n",
            Some(2),
            "S: x\r\n\r\nl1\r\nl2\r\n.\r\n",
        ),
        (
            "S: x\r\n\r\nl1\r\nl2\r\nl3\r\n",
            Some(3),
            "S: x\r\n\r\nl1\r\nl2\r\nl3\r\n.\r\n",
        ),
        (
            "S: x\r\n\r\nl1\r\nl2\r\nl3\r\n",
            Some(99),
            "S: x\r\n\r\nl1\r\nl2\r\nl3\r\n.\r\n",
        ),
        (
            "S: x\r\n\r\nl1\r\n\r\nl3",
            Some(2),
            "S: x\r\n\r\nl1\r\n\r\n.\r\n",
        ),
        ("S: x\n\n.l1\nl2", Some(1), "S: x\r\n\r\n..l1\r\n.\r\n"),
        // no header/body separator: all headers
        ("S: x\r\nT: y", Some(0), "S: x\r\nT: y\r\n.\r\n"),
        ("S: x\r\nT: y\r\n", Some(5), "S: x\r\nT: y\r\n.\r\n"),
        // no headers: the blank line comes first
        ("\r\nbody\r\nmore\r\n", Some(1), "\r\nbody\r\n.\r\n"),
        ("", Some(0), ".\r\n"),
    ];
    for (message, max, expected) in cases {
        assert_eq!(
            multiline(message.as_bytes(), max),
            expected,
            "{message:?} {max:?}"
        );
    }
}

/// CRLF normalisation as the spec states it, written independently of the crate.
fn normalise(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < message.len() {
        match message[i] {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                if message.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// Undoes `write_multiline`: strips ".\r\n" and one leading '.' from each line.
fn unstuff(body: &[u8]) -> Vec<u8> {
    let body = body.strip_suffix(b".\r\n").expect("terminator");
    let mut out = Vec::new();
    let mut start_of_line = true;
    for &b in body {
        if start_of_line && b == b'.' {
            start_of_line = false;
            continue;
        }
        out.push(b);
        start_of_line = b == b'\n';
    }
    out
}

#[test]
fn octet_counts() {
    let cases: &[(&[u8], u64)] = &[
        (b"", 0),
        (b"a", 1),
        (b"a\r\n", 3),
        (b"a\n", 3),
        (b"a\r", 3),
        (b"a\r\r\n", 5),
        (b"\n\n", 4),
        (b".a\r\n", 4),
    ];
    for (message, count) in cases {
        assert_eq!(octet_count(message), *count, "{message:?}");
        assert_eq!(normalise(message).len() as u64, *count);
    }
}

#[test]
fn capability_list() {
    let mut out = Vec::new();
    write_capa(
        &mut out,
        &Capabilities {
            user: true,
            stls: true,
            sasl: vec!["PLAIN", "SCRAM-SHA-256"],
            expire: Some(Expire::Never),
            login_delay_secs: Some(0),
            utf8: true,
            implementation: "Osprey".into(),
        },
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n\
         PIPELINING\r\nUSER\r\nSTLS\r\nSASL PLAIN SCRAM-SHA-256\r\nEXPIRE NEVER\r\n\
         LOGIN-DELAY 0\r\nUTF8 USER\r\nIMPLEMENTATION Osprey\r\n.\r\n"
    );

    let mut out = Vec::new();
    write_capa(
        &mut out,
        &Capabilities {
            expire: Some(Expire::Days(31)),
            ..Capabilities::default()
        },
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n\
         PIPELINING\r\nEXPIRE 31\r\n.\r\n"
    );
}

proptest! {
    #[test]
    fn multiline_round_trips(message in proptest::collection::vec(
        prop_oneof![Just(b'\r'), Just(b'\n'), Just(b'.'), Just(b'a'), any::<u8>()], 0..300)
    ) {
        let mut out = Vec::new();
        write_multiline(&mut out, &message, None);
        let mut expected = normalise(&message);
        if !expected.is_empty() && !expected.ends_with(b"\r\n") {
            expected.extend_from_slice(b"\r\n");
        }
        prop_assert_eq!(unstuff(&out), expected);
        // No line of the body is a lone "." before the terminator.
        let body = &out[..out.len() - 3];
        prop_assert!(!body.starts_with(b".\r\n"));
        prop_assert!(!body.windows(5).any(|w| w == b"\r\n.\r\n"));
        prop_assert_eq!(octet_count(&message), normalise(&message).len() as u64);
    }

    #[test]
    fn top_output_is_a_prefix(
        message in proptest::collection::vec(
            prop_oneof![Just(b'\r'), Just(b'\n'), Just(b'.'), Just(b'a')], 0..200),
        lines in 0u32..10,
    ) {
        let mut whole = Vec::new();
        write_multiline(&mut whole, &message, None);
        let mut top = Vec::new();
        write_multiline(&mut top, &message, Some(lines));
        prop_assert!(whole.starts_with(&top[..top.len() - 3]));
        prop_assert!(top.ends_with(b".\r\n"));
    }

    #[test]
    fn parse_never_panics(line in proptest::collection::vec(any::<u8>(), 0..1100)) {
        let _ = parse_command(&line);
    }

    #[test]
    fn parse_never_panics_on_near_commands(
        keyword in prop_oneof![
            Just("USER"), Just("PASS"), Just("APOP"), Just("AUTH"), Just("LIST"),
            Just("RETR"), Just("TOP"), Just("UIDL"), Just("dele"), Just("STAT")
        ],
        rest in "[ 0-9a-zA-Z+=\\-é\t]{0,60}",
    ) {
        let line = format!("{keyword}{rest}");
        if let Ok(command) = parse_command(line.as_bytes()) {
            // Whatever parsed must parse the same way again in upper case.
            let upper = format!("{}{rest}", keyword.to_ascii_uppercase());
            prop_assert_eq!(parse_command(upper.as_bytes()), Ok(command));
        }
    }
}

#[test]
fn long_user_names_and_trailing_spaces_are_accepted() {
    // Logins are full addresses, longer than RFC 2449's 40 characters.
    let address = format!("{}@example.com", "first.last".repeat(8));
    assert_eq!(
        parse_command(format!("USER {address}").as_bytes()),
        Ok(Command::User(address.clone()))
    );
    assert_eq!(parse_command(b"STAT "), Ok(Command::Stat));
    assert_eq!(parse_command(b"RETR 1  "), Ok(Command::Retr(1)));
    assert_eq!(
        parse_command(b"PASS secret "),
        Ok(Command::Pass("secret ".into())),
        "a password keeps its spaces"
    );
}
