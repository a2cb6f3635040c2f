//! Property round trips: a command written by the encoder parses back to itself, so
//! sequence sets, string forms (atom, quoted, literal), search keys and fetch items
//! survive the trip, and the framer reassembles what the encoder wrote.

use osprey_proto::imap::*;
use proptest::prelude::*;

use super::command_strategies::{command, fetch_attr, search_program, sequence_set, text};

fn tagged(body: CommandBody) -> Command {
    Command {
        tag: Tag::new("t1").unwrap_or_else(|| unreachable!()),
        body,
    }
}

/// Feeds an encoded command through the framer line by line, as a session would.
fn frame(encoded: &[u8]) -> Result<Vec<u8>, FrameError> {
    let mut wire = encoded.to_vec();
    wire.extend_from_slice(b"\r\n");
    let limits = Limits {
        max_nonsync_literal: u64::MAX,
        ..Limits::default()
    };
    let mut framer = Framer::new(limits);
    let mut rest = &wire[..];
    loop {
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let (line, after) = rest.split_at(end);
        rest = after;
        match framer.push_line(line)? {
            Frame::Command(c) => return Ok(c),
            Frame::Literal { size, .. } => {
                let n = usize::try_from(size).unwrap_or(usize::MAX).min(rest.len());
                let (data, after) = rest.split_at(n);
                framer.push_literal(data)?;
                rest = after;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn commands(cmd in command()) {
        let encoded = encode_command(&cmd);
        prop_assert_eq!(
            parse_command(&encoded),
            Ok(cmd),
            "{:?}",
            String::from_utf8_lossy(&encoded)
        );
        // The framer gives the parser exactly the encoder's bytes back.
        prop_assert_eq!(frame(&encoded).map_err(|e| e.message()), Ok(encoded));
    }

    #[test]
    fn sequence_sets(set in sequence_set(), max in 0u32..100) {
        let cmd = tagged(CommandBody::Expunge { uids: Some(set.clone()) });
        prop_assert_eq!(parse_command(&encode_command(&cmd)), Ok(cmd));
        // normalized() agrees with contains().
        let listed: Vec<u32> = set.iter(max).collect();
        let contained: Vec<u32> = (1..=max).filter(|&n| set.contains(n, max)).collect();
        prop_assert_eq!(listed, contained);
    }

    #[test]
    fn string_forms(username in text(), password in text()) {
        let cmd = tagged(CommandBody::Login { username: username.clone(), password });
        let encoded = encode_command(&cmd);
        // Atoms only when every byte may be in one; literals for anything unsafe.
        if username.bytes().any(|b| !(0x20..0x7f).contains(&b)) {
            prop_assert!(encoded.starts_with(b"t1 LOGIN {"), "{:?}", String::from_utf8_lossy(&encoded));
        }
        prop_assert_eq!(parse_command(&encoded), Ok(cmd));
    }

    #[test]
    fn search_keys(criteria in search_program()) {
        let cmd = tagged(CommandBody::Search { uid: false, charset: None, returns: None, criteria });
        prop_assert_eq!(parse_command(&encode_command(&cmd)), Ok(cmd));
    }

    #[test]
    fn fetch_items(items in proptest::collection::vec(fetch_attr(), 1..6)) {
        let cmd = tagged(CommandBody::Fetch {
            uid: true,
            set: SequenceSet::single(1),
            items: FetchItems::Items(items),
            modifiers: FetchModifiers::default(),
        });
        prop_assert_eq!(parse_command(&encode_command(&cmd)), Ok(cmd));
    }

    /// Any bytes: the parser and the framer never panic.
    #[test]
    fn arbitrary_input(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_command(&data);
        let _ = frame(&data);
    }
}
