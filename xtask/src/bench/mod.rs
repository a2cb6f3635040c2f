//! `cargo xtask bench <protocol> [--clients C] [--seconds T] ...`: load commands that start
//! a release build of the server on a fresh data directory, fill it, drive it from C
//! client threads over loopback for T seconds and print throughput and latency figures.
//!
//! The server keeps its data in a SQLite file; with `BENCH_POSTGRES` set to a server URL
//! (`postgres://postgres@127.0.0.1:5432`) it uses a fresh PostgreSQL database there
//! instead, created with `psql` and dropped afterwards.
//!
//! `BENCH_BIN` runs another build of the server instead of building this one (to
//! compare with an older version, or the debug build `cargo xtask test` has just built).
//!
//! Figures are printed, never asserted: they belong in notes, not in tests. The one
//! exception is what is not a figure: `bench imap-stress` fails on any response that
//! contradicts its model of the mailbox (`imap_model.rs`), and `cargo xtask test` runs
//! it briefly.

mod auth;
mod imap;
mod imap_model;
mod imap_stress;
mod imap_wire;
mod pop3;
mod smtp;

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::{Result, cargo, root, run};

/// Options common to every bench, with their defaults.
#[derive(Debug, Clone)]
pub struct Options {
    pub clients: usize,
    pub seconds: u64,
    pub messages: usize,
    pub size: usize,
    /// One connection per message instead of one per client (SMTP).
    pub no_reuse: bool,
    /// Idle sessions to open, one measurement per value (IMAP); empty: 1,000, and
    /// 10,000 too where the open-files limit allows.
    pub connections: Vec<usize>,
    /// The seed of the random choices (IMAP stress); none: from the clock.
    pub seed: Option<u64>,
    /// Delivery rules each recipient gets, none of which matches (SMTP).
    pub rules: usize,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let mut o = Options {
            clients: 10,
            seconds: 10,
            messages: 10,
            size: 4096,
            no_reuse: false,
            connections: Vec::new(),
            seed: None,
            rules: 0,
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            if flag == "--no-reuse" {
                o.no_reuse = true;
                continue;
            }
            let value = it
                .next()
                .ok_or_else(|| format!("{flag} needs a value"))?
                .parse::<u64>()
                .map_err(|_| format!("{flag} needs a whole number"))?;
            match flag.as_str() {
                "--clients" => o.clients = value.max(1) as usize,
                "--seconds" => o.seconds = value.max(1),
                "--messages" => o.messages = value.max(1) as usize,
                "--size" => o.size = value.max(64) as usize,
                "--connections" => o.connections.push(value as usize),
                "--seed" => o.seed = Some(value),
                "--rules" => o.rules = value as usize,
                other => return Err(format!("unknown option {other}")),
            }
        }
        Ok(o)
    }
}

/// Runs `cargo xtask bench ...`.
pub fn bench(args: &[String]) -> Result {
    let Some(what) = args.first() else {
        return Err(
            "usage: cargo xtask bench <pop3 | smtp | imap | imap-stress | auth> [--clients C] [--seconds T] [--messages M] [--size S] [--no-reuse] [--connections N]... [--seed S] [--rules N]"
                .into(),
        );
    };
    let mut options = Options::parse(&args[1..])?;
    match what.as_str() {
        "pop3" => pop3::run(&options),
        "smtp" => smtp::run(&options),
        "imap" => imap::run(&options),
        "imap-stress" => imap_stress::run(&options),
        "auth" => {
            // The burst the security review measured: 48 at once.
            if !args.iter().any(|a| a == "--clients") {
                options.clients = 48;
            }
            auth::run(&options)
        }
        other => Err(format!(
            "no bench named {other}; try pop3, smtp, imap, imap-stress or auth"
        )),
    }
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// A release server on a scratch data directory; killed and removed on drop.
pub struct BenchServer {
    pub dir: PathBuf,
    pub bin: PathBuf,
    pub pop3_port: u16,
    pub smtp_port: u16,
    pub imap_port: u16,
    /// The HTTP listener: `/metrics`.
    pub http_port: u16,
    /// The PostgreSQL server URL and the bench's database there, if any.
    postgres: Option<(String, String)>,
    child: Child,
}

/// Runs one SQL statement with `psql` against the `postgres` database of `server`.
fn psql(server: &str, sql: &str) -> Result {
    let status = Command::new("psql")
        .env("PGOPTIONS", "--client-min-messages=warning")
        .args([&format!("{server}/postgres"), "-q", "-c", sql])
        .status()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("psql failed on {sql}"))
    }
}

impl BenchServer {
    /// Builds the release binary and starts it with POP3 and SMTP (MX) on free ports and
    /// plaintext logins allowed on loopback.
    pub fn start() -> Result<BenchServer> {
        Self::start_with(&[])
    }

    /// Like [`start`](Self::start), with more `OSPREY_*` settings. `BENCH_BIN` names
    /// another binary to run instead of building this one (an older build, to compare).
    pub fn start_with(settings: &[(&str, &str)]) -> Result<BenchServer> {
        let bin = match std::env::var("BENCH_BIN") {
            Ok(bin) => PathBuf::from(bin),
            Err(_) => {
                run(cargo().args(["build", "--release", "-p", "osprey"]))?;
                std::env::var("CARGO_TARGET_DIR")
                    .map_or_else(|_| root().join("target"), PathBuf::from)
                    .join("release/osprey")
            }
        };
        let dir = std::env::temp_dir().join(format!("osprey-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let pop3_port = free_port()?;
        let smtp_port = free_port()?;
        let imap_port = free_port()?;
        let http_port = free_port()?;
        // The load's sender domain, pinned: SPF and DMARC are evaluated for every
        // message without waiting on this machine's DNS.
        let txt = dir.join("pinned-txt");
        std::fs::write(
            &txt,
            "remote.example v=spf1 ip4:127.0.0.0/8 -all\n_dmarc.remote.example v=DMARC1; p=none\n",
        )
        .map_err(|e| e.to_string())?;
        let postgres = match std::env::var("BENCH_POSTGRES") {
            Ok(server) => {
                let name = format!("osprey_bench_{}", std::process::id());
                psql(&server, &format!("DROP DATABASE IF EXISTS {name}"))?;
                psql(&server, &format!("CREATE DATABASE {name}"))?;
                Some((server.trim_end_matches('/').to_owned(), name))
            }
            Err(_) => None,
        };
        let mut cmd = Command::new(&bin);
        Self::env(&mut cmd, &dir, postgres.as_ref());
        let child = cmd
            .arg("serve")
            .env("OSPREY_LISTEN_POP3", format!("127.0.0.1:{pop3_port}"))
            .env("OSPREY_LISTEN_SMTP", format!("127.0.0.1:{smtp_port}"))
            .env("OSPREY_LISTEN_IMAP", format!("127.0.0.1:{imap_port}"))
            .env("OSPREY_LISTEN_HTTP", format!("127.0.0.1:{http_port}"))
            .env("OSPREY_ADMIN_PASSWORD", "Bench-Harbor-42x")
            .env("OSPREY_SMTP_DNS_TXT_FILE", &txt)
            .env(
                "OSPREY_SMTP_VERIFY_SENDERS",
                std::env::var("BENCH_VERIFY").unwrap_or("true".into()),
            )
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let server = BenchServer {
            dir,
            bin,
            pop3_port,
            smtp_port,
            imap_port,
            http_port,
            postgres,
            child,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", pop3_port)).is_err() {
            if Instant::now() > deadline {
                return Err("the server did not start listening".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }

    fn env(cmd: &mut Command, dir: &std::path::Path, postgres: Option<&(String, String)>) {
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("OSPREY_DATA_DIR", dir.join("data"))
            .env("OSPREY_HOSTNAME", "bench.example")
            .env("OSPREY_AUTH_PLAINTEXT_LOOPBACK", "true")
            .env("OSPREY_AUTH_LOGIN_FAILURES_PER_IP", "1000000")
            .env("OSPREY_LIMITS_MAX_CONNECTIONS_PER_IP", "100000")
            .env("OSPREY_LIMITS_PER_IP_SMTP", "100000")
            .env("OSPREY_LISTEN_HTTP", "")
            .env("OSPREY_LISTEN_POP3", "")
            .env("OSPREY_LISTEN_POP3S", "")
            .env("OSPREY_LISTEN_MANAGESIEVE", "")
            .env("OSPREY_LISTEN_SMTP", "")
            .env("OSPREY_LISTEN_SUBMISSION", "")
            .env("OSPREY_LISTEN_SUBMISSIONS", "")
            .env("OSPREY_LISTEN_IMAP", "")
            .env("OSPREY_LISTEN_IMAPS", "")
            // BENCH_LOG sets the server's log filter (`RUST_LOG`) to look into a run.
            .env(
                "RUST_LOG",
                std::env::var("BENCH_LOG").unwrap_or_else(|_| "warn".into()),
            );
        if let Some((server, name)) = postgres {
            cmd.env("OSPREY_DATABASE_URL", format!("{server}/{name}"));
        }
    }

    /// Runs `osprey args...` against the bench server's data, with `input` on stdin.
    pub fn cli(&self, args: &[&str], input: Option<&[u8]>) -> Result {
        use std::io::Write;
        let mut cmd = Command::new(&self.bin);
        Self::env(&mut cmd, &self.dir, self.postgres.as_ref());
        let mut child = cmd
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let mut stdin = child.stdin.take().expect("piped");
        if let Some(input) = input {
            stdin.write_all(input).map_err(|e| e.to_string())?;
        }
        drop(stdin);
        let status = child.wait().map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("osprey {args:?} failed ({status})"))
        }
    }

    /// Resident memory of the server process, in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        self.status_kib("VmRSS:")
    }

    /// The peak resident memory of the server process so far, in KiB.
    pub fn hwm_kib(&self) -> Option<u64> {
        self.status_kib("VmHWM:")
    }

    /// Calls the REST API: `method path` with a JSON `body`, signed in with `token`;
    /// the answer's JSON body, or the status line and body when it is not a 2xx.
    pub fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        use std::io::{Read, Write};
        let body = body.to_string();
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.http_port))
            .map_err(|e| format!("{path}: {e}"))?;
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n{auth}\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .map_err(|e| format!("{path}: {e}"))?;
        let mut text = String::new();
        s.read_to_string(&mut text)
            .map_err(|e| format!("{path}: {e}"))?;
        let (head, payload) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.lines().next().unwrap_or_default();
        if !status.split(' ').nth(1).is_some_and(|c| c.starts_with('2')) {
            return Err(format!("{method} {path}: {status} {payload}"));
        }
        serde_json::from_str(payload).map_err(|e| format!("{path}: {e}: {payload}"))
    }

    /// The server's `/metrics` lines whose name starts with `prefix`.
    pub fn metrics(&self, prefix: &str) -> Result<Vec<String>> {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.http_port))
            .map_err(|e| format!("/metrics: {e}"))?;
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            .map_err(|e| format!("/metrics: {e}"))?;
        let mut text = String::new();
        s.read_to_string(&mut text)
            .map_err(|e| format!("/metrics: {e}"))?;
        Ok(text
            .lines()
            .filter(|l| l.starts_with(prefix))
            .map(str::to_owned)
            .collect())
    }

    /// Adds the accounts `<prefix>0@bench.example` .. `<prefix>{count-1}@...` with
    /// `password`, and delivers `messages` messages to each, message `n` being
    /// `message(n)`. Returns the addresses.
    pub fn provision(
        &self,
        prefix: &str,
        count: usize,
        password: &str,
        messages: usize,
        message: impl Fn(usize) -> Vec<u8>,
    ) -> Result<Vec<String>> {
        let users: Vec<String> = (0..count)
            .map(|i| format!("{prefix}{i}@bench.example"))
            .collect();
        for u in &users {
            self.cli(&["user", "add", u, "--password", password], None)?;
        }
        let mut to = vec!["deliver"];
        for u in &users {
            to.extend(["--to", u.as_str()]);
        }
        for n in 0..messages {
            self.cli(&to, Some(&message(n)))?;
        }
        Ok(users)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A figure of `/proc/<pid>/status`, in KiB.
    fn status_kib(&self, field: &str) -> Option<u64> {
        status_kib(self.child.id(), field)
    }
}

/// What a process has used so far, from `/proc`: CPU time (user and system, its ended
/// threads included) and the context switches of its live threads (voluntary and not).
/// The difference of two readings over a load, divided by the commands it ran, does not
/// depend on how fast the machine runs that day the way latency does.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    pub cpu: Duration,
    pub switches: u64,
}

impl Usage {
    pub fn of(pid: u32) -> Option<Usage> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The fields after the command's name, which may hold spaces, in parentheses:
        // utime and stime are the 14th and 15th of the line, the 12th and 13th here.
        let rest = &stat[stat.rfind(')')? + 1..];
        let mut fields = rest.split_whitespace().skip(11);
        let ticks: u64 =
            fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?;
        let mut switches = 0;
        for task in std::fs::read_dir(format!("/proc/{pid}/task"))
            .ok()?
            .flatten()
        {
            let Ok(status) = std::fs::read_to_string(task.path().join("status")) else {
                continue; // ended meanwhile
            };
            switches += status
                .lines()
                .filter(|l| l.contains("ctxt_switches:"))
                .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum::<u64>();
        }
        Some(Usage {
            cpu: Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64),
            switches,
        })
    }

    /// What was used between `earlier` and this reading.
    pub fn since(self, earlier: Usage) -> Usage {
        Usage {
            cpu: self.cpu.saturating_sub(earlier.cpu),
            switches: self.switches.saturating_sub(earlier.switches),
        }
    }
}

/// The kernel's clock ticks a second, in which `/proc/<pid>/stat` counts CPU time.
fn clock_ticks() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
        .filter(|&t| t > 0)
        .unwrap_or(100)
}

/// The resident memory of process `pid`, in KiB.
pub fn rss_kib_of(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS:")
}

/// A figure of `/proc/<pid>/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((server, name)) = &self.postgres {
            let _ = psql(
                server,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
        }
    }
}

/// Latency samples of one kind of operation.
#[derive(Default, Clone)]
pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Samples) {
        self.0.extend(other.0);
    }

    /// "p50 x ms, p90 y ms, p99 z ms, max w ms".
    pub fn summary(&mut self) -> String {
        if self.0.is_empty() {
            return "no samples".into();
        }
        self.0.sort();
        let at = |q: f64| {
            let i = ((self.0.len() as f64 - 1.0) * q).round() as usize;
            self.0[i].as_secs_f64() * 1000.0
        };
        format!(
            "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            at(0.5),
            at(0.9),
            at(0.99),
            at(1.0)
        )
    }
}
