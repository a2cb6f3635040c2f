//! `cargo xtask bench auth`: what bursts of wrong passwords cost the server, in memory
//! above all (a failed-login burst once took it from 44 MiB to nearly 1 GiB). C clients
//! (48 by default) log in with wrong passwords over IMAP, all at once and again as soon
//! as they are answered, for T seconds, in two runs on a fresh server each:
//!
//! - **attack**: every client tries the same real account from one address, under the
//!   default login throttle: most attempts are refused before any hashing;
//! - **flood**: every attempt names another (unknown) login and the per-IP limit is
//!   lifted, so every attempt costs a password hash: memory is then bounded by the
//!   hashing pool alone.
//!
//! Each run prints the answers (failed, throttled), attempts per second, and the
//! server's resident memory before, at its peak (VmHWM) and after (VmRSS), from
//! `/proc/<pid>/status`.

use std::{
    io::{BufRead, BufReader, Write},
    net::TcpStream,
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use super::{BenchServer, Options};
use crate::Result;

const PASSWORD: &str = "Bench-Signal-73p";
const VICTIM: &str = "victim@bench.example";

/// The answers of one run.
#[derive(Default)]
struct Answers {
    failed: AtomicU64,
    throttled: AtomicU64,
    other: AtomicU64,
}

/// One LOGIN on a new connection; counts the answer.
fn attempt(port: u16, login: &str, answers: &Answers) -> std::io::Result<()> {
    let s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line)?;
    r.get_mut()
        .write_all(format!("a LOGIN {login} Wrong-Password-1\r\n").as_bytes())?;
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            answers.other.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if let Some(rest) = line.strip_prefix("a ") {
            let counter = if rest.contains("[AUTHENTICATIONFAILED]") {
                &answers.failed
            } else if rest.contains("[UNAVAILABLE]") {
                &answers.throttled
            } else {
                &answers.other
            };
            counter.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
    }
}

/// Memory figures of the server, in KiB: resident now and at its peak.
fn memory(server: &BenchServer) -> Result<(u64, u64)> {
    let rss = server.rss_kib().ok_or("cannot read the server's memory")?;
    let hwm = server.hwm_kib().ok_or("cannot read the server's memory")?;
    Ok((rss, hwm))
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// One run: `login(client, n)` names the login of a client's n-th attempt.
fn burst(
    name: &str,
    o: &Options,
    env: &[(&str, &str)],
    login: impl Fn(usize, u64) -> String + Sync,
) -> Result {
    let server = BenchServer::start_with(env)?;
    server.cli(
        &["user", "add", VICTIM, "--password-stdin"],
        Some(PASSWORD.as_bytes()),
    )?;
    std::thread::sleep(Duration::from_millis(500));
    let (before, _) = memory(&server)?;
    let answers = Answers::default();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(o.seconds);
    let errors = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for client in 0..o.clients {
            let (answers, errors, login, port) = (&answers, &errors, &login, server.imap_port);
            scope.spawn(move || {
                let mut n = 0;
                while Instant::now() < deadline {
                    if attempt(port, &login(client, n), answers).is_err() {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    n += 1;
                }
            });
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let (_, peak) = memory(&server)?;
    // The allocator's and the runtime's state once the burst is over.
    std::thread::sleep(Duration::from_secs(2));
    let (after, _) = memory(&server)?;
    let (failed, throttled, other) = (
        answers.failed.load(Ordering::Relaxed),
        answers.throttled.load(Ordering::Relaxed),
        answers.other.load(Ordering::Relaxed),
    );
    let total = failed + throttled + other;
    println!(
        "bench auth {name}: {} clients, {:.0} s: {total} attempts ({:.0}/s): {failed} failed, {throttled} throttled, {other} other, {} connection errors",
        o.clients,
        elapsed,
        total as f64 / elapsed,
        errors.load(Ordering::Relaxed),
    );
    println!(
        "bench auth {name}: memory before {}, peak (VmHWM) {}, after {}",
        mib(before),
        mib(peak),
        mib(after)
    );
    Ok(())
}

/// Runs `cargo xtask bench auth`.
pub fn run(o: &Options) -> Result {
    // The default limits for logins; connections are not what this measures.
    burst(
        "attack",
        o,
        &[("OSPREY_AUTH_LOGIN_FAILURES_PER_IP", "20")],
        |_, _| VICTIM.to_owned(),
    )?;
    burst(
        "flood",
        o,
        &[
            ("OSPREY_AUTH_LOGIN_FAILURES_PER_IP", "1000000"),
            ("OSPREY_AUTH_LOGIN_FAILURES_PER_ACCOUNT", "1000000"),
        ],
        |client, n| format!("nobody-{client}-{n}@bench.example"),
    )
}
