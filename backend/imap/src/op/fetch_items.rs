//! The FETCH items of one message, RFC 9051 §7.5.2: flags, UID, internal date, size,
//! MODSEQ (RFC 7162 §3.1.4.1), envelope, BODY and BODYSTRUCTURE, body sections with partial ranges, BINARY and
//! BINARY.SIZE (RFC 3516 §4.2), and the rev1 RFC822 items.

use osprey_proto::imap::{DateTime, FetchAttr, FetchData, Section, SectionText};

use crate::{
    binary::{BinaryError, binary},
    message::{envelope, flag_list, section},
    selected::Msg,
    structure::body_structure,
};

/// Why the items of a message could not be given.
pub(crate) type ItemError = BinaryError;

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
/// could not be read.
pub(crate) fn items_of(
    msg: &Msg,
    attrs: &[FetchAttr],
    raw: Option<&[u8]>,
) -> Result<Vec<FetchData>, ItemError> {
    let mut out = Vec::with_capacity(attrs.len());
    for a in attrs {
        let item = match (a, raw) {
            (FetchAttr::Flags, _) => FetchData::Flags(flag_list(msg.flags, &msg.keywords)),
            (FetchAttr::Uid, _) => FetchData::Uid(msg.uid),
            (FetchAttr::InternalDate, _) => FetchData::InternalDate(date_time(&msg.internal_date)),
            (FetchAttr::Rfc822Size, _) => FetchData::Rfc822Size(msg.size),
            // RFC 7162 §3.1.4.1
            (FetchAttr::ModSeq, _) => FetchData::ModSeq(msg.modseq),
            (FetchAttr::Envelope, Some(raw)) => FetchData::Envelope(Box::new(envelope(raw))),
            // RFC 9051 §7.5.2: BODY is BODYSTRUCTURE without the extension data; the
            // writer leaves it out.
            (FetchAttr::Body, Some(raw)) => FetchData::Body(Box::new(body_structure(raw))),
            (FetchAttr::BodyStructure, Some(raw)) => {
                FetchData::BodyStructure(Box::new(body_structure(raw)))
            }
            (FetchAttr::Rfc822, Some(raw)) => FetchData::Rfc822(Some(raw.to_vec())),
            (FetchAttr::Rfc822Header, Some(raw)) => FetchData::Rfc822Header(Some(section(
                raw,
                &Section {
                    part: vec![],
                    text: Some(SectionText::Header),
                },
            ))),
            (FetchAttr::Rfc822Text, Some(raw)) => FetchData::Rfc822Text(Some(section(
                raw,
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
                Some(raw),
            ) => {
                let (data, origin) = partial(section(raw, s), *p);
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
                Some(raw),
            ) => match binary(raw, part)? {
                Some(data) => {
                    let (data, origin) = partial(data, *p);
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
            (FetchAttr::BinarySize { part }, Some(raw)) => FetchData::BinarySize {
                part: part.clone(),
                size: binary(raw, part)?.map_or(0, |d| d.len() as u64),
            },
            _ => continue,
        };
        out.push(item);
    }
    Ok(out)
}
