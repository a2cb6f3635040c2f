//! One ManageSieve session: reading commands (lines and the literals they announce),
//! the two states, the timeouts, STARTTLS and the shutdown goodbye. The commands live in
//! `commands.rs`, authentication in `auth.rs`.

use std::sync::Arc;

use osprey_directory::{SessionWatch, session_ended};
use osprey_net::{Connection, Line, Shutdown};
use osprey_proto::managesieve::{
    self as wire, Code, Command, MAX_LINE, Token, literal_token, parse_command, tokenize,
};
use osprey_store::AccountRecord;

use crate::{ManageSieveConfig, ManageSieveServer};

/// The longest literal read, in octets: above the largest script the service keeps, so
/// that a script a little too big gets `QUOTA/MAXSIZE`; beyond this the session ends.
const MAX_LITERAL: u64 = 1024 * 1024;

/// What reading a command gave.
pub(crate) enum Read {
    Tokens(Vec<Token>),
    /// A command that could not be read; the session goes on.
    Bad(String),
    /// The client left, timed out, or the server is stopping; the session ends.
    Gone,
}

/// What the loop does after a command.
pub(crate) enum Next {
    Continue,
    /// Write what is pending, then close.
    Close,
    /// Write what is pending, then run the TLS handshake.
    StartTls,
}

pub(crate) struct Session {
    pub(crate) server: Arc<ManageSieveServer>,
    /// The server's settings as they were when the session began.
    pub(crate) config: Arc<ManageSieveConfig>,
    /// `None` only while STARTTLS swaps the stream.
    conn: Option<Connection>,
    shutdown: Shutdown,
    /// The signed-in account (RFC 5804's authenticated state); `None` before.
    pub(crate) account: Option<AccountRecord>,
    /// Says when the signed-in account's session must end.
    pub(crate) watch: Option<SessionWatch>,
    pub(crate) auth_failures: u32,
    errors: u32,
    pub(crate) out: Vec<u8>,
}

impl Session {
    pub(crate) fn new(
        server: Arc<ManageSieveServer>,
        conn: Connection,
        shutdown: Shutdown,
    ) -> Self {
        Session {
            config: server.config.get(),
            server,
            conn: Some(conn),
            shutdown,
            account: None,
            watch: None,
            auth_failures: 0,
            errors: 0,
            out: Vec::with_capacity(1024),
        }
    }

    pub(crate) fn conn(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("connection present outside STARTTLS")
    }

    fn conn_mut(&mut self) -> &mut Connection {
        self.conn
            .as_mut()
            .expect("connection present outside STARTTLS")
    }

    /// Returns `true` if and only if passwords may be sent in the clear here.
    pub(crate) fn plaintext_allowed(&self) -> bool {
        self.conn().is_tls() || (self.config.plaintext_loopback && self.conn().is_loopback())
    }

    pub(crate) fn ok(&mut self, code: Option<Code<'_>>, text: &str) {
        wire::write_response(&mut self.out, "OK", code, text);
    }

    pub(crate) fn no(&mut self, code: Option<Code<'_>>, text: &str) {
        wire::write_response(&mut self.out, "NO", code, text);
    }

    pub(crate) fn bye(&mut self, code: Option<Code<'_>>, text: &str) {
        wire::write_response(&mut self.out, "BYE", code, text);
    }

    pub(crate) async fn flush(&mut self) -> std::io::Result<()> {
        let conn = self
            .conn
            .as_mut()
            .expect("connection present outside STARTTLS");
        conn.flush_from(&mut self.out).await
    }

    /// Reads one command: a line, and for each literal it announces the literal's
    /// octets and the next line.
    pub(crate) async fn read_command(&mut self) -> Read {
        let mut tokens = Vec::new();
        let mut bad = None;
        loop {
            let line = match self.read_line().await {
                Some(Line::Line(l)) => l,
                Some(Line::TooLong) => return Read::Bad("the command line is too long".into()),
                Some(Line::Eof) | None => return Read::Gone,
            };
            let literal = match tokenize(&line, &mut tokens) {
                Ok(None) => break,
                Ok(Some(literal)) => literal,
                Err(e) => return Read::Bad(e.0),
            };
            if literal.0 > MAX_LITERAL {
                // The client sends the octets without waiting: they cannot be skipped
                // cheaply, so the session ends.
                self.bye(None, "that literal is too large");
                return Read::Gone;
            }
            let mut octets = Vec::new();
            if self
                .conn_mut()
                .read_exact(literal.0 as usize, &mut octets)
                .await
                .is_err()
            {
                return Read::Gone;
            }
            match literal_token(octets) {
                Ok(t) => tokens.push(t),
                // Read the rest of the command before answering.
                Err(e) => bad = Some(e.0),
            }
        }
        match bad {
            Some(why) => Read::Bad(why),
            None => Read::Tokens(tokens),
        }
    }

    /// One line, within the state's timeout; `None` on timeout, shutdown, a revoked
    /// session or a read error.
    async fn read_line(&mut self) -> Option<Line> {
        let timeout = if self.account.is_some() {
            self.config.idle_timeout
        } else {
            self.config.login_timeout
        };
        let mut shutdown = self.shutdown.clone();
        let mut watch = self.watch.take();
        let read = tokio::select! {
            _ = shutdown.wait() => {
                self.bye(Some(Code::Plain("TRYLATER")), "server shutting down");
                None
            }
            end = session_ended(&mut watch) => {
                self.bye(None, end.text());
                None
            }
            r = tokio::time::timeout(timeout, self.conn_mut().read_line(MAX_LINE)) => match r {
                Ok(Ok(line)) => Some(line),
                Ok(Err(_)) => None,
                Err(_) => {
                    self.bye(None, "idle too long, closing");
                    None
                }
            },
        };
        self.watch = watch;
        read
    }

    /// Runs the session to its end.
    pub(crate) async fn run(mut self) {
        let peer = self.conn().peer();
        tracing::debug!(%peer, tls = self.conn().is_tls(), "ManageSieve session starts");
        // RFC 5804 §1.7: the greeting is the capability list and OK.
        self.capabilities();
        let host = self.config.hostname.clone();
        self.ok(None, &format!("{host} ManageSieve server ready"));
        if self.flush().await.is_err() {
            return;
        }
        loop {
            let next = match self.read_command().await {
                Read::Gone => break,
                Read::Bad(why) => {
                    if self.bad(&why) {
                        break;
                    }
                    Next::Continue
                }
                Read::Tokens(tokens) => match parse_command(tokens) {
                    Err(e) => {
                        if self.bad(&e.0) {
                            break;
                        }
                        Next::Continue
                    }
                    Ok(cmd) => self.dispatch(cmd).await,
                },
            };
            match next {
                Next::Continue => {
                    if self.flush().await.is_err() {
                        return;
                    }
                }
                Next::Close => break,
                Next::StartTls => {
                    if !self.start_tls().await {
                        return;
                    }
                }
            }
        }
        let _ = self.flush().await;
        self.conn_mut().shutdown().await;
        tracing::debug!(%peer, "ManageSieve session ends");
    }

    /// The handshake after `OK` to STARTTLS; then the capabilities again (RFC 5804
    /// §2.2: "the server MUST re-issue the capability results, followed by an OK
    /// response"). `false` when the session must end.
    async fn start_tls(&mut self) -> bool {
        if self.flush().await.is_err() {
            return false;
        }
        let peer = self.conn().peer();
        let acceptor = self
            .server
            .tls
            .clone()
            .expect("STARTTLS offered only with TLS");
        let conn = self.conn.take().expect("connection present");
        let handshake = tokio::time::timeout(self.config.login_timeout, conn.start_tls(&acceptor));
        match handshake.await {
            Ok(Ok(conn)) => self.conn = Some(conn),
            Ok(Err(e)) => {
                tracing::debug!(%peer, error = %e, "STARTTLS handshake failed");
                return false;
            }
            Err(_) => {
                tracing::debug!(%peer, "STARTTLS handshake timed out");
                return false;
            }
        }
        self.capabilities();
        self.ok(None, "TLS negotiation successful");
        self.flush().await.is_ok()
    }

    /// Answers a bad command; returns `true` if the session has had too many and ends.
    fn bad(&mut self, why: &str) -> bool {
        self.errors += 1;
        if self.errors >= self.config.max_errors {
            self.bye(None, "too many bad commands, closing");
            return true;
        }
        self.no(None, why);
        false
    }

    /// Runs a parsed command in the current state (RFC 5804 §2: AUTHENTICATE and
    /// STARTTLS only before authenticating; the script commands only after).
    async fn dispatch(&mut self, cmd: Command) -> Next {
        let authenticated = self.account.is_some();
        match cmd {
            Command::Capability => {
                self.capabilities();
                self.ok(None, "");
                Next::Continue
            }
            Command::Logout => {
                self.ok(None, "Logout complete");
                Next::Close
            }
            Command::Noop(tag) => {
                match tag.as_deref() {
                    Some(tag) => self.ok(Some(Code::WithString("TAG", tag)), "Done"),
                    None => self.ok(None, "Done"),
                }
                Next::Continue
            }
            Command::StartTls | Command::Authenticate { .. } if authenticated => {
                self.no(None, "already authenticated");
                Next::Continue
            }
            Command::StartTls => self.starttls(),
            Command::Authenticate { mechanism, initial } => {
                self.authenticate(&mechanism, initial).await
            }
            _ if !authenticated => {
                self.no(None, "authenticate first");
                Next::Continue
            }
            Command::Unauthenticate => {
                // RFC 5804 §2.14.1: back to the non-authenticated state.
                self.account = None;
                self.watch = None;
                self.ok(None, "");
                Next::Continue
            }
            other => {
                self.script_command(other).await;
                Next::Continue
            }
        }
    }

    fn starttls(&mut self) -> Next {
        if self.conn().is_tls() {
            self.no(None, "TLS is already active");
            return Next::Continue;
        }
        if self.server.tls.is_none() {
            self.no(None, "STARTTLS is not available");
            return Next::Continue;
        }
        self.ok(None, "Begin TLS negotiation now");
        Next::StartTls
    }

    /// The capability lines (RFC 5804 §1.7), without the final OK.
    pub(crate) fn capabilities(&mut self) {
        let sieve = osprey_rules::sieve::SUPPORTED_EXTENSIONS.join(" ");
        let mechanisms = self.mechanisms().join(" ");
        let authenticated = self.account.is_some();
        let starttls = !authenticated && self.server.tls.is_some() && !self.conn().is_tls();
        let owner = self.account.as_ref().map(AccountRecord::address);
        let mut line = |name: &str, value: Option<&str>| {
            wire::write_string(&mut self.out, name);
            if let Some(v) = value {
                self.out.push(b' ');
                wire::write_string(&mut self.out, v);
            }
            self.out.extend_from_slice(b"\r\n");
        };
        line("IMPLEMENTATION", Some("Osprey"));
        line("SIEVE", Some(&sieve));
        // Empty once authenticated: there is nothing more to authenticate with.
        line("SASL", Some(if authenticated { "" } else { &mechanisms }));
        if starttls {
            line("STARTTLS", None);
        }
        if let Some(owner) = owner {
            line("OWNER", Some(&owner));
        }
        line("UNAUTHENTICATE", None);
        line("VERSION", Some("1.0"));
    }
}
