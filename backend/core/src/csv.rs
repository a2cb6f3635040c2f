//! CSV as people paste and download it (RFC 4180): lines of comma-separated fields,
//! quoted when they hold commas or quotes. Imports (list members, accounts) read it line
//! by line so that each bad line can be named; exports write it.

/// The fields of each line of `text` with its number (from 1); empty lines are left out.
/// A quoted field may hold commas and doubled quotes (`""`), not line breaks.
pub fn parse(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                ',' if !quoted => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        out.push((
            i + 1,
            fields.into_iter().map(|f| f.trim().to_owned()).collect(),
        ));
    }
    out
}

/// One field as CSV writes it: quoted when it holds a comma, a quote or spaces at its ends.
pub fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) || value.trim() != value {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_hold_commas_and_quotes() {
        // RFC 4180 §2: "Fields containing line breaks (CRLF), double quotes, and commas
        // should be enclosed in double-quotes"; "a double-quote appearing inside a field
        // must be escaped by preceding it with another double quote".
        let rows = parse("a,\"Doe, Ann\"\r\n\r\n\"Say \"\"hi\"\"\",x\n");
        assert_eq!(
            rows,
            vec![
                (1, vec!["a".to_owned(), "Doe, Ann".to_owned()]),
                (3, vec!["Say \"hi\"".to_owned(), "x".to_owned()]),
            ]
        );
        assert_eq!(field("Doe, Ann"), "\"Doe, Ann\"");
        assert_eq!(field("plain"), "plain");
    }
}
