//! One client connection: a buffered stream with its addresses, read line by line with a
//! length limit, upgraded in place by STARTTLS and by COMPRESS.

use std::{io, net::SocketAddr};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio_rustls::TlsAcceptor;

use crate::Stream;

/// Bytes read from the socket at a time: every idle connection holds this much, so it
/// stays small; longer lines and literals are assembled across reads.
const READ_BUFFER: usize = 4 * 1024;

/// How long a write may wait for a client that does not read: a stalled client must not
/// hold a session (and its locks) for ever.
const WRITE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// What [`Connection::read_line`] read.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line without its line ending (CRLF, or a bare LF from lax clients).
    Line(Vec<u8>),
    /// The line was longer than the limit; it has been read and thrown away.
    TooLong,
    /// The client closed the connection (a partial last line is dropped).
    Eof,
}

/// A client connection.
pub struct Connection {
    reader: BufReader<Stream>,
    peer: SocketAddr,
    local: SocketAddr,
}

impl Connection {
    pub fn new(stream: Stream, peer: SocketAddr, local: SocketAddr) -> Self {
        Self {
            reader: BufReader::with_capacity(READ_BUFFER, stream),
            peer,
            local,
        }
    }

    /// The client's address.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// The address the client connected to.
    pub fn local(&self) -> SocketAddr {
        self.local
    }

    /// Returns `true` if and only if the connection is encrypted.
    pub fn is_tls(&self) -> bool {
        self.reader.get_ref().is_tls()
    }

    /// Returns `true` if and only if the connection is compressed.
    pub fn is_compressed(&self) -> bool {
        self.reader.get_ref().is_compressed()
    }

    /// Returns `true` if and only if the client is on this machine.
    pub fn is_loopback(&self) -> bool {
        self.peer.ip().is_loopback()
    }

    /// Returns `true` if and only if a whole line the client sent is buffered, unread.
    pub fn has_buffered_line(&self) -> bool {
        self.reader.buffer().contains(&b'\n')
    }

    /// Reads one line of at most `max` bytes including its line ending.
    pub async fn read_line(&mut self, max: usize) -> io::Result<Line> {
        let mut line = Vec::new();
        let mut too_long = false;
        loop {
            let buf = self.reader.fill_buf().await?;
            if buf.is_empty() {
                return Ok(Line::Eof);
            }
            let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..=i], true),
                None => (buf, false),
            };
            let n = chunk.len();
            if !too_long {
                if line.len() + n > max {
                    too_long = true;
                    line = Vec::new();
                } else {
                    line.extend_from_slice(chunk);
                }
            }
            self.reader.consume(n);
            if done {
                if too_long {
                    return Ok(Line::TooLong);
                }
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Line::Line(line));
            }
        }
    }

    /// Waits until the client has sent something (or closed the connection) without
    /// consuming it. Unlike [`Connection::read_line`] it is cancel-safe, so a session can
    /// wait for input and for other events at once (IMAP IDLE).
    pub async fn wait_input(&mut self) -> io::Result<()> {
        self.reader.fill_buf().await.map(|_| ())
    }

    /// Writes the replies queued in `out` (if any) and empties it, keeping its capacity.
    pub async fn flush_from(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        if out.is_empty() {
            return Ok(());
        }
        let res = self.write_all(out).await;
        out.clear();
        res
    }

    /// Appends exactly `n` bytes from the client to `into` (SMTP BDAT chunks).
    pub async fn read_exact(&mut self, n: usize, into: &mut Vec<u8>) -> io::Result<()> {
        use tokio::io::AsyncReadExt;
        let start = into.len();
        into.resize(start + n, 0);
        self.reader.read_exact(&mut into[start..]).await.map(|_| ())
    }

    /// Reads and throws away exactly `n` bytes.
    pub async fn discard(&mut self, mut n: usize) -> io::Result<()> {
        while n > 0 {
            let buf = self.reader.fill_buf().await?;
            if buf.is_empty() {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let take = buf.len().min(n);
            self.reader.consume(take);
            n -= take;
        }
        Ok(())
    }

    /// Writes `bytes` and flushes; fails with `TimedOut` if the client does not take
    /// them within a minute.
    pub async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        let stream = self.reader.get_mut();
        let write = async {
            stream.write_all(bytes).await?;
            stream.flush().await
        };
        match tokio::time::timeout(WRITE_TIMEOUT, write).await {
            Ok(r) => r,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            )),
        }
    }

    /// Upgrades a plain connection to TLS. Input the client sent before the handshake
    /// and that is still buffered is thrown away, so that commands pipelined after
    /// STARTTLS/STLS cannot be injected into the encrypted session (RFC 3207 §4.2,
    /// RFC 2595 §3.1).
    pub async fn start_tls(self, acceptor: &TlsAcceptor) -> io::Result<Connection> {
        let stream = self.reader.into_inner().start_tls(acceptor).await?;
        Ok(Connection::new(stream, self.peer, self.local))
    }

    /// Compresses the connection from now on, both ways, with raw DEFLATE (RFC 4978):
    /// call it after the answer that starts compression has been written. Input the
    /// client sent after its command and that is already buffered was compressed by the
    /// client, so unlike [`Connection::start_tls`] it is kept and inflated first. Every
    /// write ends with a sync flush, so the client can decode each answer at once.
    pub fn start_compress(self) -> io::Result<Connection> {
        let pending = self.reader.buffer().to_vec();
        let stream = self.reader.into_inner().start_compress(&pending)?;
        Ok(Connection::new(stream, self.peer, self.local))
    }

    /// Closes the write side, telling the client we are done.
    pub async fn shutdown(&mut self) {
        let _ = tokio::time::timeout(WRITE_TIMEOUT, self.reader.get_mut().shutdown()).await;
    }
}
