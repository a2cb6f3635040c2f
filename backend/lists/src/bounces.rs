//! Bounces: what a message to a list's `-bounces` address reports, and what becomes of
//! a member whose address bounces. Posts reach each remote member from its own VERP
//! address (`team-bounces+<token>@`), so a bounce names the member even when the report
//! does not; a bounce to the plain address is matched by the report's recipients.
//!
//! The score follows Mailman 3: one point a day at most; a bounce more than
//! `bounce_period_days` after the last starts the count again; at `bounce_threshold`
//! the member's delivery is paused and a notice (the probe) goes to it from
//! `team-bounces+<token>-probe@`; when the probe bounces too, the member is removed.
//! Owners are told of both.

use chrono::{DateTime, Duration, Utc};
use osprey_mail::{
    DeliveryError,
    message::{field_value, split_header},
};
use osprey_store::{BounceState, DayCounter, ListMemberRecord, ListRecord, StoreError};

use crate::{requests::request_address, server::ListServer, settings::ListSettings};

/// What a message to a `-bounces` address reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A delivery status notification (RFC 3464) with these recipients failed for good
    /// (`Action: failed`), as their `Final-Recipient` names them.
    Failed(Vec<String>),
    /// A report of delays, relays or deliveries only: no bounce.
    NoFailure,
    /// No DSN, but a mailer daemon's message (from the null sender, `MAILER-DAEMON` or
    /// `postmaster`): a bounce in a form of its own, which only a VERP address ties to
    /// a member.
    Unstructured,
    /// Anything else (an automatic answer, a person writing): no bounce.
    Other,
}

/// Reads the report `message` from the envelope `sender` makes.
pub fn read(sender: &str, message: &[u8]) -> Report {
    let (header, body) = split_header(message);
    let content_type = field_value(header, "Content-Type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    // RFC 3464 §2 and RFC 6522 §3: a DSN is a multipart/report of report-type
    // delivery-status, whose second part holds one block of fields per recipient.
    if content_type.contains("multipart/report") && content_type.contains("delivery-status") {
        let failed = failed_recipients(body);
        return if failed.is_empty() {
            Report::NoFailure
        } else {
            Report::Failed(failed)
        };
    }
    let auto_reply = field_value(header, "Auto-Submitted")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("auto-replied"))
        || field_value(header, "X-Autoreply").is_some()
        || field_value(header, "X-Autorespond").is_some();
    let from = osprey_mail::summarize(message)
        .from_addr
        .unwrap_or_default()
        .to_ascii_lowercase();
    let daemon = ["mailer-daemon@", "postmaster@"]
        .iter()
        .any(|d| from.starts_with(d));
    if !auto_reply && (sender.is_empty() || daemon) {
        Report::Unstructured
    } else {
        Report::Other
    }
}

/// The `Final-Recipient` addresses of the per-recipient blocks with `Action: failed`.
fn failed_recipients(body: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(body);
    let mut out = Vec::new();
    let (mut recipient, mut failed) = (None::<String>, false);
    let mut finish = |recipient: &mut Option<String>, failed: &mut bool| {
        if let Some(r) = recipient.take()
            && *failed
            && !out.contains(&r)
        {
            out.push(r);
        }
        *failed = false;
    };
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            finish(&mut recipient, &mut failed);
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("Final-Recipient") {
            // RFC 3464 §2.3.2: `address-type ; generic-address`.
            let address = value.split_once(';').map_or(value, |(_, a)| a).trim();
            let address = address.trim_matches(['<', '>']).to_ascii_lowercase();
            recipient = (!address.is_empty()).then_some(address);
        } else if name.eq_ignore_ascii_case("Action") {
            failed = value.eq_ignore_ascii_case("failed");
        }
    }
    finish(&mut recipient, &mut failed);
    out
}

/// What one bounce does to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Nothing (a second bounce the same day, a member paused already, a probe of a
    /// member that answered it).
    Ignored,
    /// The score rose; delivery goes on.
    Counted(BounceState),
    /// The score reached the threshold: delivery pauses and the probe goes out.
    Paused(BounceState),
    /// The probe bounced: the member goes.
    Removed,
}

/// The step a bounce at `now` makes for `member`; `probe`: the bounce is the probe's.
pub fn step(
    member: &ListMemberRecord,
    probe: bool,
    now: DateTime<Utc>,
    settings: &ListSettings,
) -> Step {
    let paused = member.status == "disabled";
    if probe {
        return if paused { Step::Removed } else { Step::Ignored };
    }
    if paused {
        return Step::Ignored;
    }
    let last = member.last_bounce_at;
    if last.is_some_and(|l| l.date_naive() == now.date_naive()) {
        return Step::Ignored;
    }
    let period = Duration::days(i64::from(settings.bounce_period_days));
    let score = match last {
        Some(l) if now - l <= period => member.bounce_score.saturating_add(1),
        _ => 1,
    };
    let reached = u32::try_from(score).unwrap_or(0) >= settings.bounce_threshold;
    let state = BounceState {
        bounce_score: score,
        last_bounce_at: Some(now),
        status: if reached { "disabled" } else { "active" }.into(),
    };
    if reached {
        Step::Paused(state)
    } else {
        Step::Counted(state)
    }
}

impl ListServer {
    /// Takes mail to the list's `-bounces` address `address` from `sender`.
    pub(crate) async fn bounce(
        &self,
        list: &ListRecord,
        address: &str,
        sender: &str,
        message: &[u8],
    ) -> Result<(), DeliveryError> {
        let report = read(sender, message);
        let lists = self.store().lists();
        let local = address.rsplit_once('@').map_or(address, |(l, _)| l);
        let verp = local.split_once('+').map(|(_, detail)| verp_detail(detail));
        let (members, probe) = match (&verp, &report) {
            (_, Report::NoFailure | Report::Other) => (Vec::new(), false),
            (Some((token, probe)), _) => {
                let member = lists
                    .member_by_token(token)
                    .await?
                    .filter(|m| m.list_id == list.id);
                (member.into_iter().collect(), *probe)
            }
            (None, Report::Failed(recipients)) => {
                let mut found = Vec::new();
                for r in recipients {
                    if let Some(m) = lists.member(&list.id, r).await? {
                        found.push(m);
                    }
                }
                (found, false)
            }
            (None, Report::Unstructured) => (Vec::new(), false),
        };
        if members.is_empty() {
            tracing::info!(list = %list.address(), ?report, %address, "mail to the bounce address names no member");
            return Ok(());
        }
        let settings = ListSettings::read(&list.settings);
        for member in members {
            let step = step(&member, probe, Utc::now(), &settings);
            if step != Step::Ignored {
                self.store()
                    .list_posts()
                    .count(&list.id, DayCounter::Bounces)
                    .await?;
            }
            match step {
                Step::Ignored => {}
                Step::Counted(state) => {
                    tracing::info!(list = %list.address(), member = %member.address, score = state.bounce_score, "a member's address bounced");
                    lists
                        .set_bounce_state(&list.id, &member.address, state)
                        .await?;
                }
                Step::Paused(state) => {
                    let score = state.bounce_score;
                    lists
                        .set_bounce_state(&list.id, &member.address, state)
                        .await?;
                    tracing::warn!(list = %list.address(), member = %member.address, score, "delivery to a bouncing member paused");
                    self.probe(list, &member).await?;
                    let note = format!(
                        "Mail from {posting} to {who} bounced on {score} days, so it gets no more posts \
                         for now. It was sent a notice; if that bounces too, it will be removed \
                         from the list.",
                        posting = list.address(),
                        who = member.address,
                    );
                    self.tell_owners(
                        list,
                        &settings,
                        &format!("{} paused", member.address),
                        &note,
                    )
                    .await?;
                }
                Step::Removed => {
                    match lists.remove_member(&list.id, &member.address).await {
                        Ok(()) | Err(StoreError::NotFound) => {}
                        Err(e) => return Err(e.into()),
                    }
                    tracing::warn!(list = %list.address(), member = %member.address, "a bouncing member removed");
                    let note = format!(
                        "{who} was removed from {posting}: its mail bounced, and so did the notice \
                         sent when its delivery was paused.",
                        posting = list.address(),
                        who = member.address,
                    );
                    self.tell_owners(
                        list,
                        &settings,
                        &format!("{} removed", member.address),
                        &note,
                    )
                    .await?;
                }
            }
        }
        Ok(())
    }

    /// Tells a member whose delivery paused how to get posts again, from the member's
    /// probe address: if this bounces too, the member goes.
    async fn probe(
        &self,
        list: &ListRecord,
        member: &ListMemberRecord,
    ) -> Result<(), DeliveryError> {
        let token = self
            .pending_token(list, &member.address.to_ascii_lowercase(), "enable")
            .await?;
        let text = format!(
            "Mail from {posting} to {who} has been bouncing, so {who} gets no posts from \
             the list for now; it is still a member. To get them again, reply to this \
             message keeping its subject, or send a message to {request} with the subject \
             \"confirm {token}\".{link}",
            posting = list.address(),
            who = member.address,
            request = request_address(list),
            link = self.link_offer(&token),
        );
        let sender = member
            .token
            .as_deref()
            .and_then(|t| verp_address(&list.local_part, &list.domain, t, true));
        self.tell_from(
            list,
            sender,
            &member.address,
            &format!("confirm {token}"),
            &text,
        )
        .await
    }

    /// Tells each owner of the list.
    async fn tell_owners(
        &self,
        list: &ListRecord,
        settings: &ListSettings,
        subject: &str,
        text: &str,
    ) -> Result<(), DeliveryError> {
        for owner in &settings.owners {
            self.tell(list, owner, subject, text).await?;
        }
        Ok(())
    }
}

/// The state of a member whose delivery resumes (it answered the probe, said `set each`,
/// or an owner resumed it): active, the count started again.
pub(crate) fn resumed() -> BounceState {
    BounceState {
        bounce_score: 0,
        last_bounce_at: None,
        status: "active".into(),
    }
}

/// The VERP address a member's posts come from, if it fits in a local part (RFC 5321
/// §4.5.3.1.1: 64 octets).
pub fn verp_address(local: &str, domain: &str, token: &str, probe: bool) -> Option<String> {
    let suffix = if probe { PROBE_SUFFIX } else { "" };
    let local = format!("{local}-bounces+{token}{suffix}");
    (local.len() <= 64).then(|| format!("{local}@{domain}"))
}

const PROBE_SUFFIX: &str = "-probe";

/// The member token and whether it is a probe's, from the detail of a VERP address
/// (what follows the `+`).
pub fn verp_detail(detail: &str) -> (String, bool) {
    let detail = detail.to_ascii_lowercase();
    match detail.strip_suffix(PROBE_SUFFIX) {
        Some(token) => (token.to_owned(), true),
        None => (detail, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(score: i32, last: Option<DateTime<Utc>>, status: &str) -> ListMemberRecord {
        ListMemberRecord {
            list_id: "l".into(),
            address: "bob@far.example".into(),
            display_name: None,
            delivery_mode: "each".into(),
            status: status.into(),
            bounce_score: score,
            joined_at: Utc::now(),
            token: Some("00112233445566778899".into()),
            last_bounce_at: last,
        }
    }

    const DSN: &str = "From: MAILER-DAEMON@mx.far.example\r\n\
        Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nAction: failed appears in prose too.\r\n\
        --b\r\nContent-Type: message/delivery-status\r\n\r\n\
        Reporting-MTA: dns; mx.far.example\r\n\r\n\
        Final-Recipient: rfc822; Bob@far.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
        Final-Recipient: rfc822;carol@far.example\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n\
        --b--\r\n";

    #[test]
    fn a_dsn_names_the_recipients_that_failed_and_no_others() {
        // RFC 3464 §2.3.3: "failed" indicates that the message could not be delivered;
        // "delayed" that it has not been delivered yet.
        assert_eq!(
            read("", DSN.as_bytes()),
            Report::Failed(vec!["bob@far.example".into()])
        );
        let delayed = DSN.replace("Action: failed\r\n", "Action: delayed\r\n");
        assert_eq!(read("", delayed.as_bytes()), Report::NoFailure);
    }

    #[test]
    fn a_daemon_message_is_a_bounce_and_an_out_of_office_answer_is_not() {
        let daemon =
            b"From: MAILER-DAEMON@mx.far.example\r\nSubject: failure notice\r\n\r\nHi.\r\n";
        assert_eq!(read("", daemon), Report::Unstructured);
        let away = b"From: bob@far.example\r\nAuto-Submitted: auto-replied\r\n\r\nAway.\r\n";
        assert_eq!(read("", away), Report::Other);
        let person = b"From: bob@far.example\r\n\r\nHello.\r\n";
        assert_eq!(read("bob@far.example", person), Report::Other);
    }

    #[test]
    fn one_point_a_day_the_count_restarts_after_the_period_and_the_threshold_pauses() {
        let settings = ListSettings {
            bounce_threshold: 3,
            bounce_period_days: 7,
            ..ListSettings::default()
        };
        let now = Utc::now();
        let same_day = member(1, Some(now), "active");
        assert_eq!(step(&same_day, false, now, &settings), Step::Ignored);
        let yesterday = member(1, Some(now - Duration::days(1)), "active");
        let Step::Counted(s) = step(&yesterday, false, now, &settings) else {
            panic!("counted");
        };
        assert_eq!(s.bounce_score, 2);
        let stale = member(2, Some(now - Duration::days(8)), "active");
        let Step::Counted(s) = step(&stale, false, now, &settings) else {
            panic!("counted");
        };
        assert_eq!(s.bounce_score, 1);
        let near = member(2, Some(now - Duration::days(2)), "active");
        let Step::Paused(s) = step(&near, false, now, &settings) else {
            panic!("paused");
        };
        assert_eq!((s.bounce_score, s.status.as_str()), (3, "disabled"));
    }

    #[test]
    fn only_the_probe_of_a_paused_member_removes_it() {
        let settings = ListSettings::default();
        let now = Utc::now();
        let paused = member(5, Some(now), "disabled");
        assert_eq!(step(&paused, false, now, &settings), Step::Ignored);
        assert_eq!(step(&paused, true, now, &settings), Step::Removed);
        let active = member(0, None, "active");
        assert_eq!(step(&active, true, now, &settings), Step::Ignored);
    }

    #[test]
    fn a_verp_address_fits_a_local_part_or_is_not_made() {
        let token = "00112233445566778899";
        assert_eq!(
            verp_address("team", "example.com", token, true).as_deref(),
            Some("team-bounces+00112233445566778899-probe@example.com")
        );
        assert_eq!(
            verp_detail("00112233445566778899-PROBE"),
            (token.to_owned(), true)
        );
        assert!(verp_address(&"a".repeat(40), "example.com", token, false).is_none());
    }
}
