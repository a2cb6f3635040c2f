//! The savepoint of a write in a group ([`crate::writer`]), sent with the write's first
//! batch instead of on its own.
//!
//! Each write of a group runs in a savepoint, so that one that fails, or finds it has
//! nothing to write, rolls back alone. Sent as a statement of its own, the `SAVEPOINT`
//! was one of three round trips from the writer thread to the connection's thread per
//! write, on the path every write waits for. A savepoint need only come before the
//! write's first change, not before its reads: the writer marks it *due* on its thread,
//! and the write's first [`crate::batch::Batch`] sends it as the batch's first
//! statement. A write that reads, finds nothing to change and ends has sent no savepoint
//! and needs no rollback either.
//!
//! The rule this rests on: **a write's first change goes through a batch**. A statement
//! that is not a `SELECT`, run otherwise while the savepoint is due, is seen (the writer's
//! connections report every statement they run, [`ran`]) and marks the savepoint
//! *missed*; a write that then does not keep its changes fails its whole group, since
//! its changes cannot be undone alone. (`execute_unprepared` reports nothing: write
//! bodies do not use it.)
//!
//! The savepoint is always named `w`: SQLite nests savepoints of one name and
//! `ROLLBACK TO w` goes back to the latest. A batch that carried the savepoint and
//! failed may have failed on the `SAVEPOINT` itself, and `ROLLBACK TO w` would then undo
//! the write before it: such a write, if it does not keep its changes, fails its group
//! too. (A batch fails only on an error of the database's own: a full disk, a broken
//! file, an unmet constraint, which fail a group anyway.)

use std::cell::Cell;

/// The savepoint's statement.
pub(crate) const STATEMENT: &str = "SAVEPOINT w";

/// Where the savepoint of the write that runs on this thread is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Savepoint {
    /// No write runs in a savepoint on this thread.
    Idle,
    /// It goes with the write's first batch; nothing has changed yet.
    Due,
    /// Sent with a batch that ran: `ROLLBACK TO w` undoes the write.
    Sent,
    /// Sent with a batch that failed: it may not exist.
    Unsure,
    /// A change ran before it was sent: it would come too late.
    Missed,
}

thread_local! {
    static STATE: Cell<Savepoint> = const { Cell::new(Savepoint::Idle) };
}

/// For the writer: the write about to run on this thread sends its savepoint with its
/// first batch.
pub(crate) fn make_due() {
    STATE.set(Savepoint::Due);
}

/// For the writer: where the savepoint of the write that just ran is; the thread is
/// idle again.
pub(crate) fn take() -> Savepoint {
    STATE.replace(Savepoint::Idle)
}

/// For a batch about to be sent: `true` if it must send the savepoint first (it is
/// then counted as sent; [`failed`] if the batch fails).
pub(crate) fn send_now() -> bool {
    if STATE.get() == Savepoint::Due {
        STATE.set(Savepoint::Sent);
        true
    } else {
        false
    }
}

/// For a batch that carried the savepoint and failed.
pub(crate) fn failed() {
    STATE.set(Savepoint::Unsure);
}

/// Called by the writer's connections after each statement: a change while the
/// savepoint is due misses it.
pub(crate) fn ran(info: &sea_orm::metric::Info<'_>) {
    if STATE.get() == Savepoint::Due && !is_read(&info.statement.sql) {
        STATE.set(Savepoint::Missed);
    }
}

/// Whether `sql` only reads: a `SELECT`. Anything else counts as a change.
fn is_read(sql: &str) -> bool {
    let head = sql.trim_start().get(..6).unwrap_or("");
    head.eq_ignore_ascii_case("select")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_select_counts_as_a_read() {
        assert!(is_read("SELECT \"id\" FROM \"mailbox\""));
        assert!(is_read("  select 1"));
        assert!(!is_read("UPDATE \"mailbox\" SET \"recent_uid\" = ?"));
        assert!(!is_read("WITH x AS (SELECT 1) DELETE FROM t"));
        assert!(!is_read("INSERT INTO t VALUES (1)"));
        assert!(!is_read("SEL"));
    }

    #[test]
    fn the_first_batch_takes_the_savepoint_once() {
        assert!(!send_now(), "nothing is due on an idle thread");
        make_due();
        assert!(send_now());
        assert!(!send_now(), "sent once");
        assert_eq!(take(), Savepoint::Sent);
        assert_eq!(take(), Savepoint::Idle);
    }
}
