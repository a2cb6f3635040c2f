//! Framing: literals, continuation decisions and limits.

use osprey_proto::imap::*;

fn lit(size: u64, sync: bool, append: bool) -> Frame {
    Frame::Literal {
        size,
        sync,
        binary: false,
        append,
    }
}

#[test]
fn assembles_lines_and_literals() {
    let mut f = Framer::new(Limits::default());
    assert_eq!(
        f.push_line(b"a NOOP\r\n"),
        Ok(Frame::Command(b"a NOOP".to_vec()))
    );
    assert!(!f.in_command());
    // RFC 9051 §6.2.3 example with synchronising literals.
    assert_eq!(f.push_line(b"a001 LOGIN {5}\r\n"), Ok(lit(5, true, false)));
    assert!(f.in_command());
    assert_eq!(f.literal_remaining(), 5);
    f.push_literal(b"SMI").unwrap();
    f.push_literal(b"TH").unwrap();
    assert_eq!(f.literal_remaining(), 0);
    // RFC 7888 §3: non-synchronising; bare LF accepted.
    assert_eq!(f.push_line(b" {6+}\n"), Ok(lit(6, false, false)));
    f.push_literal(b"SESAME").unwrap();
    let Ok(Frame::Command(cmd)) = f.push_line(b"\r\n") else {
        panic!("not complete");
    };
    assert_eq!(cmd, b"a001 LOGIN {5}\r\nSMITH {6+}\r\nSESAME");
    assert_eq!(
        parse_command(&cmd).map(|c| c.body),
        Ok(CommandBody::Login {
            username: "SMITH".into(),
            password: "SESAME".into()
        })
    );
}

#[test]
fn append_literals_are_told_apart() {
    let mut f = Framer::new(Limits::default());
    assert_eq!(
        f.push_line(b"A003 APPEND saved-messages (\\Seen) {5}\r\n"),
        Ok(lit(5, true, true))
    );
    f.push_literal(b"hello").unwrap();
    // RFC 3502: a second message, binary (RFC 3516).
    assert_eq!(
        f.push_line(b" ~{3}\r\n"),
        Ok(Frame::Literal {
            size: 3,
            sync: true,
            binary: true,
            append: true
        })
    );
    f.push_literal(b"a\0b").unwrap();
    let Ok(Frame::Command(cmd)) = f.push_line(b"\r\n") else {
        panic!("not complete");
    };
    let Ok(CommandBody::Append { messages, .. }) = parse_command(&cmd).map(|c| c.body) else {
        panic!("not an APPEND");
    };
    assert_eq!(messages.len(), 2);
    assert!(messages[1].binary && messages[1].data == b"a\0b");

    // The mailbox name as a literal is not a message.
    assert_eq!(f.push_line(b"a append {5}\r\n"), Ok(lit(5, true, false)));
    f.push_literal(b"INBOX").unwrap();
    assert_eq!(f.push_line(b" {2}\r\n"), Ok(lit(2, true, true)));
}

#[test]
fn limits() {
    let limits = Limits {
        max_append_literal: 10,
        ..Limits::default()
    };
    let mut f = Framer::new(limits);

    // APPEND too big, synchronising: NO [TOOBIG] before the client uploads.
    let err = f.push_line(b"a APPEND INBOX {11}\r\n").unwrap_err();
    assert_eq!(err.tag.as_ref().map(Tag::as_str), Some("a"));
    assert!(err.is_append_too_big() && !err.must_close());
    assert!(!f.in_command());

    // APPEND too big, non-synchronising: the bytes are coming; close.
    let err = f.push_line(b"a APPEND INBOX {11+}\r\n").unwrap_err();
    assert!(err.is_append_too_big() && err.must_close());

    // LITERAL- (RFC 7888 §4): non-synchronising literals above 4096 are refused.
    let err = f.push_line(b"b LOGIN {4097+}\r\n").unwrap_err();
    assert_eq!(
        err.kind,
        FrameErrorKind::LiteralTooBig {
            size: 4097,
            sync: false,
            append: false
        }
    );
    assert!(err.must_close());
    assert!(f.push_line(b"b LOGIN {4096+}\r\n").is_ok());
    f.reset();

    // Other literals are limited by max_literal.
    let err = f.push_line(b"c LOGIN {65537}\r\n").unwrap_err();
    assert!(!err.must_close() && !err.is_append_too_big());
    assert_eq!(err.message(), "literal too big");

    // Lines.
    let mut long = b"d LOGIN ".to_vec();
    long.resize(8 * 1024 + 1, b'x');
    let err = f.push_line(&long).unwrap_err();
    assert_eq!(err.kind, FrameErrorKind::LineTooLong);
    assert_eq!(err.tag.as_ref().map(Tag::as_str), Some("d"));
    assert!(!err.must_close(), "the line was read to its end");
    long.extend_from_slice(b" {5+}\r\n");
    let err = f.push_line(&long).unwrap_err();
    assert!(err.must_close(), "a non-synchronising literal is coming");
    // A line the session read without keeping it: its tag from the head, its literal
    // from the tail; inside a command, the command's tag.
    let err = f.line_too_long(b"g SEARCH xxxx", b"xxxx {5}");
    assert_eq!(err.tag.as_ref().map(Tag::as_str), Some("g"));
    assert!(!err.must_close());
    assert!(f.line_too_long(b"gggggggggggg", b"xxxx").tag.is_none());
    let err = f.line_too_long(b"* SEARCH xxxx", b"xxxx {5+}");
    assert!(err.tag.is_none() && err.must_close());
    assert!(f.push_line(b"h LOGIN {3}\r\n").is_ok());
    f.push_literal(b"ann").unwrap();
    let err = f.line_too_long(b" xxxx", b"xxxx");
    assert_eq!(err.tag.as_ref().map(Tag::as_str), Some("h"));
    assert!(!f.in_command());

    // The whole command: many literals that each fit.
    assert!(f.push_line(b"e SEARCH TEXT {40000}\r\n").is_ok());
    f.push_literal(&[b'x'; 40000]).unwrap();
    let err = f.push_line(b" TEXT {40000}\r\n").unwrap_err();
    assert_eq!(err.kind, FrameErrorKind::CommandTooLong);
    assert_eq!(err.tag.as_ref().map(Tag::as_str), Some("e"));
    assert!(!err.must_close());
    // The same with a non-synchronising literal: its bytes are coming, so close.
    assert!(f.push_line(b"e SEARCH TEXT {4000+}\r\n").is_ok());
    f.push_literal(&[b'x'; 4000]).unwrap();
    let err = loop {
        match f.push_line(b" TEXT {4000+}\r\n") {
            Ok(_) => f.push_literal(&[b'x'; 4000]).unwrap(),
            Err(err) => break err,
        }
    };
    assert_eq!(err.kind, FrameErrorKind::CommandTooLong);
    assert!(err.must_close());

    // Session bugs.
    assert!(f.push_line(b"f LOGIN {1}\r\n").is_ok());
    assert_eq!(
        f.push_line(b"x\r\n").unwrap_err().kind,
        FrameErrorKind::OutOfOrder
    );
    assert!(f.push_literal(b"x").unwrap_err().must_close());

    // After every error the framer starts afresh.
    assert_eq!(
        f.push_line(b"g NOOP\r\n"),
        Ok(Frame::Command(b"g NOOP".to_vec()))
    );
}

#[test]
fn not_literals() {
    let mut f = Framer::new(Limits::default());
    for line in [
        &b"a LOGIN x {}\r\n"[..],
        b"a LOGIN x {1a}\r\n",
        b"a X {+}\r\n",
        b"a X {99999999999999999999}\r\n",
    ] {
        assert!(
            matches!(f.push_line(line), Ok(Frame::Command(_))),
            "{line:?}"
        );
    }
}

/// MULTIAPPEND (RFC 3502): each message within `max_append_literal`, all of them within
/// `max_append_total`, checked as each literal is announced.
#[test]
fn appends_of_one_command_have_a_total_limit() {
    let limits = Limits {
        max_append_literal: 10,
        max_append_total: 25,
        ..Limits::default()
    };
    let mut f = Framer::new(limits);
    assert!(f.push_line(b"a APPEND INBOX {10}\r\n").is_ok());
    f.push_literal(b"0123456789").unwrap();
    assert!(f.push_line(b" {10}\r\n").is_ok());
    f.push_literal(b"0123456789").unwrap();
    let err = f.push_line(b" {6}\r\n").unwrap_err();
    assert_eq!(
        err.kind,
        FrameErrorKind::AppendsTooBig {
            total: 26,
            sync: true
        }
    );
    assert!(err.is_append_too_big() && !err.must_close());
    assert_eq!(err.message(), "messages too big together");
    assert!(!f.in_command());
    // A new command starts from nothing.
    assert!(f.push_line(b"b APPEND INBOX {10}\r\n").is_ok());
    f.push_literal(b"0123456789").unwrap();
    assert!(f.push_line(b" {10+}\r\n").is_ok());
    f.push_literal(b"0123456789").unwrap();
    let err = f.push_line(b" {6+}\r\n").unwrap_err();
    assert!(err.must_close(), "its byte is on its way");
}
