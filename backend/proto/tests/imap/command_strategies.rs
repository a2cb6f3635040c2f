//! Proptest strategies for commands: every argument type the parser knows, in the
//! shapes the encoder writes (a top-level search program of one key is that key).

use osprey_proto::imap::*;
use proptest::prelude::*;

/// Text without NUL (a command cannot carry NUL outside literal8): printable, UTF-8,
/// controls, quotes and backslashes, so every string form gets exercised.
pub(crate) fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9]{1,8}",
        "[ -~]{0,10}",
        "[\\x01-\\x7f]{0,8}",
        "[^\\x00]{0,6}",
        Just(String::new()),
        Just("NIL".to_owned()),
        Just("\"\\".to_owned()),
    ]
}

/// What a quoted string can hold: no NUL, CR or LF.
pub(crate) fn quotable() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f]{0,8}",
        "[^\\x00\\r\\n]{0,6}",
        "[A-Z0-9-]{1,8}"
    ]
}

pub(crate) fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        text().prop_map(String::into_bytes),
        proptest::collection::vec(1u8..=255, 0..10),
    ]
}

pub(crate) fn atom() -> impl Strategy<Value = String> {
    "[A-Za-z0-9$_.-]{1,10}"
}

pub(crate) fn mailbox() -> impl Strategy<Value = Mailbox> {
    prop_oneof![text(), Just("inbox".to_owned()), Just("INBOX".to_owned())]
        .prop_map(|s| Mailbox::new(&s))
}

pub(crate) fn seq_num() -> impl Strategy<Value = SeqNum> {
    prop_oneof![4 => (1u32..).prop_map(SeqNum::Value), 1 => Just(SeqNum::Star)]
}

pub(crate) fn sequence_set() -> impl Strategy<Value = SequenceSet> {
    prop_oneof![
        10 => proptest::collection::vec((seq_num(), seq_num()), 1..5).prop_map(|v| {
            SequenceSet::Ranges(
                v.into_iter()
                    .map(|(start, end)| SeqRange { start, end })
                    .collect(),
            )
        }),
        1 => Just(SequenceSet::Saved),
    ]
}

pub(crate) fn flag() -> impl Strategy<Value = Flag> {
    prop_oneof![
        Just(Flag::Seen),
        Just(Flag::Answered),
        Just(Flag::Flagged),
        Just(Flag::Deleted),
        Just(Flag::Draft),
        "[A-Za-z$][A-Za-z0-9_]{0,8}".prop_map(Flag::Keyword),
        "X[A-Za-z0-9]{0,8}".prop_map(Flag::Extension),
    ]
}

pub(crate) fn date() -> impl Strategy<Value = Date> {
    (1900u16..2100, 1u8..=12, 1u8..=31).prop_map(|(year, month, day)| {
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        Date {
            year,
            month,
            day: day.min(days),
        }
    })
}

pub(crate) fn date_time() -> impl Strategy<Value = DateTime> {
    (date(), 0u8..24, 0u8..60, 0u8..60, -1439i16..=1439).prop_map(
        |(date, hour, minute, second, zone_minutes)| DateTime {
            date,
            hour,
            minute,
            second,
            zone_minutes,
        },
    )
}

pub(crate) fn search_key() -> impl Strategy<Value = SearchKey> {
    use SearchKey as K;
    let leaf = prop_oneof![
        Just(K::All),
        Just(K::Answered),
        Just(K::Deleted),
        Just(K::Draft),
        Just(K::Flagged),
        Just(K::New),
        Just(K::Old),
        Just(K::Recent),
        Just(K::Seen),
        Just(K::Unanswered),
        Just(K::Undeleted),
        Just(K::Undraft),
        Just(K::Unflagged),
        Just(K::Unseen),
        bytes().prop_map(K::Bcc),
        bytes().prop_map(K::Body),
        bytes().prop_map(K::Cc),
        bytes().prop_map(K::From),
        bytes().prop_map(K::Subject),
        bytes().prop_map(K::Text),
        bytes().prop_map(K::To),
        (text(), bytes()).prop_map(|(f, v)| K::Header(f, v)),
        atom().prop_map(K::Keyword),
        atom().prop_map(K::Unkeyword),
        any::<u32>().prop_map(|n| K::Larger(n.into())),
        any::<u32>().prop_map(|n| K::Smaller(n.into())),
        date().prop_map(K::Before),
        date().prop_map(K::On),
        date().prop_map(K::Since),
        date().prop_map(K::SentBefore),
        date().prop_map(K::SentOn),
        date().prop_map(K::SentSince),
        sequence_set().prop_map(K::Uid),
        sequence_set().prop_map(K::SequenceSet),
        (
            1u64..1 << 62,
            proptest::option::of((
                flag(),
                prop_oneof![
                    Just(EntryType::Private),
                    Just(EntryType::Shared),
                    Just(EntryType::All)
                ]
            ))
        )
            .prop_map(|(modseq, entry)| K::ModSeq { entry, modseq }),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|k| K::Not(Box::new(k))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| K::Or(Box::new(a), Box::new(b))),
            proptest::collection::vec(inner, 1..4).prop_map(K::And),
        ]
    })
}

/// A search program as the parser returns it: one key, or `And` of several.
pub(crate) fn search_program() -> impl Strategy<Value = SearchKey> {
    proptest::collection::vec(search_key(), 1..4).prop_map(|mut keys| {
        if keys.len() == 1 {
            keys.pop().unwrap_or(SearchKey::All)
        } else {
            SearchKey::And(keys)
        }
    })
}

pub(crate) fn section() -> impl Strategy<Value = Section> {
    let fields = || proptest::collection::vec(text(), 1..3);
    (
        proptest::collection::vec(1u32..20, 0..3),
        prop_oneof![
            Just(None),
            Just(Some(SectionText::Header)),
            Just(Some(SectionText::Text)),
            Just(Some(SectionText::Mime)),
            fields().prop_map(|f| Some(SectionText::HeaderFields(f))),
            fields().prop_map(|f| Some(SectionText::HeaderFieldsNot(f))),
        ],
    )
        .prop_map(|(part, text)| {
            let text = match text {
                Some(SectionText::Mime) if part.is_empty() => None,
                t => t,
            };
            Section { part, text }
        })
}

pub(crate) fn partial() -> impl Strategy<Value = Option<Partial>> {
    proptest::option::of(
        (any::<u32>(), 1u32..).prop_map(|(origin, length)| Partial { origin, length }),
    )
}

pub(crate) fn fetch_attr() -> impl Strategy<Value = FetchAttr> {
    use FetchAttr as A;
    prop_oneof![
        Just(A::Envelope),
        Just(A::Flags),
        Just(A::InternalDate),
        Just(A::Rfc822),
        Just(A::Rfc822Header),
        Just(A::Rfc822Text),
        Just(A::Rfc822Size),
        Just(A::Body),
        Just(A::BodyStructure),
        Just(A::Uid),
        (any::<bool>(), section(), partial()).prop_map(|(peek, section, partial)| A::BodySection {
            peek,
            section,
            partial
        }),
        (
            any::<bool>(),
            proptest::collection::vec(1u32..20, 0..3),
            partial()
        )
            .prop_map(|(peek, part, partial)| A::Binary {
                peek,
                part,
                partial
            }),
        proptest::collection::vec(1u32..20, 0..3).prop_map(|part| A::BinarySize { part }),
    ]
}

pub(crate) fn fetch_items() -> impl Strategy<Value = FetchItems> {
    prop_oneof![
        1 => Just(FetchItems::All),
        1 => Just(FetchItems::Fast),
        1 => Just(FetchItems::Full),
        4 => proptest::collection::vec(fetch_attr(), 1..5).prop_map(FetchItems::Items),
    ]
}

/// The commands of RFC 3501, which both parsers of the differential test know.
pub(crate) fn rev1_command() -> impl Strategy<Value = CommandBody> {
    use CommandBody as B;
    prop_oneof![
        Just(B::Capability),
        Just(B::Noop),
        Just(B::Logout),
        Just(B::StartTls),
        Just(B::Check),
        Just(B::Close),
        Just(B::Expunge { uids: None }),
        (text(), text()).prop_map(|(username, password)| B::Login { username, password }),
        (mailbox(), any::<bool>()).prop_map(|(mailbox, read_only)| B::Select {
            mailbox,
            read_only,
            params: SelectParams::default()
        }),
        mailbox().prop_map(|mailbox| B::Create {
            mailbox,
            special_use: vec![]
        }),
        mailbox().prop_map(B::Delete),
        (mailbox(), mailbox()).prop_map(|(from, to)| B::Rename { from, to }),
        mailbox().prop_map(B::Subscribe),
        mailbox().prop_map(B::Unsubscribe),
        (text(), text()).prop_map(|(reference, pattern)| B::List(ListCommand {
            reference,
            patterns: vec![pattern],
            selection: vec![],
            returns: vec![]
        })),
        (text(), text()).prop_map(|(reference, pattern)| B::Lsub { reference, pattern }),
        (
            mailbox(),
            proptest::sample::subsequence(
                vec![
                    StatusItem::Messages,
                    StatusItem::Recent,
                    StatusItem::UidNext,
                    StatusItem::UidValidity,
                    StatusItem::Unseen
                ],
                1..5,
            )
        )
            .prop_map(|(mailbox, items)| B::Status { mailbox, items }),
        (
            mailbox(),
            proptest::collection::vec(flag(), 0..3),
            proptest::option::of(date_time()),
            bytes()
        )
            .prop_map(|(mailbox, flags, date, data)| B::Append {
                mailbox,
                messages: vec![AppendMessage {
                    flags,
                    date,
                    data,
                    binary: false,
                    utf8: false,
                    catenate: vec![],
                }]
            }),
        (
            any::<bool>(),
            proptest::option::of(prop_oneof![
                Just("UTF-8".to_owned()),
                Just("US-ASCII".to_owned())
            ]),
            search_program()
        )
            .prop_map(|(uid, charset, criteria)| B::Search {
                uid,
                charset,
                returns: None,
                criteria
            }),
        (any::<bool>(), sequence_set(), fetch_items()).prop_map(|(uid, set, items)| B::Fetch {
            uid,
            set,
            items,
            modifiers: FetchModifiers::default()
        }),
        (
            any::<bool>(),
            sequence_set(),
            prop_oneof![
                Just(StoreAction::Add),
                Just(StoreAction::Remove),
                Just(StoreAction::Replace)
            ],
            any::<bool>(),
            proptest::collection::vec(flag(), 0..4)
        )
            .prop_map(|(uid, set, action, silent, flags)| B::Store {
                uid,
                set,
                action,
                silent,
                flags,
                unchanged_since: None
            }),
        (any::<bool>(), sequence_set(), mailbox()).prop_map(|(uid, set, mailbox)| B::Copy {
            uid,
            set,
            mailbox
        }),
    ]
}

/// Every command, extensions included.
pub(crate) fn command() -> impl Strategy<Value = Command> {
    use CommandBody as B;
    let extended = prop_oneof![
        Just(B::Idle),
        Just(B::Unselect),
        Just(B::Namespace),
        Just(B::Compress("DEFLATE".into())),
        (atom(), proptest::option::of(bytes())).prop_map(|(m, initial_response)| B::Authenticate {
            mechanism: m.to_ascii_uppercase(),
            initial_response
        }),
        proptest::collection::vec(atom(), 1..3)
            .prop_map(|caps| B::Enable(caps.iter().map(|c| c.to_ascii_uppercase()).collect())),
        sequence_set().prop_map(|s| B::Expunge { uids: Some(s) }),
        (any::<bool>(), sequence_set(), mailbox()).prop_map(|(uid, set, mailbox)| B::Move {
            uid,
            set,
            mailbox
        }),
        (
            mailbox(),
            proptest::collection::vec(
                (
                    proptest::collection::vec(flag(), 0..3),
                    proptest::option::of(date_time()),
                    bytes(),
                    any::<bool>(),
                    any::<bool>()
                )
                    .prop_map(|(flags, date, data, binary, utf8)| AppendMessage {
                        flags,
                        date,
                        data,
                        // RFC 6855 §4: the UTF8 item holds a literal8.
                        binary: binary || utf8,
                        catenate: vec![],
                        utf8
                    }),
                1..3,
            )
        )
            .prop_map(|(mailbox, messages)| B::Append { mailbox, messages }),
        (
            any::<bool>(),
            sequence_set(),
            fetch_items(),
            proptest::option::of(1u64..1 << 62),
            any::<bool>()
        )
            .prop_map(|(uid, set, items, changed_since, vanished)| B::Fetch {
                uid,
                set,
                items,
                modifiers: FetchModifiers {
                    changed_since,
                    vanished
                }
            }),
        (
            any::<bool>(),
            proptest::collection::vec(
                prop_oneof![
                    Just(SearchReturn::Min),
                    Just(SearchReturn::Max),
                    Just(SearchReturn::All),
                    Just(SearchReturn::Count),
                    Just(SearchReturn::Save)
                ],
                0..3
            ),
            search_program()
        )
            .prop_map(|(uid, returns, criteria)| B::Search {
                uid,
                charset: None,
                returns: Some(returns),
                criteria
            }),
        (any::<bool>(), search_program(), quotable()).prop_map(|(uid, search, charset)| {
            B::Thread {
                uid,
                algorithm: ThreadAlgorithm::References,
                charset,
                search,
            }
        }),
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            search_program()
        )
            .prop_map(|(uid, reverse, esort, search)| B::Sort {
                uid,
                // RFC 5267 §3 (ESORT)
                returns: esort.then(|| vec![SearchReturn::Min, SearchReturn::All]),
                criteria: vec![
                    SortCriterion {
                        reverse,
                        key: SortKey::Date,
                    },
                    SortCriterion {
                        reverse: false,
                        key: SortKey::Subject,
                    },
                    SortCriterion {
                        reverse: true,
                        key: SortKey::DisplayFrom,
                    },
                ],
                charset: "UTF-8".into(),
                search,
            }),
        proptest::option::of(proptest::collection::vec(
            (text(), proptest::option::of(text())),
            0..3
        ))
        .prop_map(B::Id),
        (
            text(),
            proptest::collection::vec((atom(), any::<u32>()), 0..3)
        )
            .prop_map(|(root, l)| B::SetQuota {
                root,
                limits: l
                    .into_iter()
                    .map(|(n, v)| (n.to_ascii_uppercase(), v.into()))
                    .collect()
            }),
        text().prop_map(B::GetQuota),
        mailbox().prop_map(B::GetQuotaRoot),
        (
            mailbox(),
            1u32..,
            1u64..1 << 62,
            proptest::option::of(sequence_set()),
            proptest::option::of((sequence_set(), sequence_set())),
            any::<bool>()
        )
            .prop_map(
                |(mailbox, uidvalidity, modseq, known_uids, seq_match, condstore)| B::Select {
                    mailbox,
                    read_only: false,
                    params: SelectParams {
                        condstore,
                        qresync: Some(QResync {
                            uidvalidity,
                            modseq,
                            known_uids,
                            seq_match
                        })
                    }
                }
            ),
        (
            text(),
            proptest::collection::vec(text(), 1..3),
            any::<bool>()
        )
            .prop_map(|(reference, patterns, subscribed)| B::List(ListCommand {
                reference,
                patterns,
                selection: if subscribed {
                    vec!["SUBSCRIBED".into()]
                } else {
                    vec![]
                },
                returns: vec![
                    ListReturn::Children,
                    ListReturn::Status(vec![StatusItem::Messages, StatusItem::Size])
                ]
            })),
    ];
    (
        "[A-Za-z0-9.]{1,6}",
        prop_oneof![3 => rev1_command(), 2 => extended],
    )
        .prop_map(|(tag, body)| Command {
            tag: Tag::new(&tag).unwrap_or_else(|| unreachable!()),
            body,
        })
}
