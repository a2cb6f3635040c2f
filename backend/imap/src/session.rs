//! One IMAP session: the state machine, the read loop (framing commands with their
//! literals) with state-dependent timeouts, the shutdown `* BYE`, and the helpers every
//! command uses to answer. Commands live in `op/`, one file each.

use std::{sync::Arc, time::Instant};

use osprey_directory::{SessionWatch, session_ended};
use osprey_net::{Connection, Line, LongLine, Shutdown};
use osprey_proto::imap::{
    Code, Data, Frame, FrameError, FrameErrorKind, Framer, Limits, Response, StatusKind,
    StatusResponse, Tag, WriteOptions, parse_command_with,
};
use osprey_store::AccountRecord;
use tracing::Instrument;

use crate::{ImapConfig, ImapServer, op, selected::Selected};

/// RFC 9051 §3: not authenticated, authenticated, selected (logout is the end of the
/// read loop).
pub(crate) enum State {
    NotAuthenticated {
        auth_failures: u32,
    },
    Authenticated {
        account: Box<AccountRecord>,
    },
    Selected {
        account: Box<AccountRecord>,
        mailbox: Box<Selected>,
    },
}

/// What the read loop does after a command.
pub(crate) enum Next {
    Continue,
    /// Write what is pending, then close.
    Close,
    /// Write what is pending, then run the TLS handshake (STARTTLS).
    StartTls,
    /// Write what is pending, then compress the connection (COMPRESS).
    Compress,
}

/// What reading a command gave.
enum Input {
    Command(Vec<u8>),
    /// Framing refused the command; answered already.
    Refused {
        close: bool,
    },
    Gone,
    TimedOut,
}

/// Output buffer capacity kept between commands; a larger one is freed after flushing.
const OUT_KEPT: usize = 8 * 1024;

pub(crate) struct Session {
    pub(crate) server: Arc<ImapServer>,
    /// The server's settings as they were when the session began.
    pub(crate) config: Arc<ImapConfig>,
    /// `None` only while STARTTLS swaps the stream.
    pub(crate) conn: Option<Connection>,
    pub(crate) shutdown: Shutdown,
    pub(crate) state: State,
    /// Bad commands so far.
    bad_commands: u32,
    /// Responses not yet written.
    pub(crate) out: Vec<u8>,
    framer: Framer,
    /// The client enabled IMAP4rev2 (RFC 9051 §6.3.1): ESEARCH answers and UTF-8 names.
    pub(crate) rev2: bool,
    /// The client enabled UTF8=ACCEPT (RFC 6855 §3): UTF-8 names and quoted strings,
    /// SEARCH without CHARSET.
    pub(crate) utf8_accept: bool,
    /// CONDSTORE is enabled (RFC 7162 §3.1): FETCH answers about flag changes carry
    /// MODSEQ.
    pub(crate) condstore: bool,
    /// QRESYNC is enabled (RFC 7162 §3.2.3): expunges are reported as VANISHED.
    pub(crate) qresync: bool,
    /// Says when the signed-in account's session must end (disabled, deleted, new
    /// password); `None` before login.
    pub(crate) watch: Option<SessionWatch>,
    /// What NOTIFY asked for (RFC 5465); `None` before it and after `NOTIFY NONE`.
    pub(crate) notify: Option<op::notify::Notify>,
}

/// The longest command line, CRLF included: 64 KiB of text.
const MAX_LINE: usize = 64 * 1024 + 2;

/// How much of a line too long to keep from each end: enough for the tag and for a
/// literal announcement.
const LONG_LINE_ENDS: usize = 64;

/// Responses are written at the latest when this many bytes are pending.
const FLUSH_AT: usize = 64 * 1024;

impl Session {
    pub(crate) fn new(server: Arc<ImapServer>, conn: Connection, shutdown: Shutdown) -> Self {
        // LITERAL+ (RFC 7888 §3): a non-synchronising literal may be as large as a
        // synchronising one; a larger one is refused as any too-big literal is.
        let config = server.config.get();
        let defaults = Limits::default();
        let limits = Limits {
            // RFC 7162 §4 recommends accepting command lines of 8192 octets at least;
            // a client that names many UIDs (a QRESYNC known-UIDs set, say) sends far
            // longer ones, so 64 KiB, and a command as long as several of them.
            max_line: MAX_LINE,
            max_command: 4 * MAX_LINE,
            max_append_literal: config.append_limit,
            // A MULTIAPPEND is held in memory until it is complete: at most twice
            // APPENDLIMIT in all.
            max_append_total: config.append_limit.saturating_mul(2),
            max_nonsync_literal: defaults.max_literal,
            ..defaults
        };
        Session {
            config,
            server,
            conn: Some(conn),
            shutdown,
            state: State::NotAuthenticated { auth_failures: 0 },
            bad_commands: 0,
            // Grown by the first response, given back after a large one (see `flush`):
            // an idle session keeps no output buffer.
            out: Vec::new(),
            framer: Framer::new(limits),
            rev2: false,
            utf8_accept: false,
            condstore: false,
            qresync: false,
            watch: None,
            notify: None,
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

    /// Returns `true` if and only if passwords may be sent in the clear here: over TLS,
    /// or from loopback when configured (RFC 9051 §11.1).
    pub(crate) fn plaintext_allowed(&self) -> bool {
        self.conn().is_tls() || (self.config.plaintext_loopback && self.conn().is_loopback())
    }

    /// Returns `true` if and only if the client takes UTF-8 in names and quoted strings:
    /// it enabled IMAP4rev2 (RFC 9051 §5.1) or UTF8=ACCEPT (RFC 6855 §3). Before that,
    /// names are modified UTF-7 and no UTF-8 is sent.
    pub(crate) fn utf8(&self) -> bool {
        self.rev2 || self.utf8_accept
    }

    pub(crate) fn opts(&self) -> WriteOptions {
        WriteOptions { utf8: self.utf8() }
    }

    pub(crate) fn respond(&mut self, r: Response) {
        let opts = self.opts();
        r.write(&mut self.out, opts);
    }

    pub(crate) fn data(&mut self, d: Data) {
        self.respond(Response::Data(d));
    }

    fn status(&mut self, tag: Option<&Tag>, kind: StatusKind, code: Option<Code>, text: &str) {
        let mut s = StatusResponse::new(tag.cloned(), kind, text);
        s.code = code;
        self.respond(Response::Status(s));
    }

    /// Writes a tagged status response: a command's completion (`op::dispatch`), or the
    /// refusal of a command that never ran.
    pub(crate) fn tagged(&mut self, tag: &Tag, kind: StatusKind, code: Option<Code>, text: &str) {
        self.status(Some(tag), kind, code, text);
    }

    pub(crate) fn untagged_ok(&mut self, code: Option<Code>, text: &str) {
        self.status(None, StatusKind::Ok, code, text);
    }

    pub(crate) fn untagged_no(&mut self, code: Option<Code>, text: &str) {
        self.status(None, StatusKind::No, code, text);
    }

    pub(crate) fn bye(&mut self, code: Option<Code>, text: &str) {
        self.status(None, StatusKind::Bye, code, text);
    }

    /// Writes pending responses.
    pub(crate) async fn flush(&mut self) -> std::io::Result<()> {
        let conn = self
            .conn
            .as_mut()
            .expect("connection present outside STARTTLS");
        let res = conn.flush_from(&mut self.out).await;
        if self.out.capacity() > OUT_KEPT {
            self.out = Vec::new();
        }
        res
    }

    /// The inactivity limit in the current state.
    pub(crate) fn timeout(&self) -> std::time::Duration {
        match self.state {
            State::NotAuthenticated { .. } => self.config.login_timeout,
            _ => self.config.idle_timeout,
        }
    }

    /// Reads one line (a SASL response, IDLE's `DONE`). `None` on EOF, timeout or
    /// shutdown; the caller then ends the session.
    pub(crate) async fn read_continuation(&mut self) -> Option<Line> {
        if self.flush().await.is_err() {
            return None;
        }
        let timeout = self.timeout();
        let max = self.framer.limits().max_line;
        let mut shutdown = self.shutdown.clone();
        tokio::select! {
            _ = shutdown.wait() => None,
            r = tokio::time::timeout(timeout, self.conn_mut().read_line(max)) => match r {
                Ok(Ok(Line::Eof)) | Ok(Err(_)) | Err(_) => None,
                Ok(Ok(line)) => Some(line),
            }
        }
    }

    /// Reads one command with its literals, sending `+` before synchronising ones
    /// (RFC 9051 §7.5) and refusing oversized ones before the client sends them.
    async fn read_command(&mut self) -> Input {
        let timeout = self.timeout();
        let max = self.framer.limits().max_line;
        loop {
            let read = self.conn_mut().read_line_ends(max, LONG_LINE_ENDS);
            let line = match tokio::time::timeout(timeout, read).await {
                Err(_) => return Input::TimedOut,
                Ok(Err(_)) | Ok(Ok(LongLine::Eof)) => return Input::Gone,
                Ok(Ok(LongLine::TooLong { head, tail })) => {
                    // The line was read to its end: only this command is refused.
                    let e = self.framer.line_too_long(&head, &tail);
                    self.refuse(&e);
                    return Input::Refused {
                        close: e.must_close(),
                    };
                }
                Ok(Ok(LongLine::Line(l))) => l,
            };
            match self.framer.push_line(&line) {
                Ok(Frame::Command(bytes)) => return Input::Command(bytes),
                Ok(Frame::Literal { size, sync, .. }) => {
                    if sync {
                        // RFC 9051 §7.5: the client waits for this before sending it.
                        self.out.extend_from_slice(b"+ Ready for literal data\r\n");
                        if self.flush().await.is_err() {
                            return Input::Gone;
                        }
                    }
                    let mut data = Vec::new();
                    let n = usize::try_from(size).unwrap_or(usize::MAX);
                    match tokio::time::timeout(timeout, self.conn_mut().read_exact(n, &mut data))
                        .await
                    {
                        Err(_) => return Input::TimedOut,
                        Ok(Err(_)) => return Input::Gone,
                        Ok(Ok(())) => {}
                    }
                    if let Err(e) = self.framer.push_literal(&data) {
                        self.refuse(&e);
                        return Input::Refused {
                            close: e.must_close(),
                        };
                    }
                }
                Err(e) => {
                    self.refuse(&e);
                    return Input::Refused {
                        close: e.must_close(),
                    };
                }
            }
        }
    }

    /// Answers a command the framer refused: RFC 9051 §6.3.12 and RFC 7889 §4
    /// (`NO [TOOBIG]` for an APPEND message), `BAD` otherwise, `* BYE` if the
    /// connection must close.
    fn refuse(&mut self, e: &dyn Refusal) {
        let code = e.code();
        match (e.tag(), e.append()) {
            (Some(tag), true) => self.tagged(&tag, StatusKind::No, code.clone(), e.text()),
            (Some(tag), false) => self.tagged(&tag, StatusKind::Bad, code.clone(), e.text()),
            (None, _) => self.status(None, StatusKind::Bad, code.clone(), e.text()),
        }
        if e.close() {
            self.bye(code, "closing the connection");
        }
    }

    /// Runs the session to its end.
    pub(crate) async fn run(mut self) {
        let peer = self.conn().peer();
        tracing::debug!(%peer, tls = self.conn().is_tls(), "IMAP session starts");
        // RFC 9051 §7.1.1: the greeting, with the capabilities (§7.1).
        let caps = self.capabilities();
        self.untagged_ok(Some(Code::Capability(caps)), "Osprey ready");
        if self.flush().await.is_err() {
            return;
        }
        loop {
            // RFC 5465 §3.1: with NOTIFY the client "listens for event notifications all
            // the time (even when no command is in progress)".
            if self.notify.is_some()
                && !self.conn().has_buffered_line()
                && matches!(self.wait_notified().await, op::notify::Waited::Close)
            {
                break;
            }
            let mut shutdown = self.shutdown.clone();
            // Taken out for the wait, so that reading may borrow the session.
            let mut watch = self.watch.take();
            let input = tokio::select! {
                _ = shutdown.wait() => {
                    // RFC 9051 §7.1.5
                    self.bye(None, "server shutting down");
                    break;
                }
                end = session_ended(&mut watch) => {
                    // RFC 9051 §7.1.5: the server closes the connection.
                    self.bye(None, end.text());
                    break;
                }
                input = self.read_command() => input,
            };
            self.watch = watch;
            let bytes = match input {
                Input::Gone => break,
                Input::TimedOut => {
                    // RFC 9051 §5.4: the autologout timer.
                    self.bye(None, "autologout, idle for too long");
                    break;
                }
                Input::Refused { close: true } => break,
                Input::Refused { close: false } => {
                    if self.flush().await.is_err() {
                        return;
                    }
                    continue;
                }
                Input::Command(bytes) => bytes,
            };
            let next = match parse_command_with(&bytes, self.framer.limits()) {
                Err(e) => {
                    // RFC 9051 §7.1.3: tagged BAD when the tag was read, else untagged.
                    match &e.tag {
                        Some(tag) => self.tagged(tag, StatusKind::Bad, None, &e.message),
                        None => self.status(None, StatusKind::Bad, None, &e.message),
                    }
                    self.count_bad()
                }
                Ok(cmd) => match op::allowed(&self.state, &cmd.body) {
                    Err(why) => {
                        self.tagged(&cmd.tag, StatusKind::Bad, None, why);
                        self.count_bad()
                    }
                    // Boxed, like each command inside it (see `op::dispatch`): the read
                    // loop's own future stays small.
                    Ok(()) => {
                        let name = cmd.body.name();
                        let started = Instant::now();
                        let span = tracing::debug_span!("imap_command", command = name);
                        let next = Box::pin(op::dispatch(&mut self, cmd).instrument(span)).await;
                        metrics::histogram!("osprey_imap_command_seconds", "command" => name)
                            .record(started.elapsed());
                        next
                    }
                },
            };
            match next {
                Next::Continue => {
                    // Pipelined commands are answered in one write.
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
                    let acceptor = self.server.tls.clone().expect("offered only with TLS");
                    let conn = self.conn.take().expect("connection present");
                    // Boxed: the handshake's state is large and needed once.
                    let handshake = tokio::time::timeout(
                        self.config.login_timeout,
                        Box::pin(conn.start_tls(&acceptor)),
                    );
                    match handshake.await {
                        Ok(Ok(conn)) => self.conn = Some(conn),
                        Ok(Err(e)) => {
                            tracing::debug!(%peer, error = %e, "STARTTLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!(%peer, "STARTTLS handshake timed out");
                            return;
                        }
                    }
                    // RFC 9051 §6.2.1: nothing sent before TLS carries over.
                    self.framer.reset();
                }
                Next::Compress => {
                    // RFC 4978 §3: compression starts right after the CRLF of the tagged
                    // OK, which goes out uncompressed. Input already buffered is the
                    // client's first compressed bytes: it is kept, not discarded.
                    if self.flush().await.is_err() {
                        return;
                    }
                    let conn = self.conn.take().expect("connection present");
                    match conn.start_compress() {
                        Ok(conn) => self.conn = Some(conn),
                        Err(e) => {
                            tracing::debug!(%peer, error = %e, "COMPRESS failed");
                            return;
                        }
                    }
                }
            }
        }
        let _ = self.flush().await;
        self.conn_mut().shutdown().await;
        tracing::debug!(%peer, "IMAP session ends");
    }

    /// Counts a bad command; after too many, says goodbye.
    fn count_bad(&mut self) -> Next {
        self.bad_commands += 1;
        if self.bad_commands >= self.config.max_bad_commands {
            self.bye(None, "too many bad commands");
            return Next::Close;
        }
        Next::Continue
    }
}

/// What [`Session::refuse`] needs of a framing error.
trait Refusal {
    fn tag(&self) -> Option<Tag>;
    fn text(&self) -> &'static str;
    /// The response code of the answer, if any.
    fn code(&self) -> Option<Code>;
    fn append(&self) -> bool;
    fn close(&self) -> bool;
}

impl Refusal for FrameError {
    fn tag(&self) -> Option<Tag> {
        self.tag.clone()
    }
    fn text(&self) -> &'static str {
        self.message()
    }
    fn code(&self) -> Option<Code> {
        match self.kind {
            FrameErrorKind::LiteralTooBig { .. } => Some(Code::TooBig),
            // RFC 5530 §3
            FrameErrorKind::AppendsTooBig { .. } => Some(Code::Limit),
            _ => None,
        }
    }
    fn append(&self) -> bool {
        self.is_append_too_big()
    }
    fn close(&self) -> bool {
        self.must_close()
    }
}

impl Session {
    /// The logged-in account; only called by commands `op::allowed` admits after login.
    pub(crate) fn account(&self) -> &AccountRecord {
        match &self.state {
            State::Authenticated { account } | State::Selected { account, .. } => account,
            State::NotAuthenticated { .. } => unreachable!("op::allowed admits this after login"),
        }
    }

    /// The selected mailbox; only called by commands `op::allowed` admits in SELECTED.
    pub(crate) fn selected(&mut self) -> &mut Selected {
        match &mut self.state {
            State::Selected { mailbox, .. } => mailbox,
            _ => unreachable!("op::allowed admits this only in the selected state"),
        }
    }

    /// Leaves the selected state (CLOSE, UNSELECT, a failed SELECT).
    pub(crate) fn deselect(&mut self) {
        let state = std::mem::replace(
            &mut self.state,
            State::NotAuthenticated { auth_failures: 0 },
        );
        self.state = match state {
            State::Selected { account, .. } | State::Authenticated { account } => {
                State::Authenticated { account }
            }
            other => other,
        };
    }
}
