//! SMTP replies: the writer, the parser, and the named replies of the server.

use osprey_proto::smtp::{
    DEFAULT_MAX_LINES, EnhancedStatus, Reply, ReplyError, ReplyParser, parse_reply, replies,
};
use proptest::prelude::*;

fn written(reply: &Reply) -> String {
    String::from_utf8(reply.to_bytes()).expect("replies are UTF-8")
}

#[test]
fn writes_single_and_multi_line_replies() {
    let cases: Vec<(Reply, &str)> = vec![
        (replies::OK, "250 2.0.0 OK\r\n"),
        (
            replies::START_MAIL_INPUT,
            "354 Start mail input; end with <CRLF>.<CRLF>\r\n",
        ),
        (replies::greeting("mx.test"), "220 mx.test ESMTP Osprey\r\n"),
        (
            replies::helo("mx.test", "client"),
            "250 mx.test Hello client\r\n",
        ),
        // RFC 5321 §4.2.1: every line but the last has a hyphen after the code.
        (
            replies::ehlo(
                "mx.test",
                "client",
                &["PIPELINING", "SIZE 1000", "8BITMIME"],
            ),
            "250-mx.test Hello client\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n",
        ),
        // RFC 2034 §4: the enhanced status code on every line.
        (
            Reply::new(
                550,
                Some(EnhancedStatus::new(5, 1, 1)),
                "no such user\ntry another",
            ),
            "550-5.1.1 no such user\r\n550 5.1.1 try another\r\n",
        ),
        // An empty challenge still has the space after the code (RFC 4954 §4).
        (replies::auth_challenge(""), "334 \r\n"),
        (replies::auth_challenge("PDEyMzQ+"), "334 PDEyMzQ+\r\n"),
        // A CR in the text cannot end the line early.
        (Reply::with_text(501, None, "a\rb".into()), "501 a b\r\n"),
        (
            replies::chunk_received(45),
            "250 2.0.0 45 octets received\r\n",
        ),
        (replies::queued("00ab"), "250 2.0.0 OK, queued as 00ab\r\n"),
        (
            replies::ENCRYPTION_REQUIRED,
            "538 5.7.11 Encryption required, use STARTTLS\r\n",
        ),
        (
            replies::syntax("MAIL FROM:<address>"),
            "501 5.5.4 Syntax: MAIL FROM:<address>\r\n",
        ),
    ];
    for (reply, wire) in cases {
        assert_eq!(written(&reply), wire, "{reply:?}");
    }
}

#[test]
fn parses_single_and_multi_line_replies() {
    let cases: Vec<(&str, u16, Option<&str>, &str)> = vec![
        ("250 ok\r\n", 250, None, "ok"),
        ("250 2.1.5 ok\r\n", 250, Some("2.1.5"), "ok"),
        // A bare code ends a reply; so does a line ending in LF alone.
        ("250\r\n", 250, None, ""),
        ("221 bye\n", 221, None, "bye"),
        // RFC 5321 §4.2.1 example of a multi-line reply.
        (
            "250-First line\r\n250-Second line\r\n250-234 Text beginning with numbers\r\n250 The last line\r\n",
            250,
            None,
            "First line\nSecond line\n234 Text beginning with numbers\nThe last line",
        ),
        // The enhanced code comes from the first line that has one and is taken off
        // every line.
        (
            "550-5.1.1 no such user\r\n550 5.1.1 try another\r\n",
            550,
            Some("5.1.1"),
            "no such user\ntry another",
        ),
        (
            "550-no such user\r\n550 5.1.1 try another\r\n",
            550,
            Some("5.1.1"),
            "no such user\ntry another",
        ),
        // A code of another class is text, not an enhanced code (RFC 3463 §2).
        ("250 5.1.1 odd\r\n", 250, None, "5.1.1 odd"),
        ("250 2.1 short\r\n", 250, None, "2.1 short"),
        ("250 2.1000.1 long\r\n", 250, None, "2.1000.1 long"),
        // Bytes that are not UTF-8 are read lossily.
        ("550 caf\u{e9}\r\n", 550, None, "caf\u{e9}"),
        // What follows the last line is the next reply's.
        ("250 one\r\n250 two\r\n", 250, None, "one"),
    ];
    for (wire, code, enhanced, text) in cases {
        let reply = parse_reply(wire.as_bytes()).unwrap_or_else(|e| panic!("{wire:?}: {e}"));
        assert_eq!(reply.code, code, "{wire:?}");
        assert_eq!(
            reply.enhanced.map(|e| e.to_string()).as_deref(),
            enhanced,
            "{wire:?}"
        );
        assert_eq!(reply.text, text, "{wire:?}");
    }
}

#[test]
fn refuses_what_is_not_a_reply() {
    let line = |l: &str| l.to_owned();
    let cases: Vec<(&[u8], ReplyError)> = vec![
        (
            b"hello\r\n",
            ReplyError::BadCode {
                line: line("hello"),
            },
        ),
        (b"25\r\n", ReplyError::BadCode { line: line("25") }),
        (b"\r\n", ReplyError::BadCode { line: line("") }),
        // RFC 5321 §4.2: the first digit is 2 to 5.
        (
            b"150 no\r\n",
            ReplyError::BadCode {
                line: line("150 no"),
            },
        ),
        (
            b"650 no\r\n",
            ReplyError::BadCode {
                line: line("650 no"),
            },
        ),
        (
            b"2x0 no\r\n",
            ReplyError::BadCode {
                line: line("2x0 no"),
            },
        ),
        (
            b"250_no\r\n",
            ReplyError::BadSeparator {
                line: line("250_no"),
            },
        ),
        (
            b"2500 no\r\n",
            ReplyError::BadSeparator {
                line: line("2500 no"),
            },
        ),
        // A continuation must keep the code.
        (
            b"250-one\r\n251 two\r\n",
            ReplyError::CodeChanged {
                expected: 250,
                line: line("251 two"),
            },
        ),
        (b"250-one\r\n", ReplyError::Incomplete),
        (b"250 no line end", ReplyError::Incomplete),
        (b"", ReplyError::Incomplete),
    ];
    for (wire, error) in cases {
        assert_eq!(
            parse_reply(wire),
            Err(error),
            "{:?}",
            String::from_utf8_lossy(wire)
        );
    }
}

#[test]
fn error_texts_name_the_line() {
    let long = format!("x{}", "y".repeat(200));
    let e = parse_reply(format!("{long}\r\n").as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("malformed reply line {:?}", &long[..80])
    );
    let e = parse_reply(b"250-a\r\n354 b\r\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "reply code changed within a reply: \"354 b\""
    );
    assert_eq!(
        ReplyError::TooManyLines { max: 2 }.to_string(),
        "reply too long"
    );
}

#[test]
fn limits_the_number_of_lines() {
    let mut parser = ReplyParser::new(2);
    assert_eq!(parser.push(b"250-a"), Ok(None));
    assert_eq!(parser.push(b"250-b"), Ok(None));
    assert_eq!(parser.lines(), 2);
    assert_eq!(
        parser.push(b"250-c"),
        Err(ReplyError::TooManyLines { max: 2 })
    );
    // The parser starts afresh after an error.
    assert_eq!(parser.lines(), 0);
    let reply = parser.push(b"250 d").unwrap().unwrap();
    assert_eq!(reply.text, "d");
    // The last line may be one more than the limit of continuations.
    let mut parser = ReplyParser::new(1);
    assert_eq!(parser.push(b"250-a"), Ok(None));
    assert_eq!(parser.push(b"250 b").unwrap().unwrap().text, "a\nb");
    let many = "250-x\r\n".repeat(DEFAULT_MAX_LINES + 1);
    assert_eq!(
        parse_reply(many.as_bytes()),
        Err(ReplyError::TooManyLines {
            max: DEFAULT_MAX_LINES
        })
    );
}

#[test]
fn one_parser_reads_consecutive_replies() {
    let mut parser = ReplyParser::default();
    assert_eq!(parser.push(b"250-a\r\n"), Ok(None));
    let first = parser.push(b"250 2.0.0 b\r\n").unwrap().unwrap();
    assert_eq!((first.code, first.text.as_ref()), (250, "a\nb"));
    // A new reply may have another code, and no enhanced code of the last one stays.
    let second = parser.push(b"354 go ahead\r\n").unwrap().unwrap();
    assert_eq!((second.code, second.enhanced), (354, None));
}

#[test]
fn classes_and_status() {
    let r = |code| Reply::new(code, None, "");
    assert!(r(250).is_positive() && !r(250).is_permanent());
    assert!(r(354).is_intermediate());
    assert!(r(451).is_transient() && !r(451).is_permanent());
    assert!(r(550).is_permanent() && !r(550).is_positive());
    assert_eq!(r(451).status().to_string(), "4.0.0");
    assert_eq!(replies::NO_SUCH_USER.status().to_string(), "5.1.1");
}

#[test]
fn one_line_form() {
    let reply = parse_reply(b"550-5.1.1 no such user\r\n550 5.1.1 try another\r\n").unwrap();
    assert_eq!(reply.to_string(), "550 5.1.1 no such user try another");
    assert_eq!(parse_reply(b"250\r\n").unwrap().to_string(), "250");
    assert_eq!(replies::OK.to_string(), "250 2.0.0 OK");
}

#[test]
fn enhanced_status_codes() {
    assert_eq!(
        EnhancedStatus::parse("5.7.11"),
        Some(EnhancedStatus::new(5, 7, 11))
    );
    assert_eq!(
        EnhancedStatus::parse("2.0.0"),
        Some(EnhancedStatus::new(2, 0, 0))
    );
    for bad in [
        "", "5", "5.1", "5.1.1.1", "3.1.1", "5..1", "5.1.", "5.1000.1", "x.1.1", "5.+1.1",
    ] {
        assert_eq!(EnhancedStatus::parse(bad), None, "{bad:?}");
    }
}

/// Every named reply the server sends reads back as itself, and every code it carries
/// fits the reply's class (RFC 3463 §2).
#[test]
fn named_replies_round_trip() {
    let named = [
        replies::ACCESS_DENIED,
        replies::SERVICE_UNAVAILABLE,
        replies::TOO_MANY_CONNECTIONS,
        replies::SHUTTING_DOWN,
        replies::IDLE_TIMEOUT,
        replies::TOO_MANY_ERRORS,
        replies::TOO_MANY_COMMANDS_BEFORE_AUTH,
        replies::BYE,
        replies::OK,
        replies::CANNOT_VRFY,
        replies::HELP,
        replies::COMMAND_UNRECOGNIZED,
        replies::SYNTAX_ERROR,
        replies::LINE_TOO_LONG,
        replies::NOT_IMPLEMENTED,
        replies::BAD_SENDER_SYNTAX,
        replies::BAD_RECIPIENT_SYNTAX,
        replies::SEND_EHLO_FIRST,
        replies::NESTED_MAIL,
        replies::SEND_MAIL_FIRST,
        replies::NO_VALID_RECIPIENTS,
        replies::DATA_AFTER_BDAT,
        replies::TLS_ALREADY_ACTIVE,
        replies::ALREADY_AUTHENTICATED,
        replies::AUTH_IN_TRANSACTION,
        replies::READY_FOR_TLS,
        replies::TLS_NOT_AVAILABLE,
        replies::AUTH_SUCCEEDED,
        replies::AUTH_INVALID,
        replies::AUTH_TEMPORARY_FAILURE,
        replies::TOO_MANY_AUTH_FAILURES,
        replies::AUTH_THROTTLED,
        replies::AUTH_CANCELLED,
        replies::INVALID_BASE64,
        replies::CRAM_MD5_INITIAL_RESPONSE,
        replies::AUTH_MECHANISM_UNKNOWN,
        replies::AUTH_MECHANISM_NOT_OFFERED,
        replies::ENCRYPTION_REQUIRED,
        replies::AUTH_REQUIRED,
        replies::SENDER_OK,
        replies::SENDER_REFUSED,
        replies::TEMPORARY_FAILURE,
        replies::MESSAGE_TOO_BIG,
        replies::RECIPIENT_OK,
        replies::RECIPIENT_OK_RELAY,
        replies::TOO_MANY_RECIPIENTS,
        replies::NO_SUCH_USER,
        replies::MAILBOX_DISABLED,
        replies::ALIAS_LOOP,
        replies::MAILBOX_FULL_TEMPORARY,
        replies::TEMPORARY_LOOKUP_FAILURE,
        replies::SENDER_REFUSED_BY_DOMAIN,
        replies::RELAY_DENIED,
        replies::START_MAIL_INPUT,
        replies::DATA_LINE_TOO_LONG,
        replies::TOO_MANY_HOPS,
        replies::DMARC_REJECT,
        replies::MAILBOX_FULL,
        replies::RECIPIENT_GONE,
        replies::TRY_AGAIN_LATER,
        replies::syntax("X"),
        replies::invalid_parameter("SIZE"),
        replies::unsupported_parameter("FOO"),
        replies::sender_not_allowed("a@b.test", "From"),
        replies::sender_not_allowed("a@b.test\r\n250 injected", "From"),
        replies::NULL_SENDER_NOT_ALLOWED,
        replies::auth_malformed("bad"),
    ];
    for reply in named {
        if let Some(e) = reply.enhanced {
            assert_eq!(u16::from(e.class), reply.code / 100, "{reply}");
        }
        assert_eq!(
            parse_reply(&reply.to_bytes()).as_ref(),
            Ok(&reply),
            "{reply}"
        );
    }
}

/// Found by the `smtp_reply` fuzz target: a line without an enhanced code whose text
/// begins with a space, in a reply whose first line has one. Written out, every line
/// carries the enhanced code and one space before its text (RFC 2034 §4 puts the code
/// at the start of the text of each line), so reading it back must take off the code and
/// that one space, not the text's own spaces.
#[test]
fn leading_spaces_of_a_line_survive_a_round_trip() {
    let cases = [
        ("250-2.0.0 x\r\n250  y\r\n", "x\n y"),
        ("250-2.0.0 x\r\n250-  y\r\n250 z\r\n", "x\n  y\nz"),
        ("250 2.0.0  two spaces\r\n", " two spaces"),
        ("250  no code\r\n", " no code"),
    ];
    for (wire, text) in cases {
        let reply = parse_reply(wire.as_bytes()).unwrap();
        assert_eq!(reply.text, text, "{wire:?}");
        assert_eq!(parse_reply(&reply.to_bytes()), Ok(reply), "{wire:?}");
    }
}

fn reply_strategy() -> impl Strategy<Value = Reply> {
    let code = prop_oneof![200u16..600];
    // Lines that cannot be mistaken for an enhanced code; they may begin with spaces.
    let line = "[ A-Za-z<>@=][A-Za-z0-9 .,;:<>@=-]{0,40}";
    (
        code,
        any::<bool>(),
        0u16..1000,
        0u16..1000,
        prop::collection::vec(line, 1..5),
    )
        .prop_map(|(code, with_enhanced, subject, detail, lines)| {
            // RFC 3463 §2: classes 2, 4 and 5 only.
            let enhanced = (with_enhanced && code / 100 != 3)
                .then(|| EnhancedStatus::new(u8::try_from(code / 100).unwrap(), subject, detail));
            Reply::with_text(code, enhanced, lines.join("\n"))
        })
}

proptest! {
    #[test]
    fn written_replies_parse_back(reply in reply_strategy()) {
        let wire = reply.to_bytes();
        prop_assert!(wire.ends_with(b"\r\n"));
        prop_assert_eq!(parse_reply(&wire), Ok(reply));
    }

    #[test]
    fn parser_never_panics(lines in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..20), 0..8)) {
        let mut parser = ReplyParser::new(4);
        for line in &lines {
            if let Ok(Some(reply)) = parser.push(line) {
                prop_assert!((200..600).contains(&reply.code));
            }
        }
        let joined: Vec<u8> = lines.join(&b"\r\n"[..]);
        let _ = parse_reply(&joined);
    }

    #[test]
    fn reply_like_lines_never_panic(
        code in 100u16..1000,
        sep in prop::sample::select(vec![" ", "-", "", "x"]),
        text in "[0-9. a-z]{0,20}",
    ) {
        let line = format!("{code}{sep}{text}");
        let _ = ReplyParser::default().push(line.as_bytes());
    }
}
