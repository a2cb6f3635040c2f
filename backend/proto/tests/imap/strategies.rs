//! Proptest strategies for IMAP values: bytes and text with every kind of character,
//! flags, sequence sets, response codes, envelopes and body structures, responses.

use osprey_proto::imap::*;
use proptest::prelude::*;

pub(crate) fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,12}".prop_map(String::into_bytes),
        "\\PC{0,8}".prop_map(String::into_bytes),
        proptest::collection::vec(1u8..=255, 0..12),
    ]
}

pub(crate) fn any_text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z0-9 .\\[\\]]{0,20}", "\\PC{0,10}", ".{0,10}"]
}

pub(crate) fn any_flag() -> impl Strategy<Value = Flag> {
    prop_oneof![
        Just(Flag::Seen),
        Just(Flag::Answered),
        Just(Flag::Flagged),
        Just(Flag::Deleted),
        Just(Flag::Draft),
        "[A-Za-z$]{1,8}".prop_map(Flag::Keyword),
        "[A-Za-z]{1,8}".prop_map(Flag::Extension),
        "[ -~]{0,4}".prop_map(Flag::Keyword),
    ]
}

pub(crate) fn any_set() -> impl Strategy<Value = SequenceSet> {
    proptest::collection::vec(0u32..50, 0..6).prop_map(|v| SequenceSet::from_numbers(&v))
}

pub(crate) fn any_code() -> impl Strategy<Value = Code> {
    prop_oneof![
        Just(Code::Alert),
        Just(Code::Parse),
        Just(Code::ReadOnly),
        Just(Code::TryCreate),
        Just(Code::UidNotSticky),
        Just(Code::NoModSeq),
        Just(Code::Closed),
        Just(Code::OverQuota),
        Just(Code::AlreadyExists),
        Just(Code::Nonexistent),
        Just(Code::ServerBug),
        Just(Code::ExpungeIssued),
        Just(Code::Cannot),
        (1u32..).prop_map(Code::UidNext),
        (1u32..).prop_map(Code::UidValidity),
        (1u32..).prop_map(Code::Unseen),
        (1u64..1 << 62).prop_map(Code::HighestModSeq),
        (proptest::collection::vec(any_flag(), 0..4), any::<bool>()).prop_map(
            |(flags, can_create)| Code::PermanentFlags(PermanentFlags { flags, can_create })
        ),
        proptest::collection::vec("[A-Z0-9=+-]{1,8}|[ -~]{0,3}", 0..4).prop_map(Code::Capability),
        (1u32.., any_set()).prop_map(|(uidvalidity, uids)| Code::AppendUid { uidvalidity, uids }),
        (1u32.., any_set(), any_set()).prop_map(|(uidvalidity, source, destination)| {
            Code::CopyUid {
                uidvalidity,
                source,
                destination,
            }
        }),
        any_set().prop_map(Code::Modified),
        proptest::collection::vec("[A-Z0-9-]{1,8}|[ -~]{0,3}", 0..3).prop_map(Code::BadCharset),
        ("[A-Z]{1,8}|[ -~]{0,3}", proptest::option::of(any_text()))
            .prop_map(|(n, t)| Code::Other(n, t)),
    ]
}

pub(crate) fn any_status() -> impl Strategy<Value = Response> {
    (
        proptest::option::of("[A-Za-z0-9.]{1,6}"),
        prop_oneof![
            Just(StatusKind::Ok),
            Just(StatusKind::No),
            Just(StatusKind::Bad),
            Just(StatusKind::Bye),
            Just(StatusKind::PreAuth)
        ],
        proptest::option::of(any_code()),
        any_text(),
    )
        .prop_map(|(t, kind, code, text)| {
            Response::Status(StatusResponse {
                tag: t.as_deref().and_then(Tag::new),
                kind,
                code,
                text,
            })
        })
}

pub(crate) fn any_address() -> impl Strategy<Value = Address> {
    (
        proptest::option::of(any_bytes()),
        proptest::option::of(any_bytes()),
        proptest::option::of(any_bytes()),
        proptest::option::of(any_bytes()),
    )
        .prop_map(|(name, adl, mailbox, host)| Address {
            name,
            adl,
            mailbox,
            host,
        })
}

pub(crate) fn any_envelope() -> impl Strategy<Value = Envelope> {
    let list = || proptest::collection::vec(any_address(), 0..3);
    (
        proptest::option::of(any_bytes()),
        proptest::option::of(any_bytes()),
        list(),
        list(),
        list(),
        (list(), list(), list()),
        proptest::option::of(any_bytes()),
        proptest::option::of(any_bytes()),
    )
        .prop_map(
            |(date, subject, from, sender, reply_to, (to, cc, bcc), irt, mid)| Envelope {
                date,
                subject,
                from,
                sender,
                reply_to,
                to,
                cc,
                bcc,
                in_reply_to: irt,
                message_id: mid,
            },
        )
}

pub(crate) fn utf8_string() -> impl Strategy<Value = String> {
    prop_oneof!["[A-Za-z0-9-]{1,8}", "\\PC{0,6}"]
}

pub(crate) fn any_params() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((utf8_string(), utf8_string()), 0..3)
}

pub(crate) fn any_single_part() -> impl Strategy<Value = SinglePart> {
    (
        utf8_string(),
        utf8_string(),
        any_params(),
        proptest::option::of(utf8_string()),
        proptest::option::of(utf8_string()),
        utf8_string(),
        any::<u32>(),
        proptest::option::of(0u64..100_000),
    )
        .prop_map(
            |(media_type, subtype, params, id, description, encoding, size, lines)| SinglePart {
                media_type,
                subtype,
                params,
                id,
                description,
                encoding,
                size,
                kind: match lines {
                    Some(lines) => SingleKind::Text { lines },
                    None => SingleKind::Basic,
                },
            },
        )
}

pub(crate) fn any_single_ext() -> impl Strategy<Value = Option<SingleExtension>> {
    proptest::option::of(
        (
            proptest::option::of(utf8_string()),
            proptest::option::of((utf8_string(), any_params())),
            proptest::collection::vec(utf8_string(), 0..3),
            proptest::option::of(utf8_string()),
        )
            .prop_map(|(md5, d, language, location)| SingleExtension {
                md5,
                disposition: d.map(|(kind, params)| Disposition { kind, params }),
                language,
                location,
            }),
    )
}

pub(crate) fn any_body() -> impl Strategy<Value = BodyStructure> {
    let leaf = (any_single_part(), any_single_ext())
        .prop_map(|(part, extension)| BodyStructure::Single { part, extension });
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (
                proptest::collection::vec(inner.clone(), 0..3),
                utf8_string(),
                any::<bool>(),
                any_params()
            )
                .prop_map(|(parts, subtype, ext, params)| BodyStructure::Multipart {
                    parts,
                    subtype,
                    extension: ext.then(|| MultipartExtension {
                        params,
                        ..MultipartExtension::default()
                    }),
                }),
            (any_single_part(), any_envelope(), inner, 0u64..1000).prop_map(
                |(mut part, envelope, body, lines)| {
                    part.kind = SingleKind::Message {
                        envelope: Box::new(envelope),
                        body: Box::new(body),
                        lines,
                    };
                    BodyStructure::Single {
                        part,
                        extension: None,
                    }
                }
            ),
        ]
    })
}

pub(crate) fn any_fetch_item() -> impl Strategy<Value = FetchData> {
    prop_oneof![
        proptest::collection::vec(any_flag(), 0..4).prop_map(FetchData::Flags),
        (1u32..).prop_map(FetchData::Uid),
        (0u64..1 << 32).prop_map(FetchData::Rfc822Size),
        (1u64..1 << 62).prop_map(FetchData::ModSeq),
        any_envelope().prop_map(|e| FetchData::Envelope(Box::new(e))),
        any_body().prop_map(|b| FetchData::Body(Box::new(b))),
        any_body().prop_map(|b| FetchData::BodyStructure(Box::new(b))),
        (
            proptest::collection::vec(1u32..5, 0..3),
            proptest::option::of(any::<u32>()),
            proptest::option::of(any_bytes())
        )
            .prop_map(|(part, origin, data)| FetchData::BodySection {
                section: Section { part, text: None },
                origin,
                data
            }),
        proptest::option::of(any_bytes()).prop_map(FetchData::Rfc822),
    ]
}

pub(crate) fn any_data() -> impl Strategy<Value = Response> {
    let data = prop_oneof![
        proptest::collection::vec("[A-Z0-9=+-]{1,8}|[ -~]{0,3}", 0..4).prop_map(Data::Capability),
        (
            proptest::collection::vec("\\\\[A-Za-z]{1,8}|[ -~]{0,3}", 0..3),
            proptest::option::of(prop_oneof![
                Just('/'),
                Just('.'),
                Just('"'),
                Just('\\'),
                any::<char>()
            ]),
            utf8_string(),
        )
            .prop_map(|(attributes, delimiter, mailbox)| Data::List(ListItem {
                attributes,
                delimiter,
                mailbox,
                extended: vec![]
            })),
        (utf8_string(), proptest::collection::vec(0u64..1000, 1..4)).prop_map(|(mailbox, ns)| {
            Data::Status {
                mailbox,
                items: ns.into_iter().map(|n| (StatusItem::Messages, n)).collect(),
            }
        }),
        proptest::collection::vec(any_flag(), 0..5).prop_map(Data::Flags),
        any::<u32>().prop_map(Data::Exists),
        any::<u32>().prop_map(Data::Recent),
        any::<u32>().prop_map(Data::Expunge),
        (any::<bool>(), any_set()).prop_map(|(earlier, uids)| Data::Vanished { earlier, uids }),
        proptest::collection::vec(any::<u32>(), 0..5)
            .prop_map(|ids| Data::Search { ids, modseq: None }),
        proptest::collection::vec(any::<u32>(), 0..5).prop_map(Data::Sort),
        proptest::collection::vec("[A-Z0-9=+-]{1,8}", 0..3).prop_map(Data::Enabled),
        proptest::option::of(proptest::collection::vec(
            (utf8_string(), proptest::option::of(utf8_string())),
            0..3
        ))
        .prop_map(Data::Id),
        (
            utf8_string(),
            proptest::collection::vec(utf8_string(), 0..3)
        )
            .prop_map(|(mailbox, roots)| Data::QuotaRoot { mailbox, roots }),
        (1u32..100, proptest::collection::vec(any_fetch_item(), 0..4))
            .prop_map(|(seq, items)| Data::Fetch { seq, items }),
    ];
    data.prop_map(Response::Data)
}
