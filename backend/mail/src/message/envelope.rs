//! The fields of a message's envelope as RFC 9051 §7.5.2 lists them (date, subject,
//! the address fields, In-Reply-To, Message-ID), as plain data: each address list with
//! its groups, the other fields as written. Defaults (Sender and Reply-To from From)
//! and the wire form are the protocol's. Not the SMTP envelope ([`crate::Envelope`]).

use mail_parser::{Addr, Address as ParsedAddress, Message};

/// The envelope fields of one message. Values are as written, unfolded lines kept,
/// trimmed; an absent or empty field is `None`, an absent address field empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvelopeFields {
    pub date: Option<String>,
    pub subject: Option<String>,
    pub from: Vec<Group>,
    pub sender: Vec<Group>,
    pub reply_to: Vec<Group>,
    pub to: Vec<Group>,
    pub cc: Vec<Group>,
    pub bcc: Vec<Group>,
    pub in_reply_to: Option<String>,
    pub message_id: Option<String>,
}

/// Addresses of an address field: an RFC 5322 §3.4 group, or (`name: None`) the
/// mailboxes written outside any group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    /// The group's display name; `None` for mailboxes outside a group.
    pub name: Option<String>,
    pub mailboxes: Vec<Mailbox>,
}

/// One mailbox of an address field, encoded words in the display name decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    /// The local part (all of the address when it has no `@`).
    pub local: Option<String>,
    /// The domain, after the last `@`.
    pub domain: Option<String>,
    /// The source route of an obsolete route address (RFC 5322 §4.4 `obs-route`),
    /// `<@a.example,@b.example:user@c.example>`: `@a.example,@b.example`.
    pub route: Option<String>,
}

impl EnvelopeFields {
    /// The envelope fields of a parsed message.
    pub(super) fn of(p: &Message<'_>) -> Self {
        EnvelopeFields {
            date: raw_value(p, "Date"),
            subject: raw_value(p, "Subject"),
            from: groups(p.from()),
            sender: groups(p.sender()),
            reply_to: groups(p.reply_to()),
            to: groups(p.to()),
            cc: groups(p.cc()),
            bcc: groups(p.bcc()),
            in_reply_to: raw_value(p, "In-Reply-To"),
            message_id: raw_value(p, "Message-ID"),
        }
    }
}

/// The field's value as written. A value that is not UTF-8 (raw 8-bit octets of a
/// legacy charset, common in mail older than RFC 6532) is read as ISO-8859-1, one
/// character per octet, rather than lost: mail-parser gives no raw value for it.
fn raw_value(p: &Message<'_>, name: &str) -> Option<String> {
    match p.header_raw(name) {
        Some(v) => Some(v.trim().to_owned()).filter(|v| !v.is_empty()),
        None => latin1_value(p.raw_message(), name),
    }
}

/// The first field `name` of `message`, unfolded and trimmed, its octets read as
/// ISO-8859-1 unless they are UTF-8; `None` without the field or with an empty value.
fn latin1_value(message: &[u8], name: &str) -> Option<String> {
    let fields = &message[..super::fields_end(message)];
    let mut value: Option<Vec<u8>> = None;
    for line in fields.split_inclusive(|&b| b == b'\n') {
        let folded = matches!(line.first(), Some(b' ' | b'\t'));
        match value.as_mut() {
            Some(v) if folded => v.extend_from_slice(line),
            Some(_) => break,
            None if folded => {}
            None => {
                if let Some(colon) = line.iter().position(|&b| b == b':')
                    && line[..colon]
                        .trim_ascii()
                        .eq_ignore_ascii_case(name.as_bytes())
                {
                    value = Some(line[colon + 1..].to_vec());
                }
            }
        }
    }
    let v: Vec<u8> = value?
        .into_iter()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let text = match String::from_utf8(v) {
        Ok(s) => s,
        Err(e) => e.into_bytes().into_iter().map(char::from).collect(),
    };
    Some(text.trim().to_owned()).filter(|v| !v.is_empty())
}

fn mailbox(addr: &Addr<'_>) -> Mailbox {
    let (local, domain) = match addr.address.as_deref() {
        Some(a) => match a.rsplit_once('@') {
            Some((l, d)) => (Some(l.to_owned()), Some(d.to_owned())),
            None => (Some(a.to_owned()), None),
        },
        None => (None, None),
    };
    // mail-parser leaves an obsolete source route on the local part: `@a,@b:user`.
    let (route, local) = match local {
        Some(l) if l.starts_with('@') => match l.split_once(':') {
            Some((route, local)) => (Some(route.to_owned()), Some(local.to_owned())),
            None => (None, Some(l)),
        },
        other => (None, other),
    };
    Mailbox {
        name: addr.name.as_deref().map(str::to_owned),
        local,
        domain,
        route,
    }
}

/// The mailboxes of `list`: entries without an address are left out, such as a group
/// member that is only a comment (`Group: (nobody);`), which mail-parser reads as a
/// display name alone.
fn mailboxes(list: &[Addr<'_>]) -> Vec<Mailbox> {
    list.iter()
        .filter(|a| a.address.is_some())
        .map(mailbox)
        .collect()
}

fn groups(a: Option<&ParsedAddress<'_>>) -> Vec<Group> {
    match a {
        None => Vec::new(),
        Some(ParsedAddress::List(list)) => vec![Group {
            name: None,
            mailboxes: mailboxes(list),
        }],
        Some(ParsedAddress::Group(groups)) => groups
            .iter()
            .map(|g| Group {
                name: g.name.as_deref().map(str::to_owned),
                mailboxes: mailboxes(&g.addresses),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_with_raw_8bit_octets_is_kept() {
        let raw = b"Subject: caf\xe9\r\n cr\xe8me\r\nTo: a@b.example\r\n\r\nbody\r\n";
        assert_eq!(
            latin1_value(raw, "subject").as_deref(),
            Some("caf\u{e9} cr\u{e8}me")
        );
        assert_eq!(latin1_value(raw, "To").as_deref(), Some("a@b.example"));
        assert_eq!(latin1_value(raw, "Date"), None);
        let parsed = mail_parser::MessageParser::default()
            .parse(&raw[..])
            .unwrap();
        let e = EnvelopeFields::of(&parsed);
        assert_eq!(e.subject.as_deref(), Some("caf\u{e9} cr\u{e8}me"));
    }

    #[test]
    fn source_routes_and_comment_only_members() {
        let raw = b"To: Name <@r1.example,@r2.example:user@domain.example>\r\n\
            Cc: Group: (nobody);\r\n\r\nbody\r\n";
        let parsed = mail_parser::MessageParser::default()
            .parse(&raw[..])
            .unwrap();
        let e = EnvelopeFields::of(&parsed);
        let to = &e.to[0].mailboxes[0];
        assert_eq!(to.route.as_deref(), Some("@r1.example,@r2.example"));
        assert_eq!(to.local.as_deref(), Some("user"));
        assert_eq!(to.domain.as_deref(), Some("domain.example"));
        assert_eq!(e.cc.len(), 1);
        assert_eq!(e.cc[0].name.as_deref(), Some("Group"));
        assert!(e.cc[0].mailboxes.is_empty(), "{:?}", e.cc);
    }
}
