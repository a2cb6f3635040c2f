//! One SMTP session: its state, the read loop with timeouts, the shutdown `421`, and the
//! STARTTLS upgrade. Commands live in `op/`, one file each.

use std::sync::Arc;

use osprey_net::{Connection, Line, Shutdown};
use osprey_store::AccountRecord;

use crate::{op, reply::Reply, server::SmtpServer};

/// The envelope of the transaction in progress (RFC 5321 §3.3).
#[derive(Debug, Default)]
pub(crate) struct Envelope {
    /// The reverse-path (empty for the null sender), the local accounts and remote
    /// recipients accepted so far, and the RFC 3461 `ENVID` and `RET=FULL` of MAIL FROM.
    pub accepted: osprey_mail::Envelope,
    /// Accepted recipients as given.
    pub rcpts: Vec<String>,
    /// Kill-file entries that refuse this sender for one local domain's recipients:
    /// `(domain id, entry id)`.
    pub killed_for: Vec<(String, String)>,
    /// SIZE= of MAIL FROM, 0 if absent.
    pub declared_size: usize,
    /// BDAT chunks received so far; `None` before the first BDAT.
    pub chunks: Option<Vec<u8>>,
    /// A BDAT chunk went over the size limit: the rest is read and thrown away.
    pub chunks_too_big: bool,
}

pub(crate) struct Session {
    pub(crate) server: Arc<SmtpServer>,
    /// `None` only while STARTTLS swaps the stream.
    conn: Option<Connection>,
    shutdown: Shutdown,
    /// The name from EHLO/HELO; `None` before it (and again after STARTTLS).
    pub(crate) helo: Option<String>,
    pub(crate) esmtp: bool,
    pub(crate) account: Option<AccountRecord>,
    pub(crate) envelope: Option<Envelope>,
    pub(crate) auth_failures: u32,
    pub(crate) commands_before_auth: u32,
    errors: u32,
    out: Vec<u8>,
}

/// How a timed step of the session ended.
pub(crate) enum Waited<T> {
    Done(T),
    /// The connection failed.
    Failed,
    TimedOut,
    ShuttingDown,
}

/// Runs `step` until it ends, `timeout` passes or shutdown begins.
async fn waited<T>(
    mut shutdown: Shutdown,
    timeout: std::time::Duration,
    step: impl std::future::Future<Output = std::io::Result<T>>,
) -> Waited<T> {
    tokio::select! {
        _ = shutdown.wait() => Waited::ShuttingDown,
        r = tokio::time::timeout(timeout, step) => match r {
            Ok(Ok(v)) => Waited::Done(v),
            Ok(Err(_)) => Waited::Failed,
            Err(_) => Waited::TimedOut,
        },
    }
}

/// What the loop does after a command.
pub(crate) enum Next {
    Continue,
    Close,
    StartTls,
}

impl Session {
    pub(crate) fn new(server: Arc<SmtpServer>, conn: Connection, shutdown: Shutdown) -> Self {
        Session {
            server,
            conn: Some(conn),
            shutdown,
            helo: None,
            esmtp: false,
            account: None,
            envelope: None,
            auth_failures: 0,
            commands_before_auth: 0,
            errors: 0,
            out: Vec::with_capacity(512),
        }
    }

    pub(crate) fn conn(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("connection present outside STARTTLS")
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        self.conn
            .as_mut()
            .expect("connection present outside STARTTLS")
    }

    /// Returns `true` if and only if passwords may be sent in the clear here.
    pub(crate) fn plaintext_allowed(&self) -> bool {
        self.conn().is_tls() || (self.server.config.plaintext_loopback && self.conn().is_loopback())
    }

    /// Queues a reply; returns `Next::Close` if it ends the session.
    pub(crate) fn reply(&mut self, r: Reply) -> Next {
        r.write(&mut self.out);
        if r.close { Next::Close } else { Next::Continue }
    }

    /// Queues bytes that are already a formatted reply.
    pub(crate) fn queue_raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    pub(crate) async fn flush(&mut self) -> std::io::Result<()> {
        let conn = self
            .conn
            .as_mut()
            .expect("connection present outside STARTTLS");
        conn.flush_from(&mut self.out).await
    }

    /// Turns the end of a timed step into its value; a timeout or shutdown queues its
    /// `421` (RFC 5321 §4.5.3.2, §3.8). `None` if the session must end.
    fn settle<T>(&mut self, waited: Waited<T>) -> Option<T> {
        match waited {
            Waited::Done(v) => Some(v),
            Waited::Failed => None,
            Waited::TimedOut => {
                self.reply(Reply::new(421, "4.4.2", "Idle for too long, closing"));
                None
            }
            Waited::ShuttingDown => {
                self.reply(Reply::new(421, "4.3.2", "Server shutting down"));
                None
            }
        }
    }

    /// Reads a line with the command timeout; `None` on EOF, timeout or shutdown (the
    /// reply for the last two is queued).
    pub(crate) async fn read_line(&mut self, max: usize) -> Option<Line> {
        let timeout = self.server.config.command_timeout;
        let waited = waited(
            self.shutdown.clone(),
            timeout,
            self.conn_mut().read_line(max),
        )
        .await;
        self.settle(waited).filter(|line| *line != Line::Eof)
    }

    /// Reads exactly `n` bytes (BDAT); `None` on EOF, timeout or shutdown.
    pub(crate) async fn read_exact(&mut self, n: usize, into: &mut Vec<u8>) -> Option<()> {
        let timeout = self.server.config.command_timeout;
        let waited = waited(
            self.shutdown.clone(),
            timeout,
            self.conn_mut().read_exact(n, into),
        )
        .await;
        self.settle(waited)
    }

    /// Reads and throws away `n` bytes (a BDAT chunk that is refused), under the same
    /// rules; `None` if the session must end.
    pub(crate) async fn discard(&mut self, n: usize) -> Option<()> {
        let timeout = self.server.config.command_timeout;
        let waited = waited(self.shutdown.clone(), timeout, self.conn_mut().discard(n)).await;
        self.settle(waited)
    }

    /// Runs the session to its end.
    pub(crate) async fn run(mut self) {
        let peer = self.conn().peer();
        tracing::debug!(%peer, listener = ?self.server.listener, "SMTP session starts");
        // Access rules first: a denied client hears 554 and nothing else (RFC 5321 §3.1).
        let ip = peer.ip();
        let policy = self.server.submission.policy();
        match policy.ip_allowed(ip, self.server.listener.name()).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::debug!(%peer, "connection refused by an IP rule");
                self.reply(Reply::new(554, "5.7.1", "Access denied"));
                let _ = self.flush().await;
                return;
            }
            Err(e) => {
                tracing::error!(error = %e, "reading the IP rules failed");
                self.reply(Reply::new(
                    421,
                    "4.3.0",
                    "Service not available, try again later",
                ));
                let _ = self.flush().await;
                return;
            }
        }
        // RFC 5321 §4.2: the greeting.
        let greeting = format!("{} ESMTP Osprey", self.server.config.hostname);
        self.reply(Reply::new(220, "", greeting));
        if self.flush().await.is_err() {
            return;
        }
        loop {
            let max = self.server.config.max_line_length;
            let Some(line) = self.read_line(max).await else {
                break;
            };
            let next = match line {
                Line::TooLong => self.bad(Reply::new(500, "5.5.2", "Line too long")),
                Line::Eof => break,
                Line::Line(line) => op::dispatch(&mut self, &line).await,
            };
            match next {
                Next::Continue => {
                    // PIPELINING (RFC 2920 §3.1): answer a batch in one write.
                    if !self.conn().has_buffered_line() && self.flush().await.is_err() {
                        return;
                    }
                }
                Next::Close => break,
                Next::StartTls => {
                    if self.flush().await.is_err() {
                        return;
                    }
                    let acceptor = self
                        .server
                        .tls
                        .clone()
                        .expect("STARTTLS offered only with TLS");
                    let conn = self.conn.take().expect("connection present");
                    let handshake = tokio::time::timeout(
                        self.server.config.command_timeout,
                        conn.start_tls(&acceptor),
                    );
                    match handshake.await {
                        Ok(Ok(conn)) => self.conn = Some(conn),
                        _ => {
                            tracing::debug!(%peer, "STARTTLS handshake failed");
                            return;
                        }
                    }
                    // RFC 3207 §4.2: forget everything learnt before TLS.
                    self.helo = None;
                    self.esmtp = false;
                    self.envelope = None;
                }
            }
        }
        let _ = self.flush().await;
        self.conn_mut().shutdown().await;
        tracing::debug!(%peer, "SMTP session ends");
    }

    /// Answers a bad command; after too many the session ends with 421.
    pub(crate) fn bad(&mut self, r: Reply) -> Next {
        self.errors += 1;
        if self.errors >= self.server.config.max_errors {
            return self.reply(Reply::new(421, "4.7.0", "Too many errors, closing").closing());
        }
        self.reply(r)
    }
}
