//! vCard files (`.vcf`): one file holds many cards. Import splits a file into its cards
//! with the line each starts on, so that a broken card is reported by its line while the
//! good ones are kept; calcard parses each card. Export writes vCard 4.0 or 3.0.

use calcard::vcard::{VCard, VCardVersion};

use crate::{Card, ContactsError};

/// Largest vCard file import reads, in bytes.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;
/// Most cards one import reads.
pub const MAX_IMPORT_CARDS: usize = 10_000;

/// A card of a file that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardProblem {
    /// The line (from 1) the card starts on, or the line of the stray text.
    pub line: usize,
    /// The card's name, when it has one.
    pub name: Option<String>,
    pub message: String,
}

/// A card read from a file: its fields, its UID if it has one, and the rest of it.
#[derive(Debug, Clone)]
pub struct ParsedCard {
    pub card: Card,
    pub uid: Option<String>,
    pub vcard: VCard,
}

/// The cards of `text` that can be imported, and what was wrong with the others.
pub fn parse_file(text: &str) -> (Vec<ParsedCard>, Vec<CardProblem>) {
    let mut good = Vec::new();
    let mut problems = Vec::new();
    for chunk in split(text) {
        match chunk {
            Ok((line, body)) => match parse_card(line, &body) {
                Ok(card) => good.push(card),
                Err(p) => problems.push(p),
            },
            Err(p) => problems.push(p),
        }
        if good.len() + problems.len() >= MAX_IMPORT_CARDS {
            problems.push(CardProblem {
                line: 0,
                name: None,
                message: format!("only the first {MAX_IMPORT_CARDS} cards of a file are read"),
            });
            break;
        }
    }
    (good, problems)
}

/// Unfolded lines (RFC 6350 §3.2: a line that starts with a space or tab continues the
/// one before) with the number of the line each starts on.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some((_, last))) => last.push_str(rest),
            _ => lines.push((i + 1, raw.to_owned())),
        }
    }
    lines
}

fn is(line: &str, what: &str) -> bool {
    line.trim().eq_ignore_ascii_case(what)
}

/// The cards of a file, each as its first line and its text, or a problem: a card not
/// closed by `END:VCARD`, text outside any card.
fn split(text: &str) -> Vec<Result<(usize, String), CardProblem>> {
    let mut out = Vec::new();
    // The card being read: its first line, its lines, and what is wrong with it.
    let mut open: Option<(usize, Vec<String>, Option<CardProblem>)> = None;
    let unclosed = |line: usize| CardProblem {
        line,
        name: None,
        message: "the card is not closed by END:VCARD".into(),
    };
    for (n, line) in logical_lines(text) {
        let line = line.trim_start_matches('\u{feff}');
        if is(line, "BEGIN:VCARD") {
            if let Some((start, _, _)) = open.take() {
                out.push(Err(unclosed(start)));
            }
            open = Some((n, vec![line.to_owned()], None));
        } else if is(line, "END:VCARD") {
            match open.take() {
                Some((_, _, Some(problem))) => out.push(Err(problem)),
                Some((start, mut body, None)) => {
                    body.push(line.to_owned());
                    out.push(Ok((start, body.join("\r\n") + "\r\n")));
                }
                None => out.push(Err(CardProblem {
                    line: n,
                    name: None,
                    message: "END:VCARD without BEGIN:VCARD".into(),
                })),
            }
        } else if let Some((start, body, broken)) = open.as_mut() {
            match check_property(line) {
                Ok(()) => body.push(legacy_photo(line).unwrap_or_else(|| line.to_owned())),
                Err(message) if broken.is_none() => {
                    *broken = Some(CardProblem {
                        line: n,
                        name: None,
                        message: format!("in the card that starts at line {start}: {message}"),
                    });
                }
                Err(_) => {}
            }
        } else if !line.trim().is_empty() {
            out.push(Err(CardProblem {
                line: n,
                name: None,
                message: "text outside a card (BEGIN:VCARD … END:VCARD)".into(),
            }));
        }
    }
    if let Some((start, _, _)) = open {
        out.push(Err(unclosed(start)));
    }
    out
}

/// `Ok` for an empty line or `[group.]NAME[;params]:value`.
fn check_property(line: &str) -> Result<(), String> {
    if line.trim().is_empty() {
        return Ok(());
    }
    let name_end = line.find([';', ':']).unwrap_or(line.len());
    let name = &line[..name_end];
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_');
    if !name_ok || !line.contains(':') {
        let shown: String = line.chars().take(40).collect();
        return Err(format!("\"{shown}\" is not a vCard property"));
    }
    Ok(())
}

/// A vCard 3.0 `PHOTO;ENCODING=b;TYPE=JPEG:<base64>` as the vCard 4.0 data URI (the
/// picture kept as it is), or `None` for any other line.
fn legacy_photo(line: &str) -> Option<String> {
    let (head, value) = line.split_once(':')?;
    let mut params = head.split(';');
    let name = params.next()?;
    let name = name.rsplit('.').next().unwrap_or(name);
    if !name.eq_ignore_ascii_case("PHOTO") {
        return None;
    }
    let mut base64 = false;
    let mut kind = "jpeg".to_owned();
    for p in params {
        let (k, v) = p.split_once('=').unwrap_or(("TYPE", p));
        if k.eq_ignore_ascii_case("ENCODING")
            && matches!(v.to_ascii_lowercase().as_str(), "b" | "base64")
        {
            base64 = true;
        } else if k.eq_ignore_ascii_case("TYPE") {
            kind = v.trim_matches('"').to_ascii_lowercase();
        }
    }
    base64.then(|| {
        let media = if kind.contains('/') {
            kind
        } else {
            format!("image/{kind}")
        };
        format!("PHOTO:data:{media};base64,{}", value.trim())
    })
}

fn parse_card(line: usize, body: &str) -> Result<ParsedCard, CardProblem> {
    let problem = |name: Option<String>, message: String| CardProblem {
        line,
        name,
        message,
    };
    let vcard = VCard::parse(body)
        .map_err(|e| problem(None, format!("the card cannot be read ({e:?})")))?;
    let raw = Card::from_vcard(&vcard);
    let name = Some(raw.full_name.clone()).filter(|n| !n.is_empty());
    let card = raw.normalized().map_err(|e| match e {
        ContactsError::Invalid { field, message } => {
            problem(name.clone(), format!("{}: {message}", label(&field)))
        }
        other => problem(name.clone(), other.to_string()),
    })?;
    let uid = vcard
        .uid()
        .map(str::trim)
        .filter(|u| !u.is_empty() && u.len() <= 255)
        .map(str::to_owned);
    Ok(ParsedCard { card, uid, vcard })
}

/// What a person calls a card's field (`emails[1]` is "E-mail").
fn label(field: &str) -> &'static str {
    match field.split('[').next().unwrap_or(field) {
        "full_name" => "Name",
        "given_name" => "First name",
        "family_name" => "Last name",
        "emails" => "E-mail",
        "phones" => "Phone",
        "addresses" => "Address",
        "organization" => "Organisation",
        "title" => "Title",
        "birthday" => "Birthday",
        "notes" => "Note",
        "photo" => "Photo",
        _ => "Card",
    }
}

/// The vCard version an export writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VcfVersion {
    V3,
    #[default]
    V4,
}

/// `cards` (stored vCard 4.0 text) as one file of `version`.
pub fn write_file<'a>(cards: impl IntoIterator<Item = &'a str>, version: VcfVersion) -> String {
    let version = match version {
        VcfVersion::V3 => VCardVersion::V3_0,
        VcfVersion::V4 => VCardVersion::V4_0,
    };
    let mut out = String::new();
    for text in cards {
        if let Ok(card) = VCard::parse(text) {
            // Writing to a String cannot fail.
            let _ = card.write_to(&mut out, version);
        }
    }
    out
}
