//! LIST, RFC 9051 §6.3.9, with LIST-EXTENDED (RFC 5258: selection options SUBSCRIBED,
//! REMOTE, RECURSIVEMATCH, SPECIAL-USE; return options SUBSCRIBED, CHILDREN,
//! SPECIAL-USE; several patterns; CHILDINFO), LIST-STATUS (RFC 5819) and the
//! special-use attributes of RFC 6154 §2 on every mailbox; and the rev1 LSUB
//! (RFC 3501 §6.3.9).

use osprey_proto::imap::{Data, ListCommand, ListExtended, ListItem, ListReturn};
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
    /// Whether `mb` meets the selection criteria (not the pattern).
    fn meets(&self, mb: &MailboxRecord, subscriptions: &[String]) -> bool {
        (!self.subscribed || subscriptions.contains(&mb.name))
            && (!self.special_use || mb.special_use.is_some())
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
        let items = self.matching(&all, &l.reference, &l.patterns)?;
        for (mb, children) in items {
            // RFC 5258 §3.5: with RECURSIVEMATCH, a mailbox that matches the pattern is
            // returned also if a descendant meets the criteria, with CHILDINFO.
            let prefix = format!("{}{DELIMITER}", mb.name);
            let descendant_meets = sel.recursive
                && all
                    .iter()
                    .any(|d| d.name.starts_with(&prefix) && sel.meets(d, &subs));
            if !sel.meets(&mb, &subs) && !descendant_meets {
                continue;
            }
            let mut item = self.list_item(&mb, children);
            if show_subscribed && subs.contains(&mb.name) {
                item.attributes.push("\\Subscribed".into());
            }
            if descendant_meets {
                item.extended
                    .push(ListExtended::ChildInfo(sel.child_info()));
            }
            self.data(Data::List(item));
            // RFC 5819 §2: the STATUS line follows the LIST line; a mailbox whose
            // status cannot be read is listed without it.
            if let Some(items) = &status
                && let Ok(data) = self.status_data(&mb, items).await
            {
                self.data(data);
            }
        }
        Ok(Completion::ok(None, "LIST completed"))
    }

    pub(crate) async fn lsub(&mut self, reference: &str, pattern: &str) -> OpResult {
        let patterns = [pattern.to_owned()];
        let all = self.all_mailboxes().await?;
        let subs = self.subscriptions().await?;
        let items = self.matching(&all, reference, &patterns)?;
        for (mb, children) in items {
            if subs.contains(&mb.name) {
                let item = self.list_item(&mb, children);
                self.data(Data::Lsub(item));
            }
        }
        Ok(Completion::ok(None, "LSUB completed"))
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
            mailbox: mailbox_name::to_wire(&mb.name, self.utf8()),
            extended: vec![],
        }
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

    /// The mailboxes of `all` matching any of the patterns under `reference`, each once,
    /// with whether it has children. An empty pattern asks for the delimiter
    /// (RFC 9051 §6.3.9), which is answered here. `BAD` for a name that cannot be
    /// decoded.
    fn matching(
        &mut self,
        all: &[MailboxRecord],
        reference: &str,
        patterns: &[String],
    ) -> Result<Vec<(MailboxRecord, bool)>, Completion> {
        let Some(reference) = mailbox_name::pattern_from_wire(reference, self.utf8()) else {
            return Err(Completion::bad(
                None,
                "reference is not valid modified UTF-7",
            ));
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
            let Some(pattern) = mailbox_name::pattern_from_wire(pattern, self.utf8()) else {
                return Err(Completion::bad(None, "pattern is not valid modified UTF-7"));
            };
            let full = format!("{reference}{pattern}");
            for mb in all {
                if !mailbox_name::matches(&full, &mb.name) || out.iter().any(|(m, _)| m.id == mb.id)
                {
                    continue;
                }
                let children =
                    mailbox_name::has_children(&mb.name, all.iter().map(|m| m.name.as_str()));
                out.push((mb.clone(), children));
            }
        }
        Ok(out)
    }
}
