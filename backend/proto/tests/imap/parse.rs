//! The command parser against the RFCs' own examples, then exact structures, then
//! refusals.

use osprey_proto::imap::*;

fn parse(input: &[u8]) -> Result<CommandBody, ParseError> {
    parse_command(input).map(|c| c.body)
}

/// Every example command of RFC 9051 §6 and of the extensions' RFCs, in assembled form
/// (literal announcements followed by CRLF and their bytes).
const RFC_EXAMPLES: &[&str] = &[
    // RFC 9051 §6.1, §6.2
    "a001 CAPABILITY",
    "a002 NOOP",
    "A023 LOGOUT",
    "a002 STARTTLS",
    "A001 AUTHENTICATE GSSAPI",
    "a001 LOGIN SMITH SESAME",
    "a001 login {5}\r\nSMITH {6}\r\nSESAME",
    // RFC 9051 §6.3
    "A1 ENABLE IMAP4rev2",
    "t1 ENABLE CONDSTORE QRESYNC UTF8=ACCEPT",
    "A142 SELECT INBOX",
    "A932 EXAMINE blurdybloop",
    "A003 CREATE owatagusiam/",
    "A004 CREATE owatagusiam/blurdybloop",
    "A682 DELETE blurdybloop",
    "A683 DELETE foo/bar",
    "A684 RENAME blurdybloop sarasoop",
    "A685 RENAME foo zowie",
    "A002 SUBSCRIBE #news.comp.mail.mime",
    "A002 UNSUBSCRIBE #news.comp.mail.mime",
    "A101 LIST \"\" \"\"",
    "A102 LIST #news.comp.mail.misc \"\"",
    "A103 LIST /usr/staff/jones \"\"",
    "A202 LIST ~/Mail/ %",
    "A01 LIST \"\" %",
    "A02 LIST (SUBSCRIBED) \"\" \"*\"",
    "A03 LIST () \"\" \"%\" RETURN (CHILDREN)",
    "A04 LIST (REMOTE) \"\" \"%\" RETURN (CHILDREN)",
    "A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\"",
    "A06 LIST (REMOTE) \"\" \"*\" RETURN (SUBSCRIBED)",
    "C04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)",
    "BBB LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")",
    "A11 NAMESPACE",
    "A042 STATUS blurdybloop (UIDNEXT MESSAGES)",
    "A043 STATUS blurdybloop (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE)",
    "a002 IDLE",
    // RFC 9051 §6.4
    "A341 CLOSE",
    "A342 UNSELECT",
    "A202 EXPUNGE",
    "A003 UID EXPUNGE 3000:3002",
    "A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
    "A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
    "A284 SEARCH TEXT \"string not in mailbox\"",
    "A285 SEARCH CHARSET UTF-8 TEXT {12}\r\nотпуск",
    "A286 SEARCH CHARSET INVALID TEXT \"xyz\"",
    "A301 SEARCH RETURN (SAVE) SINCE 1-Feb-1994 OR FROM Smith FROM Jones",
    "A302 FETCH $ (UID INTERNALDATE FLAGS RFC822.SIZE)",
    "A303 SEARCH RETURN (SAVE) SINCE 1-Feb-1994 FROM Smith",
    "A304 UID SEARCH UID $ SMALLER 4096",
    "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])",
    "A003 STORE 2:4 +FLAGS (\\Deleted)",
    "A001 COPY 2:4 MEETING",
    "A999 UID FETCH 4827313:4828442 FLAGS",
    "A004 STORE 1:* -FLAGS.SILENT (\\Seen \\Answered)",
    "a1 FETCH 1:* ALL",
    "a2 FETCH 1 FAST",
    "a3 FETCH 2 FULL",
    "a4 FETCH 1 (BODY[1.2.MIME] BODY.PEEK[2.HEADER] BODY[3.TEXT]<0.2048> BODY[] BODYSTRUCTURE ENVELOPE)",
    "a5 FETCH 1 (RFC822 RFC822.HEADER RFC822.TEXT BODY UID)",
    "a6 FETCH 1:3 BODY.PEEK[HEADER.FIELDS.NOT (Received X-Spam)]",
    // RFC 3501 (rev1 only)
    "A999 UID SEARCH 1:100 UID 443:557",
    "a7 CHECK",
    "A002 LSUB \"#news.\" \"comp.mail.*\"",
    "a8 STATUS blurdybloop (MESSAGES RECENT)",
    "a9 SEARCH NEW OLD RECENT UNKEYWORD $Junk",
    "a10 STORE 1 FLAGS (\\Recent)",
    // RFC 3502
    "A003 APPEND saved-messages (\\Seen) {5}\r\nhello (\\Seen) \" 7-Feb-1994 22:43:04 -0800\" {5}\r\nworld",
    // RFC 3516
    "A003 APPEND Drafts (\\Seen) ~{5}\r\nab\0cd",
    "t FETCH 1 (BINARY[1.2]<0.100> BINARY.SIZE[1] BINARY.PEEK[])",
    // RFC 4959
    "a01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=",
    "a02 AUTHENTICATE PLAIN =",
    // RFC 4978
    "a COMPRESS DEFLATE",
    // RFC 5256
    "A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994",
    "A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
    "A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"",
    "A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000",
    "A284 THREAD ORDEREDSUBJECT US-ASCII TEXT \"gewp\"",
    "A285 UID THREAD REFERENCES UTF-8 ALL",
    // RFC 5819
    "A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))",
    "A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (STATUS (MESSAGES))",
    // RFC 6154
    "t1 LIST \"\" \"*\" RETURN (SPECIAL-USE)",
    "t3 LIST (SPECIAL-USE) \"\" \"*\"",
    "t1 CREATE MySpecial (USE (\\Drafts \\Sent))",
    // RFC 6851
    "a UID MOVE 42:69 foo",
    "a MOVE 2:4 \"Other Folder\"",
    // RFC 7162
    "A142 SELECT INBOX (CONDSTORE)",
    "a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)",
    "s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)",
    "a FETCH 1:* (UID FLAGS MODSEQ)",
    "a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338",
    "t SEARCH OR NOT MODSEQ 720162338 LARGER 50000",
    "A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
    "B02 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))",
    "A02 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976:29979)))",
    "C01 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)",
    "t UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)",
    // RFC 7888
    "A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man",
    // RFC 2971
    "a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \"Pink Floyd Music Limited\")",
    "a024 ID NIL",
    // RFC 9208
    "G0001 GETQUOTA \"!partition/sda4\"",
    "G0002 GETQUOTAROOT INBOX",
    "S0000 SETQUOTA \"#user/alice\" (STORAGE 510)",
    // RFC 7889
    "a STATUS INBOX (APPENDLIMIT)",
    // RFC 5267 §4
    "A01 SEARCH RETURN (CONTEXT COUNT) UNDELETED UNKEYWORD $Junk",
    "B01 UID SEARCH RETURN (UPDATE COUNT) DELETED KEYWORD $Junk",
    // (the RFC's example leaves out the sort criteria)
    "B02 UID SORT RETURN (UPDATE COUNT) (DATE) UTF-8 KEYWORD $Junk",
    "B04 CANCELUPDATE \"B01\"",
    "A02 UID SEARCH RETURN (PARTIAL 23500:24000) UNDELETED UNKEYWORD $Junk",
    // RFC 5465 §6 (the examples of §3.1 leave out the parentheses `events` needs)
    "b notify set status (selected (MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))",
    "a notify set (mailboxes INBOX (Messagenew messageExpunge)) (personal (SubscriptionChange))",
    "a notify set (selected (Messagenew (uid flags) messageExpunge)) (personal (MessageNew FlagChange MessageExpunge))",
    "a NOTIFY SET (inboxes NONE) (subscribed (MailboxName)) (selected-delayed (MessageNew MessageExpunge))",
    "a NOTIFY NONE",
];

#[test]
fn rfc_examples_parse_and_round_trip() {
    for line in RFC_EXAMPLES {
        let cmd =
            parse_command(line.as_bytes()).unwrap_or_else(|e| panic!("{line:?}: {}", e.message));
        let again = encode_command(&cmd);
        assert_eq!(
            parse_command(&again).as_ref(),
            Ok(&cmd),
            "{line:?} re-encoded as {:?}",
            String::from_utf8_lossy(&again)
        );
    }
}

fn set(ranges: &[(u32, Option<u32>)]) -> SequenceSet {
    let n = |v: u32| {
        if v == 0 {
            SeqNum::Star
        } else {
            SeqNum::Value(v)
        }
    };
    SequenceSet::Ranges(
        ranges
            .iter()
            .map(|&(a, b)| SeqRange {
                start: n(a),
                end: n(b.unwrap_or(a)),
            })
            .collect(),
    )
}

#[test]
fn parses_exact_structures() {
    use CommandBody as B;
    let date = Date {
        year: 1994,
        month: 2,
        day: 1,
    };
    let cases: Vec<(&[u8], CommandBody)> = vec![
        (b"a LOGIN SMITH SESAME", B::Login {
            username: "SMITH".into(),
            password: "SESAME".into(),
        }),
        (b"a login \"fr\\\"ed\" {3}\r\na b", B::Login {
            username: "fr\"ed".into(),
            password: "a b".into(),
        }),
        (b"a select inbox", B::Select {
            mailbox: Mailbox::new("INBOX"),
            read_only: false,
            params: SelectParams::default(),
        }),
        (b"a AUTHENTICATE plain =", B::Authenticate {
            mechanism: "PLAIN".into(),
            initial_response: Some(vec![]),
        }),
        (b"a AUTHENTICATE PLAIN AGZyZWQAc2VjcmV0", B::Authenticate {
            mechanism: "PLAIN".into(),
            initial_response: Some(b"\0fred\0secret".to_vec()),
        }),
        (b"a UID EXPUNGE 3000:3002", B::Expunge {
            uids: Some(set(&[(3000, Some(3002))])),
        }),
        (b"a SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", B::Search {
            uid: false,
            charset: None,
            returns: Some(vec![SearchReturn::Min, SearchReturn::Count]),
            criteria: SearchKey::And(vec![
                SearchKey::Flagged,
                SearchKey::Since(date),
                SearchKey::Not(Box::new(SearchKey::From(b"Smith".to_vec()))),
            ]),
        }),
        (b"a UID SEARCH CHARSET UTF-8 (OR 1:* $) UID *:4,7", B::Search {
            uid: true,
            charset: Some("UTF-8".into()),
            returns: None,
            criteria: SearchKey::And(vec![
                SearchKey::And(vec![SearchKey::Or(
                    Box::new(SearchKey::SequenceSet(set(&[(1, Some(0))]))),
                    Box::new(SearchKey::SequenceSet(SequenceSet::Saved)),
                )]),
                SearchKey::Uid(set(&[(0, Some(4)), (7, None)])),
            ]),
        }),
        (b"a FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)]<0.100>)", B::Fetch {
            uid: false,
            set: set(&[(2, Some(4))]),
            items: FetchItems::Items(vec![
                FetchAttr::Flags,
                FetchAttr::BodySection {
                    peek: false,
                    section: Section {
                        part: vec![],
                        text: Some(SectionText::HeaderFields(vec!["DATE".into(), "FROM".into()])),
                    },
                    partial: Some(Partial {
                        origin: 0,
                        length: 100,
                    }),
                },
            ]),
            modifiers: FetchModifiers::default(),
        }),
        (b"a fetch 1 body.peek[1.2.mime]", B::Fetch {
            uid: false,
            set: set(&[(1, None)]),
            items: FetchItems::Items(vec![FetchAttr::BodySection {
                peek: true,
                section: Section {
                    part: vec![1, 2],
                    text: Some(SectionText::Mime),
                },
                partial: None,
            }]),
            modifiers: FetchModifiers::default(),
        }),
        (b"a UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)", B::Fetch {
            uid: true,
            set: set(&[(300, Some(500))]),
            items: FetchItems::Items(vec![FetchAttr::Flags]),
            modifiers: FetchModifiers {
                changed_since: Some(12345),
                vanished: true,
            },
        }),
        (b"a UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted $Junk)", B::Store {
            uid: true,
            set: set(&[(6, None), (4, None), (8, None)]),
            action: StoreAction::Add,
            silent: true,
            flags: vec![Flag::Deleted, Flag::Keyword("$Junk".into())],
            unchanged_since: Some(12121230045),
        }),
        (b"a STORE 1 FLAGS \\seen \\Foo", B::Store {
            uid: false,
            set: set(&[(1, None)]),
            action: StoreAction::Replace,
            silent: false,
            flags: vec![Flag::Seen, Flag::Extension("Foo".into())],
            unchanged_since: None,
        }),
        (b"A02 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500 15000,22500)))", B::Select {
            mailbox: Mailbox::new("INBOX"),
            read_only: false,
            params: SelectParams {
                condstore: false,
                qresync: Some(QResync {
                    uidvalidity: 67890007,
                    modseq: 90060115194045000,
                    known_uids: Some(set(&[(1, Some(29997))])),
                    seq_match: Some((set(&[(5000, None), (7500, None)]), set(&[(15000, None), (22500, None)]))),
                }),
            },
        }),
        (b"a LIST (SUBSCRIBED) \"\" (INBOX \"Sent/%\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN) SPECIAL-USE)", B::List(ListCommand {
            reference: String::new(),
            patterns: vec!["INBOX".into(), "Sent/%".into()],
            selection: vec!["SUBSCRIBED".into()],
            returns: vec![
                ListReturn::Children,
                ListReturn::Status(vec![StatusItem::Messages, StatusItem::Unseen]),
                ListReturn::SpecialUse,
            ],
        })),
        (b"a APPEND INBOX (\\Seen) \" 7-Feb-1994 22:43:04 -0800\" {2}\r\nhi", B::Append {
            mailbox: Mailbox::new("INBOX"),
            messages: vec![AppendMessage {
                flags: vec![Flag::Seen],
                date: Some(DateTime {
                    date: Date {
                        year: 1994,
                        month: 2,
                        day: 7,
                    },
                    hour: 22,
                    minute: 43,
                    second: 4,
                    zone_minutes: -480,
                }),
                data: b"hi".to_vec(),
                binary: false,
                utf8: false,
                catenate: vec![],
            }],
        }),
        // RFC 6855 §4: the UTF8 data item, synchronising and not, among plain messages.
        (
            "a APPEND \"Entw\u{fc}rfe\" UTF8 (~{6}\r\nS\u{fc}d\r\n) {2}\r\nhi UTF8 (~{2+}\r\nok)"
                .as_bytes(),
            B::Append {
                mailbox: Mailbox::new("Entw\u{fc}rfe"),
                messages: vec![
                    AppendMessage {
                        flags: vec![],
                        date: None,
                        data: "S\u{fc}d\r\n".as_bytes().to_vec(),
                        binary: true,
                        utf8: true,
                        catenate: vec![],
                    },
                    AppendMessage {
                        flags: vec![],
                        date: None,
                        data: b"hi".to_vec(),
                        binary: false,
                        utf8: false,
                        catenate: vec![],
                    },
                    AppendMessage {
                        flags: vec![],
                        date: None,
                        data: b"ok".to_vec(),
                        binary: true,
                        utf8: true,
                        catenate: vec![],
                    },
                ],
            },
        ),
        (b"a APPEND INBOX (\\Seen) UTF8 (~{2}\r\nhi)", B::Append {
            mailbox: Mailbox::new("INBOX"),
            messages: vec![AppendMessage {
                flags: vec![Flag::Seen],
                date: None,
                data: b"hi".to_vec(),
                binary: true,
                utf8: true,
                catenate: vec![],
            }],
        }),
        // RFC 4469 §5: CATENATE with URLs and text, after a plain message.
        (
            b"a APPEND Drafts {2}\r\nhi (\\Draft) CATENATE (URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER\" TEXT {4}\r\n\r\nx\n URL \";UID=3\")",
            B::Append {
                mailbox: Mailbox::new("Drafts"),
                messages: vec![
                    AppendMessage {
                        flags: vec![],
                        date: None,
                        data: b"hi".to_vec(),
                        binary: false,
                        utf8: false,
                        catenate: vec![],
                    },
                    AppendMessage {
                        flags: vec![Flag::Draft],
                        date: None,
                        data: vec![],
                        binary: false,
                        utf8: false,
                        catenate: vec![
                            CatPart::Url(
                                "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER".into(),
                            ),
                            CatPart::Text {
                                data: b"\r\nx\n".to_vec(),
                                binary: false,
                            },
                            CatPart::Url(";UID=3".into()),
                        ],
                    },
                ],
            },
        ),
        (b"a SORT (REVERSE DATE) UTF-8 ALL", B::Sort {
            uid: false,
            returns: None,
            criteria: vec![SortCriterion {
                reverse: true,
                key: SortKey::Date,
            }],
            charset: "UTF-8".into(),
            search: SearchKey::All,
        }),
        // RFC 5267 §4.
        (b"a SEARCH RETURN (CONTEXT UPDATE PARTIAL 500:400 MIN) ALL", B::Search {
            uid: false,
            charset: None,
            returns: Some(vec![
                SearchReturn::Context,
                SearchReturn::Update,
                SearchReturn::Partial(500, 400),
                SearchReturn::Min,
            ]),
            criteria: SearchKey::All,
        }),
        (b"a CANCELUPDATE \"B01\" \"x y\"", B::CancelUpdate(vec!["B01".into(), "x y".into()])),
        // RFC 5267 §3 (ESORT) and RFC 5957 §3 (SORT=DISPLAY).
        (b"a UID SORT RETURN (MIN COUNT) (DISPLAYFROM REVERSE DISPLAYTO) UTF-8 ALL", B::Sort {
            uid: true,
            returns: Some(vec![SearchReturn::Min, SearchReturn::Count]),
            criteria: vec![
                SortCriterion {
                    reverse: false,
                    key: SortKey::DisplayFrom,
                },
                SortCriterion {
                    reverse: true,
                    key: SortKey::DisplayTo,
                },
            ],
            charset: "UTF-8".into(),
            search: SearchKey::All,
        }),
        (b"a ID (\"name\" \"sodr\" \"x\" NIL)", B::Id(Some(vec![
            ("name".into(), Some("sodr".into())),
            ("x".into(), None),
        ]))),
        (b"a SETQUOTA \"\" (storage 510)", B::SetQuota {
            root: String::new(),
            limits: vec![("STORAGE".into(), 510)],
        }),
        (b"a CREATE Foo (USE (\\Drafts))", B::Create {
            mailbox: Mailbox::new("Foo"),
            special_use: vec![Flag::Extension("Drafts".into())],
        }),
        (b"a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338", B::Search {
            uid: false,
            charset: None,
            returns: None,
            criteria: SearchKey::ModSeq {
                entry: Some((Flag::Draft, EntryType::All)),
                modseq: 620162338,
            },
        }),
        (b"a GETQUOTAROOT inbox", B::GetQuotaRoot(Mailbox::new("INBOX"))),
        (b"a COMPRESS deflate", B::Compress("DEFLATE".into())),
        (b"a uid copy 1:* Trash", B::Copy {
            uid: true,
            set: set(&[(1, Some(0))]),
            mailbox: Mailbox::new("Trash"),
        }),
    ];
    for (input, expected) in cases {
        assert_eq!(
            parse(input),
            Ok(expected),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn refuses_bad_commands() {
    let deep = format!("a SEARCH {}ALL{}", "(".repeat(17), ")".repeat(17));
    let deep_not = format!("a SEARCH {}ALL", "NOT ".repeat(20));
    let cases: Vec<(&[u8], Option<&str>, &str)> = vec![
        // tags
        (b"", None, "tag"),
        (b" NOOP", None, "tag"),
        (b"a+b NOOP", None, "tag"),
        (b"a{1} NOOP", None, "tag"),
        (b"a*b NOOP", None, "tag"),
        (b"\"a\" NOOP", None, "tag"),
        (b"a%b NOOP", None, "tag"),
        (b"a\x01 NOOP", None, "tag"),
        // commands
        (b"a", Some("a"), "space"),
        (b"a FOO", Some("a"), "unknown command"),
        (b"a UID NOOP", Some("a"), "unknown UID command"),
        (b"a NOOP extra", Some("a"), "end of the command"),
        (b"a NOOP ", Some("a"), "end of the command"),
        (b"a  NOOP", Some("a"), "command name"),
        (b"a LOGIN fred", Some("a"), "space"),
        (b"a ENABLE", Some("a"), "ENABLE"),
        // sequence sets
        (b"a FETCH 0 FLAGS", Some("a"), "sequence number"),
        (b"a FETCH 1:0 FLAGS", Some("a"), "sequence number"),
        (b"a FETCH 00 FLAGS", Some("a"), "sequence number"),
        (b"a FETCH 1, FLAGS", Some("a"), "sequence number"),
        (b"a FETCH 4294967296 FLAGS", Some("a"), "sequence number"),
        (b"a UID EXPUNGE", Some("a"), "space"),
        // lists
        (b"a FETCH 1 (FLAGS", Some("a"), "expected"),
        (b"a SEARCH (ALL", Some("a"), "')'"),
        (b"a STATUS INBOX ()", Some("a"), "empty"),
        (b"a STATUS INBOX (FOO)", Some("a"), "unknown status item"),
        (deep.as_bytes(), Some("a"), "nested too deep"),
        (deep_not.as_bytes(), Some("a"), "nested too deep"),
        // strings and literals
        (b"a LOGIN \"fred secret", Some("a"), "unterminated"),
        (b"a LOGIN \"a\\b\" x", Some("a"), "escape"),
        (b"a LOGIN {10}\r\nshort", Some("a"), "shorter"),
        (b"a LOGIN {2}\r\na\0 x", Some("a"), "NUL"),
        (b"a LOGIN ~{1}\r\na x", Some("a"), "space"),
        (b"a LOGIN \"\xff\" x", Some("a"), "UTF-8"),
        // dates, flags, fetch
        (b"a SEARCH SINCE 32-Jan-2000", Some("a"), "day"),
        (b"a SEARCH SINCE 1-Foo-2000", Some("a"), "month"),
        (b"a SEARCH BADKEY", Some("a"), "unknown search key"),
        // RFC 5267 §4.4 and §5
        (
            b"a SEARCH RETURN (PARTIAL 1:2 ALL) ALL",
            Some("a"),
            "PARTIAL",
        ),
        (
            b"a SEARCH RETURN (PARTIAL 1:2 PARTIAL 1:2) ALL",
            Some("a"),
            "PARTIAL",
        ),
        (b"a SEARCH RETURN (PARTIAL 0:2) ALL", Some("a"), "non-zero"),
        (b"a SEARCH RETURN (PARTIAL 1:*) ALL", Some("a"), "number"),
        (b"a CANCELUPDATE", Some("a"), "tag"),
        (b"a CANCELUPDATE B01", Some("a"), "quoted"),
        (b"a STORE 1 +FLAGS (\\*)", Some("a"), "atom"),
        (b"a STORE 1 XFLAGS (\\Seen)", Some("a"), "FLAGS"),
        (b"a FETCH 1 BODY[MIME]", Some("a"), "section"),
        (b"a FETCH 1 BODY[1.FOO]", Some("a"), "section"),
        (b"a FETCH 1 BODY[]<0.0>", Some("a"), "non-zero"),
        (b"a FETCH 1 FOO", Some("a"), "unknown fetch item"),
        (b"a FETCH 1 (FLAGS) (CHANGEDSINCE 0)", Some("a"), "non-zero"),
        (b"a APPEND INBOX", Some("a"), "message"),
        // RFC 6855 §4: UTF8 takes a parenthesised literal8, nothing else.
        (b"a APPEND INBOX UTF8 ({2}\r\nhi)", Some("a"), "literal8"),
        (b"a APPEND INBOX UTF8 (~{2}\r\nhi", Some("a"), "')'"),
        (b"a APPEND INBOX UTF8 ~{2}\r\nhi", Some("a"), "'('"),
        (
            b"a APPEND INBOX \"1-Jan-2000 00:00:00 +0000\" {1}\r\nx",
            Some("a"),
            "two digits",
        ),
        (b"a AUTHENTICATE PLAIN !!", Some("a"), "base64"),
        (b"a SEARCH MODSEQ \"x\" all 1", Some("a"), "MODSEQ entry"),
        (b"a AUTHENTICATE PLAIN abc", Some("a"), "base64"),
    ];
    for (input, tag, message) in cases {
        let err = parse_command(input).expect_err(&String::from_utf8_lossy(input));
        assert_eq!(
            err.tag.as_ref().map(Tag::as_str),
            tag,
            "{:?}",
            String::from_utf8_lossy(input)
        );
        assert!(
            err.message.contains(message),
            "{:?}: {:?} lacks {message:?}",
            String::from_utf8_lossy(input),
            err.message
        );
    }
}

#[test]
fn nesting_limit_is_configurable() {
    let within = format!("a SEARCH {}ALL{}", "(".repeat(16), ")".repeat(16));
    assert!(parse_command(within.as_bytes()).is_ok());
    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    assert!(parse_command_with(b"a SEARCH ((ALL))", &limits).is_ok());
    assert!(parse_command_with(b"a SEARCH (((ALL)))", &limits).is_err());
    // A very deep input fails cleanly rather than overflowing the stack.
    let huge = format!("a SEARCH {}ALL", "(".repeat(100_000));
    assert!(parse_command(huge.as_bytes()).is_err());
}

#[test]
fn helpers() {
    assert!(is_idle_done(b"DONE\r\n"));
    assert!(is_idle_done(b"done\n"));
    assert!(is_idle_done(b"Done"));
    assert!(!is_idle_done(b"DONE "));
    assert!(!is_idle_done(b"a DONE"));
    assert_eq!(parse_sasl_response(b"*\r\n"), Some(SaslResponse::Cancel));
    assert_eq!(
        parse_sasl_response(b"\r\n"),
        Some(SaslResponse::Data(vec![]))
    );
    assert_eq!(
        parse_sasl_response(b"AGZyZWQAc2VjcmV0\r\n"),
        Some(SaslResponse::Data(b"\0fred\0secret".to_vec()))
    );
    assert_eq!(parse_sasl_response(b"!!\r\n"), None);
}

#[test]
fn sequence_set_helpers() {
    let s = set(&[(5, Some(0)), (2, None), (9, Some(3))]);
    assert_eq!(s.normalized(7), vec![(2, 7)]);
    assert!(s.contains(7, 7) && s.contains(2, 7) && !s.contains(1, 7));
    assert_eq!(s.iter(4).collect::<Vec<_>>(), vec![2, 3, 4]);
    assert_eq!(set(&[(10, Some(12))]).normalized(5), vec![]);
    assert_eq!(set(&[(0, None)]).normalized(0), vec![]);
    assert_eq!(
        set(&[(1, None), (3, Some(4)), (5, None)]).normalized(9),
        vec![(1, 1), (3, 5)]
    );
    assert!(!SequenceSet::Saved.contains(1, 1));
    assert_eq!(SequenceSet::single(3), set(&[(3, None)]));
}

/// Inputs the fuzzer found: each must parse, and re-encode to itself.
#[test]
fn fuzz_regressions() {
    let cases: &[&[u8]] = &[
        // A quoted charset with a control character: the encoder wrote a literal,
        // which `charset` does not allow.
        b"pSMa THREAD U \" 1]NSp\x13MaU \" 1",
    ];
    for input in cases {
        let cmd = parse_command(input).expect("parses");
        assert_eq!(parse_command(&encode_command(&cmd)), Ok(cmd));
    }
}

#[test]
fn commands_are_named_as_clients_write_them() {
    let cases = [
        ("a1 FETCH 1:* (FLAGS)", "FETCH"),
        ("a1 uid store 1 +FLAGS (x)", "UID STORE"),
        ("a1 EXAMINE INBOX", "EXAMINE"),
        ("a1 SELECT INBOX", "SELECT"),
        ("a1 UID EXPUNGE 1:3", "UID EXPUNGE"),
        ("a1 EXPUNGE", "EXPUNGE"),
        ("t LOGIN bob pass", "LOGIN"),
    ];
    for (line, name) in cases {
        assert_eq!(parse(line.as_bytes()).unwrap().name(), name, "{line}");
    }
}
