//! Mail commands (`subscribe`, `unsubscribe`, `help`, `who`, `set nomail`, `set each`,
//! `set digest`, `set digest plain`, `confirm <token>`) read from a message to a list's `-request` address: the subject,
//! then the first lines of the body, as Mailman and Sympa read them. Pure.

/// One command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Subscribe,
    Unsubscribe,
    Help,
    /// The member list.
    Who,
    /// `set each`, `set digest [plain]` or `set nomail`: the member's delivery mode.
    SetMode(&'static str),
    /// A confirmation, with its token.
    Confirm(String),
    /// A line that is no command, as written.
    Unknown(String),
}

/// The most body lines read for commands.
pub const MAX_LINES: usize = 10;
/// Reading stops after this many lines that are no command (the rest is prose).
pub const MAX_UNKNOWN: usize = 3;

/// The command a line holds, if it holds one.
fn parse(line: &str) -> Command {
    let words: Vec<String> = line
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let word = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    // A reply keeps the subject after `Re:`: `Re: confirm 1a2b...`.
    if let Some(i) = words.iter().position(|w| w == "confirm")
        && let Some(token) = line.split_whitespace().nth(i + 1)
        && token.len() >= 16
        && token.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Command::Confirm(token.to_ascii_lowercase());
    }
    match (word(0), word(1)) {
        ("subscribe" | "join", _) => Command::Subscribe,
        ("unsubscribe" | "leave" | "signoff", _) => Command::Unsubscribe,
        ("help" | "info", _) => Command::Help,
        ("who" | "review", _) => Command::Who,
        ("set", "nomail") => Command::SetMode("nomail"),
        ("set", "each" | "mail" | "nodigest") => Command::SetMode("each"),
        ("set", "digest") if word(2) == "plain" => Command::SetMode("digest_plain"),
        ("set", "digest") => Command::SetMode("digest"),
        _ => Command::Unknown(line.trim().to_owned()),
    }
}

/// The commands of a message with `subject` and the text `body`: the subject's (when
/// it is not empty), then one per body line up to the signature (`-- `), a quoted line,
/// [`MAX_LINES`] lines or [`MAX_UNKNOWN`] lines that are no command; each command once.
pub fn commands(subject: &str, body: &str) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let push = |c: Command, out: &mut Vec<Command>| {
        if !out.contains(&c) {
            out.push(c);
        }
    };
    let subject = subject.trim();
    if !subject.is_empty() {
        match parse(subject) {
            // A subject that is no command is the message's subject, not a mistake.
            Command::Unknown(_) => {}
            c => push(c, &mut out),
        }
    }
    let mut unknown = 0;
    for line in body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(MAX_LINES)
    {
        if line.trim_end() == "--" || line.starts_with("-- ") || line.starts_with('>') {
            break;
        }
        match parse(line) {
            Command::Unknown(u) => {
                unknown += 1;
                if unknown > MAX_UNKNOWN {
                    break;
                }
                push(Command::Unknown(u), &mut out);
            }
            c => push(c, &mut out),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_and_the_first_lines_hold_commands() {
        assert_eq!(commands("subscribe", ""), [Command::Subscribe]);
        assert_eq!(
            commands("", "help\r\nset nomail\r\nwho\r\n"),
            [Command::Help, Command::SetMode("nomail"), Command::Who]
        );
        // Mailman's forms of the digest modes.
        assert_eq!(
            commands("", "set digest\r\nset digest plain\r\nset nodigest\r\n"),
            [
                Command::SetMode("digest"),
                Command::SetMode("digest_plain"),
                Command::SetMode("each")
            ]
        );
        // Once each; the signature ends the commands.
        assert_eq!(
            commands("Subscribe", "subscribe\r\n-- \r\nunsubscribe\r\n"),
            [Command::Subscribe]
        );
    }

    #[test]
    fn a_reply_to_a_confirmation_confirms() {
        let token = "0123456789abcdef0123";
        assert_eq!(
            commands(&format!("Re: confirm {token}"), "> quoted\r\n"),
            [Command::Confirm(token.into())]
        );
        // Too short to be one of ours: not a confirmation.
        assert_eq!(
            commands("", "confirm abc"),
            [Command::Unknown("confirm abc".into())]
        );
    }

    #[test]
    fn prose_is_unknown_and_reading_stops_after_a_few_lines_of_it() {
        let body = "Hello,\r\nplease add me\r\nto the list\r\nthanks\r\nsubscribe\r\n";
        let got = commands("a question", body);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got.iter().all(|c| matches!(c, Command::Unknown(_))));
    }
}
