//! The FETCH items of one message, RFC 9051 §7.5.2: flags, UID, internal date, size,
//! MODSEQ (RFC 7162 §3.1.4.1), envelope, BODY and BODYSTRUCTURE, body sections with
//! partial ranges, BINARY and BINARY.SIZE (RFC 3516 §4.2), and the rev1 RFC822 items.
//! Every item that reads the message reads it from one [`ParsedMessage`], so a FETCH
//! parses each message at most once however many items it asks for.

use osprey_mail::message::{DecodeError, ParsedMessage};
use osprey_proto::imap::{DateTime, FetchAttr, FetchData, Section, SectionText};

use crate::{
    message::{binary, envelope, section},
    selected::Msg,
    structure::body_structure,
};

/// Why the items of a message could not be given.
pub(crate) type ItemError = DecodeError;

fn date_time(t: &chrono::DateTime<chrono::Utc>) -> DateTime {
    use chrono::{Datelike, Timelike};
    DateTime {
        date: osprey_proto::imap::Date {
            year: t.year() as u16,
            month: t.month() as u8,
            day: t.day() as u8,
        },
        hour: t.hour() as u8,
        minute: t.minute() as u8,
        second: t.second() as u8,
        zone_minutes: 0,
    }
}

/// `<origin.length>` of `data` (RFC 9051 §6.4.5): an origin past the end gives an
/// empty string.
fn partial(data: Vec<u8>, p: Option<osprey_proto::imap::Partial>) -> (Vec<u8>, Option<u32>) {
    match p {
        None => (data, None),
        Some(p) => {
            let start = (p.origin as usize).min(data.len());
            let end = start.saturating_add(p.length as usize).min(data.len());
            (data[start..end].to_vec(), Some(p.origin))
        }
    }
}

/// The FETCH items of one message. Items that need the body are left out when it
/// could not be read (`parsed` is `None`).
pub(crate) fn items_of(
    msg: &Msg,
    attrs: &[FetchAttr],
    parsed: Option<&ParsedMessage<'_>>,
) -> Result<Vec<FetchData>, ItemError> {
    let mut out = Vec::with_capacity(attrs.len());
    for a in attrs {
        let item = match (a, parsed) {
            (FetchAttr::Flags, _) => FetchData::Flags(msg.flag_list()),
            (FetchAttr::Uid, _) => FetchData::Uid(msg.uid),
            (FetchAttr::InternalDate, _) => FetchData::InternalDate(date_time(&msg.internal_date)),
            (FetchAttr::Rfc822Size, _) => FetchData::Rfc822Size(msg.size),
            // RFC 7162 §3.1.4.1
            (FetchAttr::ModSeq, _) => FetchData::ModSeq(msg.modseq),
            (FetchAttr::Envelope, Some(m)) => FetchData::Envelope(Box::new(envelope(m.envelope()))),
            // RFC 9051 §7.5.2: BODY is BODYSTRUCTURE without the extension data; the
            // writer leaves it out.
            (FetchAttr::Body, Some(m)) => FetchData::Body(Box::new(body_structure(m))),
            (FetchAttr::BodyStructure, Some(m)) => {
                FetchData::BodyStructure(Box::new(body_structure(m)))
            }
            (FetchAttr::Rfc822, Some(m)) => FetchData::Rfc822(Some(m.raw().to_vec())),
            (FetchAttr::Rfc822Header, Some(m)) => FetchData::Rfc822Header(Some(section(
                m,
                &Section {
                    part: vec![],
                    text: Some(SectionText::Header),
                },
            ))),
            (FetchAttr::Rfc822Text, Some(m)) => FetchData::Rfc822Text(Some(section(
                m,
                &Section {
                    part: vec![],
                    text: Some(SectionText::Text),
                },
            ))),
            (
                FetchAttr::BodySection {
                    section: s,
                    partial: p,
                    ..
                },
                Some(m),
            ) => {
                let (data, origin) = partial(section(m, s), *p);
                FetchData::BodySection {
                    section: s.clone(),
                    origin,
                    data: Some(data),
                }
            }
            // RFC 3516 §4.2: a part that does not exist is NIL.
            (
                FetchAttr::Binary {
                    part, partial: p, ..
                },
                Some(m),
            ) => match binary(m, part)? {
                Some(data) => {
                    let (data, origin) = partial(data.into_owned(), *p);
                    FetchData::Binary {
                        part: part.clone(),
                        origin,
                        data: Some(data),
                    }
                }
                None => FetchData::Binary {
                    part: part.clone(),
                    origin: p.map(|p| p.origin),
                    data: None,
                },
            },
            (FetchAttr::BinarySize { part }, Some(m)) => FetchData::BinarySize {
                part: part.clone(),
                size: binary(m, part)?.map_or(0, |d| d.len() as u64),
            },
            _ => continue,
        };
        out.push(item);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use osprey_mail::message::parses_on_this_thread;
    use osprey_proto::imap::Partial;

    use super::*;

    const MSG: &[u8] = b"From: Ann <ann@example.com>\r\nSubject: Hi\r\n\
        Content-Type: multipart/mixed; boundary=x\r\n\r\n\
        --x\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
        --x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n\
        --x--\r\n";

    fn msg() -> Msg {
        Msg {
            id: "m".into(),
            uid: 7,
            flags: 0,
            keywords: vec![],
            modseq: 1,
            size: MSG.len() as u64,
            internal_date: chrono::Utc::now(),
            blob_hash: "h".into(),
            expunged: false,
            recent: false,
        }
    }

    fn section(part: Vec<u32>, text: Option<SectionText>) -> FetchAttr {
        FetchAttr::BodySection {
            section: Section { part, text },
            partial: None,
            peek: true,
        }
    }

    #[test]
    fn every_item_reads_one_parse_of_the_message() {
        let attrs = [
            FetchAttr::Envelope,
            FetchAttr::BodyStructure,
            FetchAttr::Body,
            section(vec![], None),
            section(vec![1], None),
            section(vec![2], Some(SectionText::Mime)),
            section(
                vec![],
                Some(SectionText::HeaderFields(vec!["Subject".into()])),
            ),
            FetchAttr::Binary {
                part: vec![2],
                partial: Some(Partial {
                    origin: 1,
                    length: 2,
                }),
                peek: true,
            },
            FetchAttr::BinarySize { part: vec![2] },
            FetchAttr::Rfc822Header,
        ];
        let before = parses_on_this_thread();
        let parsed = ParsedMessage::parse(MSG);
        let items = items_of(&msg(), &attrs, Some(&parsed)).unwrap();
        assert_eq!(items.len(), attrs.len());
        assert_eq!(parses_on_this_thread(), before + 1);
        assert!(items.contains(&FetchData::BinarySize {
            part: vec![2],
            size: 3
        }));
        assert!(items.contains(&FetchData::Binary {
            part: vec![2],
            origin: Some(1),
            data: Some(vec![1, 2]),
        }));
    }

    #[test]
    fn whole_sections_need_no_mime_parse() {
        let before = parses_on_this_thread();
        let parsed = ParsedMessage::parse(MSG);
        let attrs = [
            section(vec![], None),
            section(vec![], Some(SectionText::Text)),
            FetchAttr::Rfc822Size,
        ];
        items_of(&msg(), &attrs, Some(&parsed)).unwrap();
        assert_eq!(parses_on_this_thread(), before);
    }
}
