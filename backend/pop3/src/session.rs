//! One POP3 session: the state machine, the read loop with its timeouts, and the
//! shutdown goodbye. Commands live in `op/`, one file each.

use std::sync::Arc;

use osprey_directory::{SessionWatch, session_ended};
use osprey_net::{Connection, Line, Shutdown};
use osprey_proto::pop3::{self, MAX_COMMAND_LINE, RespCode};

use crate::{Pop3Config, Pop3Server, maildrop::Maildrop, op};

/// RFC 1939 §3: AUTHORIZATION, then TRANSACTION; UPDATE is the `QUIT` of a transaction.
pub(crate) enum State {
    Authorization {
        /// The name given by `USER`, waiting for `PASS`.
        user: Option<String>,
        auth_failures: u32,
    },
    Transaction(Box<Maildrop>),
}

/// What the read loop does after a command.
pub(crate) enum Next {
    Continue,
    /// Write what is pending, then close.
    Close,
    /// Write what is pending, then run the TLS handshake (STLS).
    StartTls,
}

pub(crate) struct Session {
    pub(crate) server: Arc<Pop3Server>,
    /// The server's settings as they were when the session began.
    pub(crate) config: Arc<Pop3Config>,
    /// `None` only while STLS swaps the stream.
    conn: Option<Connection>,
    shutdown: Shutdown,
    pub(crate) state: State,
    /// Bad commands so far.
    errors: u32,
    /// Replies not yet written.
    pub(crate) out: Vec<u8>,
    /// The greeting's timestamp for APOP (RFC 1939 §7), when the legacy mechanisms are on.
    pub(crate) apop_banner: Option<String>,
    /// Says when the signed-in account's session must end (disabled, deleted, new
    /// password); `None` before login.
    pub(crate) watch: Option<SessionWatch>,
}

/// Replies are written at the latest when this many bytes are pending.
const FLUSH_AT: usize = 64 * 1024;

impl Session {
    pub(crate) fn new(server: Arc<Pop3Server>, conn: Connection, shutdown: Shutdown) -> Self {
        Session {
            config: server.config.get(),
            server,
            conn: Some(conn),
            shutdown,
            state: State::Authorization {
                user: None,
                auth_failures: 0,
            },
            errors: 0,
            out: Vec::with_capacity(1024),
            apop_banner: None,
            watch: None,
        }
    }

    pub(crate) fn conn(&self) -> &Connection {
        self.conn.as_ref().expect("connection present outside STLS")
    }

    fn conn_mut(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("connection present outside STLS")
    }

    /// Returns `true` if and only if passwords may be sent in the clear here: over TLS,
    /// or from loopback when configured (RFC 2595 §2.1 discourages plaintext otherwise).
    pub(crate) fn plaintext_allowed(&self) -> bool {
        self.conn().is_tls() || (self.config.plaintext_loopback && self.conn().is_loopback())
    }

    pub(crate) fn ok(&mut self, text: &str) {
        pop3::ok(&mut self.out, text);
    }

    pub(crate) fn err(&mut self, code: Option<RespCode>, text: &str) {
        pop3::err(&mut self.out, code, text);
    }

    /// Writes pending replies.
    pub(crate) async fn flush(&mut self) -> std::io::Result<()> {
        let conn = self
            .conn
            .as_mut()
            .expect("connection present outside STARTTLS");
        conn.flush_from(&mut self.out).await
    }

    /// Reads one line for a SASL exchange (RFC 5034 §4). `None` on EOF, timeout or
    /// shutdown; the caller then ends the session.
    pub(crate) async fn read_continuation(&mut self) -> Option<Line> {
        if self.flush().await.is_err() {
            return None;
        }
        let timeout = self.config.login_timeout;
        let mut shutdown = self.shutdown.clone();
        tokio::select! {
            _ = shutdown.wait() => None,
            r = tokio::time::timeout(timeout, self.conn_mut().read_line(MAX_COMMAND_LINE)) => {
                match r {
                    Ok(Ok(Line::Eof)) | Ok(Err(_)) | Err(_) => None,
                    Ok(Ok(line)) => Some(line),
                }
            }
        }
    }

    /// Runs the session to its end.
    pub(crate) async fn run(mut self) {
        let peer = self.conn().peer();
        tracing::debug!(%peer, tls = self.conn().is_tls(), "POP3 session starts");
        // RFC 1939 §4: the greeting.
        let host = self.config.hostname.clone();
        let greeting = if self.server.auth.legacy_enabled() {
            let banner = osprey_net::sasl::timestamp(&host);
            let g = format!("{host} POP3 server ready {banner}");
            self.apop_banner = Some(banner);
            g
        } else {
            format!("{host} POP3 server ready")
        };
        self.ok(&greeting);
        if self.flush().await.is_err() {
            return;
        }
        loop {
            let timeout = match self.state {
                State::Authorization { .. } => self.config.login_timeout,
                State::Transaction(_) => self.config.idle_timeout,
            };
            let mut shutdown = self.shutdown.clone();
            // Taken out for the wait, so that reading may borrow the session.
            let mut watch = self.watch.take();
            let read = tokio::select! {
                _ = shutdown.wait() => {
                    // Nothing of a TRANSACTION is applied without QUIT (RFC 1939 §6).
                    self.err(Some(RespCode::SysTemp), "server shutting down");
                    break;
                }
                end = session_ended(&mut watch) => {
                    // As at shutdown: nothing of the TRANSACTION is applied (RFC 1939 §6).
                    self.err(Some(RespCode::SysPerm), end.text());
                    break;
                }
                r = tokio::time::timeout(timeout, self.conn_mut().read_line(MAX_COMMAND_LINE)) => r,
            };
            self.watch = watch;
            let line = match read {
                Err(_) => {
                    // RFC 1939 §3: the autologout timer closes the connection without a
                    // response and without removing anything.
                    return;
                }
                Ok(Err(_)) | Ok(Ok(Line::Eof)) => break,
                Ok(Ok(Line::TooLong)) => {
                    if self.bad("command line too long") || self.flush().await.is_err() {
                        break;
                    }
                    continue;
                }
                Ok(Ok(Line::Line(line))) => line,
            };
            let next = match pop3::parse_command(&line) {
                Err(e) => {
                    if self.bad(&e.message) {
                        break;
                    }
                    Next::Continue
                }
                Ok(cmd) if !op::allowed(&self.state, &cmd) => {
                    if self.bad("command not allowed in this state") {
                        break;
                    }
                    Next::Continue
                }
                Ok(cmd) => op::dispatch(&mut self, cmd).await,
            };
            match next {
                Next::Continue => {
                    // PIPELINING (RFC 2449 §6.6): answer a batch of commands in one write.
                    let more = self.conn().has_buffered_line();
                    if (!more || self.out.len() >= FLUSH_AT) && self.flush().await.is_err() {
                        return;
                    }
                }
                Next::Close => break,
                Next::StartTls => {
                    if self.flush().await.is_err() {
                        return;
                    }
                    let acceptor = self.server.tls.clone().expect("STLS offered only with TLS");
                    let conn = self.conn.take().expect("connection present");
                    let handshake =
                        tokio::time::timeout(self.config.login_timeout, conn.start_tls(&acceptor));
                    match handshake.await {
                        Ok(Ok(conn)) => self.conn = Some(conn),
                        Ok(Err(e)) => {
                            tracing::debug!(%peer, error = %e, "STLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!(%peer, "STLS handshake timed out");
                            return;
                        }
                    }
                    // RFC 2595 §4: nothing said before TLS carries over (a pending USER).
                    self.state = State::Authorization {
                        user: None,
                        auth_failures: 0,
                    };
                }
            }
        }
        let _ = self.flush().await;
        self.conn_mut().shutdown().await;
        tracing::debug!(%peer, "POP3 session ends");
    }

    /// Answers a bad command; returns `true` if the session has had too many and ends.
    fn bad(&mut self, why: &str) -> bool {
        self.errors += 1;
        if self.errors >= self.config.max_errors {
            self.err(None, "too many bad commands, closing");
            return true;
        }
        self.err(None, why);
        false
    }
}

impl Session {
    /// The maildrop; only called by commands that `op::allowed` admits in TRANSACTION.
    pub(crate) fn maildrop(&self) -> &Maildrop {
        match &self.state {
            State::Transaction(m) => m,
            State::Authorization { .. } => {
                unreachable!("op::allowed admits this only in TRANSACTION")
            }
        }
    }

    pub(crate) fn maildrop_mut(&mut self) -> &mut Maildrop {
        match &mut self.state {
            State::Transaction(m) => m,
            State::Authorization { .. } => {
                unreachable!("op::allowed admits this only in TRANSACTION")
            }
        }
    }
}
