//! `cargo xtask bench pop3`: C clients, each with its own account (the maildrop lock
//! allows one session per account), each session logging in with USER/PASS, then STAT,
//! LIST, UIDL, RETR of every message and QUIT, without deleting, for T seconds.

use std::{
    io::{BufRead, BufReader, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use super::{BenchServer, Options, Samples};
use crate::Result;

const PASSWORD: &str = "Bench-Meadow-77k";

fn message(size: usize, n: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Load <load@bench.example>\r\nTo: bench@bench.example\r\nSubject: load {n}\r\n\
         Message-ID: <{n}@bench.example>\r\n\r\n"
    )
    .into_bytes();
    let line = b"The quick brown fox jumps over the lazy dog, again and again.\r\n";
    while m.len() + line.len() <= size {
        m.extend_from_slice(line);
    }
    while m.len() < size - 2 {
        m.push(b'.');
    }
    m.extend_from_slice(b"\r\n");
    m
}

struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    line: String,
}

impl Client {
    fn connect(port: u16) -> std::io::Result<Client> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut c = Client {
            reader: BufReader::new(s.try_clone()?),
            writer: s,
            line: String::new(),
        };
        c.status()?;
        Ok(c)
    }

    fn status(&mut self) -> std::io::Result<()> {
        self.line.clear();
        self.reader.read_line(&mut self.line)?;
        if self.line.starts_with("+OK") {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "server said {}",
                self.line.trim_end()
            )))
        }
    }

    fn cmd(&mut self, c: &str) -> std::io::Result<()> {
        self.writer.write_all(format!("{c}\r\n").as_bytes())?;
        self.status()
    }

    /// Reads a multi-line body; returns its length.
    fn body(&mut self) -> std::io::Result<usize> {
        let mut n = 0;
        loop {
            self.line.clear();
            if self.reader.read_line(&mut self.line)? == 0 {
                return Err(std::io::Error::other("EOF in a multi-line reply"));
            }
            if self.line == ".\r\n" {
                return Ok(n);
            }
            n += self.line.len();
        }
    }
}

#[derive(Default)]
struct Tally {
    sessions: u64,
    retrs: u64,
    bytes: u64,
    errors: u64,
    login: Samples,
    retr: Samples,
    session: Samples,
}

fn session(port: u16, user: &str, t: &mut Tally) -> std::io::Result<()> {
    let start = Instant::now();
    let mut c = Client::connect(port)?;
    c.cmd(&format!("USER {user}"))?;
    c.cmd(&format!("PASS {PASSWORD}"))?;
    t.login.push(start.elapsed());
    c.cmd("STAT")?;
    let count: usize = c
        .line
        .split(' ')
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    c.cmd("LIST")?;
    c.body()?;
    c.cmd("UIDL")?;
    c.body()?;
    for i in 1..=count {
        let r = Instant::now();
        c.cmd(&format!("RETR {i}"))?;
        t.bytes += c.body()? as u64;
        t.retr.push(r.elapsed());
        t.retrs += 1;
    }
    c.cmd("QUIT")?;
    t.session.push(start.elapsed());
    t.sessions += 1;
    Ok(())
}

pub fn run(o: &Options) -> Result {
    let server = BenchServer::start()?;
    println!(
        "bench pop3: {} clients, {} s, {} messages of {} bytes per mailbox",
        o.clients, o.seconds, o.messages, o.size
    );
    // The domain of the server's host name exists from the first start.
    let users = server.provision("load", o.clients, PASSWORD, o.messages, |n| {
        message(o.size, n)
    })?;
    let port = server.pop3_port;
    // One warm-up session per account: the credential cache is then warm, as it is for
    // a real client that checks mail every few minutes.
    for u in &users {
        session(port, u, &mut Tally::default()).map_err(|e| format!("warm-up: {e}"))?;
    }
    let rss_before = server.rss_kib();
    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let started = Instant::now();
    let handles: Vec<_> = users
        .into_iter()
        .map(|u| {
            std::thread::spawn(move || {
                let mut t = Tally::default();
                while Instant::now() < deadline {
                    if session(port, &u, &mut t).is_err() {
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
        all.retrs += t.retrs;
        all.bytes += t.bytes;
        all.errors += t.errors;
        all.login.extend(t.login);
        all.retr.extend(t.retr);
        all.session.extend(t.session);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "bench pop3: {} sessions ({:.1}/s), {} RETR ({:.1}/s, {:.1} MB/s), {} failed sessions",
        all.sessions,
        all.sessions as f64 / secs,
        all.retrs,
        all.retrs as f64 / secs,
        all.bytes as f64 / secs / 1e6,
        all.errors
    );
    println!("bench pop3: login  {}", all.login.summary());
    println!("bench pop3: RETR   {}", all.retr.summary());
    println!("bench pop3: session {}", all.session.summary());
    if let (Some(before), Some(after)) = (rss_before, server.rss_kib()) {
        println!("bench pop3: server RSS {before} KiB before the load, {after} KiB after");
    }
    if all.errors > 0 {
        return Err(format!("{} sessions failed", all.errors));
    }
    Ok(())
}
