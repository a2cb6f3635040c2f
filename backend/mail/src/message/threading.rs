//! The threading algorithms of RFC 5256 §3 over a set of messages: ORDEREDSUBJECT (by
//! base subject, then date) and REFERENCES (the parent/child links of Message-ID and
//! References, then grouping by base subject). The result is a plain tree; IMAP THREAD
//! writes it in its wire form, which this module does not know.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use osprey_core::subject::{base_subject, subject_key};

/// A thread: a message and its replies. `id: None` is a dummy, standing for a message
/// only referred to, or gathering siblings without a common parent (RFC 5256 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub id: Option<u32>,
    pub children: Vec<Thread>,
}

/// One message to thread.
#[derive(Debug, Clone)]
pub struct ThreadMsg {
    /// What the answer names it by: sequence number or UID.
    pub id: u32,
    /// Sequence number: breaks ties between equal dates.
    pub seq: u32,
    /// Sent date, or the internal date without one (RFC 5256 §2.2).
    pub date: DateTime<Utc>,
    pub subject: String,
    pub message_id: Option<String>,
    /// The References field's message IDs, oldest first.
    pub references: Vec<String>,
}

/// The message IDs of a References field (or a Message-ID), without angle brackets.
pub fn message_ids(field: &str) -> Vec<String> {
    field
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|id| id.trim_start_matches('<').trim_end_matches('>'))
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect()
}

/// ORDEREDSUBJECT, RFC 5256 §3: messages with the same base subject form one thread,
/// the first by date the parent of the others; threads are ordered by their first
/// message's date.
pub fn ordered_subject(msgs: &[ThreadMsg]) -> Vec<Thread> {
    let mut sorted: Vec<&ThreadMsg> = msgs.iter().collect();
    sorted.sort_by_key(|m| (subject_key(&m.subject), m.date, m.seq));
    let mut threads: Vec<(&ThreadMsg, Thread)> = Vec::new();
    let mut last_key = None;
    for m in sorted {
        let key = subject_key(&m.subject);
        if last_key.as_ref() == Some(&key)
            && let Some((_, t)) = threads.last_mut()
        {
            t.children.push(leaf(m.id));
            continue;
        }
        threads.push((m, leaf(m.id)));
        last_key = Some(key);
    }
    threads.sort_by_key(|(m, _)| (m.date, m.seq));
    threads.into_iter().map(|(_, t)| t).collect()
}

fn leaf(id: u32) -> Thread {
    Thread {
        id: Some(id),
        children: Vec::new(),
    }
}

/// A container of the REFERENCES algorithm: a message, or a dummy for one only
/// referred to.
#[derive(Default)]
struct Node {
    msg: Option<usize>,
    parent: Option<usize>,
    children: Vec<usize>,
}

struct Tree<'a> {
    msgs: &'a [ThreadMsg],
    nodes: Vec<Node>,
}

impl Tree<'_> {
    fn new_node(&mut self, msg: Option<usize>) -> usize {
        self.nodes.push(Node {
            msg,
            ..Node::default()
        });
        self.nodes.len() - 1
    }

    /// Returns `true` if `a` is `b` or one of its ancestors.
    fn is_ancestor(&self, a: usize, b: usize) -> bool {
        let mut at = Some(b);
        while let Some(n) = at {
            if n == a {
                return true;
            }
            at = self.nodes[n].parent;
        }
        false
    }

    fn unlink(&mut self, child: usize) {
        if let Some(p) = self.nodes[child].parent.take() {
            self.nodes[p].children.retain(|&c| c != child);
        }
    }

    fn link(&mut self, parent: usize, child: usize) {
        self.unlink(child);
        self.nodes[child].parent = Some(parent);
        self.nodes[parent].children.push(child);
    }

    /// The date a container sorts by: its message's, or a dummy's first child's.
    fn date(&self, n: usize) -> (DateTime<Utc>, u32) {
        match self.nodes[n].msg {
            Some(m) => (self.msgs[m].date, self.msgs[m].seq),
            None => self.nodes[n]
                .children
                .first()
                .map_or((DateTime::<Utc>::MIN_UTC, 0), |&c| self.date(c)),
        }
    }

    /// The base subject of a container (a dummy's is its first child's), and whether
    /// it was a reply or forward.
    fn subject(&self, n: usize) -> Option<(String, bool)> {
        let m = match self.nodes[n].msg {
            Some(m) => m,
            None => self.nodes[*self.nodes[n].children.first()?].msg?,
        };
        let (base, marked) = base_subject(&self.msgs[m].subject);
        (!base.is_empty()).then(|| (base.to_ascii_uppercase(), marked))
    }

    /// Step 4 (RFC 5256 §3 REFERENCES): dummies without children go, dummies with
    /// children give way to them, except a root dummy with several children.
    fn prune(&mut self, list: Vec<usize>, root: bool) -> Vec<usize> {
        let mut out = Vec::new();
        for n in list {
            let children = std::mem::take(&mut self.nodes[n].children);
            let children = self.prune(children, false);
            self.nodes[n].children = children;
            if self.nodes[n].msg.is_some() || (root && self.nodes[n].children.len() > 1) {
                out.push(n);
                continue;
            }
            let children = std::mem::take(&mut self.nodes[n].children);
            for &c in &children {
                self.nodes[c].parent = self.nodes[n].parent;
            }
            if root && children.len() == 1 {
                // The only child becomes the root: prune it as one.
                out.extend(self.prune(children, true));
            } else {
                out.extend(children);
            }
        }
        out
    }

    /// Step 6: siblings ordered by date, at every level.
    fn sort(&mut self, list: &mut [usize]) {
        for &n in list.iter() {
            let mut children = std::mem::take(&mut self.nodes[n].children);
            self.sort(&mut children);
            self.nodes[n].children = children;
        }
        list.sort_by_key(|&n| self.date(n));
    }

    fn to_thread(&self, n: usize) -> Thread {
        Thread {
            id: self.nodes[n].msg.map(|m| self.msgs[m].id),
            children: self.nodes[n]
                .children
                .iter()
                .map(|&c| self.to_thread(c))
                .collect(),
        }
    }
}

/// REFERENCES, RFC 5256 §3.
pub fn references(msgs: &[ThreadMsg]) -> Vec<Thread> {
    let mut t = Tree {
        msgs,
        nodes: Vec::new(),
    };
    let mut ids: HashMap<String, usize> = HashMap::new();
    // Step 1: a container per message ID, linked as References says.
    for (i, m) in msgs.iter().enumerate() {
        // 1A: a message without an ID, or with one seen on another message, gets a
        // container of its own.
        let own = match m.message_id.as_ref().and_then(|id| ids.get(id).copied()) {
            Some(n) if t.nodes[n].msg.is_none() => {
                t.nodes[n].msg = Some(i);
                n
            }
            _ => {
                let n = t.new_node(Some(i));
                if let Some(id) = &m.message_id {
                    ids.entry(id.clone()).or_insert(n);
                }
                n
            }
        };
        // 1B: each reference the parent of the next, where not linked already and no
        // loop results.
        let mut refs = Vec::new();
        for r in &m.references {
            let n = match ids.get(r) {
                Some(&n) => n,
                None => {
                    let n = t.new_node(None);
                    ids.insert(r.clone(), n);
                    n
                }
            };
            refs.push(n);
        }
        for w in refs.windows(2) {
            let (p, c) = (w[0], w[1]);
            if t.nodes[c].parent.is_none() && !t.is_ancestor(c, p) {
                t.link(p, c);
            }
        }
        // 1C: the last reference is the parent; none means no parent.
        t.unlink(own);
        if let Some(&p) = refs.last()
            && !t.is_ancestor(own, p)
        {
            t.link(p, own);
        }
    }
    // Step 2: the roots; step 4: pruning.
    let roots: Vec<usize> = (0..t.nodes.len())
        .filter(|&n| t.nodes[n].parent.is_none())
        .collect();
    let mut roots = t.prune(roots, true);
    // Step 5: roots with the same base subject are gathered.
    let mut table: HashMap<String, usize> = HashMap::new();
    for &r in &roots {
        let Some((s, marked)) = t.subject(r) else {
            continue;
        };
        match table.get(&s) {
            None => {
                table.insert(s, r);
            }
            Some(&old) => {
                let old_dummy = t.nodes[old].msg.is_none();
                let old_marked = t.subject(old).is_some_and(|(_, m)| m);
                if (t.nodes[r].msg.is_none() && !old_dummy) || (old_marked && !marked && !old_dummy)
                {
                    table.insert(s, r);
                }
            }
        }
    }
    let mut gone = vec![false; t.nodes.len()];
    let mut i = 0;
    while i < roots.len() {
        let r = roots[i];
        i += 1;
        let Some((s, marked)) = t.subject(r) else {
            continue;
        };
        let Some(&keep) = table.get(&s) else { continue };
        if keep == r || gone[r] {
            continue;
        }
        let (keep_dummy, r_dummy) = (t.nodes[keep].msg.is_none(), t.nodes[r].msg.is_none());
        let keep_marked = t.subject(keep).is_some_and(|(_, m)| m);
        if keep_dummy && r_dummy {
            // 5C(a): both dummies: one takes the other's children.
            for c in std::mem::take(&mut t.nodes[r].children) {
                t.nodes[c].parent = None;
                t.link(keep, c);
            }
        } else if keep_dummy || (!keep_marked && marked) {
            // 5C(b), 5C(c): under the dummy, or the reply under the original.
            t.link(keep, r);
        } else if r_dummy {
            t.link(r, keep);
            table.insert(s, r);
            gone.resize(t.nodes.len(), false);
            gone[keep] = true;
            continue;
        } else {
            // 5C(d): both become children of a new dummy, which takes the first's place.
            let d = t.new_node(None);
            gone.resize(t.nodes.len(), false);
            t.link(d, keep);
            t.link(d, r);
            if let Some(slot) = roots.iter_mut().find(|x| **x == keep) {
                *slot = d;
            }
            table.insert(s, d);
        }
        gone[r] = true;
    }
    gone.resize(t.nodes.len(), false);
    roots.retain(|&r| !gone[r] && t.nodes[r].parent.is_none());
    // Step 6.
    t.sort(&mut roots);
    roots.iter().map(|&r| t.to_thread(r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: u32, day: i64, subject: &str, mid: &str, refs: &str) -> ThreadMsg {
        ThreadMsg {
            id,
            seq: id,
            date: DateTime::<Utc>::from_timestamp(1_700_000_000 + day * 86_400, 0).unwrap(),
            subject: subject.to_owned(),
            message_id: (!mid.is_empty()).then(|| mid.to_owned()),
            references: message_ids(refs),
        }
    }

    /// The threads in the notation of RFC 5256 §4, e.g. `(1 (2 3)(4))(5)`: a chain of
    /// single replies in one list, branches in lists of their own.
    fn wire(threads: &[Thread]) -> String {
        fn thread(out: &mut String, t: &Thread) {
            match t.id {
                Some(id) => {
                    out.push('(');
                    members(out, id, &t.children);
                    out.push(')');
                }
                None => match t.children.as_slice() {
                    [] => {}
                    [only] => thread(out, only),
                    many => {
                        out.push('(');
                        many.iter().for_each(|c| thread(out, c));
                        out.push(')');
                    }
                },
            }
        }
        fn members(out: &mut String, id: u32, mut children: &[Thread]) {
            out.push_str(&id.to_string());
            loop {
                match children {
                    [] => return,
                    [
                        Thread {
                            id: Some(next),
                            children: grand,
                        },
                    ] => {
                        out.push_str(&format!(" {next}"));
                        children = grand;
                    }
                    many => {
                        let mut nested = String::new();
                        many.iter().for_each(|c| thread(&mut nested, c));
                        if !nested.is_empty() {
                            out.push(' ');
                            out.push_str(&nested);
                        }
                        return;
                    }
                }
            }
        }
        let mut out = String::new();
        threads.iter().for_each(|t| thread(&mut out, t));
        out
    }

    #[test]
    fn ordered_subject_groups_by_base_subject() {
        let msgs = [
            msg(1, 0, "Hello", "a", ""),
            msg(2, 3, "Other", "b", ""),
            msg(3, 1, "Re: hello", "c", ""),
            msg(4, 2, "Fwd: Hello", "d", ""),
        ];
        assert_eq!(wire(&ordered_subject(&msgs)), "(1 (3)(4))(2)");
    }

    #[test]
    fn references_follow_the_links() {
        let msgs = [
            msg(1, 0, "Plan", "a@x", ""),
            msg(2, 1, "Re: Plan", "b@x", "<a@x>"),
            msg(3, 2, "Re: Plan", "c@x", "<a@x> <b@x>"),
            msg(4, 3, "Re: Plan", "d@x", "<a@x>"),
            msg(5, 4, "Unrelated", "e@x", ""),
            // Its parent is missing: a dummy, pruned away.
            msg(6, 5, "Re: Lost", "f@x", "<gone@x>"),
        ];
        assert_eq!(wire(&references(&msgs)), "(1 (2 3)(4))(5)(6)");
    }

    #[test]
    fn references_gather_by_subject() {
        let msgs = [
            msg(1, 0, "Party", "a@x", ""),
            // No References, but a reply by subject: under the original.
            msg(2, 1, "Re: Party", "b@x", ""),
            // Two originals of one subject: siblings under a dummy.
            msg(3, 2, "Lunch", "c@x", ""),
            msg(4, 3, "Lunch", "d@x", ""),
        ];
        assert_eq!(wire(&references(&msgs)), "(1 2)((3)(4))");
    }

    #[test]
    fn references_ignore_loops() {
        let msgs = [
            msg(1, 0, "A", "a@x", "<b@x>"),
            msg(2, 1, "B", "b@x", "<a@x>"),
        ];
        let w = wire(&references(&msgs));
        assert!(w == "(2 1)" || w == "(1 2)", "{w}");
    }
}
