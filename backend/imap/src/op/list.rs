//! LIST, RFC 9051 §6.3.9 (with the SUBSCRIBED and SPECIAL-USE selection options of
//! RFC 5258 §3.1 and RFC 6154 §5), and the rev1 LSUB (RFC 3501 §6.3.9): child
//! attributes and special-use attributes (RFC 6154 §2) on every mailbox.

use osprey_proto::imap::{Data, ListCommand, ListItem, ListReturn, Tag};
use osprey_store::MailboxRecord;

use crate::{
    mailbox_name::{self, DELIMITER},
    session::{Next, Session},
};

impl Session {
    pub(crate) async fn list(&mut self, tag: &Tag, l: ListCommand) -> Next {
        let subscribed_only = l.selection.iter().any(|s| s == "SUBSCRIBED");
        let special_only = l.selection.iter().any(|s| s == "SPECIAL-USE");
        let show_subscribed = subscribed_only || l.returns.contains(&ListReturn::Subscribed);
        let Some(items) = self
            .matching(tag, &l.reference, &l.patterns, subscribed_only)
            .await
        else {
            return Next::Continue;
        };
        for (mb, children) in items {
            if special_only && mb.special_use.is_none() {
                continue;
            }
            let mut item = self.list_item(&mb, children);
            if show_subscribed && mb.subscribed {
                item.attributes.push("\\Subscribed".into());
            }
            self.data(Data::List(item));
        }
        self.ok(tag, None, "LIST completed");
        Next::Continue
    }

    pub(crate) async fn lsub(&mut self, tag: &Tag, reference: &str, pattern: &str) -> Next {
        let patterns = [pattern.to_owned()];
        let Some(items) = self.matching(tag, reference, &patterns, true).await else {
            return Next::Continue;
        };
        for (mb, children) in items {
            let item = self.list_item(&mb, children);
            self.data(Data::Lsub(item));
        }
        self.ok(tag, None, "LSUB completed");
        Next::Continue
    }

    fn list_item(&self, mb: &MailboxRecord, children: bool) -> ListItem {
        let mut attributes = vec![if children {
            "\\HasChildren".to_owned()
        } else {
            "\\HasNoChildren".to_owned()
        }];
        attributes.extend(mb.special_use.clone());
        ListItem {
            attributes,
            delimiter: Some(DELIMITER),
            mailbox: mailbox_name::to_wire(&mb.name, self.rev2),
            extended: vec![],
        }
    }

    /// The mailboxes matching any of the patterns under `reference`, with whether each
    /// has children. An empty pattern asks for the delimiter (RFC 9051 §6.3.9), which
    /// is answered here. `None` if the command has been answered with an error.
    async fn matching(
        &mut self,
        tag: &Tag,
        reference: &str,
        patterns: &[String],
        subscribed_only: bool,
    ) -> Option<Vec<(MailboxRecord, bool)>> {
        let account_id = self.account().id.clone();
        let all = match self.server.store.mailboxes(&account_id).await {
            Ok(all) => all,
            Err(e) => {
                self.store_failed(tag, &e);
                return None;
            }
        };
        let Some(reference) = mailbox_name::pattern_from_wire(reference, self.rev2) else {
            self.bad(tag, None, "reference is not valid modified UTF-7");
            return None;
        };
        let mut out: Vec<(MailboxRecord, bool)> = Vec::new();
        for pattern in patterns {
            if pattern.is_empty() {
                self.data(Data::List(ListItem {
                    attributes: vec!["\\Noselect".into()],
                    delimiter: Some(DELIMITER),
                    mailbox: String::new(),
                    extended: vec![],
                }));
                continue;
            }
            let Some(pattern) = mailbox_name::pattern_from_wire(pattern, self.rev2) else {
                self.bad(tag, None, "pattern is not valid modified UTF-7");
                return None;
            };
            let full = format!("{reference}{pattern}");
            for mb in &all {
                if (subscribed_only && !mb.subscribed)
                    || !mailbox_name::matches(&full, &mb.name)
                    || out.iter().any(|(m, _)| m.id == mb.id)
                {
                    continue;
                }
                let children =
                    mailbox_name::has_children(&mb.name, all.iter().map(|m| m.name.as_str()));
                out.push((mb.clone(), children));
            }
        }
        Some(out)
    }
}
