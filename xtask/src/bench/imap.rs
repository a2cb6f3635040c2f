//! `cargo xtask bench imap`: (a) the memory an idle IMAP session costs: N connections
//! logged in, INBOX selected, in IDLE, and the server's resident memory before and after
//! (1,000 and 10,000 unless `--connections` says otherwise; the open-files limit is
//! raised as far as the hard limit allows);
//! (b) a mixed workload: C clients for T seconds, each session doing LOGIN, SELECT,
//! FETCH of headers for every message, FETCH of one whole body, STORE, APPEND, EXPUNGE and
//! LOGOUT against a mailbox of M messages; operations/s and latency per command.

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use super::{BenchServer, Options, Samples};
use crate::Result;

pub(super) const PASSWORD: &str = "Bench-Lantern-58q";

/// One connection, one file descriptor (ten thousand of them must fit the limit).
struct Client {
    reader: BufReader<TcpStream>,
    line: String,
    tag: u32,
}

impl Client {
    fn connect(port: u16) -> std::io::Result<Client> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut c = Client {
            reader: BufReader::new(s),
            line: String::new(),
            tag: 0,
        };
        c.read_line()?;
        if !c.line.starts_with("* OK") {
            return Err(std::io::Error::other(format!(
                "greeting: {}",
                c.line.trim_end()
            )));
        }
        Ok(c)
    }

    fn read_line(&mut self) -> std::io::Result<()> {
        self.line.clear();
        if self.reader.read_line(&mut self.line)? == 0 {
            return Err(std::io::Error::other("connection closed"));
        }
        // A literal follows: read it whole, then the rest of the line.
        while let Some(n) = literal(&self.line) {
            let mut buf = vec![0; n];
            self.reader.read_exact(&mut buf)?;
            let mut rest = String::new();
            self.reader.read_line(&mut rest)?;
            self.line.push_str(&rest);
        }
        Ok(())
    }

    /// Sends a command and reads up to its tagged reply, which must be OK.
    fn cmd(&mut self, c: &str) -> std::io::Result<usize> {
        self.tag += 1;
        let tag = format!("a{}", self.tag);
        self.reader
            .get_mut()
            .write_all(format!("{tag} {c}\r\n").as_bytes())?;
        self.until(&tag)
    }

    fn until(&mut self, tag: &str) -> std::io::Result<usize> {
        let mut untagged = 0;
        loop {
            self.read_line()?;
            if let Some(rest) = self.line.strip_prefix(tag) {
                return if rest.starts_with(" OK") {
                    Ok(untagged)
                } else {
                    Err(std::io::Error::other(format!("{tag}{}", rest.trim_end())))
                };
            }
            untagged += 1;
        }
    }

    fn append(&mut self, message: &[u8]) -> std::io::Result<()> {
        self.tag += 1;
        let tag = format!("a{}", self.tag);
        self.reader
            .get_mut()
            .write_all(format!("{tag} APPEND INBOX {{{}+}}\r\n", message.len()).as_bytes())?;
        self.reader.get_mut().write_all(message)?;
        self.reader.get_mut().write_all(b"\r\n")?;
        self.until(&tag).map(|_| ())
    }
}

/// The size of a literal announced at the end of a line, `{n}`.
fn literal(line: &str) -> Option<usize> {
    let l = line.trim_end_matches("\r\n");
    let inner = l.strip_suffix('}')?;
    let open = inner.rfind('{')?;
    inner[open + 1..].trim_end_matches('+').parse().ok()
}

/// Message `n` of the mailbox, about `size` bytes on average (from half to one and a
/// half times it), in the shapes mail comes in: plain text, text with an HTML
/// alternative (every third), and text with a base64 attachment (every fifth), each
/// with the trace and authentication fields a delivered message carries.
pub(super) fn message(size: usize, n: usize) -> Vec<u8> {
    let target = size / 2 + (n * 7919) % size.max(1);
    let mut m = format!(
        "Return-Path: <ann@bench.example>\r\n\
         Received: from mx.bench.example (mx.bench.example [192.0.2.25])\r\n\
         \tby bench.example with ESMTPS id {n:08x}; Fri, 27 Nov 2026 10:00:00 +0000\r\n\
         Authentication-Results: bench.example; spf=pass smtp.mailfrom=bench.example\r\n\
         From: Ann Example <ann@bench.example>\r\nTo: Bench <bench@bench.example>\r\n\
         Subject: Quarterly figures, part {n}\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\
         Message-ID: <{n}.imap@bench.example>\r\nMIME-Version: 1.0\r\n"
    )
    .into_bytes();
    let line = "The quick brown fox jumps over the lazy dog, again and again.\r\n";
    let text = |budget: usize| line.repeat(budget / line.len() + 1);
    let body_budget = target.saturating_sub(m.len() + 400);
    let body = if n % 5 == 4 {
        let attachment: String = (0..body_budget / 2)
            .map(|i| char::from(b'A' + (i % 26) as u8))
            .collect::<String>()
            .as_bytes()
            .chunks(76)
            .map(|c| format!("{}\r\n", String::from_utf8_lossy(c)))
            .collect();
        format!(
            "Content-Type: multipart/mixed; boundary=\"mixed{n}\"\r\n\r\n\
             --mixed{n}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\
             --mixed{n}\r\nContent-Type: application/pdf; name=\"q{n}.pdf\"\r\n\
             Content-Disposition: attachment; filename=\"q{n}.pdf\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{attachment}--mixed{n}--\r\n",
            text(body_budget / 2)
        )
    } else if n % 3 == 2 {
        let plain = text(body_budget / 2);
        format!(
            "Content-Type: multipart/alternative; boundary=\"alt{n}\"\r\n\r\n\
             --alt{n}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{plain}\
             --alt{n}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
             <html><body><p>{}</p></body></html>\r\n--alt{n}--\r\n",
            plain.replace("\r\n", "<br>\r\n")
        )
    } else {
        format!(
            "Content-Type: text/plain; charset=utf-8\r\n\r\n{}",
            text(body_budget)
        )
    };
    m.extend_from_slice(body.as_bytes());
    m
}

fn login(c: &mut Client, user: &str) -> std::io::Result<()> {
    c.cmd(&format!("LOGIN {user} {PASSWORD}")).map(|_| ())
}

/// Part (a): N idle sessions.
fn idle_memory(server: &BenchServer, user: &str, n: usize) -> Result {
    // One session first, so that one-time costs (the password hash, which takes
    // megabytes once and is then cached; the allocator's and runtime's first growth) are
    // not counted per session.
    let mut warm = Client::connect(server.imap_port).map_err(|e| format!("warm-up: {e}"))?;
    login(&mut warm, user).map_err(|e| format!("warm-up: {e}"))?;
    warm.cmd("SELECT INBOX")
        .map_err(|e| format!("warm-up: {e}"))?;
    warm.cmd("LOGOUT").map_err(|e| format!("warm-up: {e}"))?;
    drop(warm);
    std::thread::sleep(Duration::from_millis(500));
    let before = server.rss_kib().ok_or("cannot read the server's memory")?;
    let started = Instant::now();
    let mut open = Vec::with_capacity(n);
    for i in 0..n {
        let mut c =
            Client::connect(server.imap_port).map_err(|e| format!("connection {i}: {e}"))?;
        login(&mut c, user).map_err(|e| format!("connection {i}: {e}"))?;
        c.cmd("SELECT INBOX")
            .map_err(|e| format!("connection {i}: {e}"))?;
        c.reader
            .get_mut()
            .write_all(b"i IDLE\r\n")
            .map_err(|e| e.to_string())?;
        c.read_line().map_err(|e| e.to_string())?;
        if !c.line.starts_with('+') {
            return Err(format!("IDLE refused: {}", c.line.trim_end()));
        }
        open.push(c);
    }
    // Let the server settle (allocator, buffers) before reading its memory.
    std::thread::sleep(Duration::from_secs(1));
    let after = server.rss_kib().ok_or("cannot read the server's memory")?;
    println!(
        "bench imap: {n} idle sessions (logged in, INBOX selected, IDLE) opened in {:.1} s; server RSS {before} KiB -> {after} KiB, {:.1} KiB per session",
        started.elapsed().as_secs_f64(),
        (after.saturating_sub(before)) as f64 / n as f64
    );
    drop(open);
    std::thread::sleep(Duration::from_millis(500));
    Ok(())
}

#[derive(Default)]
struct Tally {
    sessions: u64,
    ops: u64,
    errors: u64,
    per: BTreeMap<&'static str, Samples>,
}

impl Tally {
    fn time<T>(
        &mut self,
        what: &'static str,
        f: impl FnOnce() -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        let t = Instant::now();
        let r = f()?;
        self.per.entry(what).or_default().push(t.elapsed());
        self.ops += 1;
        Ok(r)
    }
}

fn session(port: u16, user: &str, n: usize, body: &[u8], t: &mut Tally) -> std::io::Result<()> {
    let mut c = Client::connect(port)?;
    t.time("LOGIN", || login(&mut c, user))?;
    t.time("SELECT", || c.cmd("SELECT INBOX"))?;
    t.time("FETCH headers", || {
        c.cmd("FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)")
    })?;
    let pick = 1 + (t.ops as usize % n.max(1));
    t.time("FETCH body", || c.cmd(&format!("FETCH {pick} BODY.PEEK[]")))?;
    t.time("STORE", || {
        c.cmd(&format!("STORE {pick} +FLAGS (\\Flagged)"))
    })?;
    t.time("APPEND", || c.append(body))?;
    // The appended message is the last one: delete it again, so the mailbox stays the
    // same size.
    t.time("STORE", || c.cmd("STORE * +FLAGS.SILENT (\\Deleted)"))?;
    t.time("EXPUNGE", || c.cmd("EXPUNGE"))?;
    t.time("LOGOUT", || c.cmd("LOGOUT"))?;
    t.sessions += 1;
    Ok(())
}

/// The soft and hard limits on open files of this process.
fn open_files_limit() -> Option<(u64, u64)> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut n = line["Max open files".len()..].split_whitespace();
    let parse = |v: Option<&str>| match v? {
        "unlimited" => Some(u64::MAX),
        v => v.parse().ok(),
    };
    Some((parse(n.next())?, parse(n.next())?))
}

/// Makes room for `connections` sessions: this process and the server it starts each
/// hold one descriptor per session. Raises the soft limit up to the hard one (with
/// `prlimit`) if needed; an error that says what to do if that is not enough.
fn room_for(connections: usize) -> Result {
    let need = connections as u64 + 256;
    let Some((soft, hard)) = open_files_limit() else {
        return Ok(());
    };
    if soft >= need {
        return Ok(());
    }
    if hard >= need {
        let pid = std::process::id().to_string();
        let ok = std::process::Command::new("prlimit")
            .args(["--pid", &pid, &format!("--nofile={need}:{hard}")])
            .status()
            .is_ok_and(|s| s.success());
        if ok && open_files_limit().is_some_and(|(s, _)| s >= need) {
            println!("bench imap: raised the open-files limit from {soft} to {need}");
            return Ok(());
        }
    }
    Err(format!(
        "{connections} sessions need about {need} open files per process; the limit here is {soft} (hard {hard}): raise it with `ulimit -n {need}` first"
    ))
}

pub fn run(o: &Options) -> Result {
    let sizes = if o.connections.is_empty() {
        // The sizes: 10,000 where the hard limit lets the soft one rise.
        let fits = open_files_limit().is_none_or(|(_, hard)| hard >= 10_000 + 256);
        if fits { vec![1000, 10_000] } else { vec![1000] }
    } else {
        o.connections.clone()
    };
    // Before the server starts, so that it inherits the limit.
    room_for(sizes.iter().copied().max().unwrap_or(0))?;
    let server = BenchServer::start()?;
    let users = server.provision("imap", o.clients, PASSWORD, o.messages, |n| {
        message(o.size, n)
    })?;
    for n in sizes {
        idle_memory(&server, &users[0], n)?;
    }
    println!(
        "bench imap: {} clients, {} s, {} messages of {} bytes per mailbox",
        o.clients, o.seconds, o.messages, o.size
    );
    let port = server.imap_port;
    let body = message(o.size, 999_999);
    // One warm-up session per account: the credential cache is then warm, as it is for
    // a client that stays configured.
    for u in &users {
        session(port, u, o.messages, &body, &mut Tally::default())
            .map_err(|e| format!("warm-up: {e}"))?;
    }
    let rss_before = server.rss_kib().ok_or("cannot read the server's memory")?;
    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let started = Instant::now();
    // The server's resident memory, read every 100 ms while the clients run.
    let pid = server.pid();
    let usage_before = super::Usage::of(pid).ok_or("cannot read the server's CPU time")?;
    let sampler = std::thread::spawn(move || {
        let mut peak = 0;
        while Instant::now() < deadline {
            peak = peak.max(super::rss_kib_of(pid).unwrap_or(0));
            std::thread::sleep(Duration::from_millis(100));
        }
        peak
    });
    let handles: Vec<_> = users
        .into_iter()
        .map(|u| {
            let (body, n) = (body.clone(), o.messages);
            std::thread::spawn(move || {
                let mut t = Tally::default();
                while Instant::now() < deadline {
                    if session(port, &u, n, &body, &mut t).is_err() {
                        t.errors += 1;
                    }
                }
                t
            })
        })
        .collect();
    let mut all = Tally::default();
    for h in handles {
        let t = h.join().map_err(|_| "a client thread panicked")?;
        all.sessions += t.sessions;
        all.ops += t.ops;
        all.errors += t.errors;
        for (k, v) in t.per {
            all.per.entry(k).or_default().extend(v);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let used = super::Usage::of(pid)
        .ok_or("cannot read the server's CPU time")?
        .since(usage_before);
    println!(
        "bench imap: {} sessions ({:.1}/s), {} commands ({:.1}/s), {} failed sessions",
        all.sessions,
        all.sessions as f64 / secs,
        all.ops,
        all.ops as f64 / secs,
        all.errors
    );
    // The server's CPU and thread switches a command: on two cores shared with the
    // clients, the latency at many clients follows the CPU a command.
    let ops = all.ops.max(1) as f64;
    println!(
        "bench imap: server CPU {:.3} ms a command ({:.2} cores busy), {:.1} thread switches a command",
        used.cpu.as_secs_f64() * 1000.0 / ops,
        used.cpu.as_secs_f64() / secs,
        used.switches as f64 / ops
    );
    // Every command a logged-in client waits for (all but LOGIN and LOGOUT), together:
    // the figure the latency targets speak of.
    let mut after_login = Samples::default();
    for (what, samples) in all.per.iter_mut() {
        println!("bench imap: {what:<14} {}", samples.summary());
        if !matches!(*what, "LOGIN" | "LOGOUT") {
            after_login.extend(samples.clone());
        }
    }
    println!(
        "bench imap: {:<14} {}",
        "after login",
        after_login.summary()
    );
    // Where the time went, as the server measured it (quantiles since it started).
    let mut lines = server.metrics("osprey_store_")?;
    lines.extend(server.metrics("osprey_imap_command_seconds")?);
    for line in lines {
        if ["0.5", "0.99", "0.999", "1"]
            .iter()
            .any(|q| line.contains(&format!("quantile=\"{q}\"")))
            || line.contains("_count")
        {
            println!("bench imap: {line}");
        }
    }
    let peak = sampler.join().map_err(|_| "the memory sampler panicked")?;
    std::thread::sleep(Duration::from_secs(2));
    let after = server.rss_kib().ok_or("cannot read the server's memory")?;
    println!(
        "bench imap: server RSS {} MiB before the load, {} MiB at its peak during it, {} MiB 2 s after",
        rss_before / 1024,
        peak / 1024,
        after / 1024
    );
    if all.errors > 0 {
        return Err(format!("{} sessions failed", all.errors));
    }
    Ok(())
}
