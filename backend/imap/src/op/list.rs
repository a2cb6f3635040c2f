//! LIST, RFC 9051 §6.3.9, with LIST-EXTENDED (RFC 5258: selection options SUBSCRIBED,
//! REMOTE, RECURSIVEMATCH, SPECIAL-USE; return options SUBSCRIBED, CHILDREN,
//! SPECIAL-USE; several patterns; CHILDINFO), LIST-STATUS (RFC 5819) and the
//! special-use attributes of RFC 6154 §2 on every mailbox; and the rev1 LSUB
//! (RFC 3501 §6.3.9).

use std::collections::BTreeMap;

use osprey_proto::imap::{Code, Data, ListCommand, ListExtended, ListItem, ListReturn};
use osprey_store::MailboxRecord;

use crate::{
    mailbox_name::{self, DELIMITER},
    op::{Completion, OpResult},
    session::Session,
};

/// What a LIST selects: RFC 5258 §3.1.
#[derive(Clone, Copy, Default)]
struct Selection {
    subscribed: bool,
    special_use: bool,
    recursive: bool,
}

impl Selection {
    /// Whether `n` meets the selection criteria (not the pattern).
    fn meets(&self, n: &Name<'_>) -> bool {
        (!self.subscribed || n.subscribed)
            && (!self.special_use || n.mailbox.is_some_and(|m| m.special_use.is_some()))
    }

    /// The CHILDINFO items (RFC 5258 §3.5) naming the criteria that a descendant meets.
    fn child_info(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.subscribed {
            v.push("SUBSCRIBED".to_owned());
        }
        if self.special_use {
            v.push("SPECIAL-USE".to_owned());
        }
        v
    }
}

/// A name LIST or LSUB may return: a mailbox, a subscription (RFC 3501 §6.3.6: a
/// subscription may outlive its mailbox), both, or neither (the parent of one).
struct Name<'a> {
    name: String,
    mailbox: Option<&'a MailboxRecord>,
    subscribed: bool,
}

/// The names of `mailboxes`, of `subscriptions` and, with `parents`, of the ancestors
/// of the subscriptions, each once: INBOX first, then by name.
fn names<'a>(
    mailboxes: &'a [MailboxRecord],
    subscriptions: &[String],
    parents: bool,
) -> Vec<Name<'a>> {
    let mut all: BTreeMap<&str, Name<'a>> = BTreeMap::new();
    for mb in mailboxes {
        all.insert(
            &mb.name,
            Name {
                name: mb.name.clone(),
                mailbox: Some(mb),
                subscribed: false,
            },
        );
    }
    let mut ancestors = Vec::new();
    for s in subscriptions {
        all.entry(s)
            .or_insert_with(|| Name {
                name: s.clone(),
                mailbox: None,
                subscribed: false,
            })
            .subscribed = true;
        if parents {
            ancestors.extend(mailbox_name::parents(s));
        }
    }
    let mut out: Vec<Name<'a>> = all.into_values().collect();
    for a in ancestors {
        if !out.iter().any(|n| n.name == a) {
            out.push(Name {
                name: a,
                mailbox: None,
                subscribed: false,
            });
        }
    }
    out.sort_by(|a, b| (a.name != "INBOX", &a.name).cmp(&(b.name != "INBOX", &b.name)));
    out
}

/// Returns `true` if and only if `name` has a descendant among `names` for which `f`
/// holds.
fn has_descendant(name: &str, names: &[Name<'_>], f: impl Fn(&Name<'_>) -> bool) -> bool {
    let prefix = format!("{name}{DELIMITER}");
    names.iter().any(|d| d.name.starts_with(&prefix) && f(d))
}

impl Session {
    pub(crate) async fn list(&mut self, l: ListCommand) -> OpResult {
        let mut sel = Selection::default();
        for s in &l.selection {
            match s.as_str() {
                "SUBSCRIBED" => sel.subscribed = true,
                "SPECIAL-USE" => sel.special_use = true,
                "RECURSIVEMATCH" => sel.recursive = true,
                // RFC 5258 §3.1: every mailbox here is local.
                "REMOTE" => {}
                // RFC 5258 §3: an unknown selection option is a BAD.
                _ => {
                    return Err(Completion::bad(None, "unknown LIST selection option"));
                }
            }
        }
        // RFC 5258 §3.1: RECURSIVEMATCH alone is a BAD.
        if sel.recursive && !sel.subscribed && !sel.special_use {
            return Err(Completion::bad(
                None,
                "RECURSIVEMATCH needs another selection option",
            ));
        }
        let mut status = None;
        let mut show_subscribed = sel.subscribed;
        for r in &l.returns {
            match r {
                ListReturn::Subscribed => show_subscribed = true,
                // Child and special-use attributes are always returned.
                ListReturn::Children | ListReturn::SpecialUse => {}
                // RFC 5819 §2
                ListReturn::Status(items) => status = Some(items.clone()),
                // RFC 5258 §3: an unknown return option is a BAD.
                ListReturn::Other(_) => {
                    return Err(Completion::bad(None, "unknown LIST return option"));
                }
            }
        }
        let all = self.all_mailboxes().await?;
        let subs = self.subscriptions().await?;
        // RFC 5258 §3.1: SUBSCRIBED lists subscribed names, "rather than the existing
        // mailboxes", including names with no mailbox; RECURSIVEMATCH may need their
        // parents. Without it, only mailboxes are listed.
        let names = if sel.subscribed {
            names(&all, &subs, sel.recursive)
        } else {
            names(&all, &[], false)
        };
        let subscribed = |n: &Name<'_>| n.subscribed || subs.contains(&n.name);
        for n in self.matching(&names, &l.reference, &l.patterns)? {
            // RFC 5258 §3.5: with RECURSIVEMATCH, a name that matches the pattern is
            // returned also if a descendant meets the criteria, with CHILDINFO.
            let descendant_meets =
                sel.recursive && has_descendant(&n.name, &names, |d| sel.meets(d));
            if !sel.meets(n) && !descendant_meets {
                continue;
            }
            let mut item = self.list_item(n, &names);
            if show_subscribed && subscribed(n) {
                item.attributes.push("\\Subscribed".into());
            }
            if descendant_meets {
                item.extended
                    .push(ListExtended::ChildInfo(sel.child_info()));
            }
            self.data(Data::List(item));
            // RFC 5819 §2: the STATUS line follows the LIST line; a mailbox whose
            // status cannot be read is listed without it.
            if let (Some(items), Some(mb)) = (&status, n.mailbox)
                && let Ok(data) = self.status_data(mb, items).await
            {
                self.data(data);
            }
        }
        Ok(Completion::ok(None, "LIST completed"))
    }

    /// LSUB, RFC 3501 §6.3.9: the subscribed names that match, whether or not a mailbox
    /// has them; and, if 'foo/bar' is subscribed but 'foo' is not, "A '%' wildcard to
    /// LSUB must return foo, not foo/bar, in the LSUB response, and it MUST be flagged
    /// with the \Noselect attribute."
    pub(crate) async fn lsub(&mut self, reference: &str, pattern: &str) -> OpResult {
        let patterns = [pattern.to_owned()];
        let all = self.all_mailboxes().await?;
        let subs = self.subscriptions().await?;
        let names = names(&all, &subs, true);
        let matched = self.matching(&names, reference, &patterns)?;
        let full = self.full_pattern(reference, pattern)?;
        for n in matched {
            let item = if n.subscribed {
                self.list_item(n, &names)
            } else if has_descendant(&n.name, &names, |d| {
                d.subscribed && !mailbox_name::matches(&full, &d.name)
            }) {
                ListItem {
                    attributes: vec!["\\Noselect".into()],
                    delimiter: Some(DELIMITER),
                    mailbox: mailbox_name::to_wire(&n.name, self.utf8()),
                    extended: vec![],
                }
            } else {
                continue;
            };
            self.data(Data::Lsub(item));
        }
        Ok(Completion::ok(None, "LSUB completed"))
    }

    /// The LIST line of `n`: its children and special use for a mailbox; for a name
    /// no mailbox has, `\NonExistent` (RFC 5258 §3.4, which implies `\Noselect`).
    fn list_item(&self, n: &Name<'_>, names: &[Name<'_>]) -> ListItem {
        let attributes = match n.mailbox {
            Some(mb) => {
                let children = has_descendant(&n.name, names, |d| d.mailbox.is_some());
                let mut a = vec![if children {
                    "\\HasChildren".to_owned()
                } else {
                    "\\HasNoChildren".to_owned()
                }];
                a.extend(mb.special_use.clone());
                a
            }
            None => vec!["\\NonExistent".to_owned()],
        };
        ListItem {
            attributes,
            delimiter: Some(DELIMITER),
            mailbox: mailbox_name::to_wire(&n.name, self.utf8()),
            extended: vec![],
        }
    }

    /// The LIST line NOTIFY sends for `name` (RFC 5465 §5.4, §5.5): its attributes as
    /// now, `\Subscribed` when subscribed (RFC 5258 §3.4), `\NonExistent` when no
    /// mailbox has the name.
    pub(crate) fn notify_list_item(
        &self,
        name: &str,
        mailboxes: &[MailboxRecord],
        subscriptions: &[String],
    ) -> ListItem {
        let all = names(mailboxes, subscriptions, false);
        let n = Name {
            name: name.to_owned(),
            mailbox: mailboxes.iter().find(|m| m.name == name),
            subscribed: subscriptions.iter().any(|s| s == name),
        };
        let mut item = self.list_item(&n, &all);
        if n.subscribed {
            item.attributes.push("\\Subscribed".to_owned());
        }
        item
    }

    /// Every mailbox of the account.
    async fn all_mailboxes(&self) -> Result<Vec<MailboxRecord>, Completion> {
        let account_id = &self.account().id;
        self.server
            .store
            .mailboxes()
            .of_account(account_id)
            .await
            .map_err(|e| Completion::store_failed(&e))
    }

    /// The names the account subscribed to.
    async fn subscriptions(&self) -> Result<Vec<String>, Completion> {
        let account_id = &self.account().id;
        self.server
            .store
            .mailboxes()
            .subscriptions(account_id)
            .await
            .map_err(|e| Completion::store_failed(&e))
    }

    /// `reference` and `pattern` decoded and joined (RFC 9051 §6.3.9); `NO`, as for a
    /// mailbox name (see `Session::mailbox_arg`), for one that cannot be decoded.
    fn full_pattern(&self, reference: &str, pattern: &str) -> Result<String, Completion> {
        let Some(reference) = mailbox_name::pattern_from_wire(reference, self.utf8()) else {
            return Err(Completion::no(
                Some(Code::Cannot),
                "reference is not valid modified UTF-7",
            ));
        };
        let Some(pattern) = mailbox_name::pattern_from_wire(pattern, self.utf8()) else {
            return Err(Completion::no(
                Some(Code::Cannot),
                "pattern is not valid modified UTF-7",
            ));
        };
        Ok(format!("{reference}{pattern}"))
    }

    /// The names of `names` matching any of the patterns under `reference`, each once.
    /// An empty pattern asks for the delimiter (RFC 9051 §6.3.9), which is answered
    /// here. `NO` for a pattern that cannot be decoded.
    fn matching<'n, 'a>(
        &mut self,
        names: &'n [Name<'a>],
        reference: &str,
        patterns: &[String],
    ) -> Result<Vec<&'n Name<'a>>, Completion> {
        let mut out: Vec<&Name<'a>> = Vec::new();
        for pattern in patterns {
            if pattern.is_empty() {
                self.full_pattern(reference, "")?;
                self.data(Data::List(ListItem {
                    attributes: vec!["\\Noselect".into()],
                    delimiter: Some(DELIMITER),
                    mailbox: String::new(),
                    extended: vec![],
                }));
                continue;
            }
            let full = self.full_pattern(reference, pattern)?;
            for n in names {
                if mailbox_name::matches(&full, &n.name) && !out.iter().any(|m| m.name == n.name) {
                    out.push(n);
                }
            }
        }
        // In the order of `names`, whatever the order of the patterns.
        out.sort_by_key(|n| names.iter().position(|m| m.name == n.name));
        Ok(out)
    }
}
