//! The words of a text a spell checker looks at: runs of letters (with an apostrophe or
//! a hyphen between letters), leaving out what is not prose — addresses, links, words with
//! digits, words in capitals (acronyms) and single letters.

/// A word and where it is, in characters (Unicode scalar values) from the text's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

fn joins(c: char) -> bool {
    matches!(c, '\'' | '’' | '-')
}

/// Returns `true` if and only if the whitespace-separated chunk is not prose.
fn skipped_chunk(chunk: &str) -> bool {
    chunk.contains('@')
        || chunk.contains("://")
        || chunk.starts_with("www.")
        || chunk.chars().any(|c| c.is_ascii_digit())
}

/// The words of `text` to check, in order.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    // Char offset of each byte offset we need, counted as we go.
    let mut chars_before = 0usize;
    let mut chunk_skipped = false;
    let mut start: Option<(usize, usize)> = None; // (byte, char)
    let mut it = text.char_indices().peekable();
    let mut at_chunk_start = true;
    while let Some((i, c)) = it.next() {
        if at_chunk_start && !c.is_whitespace() {
            let end = text[i..]
                .find(char::is_whitespace)
                .map_or(text.len(), |e| i + e);
            chunk_skipped = skipped_chunk(&text[i..end]);
            at_chunk_start = false;
        }
        if c.is_whitespace() {
            at_chunk_start = true;
        }
        let in_word = c.is_alphabetic()
            || (joins(c) && start.is_some() && it.peek().is_some_and(|(_, n)| n.is_alphabetic()));
        match (in_word, start) {
            (true, None) => start = Some((i, chars_before)),
            (false, Some((b, ch))) => {
                push(&mut out, &text[b..i], ch, chars_before, chunk_skipped);
                start = None;
            }
            _ => {}
        }
        chars_before += 1;
    }
    if let Some((b, ch)) = start {
        push(&mut out, &text[b..], ch, chars_before, chunk_skipped);
    }
    out
}

fn push<'a>(out: &mut Vec<Word<'a>>, w: &'a str, start: usize, end: usize, skipped: bool) {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    let shouting = w
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    if skipped || letters < 2 || shouting {
        return;
    }
    out.push(Word {
        text: w,
        start,
        end,
    });
}
