//! FETCH, RFC 9051 §6.4.5: macros, fetch attributes with sections and partials,
//! BINARY (RFC 3516 §4.2) and the CONDSTORE/QRESYNC modifiers (RFC 7162 §3.1.4.1,
//! §3.2.6).
//!
//! Owns only syntax: whether `MIME` makes sense for a part, or whether VANISHED came
//! with UID FETCH, is checked here only where the ABNF says so.

use super::command::{
    CommandBody, FetchAttr, FetchItems, FetchModifiers, Partial, Section, SectionText,
};
use super::lexer::{Cursor, PResult, utf8};

pub(crate) fn parse_fetch(c: &mut Cursor<'_>, uid: bool) -> PResult<CommandBody> {
    c.sp()?;
    let set = c.sequence_set()?;
    c.sp()?;
    let items = if c.peek() == Some(b'(') {
        FetchItems::Items(c.paren_list(1, fetch_attr)?)
    } else if c.eat_keyword("ALL") {
        FetchItems::All
    } else if c.eat_keyword("FAST") {
        FetchItems::Fast
    } else if c.eat_keyword("FULL") {
        FetchItems::Full
    } else {
        FetchItems::Items(vec![fetch_attr(c)?])
    };
    let mut modifiers = FetchModifiers::default();
    if c.eat(b' ') {
        let mods = c.paren_list(1, |c| {
            let name = c.keyword()?;
            match name.as_str() {
                "CHANGEDSINCE" => {
                    c.sp()?;
                    Ok(Some(c.nz_number64()?))
                }
                "VANISHED" => Ok(None),
                _ => Err(format!("unknown FETCH modifier {name}")),
            }
        })?;
        for m in mods {
            match m {
                Some(n) => modifiers.changed_since = Some(n),
                None => modifiers.vanished = true,
            }
        }
    }
    Ok(CommandBody::Fetch {
        uid,
        set,
        items,
        modifiers,
    })
}

/// One `fetch-att`.
pub(crate) fn fetch_attr(c: &mut Cursor<'_>) -> PResult<FetchAttr> {
    let name = c.name()?;
    Ok(match name.as_str() {
        "ENVELOPE" => FetchAttr::Envelope,
        "FLAGS" => FetchAttr::Flags,
        "INTERNALDATE" => FetchAttr::InternalDate,
        "RFC822" => FetchAttr::Rfc822,
        "RFC822.HEADER" => FetchAttr::Rfc822Header,
        "RFC822.TEXT" => FetchAttr::Rfc822Text,
        "RFC822.SIZE" => FetchAttr::Rfc822Size,
        "BODYSTRUCTURE" => FetchAttr::BodyStructure,
        "UID" => FetchAttr::Uid,
        "MODSEQ" => FetchAttr::ModSeq,
        "BODY" if c.peek() != Some(b'[') => FetchAttr::Body,
        "BODY" | "BODY.PEEK" => {
            let section = section(c)?;
            FetchAttr::BodySection {
                peek: name == "BODY.PEEK",
                section,
                partial: partial(c)?,
            }
        }
        "BINARY" | "BINARY.PEEK" => {
            let part = section_binary(c)?;
            FetchAttr::Binary {
                peek: name == "BINARY.PEEK",
                part,
                partial: partial(c)?,
            }
        }
        "BINARY.SIZE" => FetchAttr::BinarySize {
            part: section_binary(c)?,
        },
        _ => return Err(format!("unknown fetch item {name}")),
    })
}

/// `section = "[" [section-spec] "]"`.
pub(crate) fn section(c: &mut Cursor<'_>) -> PResult<Section> {
    c.expect(b'[', "'[' of a section")?;
    let mut part = Vec::new();
    let mut text = None;
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        part.push(c.nz_number()?);
        while c.eat(b'.') {
            if c.peek().is_some_and(|b| b.is_ascii_digit()) {
                part.push(c.nz_number()?);
            } else {
                text = Some(section_text(c, true)?);
                break;
            }
        }
    } else if c.peek() != Some(b']') {
        text = Some(section_text(c, false)?);
    }
    c.expect(b']', "']' of a section")?;
    Ok(Section { part, text })
}

fn section_text(c: &mut Cursor<'_>, after_part: bool) -> PResult<SectionText> {
    let name = c.name()?;
    Ok(match name.as_str() {
        "HEADER" => SectionText::Header,
        "TEXT" => SectionText::Text,
        "MIME" if after_part => SectionText::Mime,
        "HEADER.FIELDS" | "HEADER.FIELDS.NOT" => {
            c.sp()?;
            let fields = c.paren_list(1, |c| utf8(c.astring()?))?;
            if name == "HEADER.FIELDS" {
                SectionText::HeaderFields(fields)
            } else {
                SectionText::HeaderFieldsNot(fields)
            }
        }
        _ => return Err(format!("unknown section {name}")),
    })
}

/// `section-binary = "[" [section-part] "]"`, RFC 3516 §4.2.
fn section_binary(c: &mut Cursor<'_>) -> PResult<Vec<u32>> {
    c.expect(b'[', "'[' of a binary section")?;
    let mut part = Vec::new();
    if c.peek() != Some(b']') {
        part.push(c.nz_number()?);
        while c.eat(b'.') {
            part.push(c.nz_number()?);
        }
    }
    c.expect(b']', "']' of a binary section")?;
    Ok(part)
}

/// `partial = "<" number "." nz-number ">"`.
fn partial(c: &mut Cursor<'_>) -> PResult<Option<Partial>> {
    if !c.eat(b'<') {
        return Ok(None);
    }
    let origin = c.number()?;
    c.expect(b'.', "'.' in a partial")?;
    let length = c.nz_number()?;
    c.expect(b'>', "'>' closing a partial")?;
    Ok(Some(Partial { origin, length }))
}
