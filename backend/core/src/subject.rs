//! The base subject of RFC 5256 §2.1, which SORT SUBJECT and THREAD compare: the
//! subject without reply and forward markers (`Re:`, `Fwd:`, `[fwd: ...]`, `(fwd)`),
//! leading `[list]` tags, or extra whitespace.

/// The base subject of `subject` (already decoded from RFC 2047 words), and whether it
/// carried a reply or forward marker (RFC 5256 §2.1; THREAD REFERENCES uses this).
pub fn base_subject(subject: &str) -> (String, bool) {
    // (1) Runs of whitespace become one space.
    let mut s = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut marked = false;
    loop {
        // (2) Trailing `(fwd)` and whitespace, repeatedly.
        loop {
            let t = s.trim_end();
            if t.len() != s.len() {
                s = t.to_owned();
            } else if s.len() >= 5
                && s.is_char_boundary(s.len() - 5)
                && s[s.len() - 5..].eq_ignore_ascii_case("(fwd)")
            {
                s.truncate(s.len() - 5);
                marked = true;
            } else {
                break;
            }
        }
        // (5) Steps (3) and (4) until neither removes anything.
        loop {
            let before = s.len();
            // (3) Leading `*subj-blob subj-refwd` and whitespace.
            loop {
                let t = s.trim_start();
                if t.len() != s.len() {
                    s = t.to_owned();
                } else if let Some(rest) = leader(&s) {
                    s = rest.to_owned();
                    marked = true;
                } else {
                    break;
                }
            }
            // (4) A leading subj-blob, if something is left without it.
            if let Some(rest) = blob(&s)
                && !rest.trim().is_empty()
            {
                s = rest.to_owned();
            }
            if s.len() == before {
                break;
            }
        }
        // (6) `[fwd: ... ]` around everything: remove and start again from (2).
        if s.len() >= 6 && has_prefix_ci(&s, "[fwd:") && s.ends_with(']') {
            s = s[5..s.len() - 1].to_owned();
            marked = true;
            continue;
        }
        return (s, marked);
    }
}

/// The key base subjects are compared by: ASCII case folded (RFC 5256 §2.1 leaves the
/// comparator to the collation, `i;ascii-casemap` by default).
pub fn subject_key(subject: &str) -> String {
    base_subject(subject).0.to_ascii_uppercase()
}

fn has_prefix_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn trim_wsp(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
}

/// `subj-blob = "[" *BLOBCHAR "]" *WSP`: what follows it.
fn blob(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('[')?;
    let end = inner.find([']', '['])?;
    (inner.as_bytes()[end] == b']').then(|| trim_wsp(&inner[end + 1..]))
}

/// `*subj-blob subj-refwd`, with `subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob]
/// ":"`: what follows it.
fn leader(s: &str) -> Option<&str> {
    let mut rest = s;
    while let Some(r) = blob(rest) {
        rest = r;
    }
    let rest = if has_prefix_ci(rest, "re") {
        &rest[2..]
    } else if has_prefix_ci(rest, "fwd") {
        &rest[3..]
    } else if has_prefix_ci(rest, "fw") {
        &rest[2..]
    } else {
        return None;
    };
    let rest = trim_wsp(rest);
    let rest = blob(rest).unwrap_or(rest);
    rest.strip_prefix(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_subjects() {
        let table = [
            ("hello", "hello", false),
            ("", "", false),
            ("Re: hello", "hello", true),
            ("RE: Re: re[2]: hello", "hello", true),
            ("Fwd: Fw: FW: hello", "hello", true),
            ("[list] Re: hello", "hello", true),
            ("[list] hello", "hello", false),
            ("[a][b] hello", "hello", false),
            ("[only a blob]", "[only a blob]", false),
            ("hello (fwd)", "hello", true),
            ("hello (FWD) (fwd)  ", "hello", true),
            ("[fwd: Re: hello]", "hello", true),
            ("[Fwd: [fwd: hello]]", "hello", true),
            ("  hello \t\r\n world  ", "hello world", false),
            ("Re hello", "Re hello", false),
            ("Reply: hello", "Reply: hello", false),
            ("Re : hello", "hello", true),
            ("Re: [list] Re: hello", "hello", true),
            ("Ré: hello", "Ré: hello", false),
        ];
        for (input, base, marked) in table {
            assert_eq!(
                base_subject(input),
                (base.to_owned(), marked),
                "base subject of {input:?}"
            );
        }
    }

    #[test]
    fn keys_ignore_ascii_case() {
        assert_eq!(subject_key("Re: Hello"), subject_key("hello (fwd)"));
        assert_ne!(subject_key("hello"), subject_key("hello world"));
    }
}
