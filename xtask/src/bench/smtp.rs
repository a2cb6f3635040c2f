//! `cargo xtask bench smtp`: C clients deliver messages of S bytes to a local mailbox over
//! the MX port for T seconds, each over one reused connection (or, with `--no-reuse`, a
//! connection per message). Every `250` counted is durable: the server answers only after
//! the blob is fsynced and the transaction committed.

use std::{
    io::{BufRead, BufReader, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use super::{BenchServer, Options, Samples};
use crate::Result;

struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    line: String,
}

impl Conn {
    fn open(port: u16) -> std::io::Result<Conn> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut c = Conn {
            reader: BufReader::new(s.try_clone()?),
            writer: s,
            line: String::new(),
        };
        c.expect("220")?;
        c.send("EHLO bench.client")?;
        c.expect("250")?;
        Ok(c)
    }

    fn send(&mut self, line: &str) -> std::io::Result<()> {
        self.writer.write_all(format!("{line}\r\n").as_bytes())
    }

    /// Reads a whole (possibly multi-line) reply and checks its code.
    fn expect(&mut self, code: &str) -> std::io::Result<()> {
        loop {
            self.line.clear();
            if self.reader.read_line(&mut self.line)? == 0 {
                return Err(std::io::Error::other("connection closed"));
            }
            if self.line.as_bytes().get(3) != Some(&b'-') {
                break;
            }
        }
        if self.line.starts_with(code) {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "server said {}",
                self.line.trim_end()
            )))
        }
    }

    /// One transaction, with MAIL, RCPT and DATA pipelined as an MTA sends them (RFC 2920);
    /// returns the time from the end of data to the durable 250.
    fn deliver(&mut self, to: &str, body: &[u8]) -> std::io::Result<Duration> {
        self.writer.write_all(
            format!("MAIL FROM:<load@remote.example>\r\nRCPT TO:<{to}>\r\nDATA\r\n").as_bytes(),
        )?;
        self.expect("250")?;
        self.expect("250")?;
        self.expect("354")?;
        self.writer.write_all(body)?;
        let sent = Instant::now();
        self.writer.write_all(b".\r\n")?;
        self.expect("250")?;
        Ok(sent.elapsed())
    }
}

fn body(size: usize, n: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Load <load@remote.example>\r\nTo: bench@bench.example\r\nSubject: load {n}\r\n\r\n"
    )
    .into_bytes();
    let line = b"The quick brown fox jumps over the lazy dog, again and again.\r\n";
    while m.len() + line.len() <= size {
        m.extend_from_slice(line);
    }
    m
}

#[derive(Default)]
struct Tally {
    sent: u64,
    errors: u64,
    durable: Samples,
    transaction: Samples,
}

const PASSWORD: &str = "Bench-Meadow-77k";

/// Gives `user` `n` delivery rules that do not match the bench's messages: in turn a
/// subject test, a regular expression on From, a header test, a List-Id test and a
/// body test (any of them), so that every rule is evaluated for every message.
fn give_rules(server: &BenchServer, user: &str, n: usize) -> Result {
    use serde_json::json;
    let login = server.api(
        "POST",
        "/api/v1/auth/login",
        None,
        &json!({"username": user, "password": PASSWORD}),
    )?;
    let token = login["access_token"]
        .as_str()
        .ok_or("the login answer has no access_token")?;
    let rules: Vec<_> = (0..n)
        .map(|k| {
            let condition = match k % 5 {
                0 => json!({"field": "subject", "op": "contains", "value": format!("invoice {k}")}),
                1 => json!({"field": "from", "op": "regex", "value": format!("^billing{k}[0-9]*@(shop|store)\\.example$")}),
                2 => json!({"field": "header", "name": format!("X-Bench-{k}"), "op": "exists"}),
                3 => json!({"field": "list_id", "op": "is", "value": format!("list{k}.example")}),
                _ => json!({"field": "body", "op": "contains", "value": format!("unsubscribe-{k}")}),
            };
            json!({
                "name": format!("rule {k}"),
                "match_mode": "any",
                "conditions": [condition],
                "actions": [
                    {"type": "set_flags", "flags": [format!("$Rule{k}")]},
                    {"type": "file_into", "mailbox": format!("Rules/{k}"), "create_if_missing": true}
                ]
            })
        })
        .collect();
    server.api(
        "PUT",
        "/api/v1/rules",
        Some(token),
        &json!({"rules": rules}),
    )?;
    Ok(())
}

pub fn run(o: &Options) -> Result {
    let server = BenchServer::start()?;
    println!(
        "bench smtp: {} clients, {} s, messages of {} bytes, {}",
        o.clients,
        o.seconds,
        o.size,
        if o.no_reuse {
            "a connection per message"
        } else {
            "one connection per client"
        }
    );
    let users: Vec<String> = (0..o.clients)
        .map(|i| format!("rcpt{i}@bench.example"))
        .collect();
    for u in &users {
        server.cli(&["user", "add", u, "--password", PASSWORD], None)?;
        if o.rules > 0 {
            give_rules(&server, u, o.rules)?;
        }
    }
    if o.rules > 0 {
        println!(
            "bench smtp: {} delivery rules per recipient, none matching",
            o.rules
        );
    }
    let port = server.smtp_port;
    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let started = Instant::now();
    let (size, no_reuse) = (o.size, o.no_reuse);
    let handles: Vec<_> = users
        .into_iter()
        .enumerate()
        .map(|(i, to)| {
            std::thread::spawn(move || {
                let mut t = Tally::default();
                let msg = body(size, i);
                let mut conn: Option<Conn> = None;
                while Instant::now() < deadline {
                    let start = Instant::now();
                    let c = match conn.take() {
                        Some(c) => c,
                        None => match Conn::open(port) {
                            Ok(c) => c,
                            Err(_) => {
                                t.errors += 1;
                                continue;
                            }
                        },
                    };
                    let mut c = c;
                    match c.deliver(&to, &msg) {
                        Ok(d) => {
                            t.sent += 1;
                            t.durable.push(d);
                            if no_reuse {
                                let _ = c.send("QUIT");
                                let _ = c.expect("221");
                            } else {
                                conn = Some(c);
                            }
                            t.transaction.push(start.elapsed());
                        }
                        Err(_) => t.errors += 1,
                    }
                }
                t
            })
        })
        .collect();
    let mut all = Tally::default();
    for h in handles {
        let t = h.join().map_err(|_| "a client thread panicked")?;
        all.sent += t.sent;
        all.errors += t.errors;
        all.durable.extend(t.durable);
        all.transaction.extend(t.transaction);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "bench smtp: {} messages accepted ({:.1}/s, {:.1} MB/s), {} failed",
        all.sent,
        all.sent as f64 / secs,
        all.sent as f64 * size as f64 / secs / 1e6,
        all.errors
    );
    println!(
        "bench smtp: end of data to durable 250  {}",
        all.durable.summary()
    );
    println!(
        "bench smtp: whole transaction          {}",
        all.transaction.summary()
    );
    if all.errors > 0 {
        return Err(format!("{} transactions failed", all.errors));
    }
    Ok(())
}
