//! Forwarding loop checks.

use osprey_rules::{
    MessageView,
    loops::{DEFAULT_MAX_HOPS, LoopReason, check_forwarding, loop_field},
};

use crate::support::*;

#[test]
fn a_message_that_came_back_is_not_forwarded_again() {
    let (name, value) = loop_field(RCPT);
    let raw = message(&format!("{name}: {}\r\n", value.to_uppercase()), "");
    let view = MessageView::parse(&raw);
    assert_eq!(
        check_forwarding(&view, RCPT, None, DEFAULT_MAX_HOPS),
        Err(LoopReason::DeliveredTo)
    );
    assert_eq!(
        check_forwarding(&view, "other@example.org", None, DEFAULT_MAX_HOPS),
        Ok(())
    );
}

#[test]
fn x_loop_and_hop_count() {
    let raw = message("X-Loop: osprey-rules\r\n", "");
    let view = MessageView::parse(&raw);
    assert_eq!(
        check_forwarding(&view, RCPT, Some("osprey-rules"), 50),
        Err(LoopReason::XLoop)
    );
    let received = "Received: from a by b; Tue, 10 Mar 2026 12:00:00 +0000\r\n".repeat(6);
    let raw = message(&received, "");
    let view = MessageView::parse(&raw);
    assert_eq!(
        check_forwarding(&view, RCPT, None, 5),
        Err(LoopReason::TooManyHops { hops: 6 })
    );
    assert_eq!(check_forwarding(&view, RCPT, None, 6), Ok(()));
}
