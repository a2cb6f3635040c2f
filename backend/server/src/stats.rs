//! `osprey stats`: the dashboard's figures at the command line. What they are, and who
//! may read them, is the directory's.

use chrono::Utc;
use osprey_directory::{
    Actor,
    activity::{ActivityRange, ActivityReport},
};

use crate::{
    config::Config,
    serve::{directory, open_store},
};

/// Runs `osprey stats [--range 24h|30d] [--json]`.
pub async fn run(config: &Config, range: &str, json: bool) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let range = match range {
        "30d" => ActivityRange::Month,
        _ => ActivityRange::Day,
    };
    let report = directory(&store)
        .activity(
            &Actor::Operator,
            range,
            Utc::now(),
            config.activity.interval(),
        )
        .await?;
    if json {
        let view = osprey_api::dto::server_stats(report);
        println!("{}", serde_json::to_string_pretty(&view)?);
    } else {
        print!("{}", text(&report));
    }
    Ok(())
}

/// The report as tab-separated lines: a header and a line per span, then the rest.
fn text(r: &ActivityReport) -> String {
    let mut out = String::new();
    let span = if r.range == ActivityRange::Day {
        "hour"
    } else {
        "day"
    };
    out.push_str(&format!(
        "{span}\treceived\tsubmitted\tsent\tbounced\trejected\tlogins\tfailed logins\tqueue\tsmtp\timap\tpop3\n"
    ));
    for p in &r.points {
        let at = if r.range == ActivityRange::Day {
            p.start.format("%Y-%m-%d %H:00").to_string()
        } else {
            p.start.format("%Y-%m-%d").to_string()
        };
        let (c, l) = (&p.counts, &p.peaks);
        out.push_str(&format!(
            "{at}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            c.received,
            c.submitted,
            c.sent,
            c.bounced,
            c.rejected,
            c.logins,
            c.failed_logins,
            l.queue,
            l.smtp,
            l.imap,
            l.pop3
        ));
    }
    let t = &r.totals;
    out.push_str(&format!(
        "total\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
        t.received, t.submitted, t.sent, t.bounced, t.rejected, t.logins, t.failed_logins
    ));
    let n = &r.now;
    match r.sampled_at {
        Some(at) => out.push_str(&format!(
            "now ({})\tqueue {}\tsmtp {}\timap {}\tpop3 {}\tmanagesieve {}\n",
            at.format("%H:%M:%S UTC"),
            n.queue,
            n.smtp,
            n.imap,
            n.pop3,
            n.managesieve
        )),
        None => out.push_str("now\tno server has sampled lately\n"),
    }
    for d in &r.storage {
        out.push_str(&format!(
            "storage\t{}\t{} accounts\t{} bytes\n",
            d.domain, d.accounts, d.used_bytes
        ));
    }
    for m in &r.largest_mailboxes {
        out.push_str(&format!("mailbox\t{}\t{} bytes\n", m.address, m.used_bytes));
    }
    for (name, count) in &r.top_senders {
        out.push_str(&format!("sender\t{name}\t{count}\n"));
    }
    for (name, count) in &r.top_rejected_ips {
        out.push_str(&format!("rejected\t{name}\t{count}\n"));
    }
    out
}
