//! One SMTP session: its state, the read loop with timeouts, the shutdown `421`, the
//! STARTTLS upgrade, and the one place that writes a failed command's reply
//! ([`Session::fail`]). Commands live in `op/`, one file each; `op::allowed` says which
//! state takes which.

use std::sync::Arc;

use osprey_core::activity::{self, Count, Ranked};
use osprey_directory::SessionWatch;
use osprey_net::{Connection, Line, Shutdown};
use osprey_proto::smtp::{Reply, replies};
use osprey_store::AccountRecord;

use crate::{
    error::Fault,
    error::SmtpError,
    op,
    server::{SmtpConfig, SmtpServer},
};

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
    /// A server-wide kill-file entry refuses the sender: every recipient but the
    /// postmaster is refused (RFC 5321 §4.5.1: postmaster mail is always accepted).
    pub killed: bool,
    /// Accepted recipients that are not a postmaster: a message only to postmasters is
    /// never refused for its DMARC result.
    pub ordinary_rcpts: usize,
    /// SIZE= of MAIL FROM, 0 if absent.
    pub declared_size: usize,
    /// BDAT chunks received so far (in [`State::Bdat`]).
    pub chunks: Vec<u8>,
    /// A BDAT chunk went over the size limit: the rest is read and thrown away.
    pub chunks_too_big: bool,
}

/// Where the session is in RFC 5321's command sequence (§4.1.4, §4.3.2); `op::allowed`
/// says which commands each state takes.
pub(crate) enum State {
    /// Before EHLO or HELO, and again after STARTTLS (RFC 3207 §4.2).
    Connected,
    /// EHLO or HELO given, no transaction.
    Greeted,
    /// MAIL accepted, no recipient yet (RFC 5321 §3.3).
    Mail(Box<Envelope>),
    /// At least one recipient accepted: DATA or BDAT may follow.
    Rcpt(Box<Envelope>),
    /// BDAT chunks are coming (RFC 3030 §2): more BDAT, but no DATA.
    Bdat(Box<Envelope>),
}

pub(crate) struct Session {
    pub(crate) server: Arc<SmtpServer>,
    /// The server's settings as they were when the session began.
    pub(crate) config: Arc<SmtpConfig>,
    /// `None` only while STARTTLS swaps the stream.
    conn: Option<Connection>,
    shutdown: Shutdown,
    pub(crate) state: State,
    /// The name from EHLO/HELO; `None` in [`State::Connected`].
    pub(crate) helo: Option<String>,
    pub(crate) esmtp: bool,
    pub(crate) account: Option<AccountRecord>,
    /// Says when the signed-in account may no longer send (disabled, deleted, new
    /// password); looked at before each command.
    pub(crate) watch: Option<SessionWatch>,
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
            config: server.config.get(),
            server,
            conn: Some(conn),
            shutdown,
            state: State::Connected,
            helo: None,
            esmtp: false,
            account: None,
            watch: None,
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
        self.conn().is_tls() || (self.config.plaintext_loopback && self.conn().is_loopback())
    }

    /// Queues a reply: a positive one, or an intermediate one (`354`, `334`). Failures go
    /// through [`Session::fail`].
    pub(crate) fn send(&mut self, reply: &Reply) {
        reply.write(&mut self.out);
    }

    /// Answers a failed command: the one place that writes and logs failures and counts
    /// bad commands, replacing the reply with `421` and ending the session after too
    /// many (RFC 5321 §4.2.4 leaves the limit to the server).
    pub(crate) fn fail(&mut self, e: SmtpError) -> Next {
        let Some(mut reply) = e.reply else {
            tracing::debug!("SMTP connection lost");
            return Next::Close;
        };
        let mut disconnect = e.disconnect;
        match e.fault {
            Fault::Server { what, cause } => {
                tracing::error!(error = %cause, %reply, "{what}");
            }
            Fault::Client => {
                self.errors += 1;
                if self.errors >= self.config.max_errors {
                    reply = replies::TOO_MANY_ERRORS;
                    disconnect = true;
                }
                tracing::debug!(%reply, "SMTP command refused");
            }
            Fault::Policy => {
                // Mail refused for good, not a sign-in (5.3.x/53x is authentication's).
                if reply.code >= 500 && !(530..540).contains(&reply.code) {
                    activity::count(Count::Rejected);
                    let ip = self.conn.as_ref().map(|c| c.peer().ip().to_string());
                    activity::rank(Ranked::RejectedIp, ip.as_deref().unwrap_or("?"));
                }
                tracing::debug!(%reply, "SMTP command refused");
            }
            Fault::Gone => tracing::debug!(%reply, "SMTP command refused"),
        }
        self.send(&reply);
        if disconnect {
            Next::Close
        } else {
            Next::Continue
        }
    }

    pub(crate) async fn flush(&mut self) -> std::io::Result<()> {
        let conn = self
            .conn
            .as_mut()
            .expect("connection present outside STARTTLS");
        conn.flush_from(&mut self.out).await
    }

    /// Turns the end of a timed step into its value; a timeout or shutdown is a `421`
    /// that ends the session (RFC 5321 §4.5.3.2, §3.8).
    fn settle<T>(waited: Waited<T>) -> Result<T, SmtpError> {
        match waited {
            Waited::Done(v) => Ok(v),
            Waited::Failed => Err(SmtpError::gone()),
            Waited::TimedOut => Err(SmtpError::refused(replies::IDLE_TIMEOUT).disconnect()),
            Waited::ShuttingDown => Err(SmtpError::refused(replies::SHUTTING_DOWN).disconnect()),
        }
    }

    /// Reads a line with the command timeout; EOF, a timeout or shutdown is an error that
    /// ends the session.
    pub(crate) async fn read_line(&mut self, max: usize) -> Result<Line, SmtpError> {
        let timeout = self.config.command_timeout;
        let waited = waited(
            self.shutdown.clone(),
            timeout,
            self.conn_mut().read_line(max),
        )
        .await;
        match Self::settle(waited)? {
            Line::Eof => Err(SmtpError::gone()),
            line => Ok(line),
        }
    }

    /// Reads exactly `n` bytes (BDAT), under the same rules.
    pub(crate) async fn read_exact(
        &mut self,
        n: usize,
        into: &mut Vec<u8>,
    ) -> Result<(), SmtpError> {
        let timeout = self.config.command_timeout;
        let waited = waited(
            self.shutdown.clone(),
            timeout,
            self.conn_mut().read_exact(n, into),
        )
        .await;
        Self::settle(waited)
    }

    /// Reads and throws away `n` bytes (a BDAT chunk that is refused), under the same
    /// rules.
    pub(crate) async fn discard(&mut self, n: usize) -> Result<(), SmtpError> {
        let timeout = self.config.command_timeout;
        let waited = waited(self.shutdown.clone(), timeout, self.conn_mut().discard(n)).await;
        Self::settle(waited)
    }

    /// The transaction in progress, if any.
    pub(crate) fn envelope(&self) -> Option<&Envelope> {
        match &self.state {
            State::Mail(e) | State::Rcpt(e) | State::Bdat(e) => Some(e),
            State::Connected | State::Greeted => None,
        }
    }

    pub(crate) fn envelope_mut(&mut self) -> Option<&mut Envelope> {
        match &mut self.state {
            State::Mail(e) | State::Rcpt(e) | State::Bdat(e) => Some(e),
            State::Connected | State::Greeted => None,
        }
    }

    /// Records an accepted recipient: a transaction in [`State::Mail`] moves on to
    /// [`State::Rcpt`].
    pub(crate) fn recipient_accepted(&mut self) {
        self.state = match std::mem::replace(&mut self.state, State::Connected) {
            State::Mail(e) => State::Rcpt(e),
            other => other,
        };
    }

    /// Records the first BDAT chunk: a transaction in [`State::Rcpt`] moves on to
    /// [`State::Bdat`].
    pub(crate) fn chunks_started(&mut self) {
        self.state = match std::mem::replace(&mut self.state, State::Connected) {
            State::Rcpt(e) => State::Bdat(e),
            other => other,
        };
    }

    /// Ends the transaction in progress (the message is in, or RSET): back to
    /// [`State::Greeted`], or [`State::Connected`] if there was no EHLO.
    pub(crate) fn end_transaction(&mut self) -> Option<Envelope> {
        let next = match self.state {
            State::Connected => State::Connected,
            _ => State::Greeted,
        };
        match std::mem::replace(&mut self.state, next) {
            State::Mail(e) | State::Rcpt(e) | State::Bdat(e) => Some(*e),
            State::Connected | State::Greeted => None,
        }
    }

    /// `Some(421)` if the account this session signed in as may no longer use it.
    async fn signed_out(&mut self) -> Option<Reply> {
        let end = self.watch.as_mut()?.check().await?;
        tracing::info!(
            reason = end.text(),
            "SMTP session of a signed-out account ends"
        );
        Some(replies::SESSION_REVOKED)
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
                self.fail(SmtpError::refused(replies::ACCESS_DENIED).disconnect());
                let _ = self.flush().await;
                return;
            }
            Err(e) => {
                let reply = replies::SERVICE_UNAVAILABLE;
                self.fail(
                    SmtpError::internal(reply, "reading the IP rules failed", e).disconnect(),
                );
                let _ = self.flush().await;
                return;
            }
        }
        // RFC 5321 §4.2: the greeting.
        self.send(&replies::greeting(&self.config.hostname));
        if self.flush().await.is_err() {
            return;
        }
        loop {
            let max = self.config.max_line_length;
            let next = match self.read_line(max).await {
                Err(e) => {
                    self.fail(e);
                    break;
                }
                Ok(Line::TooLong) => self.fail(SmtpError::bad(replies::LINE_TOO_LONG)),
                Ok(Line::Eof) => break,
                Ok(Line::Line(line)) => match self.signed_out().await {
                    Some(reply) => self.fail(SmtpError::refused(reply).disconnect()),
                    None => op::dispatch(&mut self, &line).await,
                },
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
                        self.config.command_timeout,
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
                    self.state = State::Connected;
                    self.helo = None;
                    self.esmtp = false;
                }
            }
        }
        let _ = self.flush().await;
        self.conn_mut().shutdown().await;
        tracing::debug!(%peer, "SMTP session ends");
    }
}
