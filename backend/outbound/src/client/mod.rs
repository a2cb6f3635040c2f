//! An SMTP client for one connection to one server (RFC 5321): greeting, EHLO (HELO
//! fallback), STARTTLS by [`TlsPolicy`] (RFC 3207), AUTH PLAIN or LOGIN (RFC 4954),
//! pipelined envelopes (RFC 2920), dot-stuffed DATA and the client timeouts of
//! RFC 5321 §4.5.3.2. One [`SmtpClient::send`] is one transaction; the connection can carry
//! the next after it. Choosing hosts, retrying and bouncing are the caller's: this module
//! reports what the server said, per recipient.

mod capabilities;
mod config;
mod data;
mod error;
mod stream;
mod tls;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use osprey_mail::message::normalize_crlf;
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
    time::timeout,
};
use tokio_rustls::TlsConnector;

pub use capabilities::Capabilities;
pub use config::{ClientConfig, Credentials, TlsPolicy};
pub use error::{SmtpError, Stage};
pub use osprey_proto::smtp::Reply;
pub use tls::system_roots_config;

use osprey_proto::smtp::ReplyParser;
use stream::Stream;

/// Reply lines longer than this are a protocol error (RFC 5321 §4.5.3.1.5 allows 512).
const MAX_LINE: u64 = 4096;
/// Replies with more lines than this are a protocol error.
const MAX_LINES: usize = osprey_proto::smtp::DEFAULT_MAX_LINES;
/// The message goes out in blocks of this size, each with its own timeout.
const BLOCK: usize = 64 * 1024;

/// The outcome for one recipient: the reply to its RCPT when refused there, otherwise the
/// reply to DATA or to the end of the data (which applies to every accepted recipient).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RcptResult {
    pub rcpt: String,
    /// The step whose reply this is: [`Stage::RcptTo`], [`Stage::Data`] or
    /// [`Stage::DataEnd`].
    pub stage: Stage,
    pub reply: Reply,
}

impl RcptResult {
    /// Returns `true` if and only if the server took responsibility for the message for
    /// this recipient.
    pub fn is_delivered(&self) -> bool {
        self.stage == Stage::DataEnd && self.reply.is_positive()
    }
}

/// One open SMTP connection, ready for transactions.
pub struct SmtpClient {
    conn: BufReader<Stream>,
    caps: Capabilities,
    tls: bool,
    peer: SocketAddr,
    cfg: ClientConfig,
}

impl SmtpClient {
    /// Connects to `addr`, reads the greeting, says EHLO, upgrades with STARTTLS as
    /// `cfg.tls` says (checking the certificate against `server_name` when required) and
    /// authenticates when `cfg.auth` is set.
    pub async fn connect(
        addr: SocketAddr,
        server_name: &str,
        cfg: &ClientConfig,
    ) -> Result<SmtpClient, SmtpError> {
        let tcp = timeout(cfg.connect_timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| SmtpError::Timeout(Stage::Connect))?
            .map_err(SmtpError::Connect)?;
        let _ = tcp.set_nodelay(true);
        let mut client = SmtpClient {
            conn: BufReader::new(Stream::Plain(tcp)),
            caps: Capabilities::default(),
            tls: false,
            peer: addr,
            cfg: cfg.clone(),
        };
        // RFC 5321 §3.1: 220 opens the session; 554 says no service here.
        let greeting = client.read(Stage::Greeting, cfg.command_timeout).await?;
        if greeting.code != 220 {
            return Err(SmtpError::Reply {
                stage: Stage::Greeting,
                reply: greeting,
            });
        }
        client.hello().await?;
        let client = match (cfg.tls, client.caps.starttls) {
            (TlsPolicy::Disabled, _) | (TlsPolicy::Opportunistic, false) => client,
            (TlsPolicy::Opportunistic, true) => {
                client
                    .starttls(server_name, tls::encrypt_only(), false)
                    .await?
            }
            (TlsPolicy::Require, true) => {
                client
                    .starttls(server_name, cfg.tls_config.clone(), true)
                    .await?
            }
            (TlsPolicy::Require, false) => {
                let _ = client.quit().await;
                return Err(SmtpError::Policy {
                    status: "4.7.4",
                    text: format!("TLS required but {server_name} does not offer STARTTLS"),
                });
            }
        };
        let mut client = client;
        if let Some(credentials) = &cfg.auth {
            client.authenticate(credentials).await?;
        }
        Ok(client)
    }

    /// What the server offered in its last EHLO reply.
    pub fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    /// Returns `true` if and only if the connection is encrypted.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// Sends one message: MAIL FROM (`from` empty for the null reverse-path), RCPT TO for
    /// each recipient, and DATA when at least one was accepted (RSET when none was).
    /// Returns one result per recipient, in order. `Err` means the whole transaction
    /// failed: MAIL refused, the connection lost, a timeout or a policy error.
    pub async fn send(
        &mut self,
        from: &str,
        rcpts: &[String],
        message: &[u8],
    ) -> Result<Vec<RcptResult>, SmtpError> {
        // Addresses come from parsed envelopes; this only keeps a line break from ever
        // reaching the wire as a command of its own.
        if [from]
            .into_iter()
            .chain(rcpts.iter().map(String::as_str))
            .any(|a| a.chars().any(char::is_control))
        {
            return Err(SmtpError::Policy {
                status: "5.1.3",
                text: "address with control characters".to_owned(),
            });
        }
        let message = normalize_crlf(message);
        let utf8 = !from.is_ascii() || rcpts.iter().any(|r| !r.is_ascii());
        // RFC 6531 §3.2: internationalised addresses only to servers that offer SMTPUTF8.
        if utf8 && !self.caps.smtputf8 {
            return Err(SmtpError::Policy {
                status: "5.6.7",
                text: "the server does not support internationalised addresses (SMTPUTF8)"
                    .to_owned(),
            });
        }
        let size = message.len() as u64;
        // RFC 1870 §6.2: no point sending what the server has said it will refuse.
        if let Some(max) = self.caps.size.filter(|&m| m > 0 && size > m) {
            return Err(SmtpError::Policy {
                status: "5.3.4",
                text: format!("message of {size} bytes exceeds the server's limit of {max}"),
            });
        }

        let mut mail = format!("MAIL FROM:<{from}>");
        if self.caps.size.is_some() {
            mail.push_str(&format!(" SIZE={size}"));
        }
        // RFC 6152 §3. Without 8BITMIME, 8-bit content is sent as it is, as other MTAs
        // do: converting MIME bodies is not this layer's business.
        if !message.is_ascii() && self.caps.eight_bit_mime {
            mail.push_str(" BODY=8BITMIME");
        }
        if utf8 {
            mail.push_str(" SMTPUTF8");
        }
        mail.push_str("\r\n");

        let timeout = self.cfg.command_timeout;
        let mut results = Vec::with_capacity(rcpts.len());
        let mail_reply = if self.caps.pipelining {
            // RFC 2920 §3.1: MAIL and every RCPT in one batch; DATA waits for their replies.
            let mut batch = mail;
            for rcpt in rcpts {
                batch.push_str(&format!("RCPT TO:<{rcpt}>\r\n"));
            }
            self.write(batch.as_bytes(), Stage::MailFrom, timeout)
                .await?;
            let mail_reply = self.read(Stage::MailFrom, timeout).await?;
            let mut drained = Ok(());
            for rcpt in rcpts {
                match self.read(Stage::RcptTo, timeout).await {
                    Ok(reply) => results.push(rcpt_result(rcpt, reply)),
                    Err(e) => {
                        drained = Err(e);
                        break;
                    }
                }
            }
            // A refused MAIL (often a 421 before hanging up) says more than the broken
            // connection that may follow it.
            if mail_reply.is_positive() {
                drained?;
            }
            mail_reply
        } else {
            let mail_reply = self.command(&mail, Stage::MailFrom, timeout).await?;
            if mail_reply.is_positive() {
                for rcpt in rcpts {
                    let line = format!("RCPT TO:<{rcpt}>\r\n");
                    let reply = self.command(&line, Stage::RcptTo, timeout).await?;
                    results.push(rcpt_result(rcpt, reply));
                }
            }
            mail_reply
        };
        if !mail_reply.is_positive() {
            return Err(SmtpError::Reply {
                stage: Stage::MailFrom,
                reply: mail_reply,
            });
        }

        if !results.iter().any(|r| r.reply.is_positive()) {
            // RFC 5321 §4.1.1.5: end the transaction so the connection can carry another.
            self.reset().await?;
            return Ok(results);
        }
        let reply = self
            .command("DATA\r\n", Stage::Data, self.cfg.data_init_timeout)
            .await?;
        let (stage, reply) = match reply.code {
            354 => {
                // RFC 5321 §4.5.3.2.5: the block timeout applies to each write.
                for block in data::dot_stuff(&message).chunks(BLOCK) {
                    self.write(block, Stage::Data, self.cfg.data_block_timeout)
                        .await?;
                }
                let reply = self.read(Stage::DataEnd, self.cfg.data_end_timeout).await?;
                (Stage::DataEnd, reply)
            }
            _ if reply.is_positive() => {
                return Err(SmtpError::Protocol {
                    stage: Stage::Data,
                    text: format!("unexpected reply to DATA: {reply}"),
                });
            }
            _ => (Stage::Data, reply),
        };
        for result in results.iter_mut().filter(|r| r.reply.is_positive()) {
            result.stage = stage;
            result.reply = reply.clone();
        }
        Ok(results)
    }

    /// Aborts the current transaction (RSET), leaving the connection ready for the next.
    pub async fn reset(&mut self) -> Result<(), SmtpError> {
        let reply = self
            .command("RSET\r\n", Stage::Rset, self.cfg.command_timeout)
            .await?;
        if reply.is_positive() {
            Ok(())
        } else {
            Err(SmtpError::Reply {
                stage: Stage::Rset,
                reply,
            })
        }
    }

    /// Says QUIT, reads the reply and closes the connection.
    pub async fn quit(mut self) -> Result<(), SmtpError> {
        let result = self
            .command("QUIT\r\n", Stage::Quit, self.cfg.command_timeout)
            .await;
        let _ = self.conn.get_mut().shutdown().await;
        result.map(|_| ())
    }

    /// EHLO, or HELO when the server does not know EHLO.
    async fn hello(&mut self) -> Result<(), SmtpError> {
        let timeout = self.cfg.command_timeout;
        let line = format!("EHLO {}\r\n", self.cfg.helo);
        let reply = self.command(&line, Stage::Ehlo, timeout).await?;
        if reply.code == 250 {
            self.caps = Capabilities::from_ehlo(&reply);
            return Ok(());
        }
        // RFC 5321 §3.2: a server without the extensions answers EHLO with 5xx; a
        // server that just said STARTTLS knows EHLO.
        if reply.is_permanent() && !self.tls {
            let line = format!("HELO {}\r\n", self.cfg.helo);
            let reply = self.command(&line, Stage::Ehlo, timeout).await?;
            if reply.code == 250 {
                self.caps = Capabilities::default();
                return Ok(());
            }
            return Err(SmtpError::Reply {
                stage: Stage::Ehlo,
                reply,
            });
        }
        Err(SmtpError::Reply {
            stage: Stage::Ehlo,
            reply,
        })
    }

    /// STARTTLS, the handshake, and EHLO again. A refusal of the command keeps the
    /// plaintext connection unless TLS is `required`.
    // RFC 3207 §4
    async fn starttls(
        mut self,
        server_name: &str,
        config: Arc<rustls::ClientConfig>,
        required: bool,
    ) -> Result<SmtpClient, SmtpError> {
        let timeout_after = self.cfg.command_timeout;
        let reply = self
            .command("STARTTLS\r\n", Stage::StartTls, timeout_after)
            .await?;
        if reply.code != 220 {
            if required {
                return Err(SmtpError::Reply {
                    stage: Stage::StartTls,
                    reply,
                });
            }
            tracing::debug!(peer = %self.peer, %reply, "STARTTLS refused; staying in plaintext");
            return Ok(self);
        }
        // Bytes after the 220 but before the handshake would be read as if they came
        // over TLS: a man in the middle could inject replies.
        if !self.conn.buffer().is_empty() {
            return Err(SmtpError::Protocol {
                stage: Stage::StartTls,
                text: "data after the reply to STARTTLS".to_owned(),
            });
        }
        let name = tls::server_name(server_name)
            .ok_or_else(|| SmtpError::Tls(format!("invalid server name {server_name:?}")))?;
        let Stream::Plain(tcp) = self.conn.into_inner() else {
            return Err(SmtpError::Protocol {
                stage: Stage::StartTls,
                text: "TLS is already active".to_owned(),
            });
        };
        let handshake = TlsConnector::from(config).connect(name, tcp);
        let stream = timeout(timeout_after, handshake)
            .await
            .map_err(|_| SmtpError::Timeout(Stage::StartTls))?
            .map_err(|e| SmtpError::Tls(e.to_string()))?;
        self.conn = BufReader::new(Stream::Tls(Box::new(stream)));
        self.tls = true;
        // RFC 3207 §4.2: forget what the server said before TLS and ask again.
        self.caps = Capabilities::default();
        self.hello().await?;
        Ok(self)
    }

    /// AUTH PLAIN, or LOGIN when PLAIN is not offered.
    // RFC 4954 §4
    async fn authenticate(&mut self, credentials: &Credentials) -> Result<(), SmtpError> {
        // RFC 4954 §4: a password is never sent in the clear. Temporary, because it is this
        // side's configuration that must change, and the mail should wait for it.
        let loopback_allowed = self.cfg.auth_plaintext_loopback && self.peer.ip().is_loopback();
        if !(self.tls || loopback_allowed) {
            return Err(SmtpError::Policy {
                status: "4.7.11",
                text: "refusing to send a password without TLS".to_owned(),
            });
        }
        let timeout = self.cfg.command_timeout;
        let offered = |m: &str| self.caps.auth.iter().any(|a| a == m);
        let reply = if offered("PLAIN") {
            // RFC 4616 §2: authzid (empty), NUL, authcid, NUL, password.
            let response = format!("\0{}\0{}", credentials.user, credentials.password);
            let line = format!("AUTH PLAIN {}\r\n", BASE64.encode(response));
            self.command(&line, Stage::Auth, timeout).await?
        } else if offered("LOGIN") {
            let mut reply = self.command("AUTH LOGIN\r\n", Stage::Auth, timeout).await?;
            for secret in [&credentials.user, &credentials.password] {
                if reply.code != 334 {
                    break;
                }
                let line = format!("{}\r\n", BASE64.encode(secret));
                reply = self.command(&line, Stage::Auth, timeout).await?;
            }
            reply
        } else {
            return Err(SmtpError::Policy {
                status: "4.7.0",
                text: "the server offers neither AUTH PLAIN nor AUTH LOGIN".to_owned(),
            });
        };
        if reply.code == 235 {
            Ok(())
        } else {
            Err(SmtpError::Reply {
                stage: Stage::Auth,
                reply,
            })
        }
    }

    async fn command(
        &mut self,
        line: &str,
        stage: Stage,
        wait: Duration,
    ) -> Result<Reply, SmtpError> {
        self.write(line.as_bytes(), stage, wait).await?;
        self.read(stage, wait).await
    }

    async fn write(&mut self, bytes: &[u8], stage: Stage, wait: Duration) -> Result<(), SmtpError> {
        let stream = self.conn.get_mut();
        let io = async {
            stream.write_all(bytes).await?;
            stream.flush().await
        };
        match timeout(wait, io).await {
            Err(_) => Err(SmtpError::Timeout(stage)),
            Ok(Err(source)) => Err(SmtpError::Io { stage, source }),
            Ok(Ok(())) => Ok(()),
        }
    }

    async fn read(&mut self, stage: Stage, wait: Duration) -> Result<Reply, SmtpError> {
        let reply = timeout(wait, read_reply(&mut self.conn, stage))
            .await
            .map_err(|_| SmtpError::Timeout(stage))??;
        tracing::trace!(peer = %self.peer, %stage, %reply, "reply");
        Ok(reply)
    }
}

fn rcpt_result(rcpt: &str, reply: Reply) -> RcptResult {
    RcptResult {
        rcpt: rcpt.to_owned(),
        stage: Stage::RcptTo,
        reply,
    }
}

/// Reads lines until one completes a reply.
async fn read_reply(conn: &mut BufReader<Stream>, stage: Stage) -> Result<Reply, SmtpError> {
    let mut parser = ReplyParser::new(MAX_LINES);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut *conn)
            .take(MAX_LINE)
            .read_until(b'\n', &mut line)
            .await
            .map_err(|source| SmtpError::Io { stage, source })?;
        if !line.ends_with(b"\n") {
            if n as u64 == MAX_LINE {
                return Err(SmtpError::Protocol {
                    stage,
                    text: "reply line too long".to_owned(),
                });
            }
            return Err(SmtpError::Io {
                stage,
                source: std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the server closed the connection",
                ),
            });
        }
        match parser.push(&line) {
            Ok(Some(reply)) => return Ok(reply),
            Ok(None) => {}
            Err(e) => {
                return Err(SmtpError::Protocol {
                    stage,
                    text: e.to_string(),
                });
            }
        }
    }
}
