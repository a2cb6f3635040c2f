//! Search keys and the commands built on them: SEARCH (RFC 9051 §6.4.4, ESEARCH
//! RETURN options, SEARCHRES `$` from RFC 5182, MODSEQ from RFC 7162 §3.1.5), SORT and
//! THREAD (RFC 5256 §3).
//!
//! Owns only syntax; evaluation is the session's. Nesting (`NOT`, `OR`, parentheses)
//! counts against the parser's depth limit so hostile input cannot exhaust the stack.

use super::command::{
    CommandBody, EntryType, SearchKey, SearchReturn, SortCriterion, SortKey, ThreadAlgorithm,
};
use super::lexer::{Cursor, PResult, utf8};
use super::types::Flag;

/// `charset = atom / quoted`.
fn charset(c: &mut Cursor<'_>) -> PResult<String> {
    if c.peek() == Some(b'"') {
        utf8(c.quoted()?)
    } else {
        Ok(c.atom()?.to_owned())
    }
}

/// `search-key *(SP search-key)` until the end of the command, as one `And`.
fn criteria(c: &mut Cursor<'_>) -> PResult<SearchKey> {
    let mut keys = vec![search_key(c)?];
    while c.eat(b' ') {
        keys.push(search_key(c)?);
    }
    Ok(if keys.len() == 1 {
        keys.pop().unwrap_or(SearchKey::All)
    } else {
        SearchKey::And(keys)
    })
}

/// `"RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")" SP`, if there,
/// for SEARCH (RFC 9051 §6.4.4) and SORT (RFC 5267 §3).
fn return_options(c: &mut Cursor<'_>) -> PResult<Option<Vec<SearchReturn>>> {
    if !c.eat_keyword("RETURN") {
        return Ok(None);
    }
    c.sp()?;
    let returns = c.paren_list(0, |c| {
        let name = c.keyword()?;
        Ok(match name.as_str() {
            "MIN" => SearchReturn::Min,
            "MAX" => SearchReturn::Max,
            "ALL" => SearchReturn::All,
            "COUNT" => SearchReturn::Count,
            "SAVE" => SearchReturn::Save,
            "CONTEXT" => SearchReturn::Context,
            "UPDATE" => SearchReturn::Update,
            "PARTIAL" => {
                // RFC 5267 §5: `partial-range = nz-number ":" nz-number`.
                c.sp()?;
                let first = c.nz_number()?;
                c.expect(b':', "':' of a PARTIAL range")?;
                SearchReturn::Partial(first, c.nz_number()?)
            }
            _ => return Err(format!("unknown RETURN option {name}")),
        })
    })?;
    // RFC 5267 §4.4: "A single command MUST NOT contain more than one PARTIAL or ALL
    // search return option".
    let windows = returns
        .iter()
        .filter(|r| matches!(r, SearchReturn::Partial(..)))
        .count();
    if windows > 1 || (windows == 1 && returns.contains(&SearchReturn::All)) {
        return Err("at most one of PARTIAL and ALL".to_owned());
    }
    c.sp()?;
    Ok(Some(returns))
}

/// SEARCH, RFC 9051 §6.4.4.
pub(crate) fn parse_search(c: &mut Cursor<'_>, uid: bool) -> PResult<CommandBody> {
    c.sp()?;
    let returns = return_options(c)?;
    let mut charset_name = None;
    if c.eat_keyword("CHARSET") {
        c.sp()?;
        charset_name = Some(charset(c)?);
        c.sp()?;
    }
    Ok(CommandBody::Search {
        uid,
        charset: charset_name,
        returns,
        criteria: criteria(c)?,
    })
}

/// SORT, RFC 5256 §3, with ESORT's RETURN options (RFC 5267 §3) and SORT=DISPLAY's
/// keys (RFC 5957 §3).
pub(crate) fn parse_sort(c: &mut Cursor<'_>, uid: bool) -> PResult<CommandBody> {
    c.sp()?;
    let returns = return_options(c)?;
    let criteria_list = c.paren_list(1, |c| {
        let reverse = c.eat_keyword("REVERSE");
        if reverse {
            c.sp()?;
        }
        let name = c.keyword()?;
        let key = [
            SortKey::Arrival,
            SortKey::Cc,
            SortKey::Date,
            SortKey::From,
            SortKey::Size,
            SortKey::Subject,
            SortKey::To,
            SortKey::DisplayFrom,
            SortKey::DisplayTo,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
        .ok_or_else(|| format!("unknown sort key {name}"))?;
        Ok(SortCriterion { reverse, key })
    })?;
    c.sp()?;
    let charset_name = charset(c)?;
    c.sp()?;
    Ok(CommandBody::Sort {
        uid,
        returns,
        criteria: criteria_list,
        charset: charset_name,
        search: criteria(c)?,
    })
}

/// THREAD, RFC 5256 §3.
pub(crate) fn parse_thread(c: &mut Cursor<'_>, uid: bool) -> PResult<CommandBody> {
    c.sp()?;
    let name = c.keyword()?;
    let algorithm = match name.as_str() {
        "ORDEREDSUBJECT" => ThreadAlgorithm::OrderedSubject,
        "REFERENCES" => ThreadAlgorithm::References,
        _ => ThreadAlgorithm::Other(name),
    };
    c.sp()?;
    let charset_name = charset(c)?;
    c.sp()?;
    Ok(CommandBody::Thread {
        uid,
        algorithm,
        charset: charset_name,
        search: criteria(c)?,
    })
}

fn nested(c: &mut Cursor<'_>) -> PResult<Box<SearchKey>> {
    c.enter()?;
    let key = search_key(c)?;
    c.leave();
    Ok(Box::new(key))
}

/// One `search-key`, RFC 9051 §6.4.4 (and the rev1 keys NEW, OLD, RECENT).
pub(crate) fn search_key(c: &mut Cursor<'_>) -> PResult<SearchKey> {
    use SearchKey as K;
    match c.peek() {
        Some(b'(') => {
            c.eat(b'(');
            c.enter()?;
            let mut keys = vec![search_key(c)?];
            while c.eat(b' ') {
                keys.push(search_key(c)?);
            }
            c.expect(b')', "')' closing the search keys")?;
            c.leave();
            return Ok(K::And(keys));
        }
        Some(b'0'..=b'9' | b'*' | b'$') => return Ok(K::SequenceSet(c.sequence_set()?)),
        _ => {}
    }
    let name = c.keyword()?;
    let string = |c: &mut Cursor<'_>| -> PResult<Vec<u8>> {
        c.sp()?;
        c.astring()
    };
    let date = |c: &mut Cursor<'_>| {
        c.sp()?;
        c.date()
    };
    let keyword = |c: &mut Cursor<'_>| -> PResult<String> {
        c.sp()?;
        Ok(c.atom()?.to_owned())
    };
    Ok(match name.as_str() {
        "ALL" => K::All,
        "ANSWERED" => K::Answered,
        "BCC" => K::Bcc(string(c)?),
        "BEFORE" => K::Before(date(c)?),
        "BODY" => K::Body(string(c)?),
        "CC" => K::Cc(string(c)?),
        "DELETED" => K::Deleted,
        "DRAFT" => K::Draft,
        "FLAGGED" => K::Flagged,
        "FROM" => K::From(string(c)?),
        "HEADER" => {
            let field = utf8(string(c)?)?;
            K::Header(field, string(c)?)
        }
        "KEYWORD" => K::Keyword(keyword(c)?),
        "LARGER" => {
            c.sp()?;
            K::Larger(c.number64()?)
        }
        "NEW" => K::New,
        "NOT" => {
            c.sp()?;
            K::Not(nested(c)?)
        }
        "OLD" => K::Old,
        "ON" => K::On(date(c)?),
        "OR" => {
            c.sp()?;
            let a = nested(c)?;
            c.sp()?;
            K::Or(a, nested(c)?)
        }
        "RECENT" => K::Recent,
        "SEEN" => K::Seen,
        "SENTBEFORE" => K::SentBefore(date(c)?),
        "SENTON" => K::SentOn(date(c)?),
        "SENTSINCE" => K::SentSince(date(c)?),
        "SINCE" => K::Since(date(c)?),
        "SMALLER" => {
            c.sp()?;
            K::Smaller(c.number64()?)
        }
        "SUBJECT" => K::Subject(string(c)?),
        "TEXT" => K::Text(string(c)?),
        "TO" => K::To(string(c)?),
        "UID" => {
            c.sp()?;
            K::Uid(c.sequence_set()?)
        }
        "UNANSWERED" => K::Unanswered,
        "UNDELETED" => K::Undeleted,
        "UNDRAFT" => K::Undraft,
        "UNFLAGGED" => K::Unflagged,
        "UNKEYWORD" => K::Unkeyword(keyword(c)?),
        "UNSEEN" => K::Unseen,
        "MODSEQ" => {
            // RFC 7162 §3.1.5: MODSEQ ["/flags/\Seen" all] 620162338
            c.sp()?;
            let mut entry = None;
            if c.peek() == Some(b'"') {
                let name = utf8(c.quoted()?)?;
                let flag = name
                    .strip_prefix("/flags/")
                    .and_then(Flag::parse)
                    .ok_or_else(|| "MODSEQ entry name must be \"/flags/<flag>\"".to_owned())?;
                c.sp()?;
                let kind = match c.keyword()?.as_str() {
                    "PRIV" => EntryType::Private,
                    "SHARED" => EntryType::Shared,
                    "ALL" => EntryType::All,
                    _ => return Err("expected priv, shared or all".to_owned()),
                };
                c.sp()?;
                entry = Some((flag, kind));
            }
            K::ModSeq {
                entry,
                modseq: c.number64()?,
            }
        }
        _ => return Err(format!("unknown search key {name}")),
    })
}
