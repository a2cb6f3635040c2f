//! The response writer: the RFCs' example responses byte for byte, cleaning of unsafe
//! values, and every generated response accepted by imap-codec's strict response parser.

use imap_codec::decode::Decoder;
use imap_codec::{GreetingCodec, ResponseCodec};
use osprey_proto::imap::*;
use proptest::prelude::*;

use super::strategies::{any_data, any_status};

fn tag(s: &str) -> Option<Tag> {
    Tag::new(s)
}

fn bytes(r: Response, utf8: bool) -> String {
    String::from_utf8_lossy(&r.to_bytes(WriteOptions { utf8 })).into_owned()
}

fn status(t: Option<&str>, kind: StatusKind, code: Option<Code>, text: &str) -> Response {
    Response::Status(StatusResponse {
        tag: t.and_then(Tag::new),
        kind,
        code,
        text: text.into(),
    })
}

fn addr(name: Option<&str>, mailbox: &str, host: &str) -> Address {
    Address {
        name: name.map(|n| n.as_bytes().to_vec()),
        adl: None,
        mailbox: Some(mailbox.as_bytes().to_vec()),
        host: Some(host.as_bytes().to_vec()),
    }
}

fn set(numbers: &[u32]) -> SequenceSet {
    SequenceSet::from_numbers(numbers)
}

fn thread(id: u32, children: Vec<Thread>) -> Thread {
    Thread {
        id: Some(id),
        children,
    }
}

/// RFC 9051 §7 and the extensions' examples.
#[test]
fn rfc_examples() {
    use StatusKind::*;
    let gray = addr(Some("Terry Gray"), "gray", "cac.washington.edu");
    let envelope = Envelope {
        date: Some(b"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)".to_vec()),
        subject: Some(b"IMAP4rev2 WG mtg summary and minutes".to_vec()),
        from: vec![gray.clone()],
        sender: vec![gray.clone()],
        reply_to: vec![gray],
        to: vec![addr(None, "imap", "cac.washington.edu")],
        cc: vec![
            addr(None, "minutes", "CNRI.Reston.VA.US"),
            addr(Some("John Klensin"), "KLENSIN", "MIT.EDU"),
        ],
        bcc: vec![],
        in_reply_to: None,
        message_id: Some(b"<B27397-0100000@cac.washington.edu>".to_vec()),
    };
    let text_plain = BodyStructure::Single {
        part: SinglePart {
            media_type: "TEXT".into(),
            subtype: "PLAIN".into(),
            params: vec![("CHARSET".into(), "US-ASCII".into())],
            id: None,
            description: None,
            encoding: "7BIT".into(),
            size: 3028,
            kind: SingleKind::Text { lines: 92 },
        },
        extension: None,
    };
    let date = DateTime {
        date: Date {
            year: 1996,
            month: 7,
            day: 17,
        },
        hour: 2,
        minute: 44,
        second: 25,
        zone_minutes: -420,
    };
    let cases: Vec<(Response, &str)> = vec![
        (
            status(
                None,
                Ok,
                Some(Code::Unseen(12)),
                "Message 12 is first unseen",
            ),
            "* OK [UNSEEN 12] Message 12 is first unseen\r\n",
        ),
        (
            status(Some("A142"), Ok, Some(Code::ReadWrite), "SELECT completed"),
            "A142 OK [READ-WRITE] SELECT completed\r\n",
        ),
        (
            status(
                None,
                Ok,
                Some(Code::PermanentFlags(PermanentFlags {
                    flags: vec![Flag::Deleted, Flag::Seen],
                    can_create: true,
                })),
                "Limited",
            ),
            "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
        ),
        (
            status(
                None,
                Ok,
                Some(Code::PermanentFlags(PermanentFlags {
                    flags: vec![],
                    can_create: true,
                })),
                "x",
            ),
            "* OK [PERMANENTFLAGS (\\*)] x\r\n",
        ),
        (
            status(
                None,
                Ok,
                Some(Code::PermanentFlags(PermanentFlags::default())),
                "No permanent flags permitted",
            ),
            "* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n",
        ),
        (
            status(
                Some("A003"),
                Ok,
                Some(Code::AppendUid {
                    uidvalidity: 38505,
                    uids: set(&[3955]),
                }),
                "APPEND completed",
            ),
            "A003 OK [APPENDUID 38505 3955] APPEND completed\r\n",
        ),
        (
            status(
                Some("A004"),
                Ok,
                Some(Code::CopyUid {
                    uidvalidity: 38505,
                    source: set(&[304, 319, 320]),
                    destination: set(&[3956, 3957, 3958]),
                }),
                "Done",
            ),
            "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n",
        ),
        (
            status(None, Ok, Some(Code::HighestModSeq(715194045007)), "Highest"),
            "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n",
        ),
        (
            status(
                Some("d105"),
                Ok,
                Some(Code::Modified(set(&[7, 9]))),
                "Conditional STORE failed",
            ),
            "d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n",
        ),
        (
            status(
                Some("a"),
                No,
                Some(Code::BadCharset(vec!["UTF-8".into(), "US-ASCII".into()])),
                "x",
            ),
            "a NO [BADCHARSET (UTF-8 US-ASCII)] x\r\n",
        ),
        (
            status(Some("a"), No, Some(Code::TooBig), "Message too big"),
            "a NO [TOOBIG] Message too big\r\n",
        ),
        (
            status(
                Some("a"),
                Bad,
                Some(Code::CompressionActive),
                "DEFLATE active via TLS",
            ),
            "a BAD [COMPRESSIONACTIVE] DEFLATE active via TLS\r\n",
        ),
        // RFC 5267 §4.3.1
        (
            status(
                None,
                No,
                Some(Code::NoUpdate("B02".into())),
                "Too many contexts",
            ),
            "* NO [NOUPDATE \"B02\"] Too many contexts\r\n",
        ),
        (
            status(None, Bye, None, "Autologout; idle for too long"),
            "* BYE Autologout; idle for too long\r\n",
        ),
        (status(Some("a"), Bye, None, "x"), "* BYE x\r\n"),
        (
            status(
                None,
                PreAuth,
                Some(Code::Capability(vec![
                    "IMAP4rev2".into(),
                    "IMAP4rev1".into(),
                ])),
                "hi",
            ),
            "* PREAUTH [CAPABILITY IMAP4rev2 IMAP4rev1] hi\r\n",
        ),
        (status(Some("a"), Ok, None, ""), "a OK done\r\n"),
        (
            status(Some("a"), Ok, None, "one\r\ntwo\0"),
            "a OK one  two \r\n",
        ),
        (
            status(Some("a"), Ok, None, "[not a code]"),
            "a OK  [not a code]\r\n",
        ),
        (
            status(
                Some("a"),
                No,
                Some(Code::Other("X-FOO".into(), Some("a]b".into()))),
                "t",
            ),
            "a NO [X-FOO ab] t\r\n",
        ),
        (
            status(
                Some("a"),
                No,
                Some(Code::Other("bad name".into(), None)),
                "t",
            ),
            "a NO t\r\n",
        ),
        (status(Some("a"), No, None, "Grüße"), "a NO Gr??e\r\n"),
        (
            Response::Continue(Continue::Text("Ready for additional command text".into())),
            "+ Ready for additional command text\r\n",
        ),
        (
            Response::Continue(Continue::Base64(b"\0".to_vec())),
            "+ AA==\r\n",
        ),
        (
            Response::Data(Data::Capability(vec![
                "IMAP4rev2".into(),
                "STARTTLS".into(),
                "AUTH=GSSAPI".into(),
                "bad cap".into(),
            ])),
            "* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI\r\n",
        ),
        (
            Response::Data(Data::Flags(vec![
                Flag::Answered,
                Flag::Flagged,
                Flag::Deleted,
                Flag::Seen,
                Flag::Draft,
                Flag::Keyword("bad kw".into()),
            ])),
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
        ),
        (Response::Data(Data::Exists(172)), "* 172 EXISTS\r\n"),
        (Response::Data(Data::Recent(1)), "* 1 RECENT\r\n"),
        (Response::Data(Data::Expunge(44)), "* 44 EXPUNGE\r\n"),
        (Response::Data(Data::Expunge(0)), ""),
        (
            Response::Data(Data::List(ListItem {
                attributes: vec!["\\Noselect".into()],
                delimiter: Some('/'),
                mailbox: "~/Mail/foo".into(),
                extended: vec![],
            })),
            "* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n",
        ),
        (
            Response::Data(Data::List(ListItem {
                attributes: vec![],
                delimiter: None,
                mailbox: "INBOX".into(),
                extended: vec![],
            })),
            "* LIST () NIL INBOX\r\n",
        ),
        (
            Response::Data(Data::List(ListItem {
                attributes: vec!["\\Subscribed".into()],
                delimiter: Some('/'),
                mailbox: "Foo Bar".into(),
                extended: vec![ListExtended::ChildInfo(vec!["SUBSCRIBED".into()])],
            })),
            "* LIST (\\Subscribed) \"/\" \"Foo Bar\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
        ),
        (
            Response::Data(Data::List(ListItem {
                attributes: vec![],
                delimiter: Some('\\'),
                mailbox: "Ünïcode".into(),
                extended: vec![ListExtended::OldName("Old".into())],
            })),
            "* LIST () \"\\\\\" {9}\r\nÜnïcode (\"OLDNAME\" (Old))\r\n",
        ),
        (
            Response::Data(Data::Lsub(ListItem {
                attributes: vec![],
                delimiter: Some('.'),
                mailbox: "#news.comp.mail.misc".into(),
                extended: vec![],
            })),
            "* LSUB () \".\" #news.comp.mail.misc\r\n",
        ),
        (
            Response::Data(Data::Status {
                mailbox: "blurdybloop".into(),
                items: vec![(StatusItem::Messages, 231), (StatusItem::UidNext, 44292)],
            }),
            "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
        ),
        (
            Response::Data(Data::ESearch(ESearch {
                tag: tag("A282"),
                min: Some(2),
                count: Some(3),
                ..ESearch::default()
            })),
            "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n",
        ),
        (
            Response::Data(Data::ESearch(ESearch {
                tag: tag("A283"),
                uid: true,
                all: Some(set(&[3, 4, 5, 7])),
                ..ESearch::default()
            })),
            "* ESEARCH (TAG \"A283\") UID ALL 3:5,7\r\n",
        ),
        (
            Response::Data(Data::ESearch(ESearch {
                count: Some(0),
                all: Some(set(&[])),
                ..ESearch::default()
            })),
            "* ESEARCH COUNT 0\r\n",
        ),
        // RFC 5267 §4.3.3, §4.3.4, §4.4
        (
            Response::Data(Data::ESearch(ESearch {
                tag: tag("B01"),
                uid: true,
                addto: vec![(0, set(&[32768, 32769]))],
                ..ESearch::default()
            })),
            "* ESEARCH (TAG \"B01\") UID ADDTO (0 32768:32769)\r\n",
        ),
        (
            Response::Data(Data::ESearch(ESearch {
                tag: tag("C01"),
                uid: true,
                removefrom: vec![(2, set(&[7])), (3, set(&[9, 8]))],
                addto: vec![(1, set(&[2731, 2732, 2733]))],
                ..ESearch::default()
            })),
            "* ESEARCH (TAG \"C01\") UID REMOVEFROM (2 7 3 9,8) ADDTO (1 2731:2733)\r\n",
        ),
        (
            Response::Data(Data::ESearch(ESearch {
                tag: tag("A04"),
                uid: true,
                partial: Some(((24000, 24500), None)),
                ..ESearch::default()
            })),
            "* ESEARCH (TAG \"A04\") UID PARTIAL (24000:24500 NIL)\r\n",
        ),
        (
            Response::Data(Data::ESearch(ESearch {
                tag: tag("A03"),
                count: Some(9),
                partial: Some(((1, 3), Some(set(&[4, 5, 9])))),
                ..ESearch::default()
            })),
            "* ESEARCH (TAG \"A03\") COUNT 9 PARTIAL (1:3 4:5,9)\r\n",
        ),
        (
            Response::Data(Data::Search {
                ids: vec![2, 84, 882],
                modseq: None,
            }),
            "* SEARCH 2 84 882\r\n",
        ),
        (
            Response::Data(Data::Search {
                ids: vec![],
                modseq: None,
            }),
            "* SEARCH\r\n",
        ),
        (
            Response::Data(Data::Search {
                ids: vec![2, 5],
                modseq: Some(917162500),
            }),
            "* SEARCH 2 5 (MODSEQ 917162500)\r\n",
        ),
        (
            Response::Data(Data::Vanished {
                earlier: true,
                uids: set(&[41, 43, 44, 45, 118]),
            }),
            "* VANISHED (EARLIER) 41,43:45,118\r\n",
        ),
        (
            Response::Data(Data::Vanished {
                earlier: false,
                uids: set(&[]),
            }),
            "",
        ),
        (
            Response::Data(Data::Sort(vec![2, 84, 882])),
            "* SORT 2 84 882\r\n",
        ),
        // RFC 5256 §4
        (
            Response::Data(Data::Thread(vec![
                thread(2, vec![]),
                thread(
                    3,
                    vec![thread(
                        6,
                        vec![
                            thread(4, vec![thread(23, vec![])]),
                            thread(44, vec![thread(7, vec![thread(96, vec![])])]),
                        ],
                    )],
                ),
            ])),
            "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n",
        ),
        (
            Response::Data(Data::Thread(vec![Thread {
                id: None,
                children: vec![thread(3, vec![]), thread(5, vec![])],
            }])),
            "* THREAD ((3)(5))\r\n",
        ),
        (
            Response::Data(Data::Enabled(vec!["CONDSTORE".into()])),
            "* ENABLED CONDSTORE\r\n",
        ),
        (
            Response::Data(Data::Namespace {
                personal: vec![Namespace {
                    prefix: String::new(),
                    delimiter: Some('/'),
                }],
                other: vec![],
                shared: vec![
                    Namespace {
                        prefix: "#shared/".into(),
                        delimiter: Some('/'),
                    },
                    Namespace {
                        prefix: "#public/".into(),
                        delimiter: None,
                    },
                ],
            }),
            "* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\")(\"#public/\" NIL))\r\n",
        ),
        (
            Response::Data(Data::Id(Some(vec![
                ("name".into(), Some("Cyrus".into())),
                ("os".into(), None),
            ]))),
            "* ID (\"name\" \"Cyrus\" \"os\" NIL)\r\n",
        ),
        (Response::Data(Data::Id(None)), "* ID NIL\r\n"),
        (
            Response::Data(Data::Quota {
                root: String::new(),
                resources: vec![QuotaResource {
                    name: "STORAGE".into(),
                    usage: 10,
                    limit: 512,
                }],
            }),
            "* QUOTA \"\" (STORAGE 10 512)\r\n",
        ),
        (
            Response::Data(Data::QuotaRoot {
                mailbox: "INBOX".into(),
                roots: vec![String::new()],
            }),
            "* QUOTAROOT INBOX \"\"\r\n",
        ),
        // RFC 9051 §7.5.2
        (
            Response::Data(Data::Fetch {
                seq: 12,
                items: vec![
                    FetchData::Flags(vec![Flag::Seen]),
                    FetchData::InternalDate(date),
                    FetchData::Rfc822Size(4286),
                    FetchData::Envelope(Box::new(envelope)),
                    FetchData::Body(Box::new(text_plain)),
                ],
            }),
            "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\") BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
        ),
        (
            Response::Data(Data::Fetch {
                seq: 1,
                items: vec![
                    FetchData::Uid(7),
                    FetchData::ModSeq(624140003),
                    FetchData::BodySection {
                        section: Section {
                            part: vec![],
                            text: Some(SectionText::HeaderFields(vec![
                                "DATE".into(),
                                "FROM".into(),
                            ])),
                        },
                        origin: None,
                        data: Some(b"Date: x\r\n\r\n".to_vec()),
                    },
                    FetchData::BodySection {
                        section: Section {
                            part: vec![1],
                            text: None,
                        },
                        origin: Some(0),
                        data: Some(b"short".to_vec()),
                    },
                    FetchData::BodySection {
                        section: Section::default(),
                        origin: None,
                        data: None,
                    },
                ],
            }),
            "* 1 FETCH (UID 7 MODSEQ (624140003) BODY[HEADER.FIELDS (DATE FROM)] {11}\r\nDate: x\r\n\r\n BODY[1]<0> \"short\" BODY[] NIL)\r\n",
        ),
        // RFC 3516 §4.3
        (
            Response::Data(Data::Fetch {
                seq: 2,
                items: vec![
                    FetchData::Binary {
                        part: vec![1],
                        origin: None,
                        data: Some(b"a\0b".to_vec()),
                    },
                    FetchData::BinarySize {
                        part: vec![1],
                        size: 3,
                    },
                    FetchData::Rfc822Text(Some(b"a\0b".to_vec())),
                ],
            }),
            "* 2 FETCH (BINARY[1] ~{3}\r\na\0b BINARY.SIZE[1] 3 RFC822.TEXT {3}\r\na b)\r\n",
        ),
    ];
    for (response, expected) in cases {
        assert_eq!(bytes(response.clone(), false), expected, "{response:?}");
    }
    let utf8 = Response::Data(Data::Status {
        mailbox: "Entwürfe".into(),
        items: vec![(StatusItem::Messages, 1)],
    });
    assert_eq!(
        bytes(utf8.clone(), false),
        "* STATUS {9}\r\nEntwürfe (MESSAGES 1)\r\n"
    );
    assert_eq!(bytes(utf8, true), "* STATUS \"Entwürfe\" (MESSAGES 1)\r\n");
}

/// Does a strict client parser (imap-codec) accept the bytes, all of them?
fn strict_client_accepts(r: &Response, out: &[u8]) -> bool {
    let greeting = matches!(
        r,
        Response::Status(StatusResponse {
            kind: StatusKind::PreAuth,
            ..
        })
    );
    if greeting {
        matches!(GreetingCodec::default().decode(out), Ok((rest, _)) if rest.is_empty())
    } else {
        matches!(ResponseCodec::default().decode(out), Ok((rest, _)) if rest.is_empty())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The writer never emits what a strict client parser rejects. imap-codec knows no
    /// UTF-8 text, so in UTF-8 mode only ASCII output is checked by it.
    #[test]
    fn strict_client_parses_every_response(r in prop_oneof![any_status(), any_data()], utf8: bool) {
        let out = r.to_bytes(WriteOptions { utf8 });
        let writable = match &r {
            Response::Data(d) => d.is_writable(),
            _ => true,
        };
        prop_assert_eq!(out.is_empty(), !writable);
        if writable && (!utf8 || out.is_ascii()) {
            prop_assert!(
                strict_client_accepts(&r, &out),
                "rejected: {:?}",
                String::from_utf8_lossy(&out)
            );
        }
    }
}
